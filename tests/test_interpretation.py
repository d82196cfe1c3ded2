"""The variant table classified for a tumour type: reportable rows only, verdicts flattened."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from conftest import REPO

from presis.interpretation import kb as K
from presis.interpretation.classify import COLUMNS, classify_table
from presis.interpretation.hotspots import Hotspots

FILES = K.KBFiles.in_repo(REPO)


@pytest.fixture(scope="module")
def classify():
    kb, roles = K.load(FILES), K.load_gene_roles(FILES.gene_roles)
    hotspots = Hotspots.load(REPO / "config" / "kb" / "hotspots_single_aa_change.hg19.txt")
    return lambda table, tumour: classify_table(table, tumour, kb, hotspots, roles)


ROWS = [
    {"gene": "KRAS", "hgvs_p": "p.(Gly12Asp)", "hgvs_p1": "p.(G12D)", "consequence": "missense_variant", "exon": "2/5",
     "transcript": "ENST00000311936", "variant_type": "SNV", "reportable": True},
    {"gene": "KRAS", "hgvs_p": "p.(Gly13Asp)", "hgvs_p1": "p.(G13D)", "consequence": "missense_variant", "exon": "2/5",
     "transcript": "ENST00000311936", "variant_type": "SNV", "reportable": False},
]  # fmt: skip


def test_reportable_rows_are_classified_for_the_tumour_type(classify):
    coad = classify(pd.DataFrame(ROWS), "COAD")
    assert list(coad.columns[-len(COLUMNS) :]) == COLUMNS
    g12d, g13d = coad.to_dict("records")
    assert (g12d["amp_tier"], g12d["oncogenicity"], g12d["escat"]) == ("I-A", "oncogenic", None)
    assert g12d["amp_tier_reason"].startswith("AMP Tier I-A: KRAS p.(Gly12Asp) in COAD (COADREAD) predicts resistance")
    assert {t["therapy"] for t in json.loads(g12d["therapies"])} == {"cetuximab", "panitumumab"}
    assert "OS3" in g12d["oncogenicity_criteria"].split(";")
    assert all(g13d[column] is None for column in COLUMNS)  # filtered: no tier, not a finding
    # Issue 18: colorectal anti-EGFR resistance is not evidence for a lung cancer (it was II-C before).
    luad = classify(pd.DataFrame(ROWS), "LUAD").loc[0]
    assert luad["amp_tier"] == "III" and json.loads(luad["therapies"]) == []


def test_an_empty_table_gets_the_columns(classify):
    empty = classify(pd.DataFrame(columns=list(ROWS[0])), "LUAD")
    assert empty.empty and set(COLUMNS) <= set(empty.columns)
