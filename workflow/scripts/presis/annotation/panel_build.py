"""Build a panel BED from a gene list: CDS ± padding of each gene's reporting transcript
(MANE Select, else Ensembl canonical, else longest CDS) — the convention of the demo panel."""

from __future__ import annotations

from pathlib import Path

from presis.annotation.transcripts import TranscriptIndex

Interval = tuple[str, int, int, str]  # BED: contig, 0-based start, end, gene


def read_gene_list(path: str | Path) -> list[str]:
    """One gene per line; '#' comments and blank lines ignored; order and duplicates kept out."""
    genes: list[str] = []
    for line in Path(path).read_text().splitlines():
        gene = line.split("#", 1)[0].strip()
        if gene and gene not in genes:
            genes.append(gene)
    return genes


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


def merge_sorted(intervals: list[Interval], contig_order: list[str]) -> list[Interval]:
    """Sorted in reference order; overlapping intervals merged (the first gene's name kept)."""
    order = {name: i for i, name in enumerate(contig_order)}
    merged: list[list] = []
    for contig, start, end, gene in sorted(intervals, key=lambda iv: (order[iv[0]], iv[1])):
        if merged and merged[-1][0] == contig and start <= merged[-1][2]:
            merged[-1][2] = max(merged[-1][2], end)
        else:
            merged.append([contig, max(0, start), end, gene])
    return [tuple(m) for m in merged]


def write_bed(intervals: list[Interval], path: str | Path) -> None:
    with open(path, "w") as fh:
        fh.writelines(f"{c}\t{s}\t{e}\t{g}\n" for c, s, e, g in intervals)
