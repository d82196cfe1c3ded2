"""A realistic large capture panel on the test genome, designed from its GFF3 (benchmarks only).

Hospital panels of 0.5–2 Mb cover every coding exon of their genes with a little padding, tile
chosen introns (fusion breakpoints) and scatter backbone targets between genes (copy-number
and allelic balance). :func:`design_panel` does the same from an annotation, deterministically
(no random numbers: every choice is an even spacing over a sorted list), so the panel is
regenerated identically instead of being committed as a large BED:

* **coding**: every CDS of every transcript, ± ``padding`` bases, merged; named by gene;
* **intronic**: ``intron_window``-base windows centred in introns of at least
  ``min_intron`` bases (of the coding transcripts), evenly spaced over the sorted introns until
  ``intronic_bases`` are placed; named by gene;
* **intergenic**: ``backbone_window``-base windows evenly spaced over the stretches at least
  ``gene_margin`` bases away from every gene (and from any N), ``intergenic_bases`` in all;
  named ``backbone``.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from pathlib import Path

import pysam

from presis.inputs.bed import merge_intervals

BACKBONE = "backbone"


@dataclass(frozen=True)
class PanelDesign:
    padding: int = 20
    intronic_bases: int = 250_000
    intron_window: int = 1000
    min_intron: int = 3000
    intergenic_bases: int = 250_000
    backbone_window: int = 500
    gene_margin: int = 5000


def _attributes(column: str) -> dict[str, str]:
    return dict(item.split("=", 1) for item in column.strip().split(";") if "=" in item)


def read_annotation(gff3: str | Path) -> tuple[dict, dict, list]:
    """(transcript id -> (gene name, chrom), transcript id -> [(start, end) CDS, 0-based],
    [(chrom, start, end) of every gene])."""
    genes, transcript_gene, cds, gene_spans = {}, {}, {}, []
    opener = gzip.open if str(gff3).endswith(".gz") else open
    with opener(gff3, "rt") as handle:
        for line in handle:
            if line.startswith("#"):
                continue
            fields = line.rstrip("\n").split("\t")
            if len(fields) < 9:
                continue
            chrom, kind, start, end, attrs = fields[0], fields[2], int(fields[3]) - 1, int(fields[4]), fields[8]
            info = _attributes(attrs)
            if kind == "gene":
                genes[info["ID"]] = info.get("Name", info["ID"])
                gene_spans.append((chrom, start, end))
            elif "Parent" in info and kind in ("mRNA", "transcript"):
                transcript_gene[info["ID"]] = (info["Parent"], chrom)
            elif kind == "CDS":
                for parent in info["Parent"].split(","):
                    cds.setdefault(parent, []).append((start, end))
    named = {t: (genes.get(g, g), chrom) for t, (g, chrom) in transcript_gene.items()}
    return named, cds, gene_spans


def _evenly(items: list, count: int) -> list:
    """``count`` items spread evenly over the sorted list (all of them if there are fewer)."""
    if count >= len(items):
        return list(items)
    return [items[i * len(items) // count] for i in range(count)]


def design_panel(
    gff3: str | Path, fasta: str | Path, design: PanelDesign = PanelDesign()
) -> list[tuple[str, int, int, str]]:
    """The panel's targets (chrom, 0-based start, end, name), merged and in reference order."""
    with pysam.FastaFile(str(fasta)) as handle:
        contigs = list(handle.references)
        lengths = dict(zip(handle.references, handle.lengths, strict=True))
        sequence = {name: handle.fetch(name).upper() for name in contigs}
    transcripts, cds, gene_spans = read_annotation(gff3)
    coding, introns = [], []
    for transcript, parts in cds.items():
        gene, chrom = transcripts[transcript]
        parts = sorted(parts)
        coding += [(chrom, max(0, s - design.padding), min(lengths[chrom], e + design.padding), gene) for s, e in parts]
        introns += [
            (chrom, e, s2, gene)
            for (_, e), (s2, _) in zip(parts, parts[1:], strict=False)
            if s2 - e >= design.min_intron
        ]
    coding = merge_intervals(coding, contigs)
    order = {name: i for i, name in enumerate(contigs)}
    introns = sorted(set(introns), key=lambda iv: (order[iv[0]], iv[1], iv[2]))
    half = design.intron_window // 2
    intronic = [
        (chrom, (s + e) // 2 - half, (s + e) // 2 + half, gene)
        for chrom, s, e, gene in _evenly(introns, design.intronic_bases // design.intron_window)
    ]
    # Intergenic stretches: the genome minus every gene ± margin, cut at Ns, in reference order.
    blocked = merge_intervals([(c, s - design.gene_margin, e + design.gene_margin) for c, s, e in gene_spans], contigs)
    by_contig: dict[str, list[tuple[int, int]]] = {}
    for chrom, start, end in blocked:
        by_contig.setdefault(chrom, []).append((start, end))
    slots = []
    for chrom in contigs:
        position = 0
        for start, end in [*by_contig.get(chrom, []), (lengths[chrom], lengths[chrom])]:
            for offset in range(position, start - design.backbone_window + 1, design.backbone_window):
                window = (chrom, offset, offset + design.backbone_window, BACKBONE)
                if "N" not in sequence[chrom][offset : offset + design.backbone_window]:
                    slots.append(window)
            position = max(position, end)
    backbone = _evenly(slots, design.intergenic_bases // design.backbone_window)
    return merge_intervals(coding + intronic + backbone, contigs)


def write_panel_bed(targets: list[tuple[str, int, int, str]], path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{c}\t{s}\t{e}\t{name}\n" for c, s, e, name in targets))
    return path


def panel_bases(targets: list[tuple[str, int, int, str]]) -> int:
    return sum(e - s for _, s, e, _ in targets)


def thin_panel(targets: list[tuple[str, int, int, str]], scale: float) -> list[tuple[str, int, int, str]]:
    """About ``scale`` of the targets, evenly spaced (a small panel of the same make-up for
    development runs); scale 1: all of them."""
    return targets if scale >= 1 else _evenly(targets, max(1, round(len(targets) * scale)))
