"""The benchmark simulator: deterministic, truthful, and realistic where it matters."""

from __future__ import annotations

import gzip
import hashlib
import itertools
import math
import random
import re
from collections import Counter
from pathlib import Path

import pysam
import pytest
from conftest import DATA, REPO

from presis.devtools.simulate import (
    GENOME_V1_CONTIGS,
    ErrorModel,
    Interval,
    Library,
    Sample,
    VafRange,
    Variant,
    VariantPlan,
    _ReadMaker,
    generate_variants,
    left_align,
    load_reference,
    read_targets,
    reverse_complement,
    simulate_sample,
    slide_end,
    write_truth_vcf,
)

FASTA = DATA / "genome" / "presis-test-GRCh38.v2.fa.gz"
PANEL = REPO / "config" / "panels" / "presis-demo.bed"
NO_DUPLICATES = Library(duplicate_fraction=0.0, off_target_fraction=0.0)
# Variants and FASTQ text of seed 7 (see test_output_is_pinned_for_a_seed). The gzip bytes
# are not pinned: they depend on the zlib build, the text does not.
PINNED_DIGEST = "ae4066b3adfa9ca2"


@pytest.fixture(scope="module")
def reference() -> dict[str, str]:
    return load_reference(FASTA, GENOME_V1_CONTIGS)  # the pinned seed was made on genome v1


@pytest.fixture(scope="module")
def targets() -> list[Interval]:
    return read_targets(PANEL)


def fastq_text(path: Path) -> str:
    with gzip.open(path, "rt") as handle:
        return handle.read()


def small_run(reference, targets, folder: Path, seed: int, depth: float = 40) -> tuple[list[Variant], Path, Path]:
    folder.mkdir(exist_ok=True)
    plan = VariantPlan(n_somatic=6, vafs=VafRange(0.1, 0.4), n_germline=4)
    variants = generate_variants(reference, targets[:12], seed, plan)
    reads = simulate_sample(reference, targets[:12], variants, Sample("S-T", depth, True, seed), folder / "S-T")
    return variants, reads.r1, reads.r2


# --------------------------------------------------------------------------- determinism


def test_same_seed_gives_byte_identical_fastq(reference, targets, tmp_path):
    first = small_run(reference, targets, tmp_path / "a", 7)
    second = small_run(reference, targets, tmp_path / "b", 7)
    assert first[0] == second[0]
    for path_a, path_b in zip(first[1:], second[1:], strict=False):
        assert path_a.read_bytes() == path_b.read_bytes()  # gzip header too: no timestamp, no name


def test_another_seed_gives_other_variants_and_reads(reference, targets, tmp_path):
    first = small_run(reference, targets, tmp_path / "a", 7)
    second = small_run(reference, targets, tmp_path / "b", 8)
    assert first[0] != second[0]
    assert fastq_text(first[1]) != fastq_text(second[1])


def test_output_is_pinned_for_a_seed(reference, targets, tmp_path):
    """Frozen benchmark: a seed keeps its data. If this fails on purpose, bump SIMULATOR_VERSION."""
    variants, r1, r2 = small_run(reference, targets, tmp_path, 7, depth=10)
    digest = hashlib.sha256((repr([v.key for v in variants]) + fastq_text(r1) + fastq_text(r2)).encode()).hexdigest()
    assert digest[:16] == PINNED_DIGEST


def test_germline_count_does_not_move_somatic_variants(reference, targets):
    few = generate_variants(reference, targets, 3, VariantPlan(n_somatic=20, vafs=VafRange(0.1, 0.3), n_germline=2))
    many = generate_variants(reference, targets, 3, VariantPlan(n_somatic=20, vafs=VafRange(0.1, 0.3), n_germline=30))
    assert [v for v in few if v.origin == "somatic"] == [v for v in many if v.origin == "somatic"]


# --------------------------------------------------------------------------- variants


@pytest.fixture(scope="module")
def many_variants(reference, targets) -> list[Variant]:
    plan = VariantPlan(n_somatic=200, vafs=VafRange(0.05, 0.5), n_germline=60, purity=0.5)
    return generate_variants(reference, targets, 2024, plan)


def test_variants_sit_inside_targets_apart_and_off_n(many_variants, reference, targets):
    for v in many_variants:
        assert any(t.chrom == v.chrom and t.start < v.pos and v.end <= t.end for t in targets), v
        assert "N" not in reference[v.chrom][v.pos - 1 : v.end]
        assert reference[v.chrom][v.pos - 1 : v.end] == v.ref
    by_chrom: dict[str, list[Variant]] = {}
    for v in many_variants:
        by_chrom.setdefault(v.chrom, []).append(v)
    for chrom, variants in by_chrom.items():
        spans = sorted((v.pos, slide_end(reference[chrom], v.pos, v.ref, v.alt)) for v in variants)
        for (_, end), (start, _) in itertools.pairwise(spans):
            assert start - end > 10, (chrom, start)


def test_somatic_mix_indel_sizes_and_purity(many_variants):
    somatic = [v for v in many_variants if v.origin == "somatic"]
    indels = [v for v in somatic if v.is_indel]
    assert len(somatic) == 200 and len(indels) == 60  # 30 % indels exactly
    sizes = Counter(v.indel_length for v in indels)
    assert min(sizes) >= 1 and max(sizes) <= 30
    assert sizes[1] > 0 and max(sizes) > 10  # short ones dominate, long ones occur
    inserted = sum(len(v.alt) > len(v.ref) for v in indels)
    assert 20 <= inserted <= 40
    assert all(0.025 <= v.vaf <= 0.25 for v in somatic)  # purity 0.5 halves 0.05-0.5


def test_germline_genotypes(many_variants):
    germline = [v for v in many_variants if v.origin == "germline"]
    assert len(germline) == 60
    assert {v.genotype for v in germline} == {"0/1", "1/1"}
    assert all(v.indel_length <= 6 for v in germline)


def test_vaf_list_is_used_in_turn(reference, targets):
    plan = VariantPlan(n_somatic=5, vafs=(0.1, 0.2), purity=0.5)
    vafs = [v.vaf for v in generate_variants(reference, targets, 1, plan)]
    assert sorted(vafs) == [0.05, 0.05, 0.05, 0.1, 0.1]


@pytest.mark.parametrize(
    "pos, ref, alt, expected",
    [
        (6, "AA", "A", (2, "TA", "T")),  # deletion in a homopolymer moves to its start
        (7, "A", "AA", (2, "T", "TA")),  # so does an insertion
        (10, "AGCA", "A", (6, "AAGC", "A")),  # a unit of a GCA repeat: slides to its start
        (13, "A", "AGCA", (6, "A", "AAGC")),  # so does the insertion of one
        (4, "A", "T", (4, "A", "T")),  # SNVs stay
        (3, "AAAG", "AAAC", (6, "G", "C")),  # padded SNV trimmed
    ],
)
def test_left_align(pos, ref, alt, expected):
    sequence = "GTAAAAAGCAGCAGT"  # 1-based: G1 T2 A3..A7 G8 C9 A10 G11 C12 A13 G14 T15
    assert left_align(sequence, pos, ref, alt) == expected


def test_slide_end_covers_the_repeat():
    sequence = "GTAAAAAGCAGCAGT"
    assert slide_end(sequence, 2, "TA", "T") == 7  # the A run ends at 7
    assert slide_end(sequence, 6, "AAGC", "A") == 14  # ... and the GCA repeat at 14
    assert slide_end(sequence, 6, "A", "AAGC") == 14
    assert slide_end(sequence, 4, "A", "T") == 4


# --------------------------------------------------------------------------- truth VCFs


def test_truth_vcfs_equal_the_variants(many_variants, reference, tmp_path):
    somatic = [v for v in many_variants if v.origin == "somatic"]
    germline = [v for v in many_variants if v.origin == "germline"]
    s_vcf = write_truth_vcf(somatic, reference, FASTA, tmp_path / "X.somatic_truth.vcf.gz", None)
    g_vcf = write_truth_vcf(germline, reference, FASTA, tmp_path / "X.germline_truth.vcf.gz", "X")
    assert Path(f"{s_vcf}.tbi").exists() and Path(f"{g_vcf}.tbi").exists()
    with pysam.VariantFile(str(s_vcf)) as vcf:
        records = [(r.chrom, r.pos, r.ref, r.alts[0], r.info["VAF"]) for r in vcf]
    # bcftools norm changed nothing: the generator writes normalised alleles already.
    assert records == [(*v.key, pytest.approx(v.vaf, abs=1e-6)) for v in somatic]
    with pysam.VariantFile(str(g_vcf)) as vcf:
        genotypes = [(r.chrom, r.pos, r.ref, r.alts[0], r.samples["X"]["GT"]) for r in vcf]
    assert genotypes == [(*v.key, (0, 1) if v.genotype == "0/1" else (1, 1)) for v in germline]


# --------------------------------------------------------------------------- reads carry the alleles


def allele_kmers(reference: dict[str, str], v: Variant, flank: int = 12) -> tuple[str, str]:
    sequence = reference[v.chrom]
    left, right = sequence[v.pos - 1 - flank : v.pos - 1], sequence[v.end : v.end + flank]
    return left + v.ref + right, left + v.alt + right


def fragment_counts(r1: Path, r2: Path, kmers: dict[Variant, tuple[str, str]]) -> dict[Variant, tuple[int, int]]:
    """Per variant: fragments (read pairs) showing the ref / the alt k-mer, on either strand."""
    probes = {
        v: (k_ref, k_alt, reverse_complement(k_ref), reverse_complement(k_alt)) for v, (k_ref, k_alt) in kmers.items()
    }
    counts = {v: [0, 0] for v in kmers}
    with gzip.open(r1, "rt") as f1, gzip.open(r2, "rt") as f2:
        for i, (line1, line2) in enumerate(zip(f1, f2, strict=False)):
            if i % 4 != 1:
                continue
            pair = line1 + " " + line2
            for v, (k_ref, k_alt, rc_ref, rc_alt) in probes.items():
                if k_alt in pair or rc_alt in pair:
                    counts[v][1] += 1
                elif k_ref in pair or rc_ref in pair:
                    counts[v][0] += 1
    return {v: (ref, alt) for v, (ref, alt) in counts.items()}


@pytest.fixture(scope="module")
def allele_example(reference, targets, tmp_path_factory):
    """A deep tumour and its normal over a few targets, without duplicates or off-target reads."""
    folder = tmp_path_factory.mktemp("alleles")
    chosen = sorted(targets, key=lambda t: -t.length)[:6]
    plan = VariantPlan(n_somatic=8, vafs=(0.1, 0.3, 0.5), n_germline=6, indel_fraction=0.25, max_indel=8)
    variants = generate_variants(reference, chosen, 99, plan)
    kmers = {v: allele_kmers(reference, v) for v in variants}
    tumour = simulate_sample(reference, chosen, variants, Sample("A-T", 300, True, 99), folder / "A-T", NO_DUPLICATES)
    normal = simulate_sample(reference, chosen, variants, Sample("A-N", 150, False, 99), folder / "A-N", NO_DUPLICATES)
    return variants, fragment_counts(tumour.r1, tumour.r2, kmers), fragment_counts(normal.r1, normal.r2, kmers)


def test_tumour_vaf_matches_the_request_within_binomial_error(allele_example):
    variants, tumour, _ = allele_example
    for v in variants:
        ref, alt = tumour[v]
        n = ref + alt
        expected = v.vaf if v.origin == "somatic" else (0.5 if v.genotype == "0/1" else 1.0)
        assert n > 100, v
        sd = math.sqrt(max(expected * (1 - expected), 0.01) / n)
        assert abs(alt / n - expected) <= 4 * sd, (v, ref, alt)


def test_normal_has_germline_alleles_only(allele_example):
    variants, _, normal = allele_example
    for v in variants:
        ref, alt = normal[v]
        # A sequencing error right on the variant base can fake one odd read.
        if v.origin == "somatic":
            assert alt <= 0.02 * (ref + alt), v
        elif v.genotype == "1/1":
            assert ref <= 0.02 * (ref + alt) and alt > 50, v
        else:
            assert 0.3 < alt / (ref + alt) < 0.7, v


# --------------------------------------------------------------------------- reads and qualities


def test_fragments_duplicates_and_off_target_shares(reference, targets, tmp_path):
    variants: list[Variant] = []
    library = Library(off_target_fraction=0.05, duplicate_fraction=0.1)
    reads = simulate_sample(reference, targets[:20], variants, Sample("F-T", 60, True, 5), tmp_path / "F-T", library)
    assert reads.pairs == reads.on_target + reads.off_target + reads.duplicates
    assert 0.04 < reads.off_target / (reads.on_target + reads.off_target) < 0.06
    assert 0.07 < reads.duplicates / (reads.on_target + reads.off_target) < 0.13
    lines = fastq_text(reads.r1).splitlines()
    assert lines[0].startswith("@F-T:0/1") and len(lines[1]) == 150 and set(lines[3]) <= set("F8-#")


def test_qualities_are_calibrated_and_worse_towards_the_3_prime_end():
    model = ErrorModel(indel_error_per_read=0.0)  # an indel error shifts every later base
    maker = _ReadMaker(model, 150)
    rng = random.Random(1)
    template_rng = random.Random(2)
    wrong: Counter = Counter()
    total: Counter = Counter()
    low_by_third = [0, 0, 0]
    for _ in range(6000):
        template = "".join(template_rng.choice("ACGT") for _ in range(151))
        for read in (1, 2):
            bases, quals = maker.read(rng, template, read)
            for cycle, (b, q) in enumerate(zip(bases, quals, strict=False)):
                total[q] += 1
                wrong[q] += b != template[cycle]
                low_by_third[cycle // 50] += q != "F"
    expected = {"F": model.high_error, **{symbol: error for symbol, error, *_ in model.bins}}
    for symbol in "8-#":
        rate = wrong[symbol] / total[symbol]
        assert abs(rate - expected[symbol]) < 4 * math.sqrt(expected[symbol] / total[symbol]), symbol
    assert wrong["F"] / total["F"] < 3 * model.high_error
    assert low_by_third[0] < low_by_third[1] < low_by_third[2]
    q30 = total["F"] / sum(total.values())
    assert 0.88 < q30 < 0.96  # NovaSeq-like share of >= Q30 bases


def is_one_base_deletion(read: str, template: str) -> bool:
    return any(read == template[:c] + template[c + 1 : len(read) + 1] for c in range(1, len(read)))


def is_one_base_insertion(read: str, template: str) -> bool:
    return any(read[:c] == template[:c] and read[c + 1 :] == template[c : len(read) - 1] for c in range(1, len(read)))


def test_indel_errors_are_one_base_slips_that_keep_the_read_length():
    no_substitutions = ErrorModel(indel_error_per_read=1.0, high_error=1e-12, bins=(("8", 0.0, 1e-12, 0.0, 1),))
    maker = _ReadMaker(no_substitutions, 150)
    rng = random.Random(3)
    template = "".join(random.Random(4).choice("ACGT") for _ in range(151))
    reads = [maker.read(rng, template, 1)[0] for _ in range(100)]
    assert all(len(r) == 150 for r in reads)
    deletions = sum(is_one_base_deletion(r, template) for r in reads)
    insertions = sum(is_one_base_insertion(r, template) for r in reads)
    assert deletions > 20 and insertions > 20 and deletions + insertions >= 100


def longest_homopolymer(reference: dict[str, str], targets: list[Interval]) -> tuple[Interval, int, int]:
    """(target, 0-based start, length) of the longest single-base run inside a target."""
    best = (targets[0], 0, 0)
    for target in targets:
        sequence = reference[target.chrom]
        for match in re.finditer(r"A+|C+|G+|T+", sequence[target.start : target.end]):
            if match.end() - match.start() > best[2]:
                best = (target, target.start + match.start(), match.end() - match.start())
    return best


def test_pcr_stutter_in_a_long_homopolymer(reference, targets, tmp_path):
    target, start, run = longest_homopolymer(reference, targets)
    assert run >= 10  # the demo panel has two 13-bp runs
    sequence = reference[target.chrom]
    base, left, right = sequence[start], sequence[start - 12 : start], sequence[start + run : start + run + 12]
    kmers = {n: left + base * n + right for n in (run - 1, run, run + 1)}
    reads = simulate_sample(reference, [target], [], Sample("H-N", 3000, False, 11), tmp_path / "H-N", NO_DUPLICATES)
    seen = Counter()
    with gzip.open(reads.r1, "rt") as f1, gzip.open(reads.r2, "rt") as f2:
        for i, (line1, line2) in enumerate(zip(f1, f2, strict=False)):
            if i % 4 == 1:
                pair = line1 + " " + line2
                seen.update(n for n, k in kmers.items() if k in pair or reverse_complement(k) in pair)
    total = sum(seen.values())
    p = Library().stutter_probability(run)
    for n, share in (
        (run - 1, p * Library().stutter_deletion_share),
        (run + 1, p * (1 - Library().stutter_deletion_share)),
    ):
        assert abs(seen[n] / total - share) <= 4 * math.sqrt(share / total), (n, seen)
    assert Library().stutter_probability(Library().stutter_min_run - 1) == 0.0


# --------------------------------------------------------------------------- scenario settings (issue 13)


def test_error_scale_over_states_qualities_without_changing_them():
    from presis.devtools.simulate import ErrorModel

    calibrated, overstated = ErrorModel.profile("novaseq"), ErrorModel.profile("novaseq", error_scale=4.0)
    assert calibrated == ErrorModel()  # the default profile is the simulator's own model
    assert overstated.bins == calibrated.bins and overstated.high_symbol == calibrated.high_symbol
    # four times the error everywhere (the Q2 bin saturates at 0.75)
    assert 3 * calibrated.mean_error() < overstated.mean_error() < 4 * calibrated.mean_error()
    assert 0.001 <= calibrated.mean_error() <= 0.01  # the 0.1-1 % band of the issue
    hiseq = ErrorModel.profile("hiseq")
    assert hiseq.high_symbol == "I" and 0.001 <= hiseq.mean_error() <= 0.01
    with pytest.raises(ValueError, match="unknown quality profile"):
        ErrorModel.profile("pacbio")


def test_ffpe_deamination_changes_only_c_to_t_or_g_to_a_on_one_strand():
    from presis.devtools.simulate import _deaminate

    molecule = "ACGT" * 500
    rng = random.Random(1)
    for _ in range(20):
        damaged = _deaminate(rng, molecule, 0.05)
        changes = {(a, b) for a, b in zip(molecule, damaged, strict=True) if a != b}
        assert changes in ({("C", "T")}, {("G", "A")})


def test_default_settings_keep_old_cache_keys_and_new_settings_change_them():
    from presis.devtools import benchmark as bench

    benchmark = bench.load_scenarios(REPO / "config" / "benchmark" / "scenarios.yaml", REPO)
    # Frozen before the settings existed: the same key, hence the same reads.
    assert benchmark.get("ci").cache_key() == "ci-seed20250101-cfb6b3cba0"
    overstated = benchmark.get("report-overstated")
    assert overstated.half == "reporting" and overstated.errors().error_scale == 4.0
    short = benchmark.get("report-hiseq-short")
    assert short.library().read_length == 100 and short.library().fragment_min == 110
    halves = {s.half for s in benchmark.scenarios}
    assert halves == {"tuning", "reporting"}
    assert any(s.tumour_only for s in benchmark.half("reporting"))
    assert benchmark.ci().half == "tuning"
