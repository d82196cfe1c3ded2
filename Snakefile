# presis: FASTQ -> QC -> alignment -> calling -> annotation -> panel filter -> tumour report.
# Configuration precedence: built-in defaults < config/levels/level{N}.yaml < --configfile < --config.
import os
import sys
from pathlib import Path

from snakemake.exceptions import WorkflowError
from snakemake.utils import min_version

min_version("9.0")

REPO = Path(workflow.basedir)
sys.path.insert(0, str(REPO / "workflow" / "scripts"))
# Snakemake appends a `script:` job's folder to its sys.path after site-packages, so an installed
# presis (e.g. the editable install of another checkout) would win there: jobs get this library first.
os.environ.update(
    PYTHONPATH=os.pathsep.join(filter(None, [str(REPO / "workflow" / "scripts"), os.environ.get("PYTHONPATH")]))
)

from presis.inputs.config import merged_config, resolve_paths, rule_resources  # noqa: E402
from presis.errors import InputError  # noqa: E402
from presis.inputs import reference_cache, samplesheet  # noqa: E402
from presis.step_runner import run_script  # noqa: E402

# Configuration and sample sheet are checked before any job starts; every problem is listed.
try:
    # As written (what results/provenance and each report record); the rules read the config
    # with every file path resolved once (a relative path missing here is read from the presis folder).
    RECORDED_CONFIG = merged_config(dict(config), REPO)
    config.clear()
    config.update(resolve_paths(RECORDED_CONFIG, REPO))
    SHEET = samplesheet.load_sheet(config["samples"])
    # Where the prepared reference lives (and a clear error for a missing reference file).
    PREPARED = reference_cache.prepared(config["reference"])
except InputError as error:
    raise WorkflowError(f"presis cannot start — fix the input and run again.\n{error}") from None


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"


wildcard_constraints:
    patient=names_regex(SHEET["patient"]),
    # an analysis: the patient (one tumour) or one of its tumour samples (several; common.smk)
    unit=names_regex([*SHEET["patient"], *SHEET.loc[SHEET["type"] == "tumour", "sample"]]),
    sample=names_regex(SHEET["sample"]),
    lane=names_regex(SHEET["lane"]),
    shard=r"\d{3}",


include: "workflow/rules/reference.smk"
include: "workflow/rules/panel.smk"
include: "workflow/rules/qc.smk"
include: "workflow/rules/align.smk"
include: "workflow/rules/coverage.smk"
include: "workflow/rules/pon.smk"
include: "workflow/rules/call.smk"
include: "workflow/rules/germline.smk"
include: "workflow/rules/identity.smk"
include: "workflow/rules/annotate.smk"
include: "workflow/rules/filter.smk"
include: "workflow/rules/interpret.smk"
include: "workflow/rules/analyses.smk"
include: "workflow/rules/copynumber.smk"
include: "workflow/rules/report.smk"
include: "workflow/rules/vardb.smk"
include: "workflow/rules/exports.smk"
include: "workflow/rules/multiqc.smk"
include: "workflow/rules/rna.smk"


# On a cluster these steps run on the main Snakemake process's machine, not as jobs: each reads
# or writes kilobytes of variant tables in a fraction of a second, while a cluster job costs tens
# of seconds of queueing, start-up and status polling. Those with `run: run_script(...)` run
# inside the Snakemake process itself, locally too (presis/step_runner.py).
localrules:
    provenance_versions,
    provenance_config,
    reference_shards,
    reference_panel_annotation,
    reference_ready,
    panel_from_genes,
    call_gather,
    call_error_profile,
    call_classify,
    annotate_csq,
    annotate_table,
    filter_panel,
    interpret_variants,
    report_build,
    report_rna_tsv,
    identity_sites,
    identity_check,
    germline_gather,
    germline_csq,
    germline_table,
    tmb,
    ffpe_check,
    germline_findings,
    vardb_contribution,
    exports_fhir,
    exports_maf,
    qc_multiqc_presis,
    rna_events,
    cnv_genes,
    cnv_bins,
    cnv_reference_matched,
    cnv_reference_flat,
    cnv_fix_segment,


onsuccess:
    cancel_rate_limiter_timers()


onerror:
    cancel_rate_limiter_timers()


rule all:
    input:
        final_outputs(),
    default_target: True
