"""Snakemake script: the GFF3 sorted, bgzipped and indexed, and its gene table, into the reference
cache, once (presis.inputs.reference_cache)."""

import logging

from presis.inputs.reference_cache import build_annotation

logging.basicConfig(filename=snakemake.log[0], level=logging.INFO, format="%(asctime)s %(message)s")
build_annotation(snakemake.input.gff3, snakemake.params.prepared)
logging.info("prepared annotation: %s", snakemake.params.prepared.annotation_dir)
