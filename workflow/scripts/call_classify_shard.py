"""Snakemake script: classify the candidates of one shard's part of the genome (presis.calling.somatic)."""

from presis.calling.error_profile import ErrorProfile, read_targets
from presis.calling.site_resources import SiteResources
from presis.calling.somatic import SomaticParams
from presis.calling.somatic_vcf import IndelReads, classify_vcf, shard_parts
from presis.step_runner import step_log

log = step_log(snakemake)
inputs = snakemake.input
bams = list(inputs.bams)
indel_reads = IndelReads(
    tumour_bam=bams[0],
    normal_bam=bams[1] if snakemake.params.normal else None,
    targets=read_targets(inputs.bed),
    min_mapq=snakemake.params.mapq,
    min_baseq=snakemake.params.baseq,
    candidate_min_alt_reads=snakemake.params.min_alt,
)
with SiteResources(
    population_vcf=inputs.get("population"),
    population_field=snakemake.params.population_field,
    pon_vcf=inputs.get("pon"),
) as resources:
    tally = classify_vcf(
        inputs.candidates,
        snakemake.output[0],
        tumour=snakemake.params.tumour,
        normal=snakemake.params.normal,
        params=SomaticParams.from_config(snakemake.params.somatic),
        resources=resources,
        profile=ErrorProfile.read(inputs.profile),
        reference_fasta=inputs.ref,
        indel_reads=indel_reads,
        shard=shard_parts(list(inputs.shards))[snakemake.params.shard],
    )
log.info("classified alleles by status: %s", tally)
