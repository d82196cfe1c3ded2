"""Snakemake script: the FASTA and its index into the reference cache, once (presis.inputs.reference_cache)."""

import logging

from presis.inputs.reference_cache import build_genome

logging.basicConfig(filename=snakemake.log[0], level=logging.INFO, format="%(asctime)s %(message)s")
build_genome(snakemake.input.fasta, snakemake.params.prepared, fai=snakemake.params.fai)
logging.info("prepared FASTA: %s", snakemake.params.prepared.fasta)
