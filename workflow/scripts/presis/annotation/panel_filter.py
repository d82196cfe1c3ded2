"""Panel and reporting filters over the tidy table: each adds a named reason, none drops a row."""

from __future__ import annotations

import pandas as pd

# Reasons this module adds, with the sentence the report shows.
REPORT_FILTERS = {
    "outside_panel": "Outside the panel's target regions",
    "below_report_vaf": "Tumour VAF below report.min_reportable_vaf",
    "not_protein_altering": "Consequence listed in report.exclude_consequences (e.g. synonymous, intronic)",
    # added by presis.interpretation.noncoding, which needs the knowledge base
    "no_transcript": "No transcript describes the variant (intergenic, promoter or unannotated target): "
    "reported only when the knowledge base lists its genomic position",
}


def add_reason(filters: str, reason: str) -> str:
    return reason if filters in ("", "PASS") else f"{filters};{reason}"


def apply_panel_filter(table: pd.DataFrame, panel_genes_at, report: dict) -> pd.DataFrame:
    """Add in_panel, panel_gene and reportable; extend ``filters`` with every failed rule."""
    table = table.copy()
    genes = [
        panel_genes_at(chrom, pos, pos + len(ref) - 1)
        for chrom, pos, ref in table[["chrom", "pos", "ref"]].itertuples(index=False)
    ]
    table["panel_gene"] = [";".join(g) for g in genes]
    table["in_panel"] = [bool(g) for g in genes]
    excluded = set(report.get("exclude_consequences", []))

    def reasons(row) -> str:
        filters = row["filters"]
        if not row["in_panel"]:
            filters = add_reason(filters, "outside_panel")
        if (row["tumour_vaf"] or 0) < report["min_reportable_vaf"]:
            filters = add_reason(filters, "below_report_vaf")
        terms = set(str(row["consequence"] or "").split("&"))
        # a variant without a transcript is judged by the knowledge base instead (presis.interpretation.noncoding):
        # a listed promoter hotspot is "intergenic" to the annotation but reportable
        has_transcript = isinstance(row.get("transcript"), str) and row.get("transcript") != ""
        if has_transcript and terms and terms <= excluded:
            filters = add_reason(filters, "not_protein_altering")
        return filters

    table["filters"] = table.apply(reasons, axis=1) if len(table) else table["filters"]
    table["reportable"] = (table["status"] == "somatic") & (table["filters"] == "PASS")
    return table


def filter_counts(table: pd.DataFrame) -> dict[str, dict[str, int]]:
    """Per filter: candidates that failed it, and those it alone removed."""
    counts: dict[str, dict[str, int]] = {}
    for filters in table["filters"]:
        if filters == "PASS":
            continue
        names = filters.split(";")
        for name in names:
            entry = counts.setdefault(name, {"failed": 0, "only_reason": 0})
            entry["failed"] += 1
            if len(names) == 1:
                entry["only_reason"] += 1
    return dict(sorted(counts.items()))
