"""Variants without a transcript (intergenic, promoter, or a target the annotation does not
describe): reported only when the knowledge base lists their genomic position.

With no transcript there is no c. or p. change, so none of the protein-based criteria can say
anything about the variant; a call that passed every other filter is therefore kept out of the
report (filter ``no_transcript``, its sentence in the report's filter appendix) unless a KB entry
is keyed on exactly this genomic change (e.g. TERT promoter C228T/C250T, alteration type
``genomic_change``).
"""

from __future__ import annotations

import pandas as pd

from presis.annotation.panel_filter import add_reason
from presis.interpretation.kb import KnowledgeBase, fits

FILTER = "no_transcript"


def without_transcript(row: dict) -> bool:
    transcript = row.get("transcript")
    return transcript is None or transcript != transcript or transcript == ""  # None, NaN or empty


def kb_listed(row: dict, kb: KnowledgeBase) -> bool:
    """Whether a KB entry keyed on a genomic position names this variant."""
    return any(entry.alteration.type == "genomic_change" and fits(entry, row) for entry in kb.entries)


def gate_without_transcript(table: pd.DataFrame, kb: KnowledgeBase, build: str) -> pd.DataFrame:
    """``reference_build`` added (genomic KB keys need it); reportable rows without a transcript
    that the KB does not list lose ``reportable`` and gain the filter ``no_transcript``."""
    table = table.copy()
    table["reference_build"] = build
    if not len(table):
        return table
    rows = table.to_dict("records")
    blocked = [bool(row["reportable"]) and without_transcript(row) and not kb_listed(row, kb) for row in rows]
    table["filters"] = [
        add_reason(row["filters"], FILTER) if block else row["filters"]
        for row, block in zip(rows, blocked, strict=True)
    ]
    table["reportable"] = [bool(row["reportable"]) and not block for row, block in zip(rows, blocked, strict=True)]
    return table
