"""Snakemake script: FFPE deamination check (presis.ffpe)."""

import json
import logging

import pandas as pd

from presis.ffpe import ffpe_check

logging.basicConfig(filename=snakemake.log[0], level=logging.INFO, format="%(asctime)s %(message)s")
table = pd.read_csv(snakemake.input.table, sep="\t", keep_default_na=False, na_values=[""])
result = ffpe_check(table, **snakemake.params.settings)
with open(snakemake.output[0], "w") as fh:
    json.dump(result, fh, indent=2, sort_keys=True)
logging.info("FFPE %s: %s", result["flag"], result["reason"])
