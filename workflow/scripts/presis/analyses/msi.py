"""Microsatellite instability from tumour/normal repeat-length distributions inside the panel.

Method (presis' own, after MSIsensor: Niu B et al., Bioinformatics 2014):

1. **Loci** (:func:`find_microsatellites`): mononucleotide runs of >= ``msi.min_homopolymer`` bases
   and 2-4 bp units repeated >= ``msi.min_repeat_units`` times, lying wholly inside a panel target
   with ``msi.flank`` bases to spare on both sides.
2. **Lengths** (:func:`repeat_lengths`): for each read that aligns without clipping from ``flank``
   bases before to ``flank`` bases after the repeat (MAPQ >= calling.min_mapq, no duplicates or
   secondary alignments), the repeat's length in that read = reference length + inserted - deleted
   bases inside the repeat (bwa places the indel of a slipped repeat at its left end).
3. **Locus** (:func:`compare_locus`): evaluable with >= ``msi.min_reads`` spanning reads in both
   samples; unstable when the tumour's share of reads off the normal's modal length exceeds the
   normal's share by >= ``msi.min_shift`` and a one-sided Fisher exact test gives p < ``msi.max_p``.
   PCR stutter adds off-length reads to both samples alike, so it cancels.
4. **Sample** (:func:`msi_status`): "not evaluable" with fewer than ``msi.min_loci`` evaluable loci
   (or without a matched normal); MSI-high when unstable / evaluable >= ``msi.high_fraction``,
   else MSI-stable.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pysam

_CONSUMES_REF = {0, 2, 3, 7, 8}
_INSERTION, _DELETION, _SOFT_CLIP = 1, 2, 4


@dataclass(frozen=True)
class Locus:
    """A microsatellite: 0-based half-open [start, end) on the reference."""

    chrom: str
    start: int
    end: int
    unit: str

    @property
    def length(self) -> int:
        return self.end - self.start

    @property
    def name(self) -> str:
        return f"{self.chrom}:{self.start + 1}-{self.end}({self.unit})x{self.length // len(self.unit)}"


def _pattern(min_homopolymer: int, min_units: int) -> re.Pattern:
    return re.compile(rf"([ACGT])\1{{{min_homopolymer - 1},}}|([ACGT]{{2,4}}?)\2{{{min_units - 1},}}")


def periodic_tract(sequence: str, start: int, end: int, period: int) -> tuple[int, int]:
    """The whole periodic stretch around a repeat match: a slipped unit can be aligned anywhere in
    it (bwa and bcftools place an indel at its left end), so the locus must cover all of it."""
    while start > 0 and sequence[start - 1] == sequence[start - 1 + period]:
        start -= 1
    while end < len(sequence) and sequence[end] == sequence[end - period]:
        end += 1
    return start, end


def _sequence(reference, chrom: str, start: int, end: int) -> str:
    """Upper-case reference bases of [start, end): from a mapping of whole contigs (tests) or a
    pysam.FastaFile, fetched per target so that memory does not grow with the genome."""
    if isinstance(reference, Mapping):
        return reference[chrom][start:end].upper()
    return reference.fetch(chrom, start, end).upper()


def find_microsatellites(reference, targets: Iterable, min_homopolymer: int, min_units: int, flank: int) -> list[Locus]:
    """Microsatellites wholly inside the targets (anything with chrom, 0-based start, end), with
    ``flank`` bases to spare on both sides; sorted. ``reference``: a pysam.FastaFile or a mapping
    of contig name to sequence."""
    pattern = _pattern(min_homopolymer, min_units)
    found: dict[tuple[str, int], Locus] = {}
    for target in targets:
        chrom, target_start, target_end = (
            (target.chrom, target.start, target.end) if hasattr(target, "chrom") else target[:3]
        )
        # A tract cut off at the target's edge is rejected by the flank rule below, so the
        # target's own bases suffice to find and measure every locus that counts.
        sequence = _sequence(reference, chrom, target_start, target_end)
        for match in pattern.finditer(sequence):
            unit = match.group(1) or match.group(2)
            if match.group(2) and len(set(unit)) == 1:
                continue  # "AA" x 3 is a homopolymer, judged by its own rule
            start, end = periodic_tract(sequence, match.start(), match.end(), len(unit))
            if start - flank >= 0 and end + flank <= len(sequence):
                locus_start = target_start + start
                found[(chrom, locus_start)] = Locus(
                    chrom, locus_start, target_start + end, sequence[start : start + len(unit)]
                )
    return sorted(found.values(), key=lambda locus: (locus.chrom, locus.start))


def read_repeat_length(read: pysam.AlignedSegment, locus: Locus, flank: int) -> int | None:
    """The repeat's length in this read, or None when the read does not span it with flanks."""
    if (
        read.reference_start > locus.start - flank
        or read.reference_end is None
        or read.reference_end < locus.end + flank
    ):
        return None
    length, position = locus.length, read.reference_start
    for operation, size in read.cigartuples:
        if operation == _SOFT_CLIP and locus.start - flank < position < locus.end + flank:
            return None
        if operation == _INSERTION and locus.start <= position <= locus.end:
            length += size
        elif operation == _DELETION and position < locus.end and position + size > locus.start:
            if position < locus.start or position + size > locus.end:
                return None  # a deletion reaching into the flank: not a repeat-length change
            length -= size
        if operation in _CONSUMES_REF:
            position += size
    return length


def repeat_lengths(bam: pysam.AlignmentFile, locus: Locus, flank: int, min_mapq: int) -> Counter:
    lengths: Counter = Counter()
    for read in bam.fetch(locus.chrom, max(0, locus.start - flank), locus.end + flank):
        if read.is_unmapped or read.is_secondary or read.is_supplementary or read.is_duplicate:
            continue
        if read.mapping_quality < min_mapq:
            continue
        length = read_repeat_length(read, locus, flank)
        if length is not None:
            lengths[length] += 1
    return lengths


def fisher_greater(a: int, b: int, c: int, d: int) -> float:
    """One-sided Fisher exact p: the first row's share of 'a' is greater than the second row's.

    Table [[a, b], [c, d]]: tumour off-length/on-length, normal off-length/on-length.
    """
    row1, col1, total = a + b, a + c, a + b + c + d

    def log_p(x: int) -> float:
        return (
            math.lgamma(col1 + 1) - math.lgamma(x + 1) - math.lgamma(col1 - x + 1)
            + math.lgamma(total - col1 + 1) - math.lgamma(row1 - x + 1) - math.lgamma(total - col1 - row1 + x + 1)
            - math.lgamma(total + 1) + math.lgamma(row1 + 1) + math.lgamma(total - row1 + 1)
        )  # fmt: skip

    return min(1.0, sum(math.exp(log_p(x)) for x in range(a, min(row1, col1) + 1)))


def compare_locus(tumour: Counter, normal: Counter, *, min_reads: int, min_shift: float, max_p: float) -> dict:
    n_t, n_n = sum(tumour.values()), sum(normal.values())
    if n_t < min_reads or n_n < min_reads:
        return {"evaluable": False, "unstable": False, "tumour_reads": n_t, "normal_reads": n_n}
    mode = max(sorted(normal), key=lambda length: normal[length])
    off_t, off_n = n_t - tumour[mode], n_n - normal[mode]
    shift = off_t / n_t - off_n / n_n
    p = fisher_greater(off_t, n_t - off_t, off_n, n_n - off_n)
    return {
        "evaluable": True,
        "unstable": bool(shift >= min_shift and p < max_p),
        "tumour_reads": n_t,
        "normal_reads": n_n,
        "normal_mode": mode,
        "shift": round(shift, 3),
        "p": float(f"{p:.3g}"),
    }


def msi_status(loci: list[dict], *, min_loci: int, high_fraction: float, normal: bool = True) -> dict:
    evaluable = [locus for locus in loci if locus["evaluable"]]
    unstable = [locus for locus in evaluable if locus["unstable"]]
    fraction = round(len(unstable) / len(evaluable), 3) if evaluable else None
    if not normal:
        status, reason = "not evaluable", "MSI needs a matched normal: this is a tumour-only analysis"
    elif len(evaluable) < min_loci:
        status = "not evaluable"
        reason = f"{len(evaluable)} of {len(loci)} microsatellites in the targets had enough reads; at least {min_loci} needed"
    else:
        status = "MSI-high" if fraction >= high_fraction else "MSI-stable"
        reason = f"{len(unstable)} of {len(evaluable)} evaluable microsatellites unstable ({fraction:.0%}; MSI-high at >= {high_fraction:.0%})"
    return {
        "status": status,
        "msi_high": status == "MSI-high",
        "loci_in_targets": len(loci),
        "loci_evaluable": len(evaluable),
        "loci_unstable": len(unstable),
        "unstable_fraction": fraction,
        "min_loci": min_loci,
        "high_fraction": high_fraction,
        "reason": reason,
    }


def analyse(reference, targets: list, tumour_bam: str, normal_bam: str | None, settings: dict, min_mapq: int) -> dict:
    """The MSI result of one patient: per-locus comparisons and the sample status."""
    loci = find_microsatellites(
        reference, targets, settings["min_homopolymer"], settings["min_repeat_units"], settings["flank"]
    )
    results = []
    if normal_bam:
        with pysam.AlignmentFile(tumour_bam) as tumour, pysam.AlignmentFile(normal_bam) as normal:
            for locus in loci:
                t = repeat_lengths(tumour, locus, settings["flank"], min_mapq)
                n = repeat_lengths(normal, locus, settings["flank"], min_mapq)
                result = compare_locus(
                    t, n, min_reads=settings["min_reads"], min_shift=settings["min_shift"], max_p=settings["max_p"]
                )
                results.append({"locus": locus.name, "reference_length": locus.length, **result})
    status = msi_status(
        results if normal_bam else [],
        min_loci=settings["min_loci"],
        high_fraction=settings["high_fraction"],
        normal=bool(normal_bam),
    )
    status["loci_in_targets"] = len(loci)
    return {**status, "loci": results}
