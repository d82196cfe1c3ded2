"""Interpretation of one somatic variant: oncogenicity, AMP/ASCO/CAP tier, ESCAT tier, therapies.

One small function per published criterion; every verdict carries its reason in words, naming the
criterion and the source. The evidence itself is data (config/kb/, read by presis.interpretation.kb).

Sources
- Oncogenicity: ClinGen/CGC/VICC SOP, Horak P et al., Genet Med 2022;24:986-998 (criteria codes and
  their text, Tables 2-3). Hotspots: cancerhotspots.org, Chang MT et al., Cancer Discov 2018.
- Tiers: AMP/ASCO/CAP, Li MM et al., J Mol Diagn 2017;19:4-23.
- ESCAT: Mateo J et al., Ann Oncol 2018;29:1895-1902.

Oncogenicity rule (presis' own, NOT the SOP point sum). presis evaluates only the criteria it has
data for — OVS1, OS1, OS3, OM2, OM4 and a KB-class criterion on the oncogenic side; SBVS1, SBS1, SBS2,
SBP2 on the benign side — and has no data for OS2 (functional studies), OM1 (functional domains), OP1
(in-silico predictors), OP3/OP4 or SBP1; its hotspot table holds residues without sample counts, so
OS3 and OM3 cannot be told apart. Summing SOP points over this subset would leave well-established
drivers such as TP53 p.(Arg273His) (OS3 alone: 4 points) a VUS. presis therefore decides:
  1. a strong benign criterion (SBVS1, SBS1, SBS2) with any oncogenic criterion  -> VUS (conflicting)
  2. a strong benign criterion alone                                              -> VUS (benign evidence; AMP tier IV)
  3. at least one very strong or strong oncogenic criterion                       -> oncogenic
  4. moderate oncogenic criteria only                                             -> likely_oncogenic
  5. nothing else                                                                 -> VUS
A cancerhotspots.org residue counts as OS3 (strong) in a gene with an established cancer role
(config/kb/gene_roles.tsv), and as moderate otherwise (3D-cluster residues in genes without a role);
not when OS1 applies (one observation is not counted twice). Codes follow the paper's Table 2: OM3 is
the hotspot with < 50 samples, OM4 another established missense change at the residue (PCGR swaps them).

AMP/ASCO/CAP tier rule (Li 2017). For each KB match, the level of evidence for THIS tumour type:
  - entry for this tumour type (exact OncoTree code or an ancestor) or tumour-agnostic: its level;
  - entry for another tumour type: only SENSITIVITY enters, as AMP level C ("FDA-approved therapies
    for different tumour types"; A/B -> C, C/D -> D), with the other tumour type named — and only for
    the drugs the KB holds no negative evidence for in this tumour type (below);
  - entry for another tumour type, resistance: not evidence and not a therapy for this patient (a
    drug such as cetuximab is not used in lung cancer; its colorectal resistance would only be noise
    for the tumour board); the reason names it as context;
  - entry for another tumour type, prognostic or diagnostic: not used (such evidence is specific to
    the disease it was shown in);
  - tumour-agnostic entry whose label excludes this tumour type: not used.
  Negative evidence for a drug in this tumour type keeps every other tumour type's sensitivity to a
  therapy containing that drug out: an entry here marked ``negative`` (no benefit; CIViC "Does Not
  Support"), resistance here, or a tumour-agnostic label that excludes this type (BRAF V600E in
  colorectal cancer: vemurafenib monotherapy fails, dabrafenib + trametinib's label excludes it; the
  colorectal entry, encorafenib + cetuximab, decides). Negative entries themselves are never evidence.
  Evidence imported from CIViC (``presis kb import-civic``), not curated by presis, never raises a
  variant above tier II: levels A and B count as C; a curated entry with the same direction and drug
  (or the same prognostic/diagnostic direction) wins over it.
  Best level A -> I-A, B -> I-B, C -> II-C, D -> II-D; resistance here counts like sensitivity, and the
  reason gives the direction. Without evidence: benign evidence (SBVS1, SBS1, SBS2, SBP2) -> IV;
  otherwise III — including a known oncogenic driver without evidence of clinical significance in the
  KB (strict reading of Li 2017: tier III is "unknown clinical significance"); the reason says it is
  oncogenic. Labs that report II-D for prognostic/diagnostic evidence do so here by curating a
  level-D prognostic/diagnostic entry for the tumour type: it is tiered like any other evidence.

ESCAT rule (Mateo 2018): the best tier among the KB entries that apply to this tumour type (exact,
through a parent, or tumour-agnostic and not excluded); none otherwise — ESCAT is tumour-specific and
presis does not derive III-A itself; X only where the KB says X.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from presis.interpretation.hotspots import Hotspots
from presis.interpretation.kb import (
    LEVELS,
    Entry,
    GeneRoles,
    KnowledgeBase,
    Match,
    blank,
    consequences,
    first_residue,
    match,
    variant_protein,
)
from presis.interpretation.reasons import TRUNCATING

# ---------------------------------------------------------------------------------------------
# Thresholds and criteria text (Horak P et al., Genet Med 2022, Tables 2 and 3)

SBVS1_MIN_AF = 0.05  # SBVS1: minor allele frequency > 5% in gnomAD (any of five continental populations)
SBS1_MIN_AF = 0.01  # SBS1: minor allele frequency > 1% in gnomAD

VERY_STRONG, STRONG, MODERATE = "very strong", "strong", "moderate"
SOP = {
    "OVS1": "null variant (nonsense, frameshift, canonical ±1 or 2 splice site, initiation codon) in a bona fide tumour suppressor gene",
    "OS1": "same amino-acid change as a previously established oncogenic variant",
    "OS3": "located in a cancerhotspots.org hotspot (>= 50 samples at the position, the same change in >= 10)",
    "OM2": "protein length change by in-frame deletion/insertion in a known oncogene or tumour suppressor, or stop-loss in a tumour suppressor",
    "OM4": "missense change at a residue where a different missense change is established as oncogenic",
    "SBVS1": "minor allele frequency > 5% in gnomAD in any of five continental populations",
    "SBS1": "minor allele frequency > 1% in gnomAD in any of five continental populations",
    "SBS2": "well-established functional studies show no oncogenic effect",
    "SBP2": "synonymous variant without predicted splicing impact",
    # presis' own criterion: the KB lists the alteration class (codon, exon-level, truncating, hotspot)
    # as a clinically established biomarker — the curators' evidence that the class is oncogenic.
    "KB": "alteration class listed as an established biomarker in the presis knowledge base",
}
BENIGN_STRONG = frozenset({"SBVS1", "SBS1", "SBS2"})
BENIGN = BENIGN_STRONG | {"SBP2"}

ROLE_WORDS = {
    "oncogene": "an oncogene",
    "tumour_suppressor": "a tumour suppressor gene",
    "both": "an oncogene and tumour suppressor gene",
}
IN_FRAME = frozenset({"inframe_deletion", "inframe_insertion", "protein_altering_variant"})
MISSENSE = "missense_variant"

# AMP/ASCO/CAP (Li MM et al., J Mol Diagn 2017)
TIER_OF_LEVEL = {"A": "I-A", "B": "I-B", "C": "II-C", "D": "II-D"}
OTHER_TUMOUR_LEVEL = {"A": "C", "B": "C", "C": "D", "D": "D"}  # sensitivity evidence from another tumour type
NOT_CURATED_LEVEL = {"A": "C", "B": "C", "C": "C", "D": "D"}  # CIViC-only evidence: never above tier II
THERAPEUTIC = frozenset({"sensitivity", "resistance"})

# ESCAT (Mateo J et al., Ann Oncol 2018), best first
ESCAT_ORDER = ("I-A", "I-B", "I-C", "II-A", "II-B", "III-A", "III-B", "IV-A", "X")
ESCAT_TEXT = {
    "I-A": "alteration-drug match improves a survival end point in randomised trials in this tumour type",
    "I-B": "alteration-drug match gives clinically meaningful benefit in prospective non-randomised trials",
    "I-C": "alteration-drug match gives clinical benefit across tumour types in basket trials",
    "II-A": "retrospective studies show benefit with the matched drug compared with alteration-negative patients",
    "II-B": "prospective trials show increased responses with the matched drug, no survival data yet",
    "III-A": "clinical benefit shown for this alteration in another tumour type",
    "III-B": "clinical benefit shown for a similar alteration",
    "IV-A": "preclinical evidence of actionability",
    "X": "lack of evidence for actionability",
}


@dataclass(frozen=True)
class Verdict:
    """A classification, its reason in words, and the criteria codes it rests on."""

    value: str | None
    reason: str
    criteria: tuple[str, ...] = ()


@dataclass(frozen=True)
class Criterion:
    code: str
    strength: str
    detail: str  # what in this variant meets it

    def describe(self) -> str:
        return f"{self.code} ({self.strength}: {SOP[self.code]}) — {self.detail}"


def label(variant: Mapping[str, Any]) -> str:
    """'EGFR p.(Leu858Arg)' for reasons."""
    change = next((variant.get(key) for key in ("hgvs_p", "hgvs_c") if not blank(variant.get(key))), "variant")
    return f"{variant.get('gene')} {change}"


# ---------------------------------------------------------------------------------------------
# Oncogenicity: one function per criterion


def ovs1(variant: Mapping[str, Any], roles: GeneRoles) -> Criterion | None:
    """OVS1: null variant in a bona fide tumour suppressor gene."""
    null = sorted(consequences(variant) & TRUNCATING)
    gene = variant.get("gene")
    if not null or not roles.is_tumour_suppressor(gene):
        return None
    role = "tumour suppressor" if roles.role(gene) == "tumour_suppressor" else "oncogene and tumour suppressor"
    return Criterion("OVS1", VERY_STRONG, f"{', '.join(null)} in {gene} ({role}, {roles.sources.get(gene)})")


def os1(matches: list[Match]) -> Criterion | None:
    """OS1: the same amino-acid change is an established oncogenic variant (a KB protein-change entry)."""
    ids = sorted({m.entry.id for m in matches if m.how == "protein_change"})
    return Criterion("OS1", STRONG, f"listed in the presis KB ({', '.join(ids)})") if ids else None


def os3(
    variant: Mapping[str, Any], hotspots: Hotspots, roles: GeneRoles, same_change: Criterion | None
) -> Criterion | None:
    """OS3: missense change at a cancerhotspots.org residue (not when OS1 applies: the SOP does not
    count the same observation twice). presis' table has no sample counts, so OS3 and OM3 are not
    distinguished; weighed as strong in a gene with an established cancer role, moderate otherwise."""
    if same_change is not None or MISSENSE not in consequences(variant):
        return None
    residue = hotspots.residue_of(variant.get("gene"), variant.get("hgvs_p"))
    if residue is None:
        return None
    gene, amino_acid, position = residue
    known = roles.is_cancer_gene(gene)
    strength = STRONG if known else MODERATE
    role = ROLE_WORDS[roles.role(gene)] if known else "a gene without an established cancer role: weighed as moderate"
    detail = f"{amino_acid}{position} is a hotspot residue of {gene} (cancerhotspots.org, Chang 2018; sample counts not held by presis), {role}"
    return Criterion("OS3", strength, detail)


def om2(variant: Mapping[str, Any], roles: GeneRoles, null: Criterion | None) -> Criterion | None:
    """OM2: in-frame indel in a known oncogene/tumour suppressor, or stop-loss in a tumour suppressor
    (not when OVS1 applies)."""
    if null is not None:
        return None
    terms = consequences(variant)
    gene = variant.get("gene")
    if terms & IN_FRAME and roles.is_cancer_gene(gene):
        return Criterion(
            "OM2", MODERATE, f"{', '.join(sorted(terms & IN_FRAME))} in {gene} ({roles.role(gene).replace('_', ' ')})"
        )
    if "stop_lost" in terms and roles.is_tumour_suppressor(gene):
        return Criterion("OM2", MODERATE, f"stop_lost in {gene} (tumour suppressor)")
    return None


def om4(variant: Mapping[str, Any], kb: KnowledgeBase, same_change: Criterion | None) -> Criterion | None:
    """OM4: another missense change at this residue is established (a KB protein-change entry); the
    SOP's amino-acid distance condition (Grantham) is not checked."""
    if same_change is not None or MISSENSE not in consequences(variant):
        return None
    residue = first_residue(variant_protein(variant))
    others = sorted(
        {f"{p} ({entry.id})" for entry in kb.entries if entry.gene == variant.get("gene") and entry.alteration.type == "protein_change"
         for p in entry.alteration.proteins if residue and first_residue(p) == residue}
    )  # fmt: skip
    return (
        Criterion("OM4", MODERATE, f"established change(s) at {residue[0]}{residue[1]}: {', '.join(others)}")
        if others
        else None
    )


def kb_class(matches: list[Match]) -> Criterion | None:
    """presis KB: the variant belongs to an alteration class the KB lists (codon, exon, truncating, hotspot)."""
    classes = sorted(
        {f"{m.entry.alteration.describe(m.entry.gene)} ({m.entry.id})" for m in matches if m.how != "protein_change"}
    )
    return Criterion("KB", STRONG, "; ".join(classes)) if classes else None


def population(variant: Mapping[str, Any], kb: KnowledgeBase) -> Criterion | None:
    """SBVS1 / SBS1 from the KB's list of common polymorphisms, or from the allele frequency of the
    site's population resource (one value standing in for the SOP's per-population maxima)."""
    listed = kb.polymorphism(variant)
    if listed and listed.criterion in ("SBVS1", "SBS1"):
        return Criterion(
            listed.criterion,
            _benign_strength(listed.criterion),
            f"known polymorphism {listed.dbsnp or ''} ({listed.source})".replace("  ", " "),
        )
    af = variant.get("population_af")
    if blank(af):
        return None
    if af > SBVS1_MIN_AF:
        return Criterion("SBVS1", "benign very strong", f"population allele frequency {af:.3g} > {SBVS1_MIN_AF}")
    if af > SBS1_MIN_AF:
        return Criterion("SBS1", "benign strong", f"population allele frequency {af:.3g} > {SBS1_MIN_AF}")
    return None


def sbs2(variant: Mapping[str, Any], kb: KnowledgeBase) -> Criterion | None:
    """SBS2: functional studies show no oncogenic effect (the KB's benign variants)."""
    listed = kb.polymorphism(variant)
    if listed and listed.criterion == "SBS2":
        return Criterion(
            "SBS2", "benign strong", f"known benign variant {listed.dbsnp or ''} ({listed.source})".replace("  ", " ")
        )
    return None


def sbp2(variant: Mapping[str, Any]) -> Criterion | None:
    """SBP2: synonymous, outside the splice region (presis has no splice predictor: position only)."""
    if consequences(variant) == {"synonymous_variant"}:
        return Criterion("SBP2", "benign supporting", "synonymous change outside the splice region")
    return None


def _benign_strength(code: str) -> str:
    return "benign very strong" if code == "SBVS1" else "benign strong"


def oncogenicity_criteria(
    variant: Mapping[str, Any], hotspots: Hotspots, roles: GeneRoles, kb: KnowledgeBase
) -> list[Criterion]:
    """Every criterion the variant meets (tumour type plays no part in oncogenicity)."""
    matches = match(variant, kb, None, hotspots)
    null = ovs1(variant, roles)
    same = os1(matches)
    found = [
        null,
        same,
        os3(variant, hotspots, roles, same),
        kb_class(matches),
        om2(variant, roles, null),
        om4(variant, kb, same),
    ]
    found += [population(variant, kb), sbs2(variant, kb), sbp2(variant)]
    return [criterion for criterion in found if criterion is not None]


def oncogenicity_verdict(criteria: list[Criterion]) -> tuple[str, str]:
    """presis' rule over the criteria met (module docstring): (value, rule in words)."""
    benign = [c for c in criteria if c.code in BENIGN_STRONG]
    oncogenic = [c for c in criteria if c.code not in BENIGN]
    if benign and oncogenic:
        return "VUS", "conflicting oncogenic and benign evidence"
    if benign:
        return "VUS", "benign evidence, no oncogenic criterion (AMP/ASCO/CAP tier IV)"
    if any(c.strength in (VERY_STRONG, STRONG) for c in oncogenic):
        return "oncogenic", "at least one very strong or strong criterion (presis rule, not the SOP point sum)"
    if oncogenic:
        return "likely_oncogenic", "moderate criteria only (presis rule, not the SOP point sum)"
    return "VUS", "no oncogenicity criterion met"


def oncogenicity(variant: Mapping[str, Any], hotspots: Hotspots, roles: GeneRoles, kb: KnowledgeBase) -> Verdict:
    """Oncogenic / likely_oncogenic / VUS, named after the ClinGen/CGC/VICC SOP codes met."""
    criteria = oncogenicity_criteria(variant, hotspots, roles, kb)
    value, rule = oncogenicity_verdict(criteria)
    met = "; ".join(c.describe() for c in criteria) or "none of OVS1, OS1, OS3, OM2, OM4 (Horak 2022) and no KB match"
    reason = f"{value}: {label(variant)} — {met} — {rule} (criteria: Horak P et al., Genet Med 2022)"
    return Verdict(value, reason, tuple(c.code for c in criteria))


# ---------------------------------------------------------------------------------------------
# AMP/ASCO/CAP tier


@dataclass(frozen=True)
class Evidence:
    """A KB match as evidence for this patient's tumour type: the level it carries here, and the
    therapies it names that may be shown here."""

    match: Match
    level: str
    from_other_tumour: bool
    therapies: tuple[str, ...] = ()


def drugs_of(therapy: str) -> frozenset[str]:
    """The drugs of a therapy: 'vemurafenib + cobimetinib' -> {vemurafenib, cobimetinib}."""
    return frozenset(part.strip().lower() for part in therapy.split("+"))


def negative_drugs(matches: list[Match]) -> dict[str, str]:
    """Drug -> why the KB says it fails in this tumour type (a negative entry that applies here,
    resistance here, or a tumour-agnostic label that excludes this type)."""
    found: dict[str, str] = {}
    for m in matches:
        entry = m.entry
        if entry.evidence_direction not in THERAPEUTIC:
            continue
        if m.applies and entry.negative and entry.evidence_direction == "sensitivity":
            # "does not predict resistance" is no reason to keep a drug out: only no-benefit evidence is
            why = f"no sensitivity in {m.via or 'this tumour type'} ({entry.label()})"
        elif m.applies and entry.evidence_direction == "resistance" and not entry.negative:
            why = f"resistance in {m.via or 'this tumour type'} ({entry.label()})"
        elif m.tumour_match == "excluded" and entry.evidence_direction == "sensitivity":
            why = f"the label excludes {m.via} ({entry.label()})"
        else:
            continue
        for therapy in entry.therapy:
            for drug in drugs_of(therapy):
                found.setdefault(drug, why)
    return found


def outranked(m: Match, matches: list[Match]) -> bool:
    """An imported (CIViC) match that a curated entry already covers: same direction, and a shared drug
    (or both without therapy), covering this tumour type at least as well."""
    if m.entry.curated:
        return False
    mine = set().union(*(drugs_of(t) for t in m.entry.therapy)) if m.entry.therapy else set()
    for other in matches:
        entry = other.entry
        if not entry.curated or entry.negative != m.entry.negative:
            continue
        if entry.evidence_direction != m.entry.evidence_direction or (other.applies < m.applies):
            continue
        theirs = set().union(*(drugs_of(t) for t in entry.therapy)) if entry.therapy else set()
        if (not mine and not theirs) or mine & theirs:
            return True
    return False


def evidence(m: Match, blocked: dict[str, str] | None = None) -> Evidence | None:
    """The level a match carries for the patient's tumour type (rules in the module docstring)."""
    entry = m.entry
    if entry.negative:
        return None
    cap = (lambda level: level) if entry.curated else NOT_CURATED_LEVEL.get
    if m.applies:
        return Evidence(m, cap(entry.evidence_level), False, entry.therapy)
    if m.tumour_match == "other" and entry.evidence_direction == "sensitivity":
        allowed = tuple(t for t in entry.therapy if not drugs_of(t) & set(blocked or {}))
        if allowed:
            return Evidence(m, cap(OTHER_TUMOUR_LEVEL[entry.evidence_level]), True, allowed)
    return None


def findings(matches: list[Match]) -> tuple[list[Evidence], list[Match]]:
    """(the evidence for this tumour type, the matches that are not evidence here)."""
    usable = [m for m in matches if not outranked(m, matches)]
    blocked = negative_drugs(usable)
    found, unused = [], []
    for m in usable:
        item = evidence(m, blocked)
        (found if item else unused).append(item or m)
    unused += [m for m in matches if m not in usable]
    return found, unused


def _direction(entry: Entry, therapies: tuple[str, ...] | None = None) -> str:
    if entry.evidence_direction in THERAPEUTIC:
        return f"predicts {entry.evidence_direction} to {', '.join(therapies or entry.therapy)}"
    return f"is {entry.evidence_direction}" + (f" ({entry.note})" if entry.note else "")


def _where(m: Match, tumour_type: str | None) -> str:
    tumour = tumour_type or "an unstated tumour type"
    return {
        "exact": f"in {tumour}",
        "parent": f"in {tumour} ({m.via})",
        "agnostic": f"in {tumour} (tumour-agnostic)",
    }.get(m.tumour_match, f"in {m.via}")


def _origin_note(entry: Entry) -> str:
    return " — the label requires a germline variant: confirm germline status" if entry.origin == "germline" else ""


def describe_evidence(item: Evidence, variant: Mapping[str, Any], tumour_type: str | None) -> str:
    entry = item.match.entry
    if item.from_other_tumour:
        level = f"level {entry.evidence_level} there, level {item.level} for {tumour_type or 'this tumour'} (another tumour type)"
    elif item.level != entry.evidence_level:
        level = f"level {entry.evidence_level} in CIViC, counted as level {item.level} (CIViC-only evidence stays in tier II)"
    else:
        level = f"level {item.level}"
    return (
        f"{label(variant)} {_where(item.match, tumour_type)} {_direction(entry, item.therapies)} — {level} "
        f"({entry.source}; {entry.label()}){_origin_note(entry)}"
    )


def _unused(matches: list[Match], all_matches: list[Match] | None = None) -> str:
    """KB matches that are not evidence here, each with why (other tumours' resistance, prognostic or
    diagnostic evidence, excluded types, negative evidence, drugs kept out, CIViC entries outranked)."""
    blocked = negative_drugs(all_matches if all_matches is not None else matches)
    notes = []
    for m in matches:
        entry = m.entry
        if not entry.curated and outranked(m, all_matches or matches):
            notes.append(f"{entry.label()} is covered by a curated entry")
        elif entry.negative and m.applies:
            notes.append(
                f"negative evidence: no {entry.evidence_direction} to {', '.join(entry.therapy)} in {m.via or 'this tumour type'} "
                f"({entry.source}; {entry.label()})"
            )
        elif m.tumour_match == "excluded":
            notes.append(f"{entry.id} excludes {m.via}")
        elif m.tumour_match == "other" and entry.evidence_direction == "resistance" and not entry.negative:
            notes.append(
                f"resistance to {', '.join(entry.therapy)} in {m.via} ({entry.label()}) is evidence for another tumour type, "
                "not a therapy option here"
            )
        elif m.tumour_match == "other" and entry.evidence_direction == "sensitivity" and not entry.negative:
            kept_out = [t for t in entry.therapy if drugs_of(t) & set(blocked)]
            why = "; ".join(sorted({blocked[d] for t in kept_out for d in drugs_of(t) if d in blocked}))
            notes.append(
                f"{', '.join(kept_out)} ({m.via}; {entry.label()}) not transferred: the KB holds negative evidence here — {why}"
            )
        elif not m.applies and entry.evidence_direction not in THERAPEUTIC:
            notes.append(
                f"{entry.evidence_direction} evidence for {m.via} ({entry.id}) is not transferred to other tumour types"
            )
    return ("; not used: " + "; ".join(notes)) if notes else ""


def amp_tier(
    variant: Mapping[str, Any], matches: list[Match], tumour_type: str | None, oncogenicity: Verdict
) -> Verdict:
    """AMP/ASCO/CAP tier I-A / I-B / II-C / II-D / III / IV (Li 2017; rules in the module docstring)."""
    found, unused = findings(matches)
    context = _unused(unused, matches)
    if found:
        best = min(item.level for item in found)  # "A" < "B" < "C" < "D"
        tier = TIER_OF_LEVEL[best]
        told = "; ".join(describe_evidence(item, variant, tumour_type) for item in found if item.level == best)
        return Verdict(tier, f"AMP Tier {tier}: {told}{context} (tiers: Li MM et al., J Mol Diagn 2017)")
    benign = [code for code in oncogenicity.criteria if code in BENIGN]
    if benign:
        return Verdict(
            "IV",
            f"AMP Tier IV: {label(variant)} is benign or likely benign ({', '.join(benign)}; Horak 2022) (Li MM et al., J Mol Diagn 2017)",
        )
    if oncogenicity.value in ("oncogenic", "likely_oncogenic"):
        why = (
            f"{label(variant)} is {oncogenicity.value.replace('_', ' ')} ({', '.join(oncogenicity.criteria)}) but the KB holds no "
            f"evidence of clinical significance for it in {tumour_type or 'this tumour type'}, and no sensitivity evidence in another "
            "tumour type; presis keeps such drivers in tier III (strict reading of Li 2017)"
        )
    else:
        why = f"{label(variant)} is a variant of unknown significance without KB evidence"
    return Verdict("III", f"AMP Tier III: {why}{context} (Li MM et al., J Mol Diagn 2017)")


# ---------------------------------------------------------------------------------------------
# ESCAT


def escat(variant: Mapping[str, Any], matches: list[Match], tumour_type: str | None) -> Verdict:
    """ESCAT tier from the KB entries for this tumour type (exact, parent, tumour-agnostic); None otherwise."""
    graded = [m for m in matches if m.applies and m.entry.escat]
    if not graded:
        elsewhere = sorted(
            {
                f"{m.entry.escat} in {m.via} ({m.entry.id})"
                for m in matches
                if m.tumour_match == "other" and m.entry.escat
            }
        )
        also = (
            f"; the KB ranks it {', '.join(elsewhere)} — ESCAT is tumour-specific, presis does not transfer it"
            if elsewhere
            else ""
        )
        return Verdict(
            None,
            f"no ESCAT tier: no ESCAT-ranked KB entry for {label(variant)} in {tumour_type or 'this tumour type'}{also} (Mateo J et al., Ann Oncol 2018)",
        )
    best = min((m.entry.escat for m in graded), key=ESCAT_ORDER.index)
    chosen = [m for m in graded if m.entry.escat == best]
    told = "; ".join(
        f"{m.entry.alteration.describe(m.entry.gene)} {_where(m, tumour_type)}"
        + (f" — {', '.join(m.entry.therapy)}" if m.entry.therapy else "")
        + f" ({m.entry.source}; KB {m.entry.id})"
        for m in chosen
    )
    return Verdict(best, f"ESCAT {best} ({ESCAT_TEXT[best]}): {told} (Mateo J et al., Ann Oncol 2018)")


# ---------------------------------------------------------------------------------------------
# Therapies and the bundle for the report


def therapies(matches: list[Match]) -> list[dict]:
    """Each therapy with its direction and the best level it carries for this tumour type, best first
    (a drug named by several entries is listed once, from its strongest one)."""
    rows: dict[tuple[str, str], dict] = {}
    found = sorted(findings(matches)[0], key=lambda item: LEVELS.index(item.level))
    for item in found:
        entry = item.match.entry
        if entry.evidence_direction not in THERAPEUTIC:
            continue
        for drug in item.therapies:
            rows.setdefault((drug, entry.evidence_direction), {
                "therapy": drug,
                "direction": entry.evidence_direction,
                "evidence_level": item.level,
                "tumour_match": item.match.tumour_match,
                "tumour_types": list(entry.tumour_types),
                "kb_entry": entry.id,
                "source": entry.source if entry.curated else f"{entry.source} (CIViC, not curated by presis: {entry.evidence_id})",
            })  # fmt: skip
    return sorted(
        rows.values(), key=lambda row: (LEVELS.index(row["evidence_level"]), row["direction"], row["therapy"])
    )


def _verdict_dict(verdict: Verdict) -> dict:
    return {"value": verdict.value, "reason": verdict.reason, "criteria": list(verdict.criteria)}


def classify_variant(
    variant: Mapping[str, Any], tumour_type: str | None, kb: KnowledgeBase, hotspots: Hotspots, roles: GeneRoles
) -> dict:
    """Oncogenicity, AMP/ASCO/CAP tier, ESCAT tier, therapies and KB matches of one variant, for the report."""
    matches = match(variant, kb, tumour_type, hotspots)
    onc = oncogenicity(variant, hotspots, roles, kb)
    tumour_note = (
        None
        if kb.oncotree.knows(tumour_type)
        else f"tumour type {tumour_type!r} is not in presis' OncoTree table: only tumour-agnostic entries apply"
    )
    return {
        "kb_version": kb.version,
        "tumour_type": tumour_type,
        "tumour_lineage": list(kb.oncotree.lineage(tumour_type)),
        "tumour_note": tumour_note,
        "oncogenicity": _verdict_dict(onc),
        "amp_tier": _verdict_dict(amp_tier(variant, matches, tumour_type, onc)),
        "escat": _verdict_dict(escat(variant, matches, tumour_type)),
        "therapies": therapies(matches),
        "kb_matches": [
            {"kb_entry": m.entry.id, "how": m.how, "tumour_match": m.tumour_match, "via": m.via} for m in matches
        ],
    }
