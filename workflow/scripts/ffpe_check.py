"""Snakemake script: FFPE deamination check (presis.analyses.ffpe)."""

import json

import pandas as pd

from presis.analyses.ffpe import ffpe_check
from presis.step_runner import step_log

log = step_log(snakemake)
table = pd.read_csv(snakemake.input.table, sep="\t", keep_default_na=False, na_values=[""])
result = ffpe_check(table, **snakemake.params.settings)
with open(snakemake.output[0], "w") as fh:
    json.dump(result, fh, indent=2, sort_keys=True)
log.info("FFPE %s: %s", result["flag"], result["reason"])
