"""In-silico mixtures of real reads: one person's read pairs split in halves by name, another
person's pairs mixed in (the design of published somatic-caller benchmarks on GIAB mixtures).

The split is a deterministic hash of the read name (and a salt), so a pair always lands in
the same half whatever the file order, and both mates stay together.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pysam


def pair_name(name: str) -> str:
    """The name both mates share (without a /1 or /2 suffix)."""
    return name[:-2] if name.endswith(("/1", "/2")) else name


def in_first_half(name: str, salt: str, fraction: float = 0.5) -> bool:
    """Whether the pair goes to the first part: sha256 of salt:name below ``fraction`` of the range."""
    digest = hashlib.sha256(f"{salt}:{pair_name(name)}".encode()).digest()
    return int.from_bytes(digest[:8], "big") < fraction * 2**64


def read_pairs(r1: str | Path, r2: str | Path) -> Iterator[tuple[pysam.FastxRecord, pysam.FastxRecord]]:
    with pysam.FastxFile(str(r1)) as one, pysam.FastxFile(str(r2)) as two:
        for first, second in zip(one, two, strict=True):
            if pair_name(first.name) != pair_name(second.name):
                raise ValueError(f"{r1} and {r2} are not in the same order: {first.name} vs {second.name}")
            yield first, second


def _fastq(record: pysam.FastxRecord) -> str:
    return f"@{record.name}\n{record.sequence}\n+\n{record.quality}\n"


def write_pairs(sources: list[tuple[Path, Path, Callable[[str], bool]]], r1_out: str | Path, r2_out: str | Path) -> int:
    """The pairs of each (R1, R2, keep) source whose name ``keep`` accepts, concatenated into one
    FASTQ pair (gzip); returns the number of pairs written."""
    count = 0
    with gzip.open(r1_out, "wt", compresslevel=4) as out1, gzip.open(r2_out, "wt", compresslevel=4) as out2:
        for r1, r2, keep in sources:
            for first, second in read_pairs(r1, r2):
                if keep(first.name):
                    out1.write(_fastq(first))
                    out2.write(_fastq(second))
                    count += 1
    return count


def split_halves(
    r1: Path, r2: Path, salt: str, folder: Path, names: tuple[str, str]
) -> tuple[tuple[Path, Path], tuple[Path, Path]]:
    """One person's pairs in two halves by name hash, written as ``folder/NAME_R{1,2}.fastq.gz``."""
    halves = []
    for name, first in zip(names, (True, False), strict=True):
        files = (folder / f"{name}_R1.fastq.gz", folder / f"{name}_R2.fastq.gz")

        def keep(read: str, first: bool = first) -> bool:
            return in_first_half(read, salt) == first

        write_pairs([(r1, r2, keep)], *files)
        halves.append(files)
    return halves[0], halves[1]
