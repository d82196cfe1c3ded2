"""The panel of normals: for each allele, how many normals carry it.

Built from a multi-sample pileup of normal BAMs (bcftools mpileup -a AD, alleles split).
An allele recurrent in normals is a systematic artefact or a germline polymorphism,
never a somatic mutation of one patient's tumour.
"""

from __future__ import annotations

from pathlib import Path

import pysam

from presis.calling.site_resources import PON_FIELD


def carriers(allele_depths, min_alt_reads: int, min_vaf: float) -> int:
    """Normals whose reads show the allele: enough alt reads at enough allele fraction."""
    count = 0
    for ref_reads, alt_reads in allele_depths:
        depth = ref_reads + alt_reads
        if alt_reads >= min_alt_reads and depth and alt_reads / depth >= min_vaf:
            count += 1
    return count


def build_pon(pileup: str | Path, output_vcf_gz: str | Path, min_alt_reads: int, min_vaf: float) -> int:
    """Write a sites-only VCF of the alleles carried by at least one normal; return how many.

    Sites-only: a panel of normals must not carry the normals' reads or genotypes around.
    """
    source = pysam.VariantFile(str(pileup))
    header = pysam.VariantHeader()
    for contig in source.header.contigs.values():
        header.contigs.add(contig.name, length=contig.length)
    header.add_meta(
        "INFO",
        items=[("ID", PON_FIELD), ("Number", "1"), ("Type", "Integer"), ("Description", "Normals carrying the allele")],
    )
    header.add_meta("presis_pon_normals", str(len(source.header.samples)))
    header.add_meta("presis_pon_rule", f"carrier has >= {min_alt_reads} alt reads and VAF >= {min_vaf}")
    plain = str(output_vcf_gz).removesuffix(".gz")
    kept = 0
    with pysam.VariantFile(plain, "w", header=header) as out:
        for record in source:
            if record.alts[0] == "<*>":
                continue
            depths = [tuple(sample["AD"][:2]) for sample in record.samples.values()]
            n = carriers([(r or 0, a or 0) for r, a in depths], min_alt_reads, min_vaf)
            if n:
                out.write(
                    out.new_record(contig=record.chrom, start=record.start, alleles=record.alleles, info={PON_FIELD: n})
                )
                kept += 1
    source.close()
    pysam.tabix_index(plain, preset="vcf", force=True, keep_original=False)
    return kept
