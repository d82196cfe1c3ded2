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
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pysam

BASES = "ACGT"


@dataclass
class ErrorProfile:
    """Bases seen and mismatches per substitution, over non-variant panel positions."""

    bases: dict[str, int] = field(default_factory=lambda: {b: 0 for b in BASES})  # by reference base
    mismatches: dict[str, int] = field(default_factory=dict)  # "C>T" -> reads showing T at a C
    excluded_positions: int = 0

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
        }

    @classmethod
    def from_json(cls, data: dict) -> ErrorProfile:
        return cls(dict(data["bases"]), dict(data["mismatches"]), int(data.get("excluded_positions", 0)))

    @classmethod
    def read(cls, path: str | Path) -> ErrorProfile:
        return cls.from_json(json.loads(Path(path).read_text()))


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


def measure(
    bam: str | Path,
    fasta: str | Path,
    bed: str | Path,
    min_mapq: int,
    min_baseq: int,
    variant_fraction: float = 0.1,
) -> ErrorProfile:
    """The error profile of the reads in ``bam`` over the targets of ``bed``."""
    profile = ErrorProfile()

    def usable(read: pysam.AlignedSegment) -> bool:
        return (
            not (read.is_unmapped or read.is_duplicate or read.is_secondary or read.is_supplementary or read.is_qcfail)
            and read.mapping_quality >= min_mapq
        )

    with pysam.AlignmentFile(str(bam)) as reads, pysam.FastaFile(str(fasta)) as reference:
        for chrom, start, end in _targets(bed):
            if chrom not in reads.references:
                continue
            sequence = reference.fetch(chrom, start, end).upper()
            # Both mates of a pair count where they overlap: each is its own read of the base.
            by_base = reads.count_coverage(chrom, start, end, quality_threshold=min_baseq, read_callback=usable)
            counts = list(zip(*by_base, strict=True))  # per position: A, C, G, T
            _tally(profile, sequence, counts, variant_fraction)
    return profile


def _tally(profile: ErrorProfile, sequence: str, counts: list[list[int]], variant_fraction: float) -> None:
    for ref, tally in zip(sequence, counts, strict=True):
        ref_index = BASES.find(ref)
        depth = sum(tally)
        if ref_index < 0 or depth == 0:
            continue
        alt_max = max(n for i, n in enumerate(tally) if i != ref_index)
        if alt_max >= variant_fraction * depth and alt_max >= 2:
            profile.excluded_positions += 1
            continue
        profile.bases[ref] += depth
        for index, n in enumerate(tally):
            if index != ref_index and n:
                key = f"{ref}>{BASES[index]}"
                profile.mismatches[key] = profile.mismatches.get(key, 0) + n


def write(profile: ErrorProfile, path: str | Path) -> None:
    Path(path).write_text(json.dumps(profile.to_json(), indent=1, sort_keys=True) + "\n")
