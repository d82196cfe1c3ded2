"""Snakemake script: the genome's accessible regions for CNVkit's off-target bins, once, into the
reference cache (presis.copynumber.cnvkit_steps.write_access, presis.inputs.reference_cache)."""

import json
from pathlib import Path

from presis.copynumber.cnvkit_steps import write_access
from presis.inputs.reference_cache import MANIFEST, building
from presis.step_runner import step_log

log = step_log(snakemake)
final = Path(snakemake.output.manifest).parent
with building(final) as folder:
    if folder is None:
        log.info("accessible regions completed meanwhile by another run: %s", final)
    else:
        regions = write_access(snakemake.input.fasta, folder / Path(snakemake.output.bed).name)
        (folder / MANIFEST).write_text(json.dumps({"fasta": snakemake.input.fasta, "regions": regions}, indent=2))
        log.info("%d accessible regions: %s", regions, final)
