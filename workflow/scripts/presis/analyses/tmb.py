"""Tumour mutational burden: somatic coding non-synonymous variants per Mb of callable target.

Counted: candidates called somatic (status ``somatic``) inside the panel, with a protein-changing
consequence (NONSYNONYMOUS) and tumour VAF >= ``tmb.min_vaf``. Callable: target bases where the
tumour has at least ``somatic.min_depth`` reads (mosdepth's per-target threshold counts) — where a
somatic variant could have been called at all. Below ``tmb.min_callable_mb`` the number is reported
but the status is "not evaluable" and TMB-high can never feed tiering: on a few dozen kb one or two
variants swing TMB by tens of mut/Mb (the demo panel is 35 kb).
"""

from __future__ import annotations

import pandas as pd

from presis.report import qc

NONSYNONYMOUS = frozenset({
    "missense_variant", "stop_gained", "stop_lost", "start_lost", "frameshift_variant",
    "inframe_insertion", "inframe_deletion", "protein_altering_variant",
    "splice_acceptor_variant", "splice_donor_variant",
})  # fmt: skip


def callable_bases(regions: str, thresholds: str, min_depth: int) -> int:
    """Target bases with >= min_depth reads; min_depth must be one of qc.depth_thresholds."""
    targets = qc.read_mosdepth(regions, thresholds)
    column = f"{min_depth}X"
    if column not in targets.columns:
        raise ValueError(f"mosdepth was not asked for {min_depth}x: add {min_depth} to qc.depth_thresholds")
    return int(targets[column].sum())


def counted(table: pd.DataFrame, min_vaf: float) -> pd.DataFrame:
    """The variants TMB counts."""
    protein = table["consequence"].fillna("").map(lambda c: bool(NONSYNONYMOUS & set(c.split("&"))))
    in_panel = table["in_panel"].astype(bool) if "in_panel" in table else True
    return table[(table["status"] == "somatic") & in_panel & protein & (table["tumour_vaf"] >= min_vaf)]


def tmb(table: pd.DataFrame, callable_bp: int, *, min_callable_mb: float, high_cutoff: float, min_vaf: float) -> dict:
    variants = counted(table, min_vaf)
    mb = callable_bp / 1e6
    value = round(len(variants) / mb, 1) if callable_bp else None
    evaluable = mb >= min_callable_mb
    if not evaluable:
        status = "not evaluable"
        reason = f"callable target {mb:.3f} Mb is below the {min_callable_mb:g} Mb minimum for a TMB estimate"
    else:
        status = "high" if value >= high_cutoff else "low"
        reason = f"{len(variants)} variants in {mb:.3f} Mb callable: {value} mut/Mb ({'>=' if status == 'high' else '<'} {high_cutoff:g})"
    return {
        "status": status,
        "evaluable": evaluable,
        "tmb_per_mb": value,
        "variants_counted": int(len(variants)),
        "callable_bases": int(callable_bp),
        "callable_mb": round(mb, 4),
        "min_callable_mb": min_callable_mb,
        "high_cutoff": high_cutoff,
        "tmb_high": bool(evaluable and status == "high"),  # the only field tiering may read
        "reason": reason,
        "method": (
            f"somatic coding non-synonymous variants (VAF >= {min_vaf:g}) per Mb of target with tumour depth "
            f">= the calling minimum"
        ),
    }
