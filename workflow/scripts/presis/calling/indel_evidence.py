"""Indel evidence read by read: haplotype comparison that counts soft-clipped reads, and
long-indel candidates from soft-clip clusters.

bcftools counts an indel only from reads whose CIGAR holds it. An aligner soft-clips most
reads that carry a long insertion or deletion near their ends (a 30-bp insertion in a 100-bp
read is rarely aligned through), so for a 13-30 bp indel the pileup sees about half its alt
reads, and for some long insertions none at all. presis therefore recounts every indel
candidate itself, in the spirit of Mutect2's and VarDict's local reassembly but without
gaps: each read (soft clips included) is laid without gaps on the reference haplotype and on
the alt haplotype (the reference with the indel applied), anchored on either of its aligned
ends, and the haplotype whose bases it matches better, by at least
``somatic.indel_haplotype_min_margin`` (summed base qualities of the discordant bases, each
capped at ``somatic.max_baseq``; bases below ``calling.min_baseq`` do not count), is the one it
supports. A read that fits both equally (it ends inside the repeat the indel lies in, say)
supports neither and does not count in the depth. A read pair counts once (the mate with the
clearer verdict): both mates copy one molecule.

Candidates: right-clipped reads whose clip continues as the reference after some inserted
bases (or after skipping some reference bases), and left-clipped reads whose clip is
reference then inserted bases, each proposes an insertion or deletion; one proposed by at
least ``calling.candidate_min_alt_reads`` reads becomes a candidate (left-aligned), unless
the pileup already has it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
import pysam

from presis.calling.somatic import AlleleCounts

WINDOW = 400  # reference bases either side of the indel: longer than any read plus its clips
MIN_CLIP = 5  # a shorter soft clip is too short to tell an insertion from a mismatch
MIN_MATCH = 8  # reference bases a clip must match after the inserted/skipped ones
MAX_EVENT = 60  # longest insertion/deletion proposed from soft clips
NEARBY = 30  # candidate indels this close compete for the same reads
FLANK = 20  # reference bases either side of an indel (and its repeat) that judge a read


@dataclass(frozen=True)
class IndelSupport:
    counts: AlleleCounts
    clipped_alt: int  # alt reads that support the allele only through a soft clip (none in the CIGAR)


def usable(read: pysam.AlignedSegment, min_mapq: int) -> bool:
    return not (
        read.is_unmapped or read.is_duplicate or read.is_secondary or read.is_supplementary or read.is_qcfail
    ) and (read.mapping_quality >= min_mapq)


def _encode(sequence: str) -> np.ndarray:
    return np.frombuffer(sequence.upper().encode(), dtype=np.uint8)


class Haplotypes:
    """The reference and alt haplotypes around one left-aligned indel (1-based ``pos``, VCF alleles)."""

    def __init__(self, reference: pysam.FastaFile, chrom: str, pos: int, ref: str, alt: str):
        self.anchor = pos - 1  # 0-based anchor base
        self.start = max(0, self.anchor - WINDOW)
        end = min(reference.get_reference_length(chrom), self.anchor + len(ref) + WINDOW)
        sequence = reference.fetch(chrom, self.start, end).upper()
        cut = self.anchor + 1 - self.start
        self.deleted = len(ref) - 1
        self.inserted = alt[1:].upper() if len(alt) > len(ref) else ""
        self.delta = len(self.inserted) - self.deleted
        self.ref = _encode(sequence)
        self.alt = _encode(sequence[:cut] + self.inserted + sequence[cut + self.deleted :])
        self.event_end = self.anchor + self.deleted  # last reference base the event touches (0-based)
        # How far right the indel could slide in its repeat: reads are judged up to FLANK bases
        # beyond that, and anchored on their first aligned base after it.
        unit = self.inserted or sequence[cut : cut + self.deleted]
        slide, i = 0, cut + self.deleted
        while unit and i < len(sequence) and sequence[i] == unit[slide % len(unit)]:
            slide, i = slide + 1, i + 1
        self.stretch_end = self.event_end + slide  # last reference base of the repeat stretch

    def region(self, on_alt: bool) -> tuple[int, int]:
        """Haplotype indices of the bases that judge a read: FLANK either side of the stretch."""
        return self.index(self.anchor - FLANK, on_alt), self.index(self.stretch_end + FLANK, on_alt) + 1

    def index(self, position: int, on_alt: bool) -> int:
        """Haplotype index of 0-based reference ``position`` (bases after the event shift on alt)."""
        if on_alt and position > self.event_end:
            return position - self.start + self.delta
        if on_alt and position > self.anchor:  # inside a deletion: the junction
            return self.anchor + 1 - self.start
        return position - self.start


def _mismatch(hap: np.ndarray, begin: int, bases: np.ndarray, weights: np.ndarray, region) -> float | None:
    if begin < 0 or begin + len(bases) > len(hap):
        return None
    lo, hi = max(region[0] - begin, 0), min(region[1] - begin, len(bases))
    if lo >= hi:
        return None
    return float(weights[lo:hi][hap[begin + lo : begin + hi] != bases[lo:hi]].sum())


def _arrays(read: pysam.AlignedSegment, haps: Haplotypes, min_baseq: int, max_baseq: float):
    """The read's bases and weights, and its two anchors (query index, reference position): its
    last aligned base at or before the indel's anchor (else its first aligned base), and its
    first aligned base after the indel's repeat stretch (else its last aligned base)."""
    sequence, qualities = read.query_sequence, read.query_qualities
    if not sequence or qualities is None:
        return None
    pairs = read.get_aligned_pairs(matches_only=True)
    if not pairs:
        return None
    quals = np.asarray(qualities, dtype=float)
    weights = np.where(quals >= min_baseq, np.minimum(quals, max_baseq), 0.0)
    before = [pair for pair in pairs if pair[1] <= haps.anchor]
    after = [pair for pair in pairs if pair[1] > haps.stretch_end]
    left = before[-1] if before else pairs[0]
    right = after[0] if after else pairs[-1]
    return _encode(sequence), weights, left, right


def _score(arrays, haps: Haplotypes, on_alt: bool, judge: Haplotypes) -> float | None:
    """Least quality-weighted mismatch of the read laid without gaps on one haplotype from
    either anchor, over the bases that judge ``judge``'s indel."""
    bases, weights, (left_q, left_r), (right_q, right_r) = arrays
    hap = haps.alt if on_alt else haps.ref
    region = (haps.index(judge.anchor - FLANK, on_alt), haps.index(judge.stretch_end + FLANK, on_alt) + 1)
    options = [
        _mismatch(hap, haps.index(left_r, on_alt) - left_q, bases, weights, region),
        _mismatch(hap, haps.index(right_r, on_alt) - right_q, bases, weights, region),
    ]
    options = [s for s in options if s is not None]
    return min(options) if options else None


def read_verdict(
    read: pysam.AlignedSegment,
    haps: Haplotypes,
    min_baseq: int,
    max_baseq: float,
    others: list[Haplotypes] = (),
) -> tuple[float, float, bool]:
    """(ref score − alt score, least other-allele score − alt score, read has the indel in its
    CIGAR): the first > 0 favours this alt over the reference, the second over every other
    candidate indel nearby (``others``; +inf without any)."""
    arrays = _arrays(read, haps, min_baseq, max_baseq)
    if arrays is None:
        return 0.0, 0.0, False
    ref_score, alt_score = _score(arrays, haps, False, haps), _score(arrays, haps, True, haps)
    if ref_score is None or alt_score is None:
        return 0.0, 0.0, False
    other_scores = [s for s in (_score(arrays, o, True, haps) for o in others) if s is not None]
    versus_others = min(other_scores) - alt_score if other_scores else float("inf")
    return ref_score - alt_score, versus_others, _cigar_has_event(read, haps)


def _cigar_has_event(read: pysam.AlignedSegment, haps: Haplotypes) -> bool:
    wanted = 1 if haps.inserted else 2
    size = len(haps.inserted) or haps.deleted
    return any(op == wanted and length == size for op, length in read.cigartuples or [])


def count_support(
    bam: pysam.AlignmentFile,
    haps: Haplotypes,
    chrom: str,
    min_mapq: int,
    min_baseq: int,
    max_baseq: float,
    margin: float,
    others: list[Haplotypes] = (),
) -> IndelSupport:
    """Reference and alt reads (fragments) of the indel in one BAM, by strand.

    A read fitting this allele no better than another candidate indel nearby (``others``: the
    allele at the same site from another slip, say) counts for neither."""
    best: dict[str, tuple[float, bool, bool]] = {}  # fragment -> (score, reverse, in CIGAR)
    if chrom not in bam.references:
        return IndelSupport(AlleleCounts(0, 0, 0, 0), 0)
    for read in bam.fetch(chrom, max(0, haps.anchor - 1), haps.event_end + 2):
        if not usable(read, min_mapq):
            continue
        score, versus_others, in_cigar = read_verdict(read, haps, min_baseq, max_baseq, others)
        if abs(score) < margin or (score > 0 and versus_others < margin):
            continue
        kept = best.get(read.query_name)
        if kept is None or abs(score) > abs(kept[0]):
            best[read.query_name] = (score, read.is_reverse, in_cigar)
    tally = Counter()
    clipped = 0
    for score, reverse, in_cigar in best.values():
        allele = "alt" if score > 0 else "ref"
        tally[(allele, reverse)] += 1
        if allele == "alt" and not in_cigar:
            clipped += 1
    counts = AlleleCounts(
        tally[("ref", False)], tally[("ref", True)], tally[("alt", False)], tally[("alt", True)], alt_qual_sum=None
    )
    return IndelSupport(counts, clipped)


def _left_align(sequence: str, offset: int, anchor: int, ref: str, alt: str) -> tuple[int, str, str]:
    """Shift an indel (0-based anchor in ``sequence``, which starts at ``offset``) left while it can."""
    while anchor > 0:
        if len(alt) > len(ref):  # insertion of alt[1:] after the anchor
            inserted = alt[1:]
            if sequence[anchor] != inserted[-1]:
                break
            anchor -= 1
            alt = sequence[anchor] + sequence[anchor + 1] + inserted[:-1]
            ref = sequence[anchor]
        else:
            deleted = ref[1:]
            if sequence[anchor] != deleted[-1]:
                break
            anchor -= 1
            ref = sequence[anchor] + sequence[anchor + 1] + deleted[:-1]
            alt = sequence[anchor]
    return anchor + offset, ref, alt


def _propose(clip: str, reference: str, at: int, right: bool) -> list[tuple[int, str, str]]:
    """Indels (0-based anchor in ``reference``, REF, ALT) a clip at ``at`` would complete.

    Right clip: the read's aligned part ends before ``at``; the clip is inserted bases then
    reference from ``at``, or reference from ``at + D`` (a deletion). Left clip: mirror image,
    the aligned part starts at ``at``.
    """
    out = []
    n = len(clip)
    for k in range(1, min(MAX_EVENT, n - MIN_MATCH) + 1):
        if right:
            if clip[k : k + MIN_MATCH] == reference[at : at + MIN_MATCH]:
                out.append((at - 1, reference[at - 1], reference[at - 1] + clip[:k]))
                break
        elif clip[n - k - MIN_MATCH : n - k] == reference[at - MIN_MATCH : at]:
            out.append((at - 1, reference[at - 1], reference[at - 1] + clip[n - k :]))
            break
    for size in range(1, MAX_EVENT + 1):
        if right:
            if clip[:MIN_MATCH] == reference[at + size : at + size + MIN_MATCH]:
                out.append((at - 1, reference[at - 1 : at + size], reference[at - 1]))
                break
        elif clip[n - MIN_MATCH :] == reference[at - size - MIN_MATCH : at - size]:
            out.append((at - size - 1, reference[at - size - 1 : at], reference[at - size - 1]))
            break
    return out


def clip_candidates(
    bam: pysam.AlignmentFile,
    reference: pysam.FastaFile,
    targets: list[tuple[str, int, int]],
    min_mapq: int,
    min_reads: int,
) -> list[tuple[str, int, str, str]]:
    """Indels proposed by at least ``min_reads`` soft-clipped reads over the targets (1-based, VCF alleles)."""
    found: Counter = Counter()
    for chrom, start, end in targets:
        if chrom not in bam.references:
            continue
        offset = max(0, start - WINDOW)
        sequence = reference.fetch(chrom, offset, end + WINDOW).upper()
        seen: dict[tuple, set[str]] = {}
        for read in bam.fetch(chrom, start, end):
            if not usable(read, min_mapq) or not read.cigartuples or not read.query_sequence:
                continue
            query = read.query_sequence.upper()
            for right in (False, True):
                op, length = read.cigartuples[-1 if right else 0]
                if op != 4 or length < MIN_CLIP + MIN_MATCH - 1:
                    continue
                at = (read.reference_end if right else read.reference_start) - offset
                if not MIN_MATCH < at < len(sequence) - MAX_EVENT - MIN_MATCH:
                    continue
                clip = query[-length:] if right else query[:length]
                for anchor, ref, alt in _propose(clip, sequence, at, right):
                    key = (chrom, *_left_align(sequence, offset, anchor, ref, alt))
                    seen.setdefault(key, set()).add(read.query_name)
        for key, names in seen.items():
            if start <= key[1] < end + MAX_EVENT:
                found[key] = max(found[key], len(names))
    return sorted((chrom, anchor + 1, ref, alt) for (chrom, anchor, ref, alt), n in found.items() if n >= min_reads)
