"""Snakemake script: CNVkit on- and off-target bins of the panel (presis.copynumber.cnvkit_steps)."""

from presis.copynumber.cnvkit_steps import make_bins
from presis.step_runner import step_log

log = step_log(snakemake)
settings = snakemake.params.settings
n_targets, n_anti = make_bins(
    snakemake.input.panel,
    None,  # the accessible regions come from the reference cache (access_bed)
    snakemake.output.targets,
    snakemake.output.antitargets,
    settings["target_avg_size"],
    settings["antitarget_avg_size"],
    settings["off_target"],
    access_bed=snakemake.input.access,
)
log.info("%d on-target and %d off-target bins", n_targets, n_anti)
