"""Snakemake script: the GFF3 sorted, bgzipped and indexed, and its gene table, into the reference
cache, once (presis.inputs.reference_cache)."""

from presis.inputs.reference_cache import build_annotation
from presis.step_runner import step_log

log = step_log(snakemake)
build_annotation(snakemake.input.gff3, snakemake.params.prepared)
log.info("prepared annotation: %s", snakemake.params.prepared.annotation_dir)
