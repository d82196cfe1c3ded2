"""Build a panel BED from a gene list: CDS ± padding of each gene's reporting transcript
(MANE Select, else Ensembl canonical, else longest CDS) — the convention of the demo panel."""

from __future__ import annotations

from pathlib import Path

from presis.annotation.transcripts import TranscriptIndex

Interval = tuple[str, int, int, str]  # BED: contig, 0-based start, end, gene


def gene_intervals(transcripts: TranscriptIndex, genes: list[str], padding: int) -> tuple[list[Interval], list[str]]:
    """Padded CDS segments of each gene's reporting transcript, and the genes the reference lacks."""
    intervals, missing = [], []
    for gene in genes:
        try:
            tx, _ = transcripts.choose(gene)
        except KeyError:
            missing.append(gene)
            continue
        if not tx.cds:
            missing.append(gene)
            continue
        intervals += [(tx.contig, start - 1 - padding, end + padding, gene) for start, end in tx.cds]
    return intervals, missing


def write_bed(intervals: list[Interval], path: str | Path) -> None:
    with open(path, "w") as fh:
        fh.writelines(f"{c}\t{s}\t{e}\t{g}\n" for c, s, e, g in intervals)
