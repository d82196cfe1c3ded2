"""The copy-number benchmark's reading of the ±1-copy criterion (tests/benchmarks/bench_cnv.py)."""

import importlib.util
import math

import pytest
from conftest import REPO

spec = importlib.util.spec_from_file_location("bench_cnv", REPO / "tests" / "benchmarks" / "bench_cnv.py")
bench_cnv = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench_cnv)


def interval(truth: int, purity: float, se: float) -> tuple[float, float]:
    """The copy-number interval presis reports for a gene read exactly at its true log2 with this error."""
    from presis.copynumber.genes import copy_number_interval

    return copy_number_interval(bench_cnv.truth_log2(truth, purity), se, purity, 2)


def test_one_copy_chance_follows_the_standard_error():
    # MYC at CN 8, purity 0.3: one copy is ~0.12 log2 either side
    assert bench_cnv.one_copy_chance(8, 0.3, *interval(8, 0.3, 0.01)) == pytest.approx(1.0)
    step = bench_cnv.truth_log2(9, 0.3) - bench_cnv.truth_log2(8, 0.3)
    down = bench_cnv.truth_log2(8, 0.3) - bench_cnv.truth_log2(7, 0.3)
    se = 0.07  # 3 targets at ~0.12 log2 each
    expected = bench_cnv.normal_cdf(step / se) - bench_cnv.normal_cdf(-down / se)
    assert bench_cnv.one_copy_chance(8, 0.3, *interval(8, 0.3, se)) == pytest.approx(expected, rel=1e-6)
    assert 0.85 < expected < 0.92
    # the same error at purity 0.9: within one copy nearly always
    assert bench_cnv.one_copy_chance(8, 0.9, *interval(8, 0.9, se)) > 0.98
    assert math.isclose(bench_cnv.normal_cdf(0.0), 0.5)
