"""Snakemake script: the KB's biomarker sites in the panel, each detected, not detected (LoD) or
not evaluable from the tumour's depth there (presis.interpretation.biomarker_sites)."""

import pandas as pd
import pysam

from presis.annotation.transcripts import load_transcripts
from presis.inputs.bed import PanelIndex, read_panel
from presis.interpretation import kb as K
from presis.interpretation.biomarker_sites import LOD_COLUMNS, evaluate, kb_sites
from presis.interpretation.hotspots import Hotspots
from presis.interpretation.site_spans import min_depths
from presis.step_runner import step_log

log = step_log(snakemake)
inputs, params = snakemake.input, snakemake.params
kb = K.load(K.KBFiles(inputs.biomarkers, inputs.oncotree, inputs.gene_roles, inputs.kb_schema))
panel = PanelIndex(read_panel(inputs.panel))
sites = kb_sites(
    kb, Hotspots.load(inputs.hotspots), load_transcripts(inputs.gff3), lambda c, s, e: bool(panel.genes_at(c, s, e))
)
table = pd.read_csv(inputs.table, sep="\t", keep_default_na=False, na_values=[""], dtype={"reportable": bool})
reportable = table[table["reportable"]].to_dict("records")
somatic = params.somatic
with pysam.AlignmentFile(inputs.bam) as bam:
    depths = min_depths(bam, [site.span for site in sites], params.min_mapq, params.min_baseq)
    rows = evaluate(
        sites, depths.__getitem__, reportable, kb,
        min_alt=somatic["min_alt_reads"], min_vaf=somatic["min_vaf"], min_depth=somatic["min_depth"], max_lod=params.max_lod_vaf,
    )  # fmt: skip
pd.DataFrame(rows, columns=LOD_COLUMNS).to_csv(snakemake.output[0], sep="\t", index=False)
log.info("%d KB sites in the panel: %s", len(rows), pd.Series([r["status"] for r in rows]).value_counts().to_dict())
