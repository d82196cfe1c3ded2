"""Compare called variants with a truth set by (chrom, pos, ref, alt).

Both sides must be normalised the same way (split multi-allelics, left-aligned:
`bcftools norm -m-any -f REF`); presis' calls already are.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cyvcf2 import VCF

Key = tuple[str, int, str, str]


def is_indel(key: Key) -> bool:
    return len(key[2]) != len(key[3])


def vcf_keys(path: str | Path, pass_only: bool = False, within=None) -> dict[Key, object]:
    """Variant keys -> record INFO (as dict); ``within(chrom, pos, end)`` restricts to a region set."""
    keys = {}
    for record in VCF(str(path)):
        if pass_only and record.FILTER not in (None, "PASS"):
            continue
        end = record.POS + len(record.REF) - 1
        if within is not None and not within(record.CHROM, record.POS, end):
            continue
        for alt in record.ALT:
            keys[(record.CHROM, record.POS, record.REF, alt)] = dict(record.INFO)
    return keys


def vcf_records(path: str | Path, within=None) -> dict[Key, tuple[str, dict]]:
    """Variant keys -> (FILTER, INFO as dict) of every record, whatever its FILTER.

    FILTER is ``PASS`` for a passing record (cyvcf2 reports PASS and "." as None).
    """
    records = {}
    for record in VCF(str(path)):
        end = record.POS + len(record.REF) - 1
        if within is not None and not within(record.CHROM, record.POS, end):
            continue
        status = record.FILTER or "PASS"
        for alt in record.ALT:
            records[(record.CHROM, record.POS, record.REF, alt)] = (status, dict(record.INFO))
    return records


@dataclass(frozen=True)
class Score:
    tp: int
    fp: int
    fn: int

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: Score) -> Score:
        return Score(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)


def score(called: set[Key] | dict, truth: set[Key] | dict) -> Score:
    called, truth = set(called), set(truth)
    return Score(tp=len(called & truth), fp=len(called - truth), fn=len(truth - called))
