"""Snakemake script: the prepared reference checked against the panel; sha256 of the inputs."""

import json
from pathlib import Path

from presis.inputs.reference import check_contigs
from presis.inputs.reference_cache import file_sha256
from presis.step_runner import step_log

log = step_log(snakemake)
panel = snakemake.input.panel or None  # absent when the panel is built from a gene list
genome = json.loads(Path(snakemake.input.genome).read_text())
annotation = json.loads(Path(snakemake.input.annotation).read_text())
check_contigs(
    genome["contigs"],
    set(annotation["contigs"]),
    annotation.get("sequence_regions", {}),
    panel,
    snakemake.input.fasta,
    snakemake.input.gff3,
)
files = {
    "fasta": snakemake.input.fasta,
    "gff3": snakemake.input.gff3,
    **{k: v for k, v in snakemake.params.optional.items() if v},
}
if panel:
    files["panel"] = panel
cache = Path(snakemake.input.genome).parents[1]  # <cache>/genome-<sha>/manifest.json
checksums = {
    name: {"file": str(path).rsplit("/", 1)[-1], "sha256": file_sha256(path, cache)}
    for name, path in sorted(files.items())
}
with open(snakemake.output.checksums, "w") as fh:
    json.dump(checksums, fh, indent=2, sort_keys=True)
log.info("reference checksums: %s", checksums)
