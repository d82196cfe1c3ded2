"""Snakemake script: the PASS somatic calls as a GDC MAF (presis.exports.maf)."""

import pandas as pd

from presis.exports.maf import maf_rows, pass_somatic_keys, write_maf
from presis.step_runner import step_log

log = step_log(snakemake)
table = pd.read_csv(snakemake.input.table, sep="\t", keep_default_na=False, na_values=[""])
params = snakemake.params
rows = maf_rows(table, pass_somatic_keys(snakemake.input.vcf), params.tumour, params.normal, params.build)
write_maf(rows, snakemake.output[0])
log.info("MAF: %d PASS somatic calls", len(rows))
