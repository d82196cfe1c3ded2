# Alignment: bwa mem per lane (fixed -K, so the result does not depend on threads),
# then lanes merged, duplicates marked, indexed, and summarised by samtools stats.


rule align_bwa:
    input:
        r1=out("results/{patient}/qc/{sample}.{lane}.trimmed_R1.fastq.gz"),
        r2=out("results/{patient}/qc/{sample}.{lane}.trimmed_R2.fastq.gz"),
        ref=REF_FASTA,
        index=BWA_INDEX,
    output:
        temp(out("results/{patient}/align/{sample}.{lane}.sorted.bam")),
    params:
        rg=read_group,
        batch=config["align"]["batch_bases"],
        # the prefix bwa index wrote (the site's own index, or the prepared reference's)
        index=lambda wildcards, input: os.path.splitext(input.index[0])[0],
    log:
        out("logs/{patient}/align_bwa/{sample}.{lane}.log"),
    benchmark:
        out("benchmarks/{patient}/align_bwa/{sample}.{lane}.tsv")
    priority: PRIORITY_ROAD
    threads: res("align_bwa")["threads"]
    resources:
        mem_mb=res("align_bwa")["mem_mb"],
        runtime=res("align_bwa")["runtime"],
    conda:
        "../../envs/align.yaml"
    message:
        "align_bwa: bwa mem {wildcards.sample} lane {wildcards.lane}"
    shell:
        """
        bwa mem -t {threads} -K {params.batch} -R '{params.rg}' {params.index:q} {input.r1:q} {input.r2:q} 2> {log:q} \
          | samtools fixmate -m - - 2>> {log:q} \
          | samtools sort -T {output:q}.tmp -o {output:q} - 2>> {log:q}
        """


rule align_markdup:
    input:
        lane_bams,
    output:
        bam=out("results/{patient}/align/{sample}.bam"),
        bai=out("results/{patient}/align/{sample}.bam.bai"),
    params:
        lanes=lambda wildcards, input: len(input),
    log:
        out("logs/{patient}/align_markdup/{sample}.log"),
    benchmark:
        out("benchmarks/{patient}/align_markdup/{sample}.tsv")
    priority: PRIORITY_MARKDUP
    threads: res("align_markdup")["threads"]
    resources:
        mem_mb=res("align_markdup")["mem_mb"],
        runtime=res("align_markdup")["runtime"],
    conda:
        "../../envs/align.yaml"
    message:
        "align_markdup: merge lanes and mark duplicates of {wildcards.sample}"
    shell:
        # One lane (the common case) needs no merge: that would be a whole extra pass over the
        # BAM; several lanes are merged uncompressed straight into markdup.
        """
        if [ {params.lanes} -eq 1 ]; then
          samtools markdup -T {output.bam:q}.tmp {input:q} {output.bam:q} 2> {log:q}
        else
          samtools merge -u -f -o - {input:q} 2> {log:q} \
            | samtools markdup -T {output.bam:q}.tmp - {output.bam:q} 2>> {log:q}
        fi
        samtools index {output.bam:q} 2>> {log:q}
        """


rule align_stats:
    input:
        bam=out("results/{patient}/align/{sample}.bam"),
        ref=REF_FASTA,
    output:
        out("results/{patient}/qc/{sample}.samtools_stats.txt"),
    log:
        out("logs/{patient}/align_stats/{sample}.log"),
    benchmark:
        out("benchmarks/{patient}/align_stats/{sample}.tsv")
    threads: res("align_stats")["threads"]
    resources:
        mem_mb=res("align_stats")["mem_mb"],
        runtime=res("align_stats")["runtime"],
    conda:
        "../../envs/align.yaml"
    message:
        "align_stats: samtools stats {wildcards.sample}"
    shell:
        "samtools stats --reference {input.ref:q} {input.bam:q} > {output:q} 2> {log:q}"
