"""Gene lists (config/panels/*.genes.txt, config/kb/*_genes.txt): one HGNC symbol per line."""

from __future__ import annotations

from pathlib import Path


def read_gene_list(path: str | Path) -> list[str]:
    """One gene per line; '#' comments and blank lines ignored; file order kept, duplicates left out."""
    genes: list[str] = []
    for line in Path(path).read_text().splitlines():
        gene = line.split("#", 1)[0].strip()
        if gene and gene not in genes:
            genes.append(gene)
    return genes
