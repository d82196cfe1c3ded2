# Panel and reporting filters: each adds a named reason to the table; none drops a row.


rule filter_panel:
    input:
        table=out("results/{patient}/annotate/{unit}.variants.tsv"),
        panel=PANEL_BED,
    output:
        out("results/{patient}/filter/{unit}.variants.tsv"),
    params:
        report=config["report"],
    log:
        out("logs/{patient}/filter_panel/{unit}.log"),
    benchmark:
        out("benchmarks/{patient}/filter_panel/{unit}.tsv")
    threads: res("filter_panel")["threads"]
    resources:
        mem_mb=res("filter_panel")["mem_mb"],
        runtime=res("filter_panel")["runtime"],
    message:
        "filter_panel: panel and reporting filters for {wildcards.unit}"
    run:
        run_script(rule, input, output, params, wildcards, log)
