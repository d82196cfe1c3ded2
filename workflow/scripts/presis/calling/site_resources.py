"""Look up what site resources say about a candidate allele: population AF and PoN count.

Both resources must be normalised like presis' candidates (alleles split, left-aligned:
`bcftools norm -m-any -f REF`), so an allele is matched by (chrom, pos, ref, alt).
"""

from __future__ import annotations

from pathlib import Path

import pysam

from presis.calling.somatic import SiteContext
from presis.errors import InputError

PON_FIELD = "PON_NORMALS"


def _open(path: str | Path, what: str) -> pysam.VariantFile:
    try:
        vcf = pysam.VariantFile(str(path))
        vcf.fetch  # noqa: B018 — an index is needed for lookups
    except (OSError, ValueError) as error:
        raise InputError(
            f"cannot open the {what} ({error}): it must be a bgzipped VCF with a .tbi/.csi index", str(path)
        ) from error
    return vcf


def _matching_value(vcf: pysam.VariantFile, field: str, chrom: str, pos: int, ref: str, alt: str):
    if chrom not in vcf.header.contigs:
        return None
    for record in vcf.fetch(chrom, pos - 1, pos):
        if record.pos != pos or record.ref != ref or alt not in (record.alts or ()):
            continue
        value = record.info.get(field)
        if isinstance(value, tuple):
            value = value[record.alts.index(alt)]
        return value
    return None


class SiteResources:
    """Open once per classification run; ``context()`` per candidate."""

    def __init__(self, population_vcf: str | None, population_field: str, pon_vcf: str | None):
        self.population = _open(population_vcf, "population resource") if population_vcf else None
        self.population_field = population_field
        self.pon = _open(pon_vcf, "panel of normals") if pon_vcf else None
        if self.population is not None and population_field not in self.population.header.info:
            raise InputError(
                f"INFO/{population_field} is not defined in its header: set population.info_field", population_vcf
            )

    def close(self) -> None:
        for vcf in (self.population, self.pon):
            if vcf is not None:
                vcf.close()

    def __enter__(self) -> SiteResources:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def context(self, chrom: str, pos: int, ref: str, alt: str) -> SiteContext:
        af = None
        if self.population is not None:
            af = _matching_value(self.population, self.population_field, chrom, pos, ref, alt)
        normals = 0
        if self.pon is not None:
            normals = _matching_value(self.pon, PON_FIELD, chrom, pos, ref, alt) or 0
        return SiteContext(population_af=None if af is None else float(af), pon_normals=int(normals))
