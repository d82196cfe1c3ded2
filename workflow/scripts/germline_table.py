"""Snakemake script: the tidy germline table (presis.calling.germline)."""

from presis.annotation.variant_table import annotation_sources
from presis.calling.germline import build_germline_table
from presis.step_runner import step_log

log = step_log(snakemake)
table = build_germline_table(snakemake.input.vcf, *annotation_sources(snakemake.input, snakemake.params))
table.to_csv(snakemake.output[0], sep="\t", index=False)
log.info("%d germline calls annotated, %d PASS", len(table), int((table["filters"] == "PASS").sum()))
