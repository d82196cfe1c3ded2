"""Report content of the level-dependent parts: tiers per section, TMB, MSI, germline findings, FFPE.

Kept out of presis.report so the report's own layout can change independently: every function
returns plain dicts that report_build adds to the report JSON, and templates/sections.html.j2
renders them. Which parts appear is the preset's ``report.sections`` list:

- ``findings``: AMP/ASCO/CAP tier I/II somatic variants (always shown);
- ``vus``: tier III (unknown clinical significance) — not in the level-3 report, whose
  reportable tier III variants are only counted; tier IV (benign evidence) is never reported;
- ``tmb``, ``msi``, ``germline``, ``ffpe``: the analyses of presis.tmb, .msi, .germline_findings, .ffpe.

A biomarker (TMB-high, MSI-high) feeds tiering only when its analysis was evaluable: a TMB value
measured on less than the minimum callable target never becomes TMB-high.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Mapping

import pandas as pd

from presis.hotspots import Hotspots
from presis.kb import GeneRoles, KnowledgeBase, tumour_relation
from presis.lod import site_lod
from presis.tiers import classify_variant

ANALYSES = ("tmb", "msi", "germline", "ffpe")
REPORT_KEYS = {"tmb": "tmb", "msi": "msi", "germline": "germline_findings", "ffpe": "ffpe"}
DEFAULT_SECTIONS = ["findings", "oncogenic", "vus", "germline_referrals", "qc", "coverage", "lod", "methods", "provenance", "signoff"]
TIER_LEVEL = {"A": "I-A", "B": "I-B", "C": "II-C", "D": "II-D"}


def tier_group(tier: str) -> str:
    """'I/II', 'III' or 'IV' of an AMP/ASCO/CAP tier value such as 'II-C'."""
    return "I/II" if tier.split("-")[0] in ("I", "II") else tier


def add_tiers(variants: list[dict], tumour_type: str | None, kb: KnowledgeBase, hotspots: Hotspots, roles: GeneRoles) -> list[dict]:
    """Each variant with its AMP/ASCO/CAP tier, oncogenicity and the reasons (presis.tiers)."""
    tiered = []
    for variant in variants:
        verdict = classify_variant(variant, tumour_type, kb, hotspots, roles)
        tiered.append({
            **variant,
            "amp_tier": verdict["amp_tier"]["value"],
            "amp_tier_reason": verdict["amp_tier"]["reason"],
            "oncogenicity": verdict["oncogenicity"]["value"],
        })  # fmt: skip
    return tiered


def shown_variants(variants: list[dict], sections: list[str]) -> tuple[list[dict], dict[str, int]]:
    """The variants the configured sections show, and how many of each tier group are not shown."""
    shown_groups = {"I/II"} | ({"III"} if "vus" in sections else set())
    shown = [v for v in variants if tier_group(v["amp_tier"]) in shown_groups]
    hidden: dict[str, int] = {}
    for variant in variants:
        group = tier_group(variant["amp_tier"])
        if group not in shown_groups:
            hidden[f"tier {group}"] = hidden.get(f"tier {group}", 0) + 1
    return shown, hidden


def biomarker_tier(kind: str, kb: KnowledgeBase, tumour_type: str | None) -> dict | None:
    """Best AMP tier of the KB's ``msi_high``/``tmb_high`` entries for this tumour type."""
    best = None
    for entry in kb.entries:
        if entry.alteration.type != kind:
            continue
        relation, _ = tumour_relation(entry, tumour_type, kb.oncotree)
        if relation in ("exact", "parent", "agnostic"):
            level = entry.evidence_level
        elif relation == "other" and entry.evidence_direction in ("sensitivity", "resistance"):
            level = "C" if entry.evidence_level in ("A", "B") else "D"
        else:
            continue
        if best is None or level < best[0]:
            best = (level, entry)
    if best is None:
        return None
    level, entry = best
    return {"tier": TIER_LEVEL[level], "kb_entry": entry.id, "therapy": list(entry.therapy), "source": entry.source}


def biomarkers(tmb: Mapping[str, Any] | None, msi: Mapping[str, Any] | None, kb: KnowledgeBase, tumour_type: str | None) -> list[dict]:
    """Genome-wide biomarkers that feed tiering: only evaluable TMB-high and MSI-high results."""
    found = []
    if tmb and tmb.get("evaluable") and tmb.get("tmb_high"):
        tier = biomarker_tier("tmb_high", kb, tumour_type)
        found.append({"biomarker": "TMB-high", "value": f"{tmb['tmb_per_mb']} mut/Mb", **(tier or {"tier": "III"})})
    if msi and msi.get("msi_high"):
        tier = biomarker_tier("msi_high", kb, tumour_type)
        found.append({"biomarker": "MSI-high", "value": msi["reason"], **(tier or {"tier": "III"})})
    return found


def target_lod(depth: int, somatic: Mapping[str, Any], max_lod: float) -> tuple[float | None, str | None]:
    """(LoD, why not evaluable or None) of one target at its mean depth (presis.lod)."""
    site = site_lod(depth, somatic["min_alt_reads"], somatic["min_vaf"], somatic["min_depth"], max_lod)
    lod = None if site.lod is None else round(site.lod, 3)
    if site.evaluable:
        return lod, None
    if depth < somatic["min_depth"] or lod is None:
        return lod, f"depth {depth} below the calling minimum {somatic['min_depth']}"
    return lod, f"LoD {lod:.1%} above {max_lod:.0%} at depth {depth}"


def lod_by_gene(targets: pd.DataFrame, somatic: Mapping[str, Any], max_lod: float) -> dict:
    """Limit of detection of each tumour target at its mean depth; per gene the worst target, and
    the targets where "no variant found" cannot be said (depth below somatic.min_depth, or a LoD
    above ``max_lod``)."""
    genes, not_evaluable = [], []
    for gene, group in targets.groupby("gene", sort=True):
        worst = None
        for row in group.itertuples(index=False):
            depth = int(row.mean_depth)
            lod, why = target_lod(depth, somatic, max_lod)
            if why:
                not_evaluable.append({"gene": gene, "region": f"{row.chrom}:{row.start + 1}-{row.end}", "depth": depth, "lod_vaf": lod, "why": why})
            if worst is None or depth < worst[0]:
                worst = (depth, lod)
        failing = sum(1 for entry in not_evaluable if entry["gene"] == gene)
        genes.append({"gene": gene, "targets": int(len(group)), "targets_not_evaluable": failing,
                      "lowest_target_depth": worst[0], "lod_vaf": worst[1]})  # fmt: skip
    return {"max_lod": max_lod, "genes": genes, "not_evaluable": not_evaluable}


def read_analyses(paths: Mapping[str, str]) -> dict[str, dict]:
    """The JSON of each analysis that ran, under its report key (tmb, msi, germline_findings, ffpe)."""
    return {REPORT_KEYS[name]: json.loads(Path(path).read_text()) for name, path in paths.items() if name in REPORT_KEYS}


def without_locus_detail(msi: dict) -> dict:
    """The MSI result for the report: the per-locus table stays in the msi JSON."""
    return {key: value for key, value in msi.items() if key != "loci"}


def add_sections(
    report: dict,
    *,
    sections: list[str],
    analyses: dict[str, dict],
    kb: KnowledgeBase,
    hotspots: Hotspots,
    roles: GeneRoles,
    tumour_targets: pd.DataFrame,
    max_lod: float = 0.10,
) -> dict:
    """The report with tiers, the section list, the analyses' results and the biomarkers they feed."""
    tumour_type = report["patient"]["tumour_type"]
    tiered = add_tiers(report["variants"], tumour_type, kb, hotspots, roles)
    shown, hidden = shown_variants(tiered, sections)
    extra = dict(analyses)
    if "msi" in extra:
        extra["msi"] = without_locus_detail(extra["msi"])
    return {
        **report,
        "variants": shown,
        "variants_not_shown": hidden,
        "sections": list(sections),
        **extra,
        "biomarkers": biomarkers(extra.get("tmb"), extra.get("msi"), kb, tumour_type),
        "lod": lod_by_gene(tumour_targets, report["provenance"]["config"]["somatic"], max_lod),
    }
