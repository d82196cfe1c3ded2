"""Build the bundled real-read test data of GIAB NA12878 and HG002 (GRCh37 chr20) from the
shared folder. Run once from the repository folder (the outputs are bundled; tests never run this):

    .venv/bin/python tests/data/reads/giab_chr20_b37/make_giab_data.py --shared ../shared/data

Writes:

- tests/data/genome/GRCh37_chr20_9995001_10105000.fa (+ .fai): the shared reference slice, unchanged;
- tests/data/genome/GRCh37_chr20_9995001_10105000.gff3: no genes, only the ``##sequence-region``
  of the contig (a benchmark reference: presis accepts an annotation that declares the contig);
- tests/data/genome/contigs.GRCh37_chr20.tsv: slice -> GRCh37 chr20, offset 9,995,000;
- tests/data/panels/giab_chr20_b37.bed: one interval, the 100 kb the reads cover (slice
  5,000-105,000, BED); giab_chr20_b37.window.bed: one interval of 40 kb (50,000-90,000) where
  the two people differ most at homozygous SNPs (the identity test's panel);
- tests/data/reads/giab_chr20_b37/{NA12878,HG002}.window_R{1,2}.fastq.gz: the read pairs of which
  a mate's primary alignment (bwa mem) starts within 500 bp of the window, in the original order;
- tests/data/reads/giab_chr20_b37/identity_sites.vcf.gz (+ .tbi): identity SNP sites of the
  region: every biallelic SNV of NA12878's NIST truth and of HG002's own calls (bcftools,
  QUAL >= 30, presis.devtools.giab), over the 100 kb. INFO/SOURCE says which.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
from pathlib import Path

import pysam

from presis.devtools import giab
from presis.devtools.mixing import pair_name, write_pairs

REPO = Path(__file__).resolve().parents[4]
HERE = Path(__file__).resolve().parent
GENOME = REPO / "tests" / "data" / "genome"
PANELS = REPO / "tests" / "data" / "panels"
CONTIG = "GRCh37_chr20_9995001_10105000"
LENGTH = 110_000
OFFSET = 9_995_000
COVERED = (5_000, 105_000)
WINDOW = (50_000, 90_000)
MARGIN = 500


def window_names(bam: Path) -> set[str]:
    with pysam.AlignmentFile(str(bam)) as handle:
        return {
            pair_name(read.query_name)
            for read in handle.fetch(CONTIG, WINDOW[0] - MARGIN, WINDOW[1] + MARGIN)
            if not read.is_secondary and not read.is_supplementary
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared" / "data")
    shared = parser.parse_args().shared / "reads" / "giab_chr20_b37"
    fasta = GENOME / f"{CONTIG}.fa"
    shutil.copyfile(shared / f"{CONTIG}.fa", fasta)
    pysam.faidx(str(fasta))
    (GENOME / f"{CONTIG}.gff3").write_text(f"##gff-version 3\n##sequence-region {CONTIG} 1 {LENGTH}\n")
    (GENOME / "contigs.GRCh37_chr20.tsv").write_text(
        "contig\tchromosome\tgenomic_start\toffset(genomic=pos+offset)\tbuild\tsource\tlicence\n"
        f"{CONTIG}\tchr20\t{OFFSET + 1}\t{OFFSET}\tGRCh37\tserge2016/deepvariant@07dc4bed:"
        "deepvariant/testdata/input/ucsc.hg19.chr20.unittest.fasta.gz\tBSD-3-Clause\n"
    )
    (PANELS / "giab_chr20_b37.bed").write_text(f"{CONTIG}\t{COVERED[0]}\t{COVERED[1]}\tchr20_giab\n")
    (PANELS / "giab_chr20_b37.window.bed").write_text(f"{CONTIG}\t{WINDOW[0]}\t{WINDOW[1]}\tchr20_giab\n")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        reference = work / "ref.fa"
        shutil.copyfile(fasta, reference)
        subprocess.run(["bwa", "index", str(reference)], check=True, capture_output=True)
        calls = {}
        for person in ("NA12878", "HG002"):
            r1, r2 = shared / f"{person}_R1.fastq.gz", shared / f"{person}_R2.fastq.gz"
            bam = giab.align(reference, r1, r2, person, work / f"{person}.bam")
            calls[person] = giab.call(reference, bam, work / f"{person}.vcf.gz")
            names = window_names(bam)
            pairs = write_pairs(
                [(r1, r2, lambda name, names=names: pair_name(name) in names)],
                HERE / f"{person}.window_R1.fastq.gz",
                HERE / f"{person}.window_R2.fastq.gz",
            )
            print(f"{person}: {pairs} pairs in the window")
        sites = {}
        for source, vcf, min_qual in (
            ("NA12878_NIST", shared / "NA12878.nist_truth.vcf.gz", 0),
            ("HG002_calls", calls["HG002"], giab.MIN_QUAL),
        ):
            for allele in giab.alleles(vcf, min_qual):
                if allele.is_snv:
                    sites.setdefault(allele.key, source)
    header = [
        "##fileformat=VCFv4.2",
        f"##contig=<ID={CONTIG},length={LENGTH},assembly=GRCh37>",
        "##source=presis tests/data/reads/giab_chr20_b37/make_giab_data.py",
        '##INFO=<ID=SOURCE,Number=1,Type=String,Description="NA12878_NIST (NIST/GIAB truth of NA12878) '
        'or HG002_calls (bcftools calls of HG002, QUAL>=30)">',
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO",
    ]
    lines = [
        f"{CONTIG}\t{pos}\t.\t{ref}\t{alt}\t.\t.\tSOURCE={sites[(pos, ref, alt)]}" for pos, ref, alt in sorted(sites)
    ]
    plain = HERE / "identity_sites.vcf"
    plain.write_text("\n".join(header + lines) + "\n")
    pysam.tabix_index(str(plain), preset="vcf", force=True)  # writes identity_sites.vcf.gz + .tbi
    print(f"{len(lines)} identity sites")


if __name__ == "__main__":
    main()
