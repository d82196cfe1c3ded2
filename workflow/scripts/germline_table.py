"""Snakemake script: the tidy germline table (presis.germline)."""

import logging

from presis.germline import build_germline_table
from presis.variant_table import annotation_sources

logging.basicConfig(filename=snakemake.log[0], level=logging.INFO, format="%(asctime)s %(message)s")
table = build_germline_table(snakemake.input.vcf, *annotation_sources(snakemake.input, snakemake.params))
table.to_csv(snakemake.output[0], sep="\t", index=False)
logging.info("%d germline calls annotated, %d PASS", len(table), int((table["filters"] == "PASS").sum()))
