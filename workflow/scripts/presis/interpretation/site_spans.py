"""Genomic spans of protein-level sites (a codon, an exon's coding part) on a transcript,
and the read depth there — for limits of detection at actionable hotspots."""

from __future__ import annotations

import pysam

from presis.annotation.transcripts import Transcript

Span = tuple[str, int, int]  # contig, 1-based start, 1-based end (inclusive)


def coding_positions(tx: Transcript) -> list[int]:
    """Genomic positions of the CDS in transcript order (5' to 3' of the mRNA)."""
    positions = [p for start, end in tx.cds for p in range(start, end + 1)]
    return positions if tx.strand == "+" else positions[::-1]


def codon_span(tx: Transcript, codon: int) -> Span:
    """The three bases of a codon (1-based codon number), as one genomic span.

    A codon split by an intron is spanned whole (intron included): the depth check then
    looks at its coding bases and the intron edge between, which is conservative.
    """
    positions = coding_positions(tx)
    bases = positions[3 * (codon - 1) : 3 * codon]
    if len(bases) != 3:
        raise ValueError(f"{tx.gene} {tx.id} has no codon {codon} (CDS of {len(positions) // 3} codons)")
    return tx.contig, min(bases), max(bases)


def exons_in_transcript_order(tx: Transcript) -> list[tuple[int, int]]:
    return list(tx.exons) if tx.strand == "+" else list(reversed(tx.exons))


def exon_coding_span(tx: Transcript, exon: int) -> Span:
    """The coding part of exon number ``exon`` (transcript order, 1-based)."""
    exons = exons_in_transcript_order(tx)
    if not 1 <= exon <= len(exons):
        raise ValueError(f"{tx.gene} {tx.id} has {len(exons)} exons, not {exon}")
    start, end = exons[exon - 1]
    coding = [p for s, e in tx.cds for p in range(max(s, start), min(e, end) + 1)]
    if not coding:
        raise ValueError(f"exon {exon} of {tx.gene} {tx.id} is not coding")
    return tx.contig, min(coding), max(coding)


def min_depths(
    bam: pysam.AlignmentFile, spans: list[Span], min_mapq: int, min_baseq: int, max_gap: int = 1000
) -> dict[Span, int]:
    """Lowest depth over each span, counting reads as the caller does (no duplicates, secondary,
    supplementary or QC-failed reads; MAPQ and base quality thresholds). Each stretch of the BAM
    is read once: spans on a contig less than ``max_gap`` apart share one window (codon sites lie
    inside exon sites; counting per span read the same reads again and again, ~15 µs each)."""

    def usable(read: pysam.AlignedSegment) -> bool:
        return (
            not (read.is_duplicate or read.is_secondary or read.is_supplementary or read.is_qcfail or read.is_unmapped)
            and read.mapping_quality >= min_mapq
        )

    depths: dict[Span, int] = {}
    for contig, start, end, members in _windows(spans, max_gap):
        counts = bam.count_coverage(contig, start - 1, end, quality_threshold=min_baseq, read_callback=usable)
        per_base = [sum(base[i] for base in counts) for i in range(end - start + 1)]
        for span in members:
            depths[span] = int(min(per_base[span[1] - start : span[2] - start + 1]))
    return depths


def _windows(spans: list[Span], max_gap: int) -> list[tuple[str, int, int, list[Span]]]:
    """Spans grouped into windows (contig, start, end, spans) of nearby spans."""
    windows: list[tuple[str, int, int, list[Span]]] = []
    for span in sorted(set(spans)):
        contig, start, end = span
        if windows and windows[-1][0] == contig and start - windows[-1][2] <= max_gap:
            last = windows[-1]
            windows[-1] = (contig, last[1], max(last[2], end), last[3] + [span])
        else:
            windows.append((contig, start, end, [span]))
    return windows
