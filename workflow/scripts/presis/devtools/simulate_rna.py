"""Deterministic tumour RNA-seq reads with exact truth: fusions, read-through, EGFRvIII, exon skipping.

Used only by tests and benchmarks (presis.devtools). Every draw comes from ``random.Random`` seeded
with a string built from one integer seed, so a seed gives byte-identical FASTQs on any machine.

Model (pysam + the standard library):

* **Background**: spliced transcripts (the reporting transcript of each gene, presis.annotation.transcripts)
  of ``background_genes`` protein-coding genes of the genome, each at a random expression
  (log-normal number of fragments).
* **Fusions**: a 5' partner's transcript up to a breakpoint joined to a 3' partner's transcript from a
  breakpoint, both real genes of the genome. Half the breakpoints sit at exon boundaries (the 5' partner's
  exon end joined to the 3' partner's exon start: the splice-site fusions of most clinical fusions), half
  inside exons. Each fusion's frame is computed from the CDS of both partners.
* **Negative controls**: a read-through transcript of two neighbouring genes on one strand (the last exon
  of the upstream gene spliced to the second exon of the downstream gene) and one very highly expressed
  gene, with PCR duplicates: neither should give a fusion call.
* **Exon skipping**: a share of one gene's molecules lack exons ``first``..``last`` (EGFRvIII: EGFR
  exons 2–7), the rest are normal.
* **Reads**: fragments ~ Normal(mean, sd) from a uniformly drawn transcript position, unstranded (either
  strand), 2 x ``read_length``, substitution errors at ``error_rate``, quality 'I'.

The truth names, per event, the fragments whose span crosses the junction with at least ``MIN_TRUTH_OVERHANG``
bases on each side: what a perfect caller could see (junction + spanning reads).
"""

from __future__ import annotations

import gzip
import math
import random
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pysam

from presis.annotation.transcripts import Transcript, TranscriptIndex, load_transcripts
from presis.rna.geometry import exon_ends, exons_in_order, frame_of, genomic_position

SIMULATOR_VERSION = 2  # 2: a PCR duplicate keeps its molecule's strand
MIN_TRUTH_OVERHANG = 12
_COMPLEMENT = str.maketrans("ACGTN", "TGCAN")


def reverse_complement(sequence: str) -> str:
    return sequence.translate(_COMPLEMENT)[::-1]


def transcript_sequence(fasta: pysam.FastaFile, tx: Transcript) -> str:
    parts = [fasta.fetch(tx.contig, start - 1, end).upper() for start, end in exons_in_order(tx)]
    return "".join(parts) if tx.strand == "+" else "".join(reverse_complement(p) for p in parts)


# --------------------------------------------------------------------------- transcripts


# --------------------------------------------------------------------------- events


@dataclass
class Event:
    """One simulated event and its truth."""

    kind: str  # fusion | read_through | exon_skipping | high_expression
    name: str
    genes: list[str]
    transcripts: list[str]
    breakpoints: list[str] = field(default_factory=list)  # contig:pos of the last 5' base, first 3' base
    exons: list[int] = field(default_factory=list)
    frame: str = ""
    at_exon_boundary: bool = False
    expected_call: bool = True  # False: a negative control
    molecules: int = 0
    supporting_fragments: int = 0  # fragments crossing the junction (truth support)
    normal_fragments: int = 0  # exon skipping: fragments crossing the normal junction
    cut: int = 0  # junction offset in the event's molecule
    sequence: str = field(default="", repr=False)


def coding_genes(index: TranscriptIndex, min_exons: int = 4) -> list[Transcript]:
    """The reporting transcript of every protein-coding gene with at least ``min_exons`` exons."""
    chosen = []
    for gene in index.genes():
        tx, _ = index.choose(gene)
        # Read-through gene models (A-B names) overlap their parts: a fusion partner must be one gene.
        if tx.is_coding and len(tx.exons) >= min_exons and tx.biotype == "protein_coding" and "-" not in gene:
            chosen.append(tx)
    return chosen


def make_fusion(rng: random.Random, fasta: pysam.FastaFile, tx5: Transcript, tx3: Transcript, boundary: bool) -> Event:
    seq5, seq3 = transcript_sequence(fasta, tx5), transcript_sequence(fasta, tx3)
    ends5, ends3 = exon_ends(tx5), exon_ends(tx3)
    if boundary:
        k = rng.randrange(1, len(ends5) - 1)  # keep exons 1..k (k >= 1) of the 5' partner
        j = rng.randrange(1, len(ends3) - 1)  # from exon j+1 (0-based j) of the 3' partner
        cut5, cut3 = ends5[k - 1], ends3[j - 1]
        exon5, exon3 = k, j + 1
    else:
        exon5 = rng.randrange(1, len(ends5))  # 1-based exon holding the breakpoint
        exon3 = rng.randrange(2, len(ends3) + 1)
        start5 = ends5[exon5 - 2] if exon5 > 1 else 0
        start3 = ends3[exon3 - 2]
        if ends5[exon5 - 1] - start5 < 40 or ends3[exon3 - 1] - start3 < 40:
            return make_fusion(rng, fasta, tx5, tx3, boundary)
        cut5 = rng.randrange(start5 + 15, ends5[exon5 - 1] - 15)
        cut3 = rng.randrange(start3 + 15, ends3[exon3 - 1] - 15)
    return Event(
        kind="fusion",
        name=f"{tx5.gene}::{tx3.gene}",
        genes=[tx5.gene, tx3.gene],
        transcripts=[tx5.id, tx3.id],
        breakpoints=[
            f"{tx5.contig}:{genomic_position(tx5, cut5 - 1)}",
            f"{tx3.contig}:{genomic_position(tx3, cut3)}",
        ],
        exons=[exon5, exon3],
        frame=frame_of(tx5, cut5, tx3, cut3),
        at_exon_boundary=boundary,
        cut=cut5,
        sequence=seq5[:cut5] + seq3[cut3:],
    )


def neighbours_on_one_strand(genes: list[Transcript], max_gap: int = 30_000) -> list[tuple[Transcript, Transcript]]:
    """(upstream, downstream) gene pairs in transcription order, same contig and strand, close together."""
    pairs = []
    by_contig: dict[str, list[Transcript]] = {}
    for tx in genes:
        by_contig.setdefault(tx.contig, []).append(tx)
    for txs in by_contig.values():
        txs.sort(key=lambda t: t.start)
        for a, b in zip(txs, txs[1:], strict=False):
            if a.strand == b.strand and 0 < b.start - a.end <= max_gap:
                pairs.append((a, b) if a.strand == "+" else (b, a))
    return pairs


def make_read_through(fasta: pysam.FastaFile, up: Transcript, down: Transcript) -> Event:
    seq_up, seq_down = transcript_sequence(fasta, up), transcript_sequence(fasta, down)
    ends_down = exon_ends(down)
    cut_down = ends_down[0]  # skip the downstream gene's first exon (its promoter exon)
    return Event(
        kind="read_through",
        name=f"{up.gene}::{down.gene}",
        genes=[up.gene, down.gene],
        transcripts=[up.id, down.id],
        breakpoints=[
            f"{up.contig}:{genomic_position(up, len(seq_up) - 1)}",
            f"{down.contig}:{genomic_position(down, cut_down)}",
        ],
        exons=[len(up.exons), 2],
        frame=frame_of(up, len(seq_up), down, cut_down),
        at_exon_boundary=True,
        expected_call=False,
        cut=len(seq_up),
        sequence=seq_up + seq_down[cut_down:],
    )


def make_exon_skipping(fasta: pysam.FastaFile, tx: Transcript, first: int, last: int, name: str) -> Event:
    """A molecule of ``tx`` lacking exons first..last (1-based, inclusive)."""
    seq = transcript_sequence(fasta, tx)
    ends = exon_ends(tx)
    keep_to = ends[first - 2]  # end of exon first-1
    resume = ends[last - 1]  # start of exon last+1
    return Event(
        kind="exon_skipping",
        name=name,
        genes=[tx.gene],
        transcripts=[tx.id],
        breakpoints=[
            f"{tx.contig}:{genomic_position(tx, keep_to - 1)}",
            f"{tx.contig}:{genomic_position(tx, resume)}",
        ],
        exons=[first, last],
        at_exon_boundary=True,
        cut=keep_to,
        sequence=seq[:keep_to] + seq[resume:],
    )


# --------------------------------------------------------------------------- reads


@dataclass
class RnaPlan:
    """What one simulated RNA sample holds."""

    seed: int
    fusions: int = 8
    fusion_fragments: tuple[int, int] = (3, 40)  # uniform range of fusion molecules' fragments
    background_genes: int = 80
    background_mean_fragments: float = 120.0
    read_through: bool = True
    high_expression_fragments: int = 4000
    egfrviii: bool = False
    egfrviii_fragments: int = 60
    extra_skipping: tuple[str, int, int, str] | None = None  # (gene, first exon, last exon, name)
    skipping_fragments: int = 60
    read_length: int = 100
    fragment_mean: float = 230.0
    fragment_sd: float = 30.0
    error_rate: float = 0.002
    duplicate_rate: float = 0.05


def _fragments(rng: random.Random, sequence: str, count: int, plan: RnaPlan) -> list[tuple[int, int]]:
    """(start, end) of ``count`` fragments of the molecule, 0-based half-open."""
    spans = []
    if len(sequence) < plan.read_length + 20:
        return spans
    for _ in range(count):
        length = int(rng.gauss(plan.fragment_mean, plan.fragment_sd))
        length = max(plan.read_length + 10, min(length, len(sequence)))
        start = rng.randrange(0, len(sequence) - length + 1)
        spans.append((start, start + length))
    return spans


def _junction_fragments(
    rng: random.Random, sequence: str, cut: int, count: int, plan: RnaPlan
) -> list[tuple[int, int]]:
    """Fragments of a chimeric molecule drawn near the junction: molecules far from it carry no evidence,
    so only the fragments that can be evidence are simulated, and ``count`` sets the event's support."""
    spans = []
    for _ in range(count):
        length = int(rng.gauss(plan.fragment_mean, plan.fragment_sd))
        length = max(plan.read_length + 10, length)
        low = max(0, cut - length + MIN_TRUTH_OVERHANG)
        high = min(len(sequence) - length, cut - MIN_TRUTH_OVERHANG)
        if high < low:
            continue
        start = rng.randint(low, high)
        spans.append((start, start + length))
    return spans


def _crosses(span: tuple[int, int], cut: int) -> bool:
    return span[0] + MIN_TRUTH_OVERHANG <= cut <= span[1] - MIN_TRUTH_OVERHANG


def _mutate(rng: random.Random, read: str, rate: float) -> str:
    if rate <= 0:
        return read
    bases = list(read)
    for i in range(len(bases)):
        if rng.random() < rate:
            bases[i] = rng.choice([b for b in "ACGT" if b != bases[i]])
    return "".join(bases)


def simulate_rna(fasta_path: str | Path, gff3_path: str | Path, plan: RnaPlan, prefix: str | Path) -> list[Event]:
    """Write ``<prefix>_R1.fastq.gz``/``_R2.fastq.gz``; return the events (truth)."""
    rng = random.Random(f"presis-rna-{SIMULATOR_VERSION}-{plan.seed}")
    fasta = pysam.FastaFile(str(fasta_path))
    index = load_transcripts(gff3_path)
    genes = [tx for tx in coding_genes(index) if tx.contig in fasta.references]
    molecules: list[tuple[str, list[tuple[int, int]], str]] = []  # (sequence, spans, name)
    events: list[Event] = []

    # The partners are drawn from the genes not used by a control, so the truth stays unambiguous.
    controls: set[str] = set()
    if plan.read_through:
        pairs = neighbours_on_one_strand(genes)
        up, down = pairs[rng.randrange(len(pairs))]
        event = make_read_through(fasta, up, down)
        events.append(event)
        controls |= {up.gene, down.gene}
    high = rng.choice([tx for tx in genes if tx.gene not in controls and tx.gene != "EGFR"])
    controls.add(high.gene)
    events.append(
        Event(
            kind="high_expression",
            name=high.gene,
            genes=[high.gene],
            transcripts=[high.id],
            expected_call=False,
            molecules=plan.high_expression_fragments,
        )
    )
    if plan.egfrviii:
        egfr, _ = index.choose("EGFR")
        events.append(make_exon_skipping(fasta, egfr, 2, 7, "EGFRvIII"))
        controls.add("EGFR")
    if plan.extra_skipping:
        gene, first, last, name = plan.extra_skipping
        tx, _ = index.choose(gene)
        events.append(make_exon_skipping(fasta, tx, first, last, name))
        controls.add(gene)
    partners = [tx for tx in genes if tx.gene not in controls]
    used: set[str] = set()
    for i in range(plan.fusions):
        while True:
            tx5, tx3 = rng.sample(partners, 2)
            if (
                tx5.gene in used
                or tx3.gene in used
                or tx5.contig == tx3.contig
                and abs(tx5.start - tx3.start) < 1_000_000
            ):
                continue
            break
        used |= {tx5.gene, tx3.gene}
        events.append(make_fusion(rng, fasta, tx5, tx3, boundary=i % 2 == 0))

    # Molecules: every event's junction fragments, then the genes' own transcripts.
    expressed = set()
    for event in events:
        if event.kind == "high_expression":
            tx = index.get(event.transcripts[0])
            seq = transcript_sequence(fasta, tx)
            molecules.append((seq, _fragments(rng, seq, event.molecules, plan), event.name))
            expressed.add(tx.gene)
            continue
        if event.kind in ("fusion", "read_through"):
            count = rng.randint(*plan.fusion_fragments) if event.kind == "fusion" else rng.randint(20, 40)
        else:
            count = plan.egfrviii_fragments if event.name == "EGFRvIII" else plan.skipping_fragments
        spans = _junction_fragments(rng, event.sequence, event.cut, count, plan)
        event.molecules = len(spans)
        event.supporting_fragments = sum(_crosses(span, event.cut) for span in spans)
        molecules.append((event.sequence, spans, event.name))
        if event.kind == "exon_skipping":
            # The normal transcript beside the skipped one, crossing the normal junction as often.
            tx = index.get(event.transcripts[0])
            seq = transcript_sequence(fasta, tx)
            normal_cut = exon_ends(tx)[event.exons[0] - 2]
            normal = _junction_fragments(rng, seq, normal_cut, count, plan)
            event.normal_fragments = sum(_crosses(span, normal_cut) for span in normal)
            molecules.append((seq, normal, tx.gene))
    background = rng.sample(
        [tx for tx in genes if tx.gene not in expressed], min(plan.background_genes, len(genes) - 1)
    )
    sigma = 1.0
    for tx in background:
        seq = transcript_sequence(fasta, tx)
        count = int(plan.background_mean_fragments * math.exp(rng.gauss(-sigma * sigma / 2, sigma)))
        molecules.append((seq, _fragments(rng, seq, count, plan), tx.gene))

    _write_reads(rng, molecules, plan, Path(str(prefix)))
    return events


def _write_reads(rng: random.Random, molecules: list, plan: RnaPlan, prefix: Path) -> None:
    pairs = []
    for sequence, spans, name in molecules:
        for start, end in spans:
            fragment = sequence[start:end]
            # The strand read is the molecule's: a PCR duplicate is read in the same orientation.
            if rng.random() < 0.5:
                fragment = reverse_complement(fragment)
            copies = 2 if rng.random() < plan.duplicate_rate else 1
            for _ in range(copies):
                pairs.append((fragment, name))
    rng.shuffle(pairs)
    prefix.parent.mkdir(parents=True, exist_ok=True)
    with (
        gzip.GzipFile(f"{prefix}_R1.fastq.gz", "wb", mtime=0) as r1,
        gzip.GzipFile(f"{prefix}_R2.fastq.gz", "wb", mtime=0) as r2,
    ):
        for number, (fragment, _name) in enumerate(pairs):
            read1 = _mutate(rng, fragment[: plan.read_length], plan.error_rate)
            read2 = _mutate(rng, reverse_complement(fragment)[: plan.read_length], plan.error_rate)
            quality = "I" * plan.read_length
            r1.write(f"@r{number}/1\n{read1}\n+\n{quality[: len(read1)]}\n".encode())
            r2.write(f"@r{number}/2\n{read2}\n+\n{quality[: len(read2)]}\n".encode())


def truth_records(events: list[Event]) -> list[dict]:
    """JSON-ready truth (without the molecule sequences)."""
    records = []
    for event in events:
        record = asdict(event)
        record.pop("sequence")
        records.append(record)
    return records
