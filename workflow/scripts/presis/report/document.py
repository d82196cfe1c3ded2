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

from presis.annotation.panel_filter import REPORT_FILTERS, filter_counts
from presis.calling import lod
from presis.calling.somatic import FILTERS as SOMATIC_FILTERS
from presis.interpretation.classify import COLUMNS as INTERPRETATION_COLUMNS
from presis.interpretation.classify import VERDICTS, report_group
from presis.report import plots, qc
from presis.report.copy_number import log2_plot

SCHEMA_VERSION = "1.9"  # 1.1: optional clinical_trials section (issue 18); 1.2: hgvs_g and region, null transcript/HGVS c. for variants without a transcript (issue 13); 1.3: optional rna section, mode rna-only (issue 15); 1.4: optional copy_number section (issue 14); 1.5: samples.other_tumours, per-tumour purity (issue 16); 1.6: samples.withheld_tumours; 1.7: clinical_trials.not_matched (fusion rule); 1.8: copy_number_interval per copy-number gene and event (issue 14); 1.9: copy_number.purity.interval, an estimated purity's range, in every copy-number interval
FILTER_TEXT = {**SOMATIC_FILTERS, **REPORT_FILTERS}
VARIANT_FIELDS = [
    "gene", "transcript", "transcript_choice", "refseq", "hgvs_c", "hgvs_p", "hgvs_p1", "exon",
    "consequence", "genomic_change", "hgvs_g", "region", "chrom", "pos", "ref", "alt", "variant_type",
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


APPENDIX_FIELDS = ["gene", "hgvs_c", "hgvs_p", "genomic_change", "hgvs_g", "region", "consequence", "tumour_vaf", "tumour_depth", "tumour_alt",
                   "status", "filters", "reason"]  # fmt: skip
TABLE_DTYPES = {"reportable": bool, "in_panel": bool}


def load_table(path: str | Path) -> pd.DataFrame:
    """The interpreted variant table; boolean columns stay boolean even without rows (an empty
    column of unknown type would turn ``table[table["reportable"]]`` into a column selection)."""
    return pd.read_csv(path, sep="\t", keep_default_na=False, na_values=[""], dtype=TABLE_DTYPES)


def variant_records(table: pd.DataFrame, extra: tuple[str, ...] = ()) -> list[dict]:
    rows = table.sort_values(["gene", "chrom", "pos", "alt"], na_position="last")
    return [{field: clean(row[field]) for field in (*VARIANT_FIELDS, *extra)} for _, row in rows.iterrows()]


def classified_records(table: pd.DataFrame) -> list[dict]:
    """Reportable variants with their classification (presis.interpretation.classify columns) and report group,
    clinically relevant first, then by tier, gene and position."""
    records = variant_records(
        table, extra=(*(f"{v}{s}" for v in VERDICTS for s in ("", "_reason", "_criteria")), "therapies", "tumour_note")
    )
    for record in records:
        for verdict in VERDICTS:
            criteria = record.pop(f"{verdict}_criteria")
            record[verdict] = {
                "value": record.pop(verdict),
                "reason": record.pop(f"{verdict}_reason"),
                "criteria": criteria.split(";") if criteria else [],
            }
        record["therapies"] = json.loads(record["therapies"]) if record["therapies"] else []
        record["group"] = report_group(record["amp_tier"]["value"], record["oncogenicity"]["value"])
    order = {"clinically_relevant": 0, "oncogenic": 1, "vus": 2}
    return sorted(records, key=lambda r: (order[r["group"]], r["amp_tier"]["value"] or "", r["gene"] or "", r["pos"]))


def appendix(table: pd.DataFrame, min_vaf: float) -> list[dict]:
    """Candidates that are not reported, at or above ``min_vaf``, with their filters."""
    rows = table[~table["reportable"] & (table["tumour_vaf"].fillna(0) >= min_vaf)]
    rows = rows.sort_values(["tumour_vaf", "chrom", "pos"], ascending=[False, True, True])
    return [{field: clean(row[field]) for field in APPENDIX_FIELDS} for _, row in rows.iterrows()]


def identity_summary(identity: dict | None, normal: str | None) -> dict:
    """The tumour/normal identity result for the header; "not verified" when there was no check."""
    if identity is None:
        why = "tumour-only analysis, no normal to compare" if not normal else "no identity SNP sites configured"
        return {
            "status": "not_checked",
            "verified": False,
            "warning": False,
            "message": f"identity not verified: {why}",
        }
    return {
        "status": identity["status"],
        "verified": identity["status"] == "match",
        "warning": bool(identity.get("warning")),
        "message": identity["message"],
        "informative_sites": identity.get("informative_sites"),
        "discordant_sites": identity.get("discordant_sites"),
    }


def lod_summary(sites: pd.DataFrame, config: dict) -> dict:
    somatic = config["somatic"]
    records = [{key: clean(value) for key, value in row.items()} for row in sites.to_dict("records")]
    return {
        "power": lod.POWER,
        "min_alt_reads": somatic["min_alt_reads"],
        "min_vaf": somatic["min_vaf"],
        "min_depth": somatic["min_depth"],
        "max_lod_vaf": config["report"]["max_lod_vaf"],
        "sites": records,
        "not_evaluable": [r["site"] for r in records if r["status"] == "not_evaluable"],
    }


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


def report_header(patient: str, info: dict, kb: dict, config: dict, generated_at: str | None) -> dict:
    """The fields every report opens with, whatever it covers (DNA, RNA only)."""
    return {
        "schema_version": SCHEMA_VERSION,
        "generated_at": generated_at or dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "sections": list(config["report"]["sections"]),
        "kb": kb,
        "patient": {
            "id": patient,
            "tumour_type": clean(info.get("tumour_type")) or None,
            "purity": clean(info.get("purity")),
            "sex": clean(info.get("sex")) or None,
        },
    }


def build_report(
    *,
    patient: str,
    info: dict,
    tumour: str,
    normal: str | None,
    table: pd.DataFrame,
    qc_by_sample: dict[str, dict],
    tumour_coverage: list[dict],
    lod_sites: pd.DataFrame,
    identity: dict | None,
    kb: dict,
    performance: dict,
    provenance: dict,
    config: dict,
    generated_at: str | None = None,
    other_tumours: list[str] | None = None,
    withheld_tumours: dict[str, str] | None = None,
) -> dict:
    reportable = table[table["reportable"].astype(bool)]
    referrals = table[table["germline_referral"].notna()]
    counts = filter_counts(table)
    return {
        **report_header(patient, info, kb, config, generated_at),
        # The tumour sample this report is about, and the patient's other tumour samples when it
        # has several (each analysed separately, against the same normal); one whose own report
        # was withheld (identity mismatch) apart, with the reason.
        "samples": {
            "tumour": tumour,
            "normal": normal,
            **({"other_tumours": list(other_tumours)} if other_tumours else {}),
            **(
                {"withheld_tumours": [{"sample": t, "reason": why} for t, why in withheld_tumours.items()]}
                if withheld_tumours
                else {}
            ),
        },
        "mode": "tumour-normal" if normal else "tumour-only",
        "level": config["level"],
        "panel": {"name": config["panel"]["name"], "genes": sorted({c["gene"] for c in tumour_coverage})},
        "identity": identity_summary(identity, normal),
        "qc": [qc_by_sample[s] for s in (tumour, normal) if s],
        "variants": classified_records(reportable),
        "possible_germline": variant_records(referrals, extra=("germline_referral",)),
        "filters": {
            "candidates": int(len(table)),
            "reportable": int(len(reportable)),
            "counts": [
                {"filter": name, "description": FILTER_TEXT.get(name, name), **entry} for name, entry in counts.items()
            ],
            "appendix_min_vaf": config["report"]["appendix_min_vaf"],
            "appendix": appendix(table, config["report"]["appendix_min_vaf"]),
        },
        "coverage": tumour_coverage,
        "lod": lod_summary(lod_sites, config),
        "performance": performance,
        "limitations": limitations(normal),
        "provenance": provenance,
    }


def limitations(normal: str | None) -> list[str]:
    notes = [
        "Small variants (SNVs and indels up to ~30 bp) in the panel's target regions only; "
        "no copy-number, structural variants or fusions.",
        "Variants below the reporting VAF or failing any filter are listed in the TSV with the reason, not reported.",
        'A biomarker site "not detected" may still carry a variant below its limit of detection; a site "not evaluable" '
        "was not covered deeply enough to say anything.",
        "Classification uses the presis knowledge base of the version named in the header; evidence newer than its "
        "review date is not considered. Therapy options are for discussion by the tumour board, not recommendations.",
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
        loader=jinja2.PackageLoader("presis.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
    )
    env.filters["pct"] = lambda v: "–" if v is None else f"{100 * v:.1f} %"
    env.filters["yaml"] = lambda v: yaml.safe_dump(v, sort_keys=True)
    tumour_limits = report["provenance"]["config"]["qc"]["tumour"]
    figures = {
        "vaf": plots.vaf_plot(report["variants"]) if report["variants"] else None,
        "coverage": plots.coverage_plot(report["coverage"], tumour_limits.get("min_mean_target_depth"))
        if report["coverage"]
        else None,
        "copy_number": log2_plot(report["copy_number"]) if report.get("copy_number") else None,
    }
    return env.get_template("report.html.j2").render(report=report, figures=figures)


def write_tsv(table: pd.DataFrame, path: str | Path) -> None:
    """Every candidate with its filters; reportable ones first."""
    columns = ["reportable", *VARIANT_FIELDS, *INTERPRETATION_COLUMNS, "germline_referral", "in_panel", "panel_gene"]
    ordered = table.sort_values(["reportable", "gene", "chrom", "pos"], ascending=[False, True, True, True])
    ordered[columns].to_csv(path, sep="\t", index=False)
