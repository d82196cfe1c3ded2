"""Cheap FASTQ checks: is this a gzip FASTQ whose first record reads?

The Snakefile loads the sample sheet for every cluster job, so these checks read at
most the first record of each file. A file that is damaged further in is caught by
``gzip -t`` in the qc_fastp rule, before fastp (which accepts truncated gzip silently).
"""

from __future__ import annotations

import gzip
import re
import zlib
from pathlib import Path

GZIP_MAGIC = b"\x1f\x8b"
# Longer than any short read, short enough that a binary file posing as FASTQ stays cheap.
MAX_LINE_BYTES = 1 << 20
# IUPAC nucleotide codes and '.', which some instruments write for an uncalled base.
SEQUENCE = re.compile(rb"^[ACGTUNRYSWKMBDHVacgtunryswkmbdhv.]+$")
# Phred+33 quality characters: '!' (0) to '~' (93).
QUALITY = re.compile(rb"^[!-~]+$")

RECOPY = "copy the file again from the sequencer output"


def fastq_problem(path: Path) -> str | None:
    """What is wrong with the gzip FASTQ at ``path`` and how to fix it, or None if it reads.

    One sentence, naming the file: "<path>: <what is wrong> — <how to fix>".
    """
    problem = file_problem(path) or gzip_problem(path)
    if problem:
        return problem
    try:
        lines = first_record(path)
    except (OSError, EOFError, zlib.error) as error:
        # Truncated or corrupt gzip, or a read error from the disk.
        return f"{path}: the first read cannot be decompressed ({error}) — the file is truncated or corrupt; {RECOPY}"
    problem = record_problem(lines)
    return f"{path}: {problem}" if problem else None


def file_problem(path: Path) -> str | None:
    """Missing, a folder, or a dangling link: the file itself is not there."""
    if path.is_symlink() and not path.exists():
        return f"{path} is a symbolic link to a missing file — point the sheet at the FASTQ itself or repair the link"
    if not path.exists():
        return f"file not found: {path} — correct the path (relative paths are read from the sheet's folder)"
    if not path.is_file():
        return f"{path} is not a regular file (a folder?) — name the FASTQ file itself"
    return None


def gzip_problem(path: Path) -> str | None:
    """Unreadable, empty or not gzip-compressed (checked by the first two bytes, not the name)."""
    try:
        with open(path, "rb") as handle:
            magic = handle.read(len(GZIP_MAGIC))
    except OSError as error:
        return f"{path}: cannot be read ({error.strerror}) — check the file's permissions"
    if not magic:
        return f"{path} is empty (0 bytes) — {RECOPY}"
    if magic != GZIP_MAGIC:
        return f"{path} is not gzip-compressed — compress it with gzip or bgzip (a gzip file starts with bytes 1f 8b)"
    return None


def first_record(path: Path) -> list[bytes]:
    """Up to four decompressed lines (without line endings); fewer when the file ends early.

    Raises OSError, EOFError or zlib.error when the gzip stream is damaged.
    """
    lines = []
    with gzip.open(path, "rb") as handle:
        for _ in range(4):
            line = handle.readline(MAX_LINE_BYTES)
            if not line:
                break
            lines.append(line.rstrip(b"\r\n"))
    return lines


def record_problem(lines: list[bytes]) -> str | None:
    """What is wrong with a 4-line FASTQ record, or None."""
    if not lines:
        return f"decompresses to nothing: the file holds no reads — {RECOPY}"
    header = lines[0]
    if not header.startswith(b"@") or len(header) < 2:
        return f"the first line is not a FASTQ header ('@' and a read name), it starts {shown(header)} — is this a FASTQ file?"
    if len(lines) < 4:
        return f"the first read is incomplete ({len(lines)} of 4 lines) — the file is truncated; {RECOPY}"
    _, sequence, separator, quality = lines
    if not SEQUENCE.match(sequence):
        return f"line 2 of the first read is not a DNA sequence: {shown(sequence)} — is this a FASTQ file (4 lines per read)?"
    if not separator.startswith(b"+"):
        return f"line 3 of the first read should start with '+', it is {shown(separator)} — is this a FASTQ file (4 lines per read)?"
    if len(quality) != len(sequence):
        return f"the first read has {len(sequence)} bases but {len(quality)} quality characters — the file is corrupt; {RECOPY}"
    if not QUALITY.match(quality):
        return f"the first read's quality line is not Phred+33 text: {shown(quality)} — the file is corrupt; {RECOPY}"
    return None


def shown(text: bytes, limit: int = 30) -> str:
    """A short printable excerpt of raw file bytes for a message."""
    excerpt = text[:limit].decode("ascii", errors="replace")
    return repr(excerpt + ("…" if len(text) > limit else ""))
