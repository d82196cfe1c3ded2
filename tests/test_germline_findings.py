"""Germline findings of the normal (presis.interpretation.germline_findings): consent, known lists, truncation + NMD."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import DATA, REPO

from presis.annotation.transcripts import load_transcripts
from presis.errors import InputError
from presis.inputs.gene_list import read_gene_list
from presis.interpretation import germline_findings as G

KB = REPO / "config" / "kb"


@pytest.fixture(scope="module")
def context():
    return {
        "genes": set(read_gene_list(KB / "cancer_predisposition_genes.txt")),
        "known": G.read_known(KB / "germline_known_variants.tsv"),
        "lof": G.lof_genes(KB / "gene_roles.tsv"),
        "transcripts": load_transcripts(DATA / "genome" / "presis-test-GRCh38.v2.gff3.gz"),
        "nmd_distance": 50,
    }


BAP1, TP53 = "ENST00000460680", "ENST00000269305"


def call(gene, transcript, pos, hgvs_c, hgvs_p, consequence, filters="PASS"):
    return {"gene": gene, "transcript": transcript, "pos": pos, "hgvs_c": hgvs_c, "hgvs_p": hgvs_p, "exon": None,
            "consequence": consequence, "genomic_change": "", "genotype": "0/1", "zygosity": "heterozygous",
            "depth": 80, "alt_depth": 40, "vaf": 0.5, "filters": filters}  # fmt: skip


CALLS = pd.DataFrame([
    call("BAP1", BAP1, 120872, "c.373G>T", "p.(Glu125Ter)", "stop_gained"),
    call("TP53", TP53, 7675088, "c.524G>A", "p.(Arg175His)", "missense_variant"),
    call("TP53", TP53, 7676154, "c.215C>G", "p.(Pro72Arg)", "missense_variant"),
    call("TP53", TP53, 7669629, "c.1162G>T", "p.(Glu388Ter)", "stop_gained"),
    call("BAP1", BAP1, 120887, "c.358A>T", "p.(Lys120Ter)", "stop_gained", filters="low_qual"),
    call("EGFR", "ENST00000275493", 1000, "c.1A>T", "p.(Met1?)", "start_lost"),
])  # fmt: skip


def test_candidates_are_known_pathogenic_or_nmd_truncating_in_lof_genes(context):
    result = G.findings(CALLS, consent="yes", **context)
    found = {(c["gene"], c["hgvs_p"]): c for c in result["candidates"]}
    assert set(found) == {("BAP1", "p.(Glu125Ter)"), ("TP53", "p.(Arg175His)")}
    assert "stop gained in loss-of-function gene BAP1" in found[("BAP1", "p.(Glu125Ter)")]["reason"]
    assert found[("TP53", "p.(Arg175His)")]["reason"].startswith("known pathogenic (rs28934578")
    assert all(
        c["statement"] == "candidate — confirm in an accredited germline laboratory" for c in result["candidates"]
    )
    excluded = {c["hgvs_p"]: c["reason"] for c in result["excluded"]}
    assert excluded["p.(Pro72Arg)"].startswith("known benign (rs1042522")
    assert "in the last exon (11/11)" in excluded["p.(Glu388Ter)"]


def test_nothing_without_consent_or_without_a_normal(context):
    for table, consent in ((CALLS, "no"), (CALLS, ""), (None, "yes")):
        result = G.findings(table, consent=consent, **context)
        assert result["status"] == "not analysed" and result["candidates"] == [] and result["excluded"] == []


def test_known_benign_truncation_is_never_a_candidate(context, tmp_path):
    # The shipped list no longer holds BRCA2 p.(Lys3326Ter) (no verifiable public record was reachable,
    # see config/kb/CHANGELOG.md 2026.12.0): the rule is tested on a site's own benign row.
    known = tmp_path / "known.tsv"
    known.write_text(
        "gene\thgvs_c\thgvs_p\tclassification\trsid\tsource\tverified_by\n"
        "BRCA2\tc.9976A>T\tp.(Lys3326Ter)\tbenign\trs11571833\tsite list\ttest row\n"
    )
    brca2 = pd.DataFrame([call("BRCA2", "ENST00000380152", 1, "c.9976A>T", "p.(Lys3326Ter)", "stop_gained")])
    result = G.findings(brca2, consent="yes", **{**context, "known": G.read_known(known)})
    assert result["candidates"] == [] and "known benign (rs11571833" in result["excluded"][0]["reason"]


def test_every_known_variant_names_its_verification():
    table = pd.read_csv(KB / "germline_known_variants.tsv", sep="\t", comment="#", dtype=str, keep_default_na=False)
    assert len(table) >= 4 and "verified_by" in table.columns
    assert all(value.strip() for value in table["verified_by"]), table[["gene", "hgvs_c", "verified_by"]]
    text = (KB / "germline_known_variants.tsv").read_text().lower()
    assert "to be verified" not in text and "verify each entry" not in text


def test_nmd_escape_in_the_penultimate_exon_near_the_last_junction(context):
    tx = context["transcripts"].get(TP53)  # minus strand: transcript order is descending
    penultimate = sorted(tx.exons, reverse=True)[-2]
    assert G.nmd_escape(tx, penultimate[0] + 10, 50).startswith("11 bases before the last exon-exon junction")
    assert G.nmd_escape(tx, penultimate[0] + 60, 50) is None
    assert G.nmd_escape(tx, sorted(tx.exons)[0][0], 50).startswith("in the last exon")


def test_loss_of_function_genes_are_the_kb_tumour_suppressors_and_a_bad_roles_table_is_refused(context, tmp_path):
    assert {"TP53", "BAP1", "PBRM1"} <= context["lof"] and "KRAS" not in context["lof"]
    bad = tmp_path / "gene_roles.tsv"
    bad.write_text("gene\trole\tsource\nTP53\tsuppressor\tCGC\n")
    with pytest.raises(InputError, match="role 'suppressor' of TP53"):
        G.lof_genes(bad)
