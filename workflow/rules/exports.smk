# Exports of the finished report for other systems: a FHIR Bundle (HL7 Genomics Reporting IG)
# for the hospital record and a GDC MAF of the PASS somatic calls for cBioPortal.


rule exports_fhir:
    input:
        report=out("results/{patient}/report/{unit}.report.json"),
    output:
        report(
            out("results/{patient}/report/{unit}.fhir.json"),
            caption="../report/fhir.rst",
            category="Patient reports",
            subcategory="{patient}",
            labels={"patient": "{patient}", "analysis": "{unit}", "file": "FHIR Bundle"},
        ),
    params:
        build=config["reference"]["build"],
    log:
        out("logs/{patient}/exports_fhir/{unit}.log"),
    benchmark:
        out("benchmarks/{patient}/exports_fhir/{unit}.tsv")
    threads: res("exports_fhir")["threads"]
    resources:
        mem_mb=res("exports_fhir")["mem_mb"],
        runtime=res("exports_fhir")["runtime"],
    message:
        "exports_fhir: FHIR Bundle of the report of {wildcards.unit}"
    run:
        run_script(rule, input, output, params, wildcards, log)


rule exports_maf:
    input:
        # After the report, so the MAF never exists for a patient whose report was stopped.
        report=out("results/{patient}/report/{unit}.report.json"),
        table=out("results/{patient}/filter/{unit}.variants.tsv"),
        vcf=out("results/{patient}/calls/{unit}.somatic.vcf.gz"),
    output:
        report(
            out("results/{patient}/report/{unit}.maf"),
            caption="../report/maf.rst",
            category="Patient reports",
            subcategory="{patient}",
            labels={"patient": "{patient}", "analysis": "{unit}", "file": "MAF"},
        ),
    params:
        build=config["reference"]["build"],
        tumour=lambda wildcards: unit_tumour(wildcards),
        normal=lambda wildcards: samplesheet.normal_sample(SHEET, wildcards.patient),
    log:
        out("logs/{patient}/exports_maf/{unit}.log"),
    benchmark:
        out("benchmarks/{patient}/exports_maf/{unit}.tsv")
    threads: res("exports_maf")["threads"]
    resources:
        mem_mb=res("exports_maf")["mem_mb"],
        runtime=res("exports_maf")["runtime"],
    message:
        "exports_maf: MAF of the PASS somatic calls of {wildcards.unit}"
    run:
        run_script(rule, input, output, params, wildcards, log)
