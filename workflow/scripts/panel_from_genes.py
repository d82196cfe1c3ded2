"""Snakemake script: a panel BED from a gene list (presis.annotation.panel_build)."""

import tempfile
from pathlib import Path

from presis.annotation.panel_build import gene_intervals, write_bed
from presis.annotation.transcripts import load_transcripts
from presis.inputs.bed import merge_intervals
from presis.inputs.gene_list import read_gene_list
from presis.inputs.reference_cache import read_genes, subset_gff3
from presis.step_runner import step_log

log = step_log(snakemake)
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
merged = merge_intervals(intervals, contigs)
write_bed(merged, snakemake.output.bed)
with open(snakemake.output.missing, "w") as fh:
    fh.writelines(f"{gene}\n" for gene in missing)
if missing:
    log.warning(
        "%d of %d genes are not in the reference annotation and are left out: %s",
        len(missing),
        len(genes),
        ", ".join(missing),
    )
log.info(
    "panel: %d genes, %d intervals, %d bp", len(genes) - len(missing), len(merged), sum(e - s for _, s, e, _ in merged)
)
