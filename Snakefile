# presis: FASTQ -> QC -> alignment -> calling -> annotation -> panel filter -> tumour report.
# Configuration precedence: built-in defaults < config/levels/level{N}.yaml < --configfile < --config.
import sys
from pathlib import Path

from snakemake.utils import min_version

min_version("9.0")

REPO = Path(workflow.basedir)
sys.path.insert(0, str(REPO / "workflow" / "scripts"))

from presis.config import effective_config, rule_resources  # noqa: E402
from presis import samplesheet  # noqa: E402


_effective = effective_config(dict(config), REPO)
config.clear()
config.update(_effective)
SHEET = samplesheet.load_sheet(config["samples"])


include: "workflow/rules/common.smk"
include: "workflow/rules/reference.smk"
include: "workflow/rules/qc.smk"
include: "workflow/rules/align.smk"
include: "workflow/rules/coverage.smk"
include: "workflow/rules/call.smk"
include: "workflow/rules/annotate.smk"
include: "workflow/rules/filter.smk"
include: "workflow/rules/report.smk"


rule all:
    input:
        final_outputs(),
    default_target: True
