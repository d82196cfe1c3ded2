# Reference preparation. The prepared reference — the FASTA as tools read it with its index, the
# bwa index, the annotation index, and when a run needs them the plain FASTA and the STAR index
# (rules/rna.smk) — is built once into the reference cache (reference.cache) and
# shared by every run: each build rule below exists only while its part is missing there, so a run
# with a prepared reference schedules none of them. Per run: the reference checks and checksums,
# the annotation of the panel's genes and the calling shards (they depend on the panel).

if not PREPARED.genome_ready():

    rule reference_cache_genome:
        input:
            fasta=ancient(REFERENCE["fasta"]),
        output:
            # update(): Snakemake must not delete these before the job: another run may have
            # completed them meanwhile (the script builds under a lock, then renames into place).
            fasta=update(REF_FASTA),
            fai=update(REF_FAI),
            manifest=update(str(PREPARED.genome_manifest)),
        params:
            prepared=PREPARED,
            fai=REFERENCE.get("fai"),
        log:
            out("logs/reference/reference_cache_genome.log"),
        benchmark:
            out("benchmarks/reference/reference_cache_genome.tsv")
        threads: res("reference_cache_genome")["threads"]
        resources:
            mem_mb=res("reference_cache_genome")["mem_mb"],
            runtime=res("reference_cache_genome")["runtime"],
        conda:
            "../../envs/python.yaml"
        message:
            "reference_cache_genome: the FASTA and its index, once, into the reference cache ({output.manifest})"
        script:
            "../scripts/reference_cache_genome.py"


if not PREPARED.bwa_ready():

    rule reference_bwa_index:
        input:
            fasta=REF_FASTA,
            fai=REF_FAI,
        output:
            update(BWA_INDEX),
        params:
            prepared=PREPARED,
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
            "reference_bwa_index: bwa index {input.fasta} (once for this reference)"
        script:
            "../scripts/reference_bwa_index.py"


if PREPARED.compression == "bgzf" and not PREPARED.plain_ready():

    # Only for a bgzipped FASTA (a plain one is its own plain FASTA), and only when a run has copy
    # number or RNA: CNVkit and STAR read plain FASTA only.
    rule reference_cache_plain:
        input:
            fasta=ancient(REF_FASTA),
            fai=ancient(REF_FAI),
        output:
            fasta=update(PLAIN_FASTA),
            fai=update(PLAIN_FAI),
            manifest=update(str(PREPARED.plain_manifest)),
        params:
            prepared=PREPARED,
        log:
            out("logs/reference/reference_cache_plain.log"),
        benchmark:
            out("benchmarks/reference/reference_cache_plain.tsv")
        threads: res("reference_cache_plain")["threads"]
        resources:
            mem_mb=res("reference_cache_plain")["mem_mb"],
            runtime=res("reference_cache_plain")["runtime"],
        conda:
            "../../envs/python.yaml"
        message:
            "reference_cache_plain: a plain copy of the bgzipped FASTA for CNVkit and STAR, once, into the reference cache ({output.manifest})"
        script:
            "../scripts/reference_cache_plain.py"


if not PREPARED.annotation_ready():

    rule reference_cache_annotation:
        input:
            gff3=ancient(REFERENCE["gff3"]),
        output:
            gff3=update(str(PREPARED.annotation_gff3)),
            tbi=update(str(PREPARED.annotation_tbi)),
            genes=update(str(PREPARED.genes)),
            manifest=update(str(PREPARED.annotation_manifest)),
        params:
            prepared=PREPARED,
        log:
            out("logs/reference/reference_cache_annotation.log"),
        benchmark:
            out("benchmarks/reference/reference_cache_annotation.tsv")
        threads: res("reference_cache_annotation")["threads"]
        resources:
            mem_mb=res("reference_cache_annotation")["mem_mb"],
            runtime=res("reference_cache_annotation")["runtime"],
        conda:
            "../../envs/python.yaml"
        message:
            "reference_cache_annotation: the GFF3 sorted and indexed, once, into the reference cache ({output.manifest})"
        script:
            "../scripts/reference_cache_annotation.py"


rule reference_prepare:
    input:
        fasta=REFERENCE["fasta"],
        gff3=REFERENCE["gff3"],
        genome=str(PREPARED.genome_manifest),
        annotation=str(PREPARED.annotation_manifest),
        # a panel built from a gene list comes from this reference: only a given BED is checked
        panel=PANEL_BED if PANEL_GIVEN else [],
    output:
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
        "reference_prepare: check {input.fasta} against its annotation and the panel"
    script:
        "../scripts/reference_prepare.py"


rule reference_panel_annotation:
    input:
        panel=PANEL_BED,
        gff3=str(PREPARED.annotation_gff3),
        tbi=str(PREPARED.annotation_tbi),
        genes=str(PREPARED.genes),
    output:
        PANEL_GFF3,
    log:
        out("logs/reference/reference_panel_annotation.log"),
    benchmark:
        out("benchmarks/reference/reference_panel_annotation.tsv")
    threads: res("reference_panel_annotation")["threads"]
    resources:
        mem_mb=res("reference_panel_annotation")["mem_mb"],
        runtime=res("reference_panel_annotation")["runtime"],
    message:
        "reference_panel_annotation: the annotation of the panel's genes and their neighbours"
    run:
        run_script(rule, input, output, params, wildcards, log)


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


# `snakemake reference_ready`: prepare the reference alone, e.g. once on a big-memory node
# before the first runs, or to check that it is prepared (a dry run then lists no job). With copy
# number on or RNA rows in the sheet, the plain FASTA too; with copy number, CNVkit's accessible
# regions; with RNA rows, the STAR index.
rule reference_ready:
    input:
        REF_FASTA,
        REF_FAI,
        BWA_INDEX,
        str(PREPARED.annotation_manifest),
        [PLAIN_FASTA, PLAIN_FAI] if config["copy_number"]["enabled"] or RNA_IN_SHEET else [],
        CNV_ACCESS if config["copy_number"]["enabled"] else [],
        STAR_MANIFEST if RNA_IN_SHEET else [],
