# Run-level QC: MultiQC over every sample of the run (fastp, samtools stats, mosdepth, bcftools
# stats) with presis' own checks and patient results as custom content. MultiQC comes from the
# pinned Python environment (requirements.txt), run offline (config/multiqc_config.yaml).
rule qc_bcftools_stats:
    input:
        vcf=out("results/{patient}/calls/{unit}.{kind}.vcf.gz"),
    output:
        out("results/{patient}/qc/{unit}.{kind}.bcftools_stats.txt"),
    wildcard_constraints:
        kind="somatic|germline",
    log:
        out("logs/{patient}/qc_bcftools_stats/{unit}.{kind}.log"),
    benchmark:
        out("benchmarks/{patient}/qc_bcftools_stats/{unit}.{kind}.tsv")
    threads: res("qc_bcftools_stats")["threads"]
    resources:
        mem_mb=res("qc_bcftools_stats")["mem_mb"],
        runtime=res("qc_bcftools_stats")["runtime"],
    conda:
        "../../envs/bcftools.yaml"
    message:
        "qc_bcftools_stats: {wildcards.kind} calls of {wildcards.unit}"
    shell:
        "bcftools stats {input.vcf:q} > {output:q} 2> {log:q}"


rule qc_multiqc_presis:
    input:
        reports=multiqc_reports,
    output:
        checks=out("results/multiqc/presis/presis_qc_checks_mqc.json"),
        patients=out("results/multiqc/presis/presis_patients_mqc.json"),
    log:
        out("logs/multiqc/qc_multiqc_presis.log"),
    benchmark:
        out("benchmarks/multiqc/qc_multiqc_presis.tsv")
    threads: res("qc_multiqc_presis")["threads"]
    resources:
        mem_mb=res("qc_multiqc_presis")["mem_mb"],
        runtime=res("qc_multiqc_presis")["runtime"],
    message:
        "qc_multiqc_presis: presis metrics of the run as MultiQC custom content"
    run:
        run_script(rule, input, output, params, wildcards, log)


rule qc_multiqc:
    input:
        tools=multiqc_tool_files,
        presis=rules.qc_multiqc_presis.output,
        config=workflow.source_path("../../config/multiqc_config.yaml"),
    output:
        html=report(
            out("results/multiqc/multiqc_report.html"),
            caption="../report/multiqc.rst",
            category="QC",
            subcategory="run",
            labels={"file": "MultiQC run report"},
        ),
        json=out("results/multiqc/multiqc_data/multiqc_data.json"),
    params:
        multiqc=MULTIQC,
        outdir=lambda wildcards, output: os.path.dirname(output.html),
        dists=multiqc_mosdepth_dists(),
        files=lambda wildcards, output: out("results/multiqc/multiqc_files.txt"),
    log:
        out("logs/multiqc/qc_multiqc.log"),
    benchmark:
        out("benchmarks/multiqc/qc_multiqc.tsv")
    threads: res("qc_multiqc")["threads"]
    resources:
        mem_mb=res("qc_multiqc")["mem_mb"],
        runtime=res("qc_multiqc")["runtime"],
    conda:
        "../../envs/multiqc.yaml"
    message:
        "qc_multiqc: run-level QC report of every sample"
    shell:
        # An explicit file list: MultiQC reads exactly this run's files, never a stale one below results/.
        """
        printf '%s\\n' {input.tools:q} {input.presis:q} > {params.files:q}
        for f in {params.dists:q}; do [ -e "$f" ] && printf '%s\\n' "$f" >> {params.files:q}; done
        {params.multiqc:q} --config {input.config:q} --file-list {params.files:q} \
          --outdir {params.outdir:q} --force --no-ansi --no-version-check --no-megaqc-upload > {log:q} 2>&1
        """
