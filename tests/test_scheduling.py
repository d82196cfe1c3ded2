"""Scheduling priorities: Snakemake's default scheduler (MILP) maximises the sum of the priorities of
the jobs it starts together, so a multi-threaded job must outrank as many single-thread jobs as it
has threads, or it waits until no single-thread job is left (workflow/rules/common.smk)."""

from pathlib import Path

import pytest
from snakemake.api import SnakemakeApi
from snakemake.settings.types import ConfigSettings, OutputSettings, ResourceSettings

REPO = Path(__file__).resolve().parents[1]
MAX_THREADS = 300  # the most threads per job the priorities are set for (common.smk)


@pytest.fixture(scope="module")
def rules():
    with SnakemakeApi(OutputSettings()) as api:
        workflow = api.workflow(
            snakefile=REPO / "Snakefile",
            workdir=REPO,
            resource_settings=ResourceSettings(cores=2),
            config_settings=ConfigSettings(configfiles=[REPO / "config" / "config.yaml"]),
        )
        yield {rule.name: rule for rule in workflow._workflow.rules}


def threads(rule) -> int:
    return int(rule.resources["_cores"].value)


def test_multithreaded_steps_outrank_single_thread_jobs_filling_their_cores(rules):
    single = max(rule.priority for rule in rules.values() if threads(rule) == 1)
    multi = {name: rule for name, rule in rules.items() if threads(rule) > 1}
    assert {"qc_fastp", "align_bwa", "rna_star_align"} <= set(multi)
    for name, rule in multi.items():
        assert rule.priority > MAX_THREADS * single, f"{name}: priority {rule.priority} vs {single} per thread"


def test_tumour_road_then_markdup_then_calling(rules):
    order = [rules[name].priority for name in ("align_bwa", "align_markdup", "call_mpileup", "cnv_coverage")]
    assert order == sorted(order, reverse=True) and len(set(order)) == 4
    assert (
        rules["germline_bcftools"].priority == rules["call_mpileup"].priority == rules["call_classify_shard"].priority
    )
    assert rules["annotate_table"].priority == 0
