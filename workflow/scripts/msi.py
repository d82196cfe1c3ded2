"""Snakemake script: microsatellite instability, tumour vs normal (presis.analyses.msi)."""

import json

import pysam

from presis.analyses.msi import analyse
from presis.inputs.bed import merge_intervals, read_panel
from presis.step_runner import step_log

log = step_log(snakemake)
bams = list(snakemake.input.bams)  # tumour first, then the normal if there is one
with pysam.FastaFile(snakemake.input.ref) as reference:
    result = analyse(
        reference,
        merge_intervals(read_panel(snakemake.input.panel, list(reference.references))),
        bams[0],
        bams[1] if len(bams) > 1 else None,
        snakemake.params.settings,
        snakemake.params.min_mapq,
    )
with open(snakemake.output[0], "w") as fh:
    json.dump(result, fh, indent=2, sort_keys=True)
log.info("MSI %s: %s", result["status"], result["reason"])
