"""KB biomarker sites in the demo panel on the test genome, and their detected / LoD / not-evaluable
statements."""

from __future__ import annotations

import pytest
from conftest import DATA, REPO

from presis.annotation.transcripts import load_transcripts
from presis.inputs.bed import PanelIndex, read_panel
from presis.interpretation.biomarker_sites import at_site, evaluate, kb_sites
from presis.interpretation.hotspots import Hotspots

EGFR = "ENST00000275493"


@pytest.fixture(scope="module")
def sites(kb):
    panel = PanelIndex(read_panel(REPO / "config" / "panels" / "presis-demo.bed"))
    return kb_sites(
        kb,
        Hotspots.load(REPO / "config" / "kb" / "hotspots_single_aa_change.hg19.txt"),
        load_transcripts(DATA / "genome" / "presis-test-GRCh38.v2.gff3.gz"),
        lambda contig, start, end: bool(panel.genes_at(contig, start, end)),
    )


def by_label(sites):
    return {site.label: site for site in sites}


def test_sites_are_the_kb_sites_of_the_panel_genes(sites):
    labels = by_label(sites)
    assert {
        "EGFR L858",
        "EGFR T790",
        "EGFR G719",
        "EGFR exon 19",
        "EGFR exon 20",
        "KRAS G12",
        "KRAS A146",
        "TP53 R273",
    } <= set(labels)
    assert {site.gene for site in sites} == {"EGFR", "KRAS", "TP53"}  # BRAF, PIK3CA, ... are not in the demo panel
    assert labels["KRAS G12"].kb_entries == (
        "KRAS_G12C_CRC_COMBINATION",
        "KRAS_G12C_NSCLC",
        "KRAS_RAS_CRC_ANTI_EGFR_RESISTANCE",
    )
    assert labels["KRAS G12"].span == ("chr12_25195146_25260929", 50204, 50206)
    assert labels["KRAS G12"].therapeutic and not labels["TP53 R273"].therapeutic  # TP53: prognostic/diagnostic only
    assert len(labels) == len(sites)  # one row per codon/exon


def variant(gene, hgvs_p, consequence, exon, vaf=0.2):
    return {"gene": gene, "hgvs_p": hgvs_p, "hgvs_p1": None, "hgvs_c": "c.?", "consequence": consequence, "exon": exon,
            "transcript": EGFR if gene == "EGFR" else None, "tumour_vaf": vaf}  # fmt: skip


def test_a_variant_is_at_a_codon_or_exon_site_of_its_kind(sites, kb):
    labels = by_label(sites)
    ex19del = variant("EGFR", "p.(Glu746_Ala750del)", "inframe_deletion", "19/28")
    assert at_site(labels["EGFR exon 19"], ex19del, kb) and not at_site(labels["EGFR exon 20"], ex19del, kb)
    assert not at_site(labels["EGFR exon 19"], variant("EGFR", "p.(Leu747Pro)", "missense_variant", "19/28"), kb)
    assert at_site(labels["EGFR L858"], variant("EGFR", "p.(Leu858Met)", "missense_variant", "21/28"), kb)


def test_statements_from_depth(sites, kb):
    labels = by_label(sites)
    chosen = [labels["EGFR L858"], labels["EGFR T790"], labels["KRAS G12"]]
    depth = {labels["EGFR L858"].span: 215, labels["EGFR T790"].span: 12, labels["KRAS G12"].span: 40}
    rows = evaluate(chosen, depth.get, [variant("EGFR", "p.(Leu858Arg)", "missense_variant", "21/28", 0.231)], kb,
                    min_alt=5, min_vaf=0.03, min_depth=20, max_lod=0.10)  # fmt: skip
    statements = {row["site"]: (row["status"], row["statement"]) for row in rows}
    assert statements["EGFR L858"] == ("detected", "detected: EGFR p.(Leu858Arg) (VAF 23.1 %)")
    assert statements["EGFR T790"] == ("not_evaluable", "not evaluable (depth 12)")
    assert statements["KRAS G12"] == ("not_evaluable", "not evaluable (depth 40)")  # LoD ~22 % > 10 %
    rows = evaluate([labels["KRAS G12"]], lambda span: 215, [], kb, min_alt=5, min_vaf=0.03, min_depth=20, max_lod=0.10)
    assert rows[0]["status"] == "not_detected" and rows[0]["statement"].startswith("not detected (LoD 4.")
