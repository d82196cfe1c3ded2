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
    """Contigs the GFF3 has features on or declares (``##sequence-region``): a benchmark reference
    may declare its contig without annotating any gene on it."""
    return {*gff3_sequence_regions(path), *_feature_contigs(path)}


def _feature_contigs(path: str | Path) -> set[str]:
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt") as fh:
        return {line.split("\t", 1)[0] for line in fh if line.strip() and not line.startswith("#")}


def gff3_sequence_regions(path: str | Path) -> dict[str, int]:
    """``##sequence-region NAME START END`` directives: name -> declared end (the contig's length)."""
    opener = gzip.open if str(path).endswith(".gz") else open
    regions = {}
    with opener(path, "rt") as fh:
        for line in fh:
            if not line.startswith("#"):
                break  # directives come first; the features follow
            fields = line.split()
            if fields[0] == "##sequence-region" and len(fields) == 4 and fields[3].isdigit():
                regions[fields[1]] = int(fields[3])
    return regions


def check_reference(fasta: str | Path, gff3: str | Path, panel: str | Path | None) -> None:
    """The FASTA, the annotation and the panel (when given as a BED) must name the same contigs,
    and a contig the GFF3 declares must have the FASTA's length (same name, other build: refused)."""
    with pysam.FastaFile(str(fasta)) as handle:
        lengths = dict(zip(handle.references, handle.lengths, strict=True))
    check_contigs(lengths, gff3_contigs(gff3), gff3_sequence_regions(gff3), panel, fasta, gff3)


def check_contigs(
    lengths: dict[str, int],
    annotated: set[str],
    declared: dict[str, int],
    panel: str | Path | None,
    fasta: str | Path,
    gff3: str | Path,
) -> None:
    """check_reference on what a prepared reference recorded (presis.inputs.reference_cache): the
    FASTA's contig lengths, the GFF3's contigs and its declared ``##sequence-region`` lengths."""
    contigs = list(lengths)
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
    for name, length in sorted(declared.items()):
        if name in lengths and length != lengths[name]:
            problems.append(
                f"the GFF3 {gff3} declares {name} with {length:,} bases, the FASTA's {name} has "
                f"{lengths[name]:,}: FASTA and annotation come from different builds or slices"
            )
    if problems:
        raise InputError(problems, f"reference {fasta}")
