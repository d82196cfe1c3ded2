"""Deterministic tumour/normal panel reads with exact truth: presis' benchmark generator.

Everything is drawn from ``random.Random`` streams seeded by strings derived from one
integer seed, so the same seed gives byte-identical FASTQs and truth VCFs on any machine
(string seeds are hashed with SHA-512 by ``random``, never with the salted ``hash()``).

Model (pysam + the standard library only):

* **Variants** (:func:`generate_variants`) sit inside the panel targets, at least
  ``min_gap`` bases apart (counting the whole stretch an indel can slide along in a
  repeat), never on an ``N``. Somatic: ``indel_fraction`` indels of 1–30 bp (half
  insertions, half of those tandem duplications), the rest SNVs, with a VAF from a
  range or a list, scaled by purity. Germline: mostly SNVs, some 1–6 bp indels, het or
  hom. Every variant is left-aligned as ``bcftools norm`` does, so the truth VCF, the
  reads and the caller agree on one representation.
* **Fragments** (:func:`simulate_sample`): hybrid-capture-like — each overlaps a target
  by at least ``min_target_overlap`` bases, length ~ Normal(mean, sd), either strand;
  a small share lands anywhere in the genome (off target) and a share is emitted twice
  (PCR duplicates, which duplicate marking removes). PCR slippage adds or removes one
  base of a homopolymer in a few molecules, more often the longer the run: the classic
  source of false low-VAF indels, in tumour and normal alike. ``depth`` is the expected mean
  unique-fragment depth inside an isolated target (targets closer than a fragment share
  fragments, so a panel's measured mean target depth runs somewhat higher).
* **Alleles**: a fragment comes from one of two haplotypes (germline het on one, hom on
  both, shared by tumour and normal); in the tumour each somatic variant is carried by
  each fragment independently with probability = its VAF (purity already applied).
* **Reads**: 2×150, NovaSeq-style binned qualities (2/12/23/37) whose low bins become
  more frequent towards the 3′ end (more so in read 2); substitution errors are drawn at
  the error rate of each base's own bin, so qualities are calibrated; rare 1-bp indel
  errors. Gzipped FASTQ written with a zero gzip timestamp (byte-identical re-runs).
* **Truth**: ``<prefix>.somatic_truth.vcf.gz`` (INFO/VAF) and
  ``<prefix>.germline_truth.vcf.gz`` (FORMAT/GT), sorted, ``bcftools norm -f REF``,
  bgzipped and tabix-indexed.
"""

from __future__ import annotations

import bisect
import gzip
import hashlib
import json
import math
import random
import re
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import pysam

from presis.annotation.hgvs import reverse_complement
from presis.inputs.bed import merge_intervals

# Bumped whenever a change alters what a seed produces: cached scenario data is keyed by it.
SIMULATOR_VERSION = 2  # 2: PCR stutter in homopolymers

BASES = "ACGT"
Key = tuple[str, int, str, str]


# --------------------------------------------------------------------------- reference


@dataclass(frozen=True)
class Interval:
    """A target interval, 0-based half-open like BED."""

    chrom: str
    start: int
    end: int

    @property
    def length(self) -> int:
        return self.end - self.start


def read_targets(bed: str | Path) -> list[Interval]:
    """The BED's intervals, overlapping or touching ones merged (per contig, in file order)."""
    raw: list[tuple[str, int, int]] = []
    for line in Path(bed).read_text().splitlines():
        if not line.strip() or line.startswith(("#", "track", "browser")):
            continue
        chrom, start, end = line.split("\t")[:3]
        raw.append((chrom, int(start), int(end)))
    return [Interval(*interval) for interval in merge_intervals(raw)]


# Test genome v2 = v1's contigs unchanged + four slices. The frozen benchmark scenarios and the
# seeded test sets were made on v1; simulating over v1's contigs keeps each seed's reads and truth
# byte-identical (off-target fragments are drawn over every contig loaded).
GENOME_V1_CONTIGS = (
    "chr17",
    "chr12_25195146_25260929",
    "chr7_55019017_55211628",
    "chr3_52287089_52809009",
    "chr21_22000000_23000000",
    "chr2_47410000_47420000",
)


def load_reference(fasta: str | Path, contigs: Sequence[str] | None = None) -> dict[str, str]:
    """Every contig (or those named, in that order), upper case, in memory (the test genome is
    12.9 Mb: slicing beats fetching)."""
    with pysam.FastaFile(str(fasta)) as handle:
        return {name: handle.fetch(name).upper() for name in (contigs or handle.references)}


# --------------------------------------------------------------------------- variants


@dataclass(frozen=True)
class Variant:
    """One truth allele in VCF form (1-based ``pos``; indels carry their anchor base)."""

    chrom: str
    pos: int
    ref: str
    alt: str
    origin: str  # "somatic", "germline", or "artefact" (a PCR slip: in reads, never in truth)
    vaf: float = 0.0  # somatic: expected fraction of tumour fragments carrying it
    genotype: str = ""  # germline: "0/1" or "1/1"
    haplotype: int = 0  # germline 0/1: which of the two haplotypes carries it

    @property
    def key(self) -> Key:
        return (self.chrom, self.pos, self.ref, self.alt)

    @property
    def end(self) -> int:
        return self.pos + len(self.ref) - 1

    @property
    def is_indel(self) -> bool:
        return len(self.ref) != len(self.alt)

    @property
    def indel_length(self) -> int:
        return abs(len(self.ref) - len(self.alt))


@dataclass(frozen=True)
class VafRange:
    """Somatic VAFs drawn uniformly from [low, high]."""

    low: float
    high: float


@dataclass(frozen=True)
class VariantPlan:
    """What :func:`generate_variants` places. ``vafs`` is a range, or a list used in turn.

    VAFs are those of a pure tumour; ``purity`` scales them (the normal cells in a tumour
    sample carry none of the somatic alleles).
    """

    n_somatic: int
    vafs: VafRange | tuple[float, ...]
    n_germline: int = 0
    purity: float = 1.0
    indel_fraction: float = 0.3
    max_indel: int = 30
    germline_indel_fraction: float = 0.15
    germline_hom_fraction: float = 0.3
    min_gap: int = 10
    edge_margin: int = 5  # keep variants this far inside the target ends


def left_align(sequence: str, pos: int, ref: str, alt: str) -> tuple[int, str, str]:
    """Left-aligned, parsimonious form of one allele (the algorithm of ``bcftools norm``).

    ``sequence`` is the whole contig (``sequence[pos - 1]`` is the base at ``pos``).
    """
    while True:
        changed = False
        if ref and alt and ref[-1] == alt[-1] and max(len(ref), len(alt)) > 1:
            ref, alt, changed = ref[:-1], alt[:-1], True
        if (not ref or not alt) and pos > 1:
            pos -= 1
            base = sequence[pos - 1]
            ref, alt, changed = base + ref, base + alt, True
        if not changed:
            break
    while len(ref) > 1 and len(alt) > 1 and ref[0] == alt[0]:
        ref, alt, pos = ref[1:], alt[1:], pos + 1
    return pos, ref, alt


def slide_end(sequence: str, pos: int, ref: str, alt: str) -> int:
    """Last reference position a left-aligned indel could slide to (its repeat's end)."""
    if len(ref) == len(alt):
        return pos + len(ref) - 1
    size = abs(len(ref) - len(alt))
    if len(ref) > len(alt):  # deletion of sequence[pos : pos + size] (0-based)
        i = pos
        while i + size < len(sequence) and sequence[i] == sequence[i + size]:
            i += 1
        return i + size
    inserted, i = alt[1:], pos  # insertion before 0-based pos
    while i < len(sequence) and sequence[i] == inserted[0]:
        inserted, i = inserted[1:] + inserted[0], i + 1
    return i


class _Occupied:
    """Spans already holding a variant; a new one must keep ``gap`` bases away."""

    def __init__(self, gap: int):
        self.gap = gap
        self._spans: dict[str, list[tuple[int, int]]] = {}

    def free(self, chrom: str, start: int, end: int) -> bool:
        return all(end + self.gap < s or start - self.gap > e for s, e in self._spans.get(chrom, []))

    def add(self, chrom: str, start: int, end: int) -> None:
        self._spans.setdefault(chrom, []).append((start, end))


def _indel_size(rng: random.Random, max_size: int) -> int:
    """1–3 bp half the time (1 bp most), 4–10 bp 30 %, 11–``max_size`` 20 %: short indels dominate."""
    band = rng.random()
    if band < 0.5 or max_size <= 3:
        return rng.choices([1, 2, 3][:max_size], weights=[5, 3, 2][:max_size])[0]
    if band < 0.8 or max_size <= 10:
        return rng.randint(4, min(10, max_size))
    return rng.randint(11, max_size)


def _germline_indel_size(rng: random.Random) -> int:
    return rng.choices([1, 2, 3, 4, 5, 6], weights=[40, 20, 15, 10, 8, 7])[0]


def _draw_allele(rng: random.Random, sequence: str, pos: int, kind: str, size: int) -> tuple[str, str]:
    """REF/ALT at 1-based ``pos`` (the anchor for indels) before left-alignment."""
    anchor = sequence[pos - 1]
    if kind == "snv":
        return anchor, rng.choice([b for b in BASES if b != anchor])
    if kind == "deletion":
        return sequence[pos - 1 : pos + size], anchor
    if rng.random() < 0.5:  # tandem duplication of the bases after the anchor
        return anchor, anchor + sequence[pos : pos + size]
    return anchor, anchor + "".join(rng.choice(BASES) for _ in range(size))


def _place(
    rng: random.Random,
    reference: dict[str, str],
    targets: list[Interval],
    cumulative: list[int],
    occupied: _Occupied,
    plan: VariantPlan,
    kind: str,
    size: int,
) -> Key:
    """One allele of ``kind`` inside a random target, normalised, clear of other variants."""
    for _ in range(10_000):
        # Targets are drawn by length, so every targeted base is equally likely.
        target = targets[bisect.bisect_right(cumulative, rng.randrange(cumulative[-1]))]
        span = size if kind == "deletion" else 0
        low, high = target.start + 1 + plan.edge_margin, target.end - plan.edge_margin - span
        if high < low:
            continue
        sequence = reference[target.chrom]
        drawn_pos = rng.randint(low, high)
        ref, alt = _draw_allele(rng, sequence, drawn_pos, kind, size)
        pos, ref, alt = left_align(sequence, drawn_pos, ref, alt)
        last = slide_end(sequence, pos, ref, alt)
        if pos < target.start + 1 + plan.edge_margin or last > target.end - plan.edge_margin:
            continue  # the repeat it sits in reaches out of the target
        if "N" in sequence[pos - 2 : last + 1] or not occupied.free(target.chrom, pos, last):
            continue
        occupied.add(target.chrom, pos, last)
        return (target.chrom, pos, ref, alt)
    raise ValueError(f"cannot place a {kind} clear of the others: too many variants for the targets")


def _somatic_vafs(rng: random.Random, plan: VariantPlan) -> list[float]:
    if isinstance(plan.vafs, VafRange):
        pure = [rng.uniform(plan.vafs.low, plan.vafs.high) for _ in range(plan.n_somatic)]
    else:
        pure = [plan.vafs[i % len(plan.vafs)] for i in range(plan.n_somatic)]
    # Rounded once here: the truth VCF states exactly the VAF the reads are drawn with.
    return [round(v * plan.purity, 4) for v in pure]


def _somatic_kinds(rng: random.Random, plan: VariantPlan) -> list[str]:
    """Exactly round(n * indel_fraction) indels, half insertions, in random order."""
    n_indel = round(plan.n_somatic * plan.indel_fraction)
    n_insertion = n_indel // 2
    kinds = ["insertion"] * n_insertion + ["deletion"] * (n_indel - n_insertion) + ["snv"] * (plan.n_somatic - n_indel)
    rng.shuffle(kinds)
    return kinds


def generate_variants(
    reference: dict[str, str], targets: list[Interval], seed: int, plan: VariantPlan
) -> list[Variant]:
    """Somatic then germline variants for ``seed``, sorted by contig order and position.

    Somatic and germline variants come from separate random streams, somatic first, so
    changing the number of germline variants leaves the somatic ones where they were.
    """
    cumulative = list(_cumulative_lengths(targets))
    occupied = _Occupied(plan.min_gap)
    variants = []
    rng = random.Random(f"presis-sim:{seed}:somatic")
    for kind, vaf in zip(_somatic_kinds(rng, plan), _somatic_vafs(rng, plan), strict=False):
        size = 1 if kind == "snv" else _indel_size(rng, plan.max_indel)
        key = _place(rng, reference, targets, cumulative, occupied, plan, kind, size)
        variants.append(Variant(*key, origin="somatic", vaf=vaf))
    rng = random.Random(f"presis-sim:{seed}:germline")
    for _ in range(plan.n_germline):
        indel = rng.random() < plan.germline_indel_fraction
        kind = rng.choice(["insertion", "deletion"]) if indel else "snv"
        size = _germline_indel_size(rng) if indel else 1
        key = _place(rng, reference, targets, cumulative, occupied, plan, kind, size)
        hom = rng.random() < plan.germline_hom_fraction
        variants.append(Variant(*key, origin="germline", genotype="1/1" if hom else "0/1", haplotype=rng.randrange(2)))
    order = {name: i for i, name in enumerate(reference)}
    return sorted(variants, key=lambda v: (order[v.chrom], v.pos, v.ref, v.alt))


def _cumulative_lengths(targets: list[Interval]) -> Iterator[int]:
    total = 0
    for target in targets:
        total += target.length
        yield total


# --------------------------------------------------------------------------- reads


@dataclass(frozen=True)
class ErrorModel:
    """NovaSeq-style binned qualities with calibrated substitution errors.

    The share of bases in each low bin rises from ``start`` at cycle 0 to ``start + rise``
    at the last cycle, as (cycle / last) ** power; read 2 has ``read2_factor`` times as
    many low-quality bases. A base's error probability is that of its bin, so the
    qualities mean what they say (Q37 bases are wrong about once in 5,000).
    """

    # bin: (symbol, error probability, start, rise, power)
    bins: tuple[tuple[str, float, float, float, int], ...] = (
        ("8", 0.006, 0.03, 0.07, 2),  # Q23
        ("-", 0.06, 0.004, 0.03, 3),  # Q12
        ("#", 0.3, 0.001, 0.008, 4),  # Q2
    )
    high_symbol: str = "F"  # Q37
    high_error: float = 0.0002
    read2_factor: float = 1.3
    indel_error_per_read: float = 0.002  # 1-bp indel errors: rare on Illumina
    # True error = the bin's error x error_scale, the qualities unchanged: above 1 the
    # qualities over-state accuracy (miscalibrated, as binned NovaSeq Q37 often is).
    error_scale: float = 1.0

    def scaled(self, error: float) -> float:
        return min(0.75, error * self.error_scale)

    def mean_error(self, length: int = 150) -> float:
        """Mean true substitution error per base over both reads (what a run reports as its error rate)."""
        total = 0.0
        for read in (1, 2):
            for shares in self.low_bin_profile(length, read):
                low = sum(shares)
                total += (1 - low) * self.scaled(self.high_error)
                total += sum(share * self.scaled(bin_[1]) for share, bin_ in zip(shares, self.bins, strict=True))
        return total / (2 * length)

    @classmethod
    def profile(cls, name: str, error_scale: float = 1.0, low_quality_scale: float = 1.0) -> ErrorModel:
        """A named quality profile: ``novaseq`` (4 bins, Q37 top) or ``hiseq`` (Q40/Q30/Q20/Q10/Q2 bins).

        ``low_quality_scale`` multiplies the share of bases in the low bins (a poorer run).
        """
        if name == "novaseq":
            model = cls()
        elif name == "hiseq":
            model = cls(
                bins=(
                    ("?", 0.001, 0.10, 0.15, 2),  # Q30
                    ("5", 0.01, 0.02, 0.05, 2),  # Q20
                    ("+", 0.1, 0.003, 0.02, 3),  # Q10
                    ("#", 0.3, 0.001, 0.008, 4),  # Q2
                ),
                high_symbol="I",  # Q40
                high_error=0.0001,
            )
        else:
            raise ValueError(f"unknown quality profile {name!r}: novaseq or hiseq")
        bins = tuple((sym, err, start * low_quality_scale, rise * low_quality_scale, power)
                     for sym, err, start, rise, power in model.bins)  # fmt: skip
        return cls(
            bins, model.high_symbol, model.high_error, model.read2_factor, model.indel_error_per_read, error_scale
        )

    def low_bin_profile(self, length: int, read: int) -> list[list[float]]:
        """Per cycle: probability of each low bin."""
        factor = self.read2_factor if read == 2 else 1.0
        last = max(1, length - 1)
        return [
            [factor * (start + rise * (cycle / last) ** power) for _, _, start, rise, power in self.bins]
            for cycle in range(length)
        ]


class _ReadMaker:
    """Turns a template into (bases, qualities) under an :class:`ErrorModel`.

    Low-quality cycles are drawn by thinning a geometric process that runs, block by block
    of cycles, at the block's highest rate, so a read costs a few dozen random numbers
    rather than one per base (this loop is where the simulator spends its time).
    """

    def __init__(self, model: ErrorModel, length: int):
        self.model = model
        self.length = length
        self._cumulative = {}
        for read in (1, 2):
            profile = model.low_bin_profile(length, read)
            self._cumulative[read] = [tuple(_running_sum(p)) for p in profile]
        self._blocks = {
            read: [
                (start, min(length, start + _BLOCK), max(c[-1] for c in cum[start : start + _BLOCK]))
                for start in range(0, length, _BLOCK)
            ]
            for read, cum in self._cumulative.items()
        }
        self._symbols = [ord(symbol) for symbol, *_ in model.bins]
        self._errors = [model.scaled(error) for _, error, *_ in model.bins]
        self._high = model.high_symbol.encode() * length
        self._log_miss_high = math.log(1 - model.scaled(model.high_error))

    def _low_quality(self, rng: random.Random, read: int) -> list[tuple[int, int]]:
        """(cycle, bin index) of the bases below Q37."""
        cumulative, draw, log = self._cumulative[read], rng.random, math.log
        found = []
        for start, end, rate in self._blocks[read]:
            log_miss, cycle = math.log(1 - rate), start - 1
            while True:
                cycle += 1 + int(log(1.0 - draw()) / log_miss)
                if cycle >= end:
                    break
                # One number decides both whether this cycle is low quality and which bin.
                u, bounds = draw() * rate, cumulative[cycle]
                if u < bounds[-1]:
                    found.append((cycle, bisect.bisect_right(bounds, u)))
        return found

    def _high_quality_errors(self, rng: random.Random) -> list[int]:
        found, cycle = [], -1
        while True:
            cycle += 1 + int(math.log(1.0 - rng.random()) / self._log_miss_high)
            if cycle >= self.length:
                return found
            found.append(cycle)

    def _with_indel_error(self, rng: random.Random, template: str) -> str:
        """``length`` bases read off the template, with a rare 1-bp slip."""
        if rng.random() >= self.model.indel_error_per_read:
            return template[: self.length]
        cycle = rng.randrange(1, self.length - 1)
        if rng.random() < 0.5:
            return template[:cycle] + template[cycle + 1 : self.length + 1]
        return (template[:cycle] + rng.choice(BASES) + template[cycle:])[: self.length]

    def read(self, rng: random.Random, template: str, read: int) -> tuple[str, str]:
        bases = self._with_indel_error(rng, template)
        quals = bytearray(self._high)
        low = self._low_quality(rng, read)
        errors = [cycle for cycle, b in low if rng.random() < self._errors[b]]
        low_cycles = {cycle for cycle, _ in low}
        errors += [c for c in self._high_quality_errors(rng) if c not in low_cycles]
        for cycle, b in low:
            quals[cycle] = self._symbols[b]
        if errors:
            chars = list(bases)
            for cycle in errors:
                chars[cycle] = rng.choice(_OTHER_BASES.get(chars[cycle], BASES))
            bases = "".join(chars)
        return bases, quals.decode()


_BLOCK = 15  # cycles per thinning block
_OTHER_BASES = {b: "".join(o for o in BASES if o != b) for b in BASES}


def _running_sum(values: Sequence[float]) -> Iterator[float]:
    total = 0.0
    for value in values:
        total += value
        yield total


@dataclass(frozen=True)
class Library:
    """Fragment and capture model of one sequencing library."""

    read_length: int = 150
    fragment_mean: float = 280.0
    fragment_sd: float = 60.0
    fragment_min: int = 160  # no adapter read-through (fastp would trim it; not modelled)
    fragment_max: int = 600
    min_target_overlap: int = 30  # capture baits need this much of a fragment
    off_target_fraction: float = 0.03
    duplicate_fraction: float = 0.05
    # PCR slippage in homopolymers: a molecule gains or loses one base of a run of at least
    # stutter_min_run with probability stutter_rate, doubling with each further base of the
    # run up to stutter_max_rate (a 13-bp poly-A stutters in ~5 % of molecules); contraction
    # is the commoner slip. Both mates and every duplicate of the molecule carry it.
    stutter_min_run: int = 6
    stutter_rate: float = 0.001
    stutter_max_rate: float = 0.05
    stutter_deletion_share: float = 2 / 3
    # FFPE deamination (tumour only): each C of a damaged strand reads as T with this probability
    # (G>A in reference orientation when the damaged strand is the reverse one); both mates and
    # every duplicate of the molecule carry it. 0 = fresh tissue.
    ffpe_deamination_rate: float = 0.0

    def stutter_probability(self, run: int) -> float:
        if run < self.stutter_min_run:
            return 0.0
        return min(self.stutter_max_rate, self.stutter_rate * 2 ** (run - self.stutter_min_run))

    def mean_read_cover(self) -> float:
        """E[min(fragment, 2 × read)]: bases of a fragment its read pair covers (overlaps once)."""
        mu, sd, cap = self.fragment_mean, self.fragment_sd, 2 * self.read_length
        z = (mu - cap) / sd
        density, below = math.exp(-z * z / 2) / math.sqrt(2 * math.pi), 0.5 * (1 + math.erf(z / math.sqrt(2)))
        return mu - ((mu - cap) * below + sd * density)  # mu - E[(fragment - cap)+]


@dataclass(frozen=True)
class Sample:
    """One sample to simulate: tumour fragments carry somatic alleles, normal ones never."""

    name: str
    depth: float
    tumour: bool
    seed: int


class _Alleles:
    """Variants by contig and position, and which of them one fragment carries."""

    def __init__(self, variants: Sequence[Variant]):
        self._by_chrom: dict[str, list[Variant]] = {}
        for variant in sorted(variants, key=lambda v: (v.chrom, v.pos)):
            self._by_chrom.setdefault(variant.chrom, []).append(variant)
        self._positions = {c: [v.pos for v in vs] for c, vs in self._by_chrom.items()}

    def carried(
        self, rng: random.Random, chrom: str, start: int, end: int, tumour: bool, share0: float | None = None
    ) -> list[Variant]:
        """Variants with their anchor in 0-based [start, end) on this fragment's haplotype: each
        haplotype alike, or haplotype 0 with probability ``share0`` (a B-allele shift)."""
        positions = self._positions.get(chrom)
        if not positions:
            return []
        lo, hi = bisect.bisect_right(positions, start), bisect.bisect_right(positions, end)
        if lo == hi:
            return []
        # randrange(2) when unshifted, so that seeded simulations stay byte-identical
        haplotype = rng.randrange(2) if share0 is None else (0 if rng.random() < share0 else 1)
        chosen = []
        for variant in self._by_chrom[chrom][lo:hi]:
            if variant.origin == "germline":
                if variant.genotype == "1/1" or variant.haplotype == haplotype:
                    chosen.append(variant)
            elif tumour and rng.random() < variant.vaf:
                chosen.append(variant)
        return chosen


class _Stutter:
    """Homopolymer runs of the reference, and the PCR slips one molecule gets in them."""

    def __init__(self, reference: dict[str, str], library: Library):
        self.library = library
        pattern = re.compile("|".join(f"{b}{{{library.stutter_min_run},}}" for b in BASES))
        self._runs: dict[str, list[tuple[int, int]]] = {}  # contig -> (1-based first base, length)
        for chrom, sequence in reference.items():
            self._runs[chrom] = [(m.start() + 1, m.end() - m.start()) for m in pattern.finditer(sequence) if m.start()]
        self._starts = {chrom: [start for start, _ in runs] for chrom, runs in self._runs.items()}
        self._reference = reference

    def slips(self, rng: random.Random, chrom: str, start: int, end: int) -> list[Variant]:
        """Slips in the runs lying wholly inside the molecule at 0-based [start, end)."""
        starts = self._starts.get(chrom)
        if not starts:
            return []
        found = []
        for first, run in self._runs[chrom][bisect.bisect_right(starts, start + 1) : bisect.bisect_left(starts, end)]:
            if first + run - 1 > end or rng.random() >= self.library.stutter_probability(run):
                continue
            anchor = self._reference[chrom][first - 2]  # the base before the run (VCF anchor)
            base = self._reference[chrom][first - 1]
            if rng.random() < self.library.stutter_deletion_share:
                found.append(Variant(chrom, first - 1, anchor + base, anchor, origin="artefact"))
            else:
                found.append(Variant(chrom, first - 1, anchor, anchor + base, origin="artefact"))
        return found


def fragment_sequence(sequence: str, start: int, length: int, variants: Sequence[Variant]) -> str:
    """``length`` bases of the haplotype from 0-based ``start``, the given variants applied."""
    end = min(len(sequence), start + length + 64)  # room for deletions inside the fragment
    parts, cursor = [], start
    for variant in variants:
        anchor = variant.pos - 1
        if anchor < cursor or anchor + len(variant.ref) > end:
            continue
        parts.append(sequence[cursor:anchor])
        parts.append(variant.alt)
        cursor = anchor + len(variant.ref)
    parts.append(sequence[cursor:end])
    return "".join(parts)[:length]


class _FastqPair:
    """Gzipped R1/R2 with a zero timestamp and no file name in the gzip header."""

    def __init__(self, prefix: Path):
        self.paths = (Path(f"{prefix}_R1.fastq.gz"), Path(f"{prefix}_R2.fastq.gz"))
        self._raw = [open(p, "wb") for p in self.paths]  # noqa: SIM115 - closed by close()
        self._gz = [gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0, compresslevel=5) for f in self._raw]
        self._buffers: list[list[str]] = [[], []]

    def write(self, name: str, read1: tuple[str, str], read2: tuple[str, str]) -> None:
        for index, (bases, quals) in enumerate((read1, read2)):
            self._buffers[index].append(f"@{name}/{index + 1}\n{bases}\n+\n{quals}\n")
        if len(self._buffers[0]) >= 4096:
            self._flush()

    def _flush(self) -> None:
        for gz, buffer in zip(self._gz, self._buffers, strict=False):
            gz.write("".join(buffer).encode())
            buffer.clear()

    def close(self) -> None:
        self._flush()
        for gz, raw in zip(self._gz, self._raw, strict=False):
            gz.close()
            raw.close()


@dataclass
class SampleReads:
    """What :func:`simulate_sample` wrote."""

    r1: Path
    r2: Path
    pairs: int = 0
    on_target: int = 0
    off_target: int = 0
    duplicates: int = 0


def _on_target_fragments(
    rng: random.Random, targets: list[Interval], depth: float, library: Library, reference: dict[str, str]
) -> Iterator[tuple[str, int, int]]:
    """(contig, start, length) of the captured fragments, target by target.

    Starts are uniform over the positions that keep ``min_target_overlap`` bases on the
    target, so the inner target bases get ``depth`` on average and the edges somewhat less,
    as in hybrid capture.
    """
    cover = library.mean_read_cover()
    for target in targets:
        overlap = min(library.min_target_overlap, target.length // 2)
        width = target.length - 2 * overlap + library.fragment_mean
        for _ in range(round(depth * width / cover)):
            length = _fragment_length(rng, library)
            low = max(0, target.start + overlap - length)
            high = min(len(reference[target.chrom]) - length, target.end - overlap)
            if high >= low:
                yield target.chrom, rng.randint(low, high), length


def _off_target_fragments(
    rng: random.Random, count: int, library: Library, reference: dict[str, str]
) -> Iterator[tuple[str, int, int]]:
    names = list(reference)
    cumulative = list(_cumulative_lengths([Interval(n, 0, len(reference[n])) for n in names]))
    made = 0
    while made < count:
        point = rng.randrange(cumulative[-1])
        index = bisect.bisect_right(cumulative, point)
        chrom, length = names[index], _fragment_length(rng, library)
        start = point - (cumulative[index - 1] if index else 0)
        if start + length <= len(reference[chrom]) and "N" not in reference[chrom][start : start + length]:
            made += 1
            yield chrom, start, length


def _deaminate(rng: random.Random, molecule: str, rate: float) -> str:
    """C>T on one strand of the molecule (G>A seen from the other), at ``rate`` per base."""
    source, target = ("C", "T") if rng.random() < 0.5 else ("G", "A")
    chars = list(molecule)
    for index, base in enumerate(chars):
        if base == source and rng.random() < rate:
            chars[index] = target
    return "".join(chars)


def _fragment_length(rng: random.Random, library: Library) -> int:
    length = round(rng.gauss(library.fragment_mean, library.fragment_sd))
    return min(library.fragment_max, max(library.fragment_min, length))


def simulate_sample(
    reference: dict[str, str],
    targets: list[Interval],
    variants: Sequence[Variant],
    sample: Sample,
    out_prefix: str | Path,
    library: Library = Library(),
    errors: ErrorModel = ErrorModel(),
) -> SampleReads:
    """Write ``<out_prefix>_R1.fastq.gz`` / ``_R2`` for one sample; deterministic in ``sample.seed``."""
    rng = random.Random(f"presis-sim:{sample.seed}:reads:{'tumour' if sample.tumour else 'normal'}")
    alleles = _Alleles(variants)
    stutter = _Stutter(reference, library)
    maker = _ReadMaker(errors, library.read_length)
    fastq = _FastqPair(Path(out_prefix))
    result = SampleReads(*fastq.paths)

    def emit(chrom: str, start: int, length: int) -> None:
        carried = alleles.carried(rng, chrom, start, start + length, sample.tumour)
        slips = stutter.slips(rng, chrom, start, start + length)
        if slips:  # a real allele in the run wins over a slip at the same anchor
            carried = sorted(carried + slips, key=lambda v: (v.pos, v.origin == "artefact"))
        molecule = fragment_sequence(reference[chrom], start, length, carried)
        if len(molecule) <= library.read_length:
            return  # only at a contig end
        if sample.tumour and library.ffpe_deamination_rate > 0:
            molecule = _deaminate(rng, molecule, library.ffpe_deamination_rate)
        if rng.random() < 0.5:  # read 1 starts at either end of the molecule
            molecule = reverse_complement(molecule)
        # Each read gets one spare base so that a deletion error keeps its length.
        templates = (molecule[: library.read_length + 1], reverse_complement(molecule)[: library.read_length + 1])
        copies = 2 if rng.random() < library.duplicate_fraction else 1
        for _ in range(copies):  # a PCR duplicate: same molecule, its own sequencing errors
            read1, read2 = maker.read(rng, templates[0], 1), maker.read(rng, templates[1], 2)
            fastq.write(f"{sample.name}:{result.pairs}", read1, read2)
            result.pairs += 1
        result.duplicates += copies - 1

    try:
        for chrom, start, length in _on_target_fragments(rng, targets, sample.depth, library, reference):
            emit(chrom, start, length)
            result.on_target += 1
        n_off = round(result.on_target * library.off_target_fraction / (1 - library.off_target_fraction))
        for chrom, start, length in _off_target_fragments(rng, n_off, library, reference):
            emit(chrom, start, length)
            result.off_target += 1
    finally:
        fastq.close()
    return result


# --------------------------------------------------------------------------- truth VCFs


def _vcf_header(reference: dict[str, str], sample: str | None) -> list[str]:
    lines = ["##fileformat=VCFv4.2", '##FILTER=<ID=PASS,Description="All filters passed">']
    lines += [f"##contig=<ID={name},length={len(seq)}>" for name, seq in reference.items()]
    lines += [
        '##INFO=<ID=VAF,Number=1,Type=Float,Description="Simulated variant allele fraction in the tumour sample (purity applied)">',
        '##INFO=<ID=LABEL,Number=1,Type=String,Description="Simulated variant type">',
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        f"##presis_simulator_version={SIMULATOR_VERSION}",
    ]
    columns = ["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO"]
    return lines + ["\t".join(columns + (["FORMAT", sample] if sample else []))]


def _label(variant: Variant) -> str:
    kind = "snv" if not variant.is_indel else ("insertion" if len(variant.alt) > len(variant.ref) else "deletion")
    return f"{variant.origin}_{kind}"


def _vcf_line(variant: Variant) -> str:
    fields = [variant.chrom, str(variant.pos), ".", variant.ref, variant.alt, ".", "PASS"]
    if variant.origin == "somatic":
        return "\t".join(fields + [f"VAF={variant.vaf:g};LABEL={_label(variant)}"])
    return "\t".join(fields + [f"LABEL={_label(variant)}", "GT", variant.genotype])


def write_truth_vcf(
    variants: Sequence[Variant],
    reference: dict[str, str],
    reference_fasta: str | Path,
    path: str | Path,
    sample: str | None,
) -> Path:
    """Sorted, ``bcftools norm -f REF``-normalised, bgzipped and indexed truth VCF at ``path`` (.vcf.gz)."""
    path = Path(path)
    plain = path.with_suffix("")  # .vcf
    plain.write_text("\n".join(_vcf_header(reference, sample) + [_vcf_line(v) for v in variants]) + "\n")
    sort = subprocess.run(["bcftools", "sort", "-Ov", str(plain)], check=True, capture_output=True)
    subprocess.run(
        ["bcftools", "norm", "--no-version", "-f", str(reference_fasta), "-Oz", "-o", str(path), "-"],
        input=sort.stdout, check=True, capture_output=True,
    )  # fmt: skip
    subprocess.run(["tabix", "-f", "-p", "vcf", str(path)], check=True, capture_output=True)
    plain.unlink()
    return path


# --------------------------------------------------------------------------- scenarios


@dataclass(frozen=True)
class Scenario:
    """One frozen benchmark case (``config/benchmark/scenarios.yaml``).

    ``bundled`` names a folder of ready-made reads and truth (``<patient>-T_R1.fastq.gz`` …,
    ``<patient>.somatic_truth.vcf.gz``) used as they are instead of simulating.
    """

    name: str
    seed: int
    tumour_depth: float
    normal_depth: float  # 0 = tumour-only
    purity: float
    n_somatic: int
    n_germline: int
    vaf_range: tuple[float, float]
    indel_fraction: float = 0.3
    max_indel: int = 30
    ci: bool = False
    bundled: str | None = None
    patient: str | None = None
    description: str = ""
    half: str = "tuning"  # tuning: thresholds may be chosen on it; reporting: figures only
    vaf_list: tuple[float, ...] | None = None  # VAFs used in turn instead of a range
    # Library and sequencer (defaults: the simulator's 2x150 NovaSeq-like library).
    read_length: int = 150
    insert_mean: float = 280.0
    insert_sd: float = 60.0
    duplicates: float = 0.05
    quality_profile: str = "novaseq"
    error_scale: float = 1.0  # > 1: qualities over-state accuracy
    low_quality_scale: float = 1.0
    ffpe: float = 0.0  # FFPE deamination rate per C of a damaged strand (tumour only)

    @property
    def tumour_only(self) -> bool:
        return self.normal_depth == 0

    @property
    def patient_id(self) -> str:
        return self.patient or self.name.upper()

    def plan(self) -> VariantPlan:
        return VariantPlan(
            n_somatic=self.n_somatic,
            vafs=tuple(self.vaf_list) if self.vaf_list else VafRange(*self.vaf_range),
            n_germline=self.n_germline,
            purity=self.purity,
            indel_fraction=self.indel_fraction,
            max_indel=self.max_indel,
        )

    def library(self) -> Library:
        return Library(
            read_length=self.read_length,
            fragment_mean=self.insert_mean,
            fragment_sd=self.insert_sd,
            fragment_min=min(160, max(self.read_length + 10, round(self.insert_mean - 3 * self.insert_sd))),
            duplicate_fraction=self.duplicates,
            ffpe_deamination_rate=self.ffpe,
        )

    def errors(self) -> ErrorModel:
        return ErrorModel.profile(self.quality_profile, self.error_scale, self.low_quality_scale)

    def cache_key(self) -> str:
        """Changes whenever what this scenario generates could change."""
        defaults = {f.name: f.default for f in fields(Scenario)}
        # Settings left at their defaults stay out of the key, so adding a setting keeps old keys.
        generating = {
            k: v
            for k, v in asdict(self).items()
            if k not in ("ci", "description", "half") and not (k in _OPTIONAL_FIELDS and v == defaults[k])
        }
        blob = json.dumps([SIMULATOR_VERSION, generating], sort_keys=True).encode()
        return f"{self.name}-seed{self.seed}-{hashlib.sha256(blob).hexdigest()[:10]}"


_OPTIONAL_FIELDS = (
    "vaf_list", "read_length", "insert_mean", "insert_sd", "duplicates", "quality_profile", "error_scale",
    "low_quality_scale", "ffpe",
)  # fmt: skip


@dataclass(frozen=True)
class ScenarioData:
    """Reads and truth of one scenario, ready for a sample sheet and the scorer."""

    patient: str
    tumour: tuple[Path, Path]
    normal: tuple[Path, Path] | None
    somatic_truth: Path
    germline_truth: Path


def bundled_data(scenario: Scenario, root: Path) -> ScenarioData:
    return scenario_data(scenario, root / scenario.bundled)


def scenario_data(scenario: Scenario, folder: Path) -> ScenarioData:
    """The files of a scenario's reads and truth in ``folder`` (as simulate_scenario names them)."""
    patient = scenario.patient_id
    return ScenarioData(
        patient=patient,
        tumour=(folder / f"{patient}-T_R1.fastq.gz", folder / f"{patient}-T_R2.fastq.gz"),
        normal=None
        if scenario.tumour_only
        else (folder / f"{patient}-N_R1.fastq.gz", folder / f"{patient}-N_R2.fastq.gz"),
        somatic_truth=folder / f"{patient}.somatic_truth.vcf.gz",
        germline_truth=folder / f"{patient}.germline_truth.vcf.gz",
    )


def simulate_scenario(
    scenario: Scenario,
    reference_fasta: str | Path,
    panel_bed: str | Path,
    outdir: str | Path,
    reference: dict[str, str] | None = None,
) -> ScenarioData:
    """Variants, truth VCFs and reads of a simulated scenario, written into ``outdir``."""
    reference = reference if reference is not None else load_reference(reference_fasta, GENOME_V1_CONTIGS)
    targets = read_targets(panel_bed)
    variants = generate_variants(reference, targets, scenario.seed, scenario.plan())
    return simulate_planted(
        variants, reference, reference_fasta, targets, scenario.patient_id,
        scenario.tumour_depth, 0 if scenario.tumour_only else scenario.normal_depth, scenario.seed, outdir,
        library=scenario.library(), errors=scenario.errors(),
    )  # fmt: skip


# --------------------------------------------------------------------------- planted cases


def microsatellite_shifts(
    reference: dict[str, str],
    targets: list[Interval],
    seed: int,
    share: float,
    vaf: float,
    msi_settings: dict,
) -> list[Variant]:
    """An MSI-high tumour: somatic deletions of one or two repeat units at ``share`` of the panel's
    microsatellites (the loci presis.analyses.msi evaluates, ``msi_settings`` = the config's ``msi:``), each
    at ``vaf``. Deterministic in ``seed``; left-aligned like the caller's alleles."""
    from presis.analyses.msi import (
        find_microsatellites,
    )  # here, not at the top: presis.analyses.msi is not needed for reads

    loci = find_microsatellites(
        reference, targets, msi_settings["min_homopolymer"], msi_settings["min_repeat_units"], msi_settings["flank"]
    )
    rng = random.Random(f"presis-sim:{seed}:msi")
    chosen = sorted(rng.sample(loci, round(share * len(loci))), key=lambda locus: (locus.chrom, locus.start))
    shifts = []
    for locus in chosen:
        sequence = reference[locus.chrom]
        units = 2 if rng.random() < 0.3 and locus.length >= 4 * len(locus.unit) else 1
        anchor = locus.start - 1  # 0-based base before the repeat: the VCF anchor
        ref = sequence[anchor : locus.start + units * len(locus.unit)]
        pos, ref, alt = left_align(sequence, anchor + 1, ref, ref[0])
        shifts.append(Variant(locus.chrom, pos, ref, alt, origin="somatic", vaf=vaf))
    return shifts


def simulate_planted(
    variants: Sequence[Variant],
    reference: dict[str, str],
    reference_fasta: str | Path,
    targets: list[Interval],
    patient: str,
    tumour_depth: float,
    normal_depth: float,
    seed: int,
    outdir: str | Path,
    library: Library = Library(),
    errors: ErrorModel = ErrorModel(),
) -> ScenarioData:
    """Tumour/normal reads and truth for hand-placed variants (germline ones in both samples);
    ``normal_depth`` 0: tumour only. ``library`` and ``errors``: the scenario's simulator settings."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    somatic = [v for v in variants if v.origin == "somatic"]
    germline = [v for v in variants if v.origin == "germline"]
    somatic_vcf = write_truth_vcf(somatic, reference, reference_fasta, outdir / f"{patient}.somatic_truth.vcf.gz", None)
    germline_vcf = write_truth_vcf(
        germline, reference, reference_fasta, outdir / f"{patient}.germline_truth.vcf.gz", patient
    )
    tumour = simulate_sample(
        reference, targets, variants, Sample(f"{patient}-T", tumour_depth, True, seed), outdir / f"{patient}-T",
        library, errors,
    )  # fmt: skip
    normal = None
    if normal_depth:
        normal = simulate_sample(
            reference, targets, variants, Sample(f"{patient}-N", normal_depth, False, seed), outdir / f"{patient}-N",
            library, errors,
        )  # fmt: skip
    return ScenarioData(
        patient, (tumour.r1, tumour.r2), (normal.r1, normal.r2) if normal else None, somatic_vcf, germline_vcf
    )
