# Input functions and sample-sheet access. Anything longer than a few lines lives in
# the presis library (workflow/scripts/presis/), where it is unit-tested.
import os
import re

from presis.rna.star import ARRIBA_OPTIONS as ARRIBA_STAR_OPTIONS
from presis.rna.star import star_version


def out(path):
    """A path below the configured output folder."""
    return os.path.normpath(os.path.join(config["outdir"], path))


def res(rule_name):
    """threads, mem_mb and runtime from the config (the default entry, overridden per rule name)."""
    return rule_resources(config, rule_name)


def names_regex(values):
    return "|".join(re.escape(v) for v in sorted(set(values)))


PATIENTS = samplesheet.patients(SHEET)
# Scheduling priorities. Snakemake's default scheduler (MILP) maximises the *sum* of the priorities of
# the jobs it starts together, so a job of t threads and priority P loses to t single-thread jobs of
# priority p once t * p >= P: on 2 cores two germline shards (1 + 1) tied with the tumour's fastp (2),
# and the tumour waited for all of the normal's work (1-Mb panel benchmark, 2026-12-06: 896 s instead
# of 784 s, the tumour's markdup alone on one core). The multi-threaded roads to the BAMs (fastp, bwa;
# STAR for RNA) therefore outrank any set of single-thread jobs that could fill their cores (up to 300
# threads per job; tests/test_scheduling.py); then markdup (both samples' at once once both are
# aligned), the calling shards and the steps gathering them, then the copy-number coverage the report
# also waits for; everything else 0.
PRIORITY_ROAD = 1000
PRIORITY_MARKDUP = 3
PRIORITY_CALLING = 2
PRIORITY_CNV_COVERAGE = 0.5
SHARDS = [f"{i:03d}" for i in range(config["calling"]["shards"])]
# File settings are resolved once when the configuration is built (presis.inputs.config.resolve_paths),
# so the bundled demo config works from any folder (presis run).
REFERENCE = config["reference"]
# The panel: a BED given by the preset/site, or built from a gene list (rule panel_from_genes).
PANEL_GIVEN = bool(config["panel"].get("bed"))
PANEL_BED = config["panel"]["bed"] if PANEL_GIVEN else out("results/reference/panel.bed")
# The prepared reference (FASTA index, bwa index, annotation index) lives in the reference cache,
# built once per reference and shared by every run and output folder (presis.inputs.reference_cache).
# Each part's build step (rules/reference.smk) is defined only while that part is missing.
REF_FASTA = str(PREPARED.fasta)
REF_FAI = str(PREPARED.fai)
BWA_INDEX = [str(f) for f in PREPARED.bwa_files]
# CNVkit and STAR read only a plain FASTA: the prepared FASTA when it is plain, else a plain copy
# made once into the reference cache (rule reference_cache_plain), only for runs with those stages.
PLAIN_FASTA = str(PREPARED.plain_fasta)
PLAIN_FAI = str(PREPARED.plain_fai)
# CNVkit's accessible regions of the genome, for its off-target bins (reference_cache_cnv_access).
CNV_ACCESS = str(PREPARED.cnv_access)
RNA_IN_SHEET = bool((SHEET["type"] == "rna").any())
# The STAR index, once per FASTA, GFF3, these settings and STAR's version (STAR refuses an index
# made by an incompatible version), in the reference cache (rna_star_index). STAR is asked only
# when the sheet has RNA: a DNA-only site need not install it.
STAR_SETTINGS = {k: config["rna"]["star"][k] for k in ("sjdb_overhang", "sa_sparse")}
STAR_SETTINGS["star_version"] = star_version() if RNA_IN_SHEET else None
if RNA_IN_SHEET and STAR_SETTINGS["star_version"] is None:
    raise WorkflowError(
        "presis cannot start — fix the input and run again.\n"
        f"the sample sheet {config['samples']} has rna rows, but STAR is not on PATH — install STAR "
        "(Debian package rna-star, as setup.sh does) or remove the rna rows"
    )
STAR_INDEX = str(PREPARED.star_dir(STAR_SETTINGS))
STAR_MANIFEST = os.path.join(STAR_INDEX, reference_cache.MANIFEST)
# The annotation of the genes the panel touches, made by reference_panel_annotation, is what
# every annotation step reads, so that none reads the whole GFF3.
PANEL_GFF3 = out("results/reference/panel.gff3.gz")
# The knowledge base, as rule inputs (a KB edit re-interprets every patient).
KB_INPUTS = {
    "biomarkers": config["kb"]["biomarkers"],
    "oncotree": config["kb"]["oncotree"],
    "gene_roles": config["kb"]["gene_roles"],
    "kb_schema": workflow.source_path("../../config/schemas/kb.schema.yaml"),
    "hotspots": config["kb"]["hotspots"],
    # imported CIViC entries (presis kb import-civic), only when configured
    **({"civic": config["kb"]["civic"]} if config["kb"].get("civic") else {}),
}
# Clinical-trial cohorts for the report (level 1), only when configured.
TRIALS_INPUTS = (
    {
        "trials": config["kb"]["trials"],
        "trials_schema": workflow.source_path("../../config/schemas/trials.schema.yaml"),
    }
    if config["kb"].get("trials")
    else {}
)
# Common SNP sites of the tumour/normal identity check (none configured: no check).
IDENTITY_SITES = config["identity"]["sites"]


def fastq_pair(wildcards):
    row = SHEET[(SHEET["sample"] == wildcards.sample) & (SHEET["lane"] == wildcards.lane)].iloc[0]
    return {"r1": row["fastq_1"], "r2": row["fastq_2"]}


def lane_bams(wildcards):
    return expand(
        out("results/{patient}/align/{sample}.{lane}.sorted.bam"),
        patient=wildcards.patient,
        sample=wildcards.sample,
        lane=samplesheet.lanes(SHEET, wildcards.sample),
    )


def patient_bams(wildcards):
    """The analysis' tumour first, then the patient's normal if there is one (calling relies on this order)."""
    unit_tumour(wildcards)  # a clear error for a patient without a tumour sample
    return expand(
        out("results/{patient}/align/{sample}.bam"), patient=wildcards.patient, sample=unit_samples(wildcards)
    )


# --- analysis units: what gets its own calls and report (presis.inputs.samplesheet.analysis_units).
# One tumour: the patient (results/P/calls/P.somatic.vcf.gz); several: each tumour sample by its own
# name (results/P/calls/P-T2.somatic.vcf.gz), all against the patient's one normal, aligned once.


def analysis_units(patient):
    """unit -> tumour sample (None for a patient with tumour RNA alone)."""
    return samplesheet.analysis_units(SHEET, patient)


def unit_tumour(wildcards):
    """The tumour sample of the analysis {unit} of {patient}; a clear error for an output that cannot exist."""
    tumour = samplesheet.unit_tumour(SHEET, wildcards.patient, wildcards.unit)
    if tumour is None:
        raise ValueError(
            f"patient {wildcards.patient} has no tumour sample in the sheet: there are no somatic calls and no DNA report for it"
        )
    return tumour


def unit_samples(wildcards):
    """The analysis' tumour (none for tumour RNA alone), then the patient's normal if there is one."""
    tumour = samplesheet.unit_tumour(SHEET, wildcards.patient, wildcards.unit)
    return [s for s in (tumour, samplesheet.normal_sample(SHEET, wildcards.patient)) if s]


def tumour_bam(wildcards):
    return out(f"results/{wildcards.patient}/align/{unit_tumour(wildcards)}.bam")


def unit_info(wildcards):
    """The patient's tumour type, sex and consent, with the purity of the analysis' own tumour sample."""
    tumour = samplesheet.unit_tumour(SHEET, wildcards.patient, wildcards.unit)
    return samplesheet.patient_info(SHEET, wildcards.patient, tumour)


def other_tumours(wildcards):
    """The patient's tumour samples other than the analysis' own (each has a report of its own)."""
    tumour = samplesheet.unit_tumour(SHEET, wildcards.patient, wildcards.unit)
    return [t for t in samplesheet.tumour_samples(SHEET, wildcards.patient) if t != tumour]


def other_tumours_identity(wildcards):
    """other tumour sample -> its identity genotypes, where its identity is checked: the report
    names a sibling whose own report a mismatch stopped as withheld, not as a sibling (the
    genotypes exist whether or not its check passed). With several tumours each is its own unit."""
    return {
        t: out(f"results/{wildcards.patient}/qc/{t}.identity.bcf")
        for t in other_tumours(wildcards)
        if identity_checked(wildcards.patient, t)
    }


def sample_of(patient, kind):
    """The patient's tumour or normal sample; a clear error for an output that cannot exist."""
    sample = samplesheet.samples_of_type(SHEET, patient, kind)
    if sample is None:
        what = "somatic calls and a tumour report" if kind == "tumour" else "germline calls or an identity check"
        raise ValueError(f"patient {patient} has no {kind} sample in the sheet: there are no {what} for it")
    return sample


def sample_bam(patient, kind):
    return out(f"results/{patient}/align/{sample_of(patient, kind)}.bam")


def patient_samples(patient):
    """Every DNA sample of the patient: its tumour samples, then its normal."""
    normal = samplesheet.normal_sample(SHEET, patient)
    return samplesheet.tumour_samples(SHEET, patient) + ([normal] if normal else [])


def read_group(wildcards):
    return f"@RG\\tID:{wildcards.sample}.{wildcards.lane}\\tSM:{wildcards.sample}\\tLB:{wildcards.sample}\\tPL:ILLUMINA\\tPU:{wildcards.lane}"


def final_outputs():
    """The report and somatic calls of each patient with a tumour; the germline calls and
    table of each patient with a normal (a patient with only a normal is germline-only); the
    report of each patient with tumour RNA only; the RNA events table of each patient with tumour RNA."""
    targets = [out("results/provenance/effective_config.yaml")]
    for patient in PATIENTS:
        for unit, tumour in analysis_units(patient).items():
            if rna_result(patient, unit):
                targets.append(out(f"results/{patient}/report/{unit}.report.rna.tsv"))
            if tumour is None:
                targets += expand(
                    out("results/{patient}/report/{unit}.report.{ext}"),
                    patient=patient,
                    unit=unit,
                    ext=["html", "json", "tsv"],
                )
                continue
            targets += expand(
                out("results/{patient}/report/{unit}.{ext}"),
                patient=patient,
                unit=unit,
                ext=["report.html", "report.json", "report.tsv", "fhir.json", "maf"],
            )
            targets.append(out(f"results/{patient}/calls/{unit}.somatic.vcf.gz.tbi"))
            if config["copy_number"]["enabled"]:
                targets.append(out(f"results/{patient}/cnv/{unit}.copy_number.tsv"))
        # One contribution per patient, however many tumour samples (a person is counted once).
        if samplesheet.tumour_samples(SHEET, patient) and config["vardb"]["contribute"]:
            targets.append(out(f"results/{patient}/vardb/{patient}.contribution.json"))
        if samplesheet.normal_sample(SHEET, patient):
            targets.append(out(f"results/{patient}/calls/{patient}.germline.vcf.gz.tbi"))
            targets.append(out(f"results/{patient}/annotate/{patient}.germline.tsv"))
    # Run-level QC of every sample (rules/multiqc.smk).
    targets.append(out("results/multiqc/multiqc_report.html"))
    return targets


def identity_checked(patient, unit):
    """Each tumour is compared with the normal when the patient has one and sites are configured."""
    return bool(
        IDENTITY_SITES and samplesheet.unit_tumour(SHEET, patient, unit) and samplesheet.normal_sample(SHEET, patient)
    )


def fastp_jsons(patient, samples=None):
    """sample -> the fastp reports of its lanes (every DNA sample of the patient unless ``samples``)."""
    return {
        s: expand(out("results/{p}/qc/{s}.{lane}.fastp.json"), p=patient, s=s, lane=samplesheet.lanes(SHEET, s))
        for s in (samples if samples is not None else patient_samples(patient))
    }


def rna_result(patient, unit):
    """The RNA result (rules/rna.smk) of the analysis' tumour, or {} without an RNA sample of it."""
    tumour = samplesheet.unit_tumour(SHEET, patient, unit)
    sample = samplesheet.rna_sample(SHEET, patient, tumour) if tumour else samplesheet.rna_sample(SHEET, patient)
    return {"rna": out(f"results/{patient}/rna/{sample}.rna.json")} if sample else {}


def rna_trimmed(wildcards, read):
    """The RNA sample's trimmed FASTQs of every lane (qc_fastp)."""
    return expand(
        out("results/{patient}/qc/{sample}.{lane}.trimmed_{read}.fastq.gz"),
        patient=wildcards.patient,
        sample=wildcards.sample,
        lane=samplesheet.lanes(SHEET, wildcards.sample),
        read=read,
    )


def report_inputs(wildcards):
    patient, unit = wildcards.patient, wildcards.unit
    if not samplesheet.unit_tumour(SHEET, patient, unit):
        # Tumour RNA only (report_build_rna): the RNA result, the KB and provenance.
        return {
            **rna_result(patient, unit),
            **{name: KB_INPUTS[name] for name in ("biomarkers", "oncotree", "gene_roles", "kb_schema")},
            **TRIALS_INPUTS,
            "checksums": out("results/provenance/reference_checksums.json"),
            "versions": out("results/provenance/tool_versions.json"),
            "config": out("results/provenance/effective_config.yaml"),
        }
    samples = unit_samples(wildcards)
    inputs = {
        "table": out(f"results/{patient}/interpret/{unit}.variants.tsv"),
        "lod": out(f"results/{patient}/interpret/{unit}.lod.tsv"),
        **{
            name: KB_INPUTS[name]
            for name in ("biomarkers", "oncotree", "gene_roles", "kb_schema", "civic")
            if name in KB_INPUTS
        },
        **TRIALS_INPUTS,
        "performance": config["report"]["performance"],
        "fastp": [f for files in fastp_jsons(patient, samples).values() for f in files],
        "stats": [out(f"results/{patient}/qc/{s}.samtools_stats.txt") for s in samples],
        "regions": [out(f"results/{patient}/coverage/{s}.regions.bed.gz") for s in samples],
        "thresholds": [out(f"results/{patient}/coverage/{s}.thresholds.bed.gz") for s in samples],
        "checksums": out("results/provenance/reference_checksums.json"),
        "versions": out("results/provenance/tool_versions.json"),
        "config": out("results/provenance/effective_config.yaml"),
    }
    if identity_checked(patient, unit):
        # A failed check (identity: on_mismatch: stop) leaves no JSON, so no report is built.
        inputs["identity"] = out(f"results/{patient}/qc/{unit}.identity.json")
    siblings = other_tumours_identity(wildcards)
    if siblings:
        inputs["other_tumours_identity"] = list(siblings.values())
    inputs.update(analysis_outputs(patient, unit))
    inputs.update(rna_result(patient, unit))
    if config["copy_number"]["enabled"]:
        inputs["cnv"] = out(f"results/{patient}/cnv/{unit}.cnv.json")
    return inputs


def analysis_outputs(patient, unit):
    """The JSON of each analysis the level's `analyses:` switches on (rules/analyses.smk); the
    germline findings are the patient's (from the normal), the others the analysis' tumour's."""
    paths = {
        "tmb": out(f"results/{patient}/tmb/{unit}.tmb.json"),
        "msi": out(f"results/{patient}/msi/{unit}.msi.json"),
        "germline": out(f"results/{patient}/germline/{patient}.germline_findings.json"),
        "ffpe": out(f"results/{patient}/qc/{unit}.ffpe.json"),
    }
    return {name: path for name, path in paths.items() if config["analyses"][name]}


def germline_table_if_consented(patient):
    """The normal's germline table, only for a patient with germline consent and a normal."""
    consent = samplesheet.patient_info(SHEET, patient)["germline_consent"] == "yes"
    if consent and samplesheet.normal_sample(SHEET, patient):
        return out(f"results/{patient}/annotate/{patient}.germline.tsv")
    return []


def pon_vcf():
    """The panel of normals: given, built from the configured normal BAMs, or none."""
    if config["pon"]["vcf"]:
        return config["pon"]["vcf"]
    return out("results/pon/pon.vcf.gz") if config["pon"]["bams"] else None


def classify_resources(wildcards):
    resources = {"pon": pon_vcf(), "population": config["population"]["vcf"]}
    return {name: path for name, path in resources.items() if path}


def vardb_inputs(wildcards):
    """Of each of the patient's tumour samples: the filtered somatic table, the tumour's coverage,
    the identity check's JSON where there is one, the RNA and copy-number results; and the
    germline table (with a normal). A failed identity check (on_mismatch: stop) leaves no JSON, so
    a patient with a stopped report contributes nothing either. Not the reports themselves, so the
    contribution is written beside them rather than after them. One contribution per patient:
    presis.vardb.contribution counts each variant once for the person."""
    patient = wildcards.patient
    units = {unit: tumour for unit, tumour in analysis_units(patient).items() if tumour}
    if not units:
        raise ValueError(f"patient {patient} has no tumour sample in the sheet: it contributes nothing")
    inputs = {
        "somatic": [out(f"results/{patient}/filter/{unit}.variants.tsv") for unit in units],
        "thresholds": [out(f"results/{patient}/coverage/{tumour}.thresholds.bed.gz") for tumour in units.values()],
    }
    identity = [out(f"results/{patient}/qc/{unit}.identity.json") for unit in units if identity_checked(patient, unit)]
    if identity:
        inputs["identity"] = identity
    if samplesheet.normal_sample(SHEET, patient):
        inputs["germline"] = out(f"results/{patient}/annotate/{patient}.germline.tsv")
    rna = [rna_result(patient, unit)["rna"] for unit in units if rna_result(patient, unit)]
    if rna:
        inputs["rna"] = rna
    if config["copy_number"]["enabled"]:
        inputs["cnv"] = [out(f"results/{patient}/cnv/{unit}.cnv.json") for unit in units]
    return inputs


def cnv_reference_choice(patient):
    """(kind, reference .cnn, number of normals) for a patient: a given reference, the pooled normals
    of cnv_reference: bams, the matched normal, or a flat reference when there is no normal."""
    given = config["cnv_reference"]
    if given["cnn"]:
        return "normals", given["cnn"], max(1, len(given["bams"]))
    if given["bams"]:
        return "normals", out("results/cnv_reference/reference.cnn"), len(given["bams"])
    if samplesheet.normal_sample(SHEET, patient):
        return "matched_normal", out(f"results/{patient}/cnv/{patient}.reference.cnn"), 1
    return "flat", out("results/cnv_reference/flat_reference.cnn"), 0


def cancel_rate_limiter_timers():
    """Snakemake 9's job-rate limiter starts a one-second non-daemon threading.Timer per
    scheduling round, and the interpreter waits for the last one before it exits: ~1 s added to
    every run. Nothing needs them once the run has ended."""
    import threading

    for thread in threading.enumerate():
        if isinstance(thread, threading.Timer):
            thread.cancel()


# --- run-level QC (rules/multiqc.smk) ---
import shutil

_VENV_MULTIQC = Path(sys.executable).parent / "multiqc"
MULTIQC = str(_VENV_MULTIQC) if _VENV_MULTIQC.exists() else shutil.which("multiqc") or "multiqc"


def multiqc_tool_files(wildcards=None):
    """The tool outputs MultiQC reads, for every sample of every patient of the run."""
    files = []
    for patient in PATIENTS:
        for sample, lanes in fastp_jsons(patient).items():
            files += lanes
            files.append(out(f"results/{patient}/qc/{sample}.samtools_stats.txt"))
            files.append(out(f"results/{patient}/coverage/{sample}.mosdepth.summary.txt"))
        for unit, tumour in analysis_units(patient).items():
            if tumour:
                files.append(out(f"results/{patient}/qc/{unit}.somatic.bcftools_stats.txt"))
        if samplesheet.normal_sample(SHEET, patient):
            files.append(out(f"results/{patient}/qc/{patient}.germline.bcftools_stats.txt"))
    return files


def multiqc_mosdepth_dists():
    """mosdepth's distribution files, written beside its summary (not rule outputs of their own)."""
    return [
        out(f"results/{patient}/coverage/{sample}.mosdepth.{kind}.dist.txt")
        for patient in PATIENTS
        for sample in patient_samples(patient)
        for kind in ("global", "region")
    ]


def multiqc_reports(wildcards=None):
    return [
        out(f"results/{patient}/report/{unit}.report.json")
        for patient in PATIENTS
        for unit, tumour in analysis_units(patient).items()
        if tumour
    ]
