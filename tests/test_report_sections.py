"""Report content of the levels (presis.report.sections): hidden groups, biomarkers, target LoD."""

from __future__ import annotations

import pandas as pd

from presis.report import sections as R


def grouped(*groups):
    return [{"gene": f"G{i}", "group": group} for i, group in enumerate(groups)]


def test_a_level_without_the_tier_iii_sections_counts_those_variants():
    variants = grouped("clinically_relevant", "clinically_relevant", "oncogenic", "vus", "vus")
    assert R.variants_not_shown(variants, ["findings", "oncogenic", "vus", "qc"]) == {}
    assert R.variants_not_shown(variants, ["findings", "qc"]) == {"oncogenic": 1, "vus": 2}  # level 3


def test_tmb_feeds_tiering_only_when_evaluable(kb):
    not_evaluable = {"evaluable": False, "tmb_high": False, "tmb_per_mb": 656.9, "status": "not evaluable"}
    assert R.biomarkers(not_evaluable, None, kb, "LUAD") == []
    # even a result that (wrongly) says high is ignored when the callable size was too small
    assert R.biomarkers({**not_evaluable, "tmb_high": True}, None, kb, "LUAD") == []
    high = {"evaluable": True, "tmb_high": True, "tmb_per_mb": 14.2, "status": "high"}
    (found,) = R.biomarkers(high, None, kb, "LUAD")
    assert (
        found["biomarker"] == "TMB-high" and found["tier"] == "I-A" and found["kb_entry"] == "TMB_HIGH_TUMOUR_AGNOSTIC"
    )


def test_msi_high_is_a_biomarker_and_stable_is_not(kb):
    (found,) = R.biomarkers(None, {"msi_high": True, "status": "MSI-high", "reason": "38 of 71 unstable"}, kb, "COAD")
    assert found["biomarker"] == "MSI-high" and found["tier"].startswith("I-")
    assert R.biomarkers(None, {"msi_high": False, "status": "MSI-stable"}, kb, "COAD") == []


def test_lod_lists_the_targets_where_absence_cannot_be_stated():
    somatic = {"min_alt_reads": 5, "min_vaf": 0.03, "min_depth": 20}
    targets = pd.DataFrame(
        [
            ("c", 0, 100, "KRAS", 215.4),
            ("c", 200, 300, "EGFR", 30.0),
            ("c", 400, 500, "EGFR", 250.0),
            ("c", 600, 700, "TP53", 12.0),
        ],
        columns=["chrom", "start", "end", "gene", "mean_depth"],
    )
    lod = R.lod_by_gene(targets, somatic, 0.10)
    by_gene = {g["gene"]: g for g in lod["genes"]}
    assert by_gene["KRAS"]["targets_not_evaluable"] == 0 and by_gene["KRAS"]["lod_vaf"] < 0.05
    assert (
        by_gene["EGFR"]["targets"],
        by_gene["EGFR"]["targets_not_evaluable"],
        by_gene["EGFR"]["lowest_target_depth"],
    ) == (2, 1, 30)
    failing = {t["region"]: t["why"] for t in lod["not_evaluable"]}
    assert (
        failing["c:201-300"].startswith("LoD ") and "above 10% at depth 30" in failing["c:201-300"]
    )  # 5 reads need ~29 %
    assert failing["c:601-700"] == "depth 12 below the calling minimum 20" and len(failing) == 2
