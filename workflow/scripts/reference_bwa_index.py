"""Snakemake script: the bwa index into the reference cache, once (presis.inputs.reference_cache)."""

from presis.inputs.reference_cache import build_bwa

build_bwa(snakemake.params.prepared, snakemake.log[0])
