"""Snakemake script: the panel of normals (presis.calling.pon)."""

import logging

from presis.calling.pon import build_pon

logging.basicConfig(filename=snakemake.log[0], level=logging.INFO, format="%(asctime)s %(message)s")
pon = snakemake.params.pon
kept = build_pon(snakemake.input[0], snakemake.output.vcf, pon["min_alt_reads"], pon["min_vaf"])
logging.info("panel of normals: %d alleles carried by at least one normal", kept)
