# The patient's contribution to the national pseudonymised variant database (presis.vardb):
# written at the end of the run, for the hospital to read before sending it. It waits for the
# identity check, so a patient whose run stopped (a tumour/normal identity mismatch) contributes
# nothing. The secret is read by the script from the environment or the secrets file, never
# passed through the config or params.


rule vardb_contribution:
    input:
        unpack(vardb_inputs),
    output:
        out("results/{patient}/vardb/{patient}.contribution.json"),
    params:
        contigs=REFERENCE.get("contigs"),
        build=config["reference"]["build"],
        level=config["level"],
        tumour_type=lambda wildcards: samplesheet.patient_info(SHEET, wildcards.patient)["tumour_type"],
        secret_env=config["vardb"]["secret_env"],
        secret_file=config["vardb"]["secret_file"],
    log:
        out("logs/{patient}/vardb_contribution/{patient}.log"),
    benchmark:
        out("benchmarks/{patient}/vardb_contribution/{patient}.tsv")
    threads: res("vardb_contribution")["threads"]
    resources:
        mem_mb=res("vardb_contribution")["mem_mb"],
        runtime=res("vardb_contribution")["runtime"],
    message:
        "vardb_contribution: national variant database contribution of {wildcards.patient}"
    run:
        run_script(rule, input, output, params, wildcards, log)
