"""Interpretation: oncogenicity (ClinGen/CGC/VICC codes), AMP/ASCO/CAP tier, ESCAT, therapies."""

from __future__ import annotations

import csv
from dataclasses import replace

import pytest
from conftest import DATA, REPO

from presis.interpretation import kb as K
from presis.interpretation import tiers as T

FILES = K.KBFiles.in_repo(REPO)
EGFR, KRAS, TP53, BRCA2 = "ENST00000275493", "ENST00000311936", "ENST00000269305", "ENST00000380152"


@pytest.fixture(scope="module")
def classify(kb, hotspots, roles):
    return lambda var, tumour: T.classify_variant(var, tumour, kb, hotspots, roles)


def variant(gene, hgvs_p, hgvs_p1, consequence, exon, transcript=None, **extra) -> dict:
    return {"gene": gene, "hgvs_p": hgvs_p, "hgvs_p1": hgvs_p1, "consequence": consequence, "exon": exon,
            "transcript": transcript, "variant_type": "SNV", **extra}  # fmt: skip


L858R = variant("EGFR", "p.(Leu858Arg)", "p.(L858R)", "missense_variant", "21/28", EGFR)
EX19DEL = variant(
    "EGFR", "p.(Glu746_Ala750del)", "p.(E746_A750del)", "inframe_deletion", "19/28", EGFR, variant_type="deletion"
)
T790M = variant("EGFR", "p.(Thr790Met)", "p.(T790M)", "missense_variant", "20/28", EGFR)
G12D = variant("KRAS", "p.(Gly12Asp)", "p.(G12D)", "missense_variant", "2/5", KRAS)
G12C = variant("KRAS", "p.(Gly12Cys)", "p.(G12C)", "missense_variant", "2/5", KRAS)
R273H = variant("TP53", "p.(Arg273His)", "p.(R273H)", "missense_variant", "8/11", TP53)
P72R = variant("TP53", "p.(Pro72Arg)", "p.(P72R)", "missense_variant", "4/11", TP53)
BRCA2_STOP = variant("BRCA2", "p.(Glu1308Ter)", "p.(E1308*)", "stop_gained", "11/27", BRCA2)
BRAF_V600E = variant("BRAF", "p.(Val600Glu)", "p.(V600E)", "missense_variant", "15/18", "ENST00000646891")
DPH1_VUS = variant("DPH1", "p.(Asn52Lys)", "p.(N52K)", "missense_variant", "2/13", "ENST00000263083")

# ---------------------------------------------------------------------------------------------
# The acceptance criteria of the issue, and more, as one table:
# (case, tumour type, variant, AMP tier, ESCAT, directions of the deciding evidence, therapies that must be listed)
ACCEPTANCE = [
    ("LUAD EGFR L858R", "LUAD", L858R, "I-A", "I-A", {"sensitivity"}, {("osimertinib", "sensitivity")}),
    ("LUAD EGFR exon 19 deletion", "LUAD", EX19DEL, "I-A", "I-A", {"sensitivity"}, {("osimertinib", "sensitivity")}),
    # Issue 18: colorectal anti-EGFR resistance no longer makes KRAS G12D II-C in lung cancer (it is not a
    # therapy there): an oncogenic driver without evidence for NSCLC stays in tier III.
    ("LUAD KRAS G12D: oncogenic, no evidence for lung cancer", "LUAD", G12D, "III", None, set(), set()),
    ("LUAD TP53 R273H", "LUAD", R273H, "III", None, set(), set()),
    ("COAD KRAS G12D: anti-EGFR resistance", "COAD", G12D, "I-A", None, {"resistance"},
     {("cetuximab", "resistance"), ("panitumumab", "resistance")}),
    ("COAD EGFR L858R: no longer tier I", "COAD", L858R, "II-C", None, {"sensitivity"}, set()),
    ("LUAD KRAS G12C: sotorasib", "LUAD", G12C, "I-A", "II-B", {"sensitivity"}, {("sotorasib", "sensitivity"), ("adagrasib", "sensitivity")}),
    ("COAD KRAS G12C: combinations and anti-EGFR resistance", "COAD", G12C, "I-A", None, {"sensitivity", "resistance"},
     {("adagrasib + cetuximab", "sensitivity"), ("cetuximab", "resistance")}),
    ("HGSOC BRCA2 truncating", "HGSOC", BRCA2_STOP, "I-A", "I-A", {"sensitivity"}, {("olaparib", "sensitivity")}),
    ("LUAD EGFR T790M: osimertinib and resistance", "LUAD", T790M, "I-A", "I-A", {"sensitivity", "resistance"},
     {("osimertinib", "sensitivity"), ("erlotinib", "resistance")}),
    ("COAD BRAF V600E: CRC entry, agnostic label excluded", "COAD", BRAF_V600E, "I-A", "I-A", {"sensitivity"},
     {("encorafenib + cetuximab", "sensitivity")}),
    ("SKCM BRAF V600E: melanoma label", "SKCM", BRAF_V600E, "I-A", "I-C", {"sensitivity"},
     {("vemurafenib", "sensitivity"), ("dabrafenib + trametinib", "sensitivity"), ("encorafenib + binimetinib", "sensitivity")}),
    ("LUAD EGFR L858R: NSCLC label", "LUAD", L858R, "I-A", "I-A", {"sensitivity"}, {("osimertinib", "sensitivity")}),
    ("THPA BRAF V600E: tumour-agnostic label", "THPA", BRAF_V600E, "I-A", "I-C", {"sensitivity"}, {("dabrafenib + trametinib", "sensitivity")}),
    ("AML TP53 R273H: prognostic", "AML", R273H, "I-A", None, {"prognostic"}, set()),
    ("MDS TP53 R273H: diagnostic", "MDS", R273H, "I-A", None, {"diagnostic"}, set()),
    ("LUAD VUS in a gene without KB entry", "LUAD", DPH1_VUS, "III", None, set(), set()),
    ("LUAD TP53 P72R polymorphism", "LUAD", P72R, "IV", None, set(), set()),
]  # fmt: skip


@pytest.mark.parametrize(
    "case, tumour, var, tier, escat, directions, drugs", ACCEPTANCE, ids=[row[0] for row in ACCEPTANCE]
)
def test_acceptance(classify, kb, case, tumour, var, tier, escat, directions, drugs):
    result = classify(var, tumour)
    assert result["amp_tier"]["value"] == tier, result["amp_tier"]["reason"]
    assert result["escat"]["value"] == escat, result["escat"]["reason"]
    reason = result["amp_tier"]["reason"]
    assert (
        reason.startswith(f"AMP Tier {tier}:") and var["gene"] in reason and "Li MM et al., J Mol Diagn 2017" in reason
    )
    for direction in directions:
        assert f"is {direction}" in reason or f"predicts {direction}" in reason, reason
    listed = {(row["therapy"], row["direction"]) for row in result["therapies"]}
    assert drugs <= listed, listed
    assert result["kb_version"] == kb.version


def test_luad_tp53_r273h_is_oncogenic_hotspot_without_therapy(classify):
    result = classify(R273H, "LUAD")
    assert result["oncogenicity"]["value"] == "oncogenic"
    assert "OS3" in result["oncogenicity"]["criteria"]
    assert "Arg273 is a hotspot residue of TP53" in result["oncogenicity"]["reason"]
    assert result["therapies"] == []
    reason = result["amp_tier"]["reason"]
    assert "is oncogenic" in reason and "strict reading of Li 2017" in reason and "not transferred" in reason


def test_reasons_name_the_tumour_path_and_source(classify):
    result = classify(L858R, "LUAD")
    assert result["amp_tier"]["reason"].startswith(
        "AMP Tier I-A: EGFR p.(Leu858Arg) in LUAD (NSCLC) predicts sensitivity to osimertinib, gefitinib, erlotinib, afatinib"
    )
    assert (
        "level A (FDA labels" in result["amp_tier"]["reason"]
        and "KB EGFR_L858R_NSCLC_TKI" in result["amp_tier"]["reason"]
    )
    assert (
        result["escat"]["reason"].startswith("ESCAT I-A (")
        and "Mateo J et al., Ann Oncol 2018" in result["escat"]["reason"]
    )
    assert result["tumour_lineage"] == ["LUAD", "NSCLC", "LUNG"] and result["tumour_note"] is None


def test_coad_egfr_l858r_says_why_not_tier_i(classify):
    result = classify(L858R, "COAD")
    assert "level A there, level C for COAD (another tumour type)" in result["amp_tier"]["reason"]
    assert "ESCAT is tumour-specific" in result["escat"]["reason"] and "I-A in NSCLC" in result["escat"]["reason"]
    assert {row["evidence_level"] for row in result["therapies"]} == {"C"}


def test_germline_label_is_flagged(classify):
    brca1 = variant("BRCA1", "p.(Glu23ValfsTer17)", "p.(E23Vfs*17)", "frameshift_variant", "2/23")
    result = classify(brca1, "IDC")
    assert result["amp_tier"]["value"] == "I-A"
    assert "confirm germline status" in result["amp_tier"]["reason"]


def test_unknown_tumour_type_uses_only_tumour_agnostic_entries(classify):
    result = classify(L858R, "XYZ")
    assert result["amp_tier"]["value"] == "II-C" and result["escat"]["value"] is None
    assert "not in presis' OncoTree table" in result["tumour_note"]


# ---------------------------------------------------------------------------------------------
# Oncogenicity: one row per criterion and rule

ONCOGENICITY = [
    # (case, variant, value, criteria that must be met, criteria that must not)
    ("OVS1: nonsense in a tumour suppressor", variant("BAP1", "p.(Glu315Ter)", "p.(E315*)", "stop_gained", "11/17"),
     "oncogenic", {"OVS1"}, {"OS3", "KB"}),
    ("OVS1 not for an oncogene", variant("KRAS", "p.(Gln22Ter)", "p.(Q22*)", "stop_gained", "2/5", KRAS), "VUS", set(), {"OVS1"}),
    ("OVS1: splice donor in a tumour suppressor", variant("PBRM1", None, None, "splice_donor_variant&intron_variant", "intron 3/29"),
     "oncogenic", {"OVS1"}, set()),
    ("OS1: established change (OS3 not counted again)", L858R, "oncogenic", {"OS1"}, {"OS3", "OM4"}),
    ("OS3: hotspot residue, no KB change", variant("PIK3CA", "p.(His1047Gln)", "p.(H1047Q)", "missense_variant", "21/21"),
     "oncogenic", {"OS3", "OM4"}, {"OS1"}),
    ("OS3 weighed moderate in a gene without a cancer role", variant("MMEL1", "p.(Gly185Ser)", "p.(G185S)", "missense_variant", "5/24"),
     "likely_oncogenic", {"OS3"}, set()),
    ("KB class: exon 19 deletion", EX19DEL, "oncogenic", {"KB", "OM2"}, {"OS1"}),
    ("OM2 alone: in-frame deletion in an oncogene", variant("ERBB2", "p.(Leu755_Thr759del)", "p.(L755_T759del)", "inframe_deletion", "19/27"),
     "likely_oncogenic", {"OM2"}, {"KB", "OS1"}),
    ("OM2: stop-loss in a tumour suppressor", variant("PTEN", "p.(Ter404ArgextTer7)", "p.(*404Rext*7)", "stop_lost", "9/9"),
     "likely_oncogenic", {"OM2"}, set()),
    ("SBVS1 from the population resource", variant("DPH1", "p.(Asn52Lys)", "p.(N52K)", "missense_variant", "2/13", population_af=0.2),
     "VUS", {"SBVS1"}, set()),
    ("SBS1 from the population resource", variant("DPH1", "p.(Asn52Lys)", "p.(N52K)", "missense_variant", "2/13", population_af=0.02),
     "VUS", {"SBS1"}, {"SBVS1"}),
    ("SBVS1 from the KB polymorphism list", P72R, "VUS", {"SBVS1"}, set()),
    ("SBS2 and OVS1: BRCA2 K3326* conflicts", variant("BRCA2", "p.(Lys3326Ter)", "p.(K3326*)", "stop_gained", "27/27", BRCA2),
     "VUS", {"SBS2", "OVS1"}, {"KB"}),
    ("conflicting: driver with a high population frequency", variant("KRAS", "p.(Gly12Asp)", "p.(G12D)", "missense_variant", "2/5", KRAS, population_af=0.2),
     "VUS", {"SBVS1", "OS3"}, set()),
    ("SBP2: synonymous", variant("DPH1", "p.(Ala9=)", "p.(A9=)", "synonymous_variant", "1/13"), "VUS", {"SBP2"}, set()),
    ("nothing met", DPH1_VUS, "VUS", set(), {"OVS1", "OS1", "OS3", "OM2", "OM4", "KB"}),
]  # fmt: skip


@pytest.mark.parametrize("case, var, value, met, not_met", ONCOGENICITY, ids=[row[0] for row in ONCOGENICITY])
def test_oncogenicity(kb, hotspots, roles, case, var, value, met, not_met):
    verdict = T.oncogenicity(var, hotspots, roles, kb)
    assert verdict.value == value, verdict.reason
    assert met <= set(verdict.criteria) and not (not_met & set(verdict.criteria)), verdict.reason
    assert verdict.reason.startswith(f"{value}: {var['gene']}") and "Horak P et al., Genet Med 2022" in verdict.reason
    for code in met:
        assert f"{code} (" in verdict.reason


def test_conflict_and_benign_reasons(kb, hotspots, roles):
    conflict = T.oncogenicity(ONCOGENICITY[12][1], hotspots, roles, kb)
    assert "conflicting oncogenic and benign evidence" in conflict.reason
    benign = T.oncogenicity(P72R, hotspots, roles, kb)
    assert "benign evidence" in benign.reason and "rs1042522" in benign.reason


@pytest.mark.parametrize(
    "var, tier",
    [(ONCOGENICITY[12][1], "IV"), (ONCOGENICITY[14][1], "IV"), (ONCOGENICITY[9][1], "IV"), (ONCOGENICITY[0][1], "III")],
    ids=["BRCA2 K3326*", "synonymous", "common population variant", "BAP1 nonsense"],
)
def test_tier_iv_for_benign_evidence_and_iii_for_drivers_without_evidence(kb, hotspots, roles, var, tier):
    onc = T.oncogenicity(var, hotspots, roles, kb)
    assert T.amp_tier(var, K.match(var, kb, "LUAD", hotspots), "LUAD", onc).value == tier


# ---------------------------------------------------------------------------------------------
# AMP/ASCO/CAP level -> tier rules, on a one-entry knowledge base per row


def one_entry_kb(kb: K.KnowledgeBase, **changes) -> K.KnowledgeBase:
    base = next(e for e in kb.entries if e.id == "EGFR_L858R_NSCLC_TKI")
    return replace(kb, entries=(replace(base, **changes),), polymorphisms=())


LEVEL_RULES = [
    # (entry changes, tumour type, expected tier)
    ({"evidence_level": "A"}, "LUAD", "I-A"),
    ({"evidence_level": "B"}, "LUAD", "I-B"),
    ({"evidence_level": "C"}, "LUAD", "II-C"),
    ({"evidence_level": "D"}, "LUAD", "II-D"),
    ({"evidence_level": "A"}, "COAD", "II-C"),  # FDA-approved in another tumour type -> level C
    ({"evidence_level": "B"}, "COAD", "II-C"),
    ({"evidence_level": "C"}, "COAD", "II-D"),
    ({"evidence_level": "D"}, "COAD", "II-D"),
    ({"evidence_direction": "resistance"}, "LUAD", "I-A"),
    ({"evidence_direction": "resistance"}, "COAD", "III"),  # another type's resistance is not evidence here
    ({"negative": True}, "LUAD", "III"),  # negative evidence is never tier evidence
    ({"curated_by": "civic", "evidence_id": "EID1"}, "LUAD", "II-C"),  # CIViC-only level A stays in tier II
    ({"curated_by": "civic", "evidence_id": "EID1", "evidence_level": "D"}, "LUAD", "II-D"),
    ({"curated_by": "civic", "evidence_id": "EID1"}, "COAD", "II-C"),
    ({"evidence_direction": "prognostic", "therapy": ()}, "LUAD", "I-A"),
    ({"evidence_direction": "prognostic", "therapy": (), "evidence_level": "D"}, "LUAD", "II-D"),
    ({"evidence_direction": "prognostic", "therapy": ()}, "COAD", "III"),  # not transferred
    ({"evidence_direction": "diagnostic", "therapy": ()}, "COAD", "III"),
    ({"tumour_types": ("*",)}, "COAD", "I-A"),
    ({"tumour_types": ("*",), "excluded_tumour_types": ("BOWEL",)}, "COAD", "III"),
    ({"tumour_types": ("LUAD",)}, "NSCLC", "II-C"),  # an entry for a child type does not cover its parent
]  # fmt: skip


@pytest.mark.parametrize("changes, tumour, tier", LEVEL_RULES)
def test_level_to_tier(kb, hotspots, roles, changes, tumour, tier):
    small = one_entry_kb(kb, **changes)
    assert T.classify_variant(L858R, tumour, small, hotspots, roles)["amp_tier"]["value"] == tier


@pytest.mark.parametrize(
    "changes, tumour, escat",
    [
        ({"escat": "II-B"}, "LUAD", "II-B"),
        ({"escat": "X"}, "LUAD", "X"),
        ({"escat": None}, "LUAD", None),
        ({"escat": "I-A"}, "COAD", None),
        ({"escat": "I-C", "tumour_types": ("*",)}, "COAD", "I-C"),
        ({"escat": "I-C", "tumour_types": ("*",), "excluded_tumour_types": ("COADREAD",)}, "COAD", None),
    ],
)
def test_escat_rules(kb, hotspots, roles, changes, tumour, escat):
    small = one_entry_kb(kb, **changes)
    assert T.classify_variant(L858R, tumour, small, hotspots, roles)["escat"]["value"] == escat


def test_escat_takes_the_best_tier_that_applies(kb):
    matches = K.match(T790M, kb, "LUAD")
    assert {m.entry.escat for m in matches} == {"I-A", None}
    assert T.escat(T790M, matches, "LUAD").value == "I-A"


def test_therapies_listed_once_at_their_best_level(classify):
    rows = classify(BRCA2_STOP, "HGSOC")["therapies"]
    olaparib = [row for row in rows if row["therapy"] == "olaparib"]
    assert (
        len(olaparib) == 1
        and olaparib[0]["evidence_level"] == "A"
        and olaparib[0]["kb_entry"] == "BRCA2_TRUNCATING_OVARIAN"
    )
    assert [row["evidence_level"] for row in rows] == sorted(row["evidence_level"] for row in rows)


def test_classify_bundle_shape(classify):
    result = classify(G12D, "COAD")
    assert set(result) == {
        "kb_version",
        "tumour_type",
        "tumour_lineage",
        "tumour_note",
        "oncogenicity",
        "amp_tier",
        "escat",
        "therapies",
        "kb_matches",
    }
    assert result["kb_matches"] == [
        {"kb_entry": "KRAS_RAS_CRC_ANTI_EGFR_RESISTANCE", "how": "codon", "tumour_match": "parent", "via": "COADREAD"}
    ]
    assert set(result["oncogenicity"]) == {"value", "reason", "criteria"}


def test_every_pinned_demo_variant_classifies(classify):
    """The 64 pinned demo/truth variants (tests/data/expected_hgvs.tsv) in LUAD, as the report will see them."""
    with open(DATA / "expected_hgvs.tsv") as fh:
        rows = list(csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t"))
    results = {(row["gene"], row["hgvs_p1"]): classify(row, "LUAD") for row in rows}
    assert len(results) == 64
    assert all(
        r["amp_tier"]["value"] in {"I-A", "I-B", "II-C", "II-D", "III", "IV"} and r["amp_tier"]["reason"]
        for r in results.values()
    )
    assert results[("EGFR", "p.(L858R)")]["amp_tier"]["value"] == "I-A"
    assert results[("EGFR", "p.(E746_A750del)")]["amp_tier"]["value"] == "I-A"
    assert results[("TP53", "p.(R273H)")]["oncogenicity"]["value"] == "oncogenic"
    assert results[("TP53", "p.(P72R)")]["amp_tier"]["value"] == "IV"
    assert results[("BAP1", "p.(E315*)")]["oncogenicity"]["value"] == "oncogenic"
    assert results[("PBRM1", "p.(Q1298*)")]["oncogenicity"]["value"] == "oncogenic"


# ---------------------------------------------------------------------------------------------
# Tumour-type discipline (issue 18): another type's sensitivity as level C, its resistance as context,
# negative evidence here keeps the same drug out.


def drugs(result) -> set[tuple[str, str]]:
    return {(row["therapy"], row["direction"]) for row in result["therapies"]}


def test_luad_kras_g12d_lists_no_colorectal_anti_egfr_resistance(classify):
    result = classify(G12D, "LUAD")
    assert result["therapies"] == [] and result["amp_tier"]["value"] == "III"
    reason = result["amp_tier"]["reason"]
    assert "resistance to cetuximab, panitumumab in COADREAD (KB KRAS_RAS_CRC_ANTI_EGFR_RESISTANCE)" in reason
    assert "not a therapy option here" in reason and "predicts resistance" not in reason


def test_coad_kras_g12d_keeps_anti_egfr_resistance_tier_i_a(classify):
    result = classify(G12D, "COAD")
    assert result["amp_tier"]["value"] == "I-A"
    assert drugs(result) == {("cetuximab", "resistance"), ("panitumumab", "resistance")}


def test_coad_braf_v600e_keeps_melanoma_braf_inhibitors_out(classify):
    result = classify(BRAF_V600E, "COAD")
    listed = drugs(result)
    assert ("encorafenib + cetuximab", "sensitivity") in listed
    # negative evidence in colorectal cancer: vemurafenib fails (KB entry), the agnostic label excludes CRC
    assert not {t for t, _ in listed} & {
        "vemurafenib",
        "vemurafenib + cobimetinib",
        "dabrafenib",
        "dabrafenib + trametinib",
    }
    # encorafenib + binimetinib from melanoma/NSCLC: no negative evidence here, level C with the other type named
    other = next(row for row in result["therapies"] if row["therapy"] == "encorafenib + binimetinib")
    assert other["evidence_level"] == "C" and other["tumour_match"] == "other"
    reason = result["amp_tier"]["reason"]
    assert "negative evidence: no sensitivity to vemurafenib in COADREAD" in reason
    assert "not transferred: the KB holds negative evidence here" in reason


def test_skcm_braf_v600e_lists_vemurafenib(classify):
    assert ("vemurafenib", "sensitivity") in drugs(classify(BRAF_V600E, "SKCM"))


def test_coad_egfr_l858r_is_level_c_with_nsclc_named(classify):
    result = classify(L858R, "COAD")
    assert result["amp_tier"]["value"] == "II-C"
    assert "in NSCLC predicts sensitivity to osimertinib" in result["amp_tier"]["reason"]
    assert {row["evidence_level"] for row in result["therapies"]} == {"C"}
