# Copy number with CNVkit (config copy_number:, cnv_reference:; docs/copy-number.md): bins of the
# panel once per reference, coverage per sample, a reference (pooled normals > matched normal >
# flat, loudly flagged), the tumour's log2 ratios and segments, then gene calls with tiers.
# Steps on CNVkit's small tables run in the Snakemake process (run_script): cnvlib is imported
# once (~4 s) instead of once per job. cnv_coverage reads BAMs: a job of its own; so is
# cnv_reference_build (not a local rule: it reads the normals' BAMs, so a cluster runs it as a job).


CNV_BINS = {
    "targets": out("results/reference/cnv.targets.bed"),
    "antitargets": out("results/reference/cnv.antitargets.bed"),
}


# The accessible genome (between runs of N, CNV_ACCESS) is a scan of the whole FASTA: once per
# reference, in the reference cache, defined only while missing there (as in rules/reference.smk).
if not PREPARED.cnv_access_ready():

    rule reference_cache_cnv_access:
        input:
            fasta=ancient(PLAIN_FASTA),
            fai=ancient(PLAIN_FAI),
        output:
            bed=update(CNV_ACCESS),
            manifest=update(str(PREPARED.cnv_access_dir / reference_cache.MANIFEST)),
        log:
            out("logs/reference/reference_cache_cnv_access.log"),
        benchmark:
            out("benchmarks/reference/reference_cache_cnv_access.tsv")
        threads: res("reference_cache_cnv_access")["threads"]
        resources:
            mem_mb=res("reference_cache_cnv_access")["mem_mb"],
            runtime=res("reference_cache_cnv_access")["runtime"],
        message:
            "reference_cache_cnv_access: the genome's accessible regions for CNVkit, once, into the reference cache ({output.manifest})"
        run:
            run_script(rule, input, output, params, wildcards, log)


rule cnv_bins:
    input:
        panel=PANEL_BED,
        access=CNV_ACCESS,
    output:
        **CNV_BINS,
    params:
        settings=config["copy_number"],
    log:
        out("logs/reference/cnv_bins.log"),
    benchmark:
        out("benchmarks/reference/cnv_bins.tsv")
    threads: res("cnv_bins")["threads"]
    resources:
        mem_mb=res("cnv_bins")["mem_mb"],
        runtime=res("cnv_bins")["runtime"],
    message:
        "cnv_bins: CNVkit on- and off-target bins of the panel"
    run:
        run_script(rule, input, output, params, wildcards, log)


rule cnv_coverage:
    input:
        **CNV_BINS,
        bam=out("results/{patient}/align/{sample}.bam"),
        bai=out("results/{patient}/align/{sample}.bam.bai"),
    output:
        targets=out("results/{patient}/cnv/{sample}.targetcoverage.cnn"),
        antitargets=out("results/{patient}/cnv/{sample}.antitargetcoverage.cnn"),
    params:
        min_mapq=config["copy_number"]["min_mapq"],
    log:
        out("logs/{patient}/cnv_coverage/{sample}.log"),
    benchmark:
        out("benchmarks/{patient}/cnv_coverage/{sample}.tsv")
    # The report waits for copy number as for the calls: right after the calling jobs, ahead of
    # stats and coverage (at the default priority the tumour's ran last, after calling, the
    # longest step left on the way to the report of the 1-Mb panel benchmark).
    priority: PRIORITY_CNV_COVERAGE
    threads: res("cnv_coverage")["threads"]
    resources:
        mem_mb=res("cnv_coverage")["mem_mb"],
        runtime=res("cnv_coverage")["runtime"],
    conda:
        "../../envs/python.yaml"
    message:
        "cnv_coverage: CNVkit read depth per bin of {wildcards.sample}"
    script:
        "../scripts/cnv_coverage.py"


rule cnv_reference_build:
    input:
        **CNV_BINS,
        bams=config["cnv_reference"]["bams"],
        ref=PLAIN_FASTA,
        fai=PLAIN_FAI,
    output:
        cnn=out("results/cnv_reference/reference.cnn"),
    params:
        kind="normals",
        min_mapq=config["copy_number"]["min_mapq"],
        gc_correction=config["copy_number"]["gc_correction"],
    log:
        out("logs/cnv_reference/cnv_reference_build.log"),
    benchmark:
        out("benchmarks/cnv_reference/cnv_reference_build.tsv")
    threads: res("cnv_reference_build")["threads"]
    resources:
        mem_mb=res("cnv_reference_build")["mem_mb"],
        runtime=res("cnv_reference_build")["runtime"],
    message:
        "cnv_reference_build: CNVkit reference of {params.kind}"
    run:
        run_script(rule, input, output, params, wildcards, log)


use rule cnv_reference_build as cnv_reference_matched with:
    input:
        **CNV_BINS,
        normal_targets=lambda wildcards: out(
            f"results/{wildcards.patient}/cnv/{sample_of(wildcards.patient, 'normal')}.targetcoverage.cnn"
        ),
        normal_antitargets=lambda wildcards: out(
            f"results/{wildcards.patient}/cnv/{sample_of(wildcards.patient, 'normal')}.antitargetcoverage.cnn"
        ),
        ref=PLAIN_FASTA,
        fai=PLAIN_FAI,
    output:
        cnn=out("results/{patient}/cnv/{patient}.reference.cnn"),
    params:
        kind="matched_normal",
        min_mapq=config["copy_number"]["min_mapq"],
        gc_correction=config["copy_number"]["gc_correction"],
    log:
        out("logs/{patient}/cnv_reference_matched/{patient}.log"),
    benchmark:
        out("benchmarks/{patient}/cnv_reference_matched/{patient}.tsv")
    message:
        "cnv_reference_matched: CNVkit reference from the matched normal of {wildcards.patient}"


use rule cnv_reference_build as cnv_reference_flat with:
    input:
        **CNV_BINS,
        ref=PLAIN_FASTA,
        fai=PLAIN_FAI,
    output:
        cnn=out("results/cnv_reference/flat_reference.cnn"),
    params:
        kind="flat",
        min_mapq=config["copy_number"]["min_mapq"],
        gc_correction=config["copy_number"]["gc_correction"],
    log:
        out("logs/cnv_reference/cnv_reference_flat.log"),
    benchmark:
        out("benchmarks/cnv_reference/cnv_reference_flat.tsv")
    message:
        "cnv_reference_flat: FLAT CNVkit reference (no normal of this panel)"


rule cnv_fix_segment:
    input:
        targets=lambda wildcards: out(f"results/{wildcards.patient}/cnv/{unit_tumour(wildcards)}.targetcoverage.cnn"),
        antitargets=lambda wildcards: out(
            f"results/{wildcards.patient}/cnv/{unit_tumour(wildcards)}.antitargetcoverage.cnn"
        ),
        reference=lambda wildcards: cnv_reference_choice(wildcards.patient)[1],
    output:
        cnr=out("results/{patient}/cnv/{unit}.cnr"),
        cns=out("results/{patient}/cnv/{unit}.cns"),
    params:
        method=config["copy_number"]["segment_method"],
        gc_correction=config["copy_number"]["gc_correction"],
        # a flat reference carries no edge effect: the correction then always runs
        edge_correction=lambda wildcards: config["copy_number"]["edge_correction"]
        or cnv_reference_choice(wildcards.patient)[0] == "flat",
    log:
        out("logs/{patient}/cnv_fix_segment/{unit}.log"),
    benchmark:
        out("benchmarks/{patient}/cnv_fix_segment/{unit}.tsv")
    threads: res("cnv_fix_segment")["threads"]
    resources:
        mem_mb=res("cnv_fix_segment")["mem_mb"],
        runtime=res("cnv_fix_segment")["runtime"],
    message:
        "cnv_fix_segment: CNVkit log2 ratios and segments of {wildcards.unit}"
    run:
        run_script(rule, input, output, params, wildcards, log)


rule cnv_genes:
    input:
        **{name: KB_INPUTS[name] for name in ("biomarkers", "oncotree", "gene_roles", "kb_schema")},
        cnr=out("results/{patient}/cnv/{unit}.cnr"),
        panel=PANEL_BED,
        somatic=out("results/{patient}/filter/{unit}.variants.tsv"),
    output:
        json=out("results/{patient}/cnv/{unit}.cnv.json"),
        tsv=out("results/{patient}/cnv/{unit}.copy_number.tsv"),
    params:
        settings=config["copy_number"],
        contigs=REFERENCE.get("contigs"),
        info=lambda wildcards: unit_info(wildcards),
        reference_kind=lambda wildcards: cnv_reference_choice(wildcards.patient)[0],
        reference_normals=lambda wildcards: cnv_reference_choice(wildcards.patient)[2],
    log:
        out("logs/{patient}/cnv_genes/{unit}.log"),
    benchmark:
        out("benchmarks/{patient}/cnv_genes/{unit}.tsv")
    threads: res("cnv_genes")["threads"]
    resources:
        mem_mb=res("cnv_genes")["mem_mb"],
        runtime=res("cnv_genes")["runtime"],
    message:
        "cnv_genes: gene-level copy-number calls of {wildcards.unit}"
    run:
        run_script(rule, input, output, params, wildcards, log)
