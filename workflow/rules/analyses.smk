# The level-dependent analyses (config analyses: {tmb, msi, germline, ffpe}): each its own rule,
# presis module and JSON, read by report_build only where the level's switch is on (common.smk).


rule tmb:
    input:
        table=out("results/{patient}/filter/{unit}.variants.tsv"),
        regions=lambda wildcards: out(f"results/{wildcards.patient}/coverage/{unit_tumour(wildcards)}.regions.bed.gz"),
        thresholds=lambda wildcards: out(
            f"results/{wildcards.patient}/coverage/{unit_tumour(wildcards)}.thresholds.bed.gz"
        ),
    output:
        out("results/{patient}/tmb/{unit}.tmb.json"),
    params:
        settings=config["tmb"],
        min_depth=config["somatic"]["min_depth"],
    log:
        out("logs/{patient}/tmb/{unit}.log"),
    benchmark:
        out("benchmarks/{patient}/tmb/{unit}.tsv")
    threads: res("tmb")["threads"]
    resources:
        mem_mb=res("tmb")["mem_mb"],
        runtime=res("tmb")["runtime"],
    message:
        "tmb: tumour mutational burden of {wildcards.unit}"
    run:
        run_script(rule, input, output, params, wildcards, log)


rule msi:
    input:
        bams=patient_bams,
        bais=lambda wildcards: [f"{bam}.bai" for bam in patient_bams(wildcards)],
        ref=REF_FASTA,
        panel=PANEL_BED,
    output:
        out("results/{patient}/msi/{unit}.msi.json"),
    params:
        settings=config["msi"],
        min_mapq=config["calling"]["min_mapq"],
    log:
        out("logs/{patient}/msi/{unit}.log"),
    benchmark:
        out("benchmarks/{patient}/msi/{unit}.tsv")
    threads: res("msi")["threads"]
    resources:
        mem_mb=res("msi")["mem_mb"],
        runtime=res("msi")["runtime"],
    conda:
        "../../envs/python.yaml"
    message:
        "msi: microsatellite instability of {wildcards.unit}"
    script:
        "../scripts/msi.py"


rule ffpe_check:
    input:
        table=out("results/{patient}/filter/{unit}.variants.tsv"),
    output:
        out("results/{patient}/qc/{unit}.ffpe.json"),
    params:
        settings=config["ffpe"],
    log:
        out("logs/{patient}/ffpe_check/{unit}.log"),
    benchmark:
        out("benchmarks/{patient}/ffpe_check/{unit}.tsv")
    threads: res("ffpe_check")["threads"]
    resources:
        mem_mb=res("ffpe_check")["mem_mb"],
        runtime=res("ffpe_check")["runtime"],
    message:
        "ffpe_check: C>T/G>A among low-VAF candidates of {wildcards.unit}"
    run:
        run_script(rule, input, output, params, wildcards, log)


rule germline_findings:
    input:
        # Without consent or a normal the germline calls are not read at all (nothing is shown).
        table=lambda wildcards: germline_table_if_consented(wildcards.patient),
        genes=config["germline_findings"]["genes"],
        known=config["germline_findings"]["known_variants"],
        roles=KB_INPUTS["gene_roles"],  # loss-of-function genes: the KB's tumour suppressors
        gff3=REFERENCE["gff3"],
    output:
        out("results/{patient}/germline/{patient}.germline_findings.json"),
    params:
        consent=lambda wildcards: samplesheet.patient_info(SHEET, wildcards.patient)["germline_consent"],
        nmd_distance=config["germline_findings"]["nmd_distance"],
    log:
        out("logs/{patient}/germline_findings/{patient}.log"),
    benchmark:
        out("benchmarks/{patient}/germline_findings/{patient}.tsv")
    threads: res("germline_findings")["threads"]
    resources:
        mem_mb=res("germline_findings")["mem_mb"],
        runtime=res("germline_findings")["runtime"],
    message:
        "germline_findings: candidate germline findings of {wildcards.patient} (consent: {params.consent})"
    run:
        run_script(rule, input, output, params, wildcards, log)
