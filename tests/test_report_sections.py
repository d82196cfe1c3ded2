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


def test_lod_per_gene_names_the_genes_where_absence_cannot_be_stated():
    somatic = {"min_alt_reads": 5, "min_vaf": 0.03, "min_depth": 20}
    coverage = [{"gene": "KRAS", "min_target_mean_depth": 215.4}, {"gene": "EGFR", "min_target_mean_depth": 30.0},
                {"gene": "TP53", "min_target_mean_depth": 12.0}]  # fmt: skip
    lod = R.lod_by_gene(coverage, somatic, 0.10)
    by_gene = {g["gene"]: g for g in lod["genes"]}
    assert by_gene["KRAS"]["evaluable"] and by_gene["KRAS"]["lod_vaf"] < 0.05
    assert not by_gene["EGFR"]["evaluable"] and by_gene["EGFR"]["lod_vaf"] > 0.10  # 30x: 5 reads need ~29 % VAF
    assert lod["not_evaluable"] == ["EGFR", "TP53"] and by_gene["TP53"]["statement"] == "not evaluable (depth 12)"
