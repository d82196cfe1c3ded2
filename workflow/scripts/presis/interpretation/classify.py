"""Clinical interpretation of the variant table: every reportable variant classified for the
patient's tumour type (presis.interpretation.tiers), flattened into columns the report reads back.

Only reportable rows are classified: a filtered candidate is not a finding, and giving it a tier
would invite reading it as one. Therapies and KB matches are JSON text in the TSV.
"""

from __future__ import annotations

import json

import pandas as pd

from presis.interpretation.hotspots import Hotspots
from presis.interpretation.kb import GeneRoles, KnowledgeBase
from presis.interpretation.tiers import classify_variant

VERDICTS = ("oncogenicity", "amp_tier", "escat")
COLUMNS = [
    *(column for verdict in VERDICTS for column in (verdict, f"{verdict}_reason", f"{verdict}_criteria")),
    "therapies", "kb_matches", "tumour_note",
]  # fmt: skip

# Report groups, top-down: what a tumour board acts on first (AMP tiers I and II), then drivers
# without evidence of clinical significance, then the rest (VUS, tier IV benign).
CLINICALLY_RELEVANT_TIERS = frozenset({"I-A", "I-B", "II-C", "II-D"})
ONCOGENIC = frozenset({"oncogenic", "likely_oncogenic"})


def classification_columns(
    row: dict, tumour_type: str | None, kb: KnowledgeBase, hotspots: Hotspots, roles: GeneRoles
) -> dict:
    result = classify_variant(row, tumour_type, kb, hotspots, roles)
    columns = {}
    for verdict in VERDICTS:
        columns[verdict] = result[verdict]["value"]
        columns[f"{verdict}_reason"] = result[verdict]["reason"]
        columns[f"{verdict}_criteria"] = ";".join(result[verdict]["criteria"])
    columns["therapies"] = json.dumps(result["therapies"], sort_keys=True)
    columns["kb_matches"] = json.dumps(result["kb_matches"], sort_keys=True)
    columns["tumour_note"] = result["tumour_note"]
    return columns


def classify_table(
    table: pd.DataFrame, tumour_type: str | None, kb: KnowledgeBase, hotspots: Hotspots, roles: GeneRoles
) -> pd.DataFrame:
    """The table with COLUMNS added; filled for reportable rows, empty for the others."""
    table = table.copy()
    rows = [
        classification_columns(row, tumour_type, kb, hotspots, roles) if row["reportable"] else {}
        for row in table.to_dict("records")
    ]
    for column in COLUMNS:
        table[column] = [row.get(column) for row in rows]
    return table


def report_group(amp_tier: str | None, oncogenicity: str | None) -> str:
    """clinically_relevant (tier I/II), oncogenic (oncogenic or likely oncogenic, tier III) or vus."""
    if amp_tier in CLINICALLY_RELEVANT_TIERS:
        return "clinically_relevant"
    if oncogenicity in ONCOGENIC:
        return "oncogenic"
    return "vus"
