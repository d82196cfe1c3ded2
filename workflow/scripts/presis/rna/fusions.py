"""Gene fusions from STAR's chimeric junctions (Chimeric.out.junction), filtered as Arriba and STAR-Fusion
document it (no fusion caller is packaged for Debian, so presis filters the candidates itself).

1. Each chimeric read pair is put in transcript orientation: STAR writes the junction in the read's
   direction, and an unstranded library reads half the molecules backwards, so the pair is turned round
   when the annotated genes' strands fit the reverse and not the forward reading.
2. Split reads (a read crossing the junction, STAR junction type >= 0) are grouped by exact breakpoint pair;
   discordant (spanning) pairs (type -1) are assigned to the breakpoint pair of the same genes and orientation
   whose breakpoints lie downstream of their 5' mate and upstream of their 3' mate.
3. Duplicates (same alignment coordinates of both segments) count once; pairs with several equally good
   chimeric alignments (``num_chim_aln`` > 1: the junction file's mapping-quality signal) do not count.
4. Each candidate gets the first failing filter of FILTERS, in order, with its reason in words; the others
   are ``detected``. A known partner (a KB fusion gene or a configured pair) lowers the support needed.

Breakpoints are the last transcribed base of the 5' partner and the first of the 3' partner (Arriba's
convention), in the coordinates of the reference used (presis.inputs.contigs turns them into GRCh38).
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from presis.annotation.transcripts import Transcript, TranscriptIndex
from presis.rna.geometry import frame_of, is_exon_end, is_exon_start, transcript_offset

FILTERS = {
    "no_gene": "a breakpoint lies outside every annotated gene (or on the strand opposite to it)",
    "same_gene": "both breakpoints lie in the same gene: a splice variant or intragenic event, not a fusion",
    "read_through": "neighbouring genes on one strand joined in transcription order: read-through transcription, "
    "common in normal tissue",
    "blacklist": "gene or gene pair on the site blacklist of recurrent artefacts",
    "multimapping": "every supporting read has several equally good chimeric alignments",
    "no_split_reads": "only discordant mates, no read crosses the junction: the breakpoint is unknown",
    "short_anchor": "no split read anchors on both sides with the minimum anchor length",
    "low_support": "fewer supporting reads (split + spanning, duplicates counted once) than required",
}
MICROHOMOLOGY = 10  # bases a junction may shift along repeated sequence at the breakpoint
CIGAR = re.compile(r"(-?\d+)([MIDNSHPp=X])")


@dataclass(frozen=True)
class Settings:
    """rna.fusions in the config (config/defaults.yaml says where each default comes from)."""

    min_supporting_reads: int
    min_supporting_reads_non_boundary: int
    min_supporting_reads_known: int
    min_split_reads: int
    min_anchor: int
    read_through_distance: int
    spanning_max_distance: int
    blacklist: frozenset[str] = frozenset()
    known_partners: frozenset[str] = frozenset()

    @classmethod
    def from_config(cls, section: dict, known_genes: Iterable[str] = ()) -> Settings:
        return cls(
            min_supporting_reads=int(section["min_supporting_reads"]),
            min_supporting_reads_non_boundary=int(section["min_supporting_reads_non_boundary"]),
            min_supporting_reads_known=int(section["min_supporting_reads_known"]),
            min_split_reads=int(section["min_split_reads"]),
            min_anchor=int(section["min_anchor"]),
            read_through_distance=int(section["read_through_distance"]),
            spanning_max_distance=int(section["spanning_max_distance"]),
            blacklist=frozenset(section.get("blacklist") or ()),
            known_partners=frozenset(section.get("known_partners") or ()) | frozenset(known_genes),
        )


@dataclass(frozen=True)
class ChimericRead:
    """One line of Chimeric.out.junction in transcript orientation (5' segment first)."""

    name: str
    chrom5: str
    pos5: int  # last aligned base before the junction (split reads) / inner end of the 5' mate
    strand5: str
    chrom3: str
    pos3: int
    strand3: str
    split: bool
    anchor: int
    alignments: int  # num_chim_aln
    key: tuple  # alignment coordinates, for duplicates


def _aligned(cigar_block: list[tuple[int, str]]) -> int:
    return sum(n for n, op in cigar_block if op in "M=X")


def _split_anchor(cigar: str) -> int:
    """Aligned bases of the mate block that is soft-clipped at the junction (the largest clip)."""
    blocks: list[list[tuple[int, str]]] = [[]]
    for number, op in CIGAR.findall(cigar):
        if op == "p":
            blocks.append([])
        else:
            blocks[-1].append((int(number), op))
    best = max(blocks, key=lambda block: sum(n for n, op in block if op == "S"))
    return _aligned(best)


def _flip(strand: str) -> str:
    return "-" if strand == "+" else "+"


def read_chimeric(path: str | Path) -> list[ChimericRead]:
    """Chimeric.out.junction lines in read orientation (5' = STAR's donor), as ChimericRead."""
    reads = []
    with open(path) as handle:
        for fields in csv.reader(handle, delimiter="\t"):
            if not fields or fields[0].startswith("#") or fields[0] == "chr_donorA" or len(fields) < 14:
                continue
            chrom_a, brk_a, strand_a, chrom_b, brk_b, strand_b, kind = fields[:7]
            brk_a, brk_b, kind = int(brk_a), int(brk_b), int(kind)
            # STAR gives the first intron base on each side; the exonic base next to it is the breakpoint.
            last_a = brk_a - 1 if strand_a == "+" else brk_a + 1
            first_b = brk_b + 1 if strand_b == "+" else brk_b - 1
            split = kind >= 0
            anchor = min(_split_anchor(fields[11]), _split_anchor(fields[13])) if split else 0
            reads.append(
                ChimericRead(
                    name=fields[9],
                    chrom5=chrom_a,
                    pos5=last_a,
                    strand5=strand_a,
                    chrom3=chrom_b,
                    pos3=first_b,
                    strand3=strand_b,
                    split=split,
                    anchor=anchor,
                    alignments=int(fields[14]) if len(fields) > 14 and fields[14] else 1,
                    key=(chrom_a, fields[10], fields[11], chrom_b, fields[12], fields[13]),
                )
            )
    return reads


def reversed_read(read: ChimericRead) -> ChimericRead:
    """The same junction read from the other strand: 3' partner first, strands flipped."""
    return ChimericRead(
        read.name,
        read.chrom3,
        read.pos3,
        _flip(read.strand3),
        read.chrom5,
        read.pos5,
        _flip(read.strand5),
        read.split,
        read.anchor,
        read.alignments,
        read.key,
    )


def genes_at(index: TranscriptIndex, chrom: str, pos: int, strand: str) -> list[Transcript]:
    """Transcripts on ``strand`` whose span holds ``pos``."""
    return [tx for tx in index.overlapping(chrom, pos, pos) if tx.strand == strand]


def _side_score(index: TranscriptIndex, chrom: str, pos: int, strand: str, five_prime: bool) -> int:
    """How well the annotation explains one side: a gene on the read's strand (1), a coding one (+1),
    with an exon boundary at the breakpoint (+1)."""
    best = 0
    boundary = is_exon_end if five_prime else is_exon_start
    for tx in genes_at(index, chrom, pos, strand):
        best = max(best, 1 + tx.is_coding + boundary(tx, pos))
    return best


def orient(read: ChimericRead, index: TranscriptIndex) -> ChimericRead:
    """Transcript orientation: the reading (as read, or turned round) whose breakpoints the annotation explains
    better — genes on the right strands, coding, splice sites at the breakpoints. Where genes overlap on both
    strands (antisense pairs), the strand alone cannot tell; the splice sites can. Ties keep the read's."""
    back = reversed_read(read)
    forward = _side_score(index, read.chrom5, read.pos5, read.strand5, True) + _side_score(
        index, read.chrom3, read.pos3, read.strand3, False
    )
    backward = _side_score(index, back.chrom5, back.pos5, back.strand5, True) + _side_score(
        index, back.chrom3, back.pos3, back.strand3, False
    )
    return back if backward > forward else read


# --------------------------------------------------------------------------- candidates


@dataclass
class Partner:
    gene: str | None
    transcript: Transcript | None
    exon: int | None
    at_boundary: bool


@dataclass
class Candidate:
    chrom5: str
    pos5: int
    strand5: str
    chrom3: str
    pos3: int
    strand3: str
    split_reads: set[str] = field(default_factory=set)
    spanning_reads: set[str] = field(default_factory=set)
    multimapping_reads: set[str] = field(default_factory=set)
    duplicates: int = 0
    max_anchor: int = 0
    partner5: Partner | None = None
    partner3: Partner | None = None
    frame: str = "unknown"
    status: str = "detected"
    reason: str = ""

    @property
    def name(self) -> str:
        g5 = self.partner5.gene if self.partner5 and self.partner5.gene else f"{self.chrom5}:{self.pos5}"
        g3 = self.partner3.gene if self.partner3 and self.partner3.gene else f"{self.chrom3}:{self.pos3}"
        return f"{g5}::{g3}"

    @property
    def support(self) -> int:
        return len(self.split_reads) + len(self.spanning_reads)


def choose_partner(index: TranscriptIndex, chrom: str, pos: int, strand: str, five_prime: bool) -> Partner:
    """The gene at a breakpoint: a transcript with an exon boundary there first, then one with the base in
    an exon, then any; not a read-through model; the gene's reporting transcript (MANE Select, canonical,
    longest CDS) preferred."""
    candidates = genes_at(index, chrom, pos, strand)
    if not candidates:
        return Partner(None, None, None, False)
    boundary = is_exon_end if five_prime else is_exon_start

    def rank(tx: Transcript) -> tuple:
        reporting = index.choose(tx.gene)[0].id == tx.id
        # A read-through gene model (GENCODE tag readthrough_transcript) spans two genes and shares their
        # exons: the gene itself names the partner.
        readthrough = "readthrough_transcript" in tx.tags
        return (
            not boundary(tx, pos),
            transcript_offset(tx, pos) is None,
            readthrough,
            not tx.is_coding,
            not reporting,
            tx.id,
        )

    tx = min(candidates, key=rank)
    where = transcript_offset(tx, pos)
    return Partner(tx.gene, tx, where[1] if where else None, boundary(tx, pos))


def _frame(candidate: Candidate) -> str:
    p5, p3 = candidate.partner5, candidate.partner3
    if not (p5 and p3 and p5.transcript and p3.transcript):
        return "unknown"
    o5 = transcript_offset(p5.transcript, candidate.pos5)
    o3 = transcript_offset(p3.transcript, candidate.pos3)
    if o5 is None or o3 is None:
        return "unknown"  # a breakpoint in an intron: the spliced junction is not known
    return frame_of(p5.transcript, o5[0] + 1, p3.transcript, o3[0])


def collect(reads: list[ChimericRead], index: TranscriptIndex, settings: Settings) -> list[Candidate]:
    """Breakpoint-pair candidates with their split and spanning reads (before filters)."""
    oriented = [orient(read, index) for read in reads]
    seen_keys: set[tuple] = set()
    by_pair: dict[tuple, Candidate] = {}
    spanning: list[ChimericRead] = []
    duplicates: dict[tuple, int] = defaultdict(int)
    for read in oriented:
        if read.key in seen_keys:
            duplicates[(read.chrom5, read.pos5, read.chrom3, read.pos3)] += 1
            continue
        seen_keys.add(read.key)
        if not read.split:
            spanning.append(read)
            continue
        pair = (read.chrom5, read.pos5, read.strand5, read.chrom3, read.pos3, read.strand3)
        candidate = by_pair.setdefault(pair, Candidate(*pair))
        if read.alignments > 1:
            candidate.multimapping_reads.add(read.name)
            continue
        candidate.split_reads.add(read.name)
        candidate.max_anchor = max(candidate.max_anchor, read.anchor)
    for (chrom5, pos5, _, chrom3, pos3, _), candidate in by_pair.items():
        candidate.duplicates += duplicates.get((chrom5, pos5, chrom3, pos3), 0)
    candidates = merge_shifted(list(by_pair.values()), index)
    for candidate in candidates:
        candidate.partner5 = choose_partner(index, candidate.chrom5, candidate.pos5, candidate.strand5, True)
        candidate.partner3 = choose_partner(index, candidate.chrom3, candidate.pos3, candidate.strand3, False)
        candidate.frame = _frame(candidate)
    assign_spanning(candidates, spanning, index, settings)
    return candidates


def merge_shifted(candidates: list[Candidate], index: TranscriptIndex, window: int = MICROHOMOLOGY) -> list[Candidate]:
    """One candidate per junction: where the sequence at the junction repeats (microhomology), STAR may place
    the same junction a few bases apart, shifting both sides alike; such candidates are merged into the one
    at exon boundaries, else the best supported."""

    def rank(c: Candidate) -> tuple:
        p5 = choose_partner(index, c.chrom5, c.pos5, c.strand5, True)
        p3 = choose_partner(index, c.chrom3, c.pos3, c.strand3, False)
        return (-(p5.at_boundary + p3.at_boundary), -len(c.split_reads), c.pos5, c.pos3)

    kept: list[Candidate] = []
    for c in sorted(candidates, key=rank):
        home = next(
            (
                k
                for k in kept
                if (k.chrom5, k.strand5, k.chrom3, k.strand3) == (c.chrom5, c.strand5, c.chrom3, c.strand3)
                and abs(k.pos5 - c.pos5) <= window
                and abs(k.pos3 - c.pos3) <= window
            ),
            None,
        )
        if home is None:
            kept.append(c)
            continue
        home.split_reads |= c.split_reads
        home.multimapping_reads |= c.multimapping_reads
        home.duplicates += c.duplicates
        home.max_anchor = max(home.max_anchor, c.max_anchor)
    return kept


def _upstream(pos: int, strand: str, breakpoint: int, limit: int) -> bool:
    """``pos`` lies 5' of ``breakpoint`` (or at it) on ``strand``, within ``limit`` bases; a few bases of
    slack for a junction placed within a microhomology (merge_shifted)."""
    distance = breakpoint - pos if strand == "+" else pos - breakpoint
    return -MICROHOMOLOGY <= distance <= limit


def assign_spanning(
    candidates: list[Candidate], spanning: list[ChimericRead], index: TranscriptIndex, settings: Settings
) -> None:
    """Each discordant pair to the best-supported candidate it fits; unassigned pairs of one gene pair
    become split-read-less candidates (filtered: no_split_reads)."""
    # Candidates by contigs and strands, best supported first: a real sample has thousands of each.
    by_sides: dict[tuple, list[Candidate]] = defaultdict(list)
    for c in sorted(candidates, key=lambda c: -len(c.split_reads)):
        by_sides[(c.chrom5, c.strand5, c.chrom3, c.strand3)].append(c)
    orphans: dict[tuple, Candidate] = {}
    limit = settings.spanning_max_distance
    for read in spanning:
        if read.alignments > 1:
            continue
        home = next(
            (
                c
                for c in by_sides.get((read.chrom5, read.strand5, read.chrom3, read.strand3), ())
                if _upstream(read.pos5, read.strand5, c.pos5, limit)
                and _upstream(c.pos3, read.strand3, read.pos3, limit)
            ),
            None,
        )
        if home is not None:
            home.spanning_reads.add(read.name)
            continue
        p5 = choose_partner(index, read.chrom5, read.pos5, read.strand5, True)
        p3 = choose_partner(index, read.chrom3, read.pos3, read.strand3, False)
        key = (
            p5.gene or f"{read.chrom5}:{read.pos5}",
            read.strand5,
            p3.gene or f"{read.chrom3}:{read.pos3}",
            read.strand3,
        )
        orphan = orphans.get(key)
        if orphan is None:
            orphan = Candidate(read.chrom5, read.pos5, read.strand5, read.chrom3, read.pos3, read.strand3)
            orphan.partner5, orphan.partner3 = p5, p3
            orphans[key] = orphan
        orphan.spanning_reads.add(read.name)
    candidates.extend(orphans.values())


# --------------------------------------------------------------------------- filters


def is_known(candidate: Candidate, settings: Settings) -> bool:
    genes = {candidate.partner5.gene, candidate.partner3.gene} - {None}
    return candidate.name in settings.known_partners or bool(genes & settings.known_partners)


def required_support(candidate: Candidate, settings: Settings) -> tuple[int, str]:
    """Reads needed and why: fewer for a known partner, more when neither breakpoint is at an exon boundary
    (Arriba and STAR-Fusion trust splice-site breakpoints more: intronic and intra-exonic breakpoints are
    where alignment artefacts land)."""
    if is_known(candidate, settings):
        return settings.min_supporting_reads_known, "known fusion partner"
    if not (candidate.partner5.at_boundary or candidate.partner3.at_boundary):
        return settings.min_supporting_reads_non_boundary, "breakpoints not at exon boundaries"
    return settings.min_supporting_reads, "breakpoint at an exon boundary"


def is_read_through(candidate: Candidate, settings: Settings) -> bool:
    if candidate.chrom5 != candidate.chrom3 or candidate.strand5 != candidate.strand3:
        return False
    downstream = candidate.pos3 - candidate.pos5 if candidate.strand5 == "+" else candidate.pos5 - candidate.pos3
    return 0 < downstream <= settings.read_through_distance


def apply_filters(candidate: Candidate, settings: Settings) -> None:
    p5, p3 = candidate.partner5, candidate.partner3
    support = f"{len(candidate.split_reads)} split + {len(candidate.spanning_reads)} spanning reads"
    checks = [
        ("no_gene", p5.gene is None or p3.gene is None, ""),
        ("same_gene", p5.gene is not None and p5.gene == p3.gene, f" ({p5.gene})"),
        (
            "read_through",
            is_read_through(candidate, settings) and not is_known(candidate, settings),
            f" (breakpoints {abs(candidate.pos3 - candidate.pos5):,} bp apart, rna.fusions.read_through_distance "
            f"{settings.read_through_distance:,})",
        ),
        (
            "blacklist",
            bool({candidate.name, p5.gene, p3.gene} & settings.blacklist),
            " (rna.fusions.blacklist)",
        ),
        (
            "multimapping",
            not candidate.split_reads and not candidate.spanning_reads and bool(candidate.multimapping_reads),
            f" ({len(candidate.multimapping_reads)} reads)",
        ),
        (
            "no_split_reads",
            len(candidate.split_reads) < settings.min_split_reads,
            f" ({len(candidate.spanning_reads)} spanning reads; rna.fusions.min_split_reads {settings.min_split_reads})",
        ),
        (
            "short_anchor",
            candidate.max_anchor < settings.min_anchor,
            f" (longest anchor {candidate.max_anchor} bases, rna.fusions.min_anchor {settings.min_anchor})",
        ),
    ]
    for name, failed, detail in checks:
        if failed:
            candidate.status = name
            candidate.reason = f"{FILTERS[name]}{detail}; {support}"
            return
    needed, why = required_support(candidate, settings)
    if candidate.support < needed:
        candidate.status = "low_support"
        candidate.reason = f"{FILTERS['low_support']}: {support}, {needed} needed ({why})"
        return
    candidate.status = "detected"
    where = "at exon boundaries" if p5.at_boundary and p3.at_boundary else "not both at exon boundaries"
    candidate.reason = (
        f"{support} (duplicates counted once: {candidate.duplicates} removed), {needed} needed ({why}); "
        f"breakpoints {where}; {candidate.frame} on {p5.transcript.id}/{p3.transcript.id}"
    )


def call_fusions(path: str | Path, index: TranscriptIndex, settings: Settings) -> list[Candidate]:
    """Every candidate with its status (``detected`` or the filter that removed it) and reason."""
    candidates = collect(read_chimeric(path), index, settings)
    for candidate in candidates:
        apply_filters(candidate, settings)
    return sorted(candidates, key=lambda c: (c.status != "detected", -c.support, c.name))
