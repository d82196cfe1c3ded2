# Tumour RNA (sample-sheet rows of type rna): STAR with chimeric detection, duplicates marked,
# fusions, exon skipping and RNA QC (presis.rna; docs/rna.md).


if not PREPARED.star_ready(STAR_SETTINGS):

    rule rna_star_index:
        input:
            fasta=ancient(PLAIN_FASTA),
            fai=ancient(PLAIN_FAI),
            gff3=ancient(REFERENCE["gff3"]),
        output:
            # update(): another run may complete the index meanwhile (built under a lock, renamed into place)
            manifest=update(STAR_MANIFEST),
        params:
            settings=STAR_SETTINGS,
            threads=res("rna_star_index")["threads"],
        log:
            out("logs/reference/rna_star_index.log"),
        benchmark:
            out("benchmarks/reference/rna_star_index.tsv")
        priority: PRIORITY_ROAD
        threads: res("rna_star_index")["threads"]
        resources:
            mem_mb=res("rna_star_index")["mem_mb"],
            runtime=res("rna_star_index")["runtime"],
        message:
            "rna_star_index: STAR index with annotated splice junctions, once, into the reference cache ({output.manifest})"
        run:
            run_script(rule, input, output, params, wildcards, log)


rule rna_star_align:
    input:
        index=STAR_MANIFEST,
        r1=lambda wildcards: rna_trimmed(wildcards, "R1"),
        r2=lambda wildcards: rna_trimmed(wildcards, "R2"),
    output:
        bam=temp(out("results/{patient}/rna/{sample}.star.bam")),
        chimeric=out("results/{patient}/rna/{sample}.Chimeric.out.junction"),
        junctions=out("results/{patient}/rna/{sample}.SJ.out.tab"),
        star_log=out("results/{patient}/rna/{sample}.Log.final.out"),
    params:
        index=lambda wildcards, input: os.path.dirname(input.index),
        prefix=lambda wildcards: out(f"results/{wildcards.patient}/rna/{wildcards.sample}.star/"),
        options=" ".join(ARRIBA_STAR_OPTIONS),
        r1=lambda wildcards, input: ",".join(input.r1),
        r2=lambda wildcards, input: ",".join(input.r2),
    log:
        out("logs/{patient}/rna_star_align/{sample}.log"),
    benchmark:
        out("benchmarks/{patient}/rna_star_align/{sample}.tsv")
    priority: PRIORITY_ROAD
    threads: res("rna_star_align")["threads"]
    resources:
        mem_mb=res("rna_star_align")["mem_mb"],
        runtime=res("rna_star_align")["runtime"],
    conda:
        "../../envs/rna.yaml"
    message:
        "rna_star_align: STAR (chimeric detection on) for {wildcards.sample}"
    shell:
        """
        rm -rf {params.prefix:q} && mkdir -p {params.prefix:q}
        STAR --runThreadN {threads} --genomeDir {params.index:q} --genomeLoad NoSharedMemory \
          --readFilesIn {params.r1:q} {params.r2:q} --readFilesCommand zcat \
          --outFileNamePrefix {params.prefix:q} --outSAMtype BAM Unsorted --outSAMunmapped Within \
          --outSAMattributes NH HI AS nM NM --outSAMattrRGline ID:{wildcards.sample} SM:{wildcards.sample} \
          {params.options} > {log:q} 2>&1
        mv {params.prefix:q}Aligned.out.bam {output.bam:q}
        mv {params.prefix:q}Chimeric.out.junction {output.chimeric:q}
        mv {params.prefix:q}SJ.out.tab {output.junctions:q}
        mv {params.prefix:q}Log.final.out {output.star_log:q}
        cat {params.prefix:q}Log.out >> {log:q}
        rm -rf {params.prefix:q}
        """


rule rna_markdup:
    input:
        out("results/{patient}/rna/{sample}.star.bam"),
    output:
        bam=out("results/{patient}/rna/{sample}.bam"),
        bai=out("results/{patient}/rna/{sample}.bam.bai"),
        flagstat=out("results/{patient}/rna/{sample}.flagstat.json"),
    log:
        out("logs/{patient}/rna_markdup/{sample}.log"),
    benchmark:
        out("benchmarks/{patient}/rna_markdup/{sample}.tsv")
    threads: res("rna_markdup")["threads"]
    resources:
        mem_mb=res("rna_markdup")["mem_mb"],
        runtime=res("rna_markdup")["runtime"],
    conda:
        "../../envs/rna.yaml"
    message:
        "rna_markdup: sort and mark duplicates of {wildcards.sample}"
    shell:
        """
        samtools sort -n -T {output.bam:q}.tmpn -o - {input:q} 2> {log:q} \
          | samtools fixmate -m - - 2>> {log:q} \
          | samtools sort -T {output.bam:q}.tmp -o - - 2>> {log:q} \
          | samtools markdup -T {output.bam:q}.tmpd - {output.bam:q} 2>> {log:q}
        samtools index {output.bam:q} 2>> {log:q}
        samtools flagstat -O json {output.bam:q} > {output.flagstat:q} 2>> {log:q}
        """


rule rna_events:
    input:
        unpack(lambda wildcards: KB_INPUTS),
        chimeric=out("results/{patient}/rna/{sample}.Chimeric.out.junction"),
        junctions=out("results/{patient}/rna/{sample}.SJ.out.tab"),
        star_log=out("results/{patient}/rna/{sample}.Log.final.out"),
        bam=out("results/{patient}/rna/{sample}.bam"),
        flagstat=out("results/{patient}/rna/{sample}.flagstat.json"),
        gff3=REFERENCE["gff3"],
        panel=PANEL_BED,
    output:
        json=out("results/{patient}/rna/{sample}.rna.json"),
        tsv=out("results/{patient}/rna/{sample}.rna_events.tsv"),
    params:
        settings=config["rna"],
        sample=lambda wildcards: wildcards.sample,
        contigs=REFERENCE.get("contigs"),
        tumour_type=lambda wildcards: samplesheet.patient_info(SHEET, wildcards.patient)["tumour_type"],
    log:
        out("logs/{patient}/rna_events/{sample}.log"),
    benchmark:
        out("benchmarks/{patient}/rna_events/{sample}.tsv")
    threads: res("rna_events")["threads"]
    resources:
        mem_mb=res("rna_events")["mem_mb"],
        runtime=res("rna_events")["runtime"],
    message:
        "rna_events: fusions, exon skipping and RNA QC of {wildcards.sample}"
    run:
        run_script(rule, input, output, params, wildcards, log)
