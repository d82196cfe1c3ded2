"""Snakemake script: the measured substitution and homopolymer-slip error rates, the shards' counts
summed (presis.calling.error_profile.merge)."""

from presis.calling import error_profile
from presis.step_runner import step_log

log = step_log(snakemake)
profile = error_profile.merge([error_profile.ErrorProfile.read(path) for path in snakemake.input])
error_profile.write(profile, snakemake.output[0])
log.info(
    "error profile of %d shards: %s bases by reference base, %s positions left out as variants; homopolymer reads/slips %s",
    len(snakemake.input),
    profile.bases,
    profile.excluded_positions,
    profile.homopolymer,
)
