"""Clinical-trial matching (presis.interpretation.trials): cohorts by biomarker and tumour type, on a
fixture trials file, and the shipped file's validity."""

from __future__ import annotations

import pytest
import yaml
from conftest import REPO

from presis.errors import InputError
from presis.interpretation import kb as K
from presis.interpretation import trials as T

SCHEMA = REPO / "config" / "schemas" / "trials.schema.yaml"
FIXTURE = REPO / "tests" / "data" / "trials" / "fixture_trials.yaml"


@pytest.fixture(scope="module")
def oncotree():
    return K.load_oncotree(REPO / "config" / "kb" / "oncotree.tsv")


@pytest.fixture(scope="module")
def fixture(oncotree):
    return T.load_trials(FIXTURE, SCHEMA, oncotree)


def small(gene, hgvs_p, hgvs_p1, consequence, exon, group="clinically_relevant"):
    return {
        "gene": gene,
        "hgvs_p": hgvs_p,
        "hgvs_p1": hgvs_p1,
        "consequence": consequence,
        "exon": exon,
        "group": group,
    }


L858R = small("EGFR", "p.(Leu858Arg)", "p.(L858R)", "missense_variant", "21/28")
EX19DEL = small("EGFR", "p.(Glu746_Ala750del)", "p.(E746_A750del)", "inframe_deletion", "19/28")
G12D = small("KRAS", "p.(Gly12Asp)", "p.(G12D)", "missense_variant", "2/5", "oncogenic")
V600E = small("BRAF", "p.(Val600Glu)", "p.(V600E)", "missense_variant", "15/18")


def cohorts(result) -> set[tuple[str, str]]:
    return {(m["trial_id"], m["cohort"]) for m in result["matches"]}


def test_egfr_l858r_nsclc_cohort_matches_the_luad_demo_braf_coad_does_not(fixture, oncotree):
    events = T.report_events({"variants": [L858R, EX19DEL, G12D]})
    result = T.match_trials(fixture, events, "LUAD", oncotree)
    assert cohorts(result) == {("TEST-EGFR", "EGFR L858R NSCLC"), ("TEST-CLASSES", "EGFR exon 19 deletion, NSCLC")}
    (l858r,) = [m for m in result["matches"] if m["cohort"] == "EGFR L858R NSCLC"]
    assert l858r["matched_event"] == "EGFR p.(Leu858Arg)" and "LUAD (within NSCLC)" in l858r["reason"]
    assert result["as_of"] == "2026-10-15" and "must be confirmed" in result["confirm"]


def test_an_excluded_tumour_type_never_matches(fixture, oncotree):
    events = T.report_events({"variants": [L858R]})
    luad = cohorts(T.match_trials(fixture, events, "LUAD", oncotree))
    assert ("TEST-EGFR", "EGFR any mutation, lung excluded") not in luad  # LUAD descends from the excluded LUNG
    coad = cohorts(T.match_trials(fixture, events, "COAD", oncotree))
    assert coad == {("TEST-EGFR", "EGFR any mutation, lung excluded")}  # the same variant in colon cancer


def test_braf_v600e_matches_its_coad_cohort_only_in_colon(fixture, oncotree):
    events = T.report_events({"variants": [V600E]})
    assert cohorts(T.match_trials(fixture, events, "COAD", oncotree)) == {("TEST-BRAF", "BRAF V600E COAD")}
    assert cohorts(T.match_trials(fixture, events, "READ", oncotree)) == set()  # COAD's sibling, not a descendant


def test_a_vus_makes_nobody_eligible(fixture, oncotree):
    events = T.report_events({"variants": [{**L858R, "group": "vus"}]})
    assert T.match_trials(fixture, events, "LUAD", oncotree)["matches"] == []


def test_no_match_says_so_with_the_date(fixture, oncotree):
    result = T.match_trials(fixture, T.report_events({"variants": [G12D]}), "LUAD", oncotree)
    assert (
        result["matches"] == []
        and result["summary"] == "No matching trial cohort as of 2026-10-15 (3 trial(s) considered)"
    )


@pytest.mark.parametrize(
    "event, cohort",
    [
        ({"kind": "copy_number", "gene": "ERBB2", "call": "amplification"}, "ERBB2 amplification, any tumour"),
        (
            {"kind": "fusion", "gene": "ALK", "partner": "EML4", "genes": ["EML4", "ALK"], "frame": "in-frame"},
            "ALK fusion, any tumour",
        ),
        ({"kind": "exon_skipping", "gene": "MET", "exon": 14}, "MET exon 14 skipping, NSCLC"),
        ({"kind": "copy_number", "gene": "CDKN2A", "call": "homozygous_deletion"}, "CDKN2A loss, any tumour"),
    ],
    ids=["amplification", "fusion", "exon skipping", "homozygous deletion"],
)
def test_copy_number_and_rna_events_use_the_same_matcher(fixture, oncotree, event, cohort):
    report = (
        {"variants": [], "copy_number_events": [event]} if event["kind"] == "copy_number" else {"rna_events": [event]}
    )
    assert cohorts(T.match_trials(fixture, T.report_events(report), "LUAD", oncotree)) == {("TEST-CLASSES", cohort)}


def test_alteration_classes_of_small_variants():
    assert {"any_mutation", "missense", "L858R", "L858"} <= T.alteration_classes(T.variant_event(L858R))
    assert {"inframe_indel", "exon19_deletion", "E746_A750del"} <= T.alteration_classes(T.variant_event(EX19DEL))
    stop = T.variant_event(small("BAP1", "p.(Glu315Ter)", "p.(E315*)", "stop_gained", "10/17"))
    assert "truncating" in T.alteration_classes(stop) and "biallelic_inactivation" not in T.alteration_classes(stop)


def test_bad_trials_file_lists_every_problem(tmp_path, oncotree):
    data = yaml.safe_load(FIXTURE.read_text())
    data["trials"][0]["cohorts"][0]["tumour_types"] = ["XYZ"]
    data["trials"][0]["cohorts"][0]["biomarkers"][0]["alteration"] = "overexpression"
    data["trials"][1]["id"] = "TEST-EGFR"
    bad = tmp_path / "trials.yaml"
    bad.write_text(yaml.safe_dump(data))
    with pytest.raises(InputError) as error:
        T.load_trials(bad, SCHEMA, oncotree)
    text = str(error.value)
    assert (
        "tumour_types XYZ is not in the OncoTree table" in text
        and "'overexpression'" in text
        and "listed twice" in text
    )
    del data["trials"][1]["source"]
    bad.write_text(yaml.safe_dump(data))
    with pytest.raises(InputError, match="'source' is a required property"):
        T.load_trials(bad, SCHEMA, oncotree)


def test_shipped_trials_are_cited_and_valid(oncotree):
    shipped = T.load_trials(REPO / "config" / "kb" / "trials.yaml", SCHEMA, oncotree)
    assert "NCT04817956" in {t.id for t in shipped}
    assert all(t.source.startswith("https://") and t.as_of for t in shipped)


def test_detected_rna_events_of_the_report_reach_the_matcher(fixture, oncotree):
    """The RNA section's events (report.rna.events[]) match like any other; a filtered one does not."""
    fusion = {"kind": "fusion", "name": "EML4::ALK", "genes": ["EML4", "ALK"], "status": "detected"}
    skipping = {"kind": "exon_skipping", "name": "MET exon 14 skipping", "genes": ["MET"], "exons": [14, 14]}
    report = {"variants": [], "rna": {"events": [fusion, {**skipping, "status": "detected"}]}}
    assert cohorts(T.match_trials(fixture, T.report_events(report), "LUAD", oncotree)) == {
        ("TEST-CLASSES", "ALK fusion, any tumour"),
        ("TEST-CLASSES", "MET exon 14 skipping, NSCLC"),
    }
    filtered = {"variants": [], "rna": {"events": [{**fusion, "status": "low_support"}]}}
    assert T.match_trials(fixture, T.report_events(filtered), "LUAD", oncotree)["matches"] == []


def test_copy_number_calls_of_the_report_reach_the_matcher(fixture, oncotree):
    """Amplifications and homozygous deletions of the copy-number section match; a gain does not."""
    genes = [
        {"gene": "ERBB2", "call": "amplification"},
        {"gene": "CDKN2A", "call": "homozygous_deletion"},
        {"gene": "MYC", "call": "gain"},
    ]
    report = {"variants": [], "copy_number": {"genes": genes}}
    assert cohorts(T.match_trials(fixture, T.report_events(report), "LUAD", oncotree)) == {
        ("TEST-CLASSES", "ERBB2 amplification, any tumour"),
        ("TEST-CLASSES", "CDKN2A loss, any tumour"),
    }


def test_an_rna_only_report_gets_the_same_trial_matching(fixture, oncotree):
    fusion = {"kind": "fusion", "name": "EML4::ALK", "genes": ["EML4", "ALK"], "status": "detected"}
    report = {"mode": "rna-only", "patient": {"tumour_type": "LUAD"}, "rna": {"events": [fusion]}}
    section = T.add_trials(report, fixture, oncotree)["clinical_trials"]
    assert [(m["cohort"], m["matched_event"]) for m in section["matches"]] == [("ALK fusion, any tumour", "EML4::ALK")]
