# Interpretation: why each candidate is (not) somatic, in words, and which likely-germline
# variants must be referred for germline testing.


rule interpret_variants:
    input:
        table=out("results/{patient}/filter/{patient}.variants.tsv"),
        hotspots=resolve_path(config["kb"]["hotspots"], REPO),
        referral_genes=[resolve_path(p, REPO) for p in config["kb"]["referral_genes"]],
    output:
        out("results/{patient}/interpret/{patient}.variants.tsv"),
    log:
        out("logs/{patient}/interpret_variants/{patient}.log"),
    benchmark:
        out("benchmarks/{patient}/interpret_variants/{patient}.tsv")
    threads: res("interpret_variants")["threads"]
    resources:
        mem_mb=res("interpret_variants")["mem_mb"],
        runtime=res("interpret_variants")["runtime"],
    conda:
        "../../envs/python.yaml"
    message:
        "interpret_variants: reasons and germline referrals for {wildcards.patient}"
    script:
        "../scripts/interpret_variants.py"
