"""Snakemake script: germline findings of the normal (presis.interpretation.germline_findings)."""

import json

import pandas as pd

from presis.annotation.transcripts import load_transcripts
from presis.inputs.gene_list import read_gene_list
from presis.interpretation.germline_findings import findings, lof_genes, read_known
from presis.step_runner import step_log

log = step_log(snakemake)
table = (
    pd.read_csv(snakemake.input.table, sep="\t", keep_default_na=False, na_values=[""])
    if snakemake.input.table
    else None
)
result = findings(
    table,
    consent=snakemake.params.consent,
    genes=set(read_gene_list(snakemake.input.genes)),
    known=read_known(snakemake.input.known),
    lof=lof_genes(snakemake.input.roles),
    transcripts=load_transcripts(snakemake.input.gff3),
    nmd_distance=snakemake.params.nmd_distance,
)
with open(snakemake.output[0], "w") as fh:
    json.dump(result, fh, indent=2, sort_keys=True)
log.info("germline findings: %s (%s)", result["status"], result["reason"])
