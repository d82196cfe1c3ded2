"""Contig slices -> real chromosome coordinates (tests/data/genome/contigs.v2.tsv)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd


@dataclass(frozen=True)
class ContigMap:
    """contig name -> (chromosome, offset); genomic position = position + offset."""

    slices: dict[str, tuple[str, int]]

    @classmethod
    def load(cls, path: str | Path | None) -> ContigMap:
        if not path:
            return cls({})
        table = pd.read_csv(path, sep="\t", dtype=str)
        offset_column = next(c for c in table.columns if c.startswith("offset"))
        return cls({row["contig"]: (row["chromosome"], int(row[offset_column])) for _, row in table.iterrows()})

    def to_genomic(self, contig: str, pos: int) -> tuple[str, int]:
        """Real (chromosome, position); a contig the table does not name stays as it is."""
        chrom, offset = self.slices.get(contig, (contig, 0))
        return chrom, pos + offset

    def genomic_change(self, contig: str, pos: int, ref: str, alt: str) -> str:
        """`chr12:25245350C>T` style (VCF alleles, real coordinates where known)."""
        chrom, gpos = self.to_genomic(contig, pos)
        return f"{chrom}:{gpos}{ref}>{alt}"


# RefSeq accessions of the GRCh38 primary assembly's chromosomes (NCBI GCF_000001405.26), for
# interfaces that name chromosomes by accession (FHIR gHGVS, Beacon referenceName).
GRCH38_REFSEQ = {
    **{f"chr{n}": f"NC_{n:06d}.{v}" for n, v in zip(range(1, 23), (
        11, 12, 12, 12, 10, 12, 14, 11, 12, 11, 10, 12, 11, 9, 10, 10, 11, 10, 10, 11, 9, 11), strict=True)},
    "chrX": "NC_000023.11", "chrY": "NC_000024.10", "chrM": "NC_012920.1",
}  # fmt: skip
