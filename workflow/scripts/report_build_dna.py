"""Snakemake script (run by report_build.py for a patient with DNA): the tumour report (presis.report.document) as JSON, HTML and TSV."""

import json
from pathlib import Path

import pandas as pd
import yaml

from presis.calling.identity import IdentityParams, check_identity, withheld_reason
from presis.interpretation import kb, trials
from presis.report import qc
from presis.report import rna as rna_report
from presis.report.copy_number import add_copy_number
from presis.report.document import build_report, load_table, render_html, sample_qc, validate_report, write_tsv
from presis.report.provenance import reported_config
from presis.report.sections import ANALYSES, add_sections, read_analyses
from presis.step_runner import step_log

log = step_log(snakemake)
inputs, params = snakemake.input, snakemake.params
config = yaml.safe_load(Path(inputs.config).read_text())
rna_result = json.loads(Path(inputs.rna).read_text()) if inputs.get("rna") else None
table = load_table(inputs.table)

qc_by_sample, coverage = {}, {}
for i, sample in enumerate(params.samples):
    qc_by_sample[sample], coverage[sample] = sample_qc(
        sample,
        params.fastp[sample],
        inputs.stats[i],
        inputs.regions[i],
        inputs.thresholds[i],
        config["qc"]["tumour" if sample == params.tumour else "normal"],
    )

extra = (inputs.civic,) if "civic" in inputs.keys() else ()  # imported CIViC entries, when configured
knowledge_base = kb.load(kb.KBFiles(inputs.biomarkers, inputs.oncotree, inputs.gene_roles, inputs.kb_schema, extra))
versions = json.loads(Path(inputs.versions).read_text())
provenance = {
    **versions,
    "reference": json.loads(Path(inputs.checksums).read_text()),
    "config": reported_config(config),
}
# A sibling tumour whose own report its identity check stopped is named as withheld, with the
# reason, never as a sibling analysed like this one (its genotypes are compared again here).
identity_params = IdentityParams.from_config(config["identity"])
withheld = {
    sibling: withheld_reason(check_identity(genotypes, sibling, params.normal, identity_params), identity_params)
    for sibling, genotypes in params.other_tumours_identity.items()
}
report = build_report(
    patient=snakemake.wildcards.patient,
    info=params.info,
    tumour=params.tumour,
    normal=params.normal,
    table=table,
    qc_by_sample=qc_by_sample,
    tumour_coverage=coverage[params.tumour],
    lod_sites=pd.read_csv(inputs.lod, sep="\t", keep_default_na=False, na_values=[""]),
    identity=json.loads(Path(inputs.identity).read_text()) if inputs.get("identity") else None,
    kb=knowledge_base.release(),
    performance=yaml.safe_load(Path(inputs.performance).read_text()),
    provenance=provenance,
    config=config,
    other_tumours=[t for t in params.other_tumours if not withheld.get(t)],
    withheld_tumours={t: reason for t, reason in withheld.items() if reason},
)
# The level's analyses (TMB, MSI, germline findings, FFPE) and the limit of detection per target.
report = add_sections(
    report,
    analyses=read_analyses({name: inputs[name] for name in ANALYSES if name in inputs.keys()}),
    kb=knowledge_base,
    tumour_targets=qc.read_mosdepth(inputs.regions[0], inputs.thresholds[0]),  # the tumour comes first
)
if "cnv" in inputs.keys():  # copy number is on at this level (config copy_number: enabled)
    report = add_copy_number(report, json.loads(Path(inputs.cnv).read_text()))
if rna_result is not None:
    report = rna_report.add_rna(report, rna_result)
# Clinical-trial options (level 1): cohorts the reportable events and the tumour type fit.
if "trials" in inputs.keys():
    cohorts = trials.load_trials(inputs.trials, inputs.trials_schema, knowledge_base.oncotree)
    report = trials.add_trials(report, cohorts, knowledge_base.oncotree)
problems = validate_report(report, inputs.schema)
if problems:
    raise ValueError("report does not match its schema:\n" + "\n".join(problems))
with open(snakemake.output.json, "w") as fh:
    json.dump(report, fh, indent=2, sort_keys=True)
with open(snakemake.output.html, "w") as fh:
    fh.write(render_html(report))
write_tsv(table, snakemake.output.tsv)
log.info("report: %d reportable of %d candidates", len(report["variants"]), len(table))
