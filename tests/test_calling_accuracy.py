"""Calling accuracy on the frozen CI scenario of the benchmark, through the real workflow.

The CI scenario (``ci: true`` in config/benchmark/scenarios.yaml) is simulated once per
session into a temporary folder, run tumour/normal through the workflow, and scored by
``presis.devtools.benchmark``. A failing threshold prints every missed variant and false call with
the caller's evidence. The full benchmark: tests/benchmarks/bench_calling.py.
"""

from __future__ import annotations

import time

import pytest
from conftest import REPO, run_workflow

from presis.devtools import benchmark as bench

pytestmark = pytest.mark.e2e

SNV_RECALL = 0.98  # truth VAF >= 0.05
SNV_PRECISION = 0.98  # calls with TVAF >= 0.05
INDEL_F1 = 0.95
LOW_VAF_DEEP_RECALL = 0.80  # truth VAF 0.03-0.05 at tumour depth >= 300


@pytest.fixture(scope="session")
def ci_scenario(tmp_path_factory) -> bench.Comparison:
    benchmark = bench.load_scenarios(REPO / "config" / "benchmark" / "scenarios.yaml", REPO)
    scenario = benchmark.ci()
    folder = tmp_path_factory.mktemp("calling_accuracy")
    start = time.perf_counter()
    data = bench.prepare_scenario(scenario, benchmark, REPO, folder / "data")
    sheet = bench.write_sample_sheet(folder / "samples.tsv", bench.sample_sheet_rows(scenario, data))
    run = run_workflow(folder / "out", f"samples={sheet}")
    assert run.returncode == 0, run.output[-5000:]
    calls = run.result(f"{data.patient}/calls/{data.patient}.somatic.vcf.gz")
    comparison = bench.compare(
        calls, data.somatic_truth, benchmark.reference, benchmark.panel, name=scenario.name,
        germline_vcf=data.germline_truth, bam=run.result(f"{data.patient}/align/{data.patient}-T.bam"),
    )  # fmt: skip
    print(f"\n{bench.format_comparison(comparison)}\nCI scenario: {time.perf_counter() - start:.0f} s")
    return comparison


def evidence(comparison: bench.Comparison) -> str:
    return "\n".join(bench.format_misses(comparison)) or "(no misses)"


def test_ci_scenario_is_tumour_normal_with_its_truth_in_the_panel(ci_scenario):
    assert not ci_scenario.tumour_only
    assert len(ci_scenario.truth) == 40  # every simulated somatic variant lies in the panel


def test_snv_recall_at_vaf_5_percent(ci_scenario):
    score = bench.snv_at_headline_vaf(ci_scenario)
    assert score.recall >= SNV_RECALL, f"{score}\n{evidence(ci_scenario)}"


def test_snv_precision_at_vaf_5_percent(ci_scenario):
    score = bench.snv_at_headline_vaf(ci_scenario)
    assert score.precision >= SNV_PRECISION, f"{score}\n{evidence(ci_scenario)}"


def test_indel_f1(ci_scenario):
    score = bench.by_type(ci_scenario)["indel"]
    assert score.tp + score.fn >= 10
    assert score.f1 >= INDEL_F1, f"{score}\n{evidence(ci_scenario)}"


def test_low_vaf_recall_at_depth(ci_scenario):
    score = bench.low_vaf_deep(ci_scenario)
    # The CI scenario plants 16 variants at VAF 0.035/0.045 at ~400x; a few sites may sample below 300x.
    assert score.tp + score.fn >= 10, f"too few variants at VAF 0.03-0.05 with depth >= 300: {score}"
    assert score.recall >= LOW_VAF_DEEP_RECALL, f"{score}\n{evidence(ci_scenario)}"
