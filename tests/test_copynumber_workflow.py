"""End to end: copy number in the demo runs — the demo tumour's EGFR amplification
(tests/data/reads/demo/add_egfr_amplification.py) found, tiered and reported; reference kinds."""

import csv
import json
from html import unescape

import pytest

from presis.report.document import SCHEMA_VERSION

pytestmark = pytest.mark.e2e

CALLS = {"amplification", "gain", "neutral", "loss", "homozygous_deletion", "not_evaluable"}


def genes(report: dict) -> dict[str, dict]:
    return {g["gene"]: g for g in report["copy_number"]["genes"]}


def test_demo_egfr_amplification_is_called_tiered_and_reported(demo_run):
    report = demo_run.report()
    copy_number = report["copy_number"]
    assert report["schema_version"] == SCHEMA_VERSION
    assert copy_number["reference"]["kind"] == "matched_normal" and copy_number["evaluable"]
    assert copy_number["purity"]["source"] == "somatic_vafs" and 0.4 <= copy_number["purity"]["value"] <= 0.6
    egfr = genes(report)["EGFR"]
    assert egfr["call"] == "amplification" and egfr["targets"] >= 20
    assert 6 <= egfr["copy_number"] <= 12 and egfr["fold_change"] > 2
    low, high = egfr["copy_number_interval"]  # 1.6: the copy number's 95 % interval
    assert low < egfr["copy_number"] < high and "95 % interval" in egfr["reason"]
    # 1.9: the estimated purity's range, and the copy-number interval spans it
    purity_low, purity_high = copy_number["purity"]["interval"]
    assert purity_low < copy_number["purity"]["value"] < purity_high <= 1
    assert "purity estimate's range" in egfr["reason"] and "order statistics" in copy_number["purity"]["detail"]
    # every other demo gene is copy-neutral in truth: nothing else amplified or deleted
    others = {g: c["call"] for g, c in genes(report).items() if g != "EGFR"}
    assert not {"amplification", "homozygous_deletion"} & set(others.values()), others
    assert {c["call"] for c in copy_number["genes"]} <= CALLS
    [event] = copy_number["events"]
    assert event["gene"] == "EGFR" and event["amp_tier"]["value"] == "III" and event["group"] == "oncogenic"
    assert "EGFR amplification" in event["amp_tier"]["reason"] and "DIFG" in event["amp_tier"]["reason"]
    page = unescape(demo_run.result("DEMO/report/DEMO.report.html").read_text())
    assert "Copy-number findings" in page and "log2 ratio per target" in page and "amplification" in page
    assert f"{low}–{high}" in page  # the interval in the gene table and the findings
    assert "no copy-number" not in " ".join(report["limitations"])


def test_demo_copy_number_tsv_and_contribution_carry_the_event(demo_run):
    with open(demo_run.result("DEMO/cnv/DEMO.copy_number.tsv")) as fh:
        rows = {row["gene"]: row for row in csv.DictReader(fh, delimiter="\t")}
    assert rows["EGFR"]["call"] == "amplification" and rows["EGFR"]["amp_tier"] == "III"
    assert (
        float(rows["EGFR"]["copy_number_low"])
        < float(rows["EGFR"]["copy_number"])
        < float(rows["EGFR"]["copy_number_high"])
    )
    assert len(rows) == 16  # one row per demo panel gene
    contribution = json.loads(demo_run.result("DEMO/vardb/DEMO.contribution.json").read_text())
    assert contribution["copy_number_events"] == [
        {"gene": "EGFR", "kind": "copy_number", "event": "amplification", "origin": "somatic"}
    ]


def test_tumour_only_without_normals_uses_a_flagged_flat_reference(tumour_only_run):
    copy_number = tumour_only_run.report()["copy_number"]
    assert copy_number["reference"]["kind"] == "flat"
    assert any("FLAT REFERENCE" in warning for warning in copy_number["warnings"])
    page = tumour_only_run.result("DEMO/report/DEMO.report.html").read_text()
    assert "FLAT REFERENCE" in page


def test_tumour_only_with_a_reference_of_normals_finds_the_amplification(tumour_only_pon_run):
    assert tumour_only_pon_run.result("cnv_reference/reference.cnn").exists()
    copy_number = tumour_only_pon_run.report()["copy_number"]
    assert copy_number["reference"]["kind"] == "normals" and not copy_number["warnings"][:1] == ["FLAT"]
    assert genes(tumour_only_pon_run.report())["EGFR"]["call"] == "amplification"


def test_level3_has_no_copy_number(level3_run):
    report = level3_run.report()
    assert "copy_number" not in report
    assert not level3_run.result("DEMO/cnv").exists()
