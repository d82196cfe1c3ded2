"""Snakemake script: the tumour report as a FHIR R4 Bundle (presis.exports.fhir)."""

import json
from pathlib import Path

from presis.exports.fhir import report_bundle, validate_bundle
from presis.step_runner import step_log

log = step_log(snakemake)
report = json.loads(Path(snakemake.input.report).read_text())
bundle = report_bundle(report, build=snakemake.params.build)
validate_bundle(bundle)  # a Bundle that fails the FHIR models is never written
Path(snakemake.output[0]).write_text(json.dumps(bundle, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
log.info("FHIR Bundle: %d resources", len(bundle["entry"]))
