# Sample identity: are the tumour and the normal from one person? Both are genotyped at the
# configured common SNP sites inside the panel, and compared allowing for loss of
# heterozygosity (presis/calling/identity.py). A mismatch stops the report unless
# identity: on_mismatch: warn. Each tumour sample of a patient is checked against the normal
# ({unit}: common.smk). Tumour-only and germline-only patients are not checked.


rule identity_sites:
    input:
        sites=IDENTITY_SITES or [],
        panel=PANEL_BED,
    output:
        vcf=out("results/reference/identity/sites.vcf.gz"),
        alleles=out("results/reference/identity/sites.alleles.tsv.gz"),
        tbi=out("results/reference/identity/sites.alleles.tsv.gz.tbi"),
    log:
        out("logs/reference/identity_sites.log"),
    benchmark:
        out("benchmarks/reference/identity_sites.tsv")
    threads: res("identity_sites")["threads"]
    resources:
        mem_mb=res("identity_sites")["mem_mb"],
        runtime=res("identity_sites")["runtime"],
    conda:
        "../../envs/bcftools.yaml"
    message:
        "identity_sites: the identity SNP sites inside the panel"
    shell:
        # Biallelic SNVs inside the targets; call -C alleles wants them as CHROM POS REF,ALT.
        """
        bcftools view -T {input.panel:q} -v snps -m2 -M2 -Oz -o {output.vcf:q} {input.sites:q} 2> {log:q}
        bcftools query -f '%CHROM\\t%POS\\t%REF,%ALT\\n' {output.vcf:q} 2>> {log:q} | bgzip -c > {output.alleles:q}
        tabix -f -s1 -b2 -e2 {output.alleles:q} 2>> {log:q}
        """


rule identity_bcftools:
    input:
        tumour=lambda wildcards: tumour_bam(wildcards),
        normal=lambda wildcards: sample_bam(wildcards.patient, "normal"),
        ref=REF_FASTA,
        sites=out("results/reference/identity/sites.vcf.gz"),
        alleles=out("results/reference/identity/sites.alleles.tsv.gz"),
        tbi=out("results/reference/identity/sites.alleles.tsv.gz.tbi"),
    output:
        out("results/{patient}/qc/{unit}.identity.bcf"),
    params:
        mapq=config["calling"]["min_mapq"],
        baseq=config["calling"]["min_baseq"],
    log:
        out("logs/{patient}/identity_bcftools/{unit}.log"),
    benchmark:
        out("benchmarks/{patient}/identity_bcftools/{unit}.tsv")
    threads: res("identity_bcftools")["threads"]
    resources:
        mem_mb=res("identity_bcftools")["mem_mb"],
        runtime=res("identity_bcftools")["runtime"],
    conda:
        "../../envs/bcftools.yaml"
    message:
        "identity_bcftools: genotype tumour ({wildcards.unit}) and normal of {wildcards.patient} at the identity sites"
    shell:
        # -C alleles: genotypes for the site's own alleles; -G -: each sample called alone, so
        # one sample's reads never pull the other's genotype (hom-ref sites are kept).
        """
        bcftools mpileup -f {input.ref:q} -T {input.sites:q} -I -a FORMAT/AD,FORMAT/DP -d 10000 \
            -q {params.mapq} -Q {params.baseq} -Ou {input.tumour:q} {input.normal:q} 2> {log:q} \
          | bcftools call -m -C alleles -T {input.alleles:q} -G - -a GQ -Ob -o {output:q} 2>> {log:q}
        """


rule identity_check:
    input:
        genotypes=out("results/{patient}/qc/{unit}.identity.bcf"),
        alleles=out("results/reference/identity/sites.alleles.tsv.gz"),
    output:
        out("results/{patient}/qc/{unit}.identity.json"),
    params:
        tumour=lambda wildcards: unit_tumour(wildcards),
        normal=lambda wildcards: sample_of(wildcards.patient, "normal"),
        identity=config["identity"],
    log:
        out("logs/{patient}/identity_check/{unit}.log"),
    benchmark:
        out("benchmarks/{patient}/identity_check/{unit}.tsv")
    threads: res("identity_check")["threads"]
    resources:
        mem_mb=res("identity_check")["mem_mb"],
        runtime=res("identity_check")["runtime"],
    conda:
        "../../envs/python.yaml"
    message:
        "identity_check: is the normal of {wildcards.patient} from the person of tumour {params.tumour}?"
    script:
        "../scripts/identity_check.py"
