"""Exon skipping and intragenic deletions from STAR's splice-junction table (SJ.out.tab), driven by KB
entries that name the gene, transcript and exons (MET exon 14 skipping, EGFRvIII = EGFR exons 2-7 deleted).

For exons ``first``..``last`` of a transcript, the event junction joins the end of exon first-1 to the start
of exon last+1; the normal junction it competes with joins exon first-1 to exon first (same donor). The
fraction is event reads / (event reads + normal reads), unique reads only (SJ.out.tab column 7).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from presis.annotation.transcripts import TranscriptIndex
from presis.rna.geometry import exons_in_order

SJ_COLUMNS = ["chrom", "start", "end", "strand", "motif", "annotated", "unique", "multi", "overhang"]


@dataclass(frozen=True)
class SpliceEvent:
    """A KB-defined event: exons first..last of ``transcript`` missing."""

    name: str
    kind: str  # exon_skipping | intragenic_deletion
    gene: str
    transcript: str
    first: int
    last: int
    kb_id: str = ""


@dataclass(frozen=True)
class Settings:
    min_reads: int
    min_fraction: float


def read_junctions(path: str | Path) -> dict[tuple[str, int, int], int]:
    """(contig, intron start, intron end) -> uniquely mapped reads."""
    table = pd.read_csv(path, sep="\t", header=None, names=SJ_COLUMNS)
    return {(r.chrom, int(r.start), int(r.end)): int(r.unique) for r in table.itertuples()}


def intron(exon_a: tuple[int, int], exon_b: tuple[int, int]) -> tuple[int, int]:
    """1-based intron between two exons, whatever their order on the genome."""
    left, right = sorted([exon_a, exon_b])
    return left[1] + 1, right[0] - 1


def evaluate(event: SpliceEvent, junctions: dict, index: TranscriptIndex, settings: Settings) -> dict:
    """The event's record: reads, normal reads, fraction, status and reason."""
    tx = index.get(event.transcript)
    record = {
        "kind": event.kind,
        "name": event.name,
        "genes": [event.gene],
        "transcript": event.transcript,
        "exons": [event.first, event.last],
        "kb_id": event.kb_id,
        "junction_reads": 0,
        "spanning_reads": 0,
        "normal_reads": 0,
        "fraction": None,
        "breakpoints": [],
        "frame": None,
    }
    exons = exons_in_order(tx) if tx else []
    if tx is None or event.first < 2 or event.last >= len(exons):
        record.update(status="not_evaluable", reason=f"transcript {event.transcript} with exons around "
                      f"{event.first}-{event.last} is not in the annotation of this reference")  # fmt: skip
        return record
    donor, acceptor, first = exons[event.first - 2], exons[event.last], exons[event.first - 1]
    start, end = intron(donor, acceptor)
    normal_start, normal_end = intron(donor, first)
    reads = junctions.get((tx.contig, start, end), 0)
    normal = junctions.get((tx.contig, normal_start, normal_end), 0)
    last_kept = donor[1] if tx.strand == "+" else donor[0]
    first_resumed = acceptor[0] if tx.strand == "+" else acceptor[1]
    skipped = sum(e - s + 1 for s, e in exons[event.first - 1 : event.last])
    record.update(
        junction_reads=reads,
        normal_reads=normal,
        fraction=round(reads / (reads + normal), 4) if reads + normal else None,
        breakpoints=[(tx.contig, last_kept), (tx.contig, first_resumed)],
        frame="in-frame" if skipped % 3 == 0 else "out-of-frame",
    )
    described = f"{reads} junction reads exon {event.first - 1}–{event.last + 1}, {normal} normal exon {event.first - 1}–{event.first}"
    if reads + normal < settings.min_reads:
        record.update(
            status="not_evaluable",
            reason=f"{event.gene} junctions too weakly expressed to judge: {described} "
            f"(fewer than rna.splicing.min_reads {settings.min_reads} in all)",
        )
    elif reads < settings.min_reads:
        record.update(status="low_support", reason=f"{described}; rna.splicing.min_reads {settings.min_reads} needed")
    elif record["fraction"] < settings.min_fraction:
        record.update(
            status="low_fraction",
            reason=f"{described}: fraction {record['fraction']:.3f} below rna.splicing.min_fraction {settings.min_fraction}",
        )
    else:
        record.update(status="detected", reason=f"{described}: fraction {record['fraction']:.3f}")
    return record


def evaluate_all(
    events: list[SpliceEvent], sj_path: str | Path, index: TranscriptIndex, settings: Settings
) -> list[dict]:
    junctions = read_junctions(sj_path)
    return [evaluate(event, junctions, index, settings) for event in events]
