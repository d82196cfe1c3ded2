"""End to end: a DNA+RNA patient and an RNA-only patient, simulated RNA with known fusions and EGFRvIII."""

import json
import shutil

import pytest
from conftest import REPO, run_workflow

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


# Made-up trials (ids TEST-*), NOT real cohorts: the shipped trials (config/kb/trials.yaml) name no
# RNA-defined cohort, so a match needs these.
RNA_TRIALS = """
version: "2026.12.0"
description: test trials with RNA-defined cohorts
trials:
  - {id: TEST-RNA, title: Test trial with RNA-defined cohorts, phase: "2", status: recruiting, country: Norway,
     source: https://example.org/test-rna, as_of: "2026-11-01", cohorts: [
       {name: "EGFR exon skipping, glioblastoma", tumour_types: [GB], drugs: [drug R],
        biomarkers: [{gene: EGFR, alteration: exon_skipping}]},
       {name: "PBRM1 fusion, any tumour", tumour_types: ["*"], drugs: [drug S], biomarkers: [{gene: PBRM1, alteration: fusion}]},
       {name: "ABR fusion, any tumour", tumour_types: ["*"], drugs: [drug U], biomarkers: [{gene: ABR, alteration: fusion}]},
       {name: "SLC25A11 fusion, any tumour", tumour_types: ["*"], drugs: [drug V],
        biomarkers: [{gene: SLC25A11, alteration: fusion}]},
       {name: "ALK fusion, any tumour", tumour_types: ["*"], drugs: [drug T], biomarkers: [{gene: ALK, alteration: fusion}]}]}
"""


def test_a_level1_rna_only_report_points_to_trials_for_its_rna_events(rna_run, tmp_path):
    """RNA-GB's report rebuilt at level 1 from the session run's RNA result: only the report step
    runs again (in a copy of the results), with trial matching as in a DNA report."""
    outdir = tmp_path / "out"
    for part in ("RNA-GB", "provenance"):
        shutil.copytree(rna_run.result(part), outdir / "results" / part)
    trials = tmp_path / "trials.yaml"
    trials.write_text(RNA_TRIALS)
    target = outdir / "results" / "RNA-GB" / "report" / "RNA-GB.report.json"
    run = run_workflow(
        outdir, f"samples={REPO / 'config' / 'samples.rna.tsv'}", "level=1", f"kb={{trials: {trials}}}",
        extra=("--allowed-rules", "provenance_config", "report_build", "--forcerun", "provenance_config",
               "--", str(target)),
    )  # fmt: skip
    assert run.returncode == 0, run.output[-5000:]
    report = json.loads(target.read_text())
    assert (report["mode"], report["level"]) == ("rna-only", 1)
    matches = {(m["cohort"], m["matched_event"]) for m in report["clinical_trials"]["matches"]}
    # A fusion cohort takes only its gene as the 3' partner in frame (the defaults): in-frame SLC25A11::ABR
    # is the ABR cohort's, not the SLC25A11 cohort's; out-of-frame MINK1::PBRM1 is not the PBRM1 cohort's.
    assert matches == {("EGFR exon skipping, glioblastoma", "EGFRvIII"), ("ABR fusion, any tumour", "SLC25A11::ABR")}
    missed = {(n["cohort"], n["event"]): n["reason"] for n in report["clinical_trials"]["not_matched"]}
    assert missed == {
        ("PBRM1 fusion, any tumour", "MINK1::PBRM1"): "PBRM1 is the 3' partner of MINK1::PBRM1 but the fusion is "
        "out of frame: not the cohort's PBRM1 fusion",
        ("SLC25A11 fusion, any tumour", "SLC25A11::ABR"): "SLC25A11 is the 5' partner of SLC25A11::ABR: the "
        "cohort's SLC25A11 fusion needs SLC25A11 as the 3' partner, so it does not match",
    }
    html = target.with_suffix(".html").read_text()
    assert "<h2>Clinical-trial options</h2>" in html and "TEST-RNA" in html
    assert "Trial availability must be confirmed with the trial team" in html
    assert "Not matched" in html and "not the cohort&#39;s PBRM1 fusion" in html


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
