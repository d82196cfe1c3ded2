"""Snakemake script: the bwa index into the reference cache, once (presis.inputs.reference_cache)."""

from presis.inputs.reference_cache import build_bwa
from presis.step_runner import step_log

log = step_log(snakemake)
log.info("bwa index of %s (once for this reference)", snakemake.params.prepared.fasta)
build_bwa(snakemake.params.prepared, snakemake.log[0])
log.info("bwa index: %s", snakemake.params.prepared.bwa_prefix)
