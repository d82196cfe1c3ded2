"""STAR settings: index size parameters, annotated splice junctions, and the chimeric-detection options."""

from __future__ import annotations

import functools
import math
import shutil
import subprocess
from pathlib import Path

from presis.annotation.transcripts import TranscriptIndex

# Arriba's documented STAR options for fusion detection (Arriba docs, "Workflow"; suhrig/arriba run_arriba.sh),
# except --chimOutType: Junctions (Chimeric.out.junction, which presis reads) instead of WithinBAM, the form
# STAR 2.7.10b supports together with --chimMultimapNmax.
ARRIBA_OPTIONS = [
    "--outFilterMultimapNmax", "50",
    "--peOverlapNbasesMin", "10",
    "--alignSplicedMateMapLminOverLmate", "0.5",
    "--alignSJstitchMismatchNmax", "5", "-1", "5", "5",
    "--chimSegmentMin", "10",
    "--chimOutType", "Junctions",
    "--chimJunctionOverhangMin", "10",
    "--chimScoreDropMax", "30",
    "--chimScoreJunctionNonGTAG", "0",
    "--chimScoreSeparation", "1",
    "--chimSegmentReadGapMax", "3",
    "--chimMultimapNmax", "50",
]  # fmt: skip


@functools.cache
def star_version(executable: str = "STAR") -> str | None:
    """The version ``STAR --version`` prints (e.g. 2.7.10b), or None when STAR is not on PATH.
    Part of the STAR index's cache key: STAR refuses an index made by an incompatible version.
    Asked once per process (~20 ms), so reading the workflow stays cheap."""
    found = shutil.which(executable)
    if found is None:
        return None
    done = subprocess.run([found, "--version"], capture_output=True, text=True, timeout=60, check=True)
    return done.stdout.strip() or None


def sa_index_bases(genome_length: int) -> int:
    """--genomeSAindexNbases: min(14, log2(GenomeLength)/2 - 1), the STAR manual's rule for small genomes
    (14 for a full human genome; 10 for the 13-Mb test genome)."""
    return max(4, min(14, int(math.log2(max(genome_length, 2)) / 2 - 1)))


def genome_length(fai: str | Path) -> int:
    with open(fai) as handle:
        return sum(int(line.split("\t")[1]) for line in handle if line.strip())


def write_junctions(index: TranscriptIndex, path: str | Path) -> int:
    """Annotated introns (contig, first base, last base, strand) for --sjdbFileChrStartEnd; their count."""
    introns = set()
    for tx in index:
        for (_, end), (start, _) in zip(tx.exons, tx.exons[1:], strict=False):
            if start - end > 1:
                introns.add((tx.contig, end + 1, start - 1, tx.strand))
    with open(path, "w") as handle:
        for contig, start, end, strand in sorted(introns):
            handle.write(f"{contig}\t{start}\t{end}\t{strand}\n")
    return len(introns)
