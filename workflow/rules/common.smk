# Input functions and sample-sheet access. Anything longer than a few lines lives in
# the presis library (workflow/scripts/presis/), where it is unit-tested.
import os
import re

from presis.config import resolve_path


def out(path):
    """A path below the configured output folder."""
    return os.path.normpath(os.path.join(config["outdir"], path))


def res(rule_name):
    """threads / mem_mb / runtime of a rule from config (resources: default + per rule)."""
    return rule_resources(config, rule_name)


def names_regex(values):
    return "|".join(re.escape(v) for v in sorted(set(values)))


PATIENTS = samplesheet.patients(SHEET)
SHARDS = [f"{i:03d}" for i in range(config["calling"]["shards"])]
PANEL_BED = resolve_path(config["panel"]["bed"], REPO)
REF_FASTA = out("results/reference/genome.fa")
BWA_INDEX = multiext(REF_FASTA, ".amb", ".ann", ".bwt", ".pac", ".sa")


wildcard_constraints:
    patient=names_regex(SHEET["patient"]),
    sample=names_regex(SHEET["sample"]),
    lane=names_regex(SHEET["lane"]),
    shard=r"\d{3}",


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
    """Tumour first, then the normal if the patient has one (calling relies on this order)."""
    samples = [samplesheet.tumour_sample(SHEET, wildcards.patient)]
    normal = samplesheet.normal_sample(SHEET, wildcards.patient)
    if normal:
        samples.append(normal)
    return expand(out("results/{patient}/align/{sample}.bam"), patient=wildcards.patient, sample=samples)


def patient_samples(patient):
    return [s for s in (samplesheet.tumour_sample(SHEET, patient), samplesheet.normal_sample(SHEET, patient)) if s]


def read_group(wildcards):
    return f"@RG\\tID:{wildcards.sample}.{wildcards.lane}\\tSM:{wildcards.sample}\\tLB:{wildcards.sample}\\tPL:ILLUMINA\\tPU:{wildcards.lane}"


def final_outputs():
    targets = [out("results/provenance/effective_config.yaml")]
    for patient in PATIENTS:
        targets += expand(
            out("results/{patient}/report/{patient}.report.{ext}"), patient=patient, ext=["html", "json", "tsv"]
        )
        targets.append(out(f"results/{patient}/calls/{patient}.somatic.vcf.gz.tbi"))
    return targets
