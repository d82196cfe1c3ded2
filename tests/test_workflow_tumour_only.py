"""End to end: the demo tumour without its normal."""

import pytest
from conftest import DEMO_READS
from test_workflow_demo import HOTSPOTS, key

from presis.devtools.scoring import vcf_keys

pytestmark = pytest.mark.e2e

TP53_P72R = ("chr17", 7676154, "G", "C")  # rs1042522, a common germline polymorphism


def test_reports_the_six_hotspots(tumour_only_run):
    report = tumour_only_run.report()
    assert report["mode"] == "tumour-only" and report["samples"]["normal"] is None
    reported = {key(v): v for v in report["variants"]}
    for gene, _hgvs_c, hgvs_p, dna in HOTSPOTS:
        assert dna in reported, f"{gene} {hgvs_p} not reported"
        assert reported[dna]["hgvs_p"] == hgvs_p


def test_shared_germline_variants_are_not_reported_as_somatic(tumour_only_run):
    reported = {key(v) for v in tumour_only_run.report()["variants"]}
    germline = vcf_keys(DEMO_READS / "DEMO.germline_truth.vcf.gz")
    assert TP53_P72R in germline
    assert reported & set(germline) == set()


def test_tp53_p72r_is_kept_with_its_reason(tumour_only_run):
    calls = vcf_keys(tumour_only_run.result("DEMO/calls/DEMO.somatic.vcf.gz"))
    assert calls[TP53_P72R]["CLASS"] == "germline"
    tsv = tumour_only_run.result("DEMO/report/DEMO.report.tsv").read_text()
    line = next(row for row in tsv.splitlines() if "\t7676154\t" in row)
    assert "likely_germline" in line and "p.(Pro72Arg)" in line


def test_report_says_what_tumour_only_cannot_tell(tumour_only_run):
    limitations = " ".join(tumour_only_run.report()["limitations"])
    assert "Tumour-only" in limitations and "identity is not verified" in limitations


TP53_D208Y = ("chr17", 7674909, "C", "A")  # homozygous germline in the demo, at a TP53 hotspot residue


def test_germline_hotspot_is_referred_not_dropped(tumour_only_run):
    referred = {key(v): v for v in tumour_only_run.report()["possible_germline"]}
    assert TP53_D208Y in referred
    assert referred[TP53_D208Y]["germline_referral"].startswith("possible germline — refer for germline testing")
    assert TP53_P72R not in referred  # a polymorphism: neither truncating nor a hotspot
    html = tumour_only_run.result("DEMO/report/DEMO.report.html").read_text()
    assert "refer for germline testing" in html and "p.(Asp208Tyr)" in html


def test_every_reportable_variant_says_why(tumour_only_run):
    for variant in tumour_only_run.report()["variants"]:
        assert variant["reason"].startswith("somatic: tumour ") and "tumour-only" in variant["reason"]


def test_panel_of_normals_marks_what_the_normals_carry(tumour_only_pon_run):
    assert tumour_only_pon_run.result("pon/pon.vcf.gz").exists()
    calls = vcf_keys(tumour_only_pon_run.result("DEMO/calls/DEMO.somatic.vcf.gz"))
    germline = vcf_keys(DEMO_READS / "DEMO.germline_truth.vcf.gz")
    in_pon = [k for k in germline if k in calls and calls[k].get("PON_NORMALS")]
    assert len(in_pon) >= 0.9 * len(germline)
    reported = {key(v) for v in tumour_only_pon_run.report()["variants"]}
    assert all(dna in reported for *_, dna in HOTSPOTS)
