"""Snakemake script: the patient's report — from DNA (report_build_dna.py), or RNA-only for a patient
with tumour RNA alone (report_build_rna.py), whose DNA inputs do not exist."""

import runpy

from presis.step_runner import SCRIPTS, step_log

log = step_log(snakemake)
name = "report_build_dna" if snakemake.params.tumour else "report_build_rna"
log.info("report %s of patient %s: %s", snakemake.wildcards.unit, snakemake.wildcards.patient, name)
runpy.run_path(str(SCRIPTS / f"{name}.py"), init_globals={"snakemake": snakemake}, run_name=f"presis_step_{name}")
