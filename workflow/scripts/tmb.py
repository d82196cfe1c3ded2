"""Snakemake script: tumour mutational burden (presis.tmb)."""

import json
import logging

import pandas as pd

from presis.tmb import callable_bases, tmb

logging.basicConfig(filename=snakemake.log[0], level=logging.INFO, format="%(asctime)s %(message)s")
table = pd.read_csv(snakemake.input.table, sep="\t", keep_default_na=False, na_values=[""])
callable_bp = callable_bases(snakemake.input.regions, snakemake.input.thresholds, snakemake.params.min_depth)
result = tmb(table, callable_bp, **snakemake.params.settings)
with open(snakemake.output[0], "w") as fh:
    json.dump(result, fh, indent=2, sort_keys=True)
logging.info("TMB %s: %s", result["status"], result["reason"])
