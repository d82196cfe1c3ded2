"""Reference preparation and the checks that catch a wrong reference early."""

from __future__ import annotations

import gzip
import hashlib
import shutil
from pathlib import Path

import pysam

from presis.errors import InputError
from presis.inputs.bed import read_panel

GZIP_MAGIC = b"\x1f\x8b"


def sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def prepare_fasta(source: str | Path, target: str | Path) -> None:
    """A plain FASTA copy with a .fai: every tool reads it, whatever the input's compression."""
    with open(source, "rb") as fh:
        compressed = fh.read(2) == GZIP_MAGIC
    opener = gzip.open if compressed else open
    with opener(source, "rb") as src, open(target, "wb") as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
    try:
        pysam.faidx(str(target))
    except pysam.SamtoolsError as error:
        raise InputError(f"not a valid FASTA ({error}): check reference.fasta", str(source)) from error


def gff3_contigs(path: str | Path) -> set[str]:
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt") as fh:
        return {line.split("\t", 1)[0] for line in fh if line.strip() and not line.startswith("#")}


def check_reference(fasta: str | Path, gff3: str | Path, panel: str | Path | None) -> None:
    """The FASTA, the annotation and the panel (when given as a BED) must name the same contigs."""
    check_contigs(list(pysam.FastaFile(str(fasta)).references), gff3_contigs(gff3), panel, fasta, gff3)


def check_contigs(
    contigs: list[str], annotated: set[str], panel: str | Path | None, fasta: str | Path, gff3: str | Path
) -> None:
    """check_reference on the contig names a prepared reference recorded (presis.inputs.reference_cache)."""
    problems = []
    if panel:
        try:
            read_panel(panel, contigs)
        except InputError as error:
            problems += [f"panel {panel}: {p}" for p in error.problems]
    if not set(annotated) & set(contigs):
        problems.append(
            f"the GFF3 {gff3} names none of the FASTA's contigs ({', '.join(contigs[:5])}…): "
            "FASTA and annotation must come from the same reference (check chr prefixes and build)"
        )
    if problems:
        raise InputError(problems, f"reference {fasta}")
