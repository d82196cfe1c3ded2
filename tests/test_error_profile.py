"""The tumour's measured substitution error rates, on a small BAM whose errors are known."""

import random

import bamtools
import pysam
import pytest
from bamtools import aligned

from presis.calling import error_profile
from presis.inputs.bed import merge_intervals, split_shards

REFERENCE = "ACGTACGTCCGGAATTCCGGACGTACGTCCGGAATTCCGGACGTACGTAC"  # 50 bases


def write_bam(tmp_path, reads):
    """reads: (name, start, sequence, mapq, duplicate); every base Q37, CIGAR all matches."""
    made = [aligned(name, start, seq, mapq=mapq, duplicate=dup) for name, start, seq, mapq, dup in reads]
    return write_reads(tmp_path, REFERENCE, made)


def write_reads(tmp_path, reference, reads):
    """The BAM, its reference and a panel BED over the whole reference."""
    path, fasta = bamtools.write_bam(tmp_path, reference, reads)
    bed = tmp_path / "panel.bed"
    bed.write_text(f"chrT\t0\t{len(reference)}\n")
    return path, fasta, bed


def test_measures_substitutions_and_leaves_out_variants_and_unusable_reads(tmp_path):
    reads = [(f"r{i}", 0, REFERENCE, 60, False) for i in range(20)]
    with_error = REFERENCE[:8] + "T" + REFERENCE[9:]  # position 8 is C: one C>T error
    reads.append(("err", 0, with_error, 60, False))
    # A heterozygous variant at position 20 (G>T) in 10 reads: a variant, not an error.
    variant = REFERENCE[:20] + "T" + REFERENCE[21:]
    reads += [(f"v{i}", 0, variant, 60, False) for i in range(10)]
    # Reads that never count: a duplicate and a low-MAPQ read, both full of A>C "errors".
    junk = REFERENCE.replace("A", "C")
    reads += [("dup", 0, junk, 60, True), ("mq0", 0, junk, 0, False)]
    bam, fasta, bed = write_bam(tmp_path, reads)

    profile = error_profile.measure(bam, fasta, bed, min_mapq=20, min_baseq=20)
    assert profile.excluded_positions == 1
    assert profile.mismatches == {"C>T": 1}
    c_bases = (REFERENCE.count("C")) * 31
    assert profile.bases["C"] == c_bases
    assert profile.rate("C", "T") == pytest.approx(2 / (c_bases + 1))
    assert profile.rate("A", "C") == pytest.approx(1 / (profile.bases["A"] + 1))  # pseudo-count only


def test_round_trip(tmp_path):
    profile = error_profile.ErrorProfile({"A": 10, "C": 20, "G": 0, "T": 5}, {"C>T": 3}, 2)
    error_profile.write(profile, tmp_path / "p.json")
    again = error_profile.ErrorProfile.read(tmp_path / "p.json")
    assert again == profile
    assert again.rate("C", "T") == pytest.approx(4 / 21)


def test_homopolymer_slips_are_measured_per_run_length(tmp_path):
    # A 10-bp A run at 20-29: 40 reads span it, 2 lose one A (stutter); a 2-bp run elsewhere.
    run_reference = "CGTGCATGCTCAGTCGATCG" + "A" * 10 + "CTGACTGCATGCAGTCTGCA"
    slipped = run_reference[:20] + "A" * 9 + run_reference[30:]
    reads = [aligned(f"r{i}", 0, slipped, "20M1D29M") for i in range(2)]
    reads += [aligned(f"r{i}", 0, run_reference) for i in range(2, 40)]
    path, fasta, bed = write_reads(tmp_path, run_reference, reads)

    profile = error_profile.measure(path, fasta, bed, min_mapq=20, min_baseq=20, variant_fraction=0.1)
    assert profile.homopolymer[10] == [40, 2, 0]
    assert profile.homopolymer_indel_rate(10, insertion=False) == pytest.approx(3 / 41)
    assert profile.homopolymer_indel_rate(12, insertion=False) == pytest.approx(3 / 41)  # never below a shorter run's
    assert profile.homopolymer_indel_rate(1, insertion=False) is None
    again = error_profile.ErrorProfile.from_json(profile.to_json())
    assert again.homopolymer == profile.homopolymer


def test_shard_profiles_merge_into_the_whole_panels(tmp_path):
    """Shards that cut targets, one cut inside a homopolymer run and one at a run's first base:
    every position and run is counted once, by one shard, as without shards."""
    rng = random.Random(7)
    flank = "".join(rng.choice("ACGT") for _ in range(600))
    # Runs at 100-109 (A), 300-305 (C), 450-457 (T).
    reference = flank[:100] + "A" * 10 + flank[110:300] + "C" * 6 + flank[306:450] + "T" * 8 + flank[458:]
    reference = reference[:600]
    fasta = tmp_path / "ref.fa"
    fasta.write_text(">chrT\n" + reference + "\n")
    pysam.faidx(str(fasta))
    header = {"HD": {"VN": "1.6", "SO": "coordinate"}, "SQ": [{"SN": "chrT", "LN": len(reference)}]}
    reads = []
    for i in range(400):
        start = rng.randrange(0, len(reference) - 80)
        sequence = list(reference[start : start + 70])
        for j in range(len(sequence)):  # substitution errors, and a variant at 205 in a third of the reads
            if rng.random() < 0.01 or (start + j == 205 and i % 3 == 0):
                sequence[j] = rng.choice([b for b in "ACGT" if b != sequence[j]])
        cigar = f"{len(sequence)}M"
        for run_start, run_end in ((100, 110), (300, 306), (450, 458)):
            if start + 5 < run_start and run_end + 5 < start + 70 and rng.random() < 0.05:  # a slip: one base lost
                cut = run_end - 1 - start
                del sequence[cut]
                cigar = f"{cut}M1D{len(sequence) - cut}M"
                break
        reads.append((start, "".join(sequence), cigar, 60 if i % 17 else 5))
    bam = tmp_path / "t.bam"
    with pysam.AlignmentFile(str(bam), "wb", header=header) as out:
        for i, (start, sequence, cigar, mapq) in enumerate(sorted(reads)):
            read = pysam.AlignedSegment()
            read.query_name, read.reference_id, read.reference_start = f"r{i}", 0, start
            read.query_sequence, read.cigarstring, read.mapping_quality = sequence, cigar, mapq
            read.query_qualities = pysam.qualitystring_to_array("F" * len(sequence))
            out.write(read)
    pysam.index(str(bam))
    bed = tmp_path / "panel.bed"
    bed.write_text("chrT\t40\t330\nchrT\t420\t560\n")
    whole = error_profile.measure(bam, fasta, bed, min_mapq=20, min_baseq=20, indel_bams=[bam, bam])
    assert whole.excluded_positions >= 1 and max(whole.homopolymer) >= 10
    assert sum(tally[1] for tally in whole.homopolymer.values()) > 0

    def measured(cuts: list[list[tuple[int, int]]]) -> error_profile.ErrorProfile:
        parts = []
        for k, intervals in enumerate(cuts):
            shard = tmp_path / f"shard{k}.bed"
            shard.write_text("".join(f"chrT\t{s}\t{e}\n" for s, e in intervals))
            parts.append(
                error_profile.measure(bam, fasta, bed, min_mapq=20, min_baseq=20, indel_bams=[bam, bam], regions=shard)
            )
        return error_profile.merge(parts)

    # Cut inside the A run (105), at the C run's first base (300), and the split_shards of the panel.
    by_hand = [[(40, 105)], [(105, 300)], [(300, 330), (420, 452)], [(452, 560)]]
    assert measured(by_hand) == whole
    for n in (2, 3, 5):
        shards = split_shards(merge_intervals([("chrT", 40, 330), ("chrT", 420, 560)]), n)
        assert measured([[(s, e) for _, s, e in shard] for shard in shards]) == whole
    # A run counted by no shard or by two would change the tallies: the test can fail.
    assert measured([[(40, 105)], [(106, 330), (420, 560)]]) != whole


def test_base_counts_are_pysams_count_coverage(tmp_path):
    """The numpy counter counts what pysam's count_coverage does: aligned bases of quality >= the
    threshold, not soft clips, insertions, N or low-quality bases."""
    rng = random.Random(3)
    reference = "".join(rng.choice("ACGT") for _ in range(300))
    fasta = tmp_path / "ref.fa"
    fasta.write_text(">chrT\n" + reference + "\n")
    header = {"HD": {"VN": "1.6", "SO": "coordinate"}, "SQ": [{"SN": "chrT", "LN": len(reference)}]}
    bam = tmp_path / "t.bam"
    with pysam.AlignmentFile(str(bam), "wb", header=header) as out:
        for i, start in enumerate(sorted(rng.randrange(0, 220) for _ in range(200))):
            read = pysam.AlignedSegment()
            read.query_name, read.reference_id, read.reference_start, read.mapping_quality = f"r{i}", 0, start, 60
            sequence = "".join(rng.choice("ACGTN") if rng.random() < 0.05 else b for b in reference[start : start + 60])
            read.query_sequence = sequence[:20] + "GA" + sequence[20:58]  # 5S15M2I10M1D28M
            read.cigarstring = "5S15M2I10M1D28M"
            read.query_qualities = pysam.qualitystring_to_array("".join(rng.choice("#5F") for _ in range(60)))
            out.write(read)
    pysam.index(str(bam))
    with pysam.AlignmentFile(str(bam)) as reads:
        for start, end in ((0, 300), (37, 101)):
            expected = list(zip(*reads.count_coverage("chrT", start, end, quality_threshold=20), strict=True))
            got = error_profile.base_counts(list(reads.fetch("chrT", start, end)), start, end, 20)
            assert got.tolist() == [list(column) for column in expected]
            assert got.sum() > 1000
