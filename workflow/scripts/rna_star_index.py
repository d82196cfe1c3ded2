"""Snakemake script: the STAR index of the reference with its annotated splice junctions (presis.rna.star)."""

import subprocess
from pathlib import Path

from presis.annotation.transcripts import load_transcripts
from presis.rna import star
from presis.step_runner import step_log

log = step_log(snakemake)
folder = Path(snakemake.output.index)
folder.mkdir(parents=True, exist_ok=True)
junctions = folder / "annotated_junctions.tsv"
count = star.write_junctions(load_transcripts(snakemake.input.gff3), junctions)
nbases = star.sa_index_bases(star.genome_length(snakemake.input.fai))
log.info("%d annotated introns; --genomeSAindexNbases %d", count, nbases)
command = [
    "STAR", "--runMode", "genomeGenerate", "--runThreadN", str(snakemake.params.threads),
    "--genomeDir", str(folder), "--genomeFastaFiles", snakemake.input.fasta,
    "--genomeSAindexNbases", str(nbases), "--genomeSAsparseD", str(snakemake.params.sa_sparse),
    "--sjdbFileChrStartEnd", str(junctions), "--sjdbOverhang", str(snakemake.params.sjdb_overhang),
    "--outFileNamePrefix", str(folder) + "/", "--outTmpDir", str(folder / "_tmp"),
]  # fmt: skip
with open(snakemake.log[0], "a") as handle:
    subprocess.run(command, check=True, stdout=handle, stderr=handle)
