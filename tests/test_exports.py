"""The ecosystem's formats: FHIR Bundle and MAF of each report, the run's MultiQC report and
Snakemake's own report — unit tests of the builders and checks of the demo run's files."""

from __future__ import annotations

import json
import subprocess

import pandas as pd
import pytest
from conftest import REPO, workflow_command
from fhir.resources.R4B.bundle import Bundle

from presis.exports import fhir, maf, multiqc

IG = "http://hl7.org/fhir/uv/genomics-reporting/StructureDefinition/"


# --- MAF conventions (GDC) ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("vcf", "expected"),
    [
        ((100, "C", "T"), (100, 100, "C", "T", "SNP")),
        ((100, "CA", "TG"), (100, 101, "CA", "TG", "DNP")),
        # EGFR exon 19: the padding base goes, the deletion starts at the first deleted base
        ((55174771, "AGGAATTAAGAGAAGC", "A"), (55174772, 55174786, "GGAATTAAGAGAAGC", "-", "DEL")),
        # an insertion sits between Start and End, the bases either side of it
        ((1513932, "T", "TGA"), (1513932, 1513933, "-", "GA", "INS")),
        ((200, "ACGT", "AT"), (201, 202, "CG", "-", "DEL")),
    ],
)
def test_maf_alleles_follow_gdc_conventions(vcf, expected):
    alleles = maf.maf_alleles(*vcf)
    assert (alleles.start, alleles.end, alleles.ref, alleles.alt, alleles.variant_type) == expected


@pytest.mark.parametrize(
    ("consequence", "kind", "expected"),
    [
        ("inframe_deletion", "DEL", "In_Frame_Del"),
        ("frameshift_variant", "INS", "Frame_Shift_Ins"),
        ("frameshift_variant", "DEL", "Frame_Shift_Del"),
        ("missense_variant&splice_region_variant", "SNP", "Missense_Mutation"),
        ("stop_gained&frameshift_variant", "DEL", "Nonsense_Mutation"),
        ("synonymous_variant", "SNP", "Silent"),
        ("splice_donor_variant", "SNP", "Splice_Site"),
        ("intron_variant", "SNP", "Intron"),
    ],
)
def test_variant_classification_uses_the_gdc_vocabulary(consequence, kind, expected):
    assert maf.variant_classification(consequence, kind) == expected


def test_hgvsp_short_drops_the_prediction_parentheses():
    assert maf.hgvsp_short("p.(E746_A750del)") == "p.E746_A750del"
    assert maf.hgvsp_short("p.(P110Qfs*15)") == "p.P110Qfs*15"


def test_a_pass_call_missing_from_the_table_is_an_error():
    table = pd.DataFrame(columns=["chrom", "pos", "ref", "alt"])
    with pytest.raises(ValueError, match="missing from the annotated table"):
        maf.maf_rows(table, {("chr1", 5, "C", "T")}, "T1", None, "GRCh38")


# --- FHIR and MultiQC builders on a minimal report ------------------------------------------


def minimal_report(**changes) -> dict:
    report = {
        "patient": {"id": "P1", "tumour_type": "LUAD"}, "samples": {"tumour": "P1-T", "normal": None},
        "generated_at": "2026-12-06T00:00:00+00:00", "level": 2, "kb": {"version": "2026.11.0"}, "variants": [],
        "qc": [], "tmb": {"status": "not evaluable", "evaluable": False, "tmb_per_mb": 650.0, "callable_mb": 0.03,
                          "tmb_high": False, "reason": "callable target 0.035 Mb is below the 1 Mb minimum"},
        "msi": {"status": "MSI-high", "reason": "30 of 40 evaluable microsatellites unstable"},
    }  # fmt: skip
    report.update(changes)
    return report


def test_a_tmb_that_is_not_evaluable_has_no_value_in_fhir():
    bundle = fhir.report_bundle(minimal_report())
    fhir.validate_bundle(bundle)
    tmb = next(
        e["resource"]
        for e in bundle["entry"]
        if e["resource"].get("code", {}).get("coding", [{}])[0].get("code") == "94076-7"
    )
    assert "valueQuantity" not in tmb and tmb["dataAbsentReason"]["coding"][0]["code"] == "not-performed"
    assert "below the 1 Mb minimum" in tmb["note"][0]["text"]


def test_msi_high_is_coded_with_its_loinc_answer():
    bundle = fhir.report_bundle(minimal_report())
    msi = next(
        e["resource"]
        for e in bundle["entry"]
        if e["resource"].get("code", {}).get("coding", [{}])[0].get("code") == "81695-9"
    )
    assert msi["valueCodeableConcept"]["coding"][0]["code"] == "LA26203-2"


def test_a_report_without_findings_is_a_valid_bundle_without_empty_arrays():
    bundle = fhir.report_bundle(minimal_report(tmb=None, msi=None))
    fhir.validate_bundle(bundle)
    (report,) = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "DiagnosticReport"]
    assert "result" not in report and "no reportable somatic variant" in report["conclusion"]


def test_fhir_ids_are_reproducible():
    assert fhir.report_bundle(minimal_report()) == fhir.report_bundle(minimal_report())


def test_multiqc_patient_summary_is_keyed_by_the_tumour_sample():
    content = multiqc.patient_summary([minimal_report()])
    assert content["data"]["P1-T"]["tmb_status"] == "not evaluable"
    assert content["data"]["P1-T"]["tmb"] == "—"  # no number for a TMB that is not evaluable
    assert content["data"]["P1-T"]["msi_status"] == "MSI-high"
    assert "identity" not in content["headers"]  # tumour-only: no identity column


def copy_number_section(**noise) -> dict:
    gene = {"log2": 2.6, "fold_change": 6.1, "targets": 12, "reason": "log2 2.6 above the amplification threshold"}
    return {
        "evaluable": True, "reason": "noise 0.12 within 0.3", "noise": {"value": 0.12, "max": 0.3, "pass": True, **noise},
        "genes": [
            {"gene": "MET", "call": "amplification", "copy_number": 12.2, **gene},
            {"gene": "CDKN2A", "call": "homozygous_deletion", "copy_number": 0.1, **gene, "log2": -4.0},
            {"gene": "KRAS", "call": "gain", "copy_number": 3.0, **gene, "log2": 0.5},
            {"gene": "TP53", "call": "neutral", "copy_number": 2.0, **gene, "log2": 0.0},
        ],
        "events": [{"gene": "MET", "event": "amplification", "copy_number": 12.2, "group": "clinically_relevant",
                    "amp_tier": {"value": "I-B", "reason": "..."}, "escat": {"value": "II-B", "reason": "..."},
                    "therapies": [{"therapy": "capmatinib", "direction": "sensitivity", "evidence_level": "B",
                                   "kb_entry": "KB-MET-AMP", "source": "NCCN"}], "reason": "amplified"}],
    }  # fmt: skip


def rna_section(qc_pass: bool = True) -> dict:
    def event(kind, name, genes, status, **extra):
        return {"kind": kind, "name": name, "genes": genes, "exons": [14], "frame": "in-frame", "junction_reads": 9,
                "spanning_reads": 4, "status": status, "reason": "supported",
                "breakpoints": [{"contig": "c1", "pos": 10, "chrom": "chr2", "genomic_pos": 29223528}], **extra}  # fmt: skip

    alk = {"amp_tier": {"value": "I-A", "reason": "..."}, "escat": {"value": "I-A", "reason": "..."},
           "therapies": [{"therapy": "alectinib", "direction": "sensitivity", "evidence_level": "A",
                          "kb_entry": "KB-ALK-FUS", "source": "FDA"}]}  # fmt: skip
    return {
        "sample": "P1-R", "evaluable": qc_pass, "statement": "RNA evaluable",
        "qc": {"mapped_pairs": 250000, "mapped_fraction": 0.912, "duplicate_fraction": 0.153,
               "panel_gene_reads": 48000, "checks": [], "pass": qc_pass},
        "events": [
            event("fusion", "EML4::ALK", ["EML4", "ALK"], "detected", interpretation=alk),
            event("exon_skipping", "MET exon 14 skipping", ["MET"], "detected"),
            event("fusion", "KIF5B::RET", ["KIF5B", "RET"], "not detected: 1 read"),
        ],
    }  # fmt: skip


def code_of(observation: dict, loinc_code: str) -> list[dict]:
    return [c for c in observation.get("component", []) if c["code"]["coding"][0]["code"] == loinc_code]


def test_amplification_and_homozygous_deletion_are_ig_variants_with_copy_number():
    bundle = fhir.report_bundle(minimal_report(copy_number=copy_number_section()))
    fhir.validate_bundle(bundle)
    variants = resources(bundle, "variant")
    by_gene = {code_of(v, "48018-6")[0]["valueCodeableConcept"]["text"]: v for v in variants}
    assert set(by_gene) == {"MET", "CDKN2A"}  # a gain or a neutral gene is not a finding
    met_type = code_of(by_gene["MET"], "48019-4")[0]["valueCodeableConcept"]["coding"][0]
    assert (met_type["system"], met_type["code"]) == ("http://www.sequenceontology.org", "SO:0001742")
    assert code_of(by_gene["CDKN2A"], "48019-4")[0]["valueCodeableConcept"]["coding"][0]["code"] == "SO:0001743"
    assert code_of(by_gene["MET"], "82155-3")[0]["valueQuantity"]["value"] == 12.2
    (implication,) = resources(bundle, "therapeutic-implication")
    assert implication["derivedFrom"] == [{"reference": f"urn:uuid:{by_gene['MET']['id']}"}]
    assert "tier I-B" in code_of(implication, "93044-6")[0]["valueCodeableConcept"]["text"]
    assert code_of(implication, "51963-7")[0]["valueCodeableConcept"]["text"] == "capmatinib"
    (report,) = resources(bundle, "genomics-report")
    assert "MET amplification" in report["conclusion"] and "CDKN2A homozygous deletion" in report["conclusion"]


def test_detected_rna_events_are_variants_and_a_filtered_candidate_is_not():
    bundle = fhir.report_bundle(minimal_report(rna=rna_section()))
    fhir.validate_bundle(bundle)
    variants = resources(bundle, "variant")
    names = {code_of(v, "81252-9")[0]["valueCodeableConcept"]["text"]: v for v in variants}
    assert set(names) == {"EML4::ALK", "MET exon 14 skipping"}  # KIF5B::RET was not detected
    fusion = names["EML4::ALK"]
    assert [c["valueCodeableConcept"]["text"] for c in code_of(fusion, "48018-6")] == ["EML4", "ALK"]
    assert code_of(fusion, "48019-4")[0]["valueCodeableConcept"]["coding"][0]["code"] == "SO:0001565"
    assert "chr2:29223528" in fusion["note"][0]["text"] and "9 junction reads" in fusion["note"][0]["text"]
    skip = names["MET exon 14 skipping"]
    assert code_of(skip, "48019-4")[0]["valueCodeableConcept"]["coding"][0]["code"] == "SO:0001572"
    (implication,) = resources(bundle, "therapeutic-implication")  # the exon skipping has no KB interpretation here
    assert implication["derivedFrom"] == [{"reference": f"urn:uuid:{fusion['id']}"}]
    assert code_of(implication, "51963-7")[0]["valueCodeableConcept"]["text"] == "alectinib"
    assert "EML4::ALK" in implication["note"][0]["text"]


def test_multiqc_patient_summary_shows_copy_number_noise_and_rna_qc():
    report = minimal_report(copy_number=copy_number_section(), rna=rna_section(qc_pass=False))
    report["copy_number"]["noise"] = {"value": 0.45, "max": 0.3, "pass": False}
    report["copy_number"]["evaluable"] = False
    content = multiqc.patient_summary([report])
    row = content["data"]["P1-T"]
    assert (row["cnv_status"], row["cnv_noise"], row["cnv_noise_check"], row["cnv_events"]) == (
        "not evaluable", 0.45, "fail", 2,
    )  # fmt: skip
    assert (row["rna_qc"], row["rna_mapped_pairs"], row["rna_mapped_pct"]) == ("fail", 250000, 91.2)
    assert (row["rna_panel_gene_reads"], row["rna_duplicate_pct"], row["rna_detected"]) == (48000, 15.3, 2)
    assert {"cnv_noise", "rna_qc", "rna_duplicate_pct"} <= set(content["headers"])


def test_multiqc_patient_summary_without_copy_number_or_rna_has_no_such_columns():
    content = multiqc.patient_summary([minimal_report()])
    assert not any(key.startswith(("cnv_", "rna_")) for key in content["headers"])


# --- the demo run ---------------------------------------------------------------------------


def resources(bundle: dict, profile: str) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if IG + profile in e["resource"].get("meta", {}).get("profile", [])]


def loinc(resource: dict) -> str | None:
    codings = resource["code"].get("coding", [])
    return codings[0]["code"] if codings and codings[0]["system"] == "http://loinc.org" else None


def components(observation: dict) -> dict[str, dict]:
    return {c["code"]["coding"][0]["code"]: c for c in observation.get("component", [])}


@pytest.mark.e2e
def test_demo_fhir_bundle_validates_and_carries_egfr_l858r_with_its_therapies(demo_run):
    bundle = json.loads(demo_run.result("DEMO/report/DEMO.fhir.json").read_text())
    Bundle.model_validate(bundle)  # the FHIR R4B structure
    (report,) = resources(bundle, "genomics-report")
    assert loinc(report) == "51969-4" and report["status"] == "preliminary"  # not final until signed off
    in_bundle = {e["fullUrl"] for e in bundle["entry"]}
    assert {r["reference"] for r in report["result"]} <= in_bundle
    variants = resources(bundle, "variant")
    assert variants and all(loinc(v) == "69548-6" for v in variants)
    l858r = next(
        v for v in variants if components(v)["48005-3"]["valueCodeableConcept"]["text"] == "EGFR p.(Leu858Arg)"
    )
    parts = components(l858r)
    assert parts["48018-6"]["valueCodeableConcept"]["text"] == "EGFR"
    assert parts["48004-6"]["valueCodeableConcept"]["coding"][0]["code"] == "NM_005228.5:c.2573T>G"
    assert parts["81290-9"]["valueCodeableConcept"]["coding"][0]["code"] == "NC_000007.14:g.55191822T>G"
    assert parts["48002-0"]["valueCodeableConcept"]["coding"][0]["code"] == "LA6684-0"  # somatic
    assert 0.1 < parts["81258-6"]["valueQuantity"]["value"] < 0.5
    implications = [t for t in resources(bundle, "therapeutic-implication")
                    if t["derivedFrom"] == [{"reference": f"urn:uuid:{l858r['id']}"}]]  # fmt: skip
    assert implications
    drugs = {
        c["valueCodeableConcept"]["text"]
        for t in implications
        for c in t["component"]
        if c["code"]["coding"][0]["code"] == "51963-7"
    }
    assert "osimertinib" in drugs
    evidence = components(implications[0])["93044-6"]["valueCodeableConcept"]["text"]
    assert "tier I-A" in evidence
    (tmb,) = [b for b in resources(bundle, "molecular-biomarker") if loinc(b) == "94076-7"]
    assert "valueQuantity" not in tmb  # the demo panel is too small for a TMB: no number
    # the demo tumour's EGFR amplification (copy_number.genes) as an IG copy-number Variant
    amplification = [v for v in variants if "48019-4" in components(v) and "82155-3" in components(v)]
    (egfr_amp,) = [v for v in amplification if components(v)["48018-6"]["valueCodeableConcept"]["text"] == "EGFR"]
    assert components(egfr_amp)["48019-4"]["valueCodeableConcept"]["coding"][0]["code"] == "SO:0001742"
    assert components(egfr_amp)["82155-3"]["valueQuantity"]["value"] > 4


@pytest.mark.e2e
def test_demo_maf_has_one_row_per_pass_somatic_call(demo_run):
    path = demo_run.result("DEMO/report/DEMO.maf")
    assert path.read_text().startswith("#version 2.4\n")
    rows = pd.read_csv(path, sep="\t", comment="#", dtype=str, keep_default_na=False)
    assert list(rows.columns[:34]) == maf.STANDARD_COLUMNS
    pass_calls = maf.pass_somatic_keys(demo_run.result("DEMO/calls/DEMO.somatic.vcf.gz"))
    assert len(rows) == len(pass_calls) and len(rows) > 20
    assert set(rows["Mutation_Status"]) == {"Somatic"}
    ex19 = rows[rows["HGVSp_Short"] == "p.E746_A750del"].iloc[0]
    assert (ex19["Hugo_Symbol"], ex19["Variant_Classification"], ex19["Variant_Type"]) == (
        "EGFR",
        "In_Frame_Del",
        "DEL",
    )
    assert (ex19["Chromosome"], ex19["Start_Position"], ex19["End_Position"]) == ("chr7", "55174772", "55174786")
    assert (ex19["Reference_Allele"], ex19["Tumor_Seq_Allele2"]) == ("GGAATTAAGAGAAGC", "-")
    kras = rows[rows["HGVSp_Short"] == "p.G12D"].iloc[0]
    assert (kras["Start_Position"], kras["Reference_Allele"], kras["Tumor_Seq_Allele2"]) == ("25245350", "C", "T")
    assert set(rows["Variant_Classification"]) <= set(maf.CLASSIFICATIONS)


@pytest.mark.e2e
def test_demo_multiqc_report_names_every_sample_with_presis_metrics(demo_run):
    html = demo_run.result("multiqc/multiqc_report.html").read_text()
    data = json.loads(demo_run.result("multiqc/multiqc_data/multiqc_data.json").read_text())
    raw = data["report_saved_raw_data"]
    for sample in ("DEMO-T", "DEMO-N"):
        assert sample in html
        for module in (
            "multiqc_fastp",
            "multiqc_samtools_stats",
            "mosdepth_cov_dist",
            "multiqc_presis_qc_checks_table",
        ):
            assert sample in raw[module], (module, sample)
    assert set(raw["multiqc_bcftools_stats"]) == {"DEMO.somatic", "DEMO.germline"}
    patient = raw["multiqc_presis_patients_table"]["DEMO-T"]
    assert patient["identity"] == "pass" and patient["tmb_status"] == "not evaluable"
    assert patient["kb_sites_detected"] >= 4  # EGFR L858, exon 19, KRAS G12, ... (report's LoD sites)
    # copy number: the matched-normal reference is quiet enough, and EGFR is the one amplified gene
    assert (patient["cnv_status"], patient["cnv_noise_check"], patient["cnv_events"]) == ("evaluable", "pass", 1)
    assert raw["multiqc_presis_qc_checks_table"]["DEMO-T"]["qc"] == "pass"
    assert "presis QC checks" in html and "presis patient summary" in html


@pytest.mark.e2e
def test_snakemake_report_of_the_demo_run(demo_run, tmp_path):
    # The report is written outside the run's folder, which other tests scan file by file.
    target = tmp_path / "presis-run-report.html"
    command = workflow_command(demo_run.outdir, extra=("--report", str(target)))
    proc = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    text = target.read_text(errors="replace")
    for words in ("Patient reports", "Provenance", "QC", "DEMO.report.html", "DEMO.fhir.json", "multiqc_report.html"):
        assert words in text, words
