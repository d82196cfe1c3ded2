"""Clinical-trial options: which cohorts of the trials file (config key ``kb.trials``) the patient's
reportable events and tumour type fit.

The trials file is data (config/kb/trials.yaml, schema config/schemas/trials.schema.yaml): each trial
with its id, status, country, cited source and ``as_of`` date, and cohorts defined by tumour types
(OncoTree codes; descendants match; ``*`` any), excluded tumour types (never a match) and biomarkers
(a gene and an alteration: an exact protein change such as ``L858R``, a codon ``G12``, or a class).

Matching works on *events*, not on variant rows, so that copy-number and RNA results flow through
the same matcher: an event is a dict with ``gene`` and ``kind`` (``small_variant``, ``copy_number``,
``fusion``, ``exon_skipping``) and the fields of its kind; ``alteration_classes`` turns it into the
set of alteration names it satisfies. Small variants come from the report's reportable variants —
only drivers and clinically relevant ones (report group not ``vus``): a variant of unknown
significance does not make a patient eligible. Copy-number and RNA events are read from the report
keys ``copy_number_events`` and ``rna_events`` when other stages provide them (same event dicts).

A fusion biomarker ("ALK fusion") means one product: the gene at the partner position the cohort states
(``partner_position``, default 3') in the frame it states (``frame``, default in frame; an unknown frame
matches with that said), as for KB entries (``kb.fusion_fit``). A detected fusion naming the gene that is
not that product (the reciprocal, out of frame) is listed under ``not_matched`` with why.

Nothing here says a patient is eligible: a match says the molecular and tumour-type criteria the
source states are met; availability and the other criteria must be confirmed with the trial team.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from presis.errors import InputError
from presis.interpretation.kb import (
    AGNOSTIC,
    THREE,
    OncoTree,
    consequences,
    exon_numbers,
    first_residue,
    fusion_fit,
    one_letter,
    schema_problems,
)
from presis.interpretation.reasons import TRUNCATING

CONFIRM = (
    "Trial availability must be confirmed with the trial team before referral: cohorts open and close, "
    "and eligibility has criteria beyond the tumour type and biomarker matched here."
)
SMALL_VARIANT, COPY_NUMBER, FUSION, EXON_SKIPPING = "small_variant", "copy_number", "fusion", "exon_skipping"
# The alteration classes a cohort may name besides an exact protein change (L858R) or a codon (G12).
CLASSES = (
    "any_mutation", "missense", "truncating", "inframe_indel", "splice_site", "biallelic_inactivation",
    "amplification", "homozygous_deletion", "fusion", "exon_skipping",
)  # fmt: skip
EXON_CLASS = re.compile(r"^exon(\d+)_(deletion|insertion|skipping)$")
PROTEIN = re.compile(r"^[A-Z]\d+([A-Z*]|_[A-Z]\d+(del|ins[A-Z]+|delins[A-Z]+|dup))$")
CODON = re.compile(r"^[A-Z]\d+$")
SPLICE = frozenset({"splice_donor_variant", "splice_acceptor_variant"})
IN_FRAME = frozenset({"inframe_deletion", "inframe_insertion", "protein_altering_variant"})


@dataclass(frozen=True)
class Biomarker:
    gene: str
    alteration: str
    partner_position: str = THREE  # fusion only (kb.fusion_fit)
    frame: str = "in_frame"  # fusion only

    def describe(self) -> str:
        return f"{self.gene} {self.alteration.replace('_', ' ')}"


@dataclass(frozen=True)
class Cohort:
    name: str
    tumour_types: tuple[str, ...]
    exclude_tumour_types: tuple[str, ...]
    biomarkers: tuple[Biomarker, ...]
    drugs: tuple[str, ...]
    note: str | None = None


@dataclass(frozen=True)
class Trial:
    id: str
    title: str
    phase: str
    status: str
    country: str
    source: str
    as_of: str
    cohorts: tuple[Cohort, ...]


# ---------------------------------------------------------------------------------------------
# Loading


def load_trials(path: str | Path, schema_path: str | Path, oncotree: OncoTree) -> tuple[Trial, ...]:
    """Read and validate the trials file; raises InputError listing every problem."""
    data = yaml.safe_load(Path(path).read_text())
    problems = schema_problems(data, yaml.safe_load(Path(schema_path).read_text()))
    if not problems:
        problems = _content_problems(data, oncotree)
    if problems:
        raise InputError(problems, str(path))
    return tuple(_trial(trial) for trial in data["trials"])


def _content_problems(data: Mapping[str, Any], oncotree: OncoTree) -> list[str]:
    problems = []
    ids = [trial["id"] for trial in data["trials"]]
    problems += [f"trials: id {name} is listed twice" for name in sorted({i for i in ids if ids.count(i) > 1})]
    for t, trial in enumerate(data["trials"]):
        for c, cohort in enumerate(trial["cohorts"]):
            where = f"trials/{t} ({trial['id']})/cohorts/{c} ({cohort['name']})"
            for field in ("tumour_types", "exclude_tumour_types"):
                for code in cohort.get(field) or []:
                    if code != AGNOSTIC and not oncotree.knows(code):
                        problems.append(
                            f"{where}: {field} {code} is not in the OncoTree table — add it to oncotree.tsv"
                        )
            for b, marker in enumerate(cohort["biomarkers"]):
                if not known_alteration(marker["alteration"]):
                    problems.append(
                        f"{where}/biomarkers/{b}: alteration {marker['alteration']!r} is neither a protein change "
                        f"(L858R), a codon (G12), exonN_deletion/insertion/skipping nor one of {', '.join(CLASSES)}"
                    )
    return problems


def known_alteration(alteration: str) -> bool:
    return alteration in CLASSES or bool(
        EXON_CLASS.match(alteration) or PROTEIN.match(alteration) or CODON.match(alteration)
    )


def _trial(data: Mapping[str, Any]) -> Trial:
    return Trial(
        id=data["id"],
        title=" ".join(str(data["title"]).split()),
        phase=str(data["phase"]),
        status=data["status"],
        country=data["country"],
        source=data["source"],
        as_of=str(data["as_of"]),
        cohorts=tuple(
            Cohort(
                name=cohort["name"],
                tumour_types=tuple(cohort["tumour_types"]),
                exclude_tumour_types=tuple(cohort.get("exclude_tumour_types") or ()),
                biomarkers=tuple(
                    Biomarker(m["gene"], m["alteration"], m.get("partner_position", THREE), m.get("frame", "in_frame"))
                    for m in cohort["biomarkers"]
                ),
                drugs=tuple(cohort["drugs"]),
                note=" ".join(str(cohort["note"]).split()) if cohort.get("note") else None,
            )
            for cohort in data["cohorts"]
        ),
    )


# ---------------------------------------------------------------------------------------------
# Events and the alteration classes they satisfy


def variant_event(variant: Mapping[str, Any]) -> dict:
    """A reportable small variant of the report as an event."""
    return {
        "kind": SMALL_VARIANT,
        "gene": variant.get("gene"),
        "hgvs_p": variant.get("hgvs_p"),
        "hgvs_p1": variant.get("hgvs_p1"),
        "consequence": variant.get("consequence"),
        "exon": variant.get("exon"),
        "biallelic": bool(variant.get("biallelic")),
        "label": f"{variant.get('gene')} {variant.get('hgvs_p') or variant.get('hgvs_c') or 'variant'}",
    }


def alteration_classes(event: Mapping[str, Any]) -> set[str]:
    """Every alteration name the event satisfies (see the module docstring)."""
    kind = event.get("kind", SMALL_VARIANT)
    if kind == COPY_NUMBER:
        call = event.get("call")
        found = {call} if call in ("amplification", "homozygous_deletion") else set()
        return found | ({"biallelic_inactivation"} if call == "homozygous_deletion" else set())
    if kind == FUSION:
        return {"fusion"}
    if kind == EXON_SKIPPING:
        return {"exon_skipping"} | ({f"exon{event['exon']}_skipping"} if event.get("exon") else set())
    terms = consequences(event)
    protein = one_letter(event.get("hgvs_p1")) or one_letter(event.get("hgvs_p"))
    found = {"any_mutation"}
    if protein:
        found.add(protein)
    if "missense_variant" in terms:
        found.add("missense")
        residue = first_residue(protein)
        if residue:
            found.add(f"{residue[0]}{residue[1]}")
    if terms & TRUNCATING:
        found.add("truncating")
    if terms & SPLICE:
        found.add("splice_site")
    kind_of_exon, numbers = exon_numbers(event.get("exon"))
    if terms & IN_FRAME:
        found.add("inframe_indel")
        deletion = "inframe_deletion" in terms or "del" in (protein or "")
        insertion = "inframe_insertion" in terms or "ins" in (protein or "") or "dup" in (protein or "")
        for number in numbers if kind_of_exon == "exon" else ():
            found |= {f"exon{number}_deletion"} if deletion else set()
            found |= {f"exon{number}_insertion"} if insertion else set()
    if event.get("biallelic"):
        found.add("biallelic_inactivation")
    return found


def report_events(report: Mapping[str, Any]) -> list[dict]:
    """The events trial matching considers: drivers and clinically relevant variants (not VUS), plus
    copy-number and RNA events when the report holds them."""
    events = [variant_event(v) for v in report.get("variants") or [] if v.get("group") != "vus"]
    for key in ("copy_number_events", "rna_events"):
        events += [dict(event) for event in report.get(key) or []]
    events += rna_trial_events((report.get("rna") or {}).get("events") or [])
    events += copy_number_trial_events((report.get("copy_number") or {}).get("genes") or [])
    return events


def copy_number_trial_events(genes: list[Mapping[str, Any]]) -> list[dict]:
    """Gene calls of the report's copy-number section that a cohort can name: amplifications and
    homozygous deletions (a gain or a loss is not an actionable copy-number event)."""
    return [
        {"gene": gene["gene"], "kind": COPY_NUMBER, "call": gene["call"]}
        for gene in genes
        if gene.get("call") in ("amplification", "homozygous_deletion")
    ]


def rna_trial_events(rna_events: list[Mapping[str, Any]]) -> list[dict]:
    """Detected RNA events (report section ``rna.events[]``) as matcher events: a fusion is an event of
    each of its partner genes, carrying the partners in order (5' first) and the frame, so that a cohort's
    fusion biomarker matches only the partner position and frame it requires (kb.fusion_fit); exon
    skipping and intragenic deletions count for their gene."""
    events = []
    for event in rna_events:
        if event.get("status") != "detected":
            continue
        genes = [gene for gene in event.get("genes") or [] if gene]
        if event.get("kind") == "fusion":
            for gene in genes:
                partner = next((other for other in genes if other != gene), None)
                events.append({
                    "gene": gene, "kind": FUSION, "partner": partner, "label": event.get("name"),
                    "genes": list(event.get("genes") or []), "frame": event.get("frame"),
                })  # fmt: skip
        elif event.get("kind") in ("exon_skipping", "intragenic_deletion") and genes:
            exons = event.get("exons") or []
            exon = exons[0] if event.get("kind") == "exon_skipping" and len(set(exons)) == 1 else None
            events.append({"gene": genes[0], "kind": EXON_SKIPPING, "exon": exon, "label": event.get("name")})
    return events


# ---------------------------------------------------------------------------------------------
# Matching


def tumour_fits(cohort: Cohort, tumour_type: str | None, oncotree: OncoTree) -> tuple[bool, str]:
    """(fits, why): excluded types and their descendants never fit; ``*`` fits any known type."""
    lineage = oncotree.lineage(tumour_type)
    excluded = next((code for code in lineage if code in cohort.exclude_tumour_types), None)
    if excluded:
        return False, f"{tumour_type} is excluded ({excluded})"
    if AGNOSTIC in cohort.tumour_types:
        return True, f"{tumour_type or 'any tumour type'} (cohort open to all tumour types not excluded)"
    covering = next((code for code in lineage if code in cohort.tumour_types), None)
    if covering is None:
        return False, f"{tumour_type} is not among {', '.join(cohort.tumour_types)}"
    return True, tumour_type if covering == tumour_type else f"{tumour_type} (within {covering})"


def _event_label(event: Mapping[str, Any]) -> str:
    if event.get("label"):
        return str(event["label"])
    detail = event.get("call") or event.get("partner") or (f"exon {event['exon']}" if event.get("exon") else "")
    return f"{event.get('gene')} {event.get('kind', '').replace('_', ' ')} {detail}".strip()


def add_trials(report: dict, trials: Iterable[Trial], oncotree: OncoTree) -> dict:
    """The report with its ``clinical_trials`` section: the cohorts its events (small variants, copy
    number, RNA; any the report holds) and its tumour type fit. The same for DNA and RNA-only reports."""
    events = report_events(report)
    report["clinical_trials"] = match_trials(trials, events, report["patient"]["tumour_type"], oncotree)
    return report


def match_trials(
    trials: Iterable[Trial], events: list[Mapping[str, Any]], tumour_type: str | None, oncotree: OncoTree
) -> dict:
    """The report's ``clinical_trials`` section: every (trial, cohort, event) that fits, with why."""
    trials = tuple(trials)
    matches, not_matched = [], []
    for trial in trials:
        for cohort in trial.cohorts:
            fits, where = tumour_fits(cohort, tumour_type, oncotree)
            if not fits:
                continue
            for event in events:
                classes = alteration_classes(event)
                for marker in cohort.biomarkers:
                    if marker.gene != event.get("gene") or marker.alteration not in classes:
                        continue
                    how = ""
                    if event.get("kind") == FUSION and marker.alteration == "fusion":
                        # The cohort's "<gene> fusion" is one product: the gene at the position and in
                        # the frame the cohort states (defaults 3' and in frame), not any fusion naming it.
                        product, how = fusion_fit(
                            marker.gene, event.get("genes") or [marker.gene], event.get("frame"),
                            marker.partner_position, marker.frame, what=f"cohort's {marker.describe()}",
                        )  # fmt: skip
                        if not product:
                            not_matched.append({
                                "trial_id": trial.id, "cohort": cohort.name, "event": _event_label(event),
                                "biomarker": marker.describe(), "reason": how,
                            })  # fmt: skip
                            continue
                    reason = (
                        f"{_event_label(event)} satisfies the cohort biomarker {marker.describe()}"
                        + (f" ({how})" if how else "")
                        + f"; tumour type {where}; trial status {trial.status} ({trial.country}) as of {trial.as_of}"
                    )
                    matches.append({
                        "trial_id": trial.id, "title": trial.title, "phase": trial.phase, "status": trial.status,
                        "cohort": cohort.name, "drugs": list(cohort.drugs), "matched_event": _event_label(event),
                        "biomarker": marker.describe(), "reason": reason + (f" — {cohort.note}" if cohort.note else ""),
                        "source": trial.source, "as_of": trial.as_of,
                    })  # fmt: skip
    as_of = min((trial.as_of for trial in trials), default=None)
    summary = (
        f"{len(matches)} cohort match(es) among {len(trials)} trial(s) (trial information as of {as_of})"
        if matches
        else f"No matching trial cohort as of {as_of} ({len(trials)} trial(s) considered)"
    )
    return {
        "as_of": as_of,
        "trials_considered": [{"id": t.id, "status": t.status, "as_of": t.as_of, "source": t.source} for t in trials],
        "matches": matches,
        "not_matched": not_matched,
        "summary": summary,
        "confirm": CONFIRM,
    }
