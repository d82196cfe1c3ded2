"""Snakemake script: classify candidates (presis.somatic) into the somatic VCF."""

import logging

from presis.candidates import classify_vcf
from presis.site_context import SiteResources
from presis.somatic import SomaticParams

logging.basicConfig(filename=snakemake.log[0], level=logging.INFO, format="%(asctime)s %(message)s")
inputs = snakemake.input
resources = SiteResources(
    population_vcf=inputs.get("population"),
    population_field=snakemake.params.population_field,
    pon_vcf=inputs.get("pon"),
)
tally = classify_vcf(
    inputs.candidates,
    snakemake.output.vcf,
    tumour=snakemake.params.tumour,
    normal=snakemake.params.normal,
    params=SomaticParams.from_config(snakemake.params.somatic),
    resources=resources,
)
logging.info("classified alleles by status: %s", tally)
