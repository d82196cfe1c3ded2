"""Regenerate the bundled simulated tumour RNA reads (presis.devtools.simulate_rna), from the repository root:

    .venv/bin/python tests/data/reads/rna/make_rna_reads.py

RNA-GB-R: 4 fusions of test-genome genes + EGFRvIII (patient RNA-GB, RNA only); DEMO-R: 4 fusions, no EGFRvIII
(patient DEMO, beside its DNA). Both with a read-through transcript and a highly expressed gene (negative controls).
"""

import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[4]
sys.path.insert(0, str(REPO / "workflow" / "scripts"))

from presis.devtools.simulate_rna import RnaPlan, simulate_rna, truth_records  # noqa: E402

GENOME = REPO / "tests" / "data" / "genome"
HERE = Path(__file__).resolve().parent
SAMPLES = {
    "RNA-GB-R": RnaPlan(seed=11, fusions=4, background_genes=60, high_expression_fragments=2000, egfrviii=True),
    "DEMO-R": RnaPlan(seed=12, fusions=4, background_genes=60, high_expression_fragments=2000),
}

if __name__ == "__main__":
    for name, plan in SAMPLES.items():
        events = simulate_rna(
            GENOME / "presis-test-GRCh38.v2.fa.gz", GENOME / "presis-test-GRCh38.v2.gff3.gz", plan, HERE / name
        )
        (HERE / f"{name}.truth.json").write_text(json.dumps(truth_records(events), indent=1) + "\n")
