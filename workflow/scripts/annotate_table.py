"""Snakemake script: the tidy variant table (presis.variant_table)."""

import logging

from presis.variant_table import annotation_sources, build_table

logging.basicConfig(filename=snakemake.log[0], level=logging.INFO, format="%(asctime)s %(message)s")
table = build_table(snakemake.input.vcf, *annotation_sources(snakemake.input, snakemake.params))
table.to_csv(snakemake.output[0], sep="\t", index=False)
logging.info("%d candidate alleles annotated", len(table))
