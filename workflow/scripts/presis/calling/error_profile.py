"""A sample's own sequencing error rates, measured on its reads over the panel.

Reported base qualities are often miscalibrated (a binned NovaSeq Q37 is rarely right once in
5,000), so the somatic model never trusts them alone: for each substitution (reference base ->
read base, in reference orientation) it also uses the rate at which this sample's reads show
that mismatch at sites that are not variants. FFPE deamination raises C>T and G>A, a poor run
raises everything: either raises the error an alt read is allowed to be.

Method: every read of the sample (MAPQ >= min_mapq, not a duplicate, secondary or
supplementary) is counted target by target (pysam count_coverage); each aligned base
of quality >= min_baseq is tallied per reference position by read base. A position where one
non-reference base reaches ``variant_fraction`` of the reads is a variant (germline or a
clonal somatic one) and left out; the rest are errors. Memory is one target's tallies at a
time, whatever the genome or panel size.

Indels in homopolymers (PCR and polymerase slippage, "stutter"): for every homopolymer run
of the panel's reference (``MIN_RUN`` bases or longer), the reads that span it with a flank
base either side, and those of them whose alignment gains or loses bases of the run, tallied
by run length, from the tumour's and (when there is one) the normal's reads. A run where
slips reach ``variant_fraction`` of its reads holds a variant and is left out. The rate of a
one-base deletion (insertion) in a run of length L is then (slips + 1) / (reads + 1) pooled
over the runs of that length, never below a shorter run's (stutter grows with the run).

Per calling shard: the profile is counts only, so each shard's part of the panel (the calling
shard BED, which may cut a target) is measured in a job of its own and the parts are summed
(``merge``). A position is counted by the shard that holds it; a homopolymer run by the shard
that holds its first base, with the run, its reads and its variant test taken from the whole
target as unsharded: the merged profile equals the whole panel's.
"""

from __future__ import annotations

import bisect
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pysam

BASES = "ACGT"
MIN_RUN = 2  # shortest homopolymer whose slips are measured


@dataclass
class ErrorProfile:
    """Bases seen and mismatches per substitution, over non-variant panel positions."""

    bases: dict[str, int] = field(default_factory=lambda: {b: 0 for b in BASES})  # by reference base
    mismatches: dict[str, int] = field(default_factory=dict)  # "C>T" -> reads showing T at a C
    excluded_positions: int = 0
    # homopolymer length -> [spanning reads, reads losing run bases, reads gaining run bases]
    homopolymer: dict[int, list[int]] = field(default_factory=dict)

    def homopolymer_indel_rate(self, length: int, insertion: bool) -> float | None:
        """Per-read probability of a slip (deletion, or insertion) in a run of ``length`` bases;
        None without a measurement for this or a shorter run."""
        rates = [
            (tally[2 if insertion else 1] + 1) / (tally[0] + 1)
            for run, tally in self.homopolymer.items()
            if run <= length and tally[0] > 0
        ]
        return max(rates) if rates else None

    def rate(self, ref: str, alt: str) -> float:
        """Per-read probability that a base at reference ``ref`` reads as ``alt`` by error.

        One pseudo-mismatch per substitution keeps a shallow profile from claiming a zero rate.
        """
        n = self.bases.get(ref, 0)
        return (self.mismatches.get(f"{ref}>{alt}", 0) + 1) / (n + 1)

    def to_json(self) -> dict:
        rates = {f"{r}>{a}": round(self.rate(r, a), 7) for r in BASES for a in BASES if a != r}
        return {
            "bases": self.bases,
            "mismatches": self.mismatches,
            "excluded_positions": self.excluded_positions,
            "rates": rates,
            "homopolymer": {str(k): v for k, v in sorted(self.homopolymer.items())},
            "homopolymer_rates": {
                str(k): {
                    "deletion": round(self.homopolymer_indel_rate(k, False), 7),
                    "insertion": round(self.homopolymer_indel_rate(k, True), 7),
                }
                for k in sorted(self.homopolymer)
                if self.homopolymer_indel_rate(k, False) is not None
            },
        }

    @classmethod
    def from_json(cls, data: dict) -> ErrorProfile:
        homopolymer = {int(k): list(v) for k, v in data.get("homopolymer", {}).items()}
        return cls(dict(data["bases"]), dict(data["mismatches"]), int(data.get("excluded_positions", 0)), homopolymer)

    @classmethod
    def read(cls, path: str | Path) -> ErrorProfile:
        return cls.from_json(json.loads(Path(path).read_text()))


def read_targets(bed: str | Path) -> list[tuple[str, int, int]]:
    """The BED's targets, sorted and merged (0-based, end exclusive)."""
    return _targets(bed)


def _targets(bed: str | Path) -> list[tuple[str, int, int]]:
    rows = []
    for line in Path(bed).read_text().splitlines():
        if line.strip() and not line.startswith(("#", "track", "browser")):
            chrom, start, end = line.split("\t")[:3]
            rows.append((chrom, int(start), int(end)))
    rows.sort()
    merged: list[tuple[str, int, int]] = []
    for chrom, start, end in rows:
        if merged and merged[-1][0] == chrom and start <= merged[-1][2]:
            merged[-1] = (chrom, merged[-1][1], max(merged[-1][2], end))
        else:
            merged.append((chrom, start, end))
    return merged


def merge(profiles: list[ErrorProfile]) -> ErrorProfile:
    """The sum of the profiles of disjoint parts of the panel (the calling shards'): one profile."""
    total = ErrorProfile()
    for part in profiles:
        for base, n in part.bases.items():
            total.bases[base] = total.bases.get(base, 0) + n
        for key, n in part.mismatches.items():
            total.mismatches[key] = total.mismatches.get(key, 0) + n
        total.excluded_positions += part.excluded_positions
        for run, tally in part.homopolymer.items():
            kept = total.homopolymer.setdefault(run, [0, 0, 0])
            for i, n in enumerate(tally):
                kept[i] += n
    total.mismatches = dict(sorted(total.mismatches.items()))
    return total


def _windows(targets: list[tuple[str, int, int]], regions: list[tuple[str, int, int]] | None):
    """Each target with the parts of it to count: all of it, or its overlaps with ``regions``."""
    if regions is None:
        return [((chrom, start, end), [(start, end)]) for chrom, start, end in targets]
    by_chrom: dict[str, list[tuple[int, int]]] = {}
    for chrom, start, end in regions:  # sorted and merged (_targets): ends ascend too
        by_chrom.setdefault(chrom, []).append((start, end))
    ends = {chrom: [e for _, e in spans] for chrom, spans in by_chrom.items()}
    out = []
    for chrom, start, end in targets:
        spans = by_chrom.get(chrom, [])
        parts = []
        for s, e in spans[bisect.bisect_right(ends.get(chrom, []), start) :]:
            if s >= end:
                break
            parts.append((max(start, s), min(end, e)))
        if parts:
            out.append(((chrom, start, end), parts))
    return out


def measure(
    bam: str | Path,
    fasta: str | Path,
    bed: str | Path,
    min_mapq: int,
    min_baseq: int,
    variant_fraction: float = 0.1,
    indel_bams: list[str | Path] | None = None,
    regions: str | Path | None = None,
) -> ErrorProfile:
    """The error profile of the reads in ``bam`` over the targets of ``bed``; homopolymer
    slips from ``indel_bams`` (default: ``bam``). ``regions``: a BED (a calling shard's) of the
    parts of the targets to count; the profiles of a partition of the panel ``merge`` into the
    whole panel's."""
    profile = ErrorProfile()
    windows = _windows(_targets(bed), _targets(regions) if regions is not None else None)

    def usable(read: pysam.AlignedSegment) -> bool:
        # Not unmapped, secondary, QC-failed, duplicate or supplementary: one flag test per read.
        return not read.flag & 0xF04 and read.mapping_quality >= min_mapq

    slip_paths = [str(path) for path in indel_bams or [bam]]
    with pysam.FastaFile(str(fasta)) as reference:
        files = {path: pysam.AlignmentFile(path) for path in dict.fromkeys([str(bam), *slip_paths])}
        try:
            for (chrom, start, end), parts in windows:
                # Each BAM's usable reads of the whole target, read once for both tallies.
                target_reads = {
                    path: [read for read in reads.fetch(chrom, start, end) if usable(read)]
                    for path, reads in files.items()
                    if chrom in reads.references
                }
                if str(bam) in target_reads:
                    for part_start, part_end in parts:
                        sequence = reference.fetch(chrom, part_start, part_end).upper()
                        # Both mates of a pair count where they overlap: each is its own read of the base.
                        counts = base_counts(target_reads[str(bam)], part_start, part_end, min_baseq)
                        _tally(profile, sequence, counts, variant_fraction)
                for path in slip_paths:
                    if path in target_reads:
                        _tally_slips(profile, target_reads[path], reference, chrom, start, end, variant_fraction, parts)
        finally:
            for reads in files.values():
                reads.close()
    return profile


_CODE = np.full(256, 4, dtype=np.uint8)  # read base -> index in BASES (4: not counted, e.g. N)
for _i, _b in enumerate(BASES):
    _CODE[ord(_b)] = _i
_ALIGNED = (0, 7, 8)  # CIGAR M, =, X: a read base on a reference base


def base_counts(reads, start: int, end: int, min_baseq: int) -> np.ndarray:
    """The ``reads``' bases of quality >= ``min_baseq`` per reference position of [start, end), by
    read base: an array (end - start) x 4 (A, C, G, T), what pysam's count_coverage counts (aligned
    bases only; N not counted; no qualities: not counted unless ``min_baseq`` is 0), in a
    few array operations per target instead of a Python tuple per aligned base."""
    sequences, qualities, block_query, block_ref, block_len = [], [], [], [], []
    offset = 0
    for read in reads:
        sequence, quality = read.query_sequence, read.query_qualities
        if not sequence or (quality is None and min_baseq):
            continue
        sequences.append(sequence)
        qualities.append(quality if quality is not None else bytes(len(sequence)))
        query, position = 0, read.reference_start
        for op, length in read.cigartuples or []:
            if op in _ALIGNED:
                block_query.append(offset + query)
                block_ref.append(position)
                block_len.append(length)
                query += length
                position += length
            elif op in (1, 4):
                query += length
            elif op in (2, 3):
                position += length
        offset += len(sequence)
    counts = np.zeros((end - start) * 4, dtype=np.int64)
    if not block_len:
        return counts.reshape(-1, 4)
    lengths = np.asarray(block_len, dtype=np.int64)
    # Each block's bases: its first query index / reference position, then one more per base.
    step = np.arange(lengths.sum(), dtype=np.int64) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    query_index = np.repeat(np.asarray(block_query, dtype=np.int64), lengths) + step
    ref_index = np.repeat(np.asarray(block_ref, dtype=np.int64), lengths) + step - start
    bases = _CODE[np.frombuffer("".join(sequences).encode(), dtype=np.uint8)][query_index]
    quals = np.frombuffer(b"".join(qualities), dtype=np.uint8)[query_index]
    keep = (ref_index >= 0) & (ref_index < end - start) & (bases < 4) & (quals >= min_baseq)
    counts += np.bincount(ref_index[keep] * 4 + bases[keep], minlength=(end - start) * 4)
    return counts.reshape(-1, 4)


def _runs(sequence: str, offset: int) -> list[tuple[int, int]]:
    """Homopolymer runs of at least MIN_RUN bases: (0-based start, end exclusive)."""
    runs, i = [], 0
    while i < len(sequence):
        j = i
        while j < len(sequence) and sequence[j] == sequence[i]:
            j += 1
        if j - i >= MIN_RUN and sequence[i] in BASES:
            runs.append((offset + i, offset + j))
        i = j
    return runs


def _tally_slips(profile, reads, reference, chrom, start, end, variant_fraction, parts=None) -> None:
    """Reads (the target's usable ones) spanning each homopolymer run of the target, and those
    slipping in it; only the runs starting in ``parts`` (default: the whole target) are tallied,
    but the runs, the reads and their slips are the whole target's, so a run at a shard's cut
    counts once and as unsharded."""
    offset = max(0, start - 1)
    sequence = reference.fetch(chrom, offset, end + 1).upper()
    runs = _runs(sequence, offset)
    if not runs:
        return
    run_starts = [s for s, _ in runs]
    starts, ends = [], []
    slips: dict[int, list[int]] = {}  # run index -> [deletions, insertions]
    for read in reads:
        starts.append(read.reference_start)
        ends.append(read.reference_end)
        position, query = read.reference_start, 0
        for op, length in read.cigartuples or []:
            if op in (1, 2):
                # The run whose bases the gap takes or adds: the gap lies in it or right after it.
                index = bisect.bisect_right(run_starts, position) - 1
                if index >= 0 and runs[index][0] <= position <= runs[index][1]:
                    run_start, run_end = runs[index]
                    if op == 2:
                        gap = sequence[position - offset : position - offset + length]
                    else:
                        gap = (read.query_sequence or "")[query : query + length].upper()
                    if (op == 1 or position + length <= run_end) and gap == sequence[run_start - offset] * length:
                        slips.setdefault(index, [0, 0])[0 if op == 2 else 1] += 1
            if op in (0, 2, 3, 7, 8):
                position += length
            if op in (0, 1, 4, 7, 8):
                query += length
    starts.sort()
    ends.sort()
    parts = parts or [(start, end)]
    for index, (run_start, run_end) in enumerate(runs):
        if not any(s <= run_start < e for s, e in parts):
            continue
        # Reads starting before the flank base and ending after the other flank base.
        spanning = bisect.bisect_right(starts, run_start - 2) - bisect.bisect_right(ends, run_end + 1)
        if spanning <= 0:
            continue
        deletions, insertions = slips.get(index, (0, 0))
        if deletions + insertions >= max(2, variant_fraction * spanning):
            continue  # a variant, not stutter
        tally = profile.homopolymer.setdefault(run_end - run_start, [0, 0, 0])
        tally[0] += spanning
        tally[1] += deletions
        tally[2] += insertions


def _tally(profile: ErrorProfile, sequence: str, counts: np.ndarray, variant_fraction: float) -> None:
    """Add one stretch's per-position base counts (``base_counts``) to the profile, leaving out
    the positions where one non-reference base reaches ``variant_fraction`` of the reads (and 2)."""
    ref = _CODE[np.frombuffer(sequence.encode(), dtype=np.uint8)]
    valid = ref < 4
    counts, ref = counts[valid], ref[valid].astype(np.int64)
    depth = counts.sum(axis=1)
    others = counts.copy()
    others[np.arange(len(ref)), ref] = -1
    alt_max = others.max(axis=1) if len(ref) else np.zeros(0, dtype=np.int64)
    covered = depth > 0
    variant = covered & (alt_max >= variant_fraction * depth) & (alt_max >= 2)
    profile.excluded_positions += int(variant.sum())
    kept = covered & ~variant
    for i, base in enumerate(BASES):
        rows = kept & (ref == i)
        profile.bases[base] += int(depth[rows].sum())
        for j, n in enumerate(counts[rows].sum(axis=0).tolist()):
            if j != i and n:
                key = f"{base}>{BASES[j]}"
                profile.mismatches[key] = profile.mismatches.get(key, 0) + n


def write(profile: ErrorProfile, path: str | Path) -> None:
    Path(path).write_text(json.dumps(profile.to_json(), indent=1, sort_keys=True) + "\n")
