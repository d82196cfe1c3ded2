"""One tumour RNA sample's result: fusion and exon-skipping events with status, reason, real GRCh38
breakpoints and KB interpretation (AMP/ASCO/CAP tier, ESCAT), RNA QC and what was evaluable."""

from __future__ import annotations

from presis.inputs.contigs import ContigMap
from presis.interpretation import kb as kbmod
from presis.interpretation import tiers
from presis.rna.fusions import FILTERS, Candidate
from presis.rna.splicing import SpliceEvent

SPLICE_TYPES = ("exon_skipping", "intragenic_deletion")
# Filtered candidates with less support than this are counted, not listed (single chimeric reads are
# common background in any library).
LISTED_MIN_SUPPORT = 2


def splice_events(knowledge_base: kbmod.KnowledgeBase) -> list[SpliceEvent]:
    """The RNA splice events the KB names (one per gene, transcript and exons)."""
    found: dict[tuple, SpliceEvent] = {}
    for entry in knowledge_base.entries:
        alteration = entry.alteration
        if alteration.type not in SPLICE_TYPES or not alteration.transcript:
            continue
        if alteration.type == "intragenic_deletion":
            first, last = alteration.exons
            name = alteration.name
        else:
            first = last = alteration.exon
            name = f"{entry.gene} exon {first} skipping"
        key = (entry.gene, alteration.transcript.split(".")[0], first, last)
        found.setdefault(key, SpliceEvent(name, alteration.type, entry.gene, key[1], first, last, entry.id))
    return list(found.values())


def fusion_genes(knowledge_base: kbmod.KnowledgeBase) -> set[str]:
    return {entry.gene for entry in knowledge_base.entries if entry.alteration.type == "fusion" and entry.gene}


def breakpoint_record(contigs: ContigMap, contig: str, pos: int, strand: str | None = None) -> dict:
    chrom, genomic = contigs.to_genomic(contig, pos)
    record = {"contig": contig, "pos": pos, "chrom": chrom, "genomic_pos": genomic}
    if strand:
        record["strand"] = strand
    return record


def fusion_record(candidate: Candidate, contigs: ContigMap) -> dict:
    p5, p3 = candidate.partner5, candidate.partner3
    return {
        "kind": "fusion",
        "name": candidate.name,
        "genes": [p5.gene, p3.gene],
        "transcripts": [p5.transcript.id if p5.transcript else None, p3.transcript.id if p3.transcript else None],
        "breakpoints": [
            breakpoint_record(contigs, candidate.chrom5, candidate.pos5, candidate.strand5),
            breakpoint_record(contigs, candidate.chrom3, candidate.pos3, candidate.strand3),
        ],
        "exons": [p5.exon, p3.exon],
        "at_exon_boundary": [p5.at_boundary, p3.at_boundary],
        "frame": candidate.frame,
        "junction_reads": len(candidate.split_reads),
        "spanning_reads": len(candidate.spanning_reads),
        "duplicates_removed": candidate.duplicates,
        "status": candidate.status,
        "reason": candidate.reason,
    }


def splice_record(record: dict, contigs: ContigMap) -> dict:
    out = dict(record)
    out["breakpoints"] = [breakpoint_record(contigs, contig, pos) for contig, pos in record["breakpoints"]]
    return out


def interpret(event: dict, knowledge_base: kbmod.KnowledgeBase, tumour_type: str | None) -> dict:
    """AMP tier, ESCAT and therapies of a detected event from the KB. A fusion matches a KB fusion entry
    only when the entry's gene is the partner the entry names (``partner_position``) in the frame it
    needs (``frame``; kb.fusion_fit): a reciprocal or out-of-frame product is not the actionable fusion.
    The reason says, for every KB fusion gene among the partners, why it did or did not match."""
    matches, fusion_whys = [], []
    for entry in knowledge_base.entries:
        alteration = entry.alteration
        if event["kind"] == "fusion":
            if alteration.type != "fusion" or not entry.gene:
                continue
            fits, why = kbmod.fusion_fit(
                entry.gene,
                event["genes"],
                event.get("frame"),
                alteration.partner_position,
                alteration.frame,
                what=f"KB's {alteration.describe(entry.gene)}",
            )
            if why:
                fusion_whys.append(why)
        else:
            fits = entry.id == event.get("kb_id") or (
                alteration.type in SPLICE_TYPES
                and entry.gene in event["genes"]
                and (alteration.exons or (alteration.exon, alteration.exon)) == tuple(event["exons"])
            )
        if fits:
            relation, via = kbmod.tumour_relation(entry, tumour_type, knowledge_base.oncotree)
            matches.append(kbmod.Match(entry, alteration.type, relation, via))
    variant = {"gene": "::".join(g for g in event["genes"] if g), "hgvs_p": event["name"]}
    oncogenicity = tiers.Verdict(None, "not classified by the oncogenicity SOP (RNA event)")
    amp = tiers.amp_tier(variant, matches, tumour_type, oncogenicity)
    escat = tiers.escat(variant, matches, tumour_type)
    reason = amp.reason + "".join(f"; {why}" for why in dict.fromkeys(fusion_whys))
    return {
        "amp_tier": {"value": amp.value, "reason": reason},
        "escat": {"value": escat.value, "reason": escat.reason},
        "therapies": tiers.therapies(matches),
    }


def evaluability(qc: dict, n_splice: int) -> dict:
    if qc["pass"]:
        text = (
            f"RNA evaluable: {qc['mapped_pairs']:,} uniquely mapped read pairs, {qc['panel_gene_reads']:,} reads over "
            f"the panel genes, duplicates {100 * qc['duplicate_fraction']:.1f} %; fusions genome-wide in annotated "
            f"genes and {n_splice} KB exon-skipping/deletion events were evaluated"
        )
        return {"evaluable": True, "statement": text}
    failed = ", ".join(f"{c['description']} {c['value']} (limit {c['limit']})" for c in qc["checks"] if not c["pass"])
    return {
        "evaluable": False,
        "statement": f"RNA not evaluable — QC failed: {failed}. The absence of a fusion or exon-skipping event "
        "cannot be concluded; events listed as detected need confirmation.",
    }


def build_result(
    sample: str,
    fusions: list[Candidate],
    splice: list[dict],
    qc: dict,
    contigs: ContigMap,
    knowledge_base: kbmod.KnowledgeBase,
    tumour_type: str | None,
) -> dict:
    events = [fusion_record(c, contigs) for c in fusions if c.status == "detected" or c.support >= LISTED_MIN_SUPPORT]
    events += [splice_record(r, contigs) for r in splice]
    for event in events:
        if event["status"] == "detected":
            event["interpretation"] = interpret(event, knowledge_base, tumour_type)
    state = evaluability(qc, len(splice))
    return {
        "sample": sample,
        **state,
        "qc": qc,
        "events": events,
        "detected": [e["name"] for e in events if e["status"] == "detected"],
        "filters": {name: text for name, text in FILTERS.items()},
        "candidates_not_listed": sum(1 for c in fusions if c.status != "detected" and c.support < LISTED_MIN_SUPPORT),
    }


TSV_FIELDS = ["kind", "name", "status", "frame", "junction_reads", "spanning_reads", "exons", "breakpoint_5",
              "breakpoint_3", "amp_tier", "reason"]  # fmt: skip


def tsv_rows(result: dict) -> list[dict]:
    rows = []
    for event in result["events"]:
        bps = [f"{b['chrom']}:{b['genomic_pos']}" for b in event["breakpoints"]] + ["", ""]
        rows.append({
            "kind": event["kind"], "name": event["name"], "status": event["status"], "frame": event.get("frame") or "",
            "junction_reads": event["junction_reads"], "spanning_reads": event["spanning_reads"],
            "exons": "-".join(str(e) for e in event["exons"] if e is not None), "breakpoint_5": bps[0],
            "breakpoint_3": bps[1],
            "amp_tier": (event.get("interpretation") or {}).get("amp_tier", {}).get("value") or "",
            "reason": event["reason"],
        })  # fmt: skip
    return rows
