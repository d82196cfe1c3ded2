"""End to end: a DNA+RNA patient and an RNA-only patient, simulated RNA with known fusions and EGFRvIII."""

import json

import pytest
from conftest import REPO

pytestmark = pytest.mark.e2e
TRUTH = REPO / "tests" / "data" / "reads" / "rna"


def expected_fusions(sample: str) -> dict[str, dict]:
    events = json.loads((TRUTH / f"{sample}.truth.json").read_text())
    return {e["name"]: e for e in events if e["kind"] == "fusion" and e["supporting_fragments"] >= 5}


def detected(report: dict) -> dict[str, dict]:
    return {e["name"]: e for e in report["rna"]["events"] if e["status"] == "detected"}


@pytest.mark.parametrize(("patient", "sample"), [("DEMO", "DEMO-R"), ("RNA-GB", "RNA-GB-R")])
def test_fusions_with_five_reads_are_found_with_their_breakpoints(rna_run, patient, sample):
    report = rna_run.report(patient)
    found = detected(report)
    for name, truth in expected_fusions(sample).items():
        assert name in found, f"{name} not detected in {sample}"
        event = found[name]
        assert [f"{b['contig']}:{b['pos']}" for b in event["breakpoints"]] == truth["breakpoints"]
        assert event["frame"] == truth["frame"]
        assert event["junction_reads"] + event["spanning_reads"] >= 5


def test_rna_only_report_has_egfrviii_and_no_dna_sections(rna_run):
    report = rna_run.report("RNA-GB")
    assert report["mode"] == "rna-only" and report["samples"]["tumour"] is None
    assert "variants" not in report
    egfrviii = detected(report)["EGFRvIII"]
    assert egfrviii["kind"] == "intragenic_deletion" and egfrviii["exons"] == [2, 7]
    assert egfrviii["junction_reads"] >= 10 and egfrviii["fraction"] >= 0.1
    assert [b["genomic_pos"] for b in egfrviii["breakpoints"]] == [55019365, 55155830]  # GRCh38 chr7
    assert egfrviii["interpretation"]["amp_tier"]["value"] == "II-D"  # KB EGFRVIII_GLIOBLASTOMA, GB
    assert report["rna"]["evaluable"]
    html = rna_run.result("RNA-GB/report/RNA-GB.report.html").read_text()
    assert "EGFRvIII" in html and "Tumour RNA" in html
    assert "EGFRvIII" in rna_run.result("RNA-GB/report/RNA-GB.report.tsv").read_text()


def test_dna_rna_report_keeps_dna_findings_and_adds_rna(rna_run):
    report = rna_run.report("DEMO")
    assert report["mode"] == "tumour-normal" and report["samples"]["rna"] == "DEMO-R"
    assert any(v["gene"] == "KRAS" for v in report["variants"])
    assert "EGFRvIII" not in detected(report)  # not simulated in DEMO-R
    controls = {e["name"] for e in json.loads((TRUTH / "DEMO-R.truth.json").read_text()) if not e["expected_call"]}
    assert not controls & set(detected(report))  # read-through and the highly expressed gene
    assert "Tumour RNA" in rna_run.result("DEMO/report/DEMO.report.html").read_text()


@pytest.mark.parametrize(("patient", "sample"), [("DEMO", "DEMO-R"), ("RNA-GB", "RNA-GB-R")])
def test_report_folder_has_the_rna_events_table(rna_run, patient, sample):
    import pandas as pd

    table = pd.read_csv(rna_run.result(f"{patient}/report/{patient}.report.rna.tsv"), sep="\t", keep_default_na=False)
    rows = {row["name"]: row for row in table.to_dict("records")}
    assert set(table["sample"]) == {sample} and table["reason"].str.len().min() > 0
    report = rna_run.report(patient)
    assert set(rows) == {e["name"] for e in report["rna"]["events"]}  # filtered candidates too
    for name in expected_fusions(sample):
        assert rows[name]["status"] == "detected" and rows[name]["breakpoint_5"].startswith("chr")
    if patient == "RNA-GB":
        vIII = rows["EGFRvIII"]
        assert (vIII["status"], vIII["exons"], vIII["amp_tier"]) == ("detected", "2;7", "II-D")
        assert (vIII["breakpoint_5"], vIII["breakpoint_3"]) == ("chr7:55019365", "chr7:55155830")
    else:  # EGFRvIII is not simulated in DEMO-R: listed, not detected, with why
        assert rows["EGFRvIII"]["status"] != "detected" and "EGFR" in rows["EGFRvIII"]["reason"]
    controls = {e["name"] for e in json.loads((TRUTH / f"{sample}.truth.json").read_text()) if not e["expected_call"]}
    for name in controls & set(rows):  # read-through and the highly expressed gene: listed as filtered, with why
        assert rows[name]["status"] != "detected" and rows[name]["reason"]
