"""HGVS (v21) c./n. and predicted p. descriptions of a VCF allele on one transcript.

The pipeline reports every variant on one transcript per gene, so this module answers a single
question: given a normalised VCF record and a transcript, what are its c. and p. descriptions,
which exon or intron does it hit, and what is its most severe Sequence Ontology consequence?

Conventions that are easy to get wrong, and how they are handled here:

* VCF records are left-aligned on the genome; HGVS wants indels at their most 3' position in
  *transcript* orientation. The c. description therefore uses the indel's most 3' equivalent
  placement in transcript orientation (to the right on the plus strand, to the left on the minus
  strand), found on the genome and, as HGVS prescribes for DNA, across exon/intron borders.
* An indel in a repeat is one change with several equivalent placements. Exon, consequence and
  p. are predicted from the placement with the mildest consequence (ties: the 3'-most), because
  the edited sequence is the same for all of them and the mild reading is the one that keeps
  splice sites and the CDS as they are. So ..CAG|gtg.. losing a G is c.<n>+1del (HGVS) yet a
  frameshift in the exon, and the result does not depend on the gene's strand.
* An insertion that repeats the sequence just 5' of it is a duplication (after the 3' shift).
* Protein changes come from translating the reference and the edited transcript sequence, not
  from codon arithmetic, so frameshifts, in-frame indels, stop gains and stop losses fall out of
  one comparison; in-frame changes are placed at the most C-terminal position (3' rule).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import pysam

from presis.annotation.transcripts import Transcript
from presis.errors import InputError

_COMPLEMENT = str.maketrans("ACGTN", "TGCAN")
_BASES = frozenset("ACGTN")

_GENETIC_CODE = {
    a + b + c: aa
    for (a, b, c), aa in zip(
        ((x, y, z) for x in "TCAG" for y in "TCAG" for z in "TCAG"),
        "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG",
        strict=False,
    )
}

_THREE_LETTER = {
    "A": "Ala",
    "R": "Arg",
    "N": "Asn",
    "D": "Asp",
    "C": "Cys",
    "Q": "Gln",
    "E": "Glu",
    "G": "Gly",
    "H": "His",
    "I": "Ile",
    "L": "Leu",
    "K": "Lys",
    "M": "Met",
    "F": "Phe",
    "P": "Pro",
    "S": "Ser",
    "T": "Thr",
    "W": "Trp",
    "Y": "Tyr",
    "V": "Val",
    "*": "Ter",
    "U": "Sec",
    "X": "Xaa",
}

# Ensembl VEP's severity order (most severe first), restricted to the terms produced here.
SEVERITY = (
    "splice_acceptor_variant",
    "splice_donor_variant",
    "stop_gained",
    "frameshift_variant",
    "stop_lost",
    "start_lost",
    "inframe_insertion",
    "inframe_deletion",
    "missense_variant",
    "protein_altering_variant",
    "splice_region_variant",
    "stop_retained_variant",
    "synonymous_variant",
    "coding_sequence_variant",
    "5_prime_UTR_variant",
    "3_prime_UTR_variant",
    "non_coding_transcript_exon_variant",
    "intron_variant",
    "upstream_gene_variant",
    "downstream_gene_variant",
)
_RANK = {term: i for i, term in enumerate(SEVERITY)}

SPLICE_SITE = 2  # intronic bases +1/+2 (donor) and -1/-2 (acceptor)
SPLICE_REGION_EXON = 3  # exonic bases next to an internal exon edge
SPLICE_REGION_INTRON = 8  # intronic bases 3..8 from the edge
_MAX_PLACEMENTS = 200  # beyond this (N runs, long microsatellites) only the run's ends are judged
_MAX_SHIFT = 10_000  # a guard for runs of N: no real indel slides further than this

P_UNKNOWN = "p.?"


@dataclass(frozen=True)
class VariantDescription:
    """How one allele is reported on one transcript."""

    hgvs_c: str  # "c.35G>A"; "n.…" on a non-coding transcript
    hgvs_p: str  # "p.(Gly12Asp)", "p.?" when unpredictable, "" when no protein change is expected
    hgvs_p1: str  # the same with one-letter amino acids: "p.(G12D)"
    exon: str  # "2/6", "2-3/6", "intron 3/5", or "" outside the transcript
    consequence: str  # most severe Sequence Ontology term


# ---------------------------------------------------------------------------------------------
# Small sequence helpers


def reverse_complement(seq: str) -> str:
    return seq.translate(_COMPLEMENT)[::-1]


def translate(seq: str) -> str:
    """Translate whole codons with the standard code; codons with N become X."""
    return "".join(_GENETIC_CODE.get(seq[i : i + 3], "X") for i in range(0, len(seq) - 2, 3))


def _translate_to_stop(seq: str) -> tuple[str, bool]:
    """Translate up to and including the first stop; also say whether a stop was reached."""
    protein = []
    for i in range(0, len(seq) - 2, 3):
        aa = _GENETIC_CODE.get(seq[i : i + 3], "X")
        protein.append(aa)
        if aa == "*":
            return "".join(protein), True
    return "".join(protein), False


def _three(aas: str) -> str:
    return "".join(_THREE_LETTER.get(aa, "Xaa") for aa in aas)


# ---------------------------------------------------------------------------------------------
# The variant as an edit of the genome


@dataclass(frozen=True)
class _Edit:
    """Delete genome bases start..end (1-based, inclusive) and put ``alt`` in their place.

    A pure insertion has ``end == start - 1``: it sits between bases ``end`` and ``start``.
    ``ref`` and ``alt`` are on the genome's plus strand.
    """

    start: int
    end: int
    ref: str
    alt: str

    @property
    def is_insertion(self) -> bool:
        return not self.ref

    @property
    def is_deletion(self) -> bool:
        return not self.alt

    @property
    def is_indel(self) -> bool:
        return self.is_insertion != self.is_deletion


def _trim(pos: int, ref: str, alt: str) -> _Edit:
    """Drop bases shared by REF and ALT (the VCF anchor base, padding of MNVs)."""
    while ref and alt and ref[-1] == alt[-1]:
        ref, alt = ref[:-1], alt[:-1]
    while ref and alt and ref[0] == alt[0]:
        ref, alt, pos = ref[1:], alt[1:], pos + 1
    return _Edit(pos, pos + len(ref) - 1, ref, alt)


class _Genome:
    """Base look-ups on one contig, fetched in blocks because shifting walks base by base."""

    _BLOCK = 256

    def __init__(self, fasta: pysam.FastaFile, contig: str):
        self._fasta = fasta
        self._contig = contig
        try:
            self._length = fasta.get_reference_length(contig)
        except KeyError:
            name = fasta.filename
            name = name.decode() if isinstance(name, bytes) else str(name)
            raise InputError(
                f"contig {contig!r} is not in the FASTA {name}; the annotation and the genome must share contig names"
            ) from None
        self._block_start = -1
        self._block = ""

    def base(self, pos: int) -> str:
        """The base at 1-based ``pos``; "" off the contig ends."""
        if pos < 1 or pos > self._length:
            return ""
        offset = pos - 1 - self._block_start
        if self._block_start < 0 or not 0 <= offset < len(self._block):
            self._block_start = max(0, pos - 1 - self._BLOCK // 2)
            self._block = self._fasta.fetch(self._contig, self._block_start, self._block_start + self._BLOCK).upper()
            offset = pos - 1 - self._block_start
        return self._block[offset]

    def seq(self, start: int, end: int) -> str:
        """Bases start..end, 1-based inclusive."""
        if end < start:
            return ""
        return self._fasta.fetch(self._contig, start - 1, end).upper()


# ---------------------------------------------------------------------------------------------
# Transcript geometry


@dataclass(frozen=True)
class _Site:
    """Where one genome base lies relative to the transcript.

    kind: "exon" (index = exon, t = transcript position), "intron" (index = intron; up/down =
    distance to the 3' end of the exon before / the 5' start of the exon after, in transcript
    order), "upstream" or "downstream" (up = distance from the transcript end).
    """

    kind: str
    index: int = 0
    t: int = 0
    up: int = 0
    down: int = 0


class _Layout:
    """A transcript's exons in transcript order, with transcript and c. coordinates."""

    def __init__(self, tx: Transcript):
        self.tx = tx
        self.plus = tx.strand == "+"
        self.genomic = tx.exons  # ascending genome order
        self._starts = [s for s, _ in tx.exons]
        self.n = len(tx.exons)
        ordered = tx.exons if self.plus else tuple(reversed(tx.exons))
        self.ordered = ordered
        self.t_start: list[int] = []
        total = 0
        for start, end in ordered:
            self.t_start.append(total + 1)
            total += end - start + 1
        self.length = total
        self.coding = tx.is_coding
        if self.coding:
            first = tx.cds[0][0] if self.plus else tx.cds[-1][1]
            last = tx.cds[-1][1] if self.plus else tx.cds[0][0]
            self.cds_start = self._exonic_t(first)
            self.cds_end = self._exonic_t(last)
        else:
            self.cds_start = self.cds_end = 0

    # -- locating bases ----------------------------------------------------------------------

    def t_end(self, j: int) -> int:
        return self.t_start[j] + self.ordered[j][1] - self.ordered[j][0]

    def _exonic_t(self, g: int) -> int:
        site = self.site(g)
        if site.kind != "exon":
            raise InputError(
                f"{self.tx.id}: CDS end {self.tx.contig}:{g} lies outside its exons; the annotation is inconsistent"
            )
        return site.t

    def site(self, g: int) -> _Site:
        """Classify genome position ``g`` against the exon structure."""
        tx_start, tx_end = self.genomic[0][0], self.genomic[-1][1]
        if g < tx_start or g > tx_end:
            before = g < tx_start
            distance = tx_start - g if before else g - tx_end
            return _Site("upstream" if before == self.plus else "downstream", up=distance)
        i = bisect.bisect_right(self._starts, g) - 1  # last exon starting at or before g
        start, end = self.genomic[i]
        if g <= end:
            j = i if self.plus else self.n - 1 - i
            offset = g - start if self.plus else end - g
            return _Site("exon", index=j, t=self.t_start[j] + offset)
        next_start = self.genomic[i + 1][0]
        if self.plus:
            return _Site("intron", index=i, up=g - end, down=next_start - g)
        return _Site("intron", index=self.n - 2 - i, up=next_start - g, down=g - end)

    # -- naming positions --------------------------------------------------------------------

    def _t_label(self, t: int) -> str:
        """c. (or n.) label of transcript position t; t may lie beyond either transcript end."""
        if not self.coding:
            if t < 1:
                return f"-{1 - t}"
            return str(t) if t <= self.length else f"*{t - self.length}"
        if t < self.cds_start:
            return f"-{self.cds_start - t}"
        if t <= self.cds_end:
            return str(t - self.cds_start + 1)
        return f"*{t - self.cds_end}"

    def label(self, g: int) -> str:
        """HGVS position of genome base g: "35", "88+1", "89-2", "-15", "*20", "-15+3"."""
        site = self.site(g)
        if site.kind == "exon":
            return self._t_label(site.t)
        if site.kind == "upstream":
            return self._t_label(1 - site.up)
        if site.kind == "downstream":
            return self._t_label(self.length + site.up)
        # Intron: count from the nearer exon; the middle base of an odd intron takes "+".
        if site.up <= site.down:
            return f"{self._t_label(self.t_end(site.index))}+{site.up}"
        return f"{self._t_label(self.t_start[site.index + 1])}-{site.down}"

    def five_prime(self, start: int, end: int) -> tuple[int, int]:
        """(5' base, 3' base) of a genome interval in transcript orientation."""
        return (start, end) if self.plus else (end, start)

    def oriented(self, seq: str) -> str:
        return seq if self.plus else reverse_complement(seq)

    def mrna(self, genome: _Genome) -> str:
        """The spliced transcript sequence, 5' to 3'."""
        return "".join(self.oriented(genome.seq(s, e)) for s, e in self.ordered)


# ---------------------------------------------------------------------------------------------
# 3' shifting and c. description


def _step(genome: _Genome, edit: _Edit, direction: int) -> _Edit | None:
    """The same indel moved one base along the genome (+1 right, -1 left), if that is equivalent.

    A deletion moves when the base it would take in equals the base it gives up; an insertion
    moves past a base equal to its leading (right) or trailing (left) base, rotating itself.
    """
    start, end = edit.start, edit.end
    if edit.is_deletion:
        ref = edit.ref
        if direction > 0 and genome.base(end + 1) == ref[0]:
            return _Edit(start + 1, end + 1, ref[1:] + ref[0], "")
        if direction < 0 and genome.base(start - 1) == ref[-1]:
            return _Edit(start - 1, end - 1, ref[-1] + ref[:-1], "")
        return None
    ins = edit.alt  # an insertion sits between end and start
    if direction > 0 and genome.base(start) == ins[0]:
        return _Edit(start + 1, end + 1, "", ins[1:] + ins[0])
    if direction < 0 and genome.base(end) == ins[-1]:
        return _Edit(start - 1, end - 1, "", ins[-1] + ins[:-1])
    return None


def _placements(genome: _Genome, layout: _Layout, edit: _Edit) -> list[_Edit]:
    """Every equivalent position of an indel, 5' to 3' in transcript orientation.

    The last one is the HGVS 3' rule position. Shifting runs on the genome and may cross
    exon/intron borders (HGVS: a G deleted from ..CAGgtg.. is c.546+1del unless RNA shows
    otherwise). Substitutions and delins have a single placement.
    """
    if not edit.is_indel:
        return [edit]
    for _ in range(_MAX_SHIFT):
        left = _step(genome, edit, -1)
        if left is None:
            break
        edit = left
    placements = [edit]
    for _ in range(_MAX_SHIFT):
        right = _step(genome, placements[-1], +1)
        if right is None:
            break
        placements.append(right)
    return placements if layout.plus else placements[::-1]


def _mildest(layout: _Layout, placements: list[_Edit]) -> tuple[_Edit, set[str]]:
    """The placement (and its location terms) to predict the effect from.

    All placements give the same genome, so the one that leaves splice sites and the CDS
    untouched describes the change: deleting the G of ..CAG|gtg.. leaves a donor right after
    ..CA, i.e. a shorter exon, not a broken splice site. Ties go to the 3'-most placement.
    Only the ends of very long runs are examined; the middle of a repeat is all alike.
    """
    ends = _MAX_PLACEMENTS // 2
    if len(placements) > _MAX_PLACEMENTS:
        placements = placements[:ends] + placements[-ends:]
    best_edit, best_terms, best_rank = placements[0], set(), -1
    for edit in placements:
        terms = _location_terms(layout, edit)
        rank = _RANK[_most_severe(terms)]  # a higher rank is a milder consequence
        if rank >= best_rank:
            best_edit, best_terms, best_rank = edit, terms, rank
    return best_edit, best_terms


def _duplicated(genome: _Genome, layout: _Layout, edit: _Edit) -> tuple[int, int] | None:
    """Genome interval copied by an insertion, if the inserted bases repeat those just 5' of it."""
    size = len(edit.alt)
    if layout.plus:
        first, last = edit.start - size, edit.start - 1
    else:
        first, last = edit.start, edit.start + size - 1
    if first >= 1 and genome.seq(first, last) == edit.alt:
        return first, last
    return None


def _range_label(layout: _Layout, start: int, end: int) -> str:
    five, three = layout.five_prime(start, end)
    if five == three:
        return layout.label(five)
    return f"{layout.label(five)}_{layout.label(three)}"


def _hgvs_c(genome: _Genome, layout: _Layout, edit: _Edit) -> str:
    prefix = "c." if layout.coding else "n."
    if edit.is_insertion:
        dup = _duplicated(genome, layout, edit)
        if dup is not None:
            return f"{prefix}{_range_label(layout, *dup)}dup"
        five, three = layout.five_prime(edit.end, edit.start)
        return f"{prefix}{layout.label(five)}_{layout.label(three)}ins{layout.oriented(edit.alt)}"
    where = _range_label(layout, edit.start, edit.end)
    if edit.is_deletion:
        return f"{prefix}{where}del"
    if len(edit.ref) == 1 and len(edit.alt) == 1:
        return f"{prefix}{where}{layout.oriented(edit.ref)}>{layout.oriented(edit.alt)}"
    return f"{prefix}{where}delins{layout.oriented(edit.alt)}"


# ---------------------------------------------------------------------------------------------
# Location-based consequences and the exon label


def _touched_sites(layout: _Layout, edit: _Edit) -> list[_Site]:
    """Sites of the deleted bases, or of both flanking bases of an insertion."""
    if edit.is_insertion:
        return [layout.site(edit.end), layout.site(edit.start)]
    return [layout.site(g) for g in range(edit.start, edit.end + 1)]


def _exonic_term(layout: _Layout, site: _Site) -> str:
    if not layout.coding:
        return "non_coding_transcript_exon_variant"
    if site.t < layout.cds_start:
        return "5_prime_UTR_variant"
    if site.t > layout.cds_end:
        return "3_prime_UTR_variant"
    return "coding_sequence_variant"


def _splice_terms(layout: _Layout, site: _Site) -> set[str]:
    """Splice-site and splice-region terms of one base."""
    if site.kind == "intron":
        if site.up <= SPLICE_SITE:
            return {"splice_donor_variant"}
        if site.down <= SPLICE_SITE:
            return {"splice_acceptor_variant"}
        if min(site.up, site.down) <= SPLICE_REGION_INTRON:
            return {"splice_region_variant"}
        return set()
    if site.kind == "exon":
        near_5 = site.index > 0 and site.t - layout.t_start[site.index] < SPLICE_REGION_EXON
        last = layout.n - 1
        near_3 = site.index < last and layout.t_end(site.index) - site.t < SPLICE_REGION_EXON
        return {"splice_region_variant"} if near_5 or near_3 else set()
    return set()


def _site_terms(layout: _Layout, site: _Site) -> set[str]:
    if site.kind == "exon":
        return {_exonic_term(layout, site)} | _splice_terms(layout, site)
    if site.kind == "intron":
        return {"intron_variant"} | _splice_terms(layout, site)
    return {f"{site.kind}_gene_variant"}


def _location_terms(layout: _Layout, edit: _Edit) -> set[str]:
    """Consequences implied by where the variant lies (protein effects are added later)."""
    sites = _touched_sites(layout, edit)
    if edit.is_insertion:
        return _insertion_terms(layout, sites[0], sites[1])
    terms: set[str] = set()
    for site in sites:
        terms |= _site_terms(layout, site)
    return terms


def _insertion_terms(layout: _Layout, left: _Site, right: _Site) -> set[str]:
    """An insertion changes no base: it is judged by the two bases it sits between."""
    kinds = {left.kind, right.kind}
    if kinds == {"exon", "intron"}:
        return {"splice_region_variant"}  # exactly on an exon edge
    flanks = [s for s in (left, right) if s.kind == "exon"] or [left, right]
    if "exon" in kinds:
        classes = {_exonic_term(layout, s) for s in flanks}
        if len(classes) > 1:  # on the CDS edge: the coding sequence itself is unchanged
            classes.discard("coding_sequence_variant")
        terms = classes
    elif "intron" in kinds:
        terms = {"intron_variant"}
    else:
        return {f"{left.kind}_gene_variant"}
    splice = [_splice_terms(layout, s) for s in flanks]
    sites = {"splice_donor_variant", "splice_acceptor_variant"}
    both = set.intersection(*splice) & sites  # e.g. between +1 and +2
    if both:
        return terms | both
    if set.union(*splice):
        terms.add("splice_region_variant")
    return terms


def _exon_label(layout: _Layout, edit: _Edit) -> str:
    sites = _touched_sites(layout, edit)
    for kind, word, total in (("exon", "", layout.n), ("intron", "intron ", layout.n - 1)):
        numbers = sorted({s.index + 1 for s in sites if s.kind == kind})
        if numbers:
            span = str(numbers[0]) if len(numbers) == 1 else f"{numbers[0]}-{numbers[-1]}"
            return f"{word}{span}/{total}"
    return ""


# ---------------------------------------------------------------------------------------------
# Protein consequence


@dataclass(frozen=True)
class _Protein:
    three: str  # inner description, e.g. "Gly12Asp" (wrapped as p.(…) later)
    one: str  # "G12D"
    terms: frozenset[str]


def _aa(protein: str, i: int) -> tuple[str, str]:
    """(three-letter, one-letter) name of residue i (0-based) with its 1-based number."""
    aa = "M" if i == 0 else protein[i]  # translation starts with Met whatever the start codon
    return f"{_three(aa)}{i + 1}", f"{aa}{i + 1}"


def _span(protein: str, first: int, last: int) -> tuple[str, str]:
    a3, a1 = _aa(protein, first)
    if last == first:
        return a3, a1
    b3, b1 = _aa(protein, last)
    return f"{a3}_{b3}", f"{a1}_{b1}"


def _p(three: str, one: str, *terms: str) -> _Protein:
    return _Protein(three, one, frozenset(terms))


def _synonymous(ref: str, first: int, last: int) -> _Protein:
    first = min(first, len(ref) - 1)
    last = min(max(last, first), len(ref) - 1)
    three, one = _span(ref, first, last)
    term = "stop_retained_variant" if ref[first] == "*" else "synonymous_variant"
    return _p(f"{three}=", f"{one}=", term)


def _extension(ref: str, alt: str, alt_stops: bool, p: int, extra: str = "") -> _Protein:
    """A change of the stop codon itself: p.(Ter110GlnextTer17), counted into the new tail."""
    tail3 = tail1 = "?"
    if alt_stops:
        tail3 = tail1 = str(len(alt) - 1 - p)
    new = alt[p]
    three, one = _aa(ref, p)
    terms = ("stop_lost", extra) if extra else ("stop_lost",)
    return _p(f"{three}{_three(new)}extTer{tail3}", f"{one}{new}ext*{tail1}", *terms)


def _frameshift(ref: str, alt: str, alt_stops: bool, p: int) -> _Protein:
    """p.(Arg100GlyfsTer5): N counts from the first changed residue (1) to the new stop."""
    if ref[p] == "*":
        return _extension(ref, alt, alt_stops, p, "frameshift_variant")
    three, one = _aa(ref, p)
    if alt[p] == "*":
        return _p(f"{three}Ter", f"{one}*", "stop_gained", "frameshift_variant")
    count = str(len(alt) - p) if alt_stops else "?"
    return _p(f"{three}{_three(alt[p])}fsTer{count}", f"{one}{alt[p]}fs*{count}", "frameshift_variant")


def _inframe_term(edit: _Edit) -> str:
    if edit.is_deletion:
        return "inframe_deletion"
    if edit.is_insertion:
        return "inframe_insertion"
    if len(edit.ref) == len(edit.alt):
        return "missense_variant"
    return "protein_altering_variant"


def _premature_stop(ref: str, alt: str, p: int, last_codon: int, edit: _Edit) -> _Protein:
    """An in-frame change whose new sequence contains a stop before the reference one."""
    three, one = _aa(ref, p)
    new = alt[p:]
    if new == "*":  # an immediate stop is a nonsense variant, even when inserted (HGVS)
        return _p(f"{three}Ter", f"{one}*", "stop_gained")
    if last_codon < p:  # nothing replaced: inserted residues ending in a stop (HGVS: insSerTer)
        (b3, b1), (a3, a1) = _aa(ref, p - 1), (three, one)
        return _p(f"{b3}_{a3}ins{_three(new)}", f"{b1}_{a1}ins{new}", "stop_gained")
    span3, span1 = _span(ref, p, last_codon)
    return _p(f"{span3}delins{_three(new)}", f"{span1}delins{new}", "stop_gained", _inframe_term(edit))


def _inframe(ref: str, alt: str, alt_stops: bool, p: int, last_codon: int, edit: _Edit) -> _Protein | None:
    """In-frame change from the first difference p; None when it cannot be described."""
    if ref[p] == "*":
        return _extension(ref, alt, alt_stops, p)
    expected = len(ref) + (len(edit.alt) - len(edit.ref)) // 3
    if alt_stops and len(alt) < expected:
        return _premature_stop(ref, alt, p, last_codon, edit)
    if not alt_stops:
        return None  # the stop codon was deleted and the transcript ends without a new one
    # Trim the shared C-terminal part; trimming the N-terminal part first puts the change at its
    # most C-terminal position (3' rule for proteins).
    s = 0
    while s < min(len(ref), len(alt)) - p and ref[-1 - s] == alt[-1 - s]:
        s += 1
    deleted, inserted = ref[p : len(ref) - s], alt[p : len(alt) - s]
    term = _inframe_term(edit)
    extra = "stop_lost" if last_codon >= len(ref) - 1 else term  # the stop codon was rewritten
    if not inserted:
        span3, span1 = _span(ref, p, p + len(deleted) - 1)
        return _p(f"{span3}del", f"{span1}del", term, extra)
    if not deleted:
        size = len(inserted)
        if p - size >= 0 and ref[p - size : p] == inserted:
            span3, span1 = _span(ref, p - size, p - 1)
            return _p(f"{span3}dup", f"{span1}dup", term, extra)
        (b3, b1), (a3, a1) = _aa(ref, p - 1), _aa(ref, p)
        return _p(f"{b3}_{a3}ins{_three(inserted)}", f"{b1}_{a1}ins{inserted}", term, extra)
    if len(deleted) == 1 and len(inserted) == 1:
        three, one = _aa(ref, p)
        return _p(f"{three}{_three(inserted)}", f"{one}{inserted}", term, extra)
    span3, span1 = _span(ref, p, p + len(deleted) - 1)
    return _p(f"{span3}delins{_three(inserted)}", f"{span1}delins{inserted}", term, extra)


@dataclass(frozen=True)
class _CdsEdit:
    """The edit in spliced-transcript coordinates (0-based)."""

    t0: int  # first deleted base, or the base an insertion goes before
    deleted: int
    inserted: str  # transcript orientation
    first_codon: int  # codons (0-based) touched; last < first for an insertion between codons
    last_codon: int


def _cds_edit(layout: _Layout, edit: _Edit, sites: list[_Site]) -> _CdsEdit | None:
    """Map an edit inside one exon onto the spliced transcript; None if it is not coding."""
    if any(s.kind != "exon" for s in sites) or len({s.index for s in sites}) != 1:
        return None
    ts = sorted(s.t for s in sites)
    cds0, cds1 = layout.cds_start, layout.cds_end
    if edit.is_insertion:
        if not (cds0 <= ts[0] and ts[1] <= cds1):
            return None  # UTR, or exactly at the CDS edge: the coding sequence is unchanged
        offset = ts[1] - cds0  # 0-based CDS offset of the base after the insertion
        first = offset // 3
        last = first if offset % 3 else first - 1
        return _CdsEdit(ts[1] - 1, 0, layout.oriented(edit.alt), first, last)
    lo, hi = max(ts[0], cds0), min(ts[-1], cds1)
    if lo > hi:
        return None
    return _CdsEdit(ts[0] - 1, len(edit.ref), layout.oriented(edit.alt), (lo - cds0) // 3, (hi - cds0) // 3)


def _in_coding_span(layout: _Layout, site: _Site) -> bool:
    """Whether a base lies between c.1 and the stop codon (an intron counts if both of its
    flanking exon edges do), i.e. whether a splicing change there can alter the protein."""
    if site.kind == "exon":
        return layout.cds_start <= site.t <= layout.cds_end
    if site.kind == "intron":
        return layout.t_end(site.index) >= layout.cds_start and layout.t_start[site.index + 1] <= layout.cds_end
    return False


def _unpredictable(layout: _Layout, sites: list[_Site], terms: set[str]) -> _Protein | None:
    """p.? for changes to splicing of the coding region, None when the protein is untouched."""
    if not any(_in_coding_span(layout, s) for s in sites):
        return None  # UTR, UTR intron, or outside the transcript
    if {s.kind for s in sites} == {"intron"}:
        if terms & {"splice_donor_variant", "splice_acceptor_variant"}:
            return _p("?", "?")
        return None  # deeper intronic bases: consequence only, no protein prediction
    return _p("?", "?")  # across or exactly on an exon edge: the new splicing is unknown


def _protein(genome: _Genome, layout: _Layout, edit: _Edit, terms: set[str]) -> _Protein | None:
    """The predicted protein change; None when the variant does not reach the coding sequence."""
    if not layout.coding:
        return None
    sites = _touched_sites(layout, edit)
    cds_edit = _cds_edit(layout, edit, sites)
    if cds_edit is None:
        if {s.kind for s in sites} == {"exon"}:
            return None  # exonic but outside the CDS (UTR, or an insertion on the CDS edge)
        return _unpredictable(layout, sites, terms)
    if cds_edit.first_codon == 0 and cds_edit.last_codon >= 0:
        return _p("Met1?", "M1?", "start_lost")
    if (layout.cds_end - layout.cds_start + 1) % 3 or "cds_start_NF" in layout.tx.tags:
        return _p("?", "?", "coding_sequence_variant")  # incomplete CDS: frame unknown
    mrna = layout.mrna(genome)
    cds0 = layout.cds_start - 1
    ref_protein, _ = _translate_to_stop(mrna[cds0 : layout.cds_end])
    edited = mrna[: cds_edit.t0] + cds_edit.inserted + mrna[cds_edit.t0 + cds_edit.deleted :]
    alt_protein, alt_stops = _translate_to_stop(edited[cds0:])
    return _compare(ref_protein, alt_protein, alt_stops, cds_edit, edit)


def _compare(ref: str, alt: str, alt_stops: bool, cds_edit: _CdsEdit, edit: _Edit) -> _Protein:
    """Describe how the edited protein differs from the reference one."""
    p = 0
    while p < min(len(ref), len(alt)) and ref[p] == alt[p]:
        p += 1
    if p == len(ref) and p == len(alt):
        return _synonymous(ref, cds_edit.first_codon, cds_edit.last_codon)
    if p >= len(alt) or p >= len(ref):
        return _p("?", "?", "coding_sequence_variant")
    if (len(edit.alt) - len(edit.ref)) % 3:
        return _frameshift(ref, alt, alt_stops, p)
    described = _inframe(ref, alt, alt_stops, p, cds_edit.last_codon, edit)
    return described or _p("?", "?", "stop_lost")


# ---------------------------------------------------------------------------------------------
# Public entry point


def _check_alleles(tx: Transcript, genome: _Genome, pos: int, ref: str, alt: str) -> None:
    where = f"{tx.contig}:{pos} {ref}>{alt}"
    if not ref or not alt or set(ref) - _BASES or set(alt) - _BASES:
        raise InputError(f"{where}: only literal A/C/G/T/N alleles can be described")
    if ref == alt:
        raise InputError(f"{where}: REF and ALT are identical")
    found = genome.seq(pos, pos + len(ref) - 1)
    if found != ref:
        raise InputError(
            f"{where}: REF does not match the genome ({found or 'off the contig'}); "
            "is the VCF on the same reference build?"
        )


def _most_severe(terms: set[str]) -> str:
    return min(terms, key=lambda t: _RANK.get(t, len(_RANK)))


def describe(fasta: pysam.FastaFile, tx: Transcript, pos: int, ref: str, alt: str) -> VariantDescription:
    """Describe a VCF allele (1-based pos, anchor base included for indels) on transcript tx."""
    ref, alt = ref.upper(), alt.upper()
    genome = _Genome(fasta, tx.contig)
    _check_alleles(tx, genome, pos, ref, alt)
    layout = _Layout(tx)
    placements = _placements(genome, layout, _trim(pos, ref, alt))
    named = placements[-1]  # HGVS 3' rule
    effective, terms = _mildest(layout, placements)
    protein = _protein(genome, layout, effective, terms)
    hgvs_p = hgvs_p1 = ""
    if protein is not None:
        if protein.terms:  # a specific protein effect replaces the generic CDS term
            terms = (terms - {"coding_sequence_variant"}) | protein.terms
        hgvs_p = P_UNKNOWN if protein.three == "?" else f"p.({protein.three})"
        hgvs_p1 = P_UNKNOWN if protein.one == "?" else f"p.({protein.one})"
    return VariantDescription(
        hgvs_c=_hgvs_c(genome, layout, named),
        hgvs_p=hgvs_p,
        hgvs_p1=hgvs_p1,
        exon=_exon_label(layout, effective),
        consequence=_most_severe(terms),
    )


__all__ = ["SEVERITY", "VariantDescription", "describe", "reverse_complement", "translate"]
