"""Reasons in words, and which likely-germline variants are referred for germline testing."""

import pytest

from presis.interpretation.reasons import REFERRAL, germline_referral, reason

GENES = {"TP53", "BRCA2", "EGFR"}


def row(**changes):
    base = {
        "gene": "TP53", "hgvs_p": "p.(Arg273His)", "consequence": "missense_variant", "in_panel": True,
        "status": "germline", "filters": "likely_germline", "tumour_alt": 110, "tumour_depth": 245,
        "tumour_vaf": 0.45, "tumour_lod": 200.0, "normal_alt": None, "normal_depth": None,
        "normal_vaf": None, "normal_lod": None, "population_af": None, "pon_normals": None,
    }  # fmt: skip
    base.update(changes)
    return base


def test_hotspot_numbering_is_mane_for_tp53(hotspots):
    assert hotspots.residue_of("TP53", "p.(Arg273His)") == ("TP53", "Arg", 273)
    assert hotspots.residue_of("TP53", "p.(Pro72Arg)") is None
    assert hotspots.residue_of("KRAS", "p.(Gly12Asp)") == ("KRAS", "Gly", 12)


@pytest.mark.parametrize(
    "name, changes, referred",
    [
        ("TP53 hotspot at VAF 0.45, tumour-only", {}, True),
        ("BRCA2 truncating", {"gene": "BRCA2", "hgvs_p": "p.(Glu1000Ter)", "consequence": "stop_gained"}, True),
        ("TP53 P72R polymorphism: not a hotspot, not truncating", {"hgvs_p": "p.(Pro72Arg)"}, False),
        ("common in the population", {"filters": "likely_germline;common_population_variant"}, False),
        (
            "gene not on the referral lists",
            {"gene": "ARRB2", "hgvs_p": "p.(Arg100Ter)", "consequence": "stop_gained"},
            False,
        ),
        ("germline by the matched normal: not a tumour-only question", {"filters": "germline"}, False),
        ("somatic", {"status": "somatic", "filters": "PASS"}, False),
    ],
)
def test_germline_referral(hotspots, name, changes, referred):
    result = germline_referral(row(**changes), GENES, hotspots)
    assert (result is not None and result.startswith(REFERRAL)) == referred, name


def test_reasons_name_the_evidence():
    somatic = reason(
        row(status="somatic", filters="PASS", normal_alt=0, normal_depth=80, normal_vaf=0.0, normal_lod=20.5)
    )
    assert somatic.startswith("somatic:") and "110/245" in somatic and "normal 0/80" in somatic
    germline = reason(row())
    assert germline.startswith("likely germline") and "tumour-only" in germline
    artefact = reason(row(status="artefact", filters="strand_bias"))
    assert artefact.startswith("artefact: alt reads on one strand")
    pon = reason(row(status="artefact", filters="panel_of_normals", pon_normals=3))
    assert "seen in 3 normals" in pon


def test_shared_artefact_reason_shows_the_normal_evidence():
    shared = reason(row(status="artefact", filters="normal_artefact", normal_alt=3, normal_depth=98, normal_vaf=0.031))
    assert shared.startswith("artefact: the normal shows it at a like rate (3/98 reads (VAF 0.03))")
