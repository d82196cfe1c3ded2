# A panel from a gene list (panel: genes: FILE, no bed:): CDS ± panel.padding of each
# gene's reporting transcript. Genes the reference lacks are a warning, not an error.


rule panel_from_genes:
    input:
        genes=config["panel"].get("genes") or [],
        gff3=str(PREPARED.annotation_gff3),
        tbi=str(PREPARED.annotation_tbi),
        genes_table=str(PREPARED.genes),
        fai=REF_FAI,
    output:
        bed=out("results/reference/panel.bed"),
        missing=out("results/reference/panel.missing_genes.txt"),
    params:
        padding=config["panel"]["padding"],
    log:
        out("logs/reference/panel_from_genes.log"),
    benchmark:
        out("benchmarks/reference/panel_from_genes.tsv")
    threads: res("panel_from_genes")["threads"]
    resources:
        mem_mb=res("panel_from_genes")["mem_mb"],
        runtime=res("panel_from_genes")["runtime"],
    conda:
        "../../envs/python.yaml"
    message:
        "panel_from_genes: build the panel BED from {input.genes}"
    script:
        "../scripts/panel_from_genes.py"
