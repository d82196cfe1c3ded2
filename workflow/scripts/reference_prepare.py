"""Snakemake script: plain indexed FASTA copy, reference checks, sha256 of the inputs."""

import json

from presis.inputs.reference import check_reference, prepare_fasta, sha256
from presis.step_runner import step_log

log = step_log(snakemake)
panel = snakemake.input.panel or None  # absent when the panel is built from a gene list
prepare_fasta(snakemake.input.fasta, snakemake.output.fasta)
check_reference(snakemake.output.fasta, snakemake.input.gff3, panel)
files = {
    "fasta": snakemake.input.fasta,
    "gff3": snakemake.input.gff3,
    **{k: v for k, v in snakemake.params.optional.items() if v},
}
if panel:
    files["panel"] = panel
checksums = {
    name: {"file": str(path).rsplit("/", 1)[-1], "sha256": sha256(path)} for name, path in sorted(files.items())
}
with open(snakemake.output.checksums, "w") as fh:
    json.dump(checksums, fh, indent=2, sort_keys=True)
log.info("reference checksums: %s", checksums)
