"""Snakemake script: the STAR index of the reference with its annotated splice junctions, once, into
the reference cache (presis.rna.star, presis.inputs.reference_cache)."""

import json
import subprocess
from pathlib import Path

from presis.annotation.transcripts import load_transcripts
from presis.inputs.reference_cache import MANIFEST, building
from presis.rna import star
from presis.step_runner import step_log

log = step_log(snakemake)
final = Path(snakemake.output.manifest).parent
with building(final) as folder:
    if folder is None:
        log.info("STAR index completed meanwhile by another run: %s", final)
    else:
        junctions = folder / "annotated_junctions.tsv"
        count = star.write_junctions(load_transcripts(snakemake.input.gff3), junctions)
        nbases = star.sa_index_bases(star.genome_length(snakemake.input.fai))
        log.info("%d annotated introns; --genomeSAindexNbases %d", count, nbases)
        command = [
            "STAR", "--runMode", "genomeGenerate", "--runThreadN", str(snakemake.params.threads),
            "--genomeDir", str(folder), "--genomeFastaFiles", snakemake.input.fasta,
            "--genomeSAindexNbases", str(nbases), "--genomeSAsparseD", str(snakemake.params.settings["sa_sparse"]),
            "--sjdbFileChrStartEnd", str(junctions), "--sjdbOverhang", str(snakemake.params.settings["sjdb_overhang"]),
            "--outFileNamePrefix", str(folder) + "/", "--outTmpDir", str(folder / "_tmp"),
        ]  # fmt: skip
        with open(snakemake.log[0], "a") as handle:
            subprocess.run(command, check=True, stdout=handle, stderr=handle)
        manifest = {"fasta": snakemake.input.fasta, "gff3": snakemake.input.gff3, **snakemake.params.settings}
        (folder / MANIFEST).write_text(json.dumps({**manifest, "annotated_introns": count}, indent=2))
        log.info("STAR index: %s", final)
