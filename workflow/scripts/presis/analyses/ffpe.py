"""FFPE artefact check: C>T/G>A share among the low-VAF SNV candidates.

Formalin deaminates cytosine to uracil, read as C>T (G>A on the other strand) in a few molecules, so
FFPE damage shows as an excess of C>T/G>A among low-VAF candidates. Without damage the six
substitution classes share the candidates (C>T/G>A about one third). Counted: SNV candidates of any
class except germline (artefact and weak candidates are where damage lands) with tumour VAF below
``ffpe.max_vaf``. The flag is a QC warning: the report says the low-VAF calls need care.
"""

from __future__ import annotations

import pandas as pd

GERMLINE_CLASSES = ("germline", "likely_germline")


def is_deamination(ref: str, alt: str) -> bool:
    return (ref, alt) in (("C", "T"), ("G", "A"))


def low_vaf_snvs(table: pd.DataFrame, max_vaf: float) -> pd.DataFrame:
    snv = (table["ref"].str.len() == 1) & (table["alt"].str.len() == 1)
    germline = table["status"].isin(GERMLINE_CLASSES)
    return table[snv & ~germline & (table["tumour_vaf"] < max_vaf)]


def ffpe_check(table: pd.DataFrame, *, max_vaf: float, min_snvs: int, max_ct_fraction: float) -> dict:
    snvs = low_vaf_snvs(table, max_vaf)
    n_ct = int(sum(is_deamination(r, a) for r, a in zip(snvs["ref"], snvs["alt"], strict=False)))
    n = int(len(snvs))
    fraction = round(n_ct / n, 3) if n else None
    if n < min_snvs:
        flag, reason = "not evaluable", f"{n} low-VAF SNV candidates (VAF < {max_vaf:g}); at least {min_snvs} needed"
    elif fraction > max_ct_fraction:
        flag = "possible FFPE damage"
        reason = f"C>T/G>A are {n_ct} of {n} low-VAF SNV candidates ({fraction:.0%} > {max_ct_fraction:.0%}): low-VAF C>T/G>A calls need orthogonal confirmation"
    else:
        flag, reason = (
            "pass",
            f"C>T/G>A are {n_ct} of {n} low-VAF SNV candidates ({fraction:.0%} <= {max_ct_fraction:.0%})",
        )
    return {
        "flag": flag,
        "pass": flag != "possible FFPE damage",
        "ct_ga_fraction": fraction,
        "ct_ga": n_ct,
        "low_vaf_snvs": n,
        "max_vaf": max_vaf,
        "max_ct_fraction": max_ct_fraction,
        "reason": reason,
    }
