"""Snakemake script: the annotation of the genes near the panel's targets, and of the nearest gene
on either side of each target (what a variant between genes is described by), read from the
prepared annotation index (presis.inputs.reference_cache.subset_gff3), for every annotation step."""

from presis.inputs.bed import read_panel
from presis.inputs.reference_cache import neighbour_genes, read_genes, subset_gff3
from presis.step_runner import step_log

log = step_log(snakemake)
panel = read_panel(snakemake.input.panel)
regions = list(panel[["chrom", "start", "end"]].itertuples(index=False, name=None))
neighbours = neighbour_genes(read_genes(snakemake.input.genes), regions)
genes = subset_gff3(snakemake.input.gff3, snakemake.output[0], regions=regions, genes=neighbours)
log.info("%d genes near or next to %d panel targets", genes, len(panel))
