"""Variants without a transcript (intergenic, promoter, unannotated regions): genomic HGVS and
where the variant lies in words.

A variant that no annotated transcript covers has no c. or p. description; it is named by its
genomic change in HGVS ``g.`` notation on the chromosome's real coordinates (via the contig
table of a sliced reference) and placed by the nearest annotated gene.
"""

from __future__ import annotations

import pysam

from presis.annotation.transcripts import Transcript, TranscriptIndex
from presis.inputs.contigs import ContigMap


def _trim(pos: int, ref: str, alt: str) -> tuple[int, str, str]:
    """VCF alleles without their shared prefix and suffix: (first changed base, deleted, inserted)."""
    while ref and alt and ref[-1] == alt[-1]:
        ref, alt = ref[:-1], alt[:-1]
    while ref and alt and ref[0] == alt[0]:
        ref, alt, pos = ref[1:], alt[1:], pos + 1
    return pos, ref, alt


def _shift_right(fasta: pysam.FastaFile, contig: str, pos: int, ref: str, alt: str) -> tuple[int, str, str]:
    """An insertion or deletion moved as far 3' (right, on the plus strand) as the sequence allows:
    HGVS describes the most 3' of equivalent placements; VCF records the most 5'."""
    length = fasta.get_reference_length(contig)
    if ref and not alt:  # deletion of ref at pos..pos+len-1
        while pos + len(ref) <= length:
            nxt = fasta.fetch(contig, pos + len(ref) - 1, pos + len(ref)).upper()
            if nxt != ref[0]:
                break
            ref, pos = ref[1:] + nxt, pos + 1
    elif alt and not ref:  # insertion of alt before pos
        while pos <= length:
            nxt = fasta.fetch(contig, pos - 1, pos).upper()
            if nxt != alt[0]:
                break
            alt, pos = alt[1:] + nxt, pos + 1
    return pos, ref, alt


def hgvs_g(fasta: pysam.FastaFile, contigs: ContigMap, contig: str, pos: int, ref: str, alt: str) -> str:
    """``chr5:g.1295113G>A`` style: the chromosome of the contig table (the contig's own name
    without one), real coordinates, 3'-shifted indels, duplications as ``dup``."""
    chrom, offset = contigs.slices.get(contig, (contig, 0))
    start, deleted, inserted = _trim(pos, ref.upper(), alt.upper())
    if len(deleted) != len(inserted) and (not deleted or not inserted):
        start, deleted, inserted = _shift_right(fasta, contig, start, deleted, inserted)
    g = start + offset
    if len(deleted) == 1 and len(inserted) == 1:
        change = f"{g}{deleted}>{inserted}"
    elif deleted and not inserted:
        change = f"{g}del" if len(deleted) == 1 else f"{g}_{g + len(deleted) - 1}del"
    elif inserted and not deleted:
        before = fasta.fetch(contig, max(0, start - 1 - len(inserted)), start - 1).upper()
        if before == inserted:  # the inserted bases repeat the ones before: a duplication
            first = g - len(inserted)
            change = f"{first}dup" if len(inserted) == 1 else f"{first}_{g - 1}dup"
        else:
            change = f"{g - 1}_{g}ins{inserted}"
    else:
        end = g + len(deleted) - 1
        change = f"{g}delins{inserted}" if end == g else f"{g}_{end}delins{inserted}"
    return f"{chrom}:g.{change}"


def _distance(tx: Transcript, pos: int) -> int:
    return 0 if tx.start <= pos <= tx.end else min(abs(tx.start - pos), abs(tx.end - pos))


def region(transcripts: TranscriptIndex, contig: str, pos: int, panel_genes: list[str]) -> str:
    """Where a variant without a reporting transcript lies, in words: the panel target it is in
    and the nearest annotated gene (upstream/downstream on that gene's strand) or none."""
    target = f"panel target {', '.join(panel_genes)}" if panel_genes else "outside the panel targets"
    on_contig = [tx for tx in transcripts if tx.contig == contig]
    if not on_contig:
        return f"{target}; no gene annotated on {contig}"
    covering = [tx for tx in on_contig if tx.start <= pos <= tx.end]
    if covering:
        genes = sorted({tx.gene for tx in covering})
        return f"{target}; within {', '.join(genes)} but outside its reporting transcript's exons and introns"
    nearest = min(on_contig, key=lambda tx: (_distance(tx, pos), tx.id))
    distance = _distance(nearest, pos)
    five_prime = (pos < nearest.start) == (nearest.strand == "+")
    side = "upstream" if five_prime else "downstream"
    return f"{target}; intergenic, {distance:,} bp {side} of {nearest.gene} (nearest annotated gene)"
