"""Report content of the levels (presis.report_sections): tier sections and biomarkers."""

from __future__ import annotations

import pytest

from presis import kb as K
from presis import report_sections as R

from conftest import REPO


@pytest.fixture(scope="module")
def kb():
    return K.load(K.KBFiles.in_repo(REPO))


def tiers(*values):
    return [{"gene": f"G{i}", "amp_tier": tier} for i, tier in enumerate(values)]


def test_tier_iii_shows_only_with_the_vus_section_and_tier_iv_never():
    variants = tiers("I-A", "II-C", "III", "III", "IV")
    shown, hidden = R.shown_variants(variants, ["findings", "vus", "qc"])
    assert [v["amp_tier"] for v in shown] == ["I-A", "II-C", "III", "III"] and hidden == {"tier IV": 1}
    shown, hidden = R.shown_variants(variants, ["findings", "qc"])  # level 3
    assert [v["amp_tier"] for v in shown] == ["I-A", "II-C"] and hidden == {"tier III": 2, "tier IV": 1}


def test_tmb_feeds_tiering_only_when_evaluable(kb):
    not_evaluable = {"evaluable": False, "tmb_high": False, "tmb_per_mb": 656.9, "status": "not evaluable"}
    assert R.biomarkers(not_evaluable, None, kb, "LUAD") == []
    # even a result that (wrongly) says high is ignored when the callable size was too small
    assert R.biomarkers({**not_evaluable, "tmb_high": True}, None, kb, "LUAD") == []
    high = {"evaluable": True, "tmb_high": True, "tmb_per_mb": 14.2, "status": "high"}
    (found,) = R.biomarkers(high, None, kb, "LUAD")
    assert found["biomarker"] == "TMB-high" and found["tier"] == "I-A" and found["kb_entry"] == "TMB_HIGH_TUMOUR_AGNOSTIC"


def test_msi_high_is_a_biomarker_and_stable_is_not(kb):
    (found,) = R.biomarkers(None, {"msi_high": True, "status": "MSI-high", "reason": "38 of 71 unstable"}, kb, "COAD")
    assert found["biomarker"] == "MSI-high" and found["tier"].startswith("I-")
    assert R.biomarkers(None, {"msi_high": False, "status": "MSI-stable"}, kb, "COAD") == []
