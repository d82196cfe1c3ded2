"""Snakemake script: the classified shards gathered into the somatic VCF (presis.calling.somatic_vcf.gather)."""

from presis.calling.somatic_vcf import gather
from presis.step_runner import step_log

log = step_log(snakemake)
records = gather(list(snakemake.input), snakemake.output.vcf)
log.info("somatic VCF: %d records from %d shards", records, len(snakemake.input))
