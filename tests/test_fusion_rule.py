"""Which detected fusion is "a fusion of gene X": the KB's fusion entries (presis.rna.results.interpret)
and trial cohorts (presis.interpretation.trials) match only the product they name — the gene at the
partner position they state, in frame (or frame unknown, said) — on constructed fusion records."""

from __future__ import annotations

import pytest
import yaml
from conftest import REPO

from presis.errors import InputError
from presis.interpretation import kb as K
from presis.interpretation import trials as T
from presis.rna import results

SCHEMA = REPO / "config" / "schemas" / "trials.schema.yaml"


@pytest.fixture(scope="module")
def knowledge_base():
    return K.load()


@pytest.fixture(scope="module")
def oncotree():
    return K.load_oncotree(REPO / "config" / "kb" / "oncotree.tsv")


def fusion(g5: str, g3: str, frame: str, status: str = "detected") -> dict:
    return {"kind": "fusion", "name": f"{g5}::{g3}", "genes": [g5, g3], "frame": frame, "status": status,
            "exons": [6, 20]}  # fmt: skip


@pytest.mark.parametrize(
    ("event", "tumour", "tier", "said"),
    [
        (fusion("EML4", "ALK", "in-frame"), "LUAD", "I-A", "ALK is the 3' partner of EML4::ALK, in frame"),
        (fusion("ALK", "EML4", "in-frame"), "LUAD", "III", "ALK is the 5' partner of ALK::EML4: the KB's ALK fusion "
         "needs ALK as the 3' partner, so it does not match"),
        (fusion("EML4", "ALK", "out-of-frame"), "LUAD", "III", "ALK is the 3' partner of EML4::ALK but the fusion is "
         "out of frame: not the KB's ALK fusion"),
        (fusion("EML4", "ALK", "unknown"), "LUAD", "I-A", "frame unknown"),
        (fusion("FGFR2", "BICC1", "in-frame"), "CHOL", "I-A", "FGFR2 is the 5' partner of FGFR2::BICC1, in frame"),
        (fusion("BICC1", "FGFR2", "in-frame"), "CHOL", "III", "the KB's FGFR2 fusion needs FGFR2 as the 5' partner"),
        (fusion("ETV6", "NTRK3", "in-frame"), "BRCA", "I-A", "NTRK3 is the 3' partner of ETV6::NTRK3, in frame"),
        (fusion("NTRK3", "ETV6", "in-frame"), "BRCA", "III", "NTRK3 is the 5' partner"),
    ],
    ids=["EML4-ALK", "reciprocal ALK-EML4", "out-of-frame EML4-ALK", "frame unknown", "FGFR2-BICC1 (5' kinase)",
         "reciprocal BICC1-FGFR2", "ETV6-NTRK3", "reciprocal NTRK3-ETV6"],
)  # fmt: skip
def test_kb_fusion_entries_match_only_their_product_and_say_why(knowledge_base, event, tumour, tier, said):
    interpretation = results.interpret(event, knowledge_base, tumour)
    assert interpretation["amp_tier"]["value"] == tier
    assert said in interpretation["amp_tier"]["reason"]
    assert bool(interpretation["therapies"]) == (tier == "I-A")


def test_frame_unknown_is_said_as_such(knowledge_base):
    reason = results.interpret(fusion("EML4", "ALK", "unknown"), knowledge_base, "LUAD")["amp_tier"]["reason"]
    assert "an in-frame product is not shown, confirm before acting on the KB's ALK fusion" in reason


def test_fusion_fit_rules():
    assert K.fusion_fit("PBRM1", ["MINK1", "PBRM1"], "out-of-frame") == (
        False,
        "PBRM1 is the 3' partner of MINK1::PBRM1 but the fusion is out of frame: not the PBRM1 fusion",
    )
    assert K.fusion_fit("KRAS", ["EML4", "ALK"], "in-frame") == (False, "")  # not a partner: nothing to say
    assert K.fusion_fit("ALK", ["ALK", "EML4"], "in-frame", position="either")[0]
    assert K.fusion_fit("ALK", ["EML4", "ALK"], "out-of-frame", frame_rule="any")[0]
    fits, why = K.fusion_fit("ALK", ["ALK"], "in-frame")  # an event without its partner order
    assert not fits and "partner order unknown" in why


def test_shipped_kb_states_partner_position_of_every_fusion_entry(knowledge_base):
    positions = {e.gene: e.alteration.partner_position for e in knowledge_base.entries if e.alteration.type == "fusion"}
    assert positions == {"ALK": "3prime", "ROS1": "3prime", "RET": "3prime", "NTRK1": "3prime", "NTRK2": "3prime",
                         "NTRK3": "3prime", "FGFR2": "5prime"}  # fmt: skip
    raw = yaml.safe_load((REPO / "config" / "kb" / "biomarkers.yaml").read_text())
    stated = [e["alteration"] for e in raw["entries"] if e["alteration"]["type"] == "fusion"]
    assert all("partner_position" in a and "frame" in a for a in stated)  # explicit, not by default


def test_kb_schema_refuses_a_partner_position_on_a_non_fusion_entry():
    schema = yaml.safe_load((REPO / "config" / "schemas" / "kb.schema.yaml").read_text())
    alteration = {"type": "amplification", "partner_position": "3prime"}
    entry_schema = {**schema, "$ref": "#/$defs/alteration"}
    entry_schema.pop("required", None), entry_schema.pop("properties", None)
    entry_schema.pop("additionalProperties", None)
    assert K.schema_problems(alteration, entry_schema)
    assert not K.schema_problems({"type": "fusion", "partner_position": "5prime", "frame": "any"}, entry_schema)


TRIALS = """
version: "2026.12.0"
description: test trials (made up, TEST-*) with fusion cohorts
trials:
  - {id: TEST-FUSION, title: Test fusion cohorts, phase: "2", status: recruiting, country: Norway,
     source: https://example.org/test-fusion, as_of: "2026-11-01", cohorts: [
       {name: "PBRM1 fusion", tumour_types: ["*"], drugs: [drug S], biomarkers: [{gene: PBRM1, alteration: fusion}]},
       {name: "ALK fusion", tumour_types: ["*"], drugs: [drug T], biomarkers: [{gene: ALK, alteration: fusion}]},
       {name: "FGFR3 fusion", tumour_types: ["*"], drugs: [drug U],
        biomarkers: [{gene: FGFR3, alteration: fusion, partner_position: 5prime}]},
       {name: "any NRG1 rearrangement", tumour_types: ["*"], drugs: [drug V],
        biomarkers: [{gene: NRG1, alteration: fusion, partner_position: either, frame: any}]}]}
"""


@pytest.fixture(scope="module")
def fusion_trials(tmp_path_factory, oncotree):
    path = tmp_path_factory.mktemp("trials") / "trials.yaml"
    path.write_text(TRIALS)
    return T.load_trials(path, SCHEMA, oncotree)


def trial_section(trials, oncotree, *events):
    report = {"patient": {"tumour_type": "LUAD"}, "rna": {"events": list(events)}}
    return T.add_trials(report, trials, oncotree)["clinical_trials"]


def test_out_of_frame_mink1_pbrm1_is_not_the_pbrm1_fusion_cohort(fusion_trials, oncotree):
    """The reviewer's case: MINK1::PBRM1 out of frame matched a 'PBRM1 fusion' cohort."""
    section = trial_section(fusion_trials, oncotree, fusion("MINK1", "PBRM1", "out-of-frame"))
    assert section["matches"] == []
    (miss,) = section["not_matched"]
    assert (miss["cohort"], miss["event"]) == ("PBRM1 fusion", "MINK1::PBRM1")
    assert miss["reason"] == (
        "PBRM1 is the 3' partner of MINK1::PBRM1 but the fusion is out of frame: not the cohort's PBRM1 fusion"
    )


def test_trial_fusion_cohorts_need_the_stated_partner_position(fusion_trials, oncotree):
    section = trial_section(
        fusion_trials, oncotree,
        fusion("EML4", "ALK", "in-frame"), fusion("ALK", "MINK1", "in-frame"), fusion("FGFR3", "TACC3", "unknown"),
        fusion("TACC3", "FGFR3", "in-frame"), fusion("CD74", "NRG1", "out-of-frame"),
    )  # fmt: skip
    matched = {(m["cohort"], m["matched_event"]) for m in section["matches"]}
    assert matched == {("ALK fusion", "EML4::ALK"), ("FGFR3 fusion", "FGFR3::TACC3"), ("any NRG1 rearrangement",
                       "CD74::NRG1")}  # fmt: skip
    (fgfr3,) = [m for m in section["matches"] if m["cohort"] == "FGFR3 fusion"]
    assert "frame unknown" in fgfr3["reason"]
    missed = {(n["cohort"], n["event"]): n["reason"] for n in section["not_matched"]}
    assert set(missed) == {("ALK fusion", "ALK::MINK1"), ("FGFR3 fusion", "TACC3::FGFR3")}
    assert (
        "ALK is the 5' partner of ALK::MINK1: the cohort's ALK fusion needs ALK as the 3' partner"
        in (missed[("ALK fusion", "ALK::MINK1")])
    )


def test_a_filtered_fusion_is_neither_matched_nor_explained(fusion_trials, oncotree):
    section = trial_section(fusion_trials, oncotree, fusion("EML4", "ALK", "in-frame", status="low_support"))
    assert section["matches"] == [] and section["not_matched"] == []


def test_trials_schema_refuses_a_partner_position_on_a_non_fusion_biomarker(tmp_path, oncotree):
    bad = tmp_path / "trials.yaml"
    bad.write_text(TRIALS.replace("{gene: PBRM1, alteration: fusion}", "{gene: PBRM1, alteration: truncating, "
                                  "partner_position: 3prime}"))  # fmt: skip
    with pytest.raises(InputError, match="partner_position"):
        T.load_trials(bad, SCHEMA, oncotree)
