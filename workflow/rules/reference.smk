# Reference preparation: a plain, indexed, checked copy of the FASTA, its bwa index,
# checksums of every reference input, and the panel split into calling shards.


rule reference_prepare:
    input:
        fasta=REFERENCE["fasta"],
        gff3=REFERENCE["gff3"],
        # a panel built from a gene list comes from this reference: only a given BED is checked
        panel=PANEL_BED if PANEL_GIVEN else [],
    output:
        fasta=REF_FASTA,
        fai=REF_FAI,
        checksums=out("results/provenance/reference_checksums.json"),
    params:
        optional={k: REFERENCE.get(k) for k in ("contigs", "mane")},
    log:
        out("logs/reference/reference_prepare.log"),
    benchmark:
        out("benchmarks/reference/reference_prepare.tsv")
    threads: res("reference_prepare")["threads"]
    resources:
        mem_mb=res("reference_prepare")["mem_mb"],
        runtime=res("reference_prepare")["runtime"],
    conda:
        "../../envs/python.yaml"
    message:
        "reference_prepare: decompress, index and check {input.fasta}"
    script:
        "../scripts/reference_prepare.py"


rule reference_bwa_index:
    input:
        REF_FASTA,
    output:
        BWA_INDEX,
    log:
        out("logs/reference/reference_bwa_index.log"),
    benchmark:
        out("benchmarks/reference/reference_bwa_index.tsv")
    threads: res("reference_bwa_index")["threads"]
    resources:
        mem_mb=res("reference_bwa_index")["mem_mb"],
        runtime=res("reference_bwa_index")["runtime"],
    conda:
        "../../envs/align.yaml"
    message:
        "reference_bwa_index: bwa index {input}"
    shell:
        "bwa index {input} 2> {log}"


rule reference_shards:
    input:
        panel=PANEL_BED,
        fai=REF_FAI,
    output:
        expand(out("results/reference/shards/shard{shard}.bed"), shard=SHARDS),
    log:
        out("logs/reference/reference_shards.log"),
    benchmark:
        out("benchmarks/reference/reference_shards.tsv")
    threads: res("reference_shards")["threads"]
    resources:
        mem_mb=res("reference_shards")["mem_mb"],
        runtime=res("reference_shards")["runtime"],
    conda:
        "../../envs/python.yaml"
    message:
        "reference_shards: split the panel into {params.n} calling shards"
    params:
        n=len(SHARDS),
    script:
        "../scripts/reference_shards.py"
