"""A patient's copy-number result: sample QC, purity, gene calls, and the gene-level events
(amplification, homozygous deletion) interpreted against the knowledge base like small variants.

Tiers use presis.interpretation.tiers unchanged (AMP/ASCO/CAP from the KB's ``amplification`` and
``homozygous_deletion`` entries; ESCAT; therapies). Oncogenicity of a copy-number event is presis'
own rule, stated in each reason: an amplification of an oncogene (config/kb/gene_roles.tsv) or a
homozygous deletion of a tumour suppressor is oncogenic (both copies lost, the copy-number
counterpart of OVS1, Horak P et al., Genet Med 2022); any other amplification or deletion is of
unknown significance. Gains and one-copy losses are listed per gene but are not findings.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from presis.copynumber.genes import (
    Purity,
    bins_for_plot,
    estimate_purity,
    gene_calls,
    neutral_looking_genes,
    sample_noise,
)
from presis.interpretation.classify import report_group
from presis.interpretation.kb import GeneRoles, KnowledgeBase, match
from presis.interpretation.tiers import Verdict, amp_tier, escat, therapies

EVENT_CALLS = ("amplification", "homozygous_deletion")
ROLE_FOR = {"amplification": ("oncogene", "both"), "homozygous_deletion": ("tumour_suppressor", "both")}
REFERENCE_KINDS = {
    "normals": "pooled reference of {n} normal(s) of the same panel",
    "matched_normal": "the patient's matched normal",
    "flat": "FLAT REFERENCE — no normal of this panel: capture bias is not removed and calls are unreliable",
}


def event_variant(gene_record: Mapping[str, Any]) -> dict:
    """The gene call in the shape presis.interpretation.kb matches (gene, copy_number_call)."""
    call = gene_record["call"]
    return {"gene": gene_record["gene"], "copy_number_call": call, "hgvs_p": call.replace("_", " ")}


def oncogenicity(gene_record: Mapping[str, Any], roles: GeneRoles) -> Verdict:
    call, gene = gene_record["call"], gene_record["gene"]
    role = roles.role(gene)
    if role in ROLE_FOR[call]:
        why = (
            "amplification of an oncogene"
            if call == "amplification"
            else "both copies of a tumour suppressor lost (copy-number counterpart of OVS1, Horak 2022)"
        )
        return Verdict(
            "oncogenic", f"oncogenic: {gene} {call.replace('_', ' ')} — {why} (presis rule; gene role {role})", ("CN",)
        )
    return Verdict(
        "VUS",
        f"VUS: {gene} {call.replace('_', ' ')} — gene role {role}: no rule makes this event oncogenic (presis rule)",
        (),
    )


def interpret_event(
    gene_record: Mapping[str, Any], tumour_type: str | None, kb: KnowledgeBase, roles: GeneRoles
) -> dict:
    """A copy-number finding: the gene call with oncogenicity, AMP tier, ESCAT, therapies, group."""
    variant = event_variant(gene_record)
    matches = match(variant, kb, tumour_type)
    onc = oncogenicity(gene_record, roles)
    tier = amp_tier(variant, matches, tumour_type, onc)
    esc = escat(variant, matches, tumour_type)
    return {
        "gene": gene_record["gene"],
        "event": gene_record["call"],
        "copy_number": gene_record["copy_number"],
        "copy_number_interval": gene_record.get("copy_number_interval"),
        "log2": gene_record["log2"],
        "fold_change": gene_record["fold_change"],
        "targets": gene_record["targets"],
        "reason": gene_record["reason"],
        "oncogenicity": {"value": onc.value, "reason": onc.reason, "criteria": list(onc.criteria)},
        "amp_tier": {"value": tier.value, "reason": tier.reason, "criteria": list(tier.criteria)},
        "escat": {"value": esc.value, "reason": esc.reason, "criteria": list(esc.criteria)},
        "therapies": therapies(matches),
        "kb_matches": [{"kb_entry": m.entry.id, "tumour_match": m.tumour_match, "via": m.via} for m in matches],
        "group": report_group(tier.value, onc.value),
    }


def sheet_purity(value: float | None) -> Purity | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return Purity(float(value), "sample_sheet", f"tumour purity {value:g} from the sample sheet")


def analyse(
    *,
    cnr: pd.DataFrame,
    genes: list[str],
    chromosome_of: Mapping[str, str],
    purity_given: float | None,
    sex: str | None,
    somatic: pd.DataFrame,
    reference_kind: str,
    reference_normals: int,
    tumour_type: str | None,
    kb: KnowledgeBase,
    roles: GeneRoles,
    settings: Mapping[str, Any],
) -> dict:
    """Everything the report shows about copy number (the patient's ``<patient>.cnv.json``)."""
    noise = sample_noise(cnr)
    purity = sheet_purity(purity_given)
    if purity is None:
        neutral = neutral_looking_genes(cnr, genes, settings["purity_estimate"]["max_abs_log2"])
        purity = estimate_purity(somatic, neutral, settings["purity_estimate"])
    calls = gene_calls(cnr, genes, chromosome_of, purity, sex, settings, noise=noise)
    noisy = not math.isnan(noise) and noise > settings["max_noise"]
    events = [interpret_event(g, tumour_type, kb, roles) for g in calls if g["call"] in EVENT_CALLS]
    warnings = []
    if reference_kind == "flat":
        warnings.append(REFERENCE_KINDS["flat"])
    if purity.value is None:
        warnings.append("copy numbers are not purity-adjusted: " + purity.detail)
    return {
        "method": (
            f"CNVkit (Talevich E et al., PLoS Comput Biol 2016) bin log2 ratios against "
            f"{REFERENCE_KINDS[reference_kind].format(n=reference_normals)}, {settings['segment_method']} segmentation; "
            "gene calls by presis.copynumber.genes"
        ),
        "reference": {
            "kind": reference_kind,
            "normals": reference_normals,
            "description": REFERENCE_KINDS[reference_kind].format(n=reference_normals),
        },
        "purity": purity.as_dict(),
        "sex": sex,
        "noise": {
            "value": None if math.isnan(noise) else round(noise, 4),
            "max": settings["max_noise"],
            "pass": not noisy,
        },
        "evaluable": not noisy,
        "reason": (
            f"noise {noise:.3f} above max_noise {settings['max_noise']}: copy number not evaluable"
            if noisy
            else f"noise {noise:.3f} within max_noise {settings['max_noise']}"
        ),
        "warnings": warnings,
        "thresholds": {
            key: settings[key]
            for key in (
                "amplification_cn",
                "gain_cn",
                "loss_cn",
                "homdel_cn",
                "min_targets",
                "min_purity",
                "min_z",
                "max_noise",
            )
        },
        "genes": calls,
        "events": events,
        "bins": bins_for_plot(cnr),
    }


TSV_COLUMNS = ["gene", "call", "log2", "fold_change", "copy_number", "copy_number_low", "copy_number_high",
               "purity_adjusted", "targets", "chrom", "start", "end", "amp_tier", "escat", "oncogenicity", "reason"]  # fmt: skip


def write_tsv(result: Mapping[str, Any], path) -> None:
    """One row per gene; the finding's tiers where the call is an event; the copy number's 95 % interval
    as copy_number_low / copy_number_high."""
    events = {e["gene"]: e for e in result["events"]}
    rows = []
    for gene in result["genes"]:
        event = events.get(gene["gene"])
        low, high = gene.get("copy_number_interval") or (None, None)
        rows.append(
            {
                **{k: gene.get(k) for k in TSV_COLUMNS if k in gene},
                "copy_number_low": low,
                "copy_number_high": high,
                "amp_tier": event["amp_tier"]["value"] if event else None,
                "escat": event["escat"]["value"] if event else None,
                "oncogenicity": event["oncogenicity"]["value"] if event else None,
            }
        )
    pd.DataFrame(rows, columns=TSV_COLUMNS).to_csv(path, sep="\t", index=False)
