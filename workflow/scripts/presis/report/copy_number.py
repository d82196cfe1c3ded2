"""The copy-number section of the report (from presis.copynumber.interpret's ``<patient>.cnv.json``):
the gene table, the findings with tiers, and an inline SVG of log2 per target along the panel."""

from __future__ import annotations

from html import escape
from typing import Any

COPY_NUMBER_LIMITATION = (
    "Copy number: gene-level amplifications and deletions from the panel's read depth (CNVkit); "
    "no structural variants or fusions; a gene with few targets or in a noisy or low-purity sample is not evaluable."
)
SMALL_VARIANTS_ONLY = "no copy-number, structural variants or fusions."
CALL_COLOURS = {
    "amplification": "#b42318",
    "gain": "#e8897f",
    "loss": "#6f9fd8",
    "homozygous_deletion": "#1d3f8f",
}


def section(cnv: dict[str, Any]) -> dict[str, Any]:
    """The report's ``copy_number`` object: everything of the cnv JSON."""
    return {key: cnv[key] for key in cnv}


def add_copy_number(report: dict, cnv: dict[str, Any]) -> dict:
    """The report with its copy-number section, and the limitation that said "no copy-number" replaced."""
    limitations = [
        note.replace(SMALL_VARIANTS_ONLY, "no structural variants or fusions.") for note in report["limitations"]
    ]
    return {**report, "copy_number": section(cnv), "limitations": [*limitations, COPY_NUMBER_LIMITATION]}


WIDTH, HEIGHT, LEFT, TOP, PLOT_H = 640, 230, 40, 12, 170
LOG2_MAX = 3.0


def log2_plot(copy_number: dict[str, Any]) -> str:
    """log2 ratio of every on-target bin along the panel (clipped to ±3), genes with a call other than
    neutral or not evaluable drawn in the call's colour and named; same bytes for the same data."""
    bins = copy_number["bins"]
    calls = {g["gene"]: g["call"] for g in copy_number["genes"]}
    n = max(len(bins), 1)
    plot_w = WIDTH - LEFT - 10

    def y_of(value: float) -> float:
        value = max(-LOG2_MAX, min(LOG2_MAX, value))
        return round(TOP + (LOG2_MAX - value) / (2 * LOG2_MAX) * PLOT_H, 1)

    body = []
    for tick in (-3, -2, -1, 0, 1, 2, 3):
        y = y_of(tick)
        colour = "#555" if tick == 0 else "#ddd"
        body.append(f'<line x1="{LEFT}" y1="{y}" x2="{LEFT + plot_w}" y2="{y}" stroke="{colour}"/>')
        body.append(f'<text x="{LEFT - 4}" y="{y + 4}" text-anchor="end">{tick:+d}</text>')
    labelled: dict[str, float] = {}
    for i, b in enumerate(bins):
        x = round(LEFT + (i + 0.5) / n * plot_w, 1)
        colour = CALL_COLOURS.get(calls.get(b["gene"], ""), "#8a94a3")
        body.append(f'<circle cx="{x}" cy="{y_of(b["log2"])}" r="2" fill="{colour}"/>')
        if b["gene"] in calls and calls[b["gene"]] in CALL_COLOURS:
            labelled.setdefault(b["gene"], x)
    for gene, x in labelled.items():
        body.append(
            f'<text x="{x}" y="{TOP + PLOT_H + 16}" fill="{CALL_COLOURS[calls[gene]]}">{escape(gene)} '
            f"{escape(calls[gene].replace('_', ' '))}</text>"
        )
    body.append(
        f'<text x="12" y="{TOP + PLOT_H / 2}" transform="rotate(-90 12 {TOP + PLOT_H / 2})" text-anchor="middle">log2 ratio</text>'
    )
    title = "log2 ratio per target along the panel"
    return (
        f'<svg width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" '
        f'font-family="sans-serif" font-size="11"><title>{escape(title)}</title>' + "".join(body) + "</svg>"
    )
