"""Real reads of two people (GIAB NA12878 and HG002, GRCh37 chr20:9,995,001-10,105,000;
shared/data/reads/giab_chr20_b37/): the truth of the real-read somatic benchmark and the
identity sites of the region, derived from the people's own reads and NA12878's NIST truth.

Derivation (docs/real-read-benchmark.md):

- each person's original reads are aligned alone (bwa mem) and called alone (bcftools mpileup
  -q 20 -Q 13 | call -m -v, alleles split and left-aligned);
- HG002's variants: its calls with QUAL >= ``MIN_QUAL`` and a non-reference genotype;
- private to HG002 (the somatic truth of a mixture): no NA12878 truth record and no NA12878 call
  (of any quality) with the same allele, no NA12878 indel within ``INDEL_WINDOW`` bp of an HG002
  indel (a repeat indel may be written at another position), and at most ``MAX_NA12878_ALT``
  NA12878 read(s) with the allele (a het NA12878 missed by both truth and caller is not private);
- scored only where NA12878 has >= ``MIN_DEPTH_NA12878`` and HG002 >= ``MIN_DEPTH_HG002`` reads
  in the original alignments (samtools depth, MAPQ >= 20): both people are covered.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import pysam
from cyvcf2 import VCF

MIN_QUAL = 30
MIN_DEPTH_NA12878 = 30
MIN_DEPTH_HG002 = 20
INDEL_WINDOW = 10
MAX_NA12878_ALT = 1
MIN_MAPQ = 20


def run(command: str) -> None:
    subprocess.run(["bash", "-o", "pipefail", "-c", command], check=True, capture_output=True)


def align(reference: Path, r1: Path, r2: Path, sample: str, bam: Path, threads: int = 2) -> Path:
    """bwa mem alignment, sorted and indexed (the reference must have a bwa index)."""
    run(
        f"bwa mem -t {threads} -R '@RG\\tID:{sample}\\tSM:{sample}' {reference} {r1} {r2} 2>/dev/null"
        f" | samtools sort -o {bam} - && samtools index {bam}"
    )
    return bam


def call(reference: Path, bam: Path, vcf: Path) -> Path:
    """bcftools calls of one person (variant sites only), alleles split and left-aligned."""
    run(
        f"bcftools mpileup -f {reference} -a AD,DP -d 10000 -q {MIN_MAPQ} -Q 13 -Ou {bam} 2>/dev/null"
        f" | bcftools call -m -v -a GQ -Ou 2>/dev/null | bcftools norm -m-any -f {reference} -Oz -o {vcf} 2>/dev/null"
        f" && bcftools index -t -f {vcf}"
    )
    return vcf


@dataclass(frozen=True)
class Allele:
    pos: int
    ref: str
    alt: str
    genotype: str = ""

    @property
    def is_snv(self) -> bool:
        return len(self.ref) == 1 and len(self.alt) == 1

    @property
    def key(self) -> tuple[int, str, str]:
        return self.pos, self.ref, self.alt


def alleles(vcf: Path, min_qual: float = 0.0) -> list[Allele]:
    found = []
    for record in VCF(str(vcf)):
        if (record.QUAL or 0) < min_qual or not record.ALT:
            continue
        genotype = "/".join(str(a) for a in sorted(record.genotypes[0][:2])) if record.genotypes else ""
        if genotype in ("0/0", "-1/-1"):
            continue
        found.append(Allele(record.POS, record.REF, record.ALT[0], genotype))
    return found


def depths(bam: Path, contig: str, length: int) -> list[int]:
    """Reads per base, 1-based index (samtools depth: MAPQ >= MIN_MAPQ; a read with a deletion at
    the base does not count, so a person's own deletion is not "covered")."""
    values = [0] * (length + 2)
    out = subprocess.run(
        ["samtools", "depth", "-a", "-Q", str(MIN_MAPQ), "-r", contig, str(bam)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    for line in out.splitlines():
        _, pos, depth = line.split("\t")
        values[int(pos)] = int(depth)
    return values


def alt_reads(bam: Path, contig: str, allele: Allele) -> int:
    """Reads showing the allele in a person's alignment (SNV base, or an indel of the same
    length starting within INDEL_WINDOW bp)."""
    count = 0
    with pysam.AlignmentFile(str(bam)) as handle:
        start = max(0, allele.pos - 1 - INDEL_WINDOW)
        for column in handle.pileup(contig, start, allele.pos + INDEL_WINDOW, truncate=True,
                                    min_mapping_quality=MIN_MAPQ, min_base_quality=0, stepper="all"):  # fmt: skip
            at = column.reference_pos + 1
            for read in column.pileups:
                if allele.is_snv:
                    if at == allele.pos and not read.is_del and not read.is_refskip:
                        count += read.alignment.query_sequence[read.query_position] == allele.alt
                elif read.indel == len(allele.alt) - len(allele.ref):
                    count += 1
    return count


@dataclass
class Truth:
    private: list[Allele]  # HG002 variants absent from NA12878: the somatic truth
    hg002_all: set[tuple[int, str, str]]  # every HG002 call (any quality): calls there are not scored
    covered: list[bool]  # 1-based: both people covered
    excluded: dict[str, int]  # why HG002 variants are not private, counted


def derive_truth(
    contig: str,
    length: int,
    hg002_vcf: Path,
    na12878_vcf: Path,
    na12878_truth: Path,
    hg002_bam: Path,
    na12878_bam: Path,
) -> Truth:
    hg002 = alleles(hg002_vcf, MIN_QUAL)
    na_calls = alleles(na12878_vcf) + alleles(na12878_truth)
    na_keys = {a.key for a in na_calls}
    na_indels = [a.pos for a in na_calls if not a.is_snv]
    depth_na = depths(na12878_bam, contig, length)
    depth_hg = depths(hg002_bam, contig, length)
    covered = [depth_na[i] >= MIN_DEPTH_NA12878 and depth_hg[i] >= MIN_DEPTH_HG002 for i in range(length + 2)]
    private, excluded = [], {"in NA12878 truth or calls": 0, "NA12878 indel nearby": 0, "NA12878 alt reads": 0}
    for allele in hg002:
        if allele.key in na_keys:
            excluded["in NA12878 truth or calls"] += 1
        elif not allele.is_snv and any(abs(pos - allele.pos) <= INDEL_WINDOW for pos in na_indels):
            excluded["NA12878 indel nearby"] += 1
        elif alt_reads(na12878_bam, contig, allele) > MAX_NA12878_ALT:
            excluded["NA12878 alt reads"] += 1
        else:
            private.append(allele)
    return Truth(private, {a.key for a in alleles(hg002_vcf)}, covered, excluded)
