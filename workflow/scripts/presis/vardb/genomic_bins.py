"""Hierarchical genomic bins (the UCSC binning scheme, Kent et al., Genome Res 2002, with a
finer first level): an interval index for the panel regions.

Each region is filed under the smallest bin that holds it whole (bins of 1 kb, 8 kb, 64 kb, …,
each level 8 times coarser); the regions that can hold a position are then only in the one bin
per level over it, so "which contributors are callable here" reads a few index entries instead
of every region on the chromosome. The first level is 1 kb rather than UCSC's 128 kb because
panel regions are a few hundred bases, and every contributor with the same panel has the same
regions: a 128 kb bin would hold thousands of rows per contributor set.
"""

from __future__ import annotations

MAX_END = 1 << 29  # 512 Mb: longer than any human chromosome
SHIFTS = tuple(range(10, 32, 3))  # bin sizes 2**10 (1 kb), 2**13, … 2**31 (one bin for everything)


def _offsets() -> tuple[int, ...]:
    """The first bin number of each level: the coarser levels are numbered first."""
    offsets, total = [], 0
    for shift in reversed(SHIFTS):
        offsets.append(total)
        total += ((MAX_END - 1) >> shift) + 1
    return tuple(reversed(offsets))


OFFSETS = _offsets()


def region_bin(start: int, end: int) -> int:
    """The bin of a 0-based, half-open region [start, end)."""
    if not 0 <= start < end <= MAX_END:
        raise ValueError(f"region {start}-{end} is outside 0-{MAX_END} or empty")
    for shift, offset in zip(SHIFTS, OFFSETS, strict=False):
        if start >> shift == (end - 1) >> shift:
            return offset + (start >> shift)
    raise AssertionError("unreachable: the last level has one bin for everything")


def bins_over(position0: int) -> list[int]:
    """Every bin that may hold a region containing the 0-based position."""
    return [offset + (position0 >> shift) for shift, offset in zip(SHIFTS, OFFSETS, strict=False)]
