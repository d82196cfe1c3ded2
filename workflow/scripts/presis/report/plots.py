"""Inline SVG bar charts for the report: plain text, the same bytes for the same data (no ids,
timestamps or external references), readable without JavaScript."""

from __future__ import annotations

from html import escape

ROW = 18  # px per bar
LABEL = 210  # px for the labels left of the bars
WIDTH = 640
BAR = WIDTH - LABEL - 60


def _svg(height: int, body: list[str], title: str) -> str:
    return (
        # inline in HTML: no xmlns, so the report holds no URL at all
        f'<svg width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-label="{escape(title)}" font-family="sans-serif" font-size="11">'
        f"<title>{escape(title)}</title>" + "".join(body) + "</svg>"
    )


def _axis(y: int, ticks: list[tuple[float, str]]) -> list[str]:
    parts = [f'<line x1="{LABEL}" y1="{y}" x2="{LABEL + BAR}" y2="{y}" stroke="#555"/>']
    for fraction, text in ticks:
        x = LABEL + round(fraction * BAR, 1)
        parts.append(f'<line x1="{x}" y1="{y}" x2="{x}" y2="{y + 4}" stroke="#555"/>')
        parts.append(f'<text x="{x}" y="{y + 15}" text-anchor="middle">{escape(text)}</text>')
    return parts


def bar_chart(
    rows: list[tuple[str, float, str, str]],
    scale: float,
    ticks: list[tuple[float, str]],
    title: str,
    line: tuple[float, str] | None = None,
) -> str:
    """Horizontal bars: (label, value, value text, colour) per row, ``scale`` the value at full width;
    ``line`` an optional (value, text) reference line such as a QC threshold."""
    height = ROW * len(rows) + (44 if line else 30)
    body = []
    for i, (label, value, text, colour) in enumerate(rows):
        y = i * ROW
        length = round(min(value / scale, 1.0) * BAR, 1) if scale else 0
        body.append(f'<text x="{LABEL - 6}" y="{y + 13}" text-anchor="end">{escape(label)}</text>')
        body.append(f'<rect x="{LABEL}" y="{y + 3}" width="{length}" height="{ROW - 6}" fill="{colour}"/>')
        body.append(f'<text x="{LABEL + length + 4}" y="{y + 13}">{escape(text)}</text>')
    axis_y = ROW * len(rows) + 4
    body += _axis(axis_y, ticks)
    if line is not None:
        x = LABEL + round(min(line[0] / scale, 1.0) * BAR, 1)
        body.append(f'<line x1="{x}" y1="0" x2="{x}" y2="{axis_y}" stroke="#b42318" stroke-dasharray="4 3"/>')
        body.append(f'<text x="{x}" y="{axis_y + 29}" text-anchor="middle" fill="#b42318">{escape(line[1])}</text>')
    return _svg(height, body, title)


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2 or 5 times a power of ten at or above ``value`` (axis end)."""
    power = 1.0
    while power * 10 < value:
        power *= 10
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


GROUP_COLOURS = {"clinically_relevant": "#2b5797", "oncogenic": "#5b8fd1", "vus": "#a9b4c2"}


def vaf_plot(variants: list[dict]) -> str:
    """Tumour VAF of each reportable variant, coloured by report group."""
    rows = [
        (f"{v['gene']} {v.get('hgvs_p1') or v.get('hgvs_p') or v['hgvs_c']}", v["tumour_vaf"], f"{100 * v['tumour_vaf']:.1f} %",
         GROUP_COLOURS.get(v.get("group"), "#a9b4c2"))
        for v in variants
    ]  # fmt: skip
    ticks = [(f, f"{round(100 * f)} %") for f in (0, 0.25, 0.5, 0.75, 1.0)]
    return bar_chart(rows, 1.0, ticks, "Tumour VAF per reportable variant")


def coverage_plot(coverage: list[dict], min_depth: float | None) -> str:
    """Mean depth per gene, with the level's minimum mean target depth as a line."""
    scale = nice_ceiling(max([g["mean_depth"] for g in coverage] + [min_depth or 0, 1]))
    rows = [
        (g["gene"], g["mean_depth"], f"{g['mean_depth']:g}×", "#2b5797" if min_depth is None or g["mean_depth"] >= min_depth else "#b42318")
        for g in coverage
    ]  # fmt: skip
    ticks = [(f, f"{f * scale:g}×") for f in (0, 0.25, 0.5, 0.75, 1.0)]
    line = (min_depth, f"QC minimum {min_depth:g}×") if min_depth is not None else None
    return bar_chart(rows, scale, ticks, "Mean depth per gene (tumour)", line)
