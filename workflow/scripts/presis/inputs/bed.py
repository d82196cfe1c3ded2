"""Panel BEDs: read (gene in column 4), look up, and split into calling shards."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from presis.errors import InputError


def read_panel(path: str | Path, contigs: list[str] | None = None) -> pd.DataFrame:
    """chrom, start (0-based), end, gene; sorted in reference order when ``contigs`` is given."""
    try:
        bed = pd.read_csv(path, sep="\t", header=None, comment="#", dtype={0: str, 3: str})
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise InputError(f"cannot read the panel BED: {error}", str(path)) from error
    if bed.shape[1] < 4:
        raise InputError("a panel BED needs 4 columns: chrom, start, end, gene name", str(path))
    bed = bed.iloc[:, :4]
    bed.columns = ["chrom", "start", "end", "gene"]
    problems = []
    if contigs is not None:
        unknown = sorted(set(bed["chrom"]) - set(contigs))
        if unknown:
            problems.append(
                f"contigs {', '.join(unknown)} are not in the reference FASTA — is this panel for another reference build?"
            )
        order = {name: i for i, name in enumerate(contigs)}
        bed = bed.assign(_order=bed["chrom"].map(order)).sort_values(["_order", "start", "end"]).drop(columns="_order")
    if (bed["end"] <= bed["start"]).any():
        rows = ", ".join(str(i + 1) for i in bed.index[bed["end"] <= bed["start"]][:5])
        problems.append(f"intervals with end <= start on lines {rows}")
    if problems:
        raise InputError(problems, str(path))
    return bed.reset_index(drop=True)


def merge_intervals(
    intervals: pd.DataFrame | Iterable[tuple], contig_order: Sequence[str] | None = None
) -> list[tuple]:
    """Overlapping or touching intervals merged, sorted by contig then start.

    ``intervals``: a panel from read_panel (chrom, start, end are used) or (chrom, start, end, *rest)
    tuples; a merged interval keeps the rest (e.g. the gene name) of its first interval, and a start
    before the contig (negative, from padding) is clipped to 0. Contigs come in ``contig_order``
    (the reference's), else in the order they first appear.
    """
    if isinstance(intervals, pd.DataFrame):
        intervals = intervals[["chrom", "start", "end"]].itertuples(index=False, name=None)
    intervals = list(intervals)
    order = {name: i for i, name in enumerate(contig_order or dict.fromkeys(iv[0] for iv in intervals))}
    merged: list[list] = []
    for chrom, start, end, *rest in sorted(intervals, key=lambda iv: (order[iv[0]], iv[1])):
        if merged and merged[-1][0] == chrom and start <= merged[-1][2]:
            merged[-1][2] = max(merged[-1][2], end)
        else:
            merged.append([chrom, max(0, start), end, *rest])
    return [tuple(m) for m in merged]


def split_shards(intervals: list[tuple[str, int, int]], n: int) -> list[list[tuple[str, int, int]]]:
    """Exactly n non-empty shards of (nearly) equal bases, in reference order, so the shards'
    calls concatenate into a sorted VCF. Shard k holds bases [k*total/n, (k+1)*total/n) of the
    panel laid end to end: an interval crossing a cut is split there at a base boundary, so a
    one-interval panel still keeps every core busy. The parts do not overlap, so each variant is
    called by exactly one shard: the one whose part holds its POS (``bcftools mpileup -R``
    only reports pileup columns inside the regions; an indel belongs to the column before it)."""
    total = sum(end - start for _, start, end in intervals)
    if n < 1:
        raise ValueError(f"calling.shards must be at least 1, not {n}")
    if total < n:
        raise InputError(
            f"the panel has {total} bases, fewer than calling.shards = {n}: lower calling.shards",
            "panel BED",
        )
    cuts = [total * k // n for k in range(1, n)]  # panel offsets where a new shard starts
    shards: list[list[tuple[str, int, int]]] = [[] for _ in range(n)]
    done = 0
    for chrom, start, end in intervals:
        while start < end:
            index = bisect.bisect_right(cuts, done)
            stop = end if index == n - 1 else min(end, start + cuts[index] - done)
            shards[index].append((chrom, start, stop))
            done += stop - start
            start = stop
    return shards


class PanelIndex:
    """Which panel genes an interval overlaps; built once per table."""

    def __init__(self, bed: pd.DataFrame):
        self._by_chrom: dict[str, list[tuple[int, int, str]]] = {}
        for chrom, start, end, gene in bed[["chrom", "start", "end", "gene"]].itertuples(index=False):
            self._by_chrom.setdefault(chrom, []).append((start, end, gene))
        for items in self._by_chrom.values():
            items.sort()
        self._starts = {c: [s for s, _, _ in items] for c, items in self._by_chrom.items()}
        self._longest = {c: max(e - s for s, e, _ in items) for c, items in self._by_chrom.items()}

    def genes_at(self, chrom: str, pos: int, end: int | None = None) -> list[str]:
        """Genes of intervals overlapping 1-based [pos, end]."""
        end = pos if end is None else end
        items = self._by_chrom.get(chrom, [])
        if not items:
            return []
        lo = bisect.bisect_left(self._starts[chrom], pos - 1 - self._longest[chrom])
        hi = bisect.bisect_right(self._starts[chrom], end)
        return sorted({gene for start, stop, gene in items[lo:hi] if start < end and stop >= pos})
