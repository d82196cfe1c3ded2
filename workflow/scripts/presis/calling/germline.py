"""Germline small variants of one sample (the normal, or a germline-only patient).

The calls come from bcftools (mpileup + call -m, alleles split and left-aligned, FILTER set
by `bcftools filter`: rules/germline.smk); here they become the tidy germline table: the
nomenclature columns of presis.annotation.variant_table plus the sample's genotype evidence.

Filters (thresholds in the level presets, `germline:`), each a FILTER name in the VCF:

- ``low_qual``: QUAL < ``germline.min_qual`` (phred-scaled probability that the site is
  not variant);
- ``low_depth``: FORMAT/DP < ``germline.min_depth`` (too few reads to tell het from hom).

GQ is reported but not filtered on: for indels bcftools' GQ is not calibrated (true
homozygous insertions at QUAL 220 carry GQ 4 on the NA12878 benchmark), so a GQ limit
drops real indels without removing false ones.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from presis.annotation.variant_table import build_table

COLUMNS = [
    "chrom", "pos", "ref", "alt", "genomic_change", "variant_type",
    "gene", "transcript", "transcript_choice", "refseq", "hgvs_c", "hgvs_p", "hgvs_p1", "exon",
    "consequence", "csq_consequence", "csq_protein",
    "genotype", "zygosity", "qual", "gq", "depth", "alt_depth", "vaf", "filters",
]  # fmt: skip

ZYGOSITY = {0: "reference", 1: "heterozygous", 2: "homozygous"}


def genotype_text(alleles: list[int]) -> str:
    """'0/1', '1/1', './.': sorted, as split multi-allelic records say '1/0' for 0/1."""
    return "/".join("." if allele < 0 else str(allele) for allele in sorted(alleles, key=lambda a: (a < 0, a)))


def zygosity(alleles: list[int]) -> str | None:
    if any(allele < 0 for allele in alleles):
        return None
    return ZYGOSITY.get(sum(1 for allele in alleles if allele > 0))


def first_value(record, tag: str) -> int | None:
    """The first sample's FORMAT value (an int; None when absent or missing)."""
    values = record.format(tag)
    if values is None:
        return None
    value = int(values[0][0])
    return value if value >= 0 else None  # cyvcf2 reports a missing integer as a large negative


def allele_depths(record) -> tuple[int | None, int | None]:
    """(reference reads, alt reads) of the first sample, from FORMAT/AD."""
    depths = record.format("AD")
    if depths is None or len(depths[0]) < 2 or min(depths[0][:2]) < 0:
        return None, None
    return int(depths[0][0]), int(depths[0][1])


def genotype_columns(record) -> dict[str, Any]:
    """Genotype evidence of the first (only) sample of a split, single-ALT record."""
    alleles = record.genotypes[0][:-1] if record.genotypes else []
    ref_reads, alt_reads = allele_depths(record)
    counted = (ref_reads or 0) + (alt_reads or 0)
    return {
        "genotype": genotype_text(alleles),
        "zygosity": zygosity(alleles),
        "qual": round(float(record.QUAL), 2) if record.QUAL is not None else None,
        "gq": first_value(record, "GQ"),
        "depth": first_value(record, "DP"),
        "alt_depth": alt_reads,
        "vaf": round(alt_reads / counted, 4) if counted else None,
    }


def build_germline_table(vcf_path: str | Path, *sources) -> pd.DataFrame:
    """One row per germline call (every call: FILTER says which are confident); ``sources`` as
    ``build_table`` takes them after the VCF (reference, transcripts, contigs, MANE, panel genes)."""
    return build_table(vcf_path, *sources, extra=genotype_columns, columns=COLUMNS)
