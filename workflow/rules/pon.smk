# Panel of normals, built when the config lists normal BAMs (pon: bams: [...]):
# one pileup over the panel, then the alleles each normal carries, counted.


rule pon_pileup:
    input:
        bams=config["pon"]["bams"],
        ref=REF_FASTA,
        panel=PANEL_BED,
    output:
        temp(out("results/pon/pon.pileup.bcf")),
    params:
        mapq=config["calling"]["min_mapq"],
        baseq=config["calling"]["min_baseq"],
    log:
        out("logs/pon/pon_pileup.log"),
    benchmark:
        out("benchmarks/pon/pon_pileup.tsv")
    threads: res("pon_pileup")["threads"]
    resources:
        mem_mb=res("pon_pileup")["mem_mb"],
        runtime=res("pon_pileup")["runtime"],
    conda:
        "../../envs/bcftools.yaml"
    message:
        "pon_pileup: alleles in the panel-of-normals BAMs"
    shell:
        """
        bcftools mpileup -f {input.ref:q} -R {input.panel:q} -a FORMAT/AD -d 100000 -L 100000 -m 2 -F 0.01 \
            -q {params.mapq} -Q {params.baseq} -Ou {input.bams:q} 2> {log:q} \
          | bcftools norm -m-any -f {input.ref:q} -Ob -o {output:q} 2>> {log:q}
        """


rule pon_build:
    input:
        out("results/pon/pon.pileup.bcf"),
    output:
        vcf=out("results/pon/pon.vcf.gz"),
        tbi=out("results/pon/pon.vcf.gz.tbi"),
    params:
        pon=config["pon"],
    log:
        out("logs/pon/pon_build.log"),
    benchmark:
        out("benchmarks/pon/pon_build.tsv")
    threads: res("pon_build")["threads"]
    resources:
        mem_mb=res("pon_build")["mem_mb"],
        runtime=res("pon_build")["runtime"],
    conda:
        "../../envs/python.yaml"
    message:
        "pon_build: count the normals carrying each allele"
    script:
        "../scripts/pon_build.py"
