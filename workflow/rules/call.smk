# Somatic calling: pileup candidates per panel shard (both cores busy), gathered in
# reference order, then classified by presis' somatic model (tumour vs normal evidence,
# or tumour-only without a normal). Every candidate stays in the VCF; FILTER says why.
# The error profile and the classification run per shard too, each in a process of its own
# (heavy compute: in Snakemake's process they would run one at a time under its GIL), and are
# merged/gathered by light steps into the same files one job wrote.


rule call_mpileup:
    input:
        bams=patient_bams,
        ref=REF_FASTA,
        shard=out("results/reference/shards/shard{shard}.bed"),
    output:
        temp(out("results/{patient}/calls/shards/{unit}.{shard}.candidates.bcf")),
    params:
        mapq=config["calling"]["min_mapq"],
        baseq=config["calling"]["min_baseq"],
        min_alt=config["calling"]["candidate_min_alt_reads"],
    log:
        out("logs/{patient}/call_mpileup/{unit}.{shard}.log"),
    benchmark:
        out("benchmarks/{patient}/call_mpileup/{unit}.{shard}.tsv")
    priority: PRIORITY_CALLING
    threads: res("call_mpileup")["threads"]
    resources:
        mem_mb=res("call_mpileup")["mem_mb"],
        runtime=res("call_mpileup")["runtime"],
    conda:
        "../../envs/bcftools.yaml"
    message:
        "call_mpileup: candidates of {wildcards.unit} in shard {wildcards.shard}"
    shell:
        # -d/-L: no depth cap (panels are deep); -m/-F: indel candidates from 2 reads / 1 %
        # of reads, low enough for somatic indels; the tumour is the first sample. FORMAT/QS:
        # per-allele sums of each read's min(base quality, mapping quality), for the somatic model.
        """
        bcftools mpileup -f {input.ref:q} -R {input.shard:q} -a FORMAT/AD,FORMAT/ADF,FORMAT/ADR,FORMAT/DP,FORMAT/QS \
            -d 100000 -L 100000 -m 2 -F 0.01 -q {params.mapq} -Q {params.baseq} -Ou {input.bams:q} 2> {log:q} \
          | bcftools norm -m-any -f {input.ref:q} -Ou 2>> {log:q} \
          | bcftools view -i 'ALT!="<*>" && FMT/AD[0:1]>={params.min_alt}' -Ob -o {output:q} 2>> {log:q}
        """


rule call_gather:
    input:
        expand(out("results/{{patient}}/calls/shards/{{unit}}.{shard}.candidates.bcf"), shard=SHARDS),
    output:
        out("results/{patient}/calls/{unit}.candidates.bcf"),
    log:
        out("logs/{patient}/call_gather/{unit}.log"),
    benchmark:
        out("benchmarks/{patient}/call_gather/{unit}.tsv")
    # The classification shards wait for it: ahead of coverage, stats and CNVkit.
    priority: PRIORITY_CALLING
    threads: res("call_gather")["threads"]
    resources:
        mem_mb=res("call_gather")["mem_mb"],
        runtime=res("call_gather")["runtime"],
    conda:
        "../../envs/bcftools.yaml"
    message:
        "call_gather: concatenate the shards of {wildcards.unit}"
    shell:
        # Shards may cut inside a target: an indel left-aligned across the cut can land before
        # the previous shard's last record, so the concatenation is sorted (each is called once).
        """
        bcftools concat -Ou {input:q} 2> {log:q} \
          | bcftools sort -T {resources.tmpdir:q} -Ob -o {output:q} 2>> {log:q}
        """


rule call_error_profile_shard:
    input:
        bam=lambda wildcards: patient_bams(wildcards)[0],
        bai=lambda wildcards: patient_bams(wildcards)[0] + ".bai",
        # Homopolymer slips are measured on the tumour's and the normal's reads.
        bams=patient_bams,
        bais=lambda wildcards: [f"{bam}.bai" for bam in patient_bams(wildcards)],
        ref=REF_FASTA,
        fai=REF_FAI,
        bed=PANEL_BED,
        shard=out("results/reference/shards/shard{shard}.bed"),
    output:
        temp(out("results/{patient}/calls/shards/{unit}.{shard}.error_profile.json")),
    params:
        mapq=config["calling"]["min_mapq"],
        baseq=config["calling"]["min_baseq"],
        variant_fraction=config["calling"]["error_profile_variant_fraction"],
    log:
        out("logs/{patient}/call_error_profile_shard/{unit}.{shard}.log"),
    benchmark:
        out("benchmarks/{patient}/call_error_profile_shard/{unit}.{shard}.tsv")
    # Beside the mpileup shards (same BAMs, same parts of the panel), not after them.
    priority: PRIORITY_CALLING
    threads: res("call_error_profile_shard")["threads"]
    resources:
        mem_mb=res("call_error_profile_shard")["mem_mb"],
        runtime=res("call_error_profile_shard")["runtime"],
    conda:
        "../../envs/python.yaml"
    message:
        "call_error_profile_shard: substitution and homopolymer-slip counts of {wildcards.unit} in shard {wildcards.shard}"
    script:
        "../scripts/call_error_profile_shard.py"


rule call_error_profile:
    input:
        expand(out("results/{{patient}}/calls/shards/{{unit}}.{shard}.error_profile.json"), shard=SHARDS),
    output:
        out("results/{patient}/calls/{unit}.error_profile.json"),
    log:
        out("logs/{patient}/call_error_profile/{unit}.log"),
    benchmark:
        out("benchmarks/{patient}/call_error_profile/{unit}.tsv")
    priority: PRIORITY_CALLING
    threads: res("call_error_profile")["threads"]
    resources:
        mem_mb=res("call_error_profile")["mem_mb"],
        runtime=res("call_error_profile")["runtime"],
    message:
        "call_error_profile: the measured substitution and homopolymer-slip error rates ({wildcards.unit})"
    run:
        run_script(rule, input, output, params, wildcards, log)


rule call_classify_shard:
    input:
        unpack(classify_resources),
        candidates=out("results/{patient}/calls/{unit}.candidates.bcf"),
        profile=out("results/{patient}/calls/{unit}.error_profile.json"),
        ref=REF_FASTA,
        fai=REF_FAI,
        # Indels are recounted from the reads, soft clips included (presis/calling/indel_evidence.py).
        bams=patient_bams,
        bais=lambda wildcards: [f"{bam}.bai" for bam in patient_bams(wildcards)],
        bed=PANEL_BED,
        # Where each shard's part of the genome starts (presis.calling.somatic_vcf.shard_parts).
        shards=expand(out("results/reference/shards/shard{shard}.bed"), shard=SHARDS),
    output:
        temp(out("results/{patient}/calls/shards/{unit}.{shard}.somatic.vcf")),
    params:
        tumour=lambda wildcards: unit_tumour(wildcards),
        normal=lambda wildcards: samplesheet.normal_sample(SHEET, wildcards.patient),
        somatic=config["somatic"],
        population_field=config["population"]["info_field"],
        mapq=config["calling"]["min_mapq"],
        baseq=config["calling"]["min_baseq"],
        min_alt=config["calling"]["candidate_min_alt_reads"],
        shard=lambda wildcards: SHARDS.index(wildcards.shard),
    log:
        out("logs/{patient}/call_classify_shard/{unit}.{shard}.log"),
    benchmark:
        out("benchmarks/{patient}/call_classify_shard/{unit}.{shard}.tsv")
    priority: PRIORITY_CALLING
    threads: res("call_classify_shard")["threads"]
    resources:
        mem_mb=res("call_classify_shard")["mem_mb"],
        runtime=res("call_classify_shard")["runtime"],
    conda:
        "../../envs/python.yaml"
    message:
        "call_classify_shard: somatic model over the candidates of {wildcards.unit} in shard {wildcards.shard}"
    script:
        "../scripts/call_classify_shard.py"


rule call_classify:
    input:
        expand(out("results/{{patient}}/calls/shards/{{unit}}.{shard}.somatic.vcf"), shard=SHARDS),
    output:
        vcf=out("results/{patient}/calls/{unit}.somatic.vcf.gz"),
        tbi=out("results/{patient}/calls/{unit}.somatic.vcf.gz.tbi"),
    log:
        out("logs/{patient}/call_classify/{unit}.log"),
    benchmark:
        out("benchmarks/{patient}/call_classify/{unit}.tsv")
    priority: PRIORITY_CALLING
    threads: res("call_classify")["threads"]
    resources:
        mem_mb=res("call_classify")["mem_mb"],
        runtime=res("call_classify")["runtime"],
    message:
        "call_classify: gather the classified shards of {wildcards.unit} into the somatic VCF"
    run:
        run_script(rule, input, output, params, wildcards, log)
