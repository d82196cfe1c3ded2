"""Copy-number additions to the read simulator (presis.devtools.simulate): kept in a module of
their own so that changes to the base simulator merge cleanly.

Model, on top of :mod:`presis.devtools.simulate` (fragments, alleles, reads unchanged):

* **Capture bias shared by a panel** (:func:`capture_factors`): each target's capture
  efficiency is a log-normal factor (``capture_sd`` on the natural-log scale; 0.35 gives a
  several-fold range between the weakest and strongest targets, as in real hybrid capture),
  drawn from the panel's own seed, so every sample of the panel shares it — a reference of
  normals learns it, a flat reference does not.
* **Per-sample noise** (:func:`sample_factors`): a smaller log-normal factor per target and
  sample (library and hybridisation variation that no reference removes).
* **Copy number with purity mixing** (:func:`copy_number_factors`): a gene with ``c`` copies
  in the tumour cells yields (p·c + (1 − p)·2) / 2 times the depth of a copy-neutral target
  in a tumour of purity p (normal cells keep two copies).
* **B-allele shifts**: the share of fragments from haplotype 0 at a target is
  (p·a + (1 − p)) / (p·c + 2(1 − p)), ``a`` the tumour's copies of haplotype 0, so
  heterozygous germline SNPs move away from 0.5 where the tumour gained or lost one allele.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from presis.devtools.simulate import (
    ErrorModel,
    Interval,
    Library,
    Sample,
    SampleReads,
    Variant,
    _Alleles,
    _FastqPair,
    _fragment_length,
    _off_target_fragments,
    _ReadMaker,
    _Stutter,
    fragment_sequence,
    reverse_complement,
)

DEFAULT_LIBRARY, DEFAULT_ERRORS = Library(), ErrorModel()


@dataclass(frozen=True)
class GeneTarget:
    """A panel target with its gene (BED column 4)."""

    interval: Interval
    gene: str


@dataclass(frozen=True)
class CopyNumber:
    """Tumour-cell copies of one gene; ``haplotype0`` of them on haplotype 0 (default: all but one
    copy on haplotype 0 when gained, none left when lost)."""

    gene: str
    copies: int
    haplotype0: int | None = None

    def copies_on_haplotype0(self) -> int:
        if self.haplotype0 is not None:
            return self.haplotype0
        return max(0, self.copies - 1) if self.copies >= 1 else 0


def read_gene_targets(bed: str | Path) -> list[GeneTarget]:
    targets = []
    for line in Path(bed).read_text().splitlines():
        if not line.strip() or line.startswith(("#", "track", "browser")):
            continue
        fields = line.split("\t")
        targets.append(GeneTarget(Interval(fields[0], int(fields[1]), int(fields[2])), fields[3]))
    return targets


def _lognormal(rng: random.Random, sd: float) -> float:
    return math.exp(rng.gauss(-sd * sd / 2, sd))  # mean 1


def capture_factors(targets: Sequence[GeneTarget], panel_seed: int, capture_sd: float = 0.35) -> list[float]:
    """One capture efficiency per target, shared by every sample of the panel."""
    rng = random.Random(f"presis-sim-cnv:{panel_seed}:capture")
    return [_lognormal(rng, capture_sd) for _ in targets]


def sample_factors(targets: Sequence[GeneTarget], sample_seed: int, sample_sd: float = 0.08) -> list[float]:
    """Per-target, per-sample library noise."""
    rng = random.Random(f"presis-sim-cnv:{sample_seed}:sample")
    return [_lognormal(rng, sample_sd) for _ in targets]


def copy_number_factors(
    targets: Sequence[GeneTarget], events: Sequence[CopyNumber], purity: float
) -> tuple[list[float], list[float]]:
    """(depth factor, haplotype-0 share) per target for a tumour of this purity."""
    by_gene = {event.gene: event for event in events}
    depth, share = [], []
    for target in targets:
        event = by_gene.get(target.gene)
        if event is None:
            depth.append(1.0)
            share.append(0.5)
            continue
        total = purity * event.copies + (1 - purity) * 2
        depth.append(total / 2)
        share.append((purity * event.copies_on_haplotype0() + (1 - purity)) / total if total > 0 else 0.5)
    return depth, share


class _ShiftedAlleles(_Alleles):
    """Alleles with a per-fragment haplotype-0 probability (B-allele shift)."""

    def carried_shifted(
        self, rng: random.Random, chrom: str, start: int, end: int, tumour: bool, share0: float
    ) -> list[Variant]:
        return self.carried(rng, chrom, start, end, tumour, share0)


def _target_fragments(
    rng: random.Random,
    targets: Sequence[GeneTarget],
    depths: Sequence[float],
    library: Library,
    reference: dict[str, str],
) -> Iterator[tuple[str, int, int, int]]:
    """(contig, start, length, target index) of the captured fragments, each target at its own depth."""
    cover = library.mean_read_cover()
    for index, (target, depth) in enumerate(zip(targets, depths, strict=True)):
        interval = target.interval
        overlap = min(library.min_target_overlap, interval.length // 2)
        width = interval.length - 2 * overlap + library.fragment_mean
        for _ in range(round(depth * width / cover)):
            length = _fragment_length(rng, library)
            low = max(0, interval.start + overlap - length)
            high = min(len(reference[interval.chrom]) - length, interval.end - overlap)
            if high >= low:
                yield interval.chrom, rng.randint(low, high), length, index


def simulate_cnv_sample(
    reference: dict[str, str],
    targets: Sequence[GeneTarget],
    variants: Sequence[Variant],
    sample: Sample,
    out_prefix: str | Path,
    depth_factors: Sequence[float],
    haplotype0_share: Sequence[float] | None = None,
    library: Library = DEFAULT_LIBRARY,
    errors: ErrorModel = DEFAULT_ERRORS,
) -> SampleReads:
    """Like :func:`presis.devtools.simulate.simulate_sample`, with a depth factor and a haplotype-0
    share per target; deterministic in ``sample.seed``."""
    rng = random.Random(f"presis-sim-cnv:{sample.seed}:reads:{'tumour' if sample.tumour else 'normal'}")
    alleles = _ShiftedAlleles(variants)
    stutter = _Stutter(reference, library)
    maker = _ReadMaker(errors, library.read_length)
    fastq = _FastqPair(Path(out_prefix))
    result = SampleReads(*fastq.paths)
    shares = haplotype0_share or [0.5] * len(targets)

    def emit(chrom: str, start: int, length: int, share0: float) -> None:
        carried = alleles.carried_shifted(rng, chrom, start, start + length, sample.tumour, share0)
        slips = stutter.slips(rng, chrom, start, start + length)
        if slips:
            carried = sorted(carried + slips, key=lambda v: (v.pos, v.origin == "artefact"))
        molecule = fragment_sequence(reference[chrom], start, length, carried)
        if len(molecule) <= library.read_length:
            return
        if rng.random() < 0.5:
            molecule = reverse_complement(molecule)
        templates = (molecule[: library.read_length + 1], reverse_complement(molecule)[: library.read_length + 1])
        copies = 2 if rng.random() < library.duplicate_fraction else 1
        for _ in range(copies):
            read1, read2 = maker.read(rng, templates[0], 1), maker.read(rng, templates[1], 2)
            fastq.write(f"{sample.name}:{result.pairs}", read1, read2)
            result.pairs += 1
        result.duplicates += copies - 1

    depths = [sample.depth * factor for factor in depth_factors]
    try:
        for chrom, start, length, index in _target_fragments(rng, targets, depths, library, reference):
            emit(chrom, start, length, shares[index])
            result.on_target += 1
        n_off = round(result.on_target * library.off_target_fraction / (1 - library.off_target_fraction))
        for chrom, start, length in _off_target_fragments(rng, n_off, library, reference):
            emit(chrom, start, length, 0.5)
            result.off_target += 1
    finally:
        fastq.close()
    return result


def combined_factors(*factors: Sequence[float]) -> list[float]:
    return [math.prod(values) for values in zip(*factors, strict=True)]


def truth_by_gene(events: Sequence[CopyNumber]) -> Mapping[str, int]:
    return {event.gene: event.copies for event in events}
