"""CIViC import (presis kb import-civic, presis.interpretation.civic) on real CIViC rows
(tests/data/civic/README.md), and what imported evidence may do to a report."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml
from conftest import REPO

from presis.cli import main
from presis.interpretation import civic as C
from presis.interpretation import kb as K
from presis.interpretation.classify import classify_table
from presis.interpretation.hotspots import Hotspots
from presis.report.document import classified_records

DATA = REPO / "tests" / "data" / "civic"
FILES = [
    DATA / name for name in ("ClinicalEvidenceSummaries.tsv", "MolecularProfileSummaries.tsv", "VariantSummaries.tsv")
]
CURATED = K.KBFiles.in_repo(REPO)


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    result = C.import_release(
        *FILES, C.read_doid_map(REPO / "config" / "kb" / "civic_doid_oncotree.tsv"), "01-Apr-2024"
    )
    path = tmp_path_factory.mktemp("civic") / "civic.yaml"
    path.write_text(yaml.safe_dump(C.kb_document(result), sort_keys=False))
    return result, path


@pytest.fixture(scope="module")
def classify():
    roles = K.load_gene_roles(CURATED.gene_roles)
    hotspots = Hotspots.load(REPO / "config" / "kb" / "hotspots_single_aa_change.hg19.txt")
    return lambda kb, rows, tumour: classified_records(classify_table(pd.DataFrame(rows), tumour, kb, hotspots, roles))


def row(gene, hgvs_p, hgvs_p1, exon, transcript=None):
    return {"gene": gene, "hgvs_p": hgvs_p, "hgvs_p1": hgvs_p1, "consequence": "missense_variant", "exon": exon,
            "transcript": transcript, "variant_type": "SNV", "reportable": True, "chrom": "chr1", "pos": 1, "alt": "A",
            **{field: None for field in ("transcript_choice", "refseq", "hgvs_c", "hgvs_g", "region", "genomic_change", "ref", "tumour_vaf",
                                         "tumour_depth", "tumour_alt", "normal_vaf", "normal_depth", "normal_alt",
                                         "tumour_lod", "normal_lod", "population_af", "pon_normals", "status", "filters",
                                         "reason")}}  # fmt: skip


def test_import_maps_the_accepted_rows_and_counts_the_rest(imported):
    result, _ = imported
    entries = {entry["id"]: entry for entry in result.entries}
    assert set(entries) == {
        "CIVIC_EID26",
        "CIVIC_EID74",
        "CIVIC_EID816",
        "CIVIC_EID2997",
        "CIVIC_EID3017",
        "CIVIC_EID9851",
    }
    assert result.release == "2024-04-01" and C.kb_document(result)["version"] == "civic-2024-04-01"
    assert entries["CIVIC_EID9851"]["therapy"] == ["encorafenib + cetuximab"]  # Combination
    assert entries["CIVIC_EID816"]["therapy"] == ["cetuximab", "panitumumab"]  # Substitutes
    assert entries["CIVIC_EID816"]["negative"] is True  # Does Not Support: kept as negative evidence
    assert entries["CIVIC_EID26"]["tumour_types"] == ["AML"] and entries["CIVIC_EID9851"]["tumour_types"] == [
        "COADREAD"
    ]
    assert entries["CIVIC_EID26"]["alteration"] == {"type": "protein_change", "protein": "p.D816V"}
    assert result.skipped == {
        "Diagnostic Negative (not representable in presis)": 1,  # EID2, PDGFRA D842V in GIST
        "common germline origin (a polymorphism, not a tumour biomarker)": 1,  # EID1756, MTHFR A222V
    }
    assert sorted(result.unmapped_variants) == ["KRAS Mutation", "MGMT Promoter Methylation", "NPM1 EXON 11 MUTATION"]


def test_levels_status_and_unmapped_diseases(tmp_path):
    evidence = pd.read_csv(FILES[0], sep="\t", dtype=str, keep_default_na=False, quoting=3)
    evidence.loc[evidence["evidence_id"] == "2997", "evidence_level"] = "C"  # case study -> D
    evidence.loc[evidence["evidence_id"] == "3017", "evidence_level"] = "E"  # inferential: not imported
    evidence.loc[evidence["evidence_id"] == "9851", "evidence_status"] = "submitted"
    changed = tmp_path / "evidence.tsv"
    evidence.to_csv(changed, sep="\t", index=False)
    doid = {"9119": "AML", "3908": "NSCLC"}  # no colorectal or thyroid mapping
    result = C.import_release(changed, *FILES[1:], doid, "2024-04-01")
    levels = {entry["id"]: entry["evidence_level"] for entry in result.entries}
    assert levels == {"CIVIC_EID26": "B", "CIVIC_EID2997": "D"}
    assert result.skipped["evidence level E (not used)"] == 1
    assert result.skipped["evidence status submitted (accepted only)"] == 1
    assert result.skipped["disease not in the DOID -> OncoTree table (unmapped disease)"] == 2  # EID74, EID816


def test_cli_writes_entries_that_load_and_prints_the_counts(tmp_path, capsys):
    out = tmp_path / "civic.yaml"
    status = main(["kb", "import-civic", *map(str, FILES), "--out", str(out), "--release", "01-Apr-2024"])
    printed = capsys.readouterr().out
    assert status == 0 and "6 entries imported" in printed
    assert "not imported: 1 Diagnostic Negative" in printed
    assert "variant names not mapped to a presis alteration class: 3" in printed
    kb = K.load(K.KBFiles(CURATED.biomarkers, CURATED.oncotree, CURATED.gene_roles, CURATED.schema, (out,)))
    assert kb.version == "2026.12.0 + civic-2024-04-01"


def test_civic_evidence_changes_a_report_where_the_curated_kb_is_silent(imported, classify):
    _, path = imported
    curated = K.load(CURATED)
    merged = K.load(K.KBFiles(CURATED.biomarkers, CURATED.oncotree, CURATED.gene_roles, CURATED.schema, (path,)))
    kit = [row("KIT", "p.(Asp816Val)", "p.(D816V)", "17/21")]
    (before,) = classify(curated, kit, "AML")
    (after,) = classify(merged, kit, "AML")
    assert before["amp_tier"]["value"] == "III" and before["group"] != "clinically_relevant"
    # CIViC level B prognostic in AML: capped at tier II (II-C), labelled, with its evidence id
    assert after["amp_tier"]["value"] == "II-C" and after["group"] == "clinically_relevant"
    reason = after["amp_tier"]["reason"]
    assert "CIViC, not curated by presis: EID26" in reason and "CIViC-only evidence stays in tier II" in reason


def test_curated_entries_win_over_civic(imported, classify):
    _, path = imported
    merged = K.load(K.KBFiles(CURATED.biomarkers, CURATED.oncotree, CURATED.gene_roles, CURATED.schema, (path,)))
    (braf,) = classify(merged, [row("BRAF", "p.(Val600Glu)", "p.(V600E)", "15/18", "ENST00000646891")], "COAD")
    assert braf["amp_tier"]["value"] == "I-A"
    assert {t["kb_entry"] for t in braf["therapies"]} >= {"BRAF_V600E_CRC"}
    assert not {t["kb_entry"] for t in braf["therapies"]} & {"CIVIC_EID9851", "CIVIC_EID816"}
    assert (
        "CIVIC_EID9851; CIViC, not curated by presis: EID9851 is covered by a curated entry"
        in braf["amp_tier"]["reason"]
    )
    (egfr,) = classify(merged, [row("EGFR", "p.(Leu858Arg)", "p.(L858R)", "21/28", "ENST00000275493")], "LUAD")
    assert egfr["amp_tier"]["value"] == "I-A" and "EID2997" not in {t["source"] for t in egfr["therapies"]}


def test_imported_ids_must_not_clash_with_curated_ones(tmp_path):
    clash = tmp_path / "clash.yaml"
    document = {"version": "civic-2024-04-01", "date": "2024-04-01", "description": "a clashing import",
                "entries": [dict(yaml.safe_load(CURATED.biomarkers.read_text())["entries"][0])]}  # fmt: skip
    clash.write_text(yaml.safe_dump(document))
    with pytest.raises(Exception, match="also a curated entry"):
        K.load(K.KBFiles(CURATED.biomarkers, CURATED.oncotree, CURATED.gene_roles, CURATED.schema, (clash,)))
