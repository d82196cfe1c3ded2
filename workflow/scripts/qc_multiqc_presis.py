"""Snakemake script: presis' metrics of every report of the run as MultiQC custom content."""

import json
from pathlib import Path

from presis.exports.multiqc import patient_summary, qc_checks
from presis.step_runner import step_log

log = step_log(snakemake)
reports = [json.loads(Path(path).read_text()) for path in snakemake.input.reports]
Path(snakemake.output.checks).write_text(json.dumps(qc_checks(reports), indent=1) + "\n")
Path(snakemake.output.patients).write_text(json.dumps(patient_summary(reports), indent=1) + "\n")
log.info("MultiQC custom content from %d report(s)", len(reports))
