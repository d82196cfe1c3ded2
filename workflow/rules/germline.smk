# Germline small variants of the normal (of a tumour/normal patient, or of a germline-only
# patient): bcftools mpileup + call -m per panel shard, gathered, alleles split and
# left-aligned, FILTER set (presis/calling/germline.py documents the filters), then consequences and
# the tidy table as for the somatic calls. bcftools was measured against freebayes on the
# NA12878 benchmark (tests/test_germline_accuracy.py) and called indels better.


rule germline_bcftools:
    input:
        bam=lambda wildcards: sample_bam(wildcards.patient, "normal"),
        bai=lambda wildcards: sample_bam(wildcards.patient, "normal") + ".bai",
        ref=REF_FASTA,
        shard=out("results/reference/shards/shard{shard}.bed"),
    output:
        temp(out("results/{patient}/calls/shards/{patient}.{shard}.germline.bcf")),
    params:
        mapq=config["germline"]["min_mapq"],
        baseq=config["germline"]["min_baseq"],
        indel_bias=config["germline"]["indel_bias"],
    log:
        out("logs/{patient}/germline_bcftools/{patient}.{shard}.log"),
    benchmark:
        out("benchmarks/{patient}/germline_bcftools/{patient}.{shard}.tsv")
    # As the somatic shards: both become ready with the last BAM and then fill the cores together,
    # instead of single germline shards trickling in beside stats, coverage and CNVkit.
    priority: PRIORITY_CALLING
    threads: res("germline_bcftools")["threads"]
    resources:
        mem_mb=res("germline_bcftools")["mem_mb"],
        runtime=res("germline_bcftools")["runtime"],
    conda:
        "../../envs/bcftools.yaml"
    message:
        "germline_bcftools: germline calls of {wildcards.patient} in shard {wildcards.shard}"
    shell:
        # -d/-L: no depth cap below panel depths (bcftools' 250 would subsample); call -m -v:
        # variant sites only, with GQ; alleles split and left-aligned like the somatic calls.
        """
        bcftools mpileup -f {input.ref:q} -R {input.shard:q} -a FORMAT/AD,FORMAT/DP -d 10000 -L 10000 \
            -q {params.mapq} -Q {params.baseq} --indel-bias {params.indel_bias} -Ou {input.bam:q} 2> {log:q} \
          | bcftools call -m -v -a GQ -Ou 2>> {log:q} \
          | bcftools norm -m-any -f {input.ref:q} -Ob -o {output:q} 2>> {log:q}
        """


rule germline_gather:
    input:
        expand(out("results/{{patient}}/calls/shards/{{patient}}.{shard}.germline.bcf"), shard=SHARDS),
    output:
        vcf=out("results/{patient}/calls/{patient}.germline.vcf.gz"),
        tbi=out("results/{patient}/calls/{patient}.germline.vcf.gz.tbi"),
    params:
        min_qual=config["germline"]["min_qual"],
        min_depth=config["germline"]["min_depth"],
    log:
        out("logs/{patient}/germline_gather/{patient}.log"),
    benchmark:
        out("benchmarks/{patient}/germline_gather/{patient}.tsv")
    threads: res("germline_gather")["threads"]
    resources:
        mem_mb=res("germline_gather")["mem_mb"],
        runtime=res("germline_gather")["runtime"],
    conda:
        "../../envs/bcftools.yaml"
    message:
        "germline_gather: concatenate and filter the germline calls of {wildcards.patient}"
    shell:
        # Every call stays; FILTER is PASS or names each failed limit (-m+ adds to the first).
        """
        bcftools concat -Ou {input:q} 2> {log:q} \
          | bcftools sort -T {resources.tmpdir:q} -Ou 2>> {log:q} \
          | bcftools filter -s low_qual -e 'QUAL<{params.min_qual}' -Ou 2>> {log:q} \
          | bcftools filter -m+ -s low_depth -e 'FMT/DP<{params.min_depth}' -Oz -o {output.vcf:q} 2>> {log:q}
        bcftools index -t {output.vcf:q} 2>> {log:q}
        """


rule germline_csq:
    input:
        vcf=out("results/{patient}/calls/{patient}.germline.vcf.gz"),
        ref=REF_FASTA,
        gff3=PANEL_GFF3,
    output:
        out("results/{patient}/annotate/{patient}.germline.csq.bcf"),
    log:
        out("logs/{patient}/germline_csq/{patient}.log"),
    benchmark:
        out("benchmarks/{patient}/germline_csq/{patient}.tsv")
    threads: res("germline_csq")["threads"]
    resources:
        mem_mb=res("germline_csq")["mem_mb"],
        runtime=res("germline_csq")["runtime"],
    conda:
        "../../envs/bcftools.yaml"
    message:
        "germline_csq: consequences of the germline calls of {wildcards.patient}"
    shell:
        # -l -s -: each record alone, as annotate_csq does, so both tables describe a variant alike.
        "bcftools csq -l -s - -f {input.ref:q} -g {input.gff3:q} -Ob -o {output:q} {input.vcf:q} 2> {log:q}"


rule germline_table:
    input:
        vcf=out("results/{patient}/annotate/{patient}.germline.csq.bcf"),
        ref=REF_FASTA,
        gff3=PANEL_GFF3,
        panel=PANEL_BED,
    output:
        out("results/{patient}/annotate/{patient}.germline.tsv"),
    params:
        contigs=REFERENCE.get("contigs"),
        mane=REFERENCE.get("mane"),
    log:
        out("logs/{patient}/germline_table/{patient}.log"),
    benchmark:
        out("benchmarks/{patient}/germline_table/{patient}.tsv")
    threads: res("germline_table")["threads"]
    resources:
        mem_mb=res("germline_table")["mem_mb"],
        runtime=res("germline_table")["runtime"],
    message:
        "germline_table: HGVS and genotype table of the germline calls of {wildcards.patient}"
    run:
        run_script(rule, input, output, params, wildcards, log)
