# Provenance (tool versions, effective config) and the tumour report: HTML, JSON, TSV.


rule provenance_versions:
    output:
        out("results/provenance/tool_versions.json"),
    params:
        repo=str(REPO),
    log:
        out("logs/provenance/provenance_versions.log"),
    benchmark:
        out("benchmarks/provenance/provenance_versions.tsv")
    threads: res("provenance_versions")["threads"]
    resources:
        mem_mb=res("provenance_versions")["mem_mb"],
        runtime=res("provenance_versions")["runtime"],
    conda:
        "../../envs/python.yaml"
    message:
        "provenance_versions: record tool versions and the presis commit"
    script:
        "../scripts/provenance_versions.py"


rule provenance_config:
    output:
        out("results/provenance/effective_config.yaml"),
    params:
        config=RECORDED_CONFIG,
    log:
        out("logs/provenance/provenance_config.log"),
    benchmark:
        out("benchmarks/provenance/provenance_config.tsv")
    threads: res("provenance_config")["threads"]
    resources:
        mem_mb=res("provenance_config")["mem_mb"],
        runtime=res("provenance_config")["runtime"],
    conda:
        "../../envs/python.yaml"
    message:
        "provenance_config: write the effective configuration"
    script:
        "../scripts/provenance_config.py"


rule report_build:
    input:
        unpack(report_inputs),
        schema=workflow.source_path("../../config/schemas/report.schema.json"),
        hotspots=config["kb"]["hotspots"],
    output:
        html=out("results/{patient}/report/{patient}.report.html"),
        json=out("results/{patient}/report/{patient}.report.json"),
        tsv=out("results/{patient}/report/{patient}.report.tsv"),
    params:
        samples=lambda wildcards: patient_samples(wildcards.patient),
        fastp=lambda wildcards: fastp_jsons(wildcards.patient),
        info=lambda wildcards: samplesheet.patient_info(SHEET, wildcards.patient),
        tumour=lambda wildcards: samplesheet.tumour_sample(SHEET, wildcards.patient),
        normal=lambda wildcards: samplesheet.normal_sample(SHEET, wildcards.patient),
    log:
        out("logs/{patient}/report_build/{patient}.log"),
    benchmark:
        out("benchmarks/{patient}/report_build/{patient}.tsv")
    threads: res("report_build")["threads"]
    resources:
        mem_mb=res("report_build")["mem_mb"],
        runtime=res("report_build")["runtime"],
    message:
        "report_build: tumour report for {wildcards.patient}"
    run:
        # A patient with tumour RNA only gets the RNA report (no DNA inputs exist for it).
        script = "report_build" if params.tumour else "report_build_rna"
        run_script(script, input, output, params, wildcards, log)
