"""Snakemake script: the annotation of the genes near the panel's targets, read from the prepared
annotation index (presis.inputs.reference_cache.subset_gff3), for every annotation step."""

from presis.inputs.bed import read_panel
from presis.inputs.reference_cache import subset_gff3
from presis.step_runner import step_log

log = step_log(snakemake)
panel = read_panel(snakemake.input.panel)
regions = panel[["chrom", "start", "end"]].itertuples(index=False)
genes = subset_gff3(snakemake.input.gff3, snakemake.output[0], regions=regions)
log.info("%d genes near %d panel targets", genes, len(panel))
