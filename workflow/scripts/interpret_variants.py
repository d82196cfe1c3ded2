"""Snakemake script: reason per candidate, germline referrals (presis.interpretation.reasons), and the clinical
classification of every reportable variant for the patient's tumour type (presis.interpretation.classify)."""

import pandas as pd

from presis.inputs.gene_list import read_gene_list
from presis.interpretation import kb as K
from presis.interpretation.classify import classify_table
from presis.interpretation.hotspots import Hotspots
from presis.interpretation.noncoding import gate_without_transcript
from presis.interpretation.reasons import germline_referral, reason
from presis.step_runner import step_log

log = step_log(snakemake)
inputs = snakemake.input
table = pd.read_csv(
    inputs.table, sep="\t", keep_default_na=False, na_values=[""], dtype={"reportable": bool, "in_panel": bool}
)
hotspots = Hotspots.load(inputs.hotspots)
extra = (inputs.civic,) if "civic" in inputs.keys() else ()  # imported CIViC entries, when configured
kb = K.load(K.KBFiles(inputs.biomarkers, inputs.oncotree, inputs.gene_roles, inputs.kb_schema, extra))
genes = {gene for path in inputs.referral_genes for gene in read_gene_list(path)}
table = gate_without_transcript(table, kb, snakemake.params.build)
rows = table.to_dict("records")
table["reason"] = [reason(row) for row in rows]
table["germline_referral"] = [germline_referral(row, genes, hotspots) for row in rows]
table = classify_table(table, snakemake.params.tumour_type, kb, hotspots, kb.roles)
table.to_csv(snakemake.output[0], sep="\t", index=False)
log.info(
    "KB %s; %d reportable variants classified for %s; %d germline referrals",
    kb.version,
    table["reportable"].sum(),
    snakemake.params.tumour_type,
    table["germline_referral"].notna().sum(),
)
