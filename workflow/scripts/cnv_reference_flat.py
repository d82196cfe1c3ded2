"""Snakemake script of rule cnv_reference_flat (`use rule cnv_reference_build`): the same step."""

import runpy

from presis.step_runner import SCRIPTS, step_log

step_log(snakemake).info("cnv_reference_flat: the reference step of cnv_reference_build.py")
runpy.run_path(str(SCRIPTS / "cnv_reference_build.py"), init_globals={"snakemake": snakemake})
