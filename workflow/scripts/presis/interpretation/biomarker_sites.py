"""The KB's biomarker sites inside the panel, and what the sequencing could say about each.

A site is a codon (a protein change's or codon entry's residue; every cancerhotspots.org residue
of a gene whose KB entry is ``hotspot_any``) or the coding part of an exon (exon-level
deletions, insertions, skipping). Truncating, copy-number, fusion and genome-wide entries have no
site: their coverage is the gene's. For each site the report says "detected", "not detected
(LoD x %)" or "not evaluable (depth d)" (presis.calling.lod), never a bare negative.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from presis.annotation.transcripts import Transcript, TranscriptIndex
from presis.calling.lod import site_lod
from presis.interpretation.hotspots import Hotspots
from presis.interpretation.kb import THREE_TO_ONE, KnowledgeBase, blank, first_residue, fits, variant_protein
from presis.interpretation.site_spans import Span, codon_span, exon_coding_span
from presis.interpretation.tiers import THERAPEUTIC

EXON_TYPES = frozenset({"exon_deletion", "exon_insertion", "exon_skipping"})
# The columns of the LoD table (results/<patient>/interpret/<patient>.lod.tsv), in order.
LOD_COLUMNS = [
    "gene",
    "site",
    "kind",
    "transcript",
    "contig",
    "start",
    "end",
    "kb_entries",
    "therapeutic",
    "depth",
    "lod",
    "status",
    "statement",
]


@dataclass(frozen=True)
class Site:
    gene: str
    label: str  # "KRAS G12", "EGFR exon 19"
    kind: str  # codon / exon
    number: int  # codon or exon number
    residue: str | None  # reference amino acid of a codon (one letter)
    transcript: str
    span: Span
    kb_entries: tuple[str, ...]
    therapeutic: bool  # a KB entry here predicts sensitivity or resistance to a therapy


def _transcript(gene: str, transcript_id: str | None, transcripts: TranscriptIndex) -> Transcript | None:
    if transcript_id:
        found = next(
            (tx for tx in transcripts.for_gene(gene) if tx.id.split(".")[0] == transcript_id.split(".")[0]), None
        )
        if found:
            return found
    return transcripts.choose(gene)[0] if transcripts.for_gene(gene) else None


def _hotspot_residues(hotspots: Hotspots, gene: str) -> list[tuple[str, int]]:
    return sorted((THREE_TO_ONE[aa], pos) for g, aa, pos in hotspots.residues if g == gene and aa in THREE_TO_ONE)


def _locations(entry, hotspots: Hotspots) -> list[tuple[str, int, str | None]]:
    """(kind, number, residue) of an entry's sites."""
    alteration = entry.alteration
    if alteration.type == "protein_change":
        return [("codon", pos, aa) for aa, pos in filter(None, (first_residue(p) for p in alteration.proteins))]
    if alteration.type == "codon":
        return [("codon", pos, aa) for aa, pos in alteration.codons]
    if alteration.type == "hotspot_any":
        return [("codon", pos, aa) for aa, pos in _hotspot_residues(hotspots, entry.gene)]
    if alteration.type in EXON_TYPES:
        return [("exon", alteration.exon, None)]
    return []


def kb_sites(
    kb: KnowledgeBase, hotspots: Hotspots, transcripts: TranscriptIndex, in_panel: Callable[[str, int, int], bool]
) -> list[Site]:
    """Every KB site of a gene the reference annotates, inside the panel; one per codon/exon,
    naming all the KB entries that point at it. Sorted by gene and position in the protein."""
    found: dict[tuple[str, str, int], dict[str, Any]] = {}
    for entry in kb.entries:
        if not entry.gene:
            continue
        tx = _transcript(entry.gene, entry.alteration.transcript, transcripts)
        if tx is None:
            continue
        for kind, number, residue in _locations(entry, hotspots):
            try:
                span = codon_span(tx, number) if kind == "codon" else exon_coding_span(tx, number)
            except ValueError:  # the KB names a codon/exon this transcript lacks: not a site here
                continue
            key = (entry.gene, kind, number)
            site = found.setdefault(
                key, {"residue": residue, "transcript": tx.id, "span": span, "entries": [], "therapeutic": False}
            )
            site["entries"].append(entry.id)
            site["therapeutic"] |= entry.evidence_direction in THERAPEUTIC
    sites = []
    for (gene, kind, number), site in found.items():
        if not in_panel(*site["span"]):
            continue
        label = f"{gene} {site['residue']}{number}" if kind == "codon" else f"{gene} exon {number}"
        sites.append(
            Site(
                gene,
                label,
                kind,
                number,
                site["residue"],
                site["transcript"],
                site["span"],
                tuple(sorted(set(site["entries"]))),
                site["therapeutic"],
            )
        )
    return sorted(sites, key=lambda s: (s.gene, s.kind, s.number))


def at_site(site: Site, variant: Mapping[str, Any], kb: KnowledgeBase) -> bool:
    """A variant at the site: a codon site's residue is where the change starts; an exon site
    holds a variant of the kind its entries describe (exon 19 deletion, not any exon 19 change)."""
    if variant.get("gene") != site.gene:
        return False
    if site.kind == "codon":
        return first_residue(variant_protein(variant)) == (site.residue, site.number)
    return any(fits(entry, variant) for entry in kb.entries if entry.id in site.kb_entries)


def _variant_name(variant: Mapping[str, Any]) -> str:
    change = next((variant[k] for k in ("hgvs_p", "hgvs_c") if not blank(variant.get(k))), "variant")
    return f"{variant['gene']} {change} (VAF {100 * variant['tumour_vaf']:.1f} %)"


def evaluate(
    sites: Iterable[Site],
    depth_of: Callable[[Span], int],
    reportable: list[Mapping[str, Any]],
    kb: KnowledgeBase,
    *,
    min_alt: int,
    min_vaf: float,
    min_depth: int,
    max_lod: float,
) -> list[dict]:
    """One row per site: depth (lowest over the span), LoD, status and the report's statement."""
    rows = []
    for site in sites:
        depth = depth_of(site.span)
        lod = site_lod(depth, min_alt, min_vaf, min_depth, max_lod)
        found = [v for v in reportable if at_site(site, v, kb)]
        if found:
            status, statement = "detected", "detected: " + "; ".join(_variant_name(v) for v in found)
        else:
            status, statement = ("not_detected" if lod.evaluable else "not_evaluable"), lod.statement()
        contig, start, end = site.span
        rows.append({
            "gene": site.gene, "site": site.label, "kind": site.kind, "transcript": site.transcript,
            "contig": contig, "start": start, "end": end, "kb_entries": ";".join(site.kb_entries), "therapeutic": site.therapeutic,
            "depth": depth, "lod": None if lod.lod is None else round(lod.lod, 4), "status": status, "statement": statement,
        })  # fmt: skip
    return rows
