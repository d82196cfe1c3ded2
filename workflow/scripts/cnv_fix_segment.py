"""Snakemake script: the tumour's bin log2 ratios against the reference, and their segments (CNVkit fix, segment)."""

from presis.copynumber.cnvkit_steps import fix_and_segment
from presis.step_runner import step_log

log = step_log(snakemake)
inputs = snakemake.input
fix_and_segment(
    inputs.targets,
    inputs.antitargets,
    inputs.reference,
    snakemake.output.cnr,
    snakemake.output.cns,
    snakemake.params.method,
    snakemake.params.gc_correction,
    snakemake.params.edge_correction,
)
log.info("log2 ratios and segments written")
