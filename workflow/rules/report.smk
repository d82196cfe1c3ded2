# Provenance (tool versions, effective config) and the tumour report: HTML, JSON, TSV.


rule provenance_versions:
    output:
        report(
            out("results/provenance/tool_versions.json"),
            caption="../report/tool_versions.rst",
            category="Provenance",
            labels={"file": "tool versions"},
        ),
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
        report(
            out("results/provenance/effective_config.yaml"),
            caption="../report/effective_config.rst",
            category="Provenance",
            labels={"file": "effective configuration"},
        ),
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
    output:
        html=report(
            out("results/{patient}/report/{patient}.report.html"),
            caption="../report/patient_report.rst",
            category="Patient reports",
            subcategory="{patient}",
            labels={"patient": "{patient}", "file": "tumour report (HTML)"},
        ),
        json=report(
            out("results/{patient}/report/{patient}.report.json"),
            caption="../report/report_json.rst",
            category="Patient reports",
            subcategory="{patient}",
            labels={"patient": "{patient}", "file": "tumour report (JSON)"},
        ),
        tsv=report(
            out("results/{patient}/report/{patient}.report.tsv"),
            caption="../report/report_json.rst",
            category="Patient reports",
            subcategory="{patient}",
            labels={"patient": "{patient}", "file": "tumour report (TSV)"},
        ),
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
        run_script(rule, input, output, params, wildcards, log)


rule report_rna_tsv:
    input:
        unpack(lambda wildcards: rna_result(wildcards.patient)),
    output:
        tsv=report(
            out("results/{patient}/report/{patient}.report.rna.tsv"),
            caption="../report/report_rna_tsv.rst",
            category="Patient reports",
            subcategory="{patient}",
            labels={"patient": "{patient}", "file": "RNA events (TSV)"},
        ),
    log:
        out("logs/{patient}/report_rna_tsv/{patient}.log"),
    benchmark:
        out("benchmarks/{patient}/report_rna_tsv/{patient}.tsv")
    threads: res("report_rna_tsv")["threads"]
    resources:
        mem_mb=res("report_rna_tsv")["mem_mb"],
        runtime=res("report_rna_tsv")["runtime"],
    message:
        "report_rna_tsv: RNA events table for {wildcards.patient}"
    run:
        run_script(rule, input, output, params, wildcards, log)
