"""HGVS descriptions: real hotspots, the pinned demo truth table, and hand-built transcripts."""

from __future__ import annotations

import csv
from pathlib import Path

import cyvcf2
import pysam
import pytest

from presis.annotation.hgvs import VariantDescription, describe, reverse_complement
from presis.annotation.transcripts import Transcript, TranscriptIndex, load_transcripts
from presis.errors import InputError

DATA = Path(__file__).parent / "data"
GENOME = DATA / "genome"
FASTA = GENOME / "presis-test-GRCh38.v2.fa.gz"
GFF3 = GENOME / "presis-test-GRCh38.v2.gff3.gz"
HOTSPOTS = GENOME / "hotspot_checks.v2.vcf"
EXPECTED = DATA / "expected_hgvs.tsv"
PANEL = DATA.parent.parent / "config" / "panels" / "presis-demo.bed"
TRUTH = [DATA / "reads" / "demo" / f"DEMO.{kind}_truth.vcf.gz" for kind in ("somatic", "germline")]


@pytest.fixture(scope="module")
def index() -> TranscriptIndex:
    return load_transcripts(GFF3)


@pytest.fixture(scope="module")
def fasta():
    with pysam.FastaFile(str(FASTA)) as handle:
        yield handle


# ---------------------------------------------------------------------------------------------
# Real data: the hotspot checks and the pinned demo table


def _hotspots() -> list[dict[str, str]]:
    records = []
    for line in HOTSPOTS.read_text().splitlines():
        if line.startswith("#"):
            continue
        contig, pos, _id, ref, alt, _qual, _filter, info = line.split("\t")[:8]
        fields = dict(item.split("=", 1) for item in info.split(";"))
        records.append({"contig": contig, "pos": pos, "ref": ref, "alt": alt, **fields})
    return records


@pytest.mark.parametrize("rec", _hotspots(), ids=lambda r: r["LABEL"])
def test_hotspot(rec, index, fasta):
    gene = rec["LABEL"].split("_")[0]
    tx, _reason = index.choose(gene)
    assert tx.id == rec["TRANSCRIPT"]
    got = describe(fasta, tx, int(rec["pos"]), rec["ref"], rec["alt"])
    assert (got.hgvs_c, got.hgvs_p) == (rec["HGVS_C"], rec["HGVS_P"])


def _expected_rows() -> list[dict[str, str]]:
    lines = [line for line in EXPECTED.read_text().splitlines() if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def _panel_genes() -> list[str]:
    genes = {
        line.split("\t")[3].strip()
        for line in PANEL.read_text().splitlines()
        if line.strip() and not line.startswith(("#", "track", "browser"))
    }
    return sorted(genes)


def test_expected_table_covers_every_demo_variant_in_a_reporting_transcript(index):
    chosen = [index.choose(gene)[0] for gene in _panel_genes()]
    wanted = set()
    for path in TRUTH:
        for v in cyvcf2.VCF(str(path)):
            for tx in chosen:
                if tx.is_coding and tx.contig == v.CHROM and tx.start <= v.end and tx.end >= v.POS:
                    wanted.add((v.CHROM, str(v.POS), v.REF, v.ALT[0], tx.gene, tx.id))
    pinned = {(r["contig"], r["pos"], r["ref"], r["alt"], r["gene"], r["transcript"]) for r in _expected_rows()}
    assert pinned == wanted
    assert len(pinned) == 64


@pytest.mark.parametrize("row", _expected_rows(), ids=lambda r: f"{r['gene']}:{r['hgvs_c']}")
def test_demo_truth_variant(row, index, fasta):
    tx, _reason = index.choose(row["gene"])
    assert tx.id == row["transcript"]
    got = describe(fasta, tx, int(row["pos"]), row["ref"], row["alt"])
    expected = VariantDescription(row["hgvs_c"], row["hgvs_p"], row["hgvs_p1"], row["exon"], row["consequence"])
    assert got == expected


def test_left_aligned_egfr_deletion_is_moved_3prime(index, fasta):
    """chr7:144753 ACAGTGC>A is VCF-left-aligned; HGVS wants it 2 bp further 3'."""
    tx = index.get("ENST00000275493")
    left = describe(fasta, tx, 144753, "ACAGTGC", "A")
    right = describe(fasta, tx, 144755, "AGTGCCA", "A")  # the same deletion, right-aligned
    assert left == right
    assert left.hgvs_c == "c.1671_1676del"


def test_ref_mismatch_is_reported(index, fasta):
    tx = index.get("ENST00000311936")
    with pytest.raises(InputError, match="REF does not match"):
        describe(fasta, tx, 50205, "G", "T")


def test_symbolic_allele_is_refused(index, fasta):
    tx = index.get("ENST00000311936")
    with pytest.raises(InputError, match="literal"):
        describe(fasta, tx, 50205, "C", "<DEL>")


# ---------------------------------------------------------------------------------------------
# Synthetic transcript: every coordinate below is derived by hand from these parts.
#
#   plus contig  1-10    upstream
#                11-20   exon 1, 5' UTR            c.-10..c.-1
#                21-30   exon 1, CDS               c.1..c.10      ATG GCT GAA A
#                31-50   intron 1 (20 bp)          c.10+1..c.10+10, c.11-10..c.11-1
#                51-70   exon 2, CDS               c.11..c.30     AG CTG TGG CGC TTT GAC CCA
#                71-91   intron 2 (21 bp, odd)     c.30+1..c.30+11, c.31-10..c.31-1
#                92-103  exon 3, CDS               c.31..c.42     GGC ACC CAG TAA
#                104-123 exon 3, 3' UTR            c.*1..c.*20
#                124-133 downstream
#   protein  M1 A2 E3 K4 L5 W6 R7 F8 D9 P10 G11 T12 Q13 Ter14
#   The minus contig is the reverse complement, with the same transcript mirrored onto it, so
#   every case must read identically on both strands.

UP = "TTGACCTGAG"
UTR5 = "CAGTCACCGC"
EXON1_CDS = "ATGGCTGAAA"
INTRON1 = "GTAAGTCTTCCTTCTTTCAG"
EXON2 = "AGCTGTGGCGCTTTGACCCA"
INTRON2 = "GTGAGTACTAACTCTCCCTAG"
EXON3_CDS = "GGCACCCAGTAA"
# in frame after the stop: CTG CAC TTG AAC TAG (stop at c.*13_*15); in the +2 frame: no stop at all
UTR3 = "CTGCACTTGAACTAGGTCAA"
DOWN = "GATCCGTTAC"
PLUS = UP + UTR5 + EXON1_CDS + INTRON1 + EXON2 + INTRON2 + EXON3_CDS + UTR3 + DOWN
LENGTH = len(PLUS)
MINUS = reverse_complement(PLUS)
EXONS = ((11, 30), (51, 70), (92, 123))
CDS = ((21, 30), (51, 70), (92, 103))


def _mirror(segments: tuple[tuple[int, int], ...]) -> tuple[tuple[int, int], ...]:
    return tuple(sorted((LENGTH + 1 - end, LENGTH + 1 - start) for start, end in segments))


def _transcript(strand: str, coding: bool = True) -> Transcript:
    plus = strand == "+"
    return Transcript(
        id="ENSTSYN" + ("P" if plus else "M") + ("" if coding else "NC"),
        gene="SYN",
        gene_id="ENSGSYN",
        contig="plus" if plus else "minus",
        strand=strand,
        exons=EXONS if plus else _mirror(EXONS),
        cds=(CDS if plus else _mirror(CDS)) if coding else (),
        biotype="protein_coding" if coding else "lncRNA",
        tags=frozenset({"MANE_Select"}) if coding else frozenset(),
    )


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    path = tmp_path_factory.mktemp("genome") / "synthetic.fa"
    path.write_text(f">plus\n{PLUS}\n>minus\n{MINUS}\n")
    pysam.faidx(str(path))
    with pysam.FastaFile(str(path)) as handle:
        yield handle


def _trim(pos: int, ref: str, alt: str) -> tuple[int, int, str]:
    """(first changed base, deleted length, inserted bases) of a VCF record."""
    while ref and alt and ref[-1] == alt[-1]:
        ref, alt = ref[:-1], alt[:-1]
    while ref and alt and ref[0] == alt[0]:
        ref, alt, pos = ref[1:], alt[1:], pos + 1
    return pos, len(ref), alt


def _mirror_record(pos: int, ref: str, alt: str) -> tuple[int, str, str]:
    """The same change on the minus contig, written VCF-style (anchor base on the left)."""
    start, deleted, inserted = _trim(pos, ref, alt)
    if deleted:
        new_start = LENGTH + 1 - (start + deleted - 1)
    else:  # insertion between start-1 and start maps between L+1-start and L+2-start
        new_start = LENGTH + 2 - start
    new_ins = reverse_complement(inserted)
    if deleted and inserted:
        return new_start, MINUS[new_start - 1 : new_start - 1 + deleted], new_ins
    anchor = new_start - 1
    return anchor, MINUS[anchor - 1 : anchor + deleted], MINUS[anchor - 1] + new_ins


# (plus-contig VCF record as a variant caller writes it: indels left-aligned), expected answer
CASES = [
    # substitutions in the CDS
    ((25, "C", "A"), ("c.5C>A", "p.(Ala2Asp)", "p.(A2D)", "1/3", "missense_variant")),
    ((26, "T", "C"), ("c.6T>C", "p.(Ala2=)", "p.(A2=)", "1/3", "synonymous_variant")),
    ((22, "T", "C"), ("c.2T>C", "p.(Met1?)", "p.(M1?)", "1/3", "start_lost")),
    ((98, "C", "T"), ("c.37C>T", "p.(Gln13Ter)", "p.(Q13*)", "3/3", "stop_gained")),
    ((101, "T", "C"), ("c.40T>C", "p.(Ter14GlnextTer5)", "p.(*14Qext*5)", "3/3", "stop_lost")),
    ((103, "A", "G"), ("c.42A>G", "p.(Ter14=)", "p.(*14=)", "3/3", "stop_retained_variant")),
    # last-but-one base of exon 1: synonymous, but splice region ranks higher; p. is kept
    ((29, "A", "G"), ("c.9A>G", "p.(Glu3=)", "p.(E3=)", "1/3", "splice_region_variant")),
    # MNV and in-frame delins
    ((24, "GC", "TA"), ("c.4_5delinsTA", "p.(Ala2Tyr)", "p.(A2Y)", "1/3", "missense_variant")),
    (
        (53, "CTGTGG", "GAC"),
        ("c.13_18delinsGAC", "p.(Leu5_Trp6delinsAsp)", "p.(L5_W6delinsD)", "2/3", "protein_altering_variant"),
    ),
    # UTRs and flanks
    ((16, "A", "G"), ("c.-5A>G", "", "", "1/3", "5_prime_UTR_variant")),
    ((108, "A", "G"), ("c.*5A>G", "", "", "3/3", "3_prime_UTR_variant")),
    ((109, "CT", "C"), ("c.*8del", "", "", "3/3", "3_prime_UTR_variant")),  # TT run: 3'-most T
    ((5, "C", "T"), ("c.-16C>T", "", "", "", "upstream_gene_variant")),
    ((126, "T", "C"), ("c.*23T>C", "", "", "", "downstream_gene_variant")),
    # introns: offsets from the nearer exon; the middle base of an odd intron counts with "+"
    ((31, "G", "A"), ("c.10+1G>A", "p.?", "p.?", "intron 1/2", "splice_donor_variant")),
    ((35, "G", "C"), ("c.10+5G>C", "", "", "intron 1/2", "splice_region_variant")),
    ((40, "C", "T"), ("c.10+10C>T", "", "", "intron 1/2", "intron_variant")),
    ((41, "C", "T"), ("c.11-10C>T", "", "", "intron 1/2", "intron_variant")),
    ((49, "A", "G"), ("c.11-2A>G", "p.?", "p.?", "intron 1/2", "splice_acceptor_variant")),
    ((81, "A", "G"), ("c.30+11A>G", "", "", "intron 2/2", "intron_variant")),
    ((82, "C", "T"), ("c.31-10C>T", "", "", "intron 2/2", "intron_variant")),
    # deletion across the exon 1 / intron 1 edge
    ((29, "AAG", "A"), ("c.10_10+1del", "p.?", "p.?", "1/3", "splice_donor_variant")),
    # the 3' rule runs on the genome and crosses exon/intron borders (HGVS: c.546+1dup/del), while
    # the effect comes from the mildest equivalent placement:
    # ..AAA|GTAAG: a G inserted after c.10 is named c.10+1dup, but can sit on the exon edge
    # instead of inside the donor; ..CAG|AGCTG: AG deleted from the intron 1 acceptor is the
    # same event as c.11_12del, its 3'-most form, which leaves the acceptor intact
    ((30, "A", "AG"), ("c.10+1dup", "p.?", "p.?", "1/3", "splice_region_variant")),
    ((48, "CAG", "C"), ("c.11_12del", "p.(Lys4ThrfsTer5)", "p.(K4Tfs*5)", "2/3", "frameshift_variant")),
    # an insertion exactly on the exon edge is neither exonic nor intronic
    ((30, "A", "AC"), ("c.10_10+1insC", "p.?", "p.?", "1/3", "splice_region_variant")),
    # indels in the TTT (Phe8) run, left-aligned by the caller, 3'-shifted here
    ((61, "CT", "C"), ("c.24del", "p.(Phe8LeufsTer10)", "p.(F8Lfs*10)", "2/3", "frameshift_variant")),
    ((61, "C", "CT"), ("c.24dup", "p.(Asp9Ter)", "p.(D9*)", "2/3", "stop_gained")),
    ((63, "T", "TG"), ("c.23_24insG", "p.(Phe8LeufsTer2)", "p.(F8Lfs*2)", "2/3", "frameshift_variant")),
    # in-frame: Trp6 deletion (left-aligned c.15_17 is the same event), Asp9 duplication
    ((54, "TGTG", "T"), ("c.16_18del", "p.(Trp6del)", "p.(W6del)", "2/3", "inframe_deletion")),
    ((64, "T", "TGAC"), ("c.25_27dup", "p.(Asp9dup)", "p.(D9dup)", "2/3", "inframe_insertion")),
    # frameshift that never meets a stop before the transcript ends
    ((94, "C", "CA"), ("c.34dup", "p.(Thr12AsnfsTer?)", "p.(T12Nfs*?)", "3/3", "frameshift_variant")),
    # the stop codon's first base deleted: an extension, counted into the new tail
    ((100, "GT", "G"), ("c.40del", "p.(Ter14AsnextTer3)", "p.(*14Next*3)", "3/3", "frameshift_variant")),
]


@pytest.mark.parametrize(("record", "expected"), CASES, ids=[c[1][0] for c in CASES])
@pytest.mark.parametrize("strand", ["+", "-"])
def test_synthetic(record, expected, strand, synthetic):
    pos, ref, alt = record
    assert PLUS[pos - 1 : pos - 1 + len(ref)] == ref  # the table itself is consistent
    if strand == "-":
        pos, ref, alt = _mirror_record(pos, ref, alt)
    got = describe(synthetic, _transcript(strand), pos, ref, alt)
    assert got == VariantDescription(*expected)


@pytest.mark.parametrize("strand", ["+", "-"])
@pytest.mark.parametrize("deleted", [0, 1, 2])
def test_deletion_in_repeat_is_3prime_shifted_on_both_strands(strand, deleted, synthetic):
    """Whichever T of TTT (c.22-c.24) a caller deletes, HGVS names the 3'-most one."""
    plus_pos = 62 + deleted  # the T being deleted on the plus contig
    if strand == "+":
        pos, ref, alt = plus_pos - 1, PLUS[plus_pos - 2 : plus_pos], PLUS[plus_pos - 2]
    else:
        pos, ref, alt = _mirror_record(plus_pos - 1, PLUS[plus_pos - 2 : plus_pos], PLUS[plus_pos - 2])
    got = describe(synthetic, _transcript(strand), pos, ref, alt)
    assert got.hgvs_c == "c.24del"
    assert got.hgvs_p == "p.(Phe8LeufsTer10)"


def test_minus_strand_left_aligned_record_needs_no_shift(synthetic):
    """On the minus strand VCF left-alignment already is the transcript's 3' end (c.24 -> 70)."""
    assert MINUS[68:72] == "CAAA"  # c.25 G and the TTT run, reverse-complemented
    got = describe(synthetic, _transcript("-"), 69, "CA", "C")
    assert got.hgvs_c == "c.24del"


def test_non_coding_transcript_uses_n_numbering(synthetic):
    tx = _transcript("+", coding=False)
    exonic = describe(synthetic, tx, 16, "A", "G")
    assert exonic == VariantDescription("n.6A>G", "", "", "1/3", "non_coding_transcript_exon_variant")
    intronic = describe(synthetic, tx, 35, "G", "C")
    assert intronic == VariantDescription("n.20+5G>C", "", "", "intron 1/2", "splice_region_variant")


def test_identical_alleles_are_refused(synthetic):
    with pytest.raises(InputError, match="identical"):
        describe(synthetic, _transcript("+"), 25, "C", "C")
