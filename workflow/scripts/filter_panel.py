"""Snakemake script: panel and reporting filters (presis.annotation.panel_filter)."""

import pandas as pd

from presis.annotation.panel_filter import apply_panel_filter, filter_counts
from presis.inputs.bed import PanelIndex, read_panel
from presis.step_runner import step_log

log = step_log(snakemake)
table = pd.read_csv(snakemake.input.table, sep="\t", keep_default_na=False, na_values=[""])
filtered = apply_panel_filter(table, PanelIndex(read_panel(snakemake.input.panel)).genes_at, snakemake.params.report)
filtered.to_csv(snakemake.output[0], sep="\t", index=False)
log.info("reportable: %d of %d; filters: %s", filtered["reportable"].sum(), len(filtered), filter_counts(filtered))
