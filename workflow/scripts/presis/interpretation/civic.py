"""Import a CIViC release into presis KB entries (``presis kb import-civic``).

CIViC (Griffith M et al., Nat Genet 2017; public domain, CC0) publishes monthly releases as TSV files:
evidence items (ClinicalEvidenceSummaries.tsv) point to molecular profiles
(MolecularProfileSummaries.tsv), which point to variants (VariantSummaries.tsv). Each accepted evidence
item that maps cleanly becomes one presis KB entry (schema config/schemas/kb.schema.yaml) with
``provenance: {kb: civic, evidence_id: EID…, release: …}``; the file's version is the release date.

Rules (docs/interpretation.md has them with the reasons):
- evidence status ``accepted`` only;
- evidence level: A (validated) -> A, B (clinical) -> B, C (case study) -> D, D (preclinical) -> D,
  E (inferential) -> not imported (``LEVELS``);
- type and significance: Predictive Sensitivity/Response -> sensitivity, Predictive Resistance ->
  resistance, Prognostic (Better/Poor Outcome) -> prognostic, Diagnostic Positive -> diagnostic; other
  combinations (Reduced Sensitivity, Diagnostic Negative, Predisposing, Oncogenic, Functional) are not
  representable and counted (``DIRECTIONS``);
- direction: Supports -> evidence; Does Not Support -> the same entry marked ``negative`` (kept: it keeps
  other tumour types' evidence for the drug out of this tumour type);
- disease: by DOID through the KB's mapping table (config/kb/civic_doid_oncotree.tsv); unmapped -> counted;
- variant: a single-variant molecular profile whose variant name is unambiguous for presis — a protein
  change (V600E -> protein_change), a codon (V600 -> codon: any missense there), Amplification, Fusion —
  anything else (Mutation, Exon 11 Mutation, Promoter Methylation, complex profiles) counted as unmapped;
- origin: Somatic -> somatic, Rare Germline -> germline, Common Germline -> not imported (a polymorphism
  is not a tumour biomarker), others -> any.
Imported evidence is never curated by presis: presis.interpretation.tiers keeps it in AMP tier II at most,
labels it "CIViC, not curated by presis" with its evidence id, and lets curated entries win.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from presis.errors import InputError

LEVELS = {"A": "A", "B": "B", "C": "D", "D": "D"}  # E (inferential): not imported
DIRECTIONS = {
    ("Predictive", "Sensitivity/Response"): "sensitivity",
    ("Predictive", "Resistance"): "resistance",
    ("Prognostic", "Better Outcome"): "prognostic",
    ("Prognostic", "Poor Outcome"): "prognostic",
    ("Diagnostic", "Positive"): "diagnostic",
}
ORIGINS = {"Somatic": "somatic", "Rare Germline": "germline"}
PROTEIN = re.compile(r"^([A-Z])(\d+)([A-Z*])$")
CODON = re.compile(r"^([A-Z])(\d+)$")
EVIDENCE_COLUMNS = ("molecular_profile_id", "doid", "disease", "therapies", "therapy_interaction_type", "evidence_type",
                    "evidence_direction", "evidence_level", "significance", "citation", "citation_id",
                    "evidence_status", "evidence_id", "variant_origin")  # fmt: skip
PROFILE_COLUMNS = ("molecular_profile_id", "name", "variant_ids")
VARIANT_COLUMNS = ("variant_id", "variant")
RELEASE_NAME = re.compile(r"(\d{2}-[A-Z][a-z]{2}-\d{4})")


@dataclass
class ImportResult:
    entries: list[dict]
    release: str
    skipped: Counter = field(default_factory=Counter)  # reason -> evidence rows
    unmapped_variants: list[str] = field(default_factory=list)  # "GENE name" of the release's variants

    def summary(self) -> str:
        lines = [f"CIViC release {self.release}: {len(self.entries)} entries imported"]
        lines += [f"  not imported: {count} {reason}" for reason, count in sorted(self.skipped.items())]
        lines.append(
            f"  variant names not mapped to a presis alteration class: {len(self.unmapped_variants)}"
            + (f" ({', '.join(self.unmapped_variants)})" if self.unmapped_variants else "")
        )
        return "\n".join(lines)


def release_date(text: str) -> str:
    """'01-Dec-2025' (CIViC's release folder and file prefix) or an ISO date -> '2025-12-01'."""
    for fmt in ("%d-%b-%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    raise InputError([f"release {text!r}: give the CIViC release date as 01-Dec-2025 or 2025-12-01"], "--release")


def release_from_name(path: str | Path) -> str | None:
    found = RELEASE_NAME.search(Path(path).name)
    return found.group(1) if found else None


def read_doid_map(path: str | Path) -> dict[str, str]:
    table = pd.read_csv(path, sep="\t", comment="#", dtype=str, keep_default_na=False)
    missing = {"doid", "oncotree"} - set(table.columns)
    if missing:
        raise InputError([f"missing column(s) {', '.join(sorted(missing))}"], str(path))
    return dict(zip(table["doid"], table["oncotree"], strict=True))


def _read(path: str | Path, columns: tuple[str, ...]) -> pd.DataFrame:
    table = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False, quoting=3)
    missing = [column for column in columns if column not in table.columns]
    if missing:
        raise InputError(
            [f"missing column(s) {', '.join(missing)}: is this the right file of a CIViC release?"], str(path)
        )
    return table


def alteration(name: str) -> dict | None:
    """A CIViC variant name as a presis alteration, or None when ambiguous for presis."""
    name = name.strip()
    if PROTEIN.match(name):
        return {"type": "protein_change", "protein": f"p.{name}"}
    if CODON.match(name):
        return {"type": "codon", "codon": name}
    if name.lower() == "amplification":
        return {"type": "amplification"}
    if name.lower() == "fusion" or "::" in name:
        return {"type": "fusion"}
    return None


def therapies(names: str, interaction: str) -> list[str]:
    drugs = [name.strip().lower() for name in names.split(",") if name.strip()]
    return [" + ".join(drugs)] if interaction == "Combination" and drugs else drugs


def import_release(
    evidence_path: str | Path,
    profiles_path: str | Path,
    variants_path: str | Path,
    doid_map: Mapping[str, str],
    release: str,
) -> ImportResult:
    """The presis KB entries of a CIViC release, with counts of what was not imported and why."""
    date = release_date(release)
    evidence = _read(evidence_path, EVIDENCE_COLUMNS)
    profiles = _read(profiles_path, PROFILE_COLUMNS).set_index("molecular_profile_id")
    variants = _read(variants_path, VARIANT_COLUMNS).set_index("variant_id")
    gene_column = "feature_name" if "feature_name" in variants.columns else "gene"
    result = ImportResult([], date)
    for _, row in variants.iterrows():
        if alteration(row["variant"]) is None:
            result.unmapped_variants.append(f"{row[gene_column]} {row['variant']}".strip())
    for row in evidence.to_dict("records"):
        entry, why = _entry(row, profiles, variants, gene_column, doid_map, date)
        if entry is None:
            result.skipped[why] += 1
        else:
            result.entries.append(entry)
    return result


def _entry(row, profiles, variants, gene_column, doid_map, date) -> tuple[dict | None, str]:
    if row["evidence_status"] != "accepted":
        return None, f"evidence status {row['evidence_status'] or 'empty'} (accepted only)"
    level = LEVELS.get(row["evidence_level"])
    if level is None:
        return None, f"evidence level {row['evidence_level']} (not used)"
    direction = DIRECTIONS.get((row["evidence_type"], row["significance"]))
    if direction is None:
        return (
            None,
            f"{row['evidence_type']} {row['significance'] or '(no significance)'} (not representable in presis)",
        )
    if row["variant_origin"] == "Common Germline":
        return None, "common germline origin (a polymorphism, not a tumour biomarker)"
    oncotree = doid_map.get(row["doid"])
    if not oncotree:
        return None, "disease not in the DOID -> OncoTree table (unmapped disease)"
    if row["molecular_profile_id"] not in profiles.index:
        return None, "molecular profile missing from MolecularProfileSummaries.tsv"
    variant_ids = [v for v in profiles.loc[row["molecular_profile_id"], "variant_ids"].split(",") if v]
    if len(variant_ids) != 1:
        return None, "complex molecular profile (unmapped variant)"
    if variant_ids[0] not in variants.index:
        return None, "variant missing from VariantSummaries.tsv"
    variant = variants.loc[variant_ids[0]]
    pattern = alteration(variant["variant"])
    if pattern is None:
        return None, "variant name not mapped to a presis alteration class (unmapped variant)"
    if direction in ("sensitivity", "resistance") and not row["therapies"]:
        return None, "predictive evidence without a therapy"
    eid = f"EID{row['evidence_id']}"
    entry = {
        "id": f"CIVIC_{eid}",
        "gene": variant[gene_column],
        "alteration": pattern,
        "tumour_types": [oncotree],
        "evidence_direction": direction,
        "therapy": therapies(row["therapies"], row["therapy_interaction_type"]) if direction in ("sensitivity", "resistance") else None,
        "evidence_level": level,
        "escat": None,
        "origin": ORIGINS.get(row["variant_origin"], "any"),
        "source": f"{row['citation']} (PMID {row['citation_id']}); CIViC {eid}, release {date}".strip(),
        "note": f"CIViC, not curated by presis: {row['evidence_type']} {row['significance']}, {row['disease']}"
        + (f"; CIViC level {row['evidence_level']}" if row["evidence_level"] != level else ""),
        "provenance": {"kb": "civic", "evidence_id": eid, "release": date,
                       "url": f"https://civicdb.org/links/evidence_items/{row['evidence_id']}"},
    }  # fmt: skip
    if row["evidence_direction"] == "Does Not Support":
        entry["negative"] = True
    elif row["evidence_direction"] != "Supports":
        return None, f"evidence direction {row['evidence_direction'] or 'empty'}"
    return entry, ""


def kb_document(result: ImportResult) -> dict:
    """The YAML document of the imported entries (kb.schema.yaml; ``kb.civic`` reads it)."""
    return {
        "version": f"civic-{result.release}",
        "date": dt.date.today().isoformat(),
        "description": (
            f"CIViC release {result.release}, imported by presis kb import-civic: CIViC evidence, not curated by "
            "presis (never above AMP tier II; curated entries win). CIViC is public domain (CC0)."
        ),
        "entries": result.entries,
    }
