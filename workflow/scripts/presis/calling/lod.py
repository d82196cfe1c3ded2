"""Limits of detection: the lowest VAF a site's depth lets the caller see.

A variant at allele fraction f in d reads shows X ~ Binomial(d, f) alt reads; the caller
needs at least m (somatic.min_alt_reads). The limit of detection at a site is the lowest f
with P(X >= m) >= 0.95, floored at the caller's own minimum VAF (somatic.min_vaf).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

POWER = 0.95


def detection_probability(depth: int, vaf: float, min_alt: int) -> float:
    """P(Binomial(depth, vaf) >= min_alt)."""
    if min_alt <= 0:
        return 1.0
    if depth < min_alt or vaf <= 0:
        return 0.0
    if vaf >= 1:
        return 1.0
    log_p, log_q = math.log(vaf), math.log1p(-vaf)
    below = sum(
        math.exp(
            math.lgamma(depth + 1) - math.lgamma(k + 1) - math.lgamma(depth - k + 1) + k * log_p + (depth - k) * log_q
        )
        for k in range(min_alt)
    )
    return max(0.0, 1.0 - below)


def limit_of_detection(depth: int, min_alt: int, min_vaf: float, power: float = POWER) -> float | None:
    """Lowest VAF detected with ``power`` at this depth; None when even VAF 1 is not (depth < min_alt)."""
    if depth < min_alt:
        return None
    low, high = 0.0, 1.0
    for _ in range(50):  # bisection to ~1e-15; detection probability rises with VAF
        middle = (low + high) / 2
        if detection_probability(depth, middle, min_alt) >= power:
            high = middle
        else:
            low = middle
    return max(high, min_vaf)


@dataclass(frozen=True)
class SiteLoD:
    depth: int
    lod: float | None
    evaluable: bool

    def statement(self) -> str:
        if not self.evaluable:
            return f"not evaluable (depth {self.depth})"
        return f"not detected (LoD {100 * self.lod:.1f} %)"


def site_lod(depth: int, min_alt: int, min_vaf: float, min_depth: int, max_lod: float) -> SiteLoD:
    """Evaluable when the depth reaches the caller's minimum and the LoD is at most ``max_lod``."""
    lod = limit_of_detection(depth, min_alt, min_vaf)
    evaluable = depth >= min_depth and lod is not None and lod <= max_lod
    return SiteLoD(depth, lod, evaluable)
