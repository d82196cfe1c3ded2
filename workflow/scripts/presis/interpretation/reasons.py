"""Why each candidate is somatic, likely germline or an artefact — in words for the report,
and when a likely-germline variant must be referred for germline testing."""

from __future__ import annotations

from presis.interpretation.hotspots import Hotspots

TRUNCATING = {"stop_gained", "frameshift_variant", "splice_donor_variant", "splice_acceptor_variant", "start_lost"}
REFERRAL = "possible germline — refer for germline testing"


def _present(value) -> bool:
    return value is not None and value == value  # NaN (an empty TSV cell) is not a value


def _reads(alt, depth, vaf) -> str:
    return f"{alt}/{depth} reads (VAF {vaf:.2f})" if depth else "no reads"


def reason(row: dict) -> str:
    """One sentence from the evidence and the filters (see presis.calling.somatic for the model)."""
    filters = [] if row["filters"] in ("PASS", "", None) else row["filters"].split(";")
    tumour = _reads(row["tumour_alt"], row["tumour_depth"], row["tumour_vaf"] or 0.0)
    normal = (
        _reads(row["normal_alt"], row["normal_depth"], row["normal_vaf"] or 0.0)
        if _present(row.get("normal_depth"))
        else None
    )
    status = row["status"]
    if status == "somatic":
        evidence = f"somatic: tumour {tumour}, tumour LOD {row['tumour_lod']:.1f}"
        evidence += f"; normal {normal}, normal LOD {row['normal_lod']:.1f}" if normal else "; no normal (tumour-only)"
    elif status == "germline":
        why = []
        if "germline" in filters:
            why.append(f"the normal carries it ({normal})")
        if "likely_germline" in filters:
            why.append(f"tumour VAF {row['tumour_vaf']:.2f} fits a germline genotype (tumour-only)")
        if "common_population_variant" in filters:
            why.append(f"population AF {row.get('population_af'):.3g}")
        evidence = "likely germline: " + "; ".join(why) + f"; tumour {tumour}"
    elif status == "artefact":
        why = []
        if "strand_bias" in filters:
            why.append("alt reads on one strand only")
        if "panel_of_normals" in filters:
            why.append(f"seen in {row.get('pon_normals')} normals of the panel of normals")
        if "normal_artefact" in filters:
            why.append(f"the normal shows it at a like rate ({normal}): an artefact both libraries share")
        evidence = "artefact: " + "; ".join(why) + f"; tumour {tumour}"
    else:
        evidence = f"insufficient evidence: tumour {tumour}"
    others = [f for f in filters if f not in ("germline", "likely_germline", "common_population_variant")]
    if others:
        evidence += f" — filters: {', '.join(others)}"
    return evidence


def germline_referral(row: dict, genes: set[str], hotspots: Hotspots) -> str | None:
    """Tumour-only: a likely-germline variant that could be a pathogenic germline variant in a
    cancer-predisposition or actionable gene is never dropped silently, but referred.

    Common polymorphisms (population resource) and changes that are neither truncating nor
    at a known hotspot residue (e.g. TP53 p.Pro72Arg) are not referred.
    """
    filters = str(row["filters"]).split(";")
    if "likely_germline" not in filters or "common_population_variant" in filters:
        return None
    if row.get("gene") not in genes or not row.get("in_panel"):
        return None
    consequences = set(str(row.get("consequence") or "").split("&"))
    if consequences & TRUNCATING:
        kind = "truncating variant"
    elif hotspots.residue_of(row["gene"], row.get("hgvs_p")):
        kind = "known cancer hotspot residue"
    else:
        return None
    return f"{REFERRAL}: {kind} in {row['gene']} at tumour VAF {row['tumour_vaf']:.2f}, consistent with a germline genotype"
