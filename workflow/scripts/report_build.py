"""Snakemake script: the patient's report — report_build_dna.py for a patient with tumour DNA (copy number and
tumour RNA added when run), report_build_rna.py for a patient with tumour RNA only."""

import runpy
from pathlib import Path

script = "report_build_dna.py" if snakemake.params.tumour else "report_build_rna.py"
runpy.run_path(str(Path(__file__).with_name(script)), init_globals={"snakemake": snakemake}, run_name="presis_step")
