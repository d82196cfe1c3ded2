"""Transcript models from an Ensembl-style GFF3, and the choice of reporting transcript.

Only what variant description needs is kept: exon and CDS segments, strand, biotype and tags.
UTR rows are ignored on purpose: UTRs are the exonic parts outside the CDS, and GENCODE-derived
GFF3s put the stop codon in both the CDS and the 3' UTR rows, so deriving them is safer than
reading them.
"""

from __future__ import annotations

import csv
import gzip
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import IO

from presis.errors import InputError

REASON_MANE = "MANE Select"
REASON_CANONICAL = "Ensembl canonical"
REASON_LONGEST_CDS = "longest CDS"
REASON_LONGEST_TRANSCRIPT = "longest transcript"  # genes without any protein-coding transcript

_TRANSCRIPT_PREFIX = "transcript:"
_GENE_PREFIX = "gene:"
_BIN_SIZE = 1 << 16  # 64 kb bins: a few bins per gene, few transcripts per bin


@dataclass(frozen=True)
class Transcript:
    """One transcript: 1-based inclusive genomic segments, sorted ascending by start."""

    id: str
    gene: str
    gene_id: str
    contig: str
    strand: str
    exons: tuple[tuple[int, int], ...]
    cds: tuple[tuple[int, int], ...]
    biotype: str
    tags: frozenset[str]

    @property
    def is_mane_select(self) -> bool:
        return "MANE_Select" in self.tags

    @property
    def is_canonical(self) -> bool:
        return "Ensembl_canonical" in self.tags

    @property
    def is_coding(self) -> bool:
        return bool(self.cds)

    @property
    def cds_length(self) -> int:
        return sum(end - start + 1 for start, end in self.cds)

    @property
    def start(self) -> int:
        return self.exons[0][0]

    @property
    def end(self) -> int:
        return self.exons[-1][1]


@dataclass
class _Draft:
    """A transcript while its GFF3 rows are still being collected."""

    id: str
    gene_id: str
    contig: str
    strand: str
    biotype: str
    tags: frozenset[str]
    exons: list[tuple[int, int]] = field(default_factory=list)
    cds: list[tuple[int, int]] = field(default_factory=list)


class TranscriptIndex:
    """Transcripts by id, by gene name and by genomic position."""

    def __init__(self, transcripts: list[Transcript]):
        self._by_id: dict[str, Transcript] = {}
        self._by_gene: dict[str, list[Transcript]] = defaultdict(list)
        self._bins: dict[str, dict[int, list[Transcript]]] = defaultdict(lambda: defaultdict(list))
        for tx in sorted(transcripts, key=lambda t: t.id):
            self._by_id[tx.id] = tx
            self._by_gene[tx.gene].append(tx)
            for b in range(tx.start // _BIN_SIZE, tx.end // _BIN_SIZE + 1):
                self._bins[tx.contig][b].append(tx)

    def __len__(self) -> int:
        return len(self._by_id)

    def __iter__(self) -> Iterator[Transcript]:
        return iter(self._by_id.values())

    def genes(self) -> list[str]:
        return sorted(self._by_gene)

    def for_gene(self, gene: str) -> list[Transcript]:
        """All transcripts of a gene name (sorted by id); empty for an unknown gene."""
        return list(self._by_gene.get(gene, []))

    def get(self, transcript_id: str) -> Transcript | None:
        """A transcript by ENST id; a version suffix (ENST….7) is ignored."""
        return self._by_id.get(transcript_id.split(".", 1)[0])

    def overlapping(self, contig: str, start: int, end: int) -> list[Transcript]:
        """Transcripts whose span (first to last exon) overlaps 1-based [start, end]."""
        bins = self._bins.get(contig)
        if not bins:
            return []
        hits: dict[str, Transcript] = {}
        for b in range(start // _BIN_SIZE, end // _BIN_SIZE + 1):
            for tx in bins.get(b, ()):
                if tx.start <= end and tx.end >= start:
                    hits[tx.id] = tx
        return sorted(hits.values(), key=lambda t: (t.start, t.id))

    def choose(self, gene: str) -> tuple[Transcript, str]:
        """The transcript to report a gene on, and why it was chosen.

        MANE Select first (the clinical reporting standard), then Ensembl canonical, then the
        protein-coding transcript with the longest CDS. Ties are broken by id so the choice never
        depends on file order. Raises KeyError for a gene name not in the annotation.
        """
        candidates = self._by_gene.get(gene)
        if not candidates:
            raise KeyError(gene)
        for predicate, reason in ((_is_mane, REASON_MANE), (_is_canonical, REASON_CANONICAL)):
            tagged = [tx for tx in candidates if predicate(tx)]
            if tagged:
                return tagged[0], reason  # candidates are sorted by id
        coding = [tx for tx in candidates if tx.biotype == "protein_coding" and tx.is_coding]
        if coding:
            return max(coding, key=lambda t: (t.cds_length, _reverse_id(t.id))), REASON_LONGEST_CDS
        longest = max(candidates, key=lambda t: (_exonic_length(t), _reverse_id(t.id)))
        return longest, REASON_LONGEST_TRANSCRIPT


def _is_mane(tx: Transcript) -> bool:
    return tx.is_mane_select


def _is_canonical(tx: Transcript) -> bool:
    return tx.is_canonical


def _exonic_length(tx: Transcript) -> int:
    return sum(end - start + 1 for start, end in tx.exons)


def _reverse_id(tx_id: str) -> tuple[int, ...]:
    """Sort key under which max() prefers the smallest id among equals."""
    return tuple(-ord(ch) for ch in tx_id)


def _open_text(path: str | PathLike[str]) -> IO[str]:
    """Open plain or gzip/bgzip text by its magic bytes, not its name."""
    with open(path, "rb") as handle:
        magic = handle.read(2)
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rt", encoding="utf-8")
    return open(path, encoding="utf-8")


def _attributes(column: str) -> dict[str, str]:
    attrs: dict[str, str] = {}
    for item in column.strip().split(";"):
        if "=" in item:
            key, value = item.split("=", 1)
            attrs[key.strip()] = value.strip()
    return attrs


def _parent_transcript(attrs: dict[str, str]) -> str | None:
    """The transcript id a feature belongs to (Ensembl: Parent=transcript:ENST…)."""
    for parent in attrs.get("Parent", "").split(","):
        if parent.startswith(_TRANSCRIPT_PREFIX):
            return parent[len(_TRANSCRIPT_PREFIX) :]
    return None


def load_transcripts(gff3_path: str | PathLike[str]) -> TranscriptIndex:
    """Read every transcript (any feature type whose ID is transcript:…) of an Ensembl GFF3."""
    gene_names: dict[str, str] = {}
    drafts: dict[str, _Draft] = {}
    problems: list[str] = []
    with _open_text(gff3_path) as handle:
        for lineno, line in enumerate(handle, 1):
            if line.startswith("#") or not line.strip():
                continue
            cols = line.rstrip("\n").split("\t")
            if len(cols) != 9:
                problems.append(f"line {lineno}: expected 9 tab-separated columns, found {len(cols)}")
                continue
            _read_row(cols, gene_names, drafts)
    if problems:
        raise InputError(problems[:20], source=str(gff3_path))
    transcripts = [_finish(d, gene_names) for d in drafts.values() if d.exons]
    return TranscriptIndex(transcripts)


def _read_row(cols: list[str], gene_names: dict[str, str], drafts: dict[str, _Draft]) -> None:
    """Fold one GFF3 row into the gene-name table or a transcript draft."""
    contig, _source, ftype, start, end, _score, strand, _phase, column9 = cols
    if ftype.endswith("UTR"):
        return  # a UTR is the exons minus the CDS; a third of the rows, not read
    attrs = _attributes(column9)
    feature_id = attrs.get("ID", "")
    if feature_id.startswith(_GENE_PREFIX):
        gene_id = feature_id[len(_GENE_PREFIX) :]
        gene_names[gene_id] = attrs.get("Name", gene_id)
    elif feature_id.startswith(_TRANSCRIPT_PREFIX):
        tx_id = feature_id[len(_TRANSCRIPT_PREFIX) :]
        gene_id = attrs.get("Parent", "").removeprefix(_GENE_PREFIX)
        tags = frozenset(t for t in attrs.get("tag", "").split(",") if t)
        draft = drafts.get(tx_id)
        if draft is None:
            drafts[tx_id] = _Draft(tx_id, gene_id, contig, strand, attrs.get("biotype", ""), tags)
        else:  # exon rows came first: fill in the transcript's own fields
            draft.gene_id, draft.contig, draft.strand = gene_id, contig, strand
            draft.biotype, draft.tags = attrs.get("biotype", ""), tags
    elif ftype in ("exon", "CDS"):
        tx_id = _parent_transcript(attrs)
        if tx_id is None:
            return
        draft = drafts.get(tx_id)
        if draft is None:  # before the transcript's own row
            draft = drafts[tx_id] = _Draft(tx_id, "", contig, strand, "", frozenset())
        segments = draft.exons if ftype == "exon" else draft.cds
        segments.append((int(start), int(end)))


def _finish(draft: _Draft, gene_names: dict[str, str]) -> Transcript:
    return Transcript(
        id=draft.id,
        gene=gene_names.get(draft.gene_id, draft.gene_id),
        gene_id=draft.gene_id,
        contig=draft.contig,
        strand=draft.strand,
        exons=_merge(draft.exons),
        cds=_merge(draft.cds),
        biotype=draft.biotype,
        tags=draft.tags,
    )


def _merge(segments: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Sort segments and drop duplicate rows (a repeated row must not count twice).

    Abutting segments are kept apart: each is an exon of its own for numbering.
    """
    return tuple(sorted(set(segments)))


def load_mane(csv_path: str | PathLike[str]) -> dict[str, tuple[str, str]]:
    """Unversioned ENST -> (versioned ENST, versioned RefSeq NM_) from a BioMart MANE export.

    Rows without a RefSeq match are skipped: the table exists to print the NM_ next to the ENST.
    """
    mapping: dict[str, tuple[str, str]] = {}
    with open(Path(csv_path), newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        required = ("Transcript stable ID version", "RefSeq match transcript (MANE Select)")
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError([f"missing column {c!r}" for c in missing], source=str(csv_path))
        for row in reader:
            versioned = (row.get(required[0]) or "").strip()
            refseq = (row.get(required[1]) or "").strip()
            if versioned and refseq:
                mapping[versioned.split(".", 1)[0]] = (versioned, refseq)
    return mapping


__all__ = [
    "REASON_CANONICAL",
    "REASON_LONGEST_CDS",
    "REASON_LONGEST_TRANSCRIPT",
    "REASON_MANE",
    "Transcript",
    "TranscriptIndex",
    "load_mane",
    "load_transcripts",
]
