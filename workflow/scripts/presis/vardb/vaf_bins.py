"""VAF bins: the one definition of presis' allele-fraction classes.

The national variant database (presis.vardb) shares only a bin, never the exact VAF: an exact
fraction with its depth is close to a fingerprint of one sample. The bins follow the usual
clinical reading — subclonal/ctDNA-level (< 1 %), low (1–5 %), clonal somatic (5–35 %), and
heterozygous/homozygous or clonal-with-LOH (≥ 35 %).
"""

from __future__ import annotations

import math

# (label, lower bound inclusive, upper bound exclusive)
BINS: tuple[tuple[str, float, float], ...] = (
    ("<0.01", 0.0, 0.01),
    ("0.01-0.05", 0.01, 0.05),
    ("0.05-0.35", 0.05, 0.35),
    (">=0.35", 0.35, math.inf),
)
LABELS: tuple[str, ...] = tuple(label for label, _, _ in BINS)


def vaf_bin(vaf: float) -> str:
    """The bin label of an allele fraction in [0, 1]; a missing or impossible VAF is an error."""
    if vaf is None or not isinstance(vaf, (int, float)) or math.isnan(vaf) or not 0 <= vaf <= 1:
        raise ValueError(f"VAF {vaf!r} is not a fraction between 0 and 1")
    return next(label for label, low, high in BINS if low <= vaf < high)
