"""Snakemake script: the tumour report (presis.report) as JSON, HTML and TSV."""

import json
import logging

import pandas as pd
import yaml

from presis import kb, qc
from presis.hotspots import Hotspots
from presis.report import build_report, render_html, sample_qc, validate_report, write_tsv
from presis.report_sections import ANALYSES, DEFAULT_SECTIONS, add_sections, read_analyses

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
provenance = {**versions, "reference": json.load(open(inputs.checksums)), "config": config}
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
# Tiers, the level's sections and the analyses it runs (presis.report_sections).
report = add_sections(
    report,
    sections=config["report"].get("sections", DEFAULT_SECTIONS),
    analyses=read_analyses({name: inputs[name] for name in ANALYSES if name in inputs.keys()}),
    kb=kb.load(),
    hotspots=Hotspots.load(inputs.hotspots),
    roles=kb.load_gene_roles(kb.KBFiles.in_repo().gene_roles),
    tumour_targets=qc.read_mosdepth(inputs.regions[0], inputs.thresholds[0]),  # the tumour comes first
    max_lod=config["report"]["max_lod"],
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
