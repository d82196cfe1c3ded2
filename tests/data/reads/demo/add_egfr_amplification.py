"""Give the demo tumour an EGFR amplification: extra EGFR read pairs appended to DEMO-T_R{1,2}.fastq.gz.

Run once, from the repository root, on the original demo FASTQs (git history before this script):
    PYTHONPATH=workflow/scripts .venv/bin/python tests/data/reads/demo/add_egfr_amplification.py

The demo tumour's reads are left as they were; presis.devtools.simulate_cnv adds fragments over the
demo panel's EGFR targets only, at 1.5 × the demo's measured EGFR depth (≈ 215× unique), so EGFR
shows 2.5 × its normal depth: about 8 copies in tumour cells at the purity (≈ 0.5) that the demo's
somatic VAFs imply. The extra fragments carry the demo's EGFR somatic variants at their truth VAFs
and its germline variants (both alleles amplified alike), so every small-variant VAF stays where it
was: the six hotspots are unchanged. Deterministic (seed 1401); appended as further gzip members.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pysam

from presis.devtools.simulate import Library, Sample, Variant, load_reference
from presis.devtools.simulate_cnv import read_gene_targets, simulate_cnv_sample

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[3]
GENE, EXTRA_FACTOR, DEPTH, SEED = "EGFR", 1.5, 215.0, 1401


def truth_variants(contig: str) -> list[Variant]:
    variants = []
    with pysam.VariantFile(str(HERE / "DEMO.somatic_truth.vcf.gz")) as vcf:
        for record in vcf.fetch(contig):
            variants.append(Variant(contig, record.pos, record.ref, record.alts[0], "somatic", vaf=record.info["VAF"]))
    with pysam.VariantFile(str(HERE / "DEMO.germline_truth.vcf.gz")) as vcf:
        for i, record in enumerate(vcf.fetch(contig)):
            gt = record.samples[0]["GT"]
            genotype = "1/1" if gt == (1, 1) else "0/1"
            variants.append(
                Variant(contig, record.pos, record.ref, record.alts[0], "germline", genotype=genotype, haplotype=i % 2)
            )
    return variants


def main() -> None:
    targets = [t for t in read_gene_targets(REPO / "config" / "panels" / "presis-demo.bed") if t.gene == GENE]
    contig = targets[0].interval.chrom
    reference = {contig: load_reference(REPO / "tests" / "data" / "genome" / "presis-test-GRCh38.fa.gz")[contig]}
    work = HERE / "egfr_amp.tmp"
    reads = simulate_cnv_sample(
        reference,
        targets,
        truth_variants(contig),
        Sample("DEMO-T:amp", DEPTH, True, SEED),
        work,
        [EXTRA_FACTOR] * len(targets),
        library=Library(off_target_fraction=0.0),
    )
    for extra, demo in zip(
        (reads.r1, reads.r2), (HERE / "DEMO-T_R1.fastq.gz", HERE / "DEMO-T_R2.fastq.gz"), strict=True
    ):
        with open(demo, "ab") as out, open(extra, "rb") as src:
            shutil.copyfileobj(src, out)
        extra.unlink()
    print(f"appended {reads.pairs} {GENE} read pairs ({reads.duplicates} duplicates) to DEMO-T")


if __name__ == "__main__":
    main()
