"""Snakemake script: the tumour report (presis.report) as JSON, HTML and TSV."""

import json
import logging

import pandas as pd
import yaml

from presis.provenance import reported_config
from presis.report import build_report, render_html, sample_qc, validate_report, write_tsv

logging.basicConfig(filename=snakemake.log[0], level=logging.INFO, format="%(asctime)s %(message)s")
inputs, params = snakemake.input, snakemake.params
config = yaml.safe_load(open(inputs.config))
table = pd.read_csv(inputs.table, sep="\t", keep_default_na=False, na_values=[""])

qc_by_sample, coverage = {}, {}
for i, sample in enumerate(params.samples):
    qc_by_sample[sample], coverage[sample] = sample_qc(
        sample, params.fastp[sample], inputs.stats[i], inputs.regions[i], inputs.thresholds[i],
        config["qc"]["tumour" if sample == params.tumour else "normal"],
    )

versions = json.load(open(inputs.versions))
provenance = {**versions, "reference": json.load(open(inputs.checksums)), "config": reported_config(config)}
report = build_report(
    patient=snakemake.wildcards.patient,
    info=params.info,
    tumour=params.tumour,
    normal=params.normal,
    table=table,
    qc_by_sample=qc_by_sample,
    tumour_coverage=coverage[params.tumour],
    provenance=provenance,
    config=config,
)
problems = validate_report(report, inputs.schema)
if problems:
    raise ValueError("report does not match its schema:\n" + "\n".join(problems))
with open(snakemake.output.json, "w") as fh:
    json.dump(report, fh, indent=2, sort_keys=True)
with open(snakemake.output.html, "w") as fh:
    fh.write(render_html(report))
write_tsv(table, snakemake.output.tsv)
logging.info("report: %d reportable of %d candidates", len(report["variants"]), len(table))
