"""Limits of detection under the binomial model."""

import pytest

from presis.calling.lod import detection_probability, limit_of_detection, site_lod


def test_detection_probability_matches_hand_computation():
    # P(X >= 1) for Bin(10, 0.1) = 1 - 0.9^10
    assert detection_probability(10, 0.1, 1) == pytest.approx(1 - 0.9**10)
    assert detection_probability(4, 0.5, 5) == 0.0
    assert detection_probability(100, 1.0, 5) == 1.0


@pytest.mark.parametrize("depth", [50, 200, 800])
def test_lod_is_the_95_percent_point(depth):
    lod = limit_of_detection(depth, min_alt=5, min_vaf=0.0)
    assert detection_probability(depth, lod, 5) >= 0.95
    assert detection_probability(depth, lod * 0.98, 5) < 0.95


def test_deeper_means_lower_lod_down_to_the_callers_floor():
    assert limit_of_detection(200, 5, 0.03) > limit_of_detection(800, 5, 0.03) == 0.03
    # 215x (the demo's mean) with 5 alt reads: about 4 %
    assert 0.038 < limit_of_detection(215, 5, 0.0) < 0.045


def test_statements():
    assert site_lod(215, 5, 0.03, 20, 0.10).statement().startswith("not detected (LoD 4.")
    assert site_lod(12, 5, 0.03, 20, 0.10).statement() == "not evaluable (depth 12)"
    assert not site_lod(40, 5, 0.03, 20, 0.10).evaluable  # LoD ~ 22 %: too high to call a negative
