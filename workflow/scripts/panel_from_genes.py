"""Snakemake script: a panel BED from a gene list (presis.annotation.panel_build)."""

import logging
import tempfile
from pathlib import Path

from presis.annotation.panel_build import gene_intervals, merge_sorted, read_gene_list, write_bed
from presis.annotation.transcripts import load_transcripts
from presis.inputs.reference_cache import read_genes, subset_gff3

logging.basicConfig(filename=snakemake.log[0], level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
contigs = [line.split("\t")[0] for line in Path(snakemake.input.fai).read_text().splitlines()]
genes = read_gene_list(snakemake.input.genes)
# Only the listed genes' part of the prepared annotation is read (its gene table names them).
wanted = set(genes)
listed = [(g, c, s, e) for g, name, c, s, e in read_genes(snakemake.input.genes_table) if name in wanted]
with tempfile.TemporaryDirectory() as tmp:
    subset = Path(tmp) / "genes.gff3.gz"
    subset_gff3(snakemake.input.gff3, subset, genes=listed)
    transcripts = load_transcripts(subset)
intervals, missing = gene_intervals(transcripts, genes, snakemake.params.padding)
merged = merge_sorted(intervals, contigs)
write_bed(merged, snakemake.output.bed)
with open(snakemake.output.missing, "w") as fh:
    fh.writelines(f"{gene}\n" for gene in missing)
if missing:
    logging.warning(
        "%d of %d genes are not in the reference annotation and are left out: %s",
        len(missing),
        len(genes),
        ", ".join(missing),
    )
logging.info(
    "panel: %d genes, %d intervals, %d bp", len(genes) - len(missing), len(merged), sum(e - s for _, s, e, _ in merged)
)
