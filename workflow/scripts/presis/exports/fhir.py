"""A tumour report as a FHIR R4 Bundle following the HL7 Genomics Reporting IG (STU3, 3.0.0).

The Bundle (type 'collection') holds the Patient (the pseudonymous presis patient id only), a
DiagnosticReport (profile genomics-report, LOINC 51969-4) whose results are:
- one Variant Observation per reported somatic variant (LOINC 69548-6 'Present', components for
  gene, c./p./g.HGVS, allele frequency, genomic source class, reference sequences, alleles),
- one Therapeutic Implication Observation per variant and knowledge-base entry (the AMP/ASCO/CAP
  tier, ESCAT level and evidence level, the drugs assessed, the tumour type), derived from its
  variant,
- Molecular Biomarker Observations for TMB (LOINC 94076-7) and MSI (LOINC 81695-9) when the level
  runs them; a result that is 'not evaluable' carries no value, only a dataAbsentReason and the
  reason in words (never a number the report itself does not stand behind),
- one Variant Observation per amplification or homozygous deletion of the copy-number section
  (DNA change type SO copy_number_gain/loss, copy number 82155-3) and per detected tumour RNA event
  (gene fusion / exon loss), each with its Therapeutic Implications like a small variant.

The DiagnosticReport is 'preliminary': a presis report needs a pathologist's sign-off before it
is final. Resource ids are UUIDs derived from the patient and the finding, so a re-run writes the
same Bundle. A new report section adds a builder to OBSERVATION_BUILDERS.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from presis.inputs.contigs import GRCH38_REFSEQ

IG = "http://hl7.org/fhir/uv/genomics-reporting/StructureDefinition"
LOINC = "http://loinc.org"
TBD = "http://hl7.org/fhir/uv/genomics-reporting/CodeSystem/tbd-codes-cs"
HGVS = "http://varnomen.hgvs.org"
REFSEQ = "http://www.ncbi.nlm.nih.gov/refseq"
ENSEMBL = "http://www.ensembl.org"
SO = "http://www.sequenceontology.org"
UCUM = "http://unitsofmeasure.org"
NAMESPACE = uuid.UUID("4f1c2b8e-6a57-4d0e-9a44-2f7f3b6c1e90")  # presis' own: ids reproducible per report
CATEGORIES = [
    {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "laboratory"}]},
    {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0074", "code": "GE", "display": "Genetics"}]},
]
# LOINC codes the IG's profiles require (checked by tests/test_exports.py).
CODES = {
    "report": ("51969-4", "Genetic analysis report"),
    "variant": ("69548-6", "Genetic variant assessment"),
    "tmb": ("94076-7", "Mutations/Megabase [# Ratio] in Tumor"),
    "msi": ("81695-9", "Microsatellite instability [Interpretation] in Cancer specimen Qualitative"),
}
SOURCE_CLASS = {"somatic": ("LA6684-0", "Somatic"), "germline": ("LA6683-2", "Germline")}
MSI_ANSWERS = {"MSI-high": ("LA26203-2", "MSI-H"), "MSI-stable": ("LA14122-8", "Stable")}
CHANGE_TYPE = {
    "snv": ("SO:0001483", "SNV"), "deletion": ("SO:0000159", "deletion"), "insertion": ("SO:0000667", "insertion"),
    "mnv": ("SO:0002007", "MNV"), "delins": ("SO:1000032", "delins"),
}  # fmt: skip
GENOMIC_CHANGE = re.compile(r"^(?P<chrom>[^:]+):(?P<pos>\d+)(?P<ref>[ACGTN]+)>(?P<alt>[ACGTN]+)$")


def concept(code: str | None, display: str, system: str = LOINC) -> dict:
    if code is None:
        return {"text": display}
    return {"coding": [{"system": system, "code": code, "display": display}], "text": display}


def component(code: str, display: str, **value) -> dict:
    return {"code": concept(code, display), **value}


class _Ids:
    """urn:uuid references, reproducible from the patient and the finding."""

    def __init__(self, patient: str):
        self.patient = patient

    def __call__(self, *parts: str) -> str:
        return str(uuid.uuid5(NAMESPACE, "|".join((self.patient, *parts))))


def _observation(ids: _Ids, key: str, profile: str, code: dict, subject: str, issued: str) -> dict:
    return {
        "resourceType": "Observation", "id": ids(key), "meta": {"profile": [f"{IG}/{profile}"]},
        "status": "final", "category": CATEGORIES, "code": code,
        "subject": {"reference": f"urn:uuid:{subject}"}, "issued": issued,
    }  # fmt: skip


def _genomic_components(variant: dict, build: str) -> list[dict]:
    where = GENOMIC_CHANGE.match(variant.get("genomic_change") or "")
    if not where:
        return []
    chrom, pos, ref, alt = where["chrom"], int(where["pos"]), where["ref"], where["alt"]
    parts = [component("62374-4", "Human reference sequence assembly version", valueCodeableConcept=concept(
        "LA26806-2" if build == "GRCh38" else None, build))]  # fmt: skip
    accession = GRCH38_REFSEQ.get(chrom) if build == "GRCh38" else None
    if accession:
        parts.append(component("48013-7", "Genomic reference sequence [ID]",
                               valueCodeableConcept=concept(accession, accession, REFSEQ)))  # fmt: skip
        if len(ref) == 1 and len(alt) == 1:
            g_hgvs = f"{accession}:g.{pos}{ref}>{alt}"
            parts.append(component("81290-9", "Genomic DNA change (gHGVS)",
                                   valueCodeableConcept=concept(g_hgvs, g_hgvs, HGVS)))  # fmt: skip
    parts += [
        component("92822-6", "Genomic coordinate system [Type]",
                  valueCodeableConcept=concept("LA30102-0", "1-based character counting")),
        component("69547-8", "Genomic ref allele [ID]", valueString=ref),
        component("69551-0", "Genomic alt allele [ID]", valueString=alt),
        component("81254-5", "Genomic allele start-end", valueRange={"low": {"value": pos}, "high": {"value": pos + len(ref) - 1}}),
    ]  # fmt: skip
    return parts


def variant_observation(ids: _Ids, variant: dict, subject: str, issued: str, build: str) -> dict:
    gene, hgvs_c, hgvs_p = variant["gene"], variant.get("hgvs_c"), variant.get("hgvs_p")
    observation = _observation(ids, f"variant:{variant['genomic_change']}", "variant",
                               concept(*CODES["variant"]), subject, issued)  # fmt: skip
    observation["valueCodeableConcept"] = concept("LA9633-4", "Present")
    source = SOURCE_CLASS.get(variant.get("status", "somatic"), SOURCE_CLASS["somatic"])
    transcript = variant.get("refseq") or variant.get("transcript")
    parts = [component("48018-6", "Gene studied [ID]", valueCodeableConcept=concept(None, gene))]
    if transcript:
        system = REFSEQ if str(transcript).startswith("N") else ENSEMBL
        parts.append(component("51958-7", "Transcript reference sequence [ID]",
                               valueCodeableConcept=concept(transcript, transcript, system)))  # fmt: skip
    if hgvs_c:
        code = f"{transcript}:{hgvs_c}" if transcript else hgvs_c
        parts.append(component("48004-6", "DNA change (c.HGVS)", valueCodeableConcept=concept(code, code, HGVS)))
    if hgvs_p:
        parts.append(component("48005-3", "Amino acid change (pHGVS)",
                               valueCodeableConcept=concept(hgvs_p, f"{gene} {hgvs_p}", HGVS)))  # fmt: skip
    kind = CHANGE_TYPE.get(str(variant.get("variant_type", "")).lower())
    if kind:
        parts.append(component("48019-4", "DNA change type", valueCodeableConcept=concept(kind[0], kind[1], SO)))
    parts.append(component("48002-0", "Genomic source class [Type]", valueCodeableConcept=concept(*source)))
    if variant.get("tumour_vaf") is not None:
        parts.append(component("81258-6", "Sample variant allele frequency [NFr]", valueQuantity={
            "value": round(float(variant["tumour_vaf"]), 4), "system": UCUM, "code": "1",
            "unit": "relative frequency of a particular allele in the specimen"}))  # fmt: skip
    parts += _genomic_components(variant, build)
    observation["component"] = parts
    if variant.get("reason"):  # FHIR JSON has no empty arrays
        observation["note"] = [{"text": variant["reason"]}]
    return observation


def therapeutic_implications(
    ids: _Ids,
    variant: dict,
    variant_id: str,
    subject: str,
    issued: str,
    tumour_type: str,
    key: str | None = None,
    label: str | None = None,
) -> list[dict]:
    """One Observation per knowledge-base entry of the finding: its drugs, direction and evidence.
    ``variant`` needs therapies, amp_tier and escat; ``key`` and ``label`` name a finding that is not a
    small variant (copy-number or RNA event)."""
    key = key or variant["genomic_change"]
    label = label or f"{variant['gene']} {variant.get('hgvs_p')}"
    by_entry: dict[tuple, list[dict]] = {}
    for therapy in variant.get("therapies") or []:
        by_entry.setdefault((therapy["kb_entry"], therapy["direction"], therapy["evidence_level"]), []).append(therapy)
    observations = []
    tier = (variant.get("amp_tier") or {}).get("value")
    escat = (variant.get("escat") or {}).get("value")
    for (entry, direction, level), therapies in sorted(by_entry.items()):
        observation = _observation(ids, f"therapy:{key}:{entry}:{direction}",
                                   "therapeutic-implication",
                                   concept("therapeutic-implication", "Therapeutic Implication", TBD), subject, issued)  # fmt: skip
        observation["derivedFrom"] = [{"reference": f"urn:uuid:{variant_id}"}]
        evidence = f"AMP/ASCO/CAP tier {tier}" if tier else "AMP/ASCO/CAP tier not assigned"
        evidence += f"; ESCAT {escat}" if escat else ""
        evidence += f"; evidence level {level} ({therapies[0].get('source', '')})"
        parts = [
            component("93044-6", "Level of evidence", valueCodeableConcept=concept(None, evidence)),
            component("51961-1", "Genetic variation's effect on drug efficacy",
                      valueCodeableConcept=concept(None, "Responsive" if direction == "sensitivity" else "Resistant")),
            component("81259-4", "Associated phenotype", valueCodeableConcept=concept(None, f"OncoTree {tumour_type}")),
        ]  # fmt: skip
        parts += [component("51963-7", "Medication assessed [ID]", valueCodeableConcept=concept(None, t["therapy"]))
                  for t in therapies]  # fmt: skip
        observation["component"] = parts
        observation["note"] = [{"text": f"{label} — knowledge-base entry {entry}"}]
        observations.append(observation)
    return observations


def variant_observations(ids: _Ids, report: dict, subject: str, issued: str, build: str) -> list[dict]:
    resources = []
    for variant in report.get("variants") or []:
        observation = variant_observation(ids, variant, subject, issued, build)
        resources.append(observation)
        resources += therapeutic_implications(
            ids, variant, observation["id"], subject, issued, report["patient"]["tumour_type"]
        )
    return resources


# Genomics Reporting IG STU3: a copy-number change or an RNA event is a Variant Observation whose DNA
# change type (48019-4) is a Sequence Ontology structural-variant term.
SV_TYPE = {
    "amplification": ("SO:0001742", "copy_number_gain"),
    "homozygous_deletion": ("SO:0001743", "copy_number_loss"),
    "fusion": ("SO:0001565", "gene_fusion"),
    "exon_skipping": ("SO:0001572", "exon_loss_variant"),
    "intragenic_deletion": ("SO:0001572", "exon_loss_variant"),
}
CNV_CALLS = ("amplification", "homozygous_deletion")


def _gene_studied(gene: str) -> dict:
    return component("48018-6", "Gene studied [ID]", valueCodeableConcept=concept(None, gene))


def _sv_type(kind: str) -> dict:
    return component("48019-4", "DNA change type", valueCodeableConcept=concept(*SV_TYPE[kind], SO))


def _somatic() -> dict:
    return component("48002-0", "Genomic source class [Type]", valueCodeableConcept=concept(*SOURCE_CLASS["somatic"]))


def copy_number_observations(ids: _Ids, report: dict, subject: str, issued: str, build: str) -> list[dict]:
    """A Variant per gene called amplified or homozygously deleted (gains and single-copy losses are
    reported as such in the report but are not findings), with the KB's therapeutic implications."""
    section = report.get("copy_number") or {}
    events = {e["gene"]: e for e in section.get("events") or []}
    resources = []
    for gene in section.get("genes") or []:
        if gene["call"] not in CNV_CALLS:
            continue
        key = f"cnv:{gene['gene']}:{gene['call']}"
        observation = _observation(ids, key, "variant", concept(*CODES["variant"]), subject, issued)
        observation["valueCodeableConcept"] = concept("LA9633-4", "Present")
        label = f"{gene['gene']} {gene['call'].replace('_', ' ')}"
        parts = [_gene_studied(gene["gene"]), _sv_type(gene["call"]),
                 component("81252-9", "Discrete genetic variant", valueCodeableConcept=concept(None, label)),
                 _somatic()]  # fmt: skip
        if gene.get("copy_number") is not None:
            # an estimate (purity-adjusted when the purity is known), hence a decimal, not an integer
            parts.append(component("82155-3", "Genomic structural variant copy number",
                                   valueQuantity={"value": round(float(gene["copy_number"]), 2), "system": UCUM,
                                                  "code": "1", "unit": "copies"}))  # fmt: skip
        observation["component"] = parts
        details = [f"log2 ratio {gene['log2']}" if gene.get("log2") is not None else None,
                   f"fold change {gene['fold_change']}" if gene.get("fold_change") is not None else None,
                   f"{gene['targets']} targets", gene.get("reason")]  # fmt: skip
        observation["note"] = [{"text": "; ".join(d for d in details if d)}]
        resources.append(observation)
        event = events.get(gene["gene"])
        if event and event.get("event") == gene["call"]:
            resources += therapeutic_implications(
                ids, event, observation["id"], subject, issued, report["patient"]["tumour_type"], key, label
            )
    return resources


def _breakpoints(event: dict, build: str) -> str:
    points = [f"{b['chrom']}:{b['genomic_pos']}" for b in event.get("breakpoints") or [] if b.get("genomic_pos")]
    return f"breakpoints {' / '.join(points)} ({build})" if points else ""


def rna_observations(ids: _Ids, report: dict, subject: str, issued: str, build: str) -> list[dict]:
    """A Variant per detected RNA event (fusion, exon skipping, intragenic deletion): the genes, the
    structural variant type, the exons and the reads in words, and its therapeutic implications."""
    section = report.get("rna") or {}
    resources = []
    for event in section.get("events") or []:
        if event["status"] != "detected" or event["kind"] not in SV_TYPE:
            continue
        key = f"rna:{event['kind']}:{event['name']}"
        observation = _observation(ids, key, "variant", concept(*CODES["variant"]), subject, issued)
        observation["valueCodeableConcept"] = concept("LA9633-4", "Present")
        genes = list(dict.fromkeys(g for g in event.get("genes") or [] if g))
        parts = [_gene_studied(g) for g in genes]
        parts += [_sv_type(event["kind"]),
                  component("81252-9", "Discrete genetic variant", valueCodeableConcept=concept(None, event["name"])),
                  _somatic()]  # fmt: skip
        observation["component"] = parts
        exons = [str(e) for e in event.get("exons") or [] if e is not None]
        details = [
            f"tumour RNA, {event['kind'].replace('_', ' ')}",
            f"exons {'-'.join(exons)}" if exons else "",
            f"{event['frame']}" if event.get("frame") else "",
            f"{event['junction_reads']} junction reads, {event['spanning_reads']} spanning pairs",
            _breakpoints(event, build),
            event.get("reason") or "",
        ]
        observation["note"] = [{"text": "; ".join(d for d in details if d)}]
        resources.append(observation)
        if event.get("interpretation"):
            resources += therapeutic_implications(
                ids, event["interpretation"], observation["id"], subject, issued,
                report["patient"]["tumour_type"], key, event["name"],
            )  # fmt: skip
    return resources


def _not_evaluable(observation: dict, reason: str) -> dict:
    observation["dataAbsentReason"] = concept(
        "not-performed", "Not Performed", "http://terminology.hl7.org/CodeSystem/data-absent-reason"
    )
    observation["note"] = [{"text": reason}]
    return observation


def biomarker_observations(ids: _Ids, report: dict, subject: str, issued: str, build: str) -> list[dict]:
    resources = []
    tmb = report.get("tmb")
    if tmb:
        observation = _observation(ids, "biomarker:tmb", "molecular-biomarker", concept(*CODES["tmb"]), subject, issued)
        if tmb["evaluable"]:
            observation["valueQuantity"] = {"value": tmb["tmb_per_mb"], "system": UCUM, "code": "/1000000{Base}",
                                            "unit": "mutations per megabase"}  # fmt: skip
            observation["note"] = [{"text": f"TMB {tmb['status']}: {tmb['reason']}"}]
        else:
            _not_evaluable(observation, f"TMB not evaluable: {tmb['reason']}")
        resources.append(observation)
    msi = report.get("msi")
    if msi:
        observation = _observation(ids, "biomarker:msi", "molecular-biomarker", concept(*CODES["msi"]), subject, issued)
        if msi["status"] in MSI_ANSWERS:
            observation["valueCodeableConcept"] = concept(*MSI_ANSWERS[msi["status"]])
            observation["note"] = [{"text": msi["reason"]}]
        else:
            _not_evaluable(observation, f"MSI not evaluable: {msi['reason']}")
        resources.append(observation)
    return resources


# Each builder turns one kind of report finding into Observations (a new report section adds one).
OBSERVATION_BUILDERS: list[Callable[[_Ids, dict, str, str, str], list[dict]]] = [
    variant_observations,
    copy_number_observations,
    rna_observations,
    biomarker_observations,
]


def report_bundle(report: dict, build: str = "GRCh38") -> dict:
    """The FHIR R4 Bundle (JSON-ready dict) of one presis report JSON."""
    patient_id = report["patient"]["id"]
    ids = _Ids(patient_id)
    issued = report["generated_at"]
    subject = ids("patient")
    patient = {"resourceType": "Patient", "id": subject,
               "identifier": [{"system": "urn:presis:patient", "value": patient_id}]}  # fmt: skip
    observations = [o for builder in OBSERVATION_BUILDERS for o in builder(ids, report, subject, issued, build)]
    findings = [f"{v['gene']} {v.get('hgvs_p') or v.get('hgvs_c')}" for v in report.get("variants") or []]
    findings += [f"{g['gene']} {g['call'].replace('_', ' ')}" for g in (report.get("copy_number") or {}).get("genes") or []
                 if g["call"] in CNV_CALLS]  # fmt: skip
    findings += [e["name"] for e in (report.get("rna") or {}).get("events") or [] if e["status"] == "detected"]
    diagnostic_report = {
        "resourceType": "DiagnosticReport", "id": ids("report"), "meta": {"profile": [f"{IG}/genomics-report"]},
        "status": "preliminary", "category": [CATEGORIES[1]], "code": concept(*CODES["report"]),
        "subject": {"reference": f"urn:uuid:{subject}"}, "issued": issued,
        "result": [{"reference": f"urn:uuid:{o['id']}"} for o in observations],
        "conclusion": (f"presis tumour report ({report['patient']['tumour_type']}, level {report['level']}, "
                       f"KB {report['kb']['version']}): " + ("; ".join(findings) or "no reportable somatic variant")
                       + ". Preliminary until signed off."),
    }  # fmt: skip
    if not observations:  # FHIR JSON has no empty arrays
        del diagnostic_report["result"]
    resources = [diagnostic_report, patient, *observations]
    return {
        "resourceType": "Bundle", "id": ids("bundle"), "type": "collection", "timestamp": issued,
        "entry": [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in resources],
    }  # fmt: skip


def validate_bundle(bundle: dict) -> None:
    """Structural validation against the FHIR R4B models of fhir.resources (raises on error)."""
    from fhir.resources.R4B.bundle import Bundle

    Bundle.model_validate(bundle)
