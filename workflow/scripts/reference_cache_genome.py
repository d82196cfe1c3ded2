"""Snakemake script: the FASTA and its index into the reference cache, once (presis.inputs.reference_cache)."""

from presis.inputs.reference_cache import build_genome
from presis.step_runner import step_log

log = step_log(snakemake)
build_genome(snakemake.input.fasta, snakemake.params.prepared, fai=snakemake.params.fai)
log.info("prepared FASTA: %s", snakemake.params.prepared.fasta)
