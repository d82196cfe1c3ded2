"""Snakemake script: the report of a patient with tumour RNA only (presis.report.rna), as JSON, HTML and TSV
(the TSV lists the RNA events)."""

import json
from pathlib import Path

import pandas as pd
import yaml

from presis.interpretation import kb, trials
from presis.report import rna as rna_report
from presis.report.document import validate_report
from presis.report.provenance import reported_config
from presis.rna import results as rna_results
from presis.step_runner import step_log

log = step_log(snakemake)
inputs, params = snakemake.input, snakemake.params
config = yaml.safe_load(Path(inputs.config).read_text())
rna_result = json.loads(Path(inputs.rna).read_text())
# Tumour RNA only: a report of the RNA result (presis.report.rna), no DNA sections.
knowledge_base = kb.load(kb.KBFiles(inputs.biomarkers, inputs.oncotree, inputs.gene_roles, inputs.kb_schema))
provenance = {
    **json.loads(Path(inputs.versions).read_text()),
    "reference": json.loads(Path(inputs.checksums).read_text()),
    "config": reported_config(config),
}
report = rna_report.rna_only_report(
    patient=snakemake.wildcards.patient,
    info=params.info,
    rna=rna_result,
    kb=knowledge_base.release(),
    provenance=provenance,
    config=config,
)
# Clinical-trial options (level 1), from the RNA events (fusions, exon skipping) as for a DNA report.
if "trials" in inputs.keys():
    cohorts = trials.load_trials(inputs.trials, inputs.trials_schema, knowledge_base.oncotree)
    report = trials.add_trials(report, cohorts, knowledge_base.oncotree)
problems = validate_report(report, inputs.schema)
if problems:
    raise ValueError("report does not match its schema:\n" + "\n".join(problems))
Path(snakemake.output.json).write_text(json.dumps(report, indent=2, sort_keys=True))
Path(snakemake.output.html).write_text(rna_report.render_rna_only(report))
pd.DataFrame(rna_results.tsv_rows(rna_result), columns=rna_results.TSV_FIELDS).to_csv(
    snakemake.output.tsv, sep="\t", index=False
)
log.info("RNA-only report: %s", rna_result["statement"])
