# Annotation: bcftools csq on each record alone (-l: a nearby variant never changes
# another's consequence), then one tidy table with presis' HGVS on the reporting transcript.


rule annotate_csq:
    input:
        vcf=out("results/{patient}/calls/{unit}.somatic.vcf.gz"),
        ref=REF_FASTA,
        gff3=REFERENCE["gff3"],
    output:
        out("results/{patient}/annotate/{unit}.csq.bcf"),
    log:
        out("logs/{patient}/annotate_csq/{unit}.log"),
    benchmark:
        out("benchmarks/{patient}/annotate_csq/{unit}.tsv")
    threads: res("annotate_csq")["threads"]
    resources:
        mem_mb=res("annotate_csq")["mem_mb"],
        runtime=res("annotate_csq")["runtime"],
    conda:
        "../../envs/bcftools.yaml"
    message:
        "annotate_csq: consequences for {wildcards.unit}"
    shell:
        "bcftools csq -l -s - -f {input.ref:q} -g {input.gff3:q} -Ob -o {output:q} {input.vcf:q} 2> {log:q}"


rule annotate_table:
    input:
        vcf=out("results/{patient}/annotate/{unit}.csq.bcf"),
        ref=REF_FASTA,
        gff3=REFERENCE["gff3"],
        panel=PANEL_BED,
    output:
        out("results/{patient}/annotate/{unit}.variants.tsv"),
    params:
        contigs=REFERENCE.get("contigs"),
        mane=REFERENCE.get("mane"),
    log:
        out("logs/{patient}/annotate_table/{unit}.log"),
    benchmark:
        out("benchmarks/{patient}/annotate_table/{unit}.tsv")
    threads: res("annotate_table")["threads"]
    resources:
        mem_mb=res("annotate_table")["mem_mb"],
        runtime=res("annotate_table")["runtime"],
    message:
        "annotate_table: HGVS and evidence table for {wildcards.unit}"
    run:
        run_script(rule, input, output, params, wildcards, log)
