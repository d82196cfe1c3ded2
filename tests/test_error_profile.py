"""The tumour's measured substitution error rates, on a small BAM whose errors are known."""

import bamtools
import pytest
from bamtools import aligned

from presis.calling import error_profile

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
