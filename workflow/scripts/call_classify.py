"""Snakemake script: classify candidates (presis.somatic) into the somatic VCF."""

import logging

from presis.candidates import classify_vcf
from presis.somatic import SomaticParams

logging.basicConfig(filename=snakemake.log[0], level=logging.INFO, format="%(asctime)s %(message)s")
tally = classify_vcf(
    snakemake.input[0],
    snakemake.output.vcf,
    tumour=snakemake.params.tumour,
    normal=snakemake.params.normal,
    params=SomaticParams.from_config(snakemake.params.somatic),
)
logging.info("classified alleles by status: %s", tally)
