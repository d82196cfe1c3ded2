"""Report content of the level-dependent analyses: TMB, MSI, germline findings, FFPE, the
biomarkers they feed, and the limit of detection of every panel target.

Kept out of presis.report.document, which lays out the variants (presis.interpretation.classify classified them):
every function returns plain dicts that report_build adds to the report JSON, and
templates/analyses.html.j2 renders them when the preset's ``report.sections`` names them.
The JSON holds every reportable variant; a section the level leaves out (level 3: no tier III
"oncogenic" or "vus" section) only hides them from the HTML, where they are counted.

A biomarker (TMB-high, MSI-high) feeds tiering only when its analysis was evaluable: a TMB value
measured on less than the minimum callable target never becomes TMB-high.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from presis.calling.lod import site_lod
from presis.interpretation.kb import KnowledgeBase, tumour_relation

ANALYSES = ("tmb", "msi", "germline", "ffpe")
REPORT_KEYS = {"tmb": "tmb", "msi": "msi", "germline": "germline_findings", "ffpe": "ffpe"}
TIER_LEVEL = {"A": "I-A", "B": "I-B", "C": "II-C", "D": "II-D"}


GROUP_SECTIONS = {"clinically_relevant": "findings", "oncogenic": "oncogenic", "vus": "vus"}


def variants_not_shown(variants: list[dict], sections: list[str]) -> dict[str, int]:
    """How many reportable variants of each report group the level's sections leave out of the
    HTML (the JSON and TSV keep them all)."""
    hidden: dict[str, int] = {}
    for variant in variants:
        if GROUP_SECTIONS[variant["group"]] not in sections:
            hidden[variant["group"]] = hidden.get(variant["group"], 0) + 1
    return hidden


def biomarker_tier(kind: str, kb: KnowledgeBase, tumour_type: str | None) -> dict | None:
    """Best AMP tier of the KB's ``msi_high``/``tmb_high`` entries for this tumour type."""
    best = None
    for entry in kb.entries:
        if entry.alteration.type != kind or entry.negative:
            continue
        relation, _ = tumour_relation(entry, tumour_type, kb.oncotree)
        if relation in ("exact", "parent", "agnostic"):
            level = entry.evidence_level
        elif relation == "other" and entry.evidence_direction == "sensitivity" and not entry.negative:
            level = "C" if entry.evidence_level in ("A", "B") else "D"
        else:
            continue
        if best is None or level < best[0]:
            best = (level, entry)
    if best is None:
        return None
    level, entry = best
    return {"tier": TIER_LEVEL[level], "kb_entry": entry.id, "therapy": list(entry.therapy), "source": entry.source}


def biomarkers(
    tmb: Mapping[str, Any] | None, msi: Mapping[str, Any] | None, kb: KnowledgeBase, tumour_type: str | None
) -> list[dict]:
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
    """(LoD, why not evaluable or None) of one target at its mean depth (presis.calling.lod)."""
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
                not_evaluable.append(
                    {
                        "gene": gene,
                        "region": f"{row.chrom}:{row.start + 1}-{row.end}",
                        "depth": depth,
                        "lod_vaf": lod,
                        "why": why,
                    }
                )
            if worst is None or depth < worst[0]:
                worst = (depth, lod)
        failing = sum(1 for entry in not_evaluable if entry["gene"] == gene)
        genes.append({"gene": gene, "targets": int(len(group)), "targets_not_evaluable": failing,
                      "lowest_target_depth": worst[0], "lod_vaf": worst[1]})  # fmt: skip
    return {"max_lod_vaf": max_lod, "genes": genes, "not_evaluable": not_evaluable}


def read_analyses(paths: Mapping[str, str]) -> dict[str, dict]:
    """The JSON of each analysis that ran, under its report key (tmb, msi, germline_findings, ffpe)."""
    return {
        REPORT_KEYS[name]: json.loads(Path(path).read_text()) for name, path in paths.items() if name in REPORT_KEYS
    }


def without_locus_detail(msi: dict) -> dict:
    """The MSI result for the report: the per-locus table stays in the msi JSON."""
    return {key: value for key, value in msi.items() if key != "loci"}


def add_sections(
    report: dict,
    *,
    analyses: dict[str, dict],
    kb: KnowledgeBase,
    tumour_targets: pd.DataFrame,
) -> dict:
    """The report with the analyses' results, the biomarkers they feed, the per-target limits of
    detection, and the count of variants the level's sections do not show."""
    tumour_type = report["patient"]["tumour_type"]
    extra = dict(analyses)
    if "msi" in extra:
        extra["msi"] = without_locus_detail(extra["msi"])
    config = report["provenance"]["config"]
    return {
        **report,
        **extra,
        "variants_not_shown": variants_not_shown(report["variants"], report["sections"]),
        "biomarkers": biomarkers(extra.get("tmb"), extra.get("msi"), kb, tumour_type),
        "target_lod": lod_by_gene(tumour_targets, config["somatic"], config["report"]["max_lod_vaf"]),
    }
