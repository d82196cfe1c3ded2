"""How tests/data/civic/*.tsv were made (run once, by hand; not used by the tests).

The rows are real CIViC records (CIViC content is public domain, CC0), as stored in the test data of
cancervariants/metakb (CIViC harvester output, i.e. CIViC's own records in JSON), written into the column
layout of a CIViC release's ClinicalEvidenceSummaries.tsv, MolecularProfileSummaries.tsv and
VariantSummaries.tsv. Values are copied, only their spelling converted to the release TSV's display form
(SENSITIVITYRESPONSE -> Sensitivity/Response, DOES_NOT_SUPPORT -> Does Not Support, ...). Fields the stored
records do not hold are left empty. See README.md for the files and commits.

    python make_fixture.py METAKB_GIT_DIR
"""

import csv
import json
import subprocess
import sys
from pathlib import Path

SOURCES = [  # (commit, path) in cancervariants/metakb; the first record seen for an id wins
    ("34fe15fe6f1e41e023a7f05d234d3b4c8903ea1a", "tests/data/transformers/therapeutic/civic_harvester.json"),
    ("4dc6fe206fadcf4977f43868e9cc75d2dd991d4b", "tests/data/transformers/prognostic/civic_harvester.json"),
    ("a463f8018bd2fdd9145e10994050f78c9a958b63", "tests/data/transformers/diagnostic/civic_harvester.json"),
    ("07da0e25c7998df792912e719bf8790a413e380c", "tests/data/transform/prognostic/civic_harvester.json"),
    ("537a219611b95680cc14561b819a5c84dd07ef5c", "tests/data/transform/diagnostic/civic_harvester.json"),
    ("7561d688898f9faf5486494cca866dbfa5faa6ec", "tests/data/harvesters/civic/evidence.json"),
    ("c2187eccf2381d7819256d5992c4c710a91a8f1c", "tests/data/transform/civic_harvester.json"),
]
CATEGORICAL = (
    "07cda1146050e6054d6582e994a130a1027295b0",
    "server/tests/data/transformers/civic_normalize_variant_input.json",
)
EVIDENCE_IDS = (2, 26, 74, 816, 1756, 2997, 3017, 9851)  # 123456789 in the same files is metakb's made-up row
DISPLAY = {
    "SENSITIVITYRESPONSE": "Sensitivity/Response", "RESISTANCE": "Resistance", "POOR_OUTCOME": "Poor Outcome",
    "BETTER_OUTCOME": "Better Outcome", "POSITIVE": "Positive", "NEGATIVE": "Negative", "PREDICTIVE": "Predictive",
    "PROGNOSTIC": "Prognostic", "DIAGNOSTIC": "Diagnostic", "SUPPORTS": "Supports", "DOES_NOT_SUPPORT": "Does Not Support",
    "SOMATIC": "Somatic", "COMBINATION": "Combination", "SUBSTITUTES": "Substitutes", "SEQUENTIAL": "Sequential",
    "PUBMED": "PubMed", "COMMON_GERMLINE": "Common Germline", "RARE_GERMLINE": "Rare Germline",
}  # fmt: skip
EVIDENCE_COLUMNS = [
    "molecular_profile", "molecular_profile_id", "disease", "doid", "phenotypes", "therapies", "therapy_interaction_type",
    "evidence_type", "evidence_direction", "evidence_level", "significance", "evidence_statement", "citation_id",
    "source_type", "asco_abstract_id", "citation", "nct_ids", "rating", "evidence_status", "evidence_id",
    "variant_origin", "last_review_date", "evidence_civic_url", "molecular_profile_civic_url", "is_flagged",
]  # fmt: skip
PROFILE_COLUMNS = ["name", "molecular_profile_id", "summary", "variant_ids", "variants_civic_url", "evidence_score",
                   "evidence_item_ids", "evidence_items_civic_url", "assertion_ids", "assertions_civic_url", "aliases",
                   "last_review_date", "is_flagged"]  # fmt: skip
VARIANT_COLUMNS = ["variant_id", "variant_civic_url", "feature_name", "variant", "variant_aliases", "variant_types",
                   "single_variant_molecular_profile_id", "gene", "chromosome", "start", "stop", "reference_bases",
                   "variant_bases", "representative_transcript", "reference_build", "hgvs_descriptions"]  # fmt: skip


def show(value):
    return DISPLAY.get(value, value) if isinstance(value, str) else ("" if value is None else value)


def main(git_dir: str) -> None:
    evidence, profiles, variants = {}, {}, {}
    for commit, path in SOURCES:
        data = json.loads(
            subprocess.run(["git", "-C", git_dir, "show", f"{commit}:{path}"], capture_output=True, check=True).stdout
        )
        data = data if isinstance(data, dict) else {"evidence" if "evidence" in path else "variants": data}
        for record in data.get("evidence") or []:
            if record.get("id") in EVIDENCE_IDS:
                evidence.setdefault(record["id"], record)
        for record in data.get("molecular_profiles") or []:
            profiles.setdefault(record["id"], record)
        for record in data.get("variants") or []:
            variants.setdefault(record["id"], record)
    categorical = json.loads(
        subprocess.run(["git", "-C", git_dir, "show", ":".join(CATEGORICAL)], capture_output=True, check=True).stdout
    )
    for key, record in categorical.items():
        mp = int(key.split(":")[1])
        vids = [
            (int(m["coding"]["code"]), m["coding"]["name"])
            for m in record["mappings"]
            if "vid" in (m["coding"].get("id") or "")
        ]
        profiles.setdefault(
            mp,
            {
                "id": mp,
                "name": record["name"],
                "description": record.get("description", ""),
                "variant_ids": [v for v, _ in vids],
            },
        )
        for vid, name in vids:
            variants.setdefault(
                vid,
                {
                    "id": vid,
                    "name": name,
                    "entrez_name": record["name"].split(" ")[0],
                    "single_variant_molecular_profile_id": mp,
                },
            )
    out = Path(__file__).parent
    rows = []
    for eid in sorted(evidence):
        r = evidence[eid]
        mp = r.get("molecular_profile_id") or r.get("variant_id")  # old records: the variant's single-variant profile
        disease, source = r.get("disease") or {}, r.get("source") or {}
        therapies = r.get("therapies") or r.get("drugs") or []
        rows.append({
            "molecular_profile": profiles.get(mp, {}).get("name", ""), "molecular_profile_id": mp,
            "disease": disease.get("name", ""), "doid": disease.get("doid", ""), "phenotypes": "",
            "therapies": ",".join(t["name"] for t in therapies),
            "therapy_interaction_type": show(r.get("therapy_interaction_type") or r.get("drug_interaction_type")),
            "evidence_type": show(r["evidence_type"]).title() if r["evidence_type"].isupper() else r["evidence_type"],
            "evidence_direction": show(r["evidence_direction"]), "evidence_level": r["evidence_level"],
            "significance": show(r.get("significance") or r.get("clinical_significance")),
            "evidence_statement": " ".join(str(r.get("description", "")).split()), "citation_id": source.get("citation_id", ""),
            "source_type": show(source.get("source_type", "")), "asco_abstract_id": "", "citation": source.get("citation", ""),
            "nct_ids": ",".join(t.get("nctId", "") for t in source.get("clinical_trials") or []), "rating": r.get("rating", ""),
            "evidence_status": r["status"], "evidence_id": eid, "variant_origin": show(r["variant_origin"]),
            "last_review_date": "", "evidence_civic_url": f"https://civicdb.org/links/evidence_items/{eid}",
            "molecular_profile_civic_url": f"https://civicdb.org/links/molecular_profiles/{mp}", "is_flagged": "",
        })  # fmt: skip
    write(out / "ClinicalEvidenceSummaries.tsv", EVIDENCE_COLUMNS, rows)
    by_profile = {}
    for row in rows:
        by_profile.setdefault(row["molecular_profile_id"], []).append(str(row["evidence_id"]))
    write(out / "MolecularProfileSummaries.tsv", PROFILE_COLUMNS, [
        {"name": p["name"], "molecular_profile_id": mp, "summary": " ".join(str(p.get("description") or "").split()),
         "variant_ids": ",".join(str(v) for v in p["variant_ids"]), "evidence_item_ids": ",".join(by_profile.get(mp, [])),
         "aliases": ",".join(p.get("aliases") or [])}
        for mp, p in sorted(profiles.items()) if mp != 473  # 473: metakb's made-up "BRCA1 P968FS" profile
    ])  # fmt: skip
    write(out / "VariantSummaries.tsv", VARIANT_COLUMNS, [
        {"variant_id": vid, "variant_civic_url": f"https://civicdb.org/links/variants/{vid}", "feature_name": v["entrez_name"],
         "variant": v["name"], "variant_aliases": ",".join(v.get("variant_aliases") or []),
         "variant_types": ",".join(t["name"] for t in v.get("variant_types") or []),
         "single_variant_molecular_profile_id": v.get("single_variant_molecular_profile_id", ""), "gene": v["entrez_name"],
         **{k: (v.get("coordinates") or {}).get(k, "") for k in ("chromosome", "start", "stop", "reference_bases", "variant_bases", "representative_transcript", "reference_build")},
         "hgvs_descriptions": ",".join(v.get("hgvs_expressions") or [])}
        for vid, v in sorted(variants.items()) if vid != 477  # 477: metakb's made-up variant
    ])  # fmt: skip


def write(path: Path, columns: list[str], rows: list[dict]) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, columns, delimiter="\t", extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    main(sys.argv[1])
