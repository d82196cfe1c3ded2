"""Transcript geometry for RNA events: exon order, transcript offsets, exon boundaries, reading frame."""

from __future__ import annotations

from presis.annotation.transcripts import Transcript


def exons_in_order(tx: Transcript) -> list[tuple[int, int]]:
    """Exons 5' to 3' (exon 1 first), 1-based inclusive genomic segments."""
    return list(tx.exons) if tx.strand == "+" else list(reversed(tx.exons))


def genomic_position(tx: Transcript, offset: int) -> int:
    """1-based genomic position of the transcript base at 0-based ``offset``."""
    for start, end in exons_in_order(tx):
        length = end - start + 1
        if offset < length:
            return start + offset if tx.strand == "+" else end - offset
        offset -= length
    raise ValueError(f"offset beyond the end of {tx.id}")


def transcript_offset(tx: Transcript, pos: int) -> tuple[int, int] | None:
    """(0-based transcript offset, 1-based exon number) of genomic ``pos``; None when not exonic."""
    total = 0
    for number, (start, end) in enumerate(exons_in_order(tx), start=1):
        if start <= pos <= end:
            return total + (pos - start if tx.strand == "+" else end - pos), number
        total += end - start + 1
    return None


def exon_ends(tx: Transcript) -> list[int]:
    """Cumulative transcript length at the end of each exon (exon 1 first)."""
    ends, total = [], 0
    for start, end in exons_in_order(tx):
        total += end - start + 1
        ends.append(total)
    return ends


def is_exon_end(tx: Transcript, pos: int) -> bool:
    """``pos`` is the last base of an exon other than the last (a splice donor), in transcript order."""
    exons = exons_in_order(tx)[:-1]
    return any((end if tx.strand == "+" else start) == pos for start, end in exons)


def is_exon_start(tx: Transcript, pos: int) -> bool:
    """``pos`` is the first base of an exon other than the first (a splice acceptor), in transcript order."""
    exons = exons_in_order(tx)[1:]
    return any((start if tx.strand == "+" else end) == pos for start, end in exons)


def cds_offsets(tx: Transcript) -> tuple[int, int] | None:
    """0-based transcript offsets of the first and last CDS base; None for a non-coding transcript."""
    if not tx.cds:
        return None
    first = tx.cds[0][0] if tx.strand == "+" else tx.cds[-1][1]
    last = tx.cds[-1][1] if tx.strand == "+" else tx.cds[0][0]
    a, b = transcript_offset(tx, first), transcript_offset(tx, last)
    if a is None or b is None:
        return None
    return a[0], b[0]


def frame_of(tx5: Transcript, cut5: int, tx3: Transcript, cut3: int) -> str:
    """Reading frame of tx5[:cut5] + tx3[cut3:] (0-based offsets): 'in-frame', 'out-of-frame', or 'unknown'
    when the junction leaves the CDS of either partner (UTR, non-coding): no frame can be read there."""
    cds5, cds3 = cds_offsets(tx5), cds_offsets(tx3)
    if cds5 is None or cds3 is None or not (cds5[0] < cut5 <= cds5[1]) or not (cds3[0] <= cut3 <= cds3[1]):
        return "unknown"
    return "in-frame" if (cut5 - cds5[0]) % 3 == (cut3 - cds3[0]) % 3 else "out-of-frame"
