# FASTQ QC and adapter/quality trimming. fastp accepts a truncated gzip silently, so
# every FASTQ is tested end to end first and a damaged file stops here, by name.


rule qc_fastp:
    input:
        unpack(fastq_pair),
    output:
        r1=temp(out("results/{patient}/qc/{sample}.{lane}.trimmed_R1.fastq.gz")),
        r2=temp(out("results/{patient}/qc/{sample}.{lane}.trimmed_R2.fastq.gz")),
        json=out("results/{patient}/qc/{sample}.{lane}.fastp.json"),
        html=report(
            out("results/{patient}/qc/{sample}.{lane}.fastp.html"),
            caption="../report/fastp.rst",
            category="QC",
            subcategory="fastp",
            labels={"sample": "{sample}", "lane": "{lane}"},
        ),
    log:
        out("logs/{patient}/qc_fastp/{sample}.{lane}.log"),
    benchmark:
        out("benchmarks/{patient}/qc_fastp/{sample}.{lane}.tsv")
    priority: PRIORITY_ROAD
    threads: res("qc_fastp")["threads"]
    resources:
        mem_mb=res("qc_fastp")["mem_mb"],
        runtime=res("qc_fastp")["runtime"],
    conda:
        "../../envs/qc.yaml"
    message:
        "qc_fastp: check and trim {wildcards.sample} lane {wildcards.lane}"
    shell:
        """
        for f in {input.r1:q} {input.r2:q}; do
          if ! gzip -t "$f" 2>> {log:q}; then
            echo "presis: FASTQ $f is truncated or corrupt (gzip -t failed)." \
                 "Copy it again from the sequencer output and re-run." | tee -a {log:q} >&2
            exit 1
          fi
        done
        fastp -i {input.r1:q} -I {input.r2:q} -o {output.r1:q} -O {output.r2:q} \
          -j {output.json:q} -h {output.html:q} -w {threads} 2>> {log:q}
        """
