# Coverage over the panel targets (per target; per gene is summed up in the report).


rule coverage_mosdepth:
    input:
        bam=out("results/{patient}/align/{sample}.bam"),
        bai=out("results/{patient}/align/{sample}.bam.bai"),
        panel=PANEL_BED,
    output:
        regions=out("results/{patient}/coverage/{sample}.regions.bed.gz"),
        thresholds=out("results/{patient}/coverage/{sample}.thresholds.bed.gz"),
        summary=out("results/{patient}/coverage/{sample}.mosdepth.summary.txt"),
    params:
        prefix=lambda wildcards, output: output.summary.removesuffix(".mosdepth.summary.txt"),
        thresholds=",".join(str(t) for t in config["qc"]["depth_thresholds"]),
        mapq=config["calling"]["min_mapq"],
    log:
        out("logs/{patient}/coverage_mosdepth/{sample}.log"),
    benchmark:
        out("benchmarks/{patient}/coverage_mosdepth/{sample}.tsv")
    threads: res("coverage_mosdepth")["threads"]
    resources:
        mem_mb=res("coverage_mosdepth")["mem_mb"],
        runtime=res("coverage_mosdepth")["runtime"],
    conda:
        "../../envs/coverage.yaml"
    message:
        "coverage_mosdepth: depth over the panel for {wildcards.sample}"
    shell:
        """
        mosdepth --no-per-base --by {input.panel:q} --thresholds {params.thresholds} \
          --mapq {params.mapq} -t {threads} {params.prefix:q} {input.bam:q} 2> {log:q}
        """
