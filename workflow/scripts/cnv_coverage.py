"""Snakemake script: read depth of one sample in the on- and off-target bins (CNVkit coverage)."""

from presis.copynumber.cnvkit_steps import sample_coverage
from presis.step_runner import step_log

log = step_log(snakemake)
inputs, outputs, mapq = snakemake.input, snakemake.output, snakemake.params.min_mapq
for bins, cnn in ((inputs.targets, outputs.targets), (inputs.antitargets, outputs.antitargets)):
    log.info("%s: %d bins", cnn, sample_coverage(inputs.bam, bins, cnn, mapq))
