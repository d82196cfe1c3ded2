"""Indel evidence read by read: soft-clipped reads of a long insertion count as alt, and
soft-clip clusters propose the insertions the pileup misses (presis.calling.indel_evidence)."""

import random

import bamtools
import pysam
from bamtools import aligned

from presis.calling import indel_evidence

rng = random.Random(7)
LEFT = "".join(rng.choice("ACGT") for _ in range(300))
RIGHT = "".join(rng.choice("ACGT") for _ in range(300))
REFERENCE = LEFT + RIGHT
# 26 bp after the last base of LEFT, ending unlike it so the insertion is left-aligned there
INSERTED = "TTGACCGTAGGCATCGATCGGTAAC" + ("G" if LEFT[-1] != "G" else "A")
ALT_HAPLOTYPE = LEFT + INSERTED + RIGHT
POS = len(LEFT)  # 1-based VCF position of the anchor (the last base of LEFT)


def write_bam(tmp_path, reads):
    return bamtools.write_bam(tmp_path, REFERENCE, reads)


def insertion_reads():
    """Alt reads as an aligner leaves them: one through the insertion, the others soft-clipped."""
    reads = [aligned("cigar", POS - 60, ALT_HAPLOTYPE[POS - 60 : POS + 66], "60M26I40M")]
    for i, keep in enumerate((50, 55, 60)):  # right clip: aligned up to the anchor, then the insertion
        start = POS - keep
        reads.append(aligned(f"right{i}", start, ALT_HAPLOTYPE[start : start + 100], f"{keep}M{100 - keep}S"))
    for i, keep in enumerate((50, 55, 60)):  # left clip: the insertion, then aligned from the next base
        end = POS + len(INSERTED) + keep
        reads.append(aligned(f"left{i}", POS, ALT_HAPLOTYPE[end - 100 : end], f"{100 - keep}S{keep}M", reverse=True))
    return reads


def reference_reads(n):
    return [aligned(f"ref{i}", POS - 50 - i, REFERENCE[POS - 50 - i : POS + 50 - i]) for i in range(n)]


def test_soft_clipped_reads_of_a_long_insertion_count_as_alt(tmp_path):
    bam, fasta = write_bam(tmp_path, insertion_reads() + reference_reads(13))
    with pysam.FastaFile(str(fasta)) as reference, pysam.AlignmentFile(str(bam)) as reads:
        haps = indel_evidence.Haplotypes(reference, "chrT", POS, LEFT[-1], LEFT[-1] + INSERTED)
        support = indel_evidence.count_support(reads, haps, "chrT", 20, 20, 30, 30)
    # bcftools would see 1 alt read of 14 (VAF 0.07); the haplotypes see all 7 of 20.
    assert (support.counts.alt, support.counts.depth) == (7, 20)
    assert support.clipped_alt == 6
    assert (support.counts.alt_fwd, support.counts.alt_rev) == (4, 3)


def test_a_read_ending_before_the_indel_supports_neither(tmp_path):
    short = aligned("short", POS - 80, REFERENCE[POS - 80 : POS])  # ends at the anchor
    bam, fasta = write_bam(tmp_path, [short] + reference_reads(3))
    with pysam.FastaFile(str(fasta)) as reference, pysam.AlignmentFile(str(bam)) as reads:
        haps = indel_evidence.Haplotypes(reference, "chrT", POS, LEFT[-1], LEFT[-1] + INSERTED)
        support = indel_evidence.count_support(reads, haps, "chrT", 20, 20, 30, 30)
    assert (support.counts.alt, support.counts.depth) == (0, 3)


def test_soft_clip_clusters_propose_the_insertion(tmp_path):
    bam, fasta = write_bam(tmp_path, insertion_reads() + reference_reads(13))
    with pysam.FastaFile(str(fasta)) as reference, pysam.AlignmentFile(str(bam)) as reads:
        found = indel_evidence.clip_candidates(reads, reference, [("chrT", 200, 400)], 20, 2)
    assert found == [("chrT", POS, LEFT[-1], LEFT[-1] + INSERTED)]


def test_one_clipped_read_proposes_nothing(tmp_path):
    bam, fasta = write_bam(tmp_path, insertion_reads()[1:2] + reference_reads(5))
    with pysam.FastaFile(str(fasta)) as reference, pysam.AlignmentFile(str(bam)) as reads:
        assert indel_evidence.clip_candidates(reads, reference, [("chrT", 200, 400)], 20, 2) == []
