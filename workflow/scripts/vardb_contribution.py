"""Snakemake script: one patient's variant-database contribution (presis.vardb.contribution).

Logs counts only: never the secret, the key, the patient or a path.
"""

import json
import sys
from pathlib import Path

from presis.errors import InputError
from presis.inputs.contigs import ContigMap
from presis.step_runner import step_log
from presis.vardb import contribution
from presis.vardb.secret import contributor_key, is_demo_secret, read_secret

log = step_log(snakemake)
try:
    secret = read_secret(snakemake.params.secret_env, snakemake.params.secret_file)
except InputError as error:
    log.error("%s", error)
    sys.exit(f"vardb_contribution: {error}")


def each(name: str) -> list[str]:
    """The input's files, one per tumour sample of the patient (empty when not an input)."""
    files = snakemake.input.get(name)
    return [] if not files else [files] if isinstance(files, str) else list(files)


# One contribution for the person: a variant carried by several of their tumour samples counts once.
data = contribution.build_contribution(
    key=contributor_key(snakemake.wildcards.patient, secret),
    build=snakemake.params.build,
    level=snakemake.params.level,
    tumour_type=snakemake.params.tumour_type,
    somatic=[contribution.read_table(path) for path in each("somatic")],
    germline=contribution.read_table(snakemake.input.get("germline")),
    thresholds=[contribution.read_thresholds(path) for path in each("thresholds")],
    contigs=ContigMap.load(snakemake.params.contigs),
    demo_key=is_demo_secret(secret),
    rna=[json.loads(Path(path).read_text()) for path in each("rna")] or None,
    copy_number=[json.loads(Path(path).read_text()) for path in each("cnv")] or None,
)
if data["demo_key"]:
    log.warning("keyed with the public demo secret: set the hospital's own before sending (docs/usage.md)")
with open(snakemake.output[0], "w") as fh:
    fh.write(contribution.dumps(data))
origins = [v["origin"] for v in data["variants"]]
log.info("contribution of %d tumour sample(s): %d somatic and %d germline variants, %d panel regions", len(each("somatic")),
             origins.count("somatic"), origins.count("germline"), len(data["regions"]))  # fmt: skip
