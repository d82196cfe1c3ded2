"""Snakemake script: the report's RNA events table (presis.report.rna.events_rows) from the RNA result JSON."""

import json
from pathlib import Path

import pandas as pd

from presis.report import rna as rna_report
from presis.step_runner import step_log

log = step_log(snakemake)
result = json.loads(Path(snakemake.input.rna).read_text())
rows = rna_report.events_rows(result)
pd.DataFrame(rows, columns=rna_report.EVENTS_TSV_FIELDS).to_csv(snakemake.output.tsv, sep="\t", index=False)
log.info("%s: %d RNA event rows (%s)", result["sample"], len(rows), ", ".join(result["detected"]) or "none detected")
