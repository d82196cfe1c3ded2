"""The UCSC binning scheme (Kent et al., Genome Res 2002): an interval index for regions.

Each region is filed under the smallest bin that holds it whole (bins of 128 kb, 1 Mb, 8 Mb,
64 Mb and 512 Mb); the regions that can hold a position are then only in the five bins over
it, so "which contributors are callable here" reads a handful of index entries instead of
every region on the chromosome.
"""

from __future__ import annotations

FIRST_SHIFT, NEXT_SHIFT = 17, 3
OFFSETS = (585, 73, 9, 1, 0)  # first bin number of each level, 128 kb bins first (8**3 + 8**2 + 8 + 1, …)
MAX_END = 1 << 29  # 512 Mb: longer than any human chromosome


def region_bin(start: int, end: int) -> int:
    """The bin of a 0-based, half-open region [start, end)."""
    if not 0 <= start < end <= MAX_END:
        raise ValueError(f"region {start}-{end} is outside 0-{MAX_END} or empty")
    start_bin, end_bin = start >> FIRST_SHIFT, (end - 1) >> FIRST_SHIFT
    for offset in OFFSETS:
        if start_bin == end_bin:
            return offset + start_bin
        start_bin, end_bin = start_bin >> NEXT_SHIFT, end_bin >> NEXT_SHIFT
    raise AssertionError("unreachable: the last bin holds every region")


def bins_over(position0: int) -> list[int]:
    """Every bin that may hold a region containing the 0-based position."""
    bins, current = [], position0 >> FIRST_SHIFT
    for offset in OFFSETS:
        bins.append(offset + current)
        current >>= NEXT_SHIFT
    return bins
