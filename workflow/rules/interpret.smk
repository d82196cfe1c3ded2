# Interpretation: why each candidate is (not) somatic, in words; which likely-germline variants
# must be referred for germline testing; the clinical classification of every reportable variant
# for the patient's tumour type; and what the depth let the caller see at each KB biomarker site.


rule interpret_variants:
    input:
        **KB_INPUTS,
        table=out("results/{patient}/filter/{unit}.variants.tsv"),
        referral_genes=config["kb"]["referral_genes"],
    output:
        out("results/{patient}/interpret/{unit}.variants.tsv"),
    params:
        tumour_type=lambda wildcards: unit_info(wildcards)["tumour_type"],
        build=config["reference"]["build"],
    log:
        out("logs/{patient}/interpret_variants/{unit}.log"),
    benchmark:
        out("benchmarks/{patient}/interpret_variants/{unit}.tsv")
    threads: res("interpret_variants")["threads"]
    resources:
        mem_mb=res("interpret_variants")["mem_mb"],
        runtime=res("interpret_variants")["runtime"],
    message:
        "interpret_variants: reasons, germline referrals and tiers for {wildcards.unit}"
    run:
        run_script(rule, input, output, params, wildcards, log)


rule interpret_lod:
    input:
        **KB_INPUTS,
        # The panel-filtered calls, not the interpreted ones: a site is "detected" by a reportable
        # variant there, so this runs beside interpret_variants instead of after it.
        table=out("results/{patient}/filter/{unit}.variants.tsv"),
        bam=lambda wildcards: tumour_bam(wildcards),
        bai=lambda wildcards: tumour_bam(wildcards) + ".bai",
        panel=PANEL_BED,
        gff3=REFERENCE["gff3"],
    output:
        out("results/{patient}/interpret/{unit}.lod.tsv"),
    params:
        somatic=config["somatic"],
        min_mapq=config["calling"]["min_mapq"],
        min_baseq=config["calling"]["min_baseq"],
        max_lod_vaf=config["report"]["max_lod_vaf"],
    log:
        out("logs/{patient}/interpret_lod/{unit}.log"),
    benchmark:
        out("benchmarks/{patient}/interpret_lod/{unit}.tsv")
    threads: res("interpret_lod")["threads"]
    resources:
        mem_mb=res("interpret_lod")["mem_mb"],
        runtime=res("interpret_lod")["runtime"],
    message:
        "interpret_lod: limits of detection at the KB biomarker sites for {wildcards.unit}"
    run:
        run_script(rule, input, output, params, wildcards, log)
