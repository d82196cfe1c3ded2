"""Snakemake script: the tidy variant table (presis.annotation.variant_table)."""

from presis.annotation.variant_table import annotation_sources, build_table
from presis.step_runner import step_log

log = step_log(snakemake)
table = build_table(snakemake.input.vcf, *annotation_sources(snakemake.input, snakemake.params))
table.to_csv(snakemake.output[0], sep="\t", index=False)
log.info("%d candidate alleles annotated", len(table))
