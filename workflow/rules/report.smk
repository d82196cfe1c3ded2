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
            out("results/{patient}/report/{unit}.report.html"),
            caption="../report/patient_report.rst",
            category="Patient reports",
            subcategory="{patient}",
            labels={"patient": "{patient}", "analysis": "{unit}", "file": "tumour report (HTML)"},
        ),
        json=report(
            out("results/{patient}/report/{unit}.report.json"),
            caption="../report/report_json.rst",
            category="Patient reports",
            subcategory="{patient}",
            labels={"patient": "{patient}", "analysis": "{unit}", "file": "tumour report (JSON)"},
        ),
        tsv=report(
            out("results/{patient}/report/{unit}.report.tsv"),
            caption="../report/report_json.rst",
            category="Patient reports",
            subcategory="{patient}",
            labels={"patient": "{patient}", "analysis": "{unit}", "file": "tumour report (TSV)"},
        ),
    params:
        samples=lambda wildcards: unit_samples(wildcards),
        fastp=lambda wildcards: fastp_jsons(wildcards.patient, unit_samples(wildcards)),
        info=lambda wildcards: unit_info(wildcards),
        # None for a patient with tumour RNA alone (report_build.py then builds the RNA-only report).
        tumour=lambda wildcards: samplesheet.unit_tumour(SHEET, wildcards.patient, wildcards.unit),
        normal=lambda wildcards: samplesheet.normal_sample(SHEET, wildcards.patient),
        # The patient's other tumour samples, each analysed separately (named in the header).
        other_tumours=lambda wildcards: other_tumours(wildcards),
        other_tumours_identity=lambda wildcards: other_tumours_identity(wildcards),
    log:
        out("logs/{patient}/report_build/{unit}.log"),
    benchmark:
        out("benchmarks/{patient}/report_build/{unit}.tsv")
    threads: res("report_build")["threads"]
    resources:
        mem_mb=res("report_build")["mem_mb"],
        runtime=res("report_build")["runtime"],
    message:
        "report_build: tumour report for {wildcards.unit}"
    run:
        run_script(rule, input, output, params, wildcards, log)


rule report_rna_tsv:
    input:
        unpack(lambda wildcards: rna_result(wildcards.patient, wildcards.unit)),
    output:
        tsv=report(
            out("results/{patient}/report/{unit}.report.rna.tsv"),
            caption="../report/report_rna_tsv.rst",
            category="Patient reports",
            subcategory="{patient}",
            labels={"patient": "{patient}", "analysis": "{unit}", "file": "RNA events (TSV)"},
        ),
    log:
        out("logs/{patient}/report_rna_tsv/{unit}.log"),
    benchmark:
        out("benchmarks/{patient}/report_rna_tsv/{unit}.tsv")
    threads: res("report_rna_tsv")["threads"]
    resources:
        mem_mb=res("report_rna_tsv")["mem_mb"],
        runtime=res("report_rna_tsv")["runtime"],
    message:
        "report_rna_tsv: RNA events table for {wildcards.unit}"
    run:
        run_script(rule, input, output, params, wildcards, log)
