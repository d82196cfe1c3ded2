"""The RNA part of the report (schema 1.1): the ``rna`` section beside the DNA sections, or a report of
its own for a patient with tumour RNA only (mode ``rna-only``)."""

from __future__ import annotations

import jinja2

from presis.report.document import report_header

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
        **report_header(patient, info, kb, config, generated_at),
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


# The report's RNA events table (`<patient>.report.rna.tsv`): every listed event, detected or filtered, with
# its reason in words and, when detected, the KB interpretation.
EVENTS_TSV_FIELDS = ["sample", "evaluable", "kind", "name", "genes", "transcripts", "breakpoint_5", "breakpoint_3",
                     "exons", "frame", "junction_reads", "spanning_reads", "fraction", "status", "reason", "amp_tier",
                     "escat", "therapies"]  # fmt: skip


def _breakpoint(record: dict) -> str:
    """`chr7:55019365` in real GRCh38 coordinates, with the strand of a fusion partner (`chr7:55019365:+`)."""
    text = f"{record['chrom']}:{record['genomic_pos']}"
    return f"{text}:{record['strand']}" if record.get("strand") else text


def _joined(values) -> str:
    return ";".join("" if v is None else str(v) for v in values) if any(v is not None for v in values) else ""


def events_rows(result: dict) -> list[dict]:
    """One row per event of an RNA result (presis.rna.results.build_result), filtered candidates included.

    The status is `detected` or the filter that removed the candidate, and the reason says why in words.
    An RNA sample whose QC failed has `evaluable` false on every row (no conclusion about absent events);
    without any listed event a single row says what was evaluated, so an empty table never reads as
    "nothing found" without the statement."""
    rows = []
    for event in result["events"]:
        breakpoints = [_breakpoint(b) for b in event["breakpoints"]] + ["", ""]
        interpretation = event.get("interpretation") or {}
        transcripts = event.get("transcripts") or [event.get("transcript")]
        rows.append({
            "sample": result["sample"], "evaluable": result["evaluable"], "kind": event["kind"],
            "name": event["name"], "genes": _joined(event["genes"]), "transcripts": _joined(transcripts),
            "breakpoint_5": breakpoints[0], "breakpoint_3": breakpoints[1], "exons": _joined(event["exons"]),
            "frame": event.get("frame") or "", "junction_reads": event["junction_reads"],
            "spanning_reads": event["spanning_reads"],
            "fraction": "" if event.get("fraction") is None else round(event["fraction"], 4),
            "status": event["status"], "reason": event["reason"],
            "amp_tier": (interpretation.get("amp_tier") or {}).get("value") or "",
            "escat": (interpretation.get("escat") or {}).get("value") or "",
            "therapies": ";".join(
                f"{t['therapy']} ({t['direction']}, level {t['evidence_level']})"
                for t in interpretation.get("therapies", [])
            ),
        })  # fmt: skip
    if not rows:
        rows.append({
            **dict.fromkeys(EVENTS_TSV_FIELDS, ""), "sample": result["sample"], "evaluable": result["evaluable"],
            "status": "no_event_listed", "reason": result["statement"],
        })  # fmt: skip
    return rows
