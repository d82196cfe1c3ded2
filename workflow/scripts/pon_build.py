"""Snakemake script: the panel of normals (presis.calling.pon)."""

from presis.calling.pon import build_pon
from presis.step_runner import step_log

log = step_log(snakemake)
pon = snakemake.params.pon
kept = build_pon(snakemake.input[0], snakemake.output.vcf, pon["min_alt_reads"], pon["min_vaf"])
log.info("panel of normals: %d alleles carried by at least one normal", kept)
