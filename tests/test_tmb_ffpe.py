"""TMB (presis.analyses.tmb) and the FFPE artefact check (presis.analyses.ffpe) on small tables."""

from __future__ import annotations

import pandas as pd

from presis.analyses.ffpe import ffpe_check
from presis.analyses.tmb import tmb

SETTINGS = {"min_callable_mb": 1.0, "high_cutoff": 10, "min_vaf": 0.05}


def table(rows):
    columns = ["ref", "alt", "status", "consequence", "tumour_vaf", "in_panel"]
    return pd.DataFrame([dict(zip(columns, row, strict=False)) for row in rows], columns=columns)


def somatic(consequence, vaf=0.2, status="somatic", in_panel=True):
    return ("C", "T", status, consequence, vaf, in_panel)


def test_tmb_counts_somatic_coding_non_synonymous_variants_per_callable_mb():
    rows = [somatic("missense_variant")] * 12 + [
        somatic("stop_gained"), somatic("frameshift_variant"),
        somatic("synonymous_variant"), somatic("intron_variant"),  # not protein-changing
        somatic("missense_variant", vaf=0.03),  # below tmb.min_vaf
        somatic("missense_variant", status="germline"), somatic("missense_variant", in_panel=False),
    ]  # fmt: skip
    result = tmb(table(rows), 1_400_000, **SETTINGS)
    assert result["variants_counted"] == 14 and result["callable_mb"] == 1.4
    assert result["tmb_per_mb"] == 10.0 and result["status"] == "high" and result["tmb_high"]


def test_tmb_below_the_minimum_callable_size_is_not_evaluable_and_never_high():
    result = tmb(table([somatic("missense_variant")] * 23), 35_011, **SETTINGS)
    assert result["status"] == "not evaluable" and not result["evaluable"]
    assert result["tmb_per_mb"] > 600 and result["tmb_high"] is False  # the number, but never TMB-high
    assert "0.035 Mb is below the 1 Mb minimum" in result["reason"]


def test_tmb_low():
    result = tmb(table([somatic("missense_variant")] * 3), 2_000_000, **SETTINGS)
    assert (result["status"], result["tmb_per_mb"], result["tmb_high"]) == ("low", 1.5, False)


FFPE = {"max_vaf": 0.10, "min_snvs": 10, "max_ct_fraction": 0.5}


def snv(ref, alt, vaf=0.04, status="weak"):
    return (ref, alt, status, "missense_variant", vaf, True)


def test_ffpe_flags_an_excess_of_c_to_t_among_low_vaf_candidates():
    rows = [snv("C", "T")] * 9 + [snv("G", "A")] * 6 + [snv("A", "C")] * 3 + [snv("T", "G")] * 2
    result = ffpe_check(table(rows), **FFPE)
    assert result["flag"] == "possible FFPE damage" and not result["pass"]
    assert (result["ct_ga"], result["low_vaf_snvs"], result["ct_ga_fraction"]) == (15, 20, 0.75)


def test_ffpe_passes_a_balanced_spectrum_and_ignores_germline_high_vaf_and_indels():
    rows = [snv(r, a) for r, a in ("CT", "GA", "AC", "AG", "TC", "TG", "CA", "GT", "CG", "AT", "TA", "GC")]
    rows += (
        [snv("C", "T", status="germline")] * 5
        + [snv("C", "T", vaf=0.3)] * 5
        + [("CA", "C", "weak", "frameshift_variant", 0.04, True)]
    )
    result = ffpe_check(table(rows), **FFPE)
    assert result["flag"] == "pass" and (result["ct_ga"], result["low_vaf_snvs"]) == (2, 12)


def test_ffpe_is_not_evaluable_with_few_low_vaf_candidates():
    result = ffpe_check(table([snv("C", "T")] * 3), **FFPE)
    assert result["flag"] == "not evaluable" and result["pass"]
