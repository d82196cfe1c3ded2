"""Snakemake script: microsatellite instability, tumour vs normal (presis.msi)."""

import json
import logging

from presis.msi import analyse
from presis.simulate import load_reference, read_targets

logging.basicConfig(filename=snakemake.log[0], level=logging.INFO, format="%(asctime)s %(message)s")
bams = list(snakemake.input.bams)  # tumour first, then the normal if there is one
result = analyse(
    load_reference(snakemake.input.ref),
    read_targets(snakemake.input.panel),
    bams[0],
    bams[1] if len(bams) > 1 else None,
    snakemake.params.settings,
    snakemake.params.min_mapq,
)
with open(snakemake.output[0], "w") as fh:
    json.dump(result, fh, indent=2, sort_keys=True)
logging.info("MSI %s: %s", result["status"], result["reason"])
