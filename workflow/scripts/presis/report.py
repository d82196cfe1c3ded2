"""The tumour report: one dict (the JSON), rendered to HTML and TSV.

The JSON is the source of truth; HTML and TSV are views of it. Schema:
config/schemas/report.schema.json (version in SCHEMA_VERSION).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import jinja2
import pandas as pd
import yaml
from jsonschema import Draft202012Validator

from presis import qc
from presis.panel_filter import REPORT_FILTERS, filter_counts
from presis.somatic import FILTERS as SOMATIC_FILTERS

SCHEMA_VERSION = "0"
FILTER_TEXT = {**SOMATIC_FILTERS, **REPORT_FILTERS}
VARIANT_FIELDS = [
    "gene", "transcript", "transcript_choice", "refseq", "hgvs_c", "hgvs_p", "hgvs_p1", "exon",
    "consequence", "genomic_change", "chrom", "pos", "ref", "alt", "variant_type",
    "tumour_vaf", "tumour_depth", "tumour_alt", "normal_vaf", "normal_depth", "normal_alt",
    "tumour_lod", "normal_lod", "population_af", "pon_normals", "status", "filters", "reason",
]  # fmt: skip


def clean(value):
    """JSON-safe scalars: NaN -> None, numpy -> Python."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        value = value.item()
        if isinstance(value, float) and math.isnan(value):
            return None
    return value


def variant_records(table: pd.DataFrame, extra: tuple[str, ...] = ()) -> list[dict]:
    rows = table.sort_values(["gene", "chrom", "pos", "alt"], na_position="last")
    return [{field: clean(row[field]) for field in (*VARIANT_FIELDS, *extra)} for _, row in rows.iterrows()]


def sample_qc(sample: str, fastp_jsons: list[str], stats: str, regions: str, thresholds: str, limits: dict) -> dict:
    lanes = [qc.fastp_summary(path) for path in fastp_jsons]
    targets = qc.read_mosdepth(regions, thresholds)
    summary = {
        "sample": sample,
        "reads_raw": sum(lane["reads_raw"] for lane in lanes),
        "reads_after_trimming": sum(lane["reads_after_trimming"] for lane in lanes),
        **qc.samtools_stats_summary(stats),
        **qc.coverage_summary(targets),
    }
    summary["checks"] = qc.judge(summary, limits)
    summary["pass"] = all(check["pass"] for check in summary["checks"])
    return summary, qc.coverage_per_gene(targets)


def build_report(
    *,
    patient: str,
    info: dict,
    tumour: str,
    normal: str | None,
    table: pd.DataFrame,
    qc_by_sample: dict[str, dict],
    tumour_coverage: list[dict],
    provenance: dict,
    config: dict,
    generated_at: str | None = None,
) -> dict:
    reportable = table[table["reportable"]]
    referrals = table[table["germline_referral"].notna()]
    counts = filter_counts(table)
    return {
        "schema_version": SCHEMA_VERSION,
        "generated_at": generated_at or dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
        "patient": {
            "id": patient,
            "tumour_type": clean(info.get("tumour_type")) or None,
            "purity": clean(info.get("purity")),
            "sex": clean(info.get("sex")) or None,
        },
        "samples": {"tumour": tumour, "normal": normal},
        "mode": "tumour-normal" if normal else "tumour-only",
        "level": config["level"],
        "panel": {"name": config["panel"]["name"], "genes": sorted({c["gene"] for c in tumour_coverage})},
        "qc": [qc_by_sample[s] for s in (tumour, normal) if s],
        "variants": variant_records(reportable),
        "possible_germline": variant_records(referrals, extra=("germline_referral",)),
        "filters": {
            "candidates": int(len(table)),
            "reportable": int(len(reportable)),
            "counts": [
                {"filter": name, "description": FILTER_TEXT.get(name, name), **entry} for name, entry in counts.items()
            ],
        },
        "coverage": tumour_coverage,
        "limitations": limitations(normal),
        "provenance": provenance,
    }


def limitations(normal: str | None) -> list[str]:
    notes = [
        "Small variants (SNVs and indels up to ~30 bp) in the panel's target regions only; "
        "no copy-number, structural variants or fusions.",
        "Variants below the reporting VAF or failing any filter are listed in the TSV with the reason, not reported.",
    ]
    if not normal:
        notes.append(
            "Tumour-only analysis: germline variants are recognised from their allele fraction (and a "
            "population resource or panel of normals where configured); a somatic call could still be "
            "germline, a somatic variant near 50 % VAF may be filtered as likely germline, and sample "
            "identity is not verified."
        )
    return notes


def validate_report(report: dict, schema_path: str | Path) -> list[str]:
    schema = json.loads(Path(schema_path).read_text())
    return [f"{'/'.join(map(str, e.path))}: {e.message}" for e in Draft202012Validator(schema).iter_errors(report)]


def render_html(report: dict) -> str:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("presis", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
    )
    env.filters["pct"] = lambda v: "–" if v is None else f"{100 * v:.1f} %"
    env.filters["yaml"] = lambda v: yaml.safe_dump(v, sort_keys=True)
    return env.get_template("report.html.j2").render(report=report)


def write_tsv(table: pd.DataFrame, path: str | Path) -> None:
    """Every candidate with its filters; reportable ones first."""
    columns = ["reportable", *VARIANT_FIELDS, "germline_referral", "in_panel", "panel_gene"]
    ordered = table.sort_values(["reportable", "gene", "chrom", "pos"], ascending=[False, True, True, True])
    ordered[columns].to_csv(path, sep="\t", index=False)
