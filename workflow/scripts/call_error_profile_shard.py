"""Snakemake script: the error counts of one calling shard's part of the panel (presis.calling.error_profile)."""

from presis.calling import error_profile
from presis.step_runner import step_log

log = step_log(snakemake)
profile = error_profile.measure(
    snakemake.input.bam,
    snakemake.input.ref,
    snakemake.input.bed,
    min_mapq=snakemake.params.mapq,
    min_baseq=snakemake.params.baseq,
    variant_fraction=snakemake.params.variant_fraction,
    indel_bams=list(snakemake.input.bams),
    regions=snakemake.input.shard,
)
error_profile.write(profile, snakemake.output[0])
log.info(
    "shard counts: %s bases by reference base, %s positions left out as variants; homopolymer reads/slips %s",
    profile.bases,
    profile.excluded_positions,
    profile.homopolymer,
)
