"""Transcript models, the reporting-transcript choice and the MANE table."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from presis.annotation.transcripts import (
    REASON_CANONICAL,
    REASON_LONGEST_CDS,
    REASON_LONGEST_TRANSCRIPT,
    REASON_MANE,
    TranscriptIndex,
    load_mane,
    load_transcripts,
)
from presis.errors import InputError

DATA = Path(__file__).parent / "data"
GFF3 = DATA / "genome" / "presis-test-GRCh38.v2.gff3.gz"
MANE = DATA / "kb" / "MANE_select.test-genome.csv"
KRAS_CONTIG = "chr12_25195146_25260929"
KRAS_G12D = 50205


@pytest.fixture(scope="module")
def index() -> TranscriptIndex:
    return load_transcripts(GFF3)


# ---------------------------------------------------------------------------------------------
# The real test annotation


@pytest.mark.parametrize(
    ("gene", "transcript", "reason"),
    [
        ("TP53", "ENST00000269305", REASON_MANE),
        ("KRAS", "ENST00000311936", REASON_MANE),
        ("EGFR", "ENST00000275493", REASON_MANE),
        ("BAP1", "ENST00000460680", REASON_MANE),  # MANE Select without an Ensembl_canonical tag
        ("PBRM1", "ENST00000296302", REASON_LONGEST_CDS),
    ],
)
def test_reporting_transcript(index, gene, transcript, reason):
    tx, why = index.choose(gene)
    assert (tx.id, why) == (transcript, reason)
    assert tx.gene == gene


def test_reasons_are_the_documented_strings():
    assert (REASON_MANE, REASON_CANONICAL, REASON_LONGEST_CDS) == ("MANE Select", "Ensembl canonical", "longest CDS")


def test_pbrm1_falls_back_to_the_longest_cds(index):
    """This GENCODE v35 slice tags no PBRM1 transcript MANE_Select or Ensembl_canonical."""
    transcripts = index.for_gene("PBRM1")
    assert not any(tx.is_mane_select or tx.is_canonical for tx in transcripts)
    lengths = sorted((tx.cds_length for tx in transcripts if tx.biotype == "protein_coding"), reverse=True)
    chosen, _ = index.choose("PBRM1")
    assert chosen.cds_length == lengths[0] == 5070
    assert lengths[1] < lengths[0]  # a strict winner: no tie-break involved


def test_unknown_gene_raises_key_error(index):
    with pytest.raises(KeyError):
        index.choose("NOT_A_GENE")
    assert index.for_gene("NOT_A_GENE") == []


def test_kras_model(index):
    tx = index.get("ENST00000311936")
    assert tx is not None
    assert (tx.gene, tx.gene_id, tx.contig, tx.strand) == ("KRAS", "ENSG00000133703", KRAS_CONTIG, "-")
    assert tx.is_mane_select and tx.is_canonical and tx.is_coding
    assert tx.cds_length == 567  # 188 residues + stop
    assert len(tx.exons) == 5
    assert list(tx.exons) == sorted(tx.exons)
    assert tx.biotype == "protein_coding"


def test_get_ignores_version_and_unknown_ids(index):
    assert index.get("ENST00000311936.8") is index.get("ENST00000311936")
    assert index.get("ENST00000000000") is None


def test_transcript_rows_of_both_feature_types_are_loaded(index):
    """Ensembl writes coding transcripts as mRNA and the rest as transcript."""
    nmd = index.get("ENST00000635293")  # TP53-227, a 'transcript' row
    assert nmd is not None and nmd.biotype == "nonsense_mediated_decay"
    assert index.get("ENST00000269305") is not None  # TP53-201, an 'mRNA' row
    lnc = index.get("ENST00000623180")  # LINC02887, non-coding
    assert lnc is not None and not lnc.is_coding and lnc.cds_length == 0


def test_overlapping_kras_at_g12d(index):
    hits = index.overlapping(KRAS_CONTIG, KRAS_G12D, KRAS_G12D)
    assert "ENST00000311936" in {tx.id for tx in hits}
    assert {tx.gene for tx in hits} == {"KRAS"}
    expected = {tx.id for tx in index.for_gene("KRAS") if tx.start <= KRAS_G12D <= tx.end}
    assert {tx.id for tx in hits} == expected
    assert index.overlapping("no_such_contig", 1, 10) == []


def test_overlapping_agrees_with_a_linear_scan(index):
    """Bins must not lose transcripts that start in an earlier bin or span bin edges."""
    queries = [("chr17", start, start + width) for start in range(1, 7_800_000, 65_537) for width in (0, 70_000)]
    queries += [("chr3_52287089_52809009", 258_000, 400_000), ("chr17", 7_661_779, 7_661_779)]
    everything = list(index)
    for contig, start, end in queries:
        expected = {tx.id for tx in everything if tx.contig == contig and tx.start <= end and tx.end >= start}
        assert {tx.id for tx in index.overlapping(contig, start, end)} == expected


# ---------------------------------------------------------------------------------------------
# A small hand-written GFF3: fallbacks, tie-breaks and row order

TINY_GFF3 = """\
##gff-version 3
c1\tt\tgene\t100\t900\t.\t+\t.\tID=gene:G1;Name=CANON;biotype=protein_coding
c1\tt\tmRNA\t100\t900\t.\t+\t.\tID=transcript:T1B;Parent=gene:G1;biotype=protein_coding;tag=basic,Ensembl_canonical
c1\tt\texon\t100\t200\t.\t+\t.\tParent=transcript:T1B
c1\tt\tCDS\t150\t200\t.\t+\t0\tID=CDS:P1B;Parent=transcript:T1B
c1\tt\tmRNA\t100\t900\t.\t+\t.\tID=transcript:T1A;Parent=gene:G1;biotype=protein_coding;tag=basic
c1\tt\texon\t100\t900\t.\t+\t.\tParent=transcript:T1A
c1\tt\tCDS\t110\t850\t.\t+\t0\tID=CDS:P1A;Parent=transcript:T1A
c1\tt\tgene\t1000\t2000\t.\t-\t.\tID=gene:G2;Name=TIED;biotype=protein_coding
c1\tt\texon\t1000\t1300\t.\t-\t.\tParent=transcript:T2Z
c1\tt\tCDS\t1000\t1299\t.\t-\t0\tID=CDS:P2Z;Parent=transcript:T2Z
c1\tt\tmRNA\t1000\t1300\t.\t-\t.\tID=transcript:T2Z;Parent=gene:G2;biotype=protein_coding
c1\tt\tmRNA\t1500\t2000\t.\t-\t.\tID=transcript:T2Y;Parent=gene:G2;biotype=protein_coding
c1\tt\texon\t1500\t1700\t.\t-\t.\tParent=transcript:T2Y
c1\tt\texon\t1800\t2000\t.\t-\t.\tParent=transcript:T2Y
c1\tt\tCDS\t1601\t1700\t.\t-\t2\tID=CDS:P2Y;Parent=transcript:T2Y
c1\tt\tCDS\t1800\t1999\t.\t-\t0\tID=CDS:P2Y;Parent=transcript:T2Y
c1\tt\tfive_prime_UTR\t1999\t2000\t.\t-\t.\tParent=transcript:T2Y
c1\tt\tmRNA\t1500\t2000\t.\t-\t.\tID=transcript:T2X;Parent=gene:G2;biotype=nonsense_mediated_decay
c1\tt\texon\t1500\t2000\t.\t-\t.\tParent=transcript:T2X
c1\tt\tCDS\t1500\t1999\t.\t-\t0\tID=CDS:P2X;Parent=transcript:T2X
c1\tt\tgene\t3000\t4000\t.\t+\t.\tID=gene:G3;Name=NONCODING;biotype=lncRNA
c1\tt\ttranscript\t3000\t3100\t.\t+\t.\tID=transcript:T3A;Parent=gene:G3;biotype=lncRNA
c1\tt\texon\t3000\t3100\t.\t+\t.\tParent=transcript:T3A
c1\tt\tlnc_RNA\t3000\t4000\t.\t+\t.\tID=transcript:T3B;Parent=gene:G3;biotype=lncRNA
c1\tt\texon\t3000\t3100\t.\t+\t.\tParent=transcript:T3B
c1\tt\texon\t3900\t4000\t.\t+\t.\tParent=transcript:T3B
"""


@pytest.fixture(params=["plain", "gzip"])
def tiny(tmp_path, request) -> TranscriptIndex:
    if request.param == "gzip":
        path = tmp_path / "tiny.gff3.gz"
        with gzip.open(path, "wt") as handle:
            handle.write(TINY_GFF3)
    else:
        path = tmp_path / "tiny.gff3"
        path.write_text(TINY_GFF3)
    return load_transcripts(path)


def test_canonical_beats_a_longer_cds(tiny):
    tx, why = tiny.choose("CANON")
    assert (tx.id, why) == ("T1B", REASON_CANONICAL)


def test_longest_cds_ties_break_by_id_and_skip_non_coding_biotypes(tiny):
    """T2Z and T2Y both code 300 bp; T2X is longer but NMD, so it never counts."""
    assert tiny.get("T2Z").cds_length == tiny.get("T2Y").cds_length == 300
    tx, why = tiny.choose("TIED")
    assert (tx.id, why) == ("T2Y", REASON_LONGEST_CDS)


def test_non_coding_gene_falls_back_to_the_longest_transcript(tiny):
    tx, why = tiny.choose("NONCODING")
    assert (tx.id, why) == ("T3B", REASON_LONGEST_TRANSCRIPT)


def test_exon_rows_before_their_transcript_row(tiny):
    tx = tiny.get("T2Z")
    assert (tx.gene, tx.strand, tx.biotype, tx.exons, tx.cds) == (
        "TIED",
        "-",
        "protein_coding",
        ((1000, 1300),),
        ((1000, 1299),),
    )


def test_segments_sorted_and_utr_rows_ignored(tiny):
    tx = tiny.get("T2Y")
    assert tx.exons == ((1500, 1700), (1800, 2000))
    assert tx.cds == ((1601, 1700), (1800, 1999))


def test_malformed_gff3_row_is_an_input_error(tmp_path):
    path = tmp_path / "bad.gff3"
    path.write_text("##gff-version 3\nc1\tt\tgene\t1\t2\n")
    with pytest.raises(InputError, match="line 2"):
        load_transcripts(path)


# ---------------------------------------------------------------------------------------------
# MANE


def test_load_mane_gives_versioned_ids():
    mane = load_mane(MANE)
    assert mane["ENST00000311936"] == ("ENST00000311936.8", "NM_004985.5")  # KRAS
    assert mane["ENST00000269305"] == ("ENST00000269305.9", "NM_000546.6")  # TP53
    assert mane["ENST00000275493"] == ("ENST00000275493.7", "NM_005228.5")  # EGFR
    assert mane["ENST00000460680"] == ("ENST00000460680.6", "NM_004656.4")  # BAP1


def test_pbrm1_mane_transcript_is_not_in_the_test_annotation(index):
    """The MANE table names ENST00000707071 for PBRM1, a transcript this GFF3 predates."""
    mane = load_mane(MANE)
    assert mane["ENST00000707071"][1] == "NM_001405607.1"
    assert index.get("ENST00000707071") is None
    assert "ENST00000296302" not in mane


def test_load_mane_skips_rows_without_refseq_and_reads_crlf(tmp_path):
    path = tmp_path / "mane.csv"
    path.write_bytes(
        b"Gene stable ID,Gene stable ID version,MANE,Transcript stable ID version,"
        b"RefSeq match transcript (MANE Select),Chromosome/scaffold name,Gene name\r\n"
        b"ENSG1,ENSG1.1,ENST1,ENST1.4,NM_1.2,1,AAA\r\n"
        b"ENSG2,ENSG2.1,ENST2,ENST2.3,,1,BBB\r\n"
    )
    assert load_mane(path) == {"ENST1": ("ENST1.4", "NM_1.2")}


def test_load_mane_names_missing_columns(tmp_path):
    path = tmp_path / "mane.csv"
    path.write_text("Gene name,Something\nKRAS,x\n")
    with pytest.raises(InputError, match="Transcript stable ID version"):
        load_mane(path)
