"""End to end: the demo's variants classified for its tumour type (LUAD), and the same sample as
colorectal cancer (COAD): tiers, ESCAT, therapies and reasons in the JSON and the HTML; every
KB biomarker site of the panel accounted for."""

from html import unescape

import pytest
import yaml
from conftest import REPO

pytestmark = pytest.mark.e2e


def variant(report: dict, gene: str, hgvs_p: str) -> dict:
    found = [v for v in report["variants"] if v["gene"] == gene and v["hgvs_p"] == hgvs_p]
    assert len(found) == 1, f"{gene} {hgvs_p} not reported"
    return found[0]


def html(run) -> str:
    return unescape(run.result("DEMO/report/DEMO.report.html").read_text())


L858R, EX19DEL, G12D, R273H = (
    ("EGFR", "p.(Leu858Arg)"),
    ("EGFR", "p.(Glu746_Ala750del)"),
    ("KRAS", "p.(Gly12Asp)"),
    ("TP53", "p.(Arg273His)"),
)


@pytest.mark.parametrize("change", [L858R, EX19DEL], ids=["L858R", "E746_A750del"])
def test_luad_egfr_sensitising_variants_are_tier_i_a_and_escat_i_a(demo_run, change):
    v = variant(demo_run.report(), *change)
    assert (v["amp_tier"]["value"], v["escat"]["value"], v["group"]) == ("I-A", "I-A", "clinically_relevant")
    assert {t["direction"] for t in v["therapies"]} == {"sensitivity"}
    assert "osimertinib" in {t["therapy"] for t in v["therapies"]}
    assert "in LUAD" in v["amp_tier"]["reason"] and "sensitivity" in v["amp_tier"]["reason"]
    assert v["escat"]["reason"] in html(demo_run)


def test_luad_kras_g12d_lists_no_anti_egfr_antibodies_and_is_tier_iii(demo_run):
    # Issue 18: cetuximab/panitumumab resistance is colorectal evidence; these drugs are not used in lung
    # cancer, so it is context in the reason, not a therapy, and no longer makes KRAS G12D tier II-C.
    v = variant(demo_run.report(), *G12D)
    assert (v["amp_tier"]["value"], v["escat"]["value"], v["group"]) == ("III", None, "oncogenic")
    assert v["therapies"] == []
    assert (
        "predicts resistance" not in v["amp_tier"]["reason"] and "not a therapy option here" in v["amp_tier"]["reason"]
    )
    assert "cetuximab</b>" not in html(demo_run) and "panitumumab</b>" not in html(demo_run)


def test_luad_tp53_r273h_is_oncogenic_with_a_tier_and_no_therapy(demo_run):
    v = variant(demo_run.report(), *R273H)
    assert v["oncogenicity"]["value"] == "oncogenic" and "OS3" in v["oncogenicity"]["criteria"]
    assert v["amp_tier"]["value"] == "III" and v["amp_tier"]["reason"].startswith(
        "AMP Tier III: TP53 p.(Arg273His) is oncogenic"
    )
    assert v["therapies"] == [] and v["group"] == "oncogenic"
    assert v["amp_tier"]["reason"] in html(demo_run)


def test_coad_kras_g12d_is_tier_i_a_resistance_to_anti_egfr(coad_run):
    report = coad_run.report()
    assert report["patient"]["tumour_type"] == "COAD"
    v = variant(report, *G12D)
    assert v["amp_tier"]["value"] == "I-A" and v["group"] == "clinically_relevant"
    assert {(t["therapy"], t["direction"]) for t in v["therapies"]} == {
        ("cetuximab", "resistance"),
        ("panitumumab", "resistance"),
    }
    assert "predicts resistance to cetuximab, panitumumab" in v["amp_tier"]["reason"]
    page = html(coad_run)
    assert v["amp_tier"]["reason"] in page and "cetuximab, panitumumab</b>: <b>resistance</b>" in page


def test_coad_egfr_l858r_is_no_longer_tier_i_or_escat_i(coad_run):
    v = variant(coad_run.report(), *L858R)
    assert not v["amp_tier"]["value"].startswith("I-") and v["escat"]["value"] is None
    assert "another tumour type" in v["amp_tier"]["reason"]


@pytest.mark.parametrize("scenario", ["demo_run", "coad_run"])
def test_every_reportable_variant_has_its_reasons_in_json_and_html(request, scenario):
    run = request.getfixturevalue(scenario)
    report, page = run.report(), html(run)
    assert report["variants"]
    for v in report["variants"]:
        for verdict in ("oncogenicity", "amp_tier", "escat"):
            assert v[verdict]["reason"] and v[verdict]["reason"] in page
        assert v["reason"] in page


def test_every_kb_site_of_the_panel_is_detected_not_detected_or_not_evaluable(demo_run):
    report, page = demo_run.report(), html(demo_run)
    sites = {s["site"]: s for s in report["lod"]["sites"]}
    # the demo panel's EGFR and KRAS biomarker sites, TP53's hotspot residues
    assert {
        "EGFR L858",
        "EGFR T790",
        "EGFR exon 19",
        "EGFR exon 20",
        "KRAS G12",
        "KRAS G13",
        "KRAS Q61",
        "TP53 R273",
    } <= set(sites)
    for site in sites.values():
        assert site["statement"].startswith(("detected: ", "not detected (LoD ", "not evaluable (depth "))
        assert f'<td class="site">{site["site"]}</td>' in page and site["statement"] in page
    assert {s for s, row in sites.items() if row["status"] == "detected"} == {
        "EGFR L858",
        "EGFR exon 19",
        "KRAS G12",
        "TP53 R273",
    }
    # ~215x with 5 alt reads: LoD 2-5 % (never below somatic.min_vaf), everywhere evaluable
    assert (
        sites["EGFR T790"]["statement"].startswith("not detected (LoD ") and 0.02 <= sites["EGFR T790"]["lod"] <= 0.05
    )
    assert report["lod"]["not_evaluable"] == []


def test_header_methods_identity_and_appendix(demo_run, tumour_only_run):
    report, page = demo_run.report(), html(demo_run)
    assert report["kb"]["version"] == "2026.12.0" and "presis KB 2026.12.0 of 2026-12-06" in page
    assert report["identity"]["status"] == "match" and report["identity"]["verified"]
    # the methods cite the frozen benchmark's measured figures (config/benchmark/performance.yaml)
    performance = yaml.safe_load((REPO / "config" / "benchmark" / "performance.yaml").read_text())
    recall = next(m for m in performance["measured"] if m["what"] == "tumour/normal SNV recall at VAF >= 0.05")
    assert f"SNV recall at VAF >= 0.05 {recall['detected']}/{recall['total']}" in page
    appendix = report["filters"]["appendix"]
    assert appendix and all(row["tumour_vaf"] >= 0.02 and row["filters"] != "PASS" for row in appendix)
    assert "<svg" in page and "Sign-off" in page
    only = tumour_only_run.report()
    assert only["identity"] == {
        "status": "not_checked", "verified": False, "warning": False,
        "message": "identity not verified: tumour-only analysis, no normal to compare",
    }  # fmt: skip
    assert "identity not verified" in html(tumour_only_run)
