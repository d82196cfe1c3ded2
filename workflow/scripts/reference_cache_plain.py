"""Snakemake script: a plain copy of the bgzipped FASTA into the reference cache, once (presis.inputs.reference_cache)."""

from presis.inputs.reference_cache import build_plain
from presis.step_runner import step_log

log = step_log(snakemake)
build_plain(snakemake.params.prepared)
log.info("plain FASTA for CNVkit and STAR: %s", snakemake.params.prepared.plain_fasta)
