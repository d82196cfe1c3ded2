"""End to end: the demo tumour without its normal."""

import pytest

from presis.scoring import vcf_keys

from conftest import DEMO_READS
from test_workflow_demo import HOTSPOTS, key

pytestmark = pytest.mark.e2e

TP53_P72R = ("chr17", 7676154, "G", "C")  # rs1042522, a common germline polymorphism


def test_reports_the_six_hotspots(tumour_only_run):
    report = tumour_only_run.report()
    assert report["mode"] == "tumour-only" and report["samples"]["normal"] is None
    reported = {key(v): v for v in report["variants"]}
    for gene, hgvs_c, hgvs_p, dna in HOTSPOTS:
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
