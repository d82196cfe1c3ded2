"""The RNA part of the report (schema 1.1): the ``rna`` section beside the DNA sections, or a report of
its own for a patient with tumour RNA only (mode ``rna-only``)."""

from __future__ import annotations

import datetime as dt

import jinja2

from presis.report.document import SCHEMA_VERSION

RNA_LIMITATIONS = [
    "Fusions are called from STAR's chimeric reads in annotated genes of the reference used; a fusion with a "
    "partner outside the annotation, or supported by fewer reads than required, is not reported.",
    "Exon-skipping and intragenic-deletion events are evaluated only for the knowledge base's entries (gene, "
    "transcript and exons); other splice events are not reported.",
    "A failed RNA QC makes the RNA result not evaluable: no conclusion about the absence of a fusion.",
]


def add_rna(report: dict, rna: dict) -> dict:
    """The DNA report with the RNA section and its limitations (schema 1.1)."""
    report = dict(report)
    report["rna"] = rna
    report["samples"] = {**report["samples"], "rna": rna["sample"]}
    report["limitations"] = [
        note.replace(
            "no copy-number, structural variants or fusions.",
            "no copy-number or structural variants; fusions from RNA below.",
        )
        for note in report["limitations"]
    ] + RNA_LIMITATIONS
    return report


def rna_only_report(
    *, patient: str, info: dict, rna: dict, kb: dict, provenance: dict, config: dict, generated_at: str | None = None
) -> dict:
    return {
        "schema_version": SCHEMA_VERSION,
        "generated_at": generated_at or dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "sections": list(config["report"]["sections"]),
        "kb": kb,
        "patient": {
            "id": patient,
            "tumour_type": info.get("tumour_type") or None,
            "purity": info.get("purity"),
            "sex": info.get("sex") or None,
        },
        "samples": {"tumour": None, "normal": None, "rna": rna["sample"]},
        "mode": "rna-only",
        "level": config["level"],
        "rna": rna,
        "limitations": [
            "RNA only: no DNA sample, so no small variants, copy number, TMB or MSI were assessed.",
            *RNA_LIMITATIONS,
        ],
        "provenance": provenance,
    }


def render_rna_only(report: dict) -> str:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("presis.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
    )
    return env.get_template("report_rna_only.html.j2").render(report=report)
