"""Snakemake script: tumour mutational burden (presis.analyses.tmb)."""

import json

import pandas as pd

from presis.analyses.tmb import callable_bases, tmb
from presis.step_runner import step_log

log = step_log(snakemake)
table = pd.read_csv(snakemake.input.table, sep="\t", keep_default_na=False, na_values=[""])
callable_bp = callable_bases(snakemake.input.regions, snakemake.input.thresholds, snakemake.params.min_depth)
result = tmb(table, callable_bp, **snakemake.params.settings)
with open(snakemake.output[0], "w") as fh:
    json.dump(result, fh, indent=2, sort_keys=True)
log.info("TMB %s: %s", result["status"], result["reason"])
