"""The report library without the workflow: an empty candidate table, identity status, sections
switched by config, deterministic plots."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from conftest import REPO

from presis.interpretation.biomarker_sites import LOD_COLUMNS
from presis.interpretation.classify import COLUMNS, report_group
from presis.report import plots
from presis.report.document import (
    VARIANT_FIELDS,
    build_report,
    identity_summary,
    load_table,
    render_html,
    validate_report,
)

SCHEMA = REPO / "config" / "schemas" / "report.schema.json"
ALL_SECTIONS = [
    "findings",
    "oncogenic",
    "vus",
    "germline_referrals",
    "qc",
    "coverage",
    "lod",
    "filters",
    "methods",
    "provenance",
    "signoff",
]


def config(sections=ALL_SECTIONS) -> dict:
    return {
        "level": 2,
        "panel": {"name": "test-panel"},
        "somatic": {"min_alt_reads": 5, "min_vaf": 0.03, "min_depth": 20},
        "qc": {"tumour": {"min_mean_target_depth": 100}},
        "report": {"sections": list(sections), "appendix_min_vaf": 0.02, "max_lod_vaf": 0.10},
    }


def sample_qc(sample: str) -> dict:
    return {"sample": sample, "reads_raw": 1000, "reads_after_trimming": 990, "reads": 990, "mapped_fraction": 0.99,
            "duplicate_fraction": 0.01, "mean_target_depth": 210.0, "fraction_100x": 0.98, "pass": True,
            "checks": [{"metric": "mean_target_depth", "value": 210.0, "threshold": ">= 100", "pass": True, "if_failed": "Low depth"}]}  # fmt: skip


def make_report(
    tmp_path, *, identity=None, normal="N1", sections=ALL_SECTIONS, other_tumours=None, withheld_tumours=None
) -> dict:
    """A report of a patient whose calling found no candidate at all (a header-only table)."""
    path = tmp_path / "table.tsv"
    path.write_text(
        "\t".join(["reportable", *VARIANT_FIELDS, *COLUMNS, "germline_referral", "in_panel", "panel_gene"]) + "\n"
    )
    cfg = config(sections)
    provenance = {
        "presis": {"version": "0.1.0", "commit": "abc", "uncommitted_changes": False},
        "tools": {t: "1.0" for t in ("bwa", "samtools", "bcftools", "fastp", "mosdepth")},
        "python": {},
        "reference": {
            "fasta": {"file": "genome.fa", "sha256": "0" * 64},
            "gff3": {"file": "genes.gff3", "sha256": "1" * 64},
        },
        "config": cfg,
    }
    return build_report(
        patient="P1", info={"tumour_type": "LUAD", "purity": 0.6, "sex": None}, tumour="T1", normal=normal,
        table=load_table(path), qc_by_sample={"T1": sample_qc("T1"), "N1": sample_qc("N1")},
        tumour_coverage=[{"gene": "EGFR", "bases": 100, "mean_depth": 210.0, "targets": 1, "min_target_mean_depth": 200.0, "fraction_100x": 1.0}],
        lod_sites=pd.DataFrame(columns=LOD_COLUMNS), identity=identity,
        kb={"version": "2026.11.0", "date": "2026-11-27", "evidence_reviewed_through": "2025-06"},
        performance={"benchmark": "frozen benchmark", "measured": [{"what": "SNV recall", "detected": 1, "total": 1}]},
        provenance=provenance, config=cfg, generated_at="2026-11-27T00:00:00+00:00", other_tumours=other_tumours,
        withheld_tumours=withheld_tumours,
    )  # fmt: skip


def test_a_patient_without_candidates_gets_a_valid_report(tmp_path):
    report = make_report(tmp_path)
    assert report["variants"] == [] and report["filters"]["candidates"] == 0 and report["filters"]["appendix"] == []
    assert validate_report(report, SCHEMA) == []
    html = render_html(report)
    assert "No variant with evidence of clinical significance" in html


def test_a_report_names_its_tumour_sample_and_the_patients_other_tumours(tmp_path):
    relapse = make_report(tmp_path, other_tumours=["T0"])
    assert relapse["samples"] == {"tumour": "T1", "normal": "N1", "other_tumours": ["T0"]}
    assert validate_report(relapse, SCHEMA) == []
    html = render_html(relapse)
    assert "<title>presis tumour report — P1 — tumour sample T1</title>" in html
    assert "<tr><td>Other tumour samples of this patient</td><td>T0 — each analysed separately" in html
    assert "Tumour purity (of T1)" in html
    # One tumour: no list of others, the header as before.
    alone = make_report(tmp_path)
    assert alone["samples"] == {"tumour": "T1", "normal": "N1"} and "Other tumour samples" not in render_html(alone)


def test_a_sibling_tumour_whose_report_was_withheld_is_named_with_the_reason_not_as_a_sibling(tmp_path):
    reason = "report withheld: sample identity mismatch — tumour TX and normal N1 look like two different people"
    report = make_report(tmp_path, other_tumours=["T0"], withheld_tumours={"TX": reason})
    assert report["samples"]["other_tumours"] == ["T0"]
    assert report["samples"]["withheld_tumours"] == [{"sample": "TX", "reason": reason}]
    assert validate_report(report, SCHEMA) == [] and report["schema_version"] == "1.9"
    html = render_html(report)
    assert f'<tr><td>Tumour sample not reported</td><td class="fail">TX: {reason}</td></tr>' in html
    assert "<tr><td>Other tumour samples of this patient</td><td>T0 — each" in html
    # The only other tumour withheld: still a report about one of several tumour samples.
    only = render_html(make_report(tmp_path, withheld_tumours={"TX": reason}))
    assert "— tumour sample T1</title>" in only and "Other tumour samples of this patient" not in only


MISMATCH = {"status": "mismatch", "warning": True, "message": "SAMPLE MISMATCH: tumour T1 and normal N1 look like two different people",
            "informative_sites": 10, "discordant_sites": 9}  # fmt: skip


@pytest.mark.parametrize(
    "identity, normal, status, verified, words",
    [
        (None, None, "not_checked", False, "identity not verified: tumour-only analysis"),
        (None, "N1", "not_checked", False, "identity not verified: no identity SNP sites configured"),
        (
            {"status": "match", "warning": False, "message": "identity confirmed"},
            "N1",
            "match",
            True,
            "identity confirmed",
        ),
        (MISMATCH, "N1", "mismatch", False, "SAMPLE MISMATCH"),
    ],
)
def test_identity_summary(identity, normal, status, verified, words):
    summary = identity_summary(identity, normal)
    assert (summary["status"], summary["verified"]) == (status, verified) and summary["message"].startswith(words)


def test_a_mismatch_reported_under_warn_is_a_banner(tmp_path):
    html = render_html(make_report(tmp_path, identity=MISMATCH))
    assert 'class="banner" role="alert">SAMPLE IDENTITY WARNING' in html
    assert (
        "banner"
        not in render_html(
            make_report(tmp_path, identity={"status": "match", "warning": False, "message": "ok"})
        ).split("<body>")[1]
    )


def test_sections_follow_the_config(tmp_path):
    full = render_html(make_report(tmp_path))
    short = render_html(make_report(tmp_path, sections=["findings", "qc", "signoff"]))
    for heading in (
        "Other oncogenic variants",
        "Variants of unknown significance",
        "Biomarker sites",
        "Methods and limitations",
        "Provenance",
    ):
        assert heading in full and heading not in short
    assert "Clinically relevant findings" in short and "Quality control" in short and "Sign-off" in short


def test_sections_must_be_known(tmp_path):
    report = make_report(tmp_path)
    report["sections"] = ["findings", "everything"]
    assert any("everything" in problem for problem in validate_report(report, SCHEMA))


@pytest.mark.parametrize(
    "tier, oncogenicity, group",
    [("I-A", "oncogenic", "clinically_relevant"), ("II-C", "oncogenic", "clinically_relevant"), ("II-D", "VUS", "clinically_relevant"),
     ("III", "oncogenic", "oncogenic"), ("III", "likely_oncogenic", "oncogenic"), ("III", "VUS", "vus"), ("IV", "VUS", "vus")],
)  # fmt: skip
def test_report_groups(tier, oncogenicity, group):
    assert report_group(tier, oncogenicity) == group


VARIANTS = [{"gene": "EGFR", "hgvs_p1": "p.(L858R)", "hgvs_c": "c.2573T>G", "tumour_vaf": 0.231, "group": "clinically_relevant"},
            {"gene": "TP53", "hgvs_p1": "p.(R273H)", "hgvs_c": "c.818G>A", "tumour_vaf": 0.394, "group": "oncogenic"}]  # fmt: skip


def test_plots_are_deterministic_inline_svg():
    first = plots.vaf_plot(VARIANTS) + plots.coverage_plot(
        [{"gene": "EGFR", "mean_depth": 215.7}, {"gene": "KRAS", "mean_depth": 80.0}], 100
    )
    assert first == plots.vaf_plot(VARIANTS) + plots.coverage_plot(
        [{"gene": "EGFR", "mean_depth": 215.7}, {"gene": "KRAS", "mean_depth": 80.0}], 100
    )
    assert first.count("<svg") == 2 and "http" not in first and "EGFR p.(L858R)" in first and "23.1 %" in first
    assert 'fill="#b42318"' in first  # KRAS below the QC minimum is drawn red


@pytest.mark.parametrize("value, ceiling", [(1, 1), (80, 100), (215.7, 500), (1001, 2000)])
def test_axis_ends_on_a_round_number(value, ceiling):
    assert plots.nice_ceiling(value) == ceiling


def test_report_json_round_trips(tmp_path):
    report = make_report(tmp_path)
    assert json.loads(json.dumps(report)) == report


def test_the_clinical_trial_options_section_renders_its_matches_and_the_caveat(tmp_path):
    report = make_report(tmp_path, sections=[*ALL_SECTIONS, "clinical_trials"])
    match = {"trial_id": "TEST-1", "title": "t", "phase": "2", "status": "recruiting", "cohort": "ALK fusion",
             "drugs": ["drug E"], "matched_event": "EML4::ALK", "biomarker": "ALK fusion", "reason": "EML4::ALK fits",
             "source": "https://example.org/t", "as_of": "2026-11-01"}  # fmt: skip
    report["clinical_trials"] = {
        "as_of": "2026-11-01", "matches": [match], "summary": "1 cohort match(es) among 1 trial(s)",
        "confirm": "Trial availability must be confirmed with the trial team.",
        "trials_considered": [{"id": "TEST-1", "status": "recruiting", "as_of": "2026-11-01", "source": "https://example.org/t"}],
    }  # fmt: skip
    assert validate_report(report, SCHEMA) == []
    section = render_html(report).split("<h2>Clinical-trial options</h2>")[1].split("<h2>")[0]
    assert "<td><b>TEST-1</b> (recruiting, as of 2026-11-01)</td><td>ALK fusion</td><td>drug E</td>" in section
    assert "<b>1 cohort match(es) among 1 trial(s).</b> Trial availability must be confirmed" in section
    assert "Not matched" not in section
    miss = {"trial_id": "TEST-1", "cohort": "ALK fusion", "event": "ALK::EML4", "biomarker": "ALK fusion",
            "reason": "ALK is the 5' partner of ALK::EML4: the cohort's ALK fusion needs ALK as the 3' partner"}  # fmt: skip
    report["clinical_trials"]["not_matched"] = [miss]
    assert validate_report(report, SCHEMA) == []
    section = render_html(report).split("<h2>Clinical-trial options</h2>")[1].split("<h2>")[0]
    assert "TEST-1 ALK fusion: ALK is the 5&#39; partner of ALK::EML4" in section
