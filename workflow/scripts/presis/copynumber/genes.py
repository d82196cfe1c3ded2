"""Gene-level copy-number calls from CNVkit's bin log2 ratios (``.cnr``), purity-adjusted.

One call per panel gene from a fixed vocabulary (``CALLS``), each with its reason in words.

Model. CNVkit centres the on-target log2 ratios on the sample's median, so a ratio R = 2^log2 is
relative to the normal copy number n0 of the locus (2; 1 for chrX/chrY in a male). A tumour of
purity p with c copies in its tumour cells shows R = (p·c + (1 − p)·n0) / n0, hence the
purity-adjusted copy number c = n0·(R − (1 − p)) / p (Talevich 2016, ``cnvkit.py call -m clonal``).
Without a purity presis gives c = n0·R (as if p = 1): an amplification then still counts (its true
copy number is higher), but a deep loss cannot be told from a homozygous deletion.

Per gene: the mean log2 of its capture targets, each target the weighted mean of its bins (CNVkit's
bin weights) and counted once (``gene_log2``: the bins of one target err together), the number of
bins (``targets``) and z = log2 / (per-target noise / √capture targets), where the per-target noise is
the sample's robust standard deviation of capture targets within genes (``target_noise``; the bins of one
target err together, so counting bins would overstate z). A call other than neutral needs |z| ≥
``min_z``: an isolated noisy gene never becomes an amplification. The copy number's 95 % interval comes from the
gene's log2 ± 1.96 standard errors (``log2_standard_error``: the per-target noise ``target_noise`` or
the gene's own target spread, over √capture targets) carried through the purity adjustment (with an
estimated purity, at either end of its range: ``median_interval``); an
amplification whose interval reaches below ``amplification_cn`` (a homozygous deletion whose interval
reaches ``homdel_cn``) says so in its reason. Thresholds (config ``copy_number:``):
``amplification_cn`` (≥ 6 as Twist_Solid), ``gain_cn``, ``loss_cn``, ``homdel_cn`` (< 0.5),
``min_targets``, ``min_purity``, ``max_noise``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

CALLS = ("amplification", "gain", "neutral", "loss", "homozygous_deletion", "not_evaluable")
ANTITARGET = "Antitarget"
# CNVkit writes bins without reads at this log2 (NULL_LOG2_COVERAGE); a zero-depth gene keeps it.
MIN_LOG2 = -20.0
SEX_CHROMOSOMES = ("chrX", "chrY")


@dataclass(frozen=True)
class Purity:
    """The tumour purity used for the adjustment, and where it came from."""

    value: float | None
    source: str  # sample_sheet | somatic_vafs | none
    detail: str
    # An estimate's range (median_interval), carried into every copy-number interval; a sheet purity
    # is taken as given (None).
    interval: tuple[float, float] | None = None
    interval_coverage: float | None = None  # how often such a range holds the median (median_interval)

    def as_dict(self) -> dict:
        return {
            "value": self.value,
            "source": self.source,
            "detail": self.detail,
            "interval": list(self.interval) if self.interval else None,
        }


def read_cnr(path) -> pd.DataFrame:
    return pd.read_csv(path, sep="\t", dtype={"chromosome": str, "gene": str})


def on_target(cnr: pd.DataFrame) -> pd.DataFrame:
    return cnr[cnr["gene"] != ANTITARGET]


def robust_sd(deviations: np.ndarray) -> float:
    """1.4826 × the median absolute deviation: the SD of normal errors, robust to altered outliers."""
    return 1.4826 * float(np.median(np.abs(deviations)))


def spread(values: np.ndarray) -> float:
    """``robust_sd`` of values around their median, log2 floored at -5 (a deleted bin's -inf-like values)."""
    values = np.clip(values, -5.0, None)
    return robust_sd(values - np.median(values))


def bin_spread(rows: pd.DataFrame) -> float:
    """A gene's robust per-bin SD (``spread`` of its bins' log2); NaN below 3 bins."""
    if len(rows) < 3:
        return math.nan
    return spread(rows["log2"].to_numpy())


def target_groups(rows: pd.DataFrame) -> np.ndarray:
    """A number per bin naming its capture target: CNVkit splits a target into adjacent bins (each
    starts where the last ended), and those bins share the target's capture and library effects."""
    chrom, start, end = rows["chromosome"].to_numpy(), rows["start"].to_numpy(), rows["end"].to_numpy()
    new = np.ones(len(rows), dtype=bool)
    new[1:] = (start[1:] != end[:-1]) | (chrom[1:] != chrom[:-1])
    return np.cumsum(new)


def target_log2(rows: pd.DataFrame, floor: float = MIN_LOG2) -> np.ndarray:
    """Each capture target's log2: the weighted mean of its bins (CNVkit's bin weights)."""
    values = rows["log2"].clip(lower=floor).to_numpy(dtype=float)
    weights = rows["weight"].to_numpy(dtype=float) if "weight" in rows else np.ones(len(rows))
    weights = np.where(weights > 0, weights, 1e-4)
    groups = target_groups(rows)
    sums = pd.Series(values * weights).groupby(groups).sum()
    return (sums / pd.Series(weights).groupby(groups).sum()).to_numpy()


def target_noise(cnr: pd.DataFrame) -> float:
    """Robust SD of one capture target's log2 around its gene's level: 1.4826 × the median absolute
    deviation of the target log2s from their gene's median, pooled over genes with at least 3 targets.
    It is the per-target error that a gene mean averages over — the bins of one target err together
    (sample_noise, per bin, would make a gene of 8 bins in 3 exons look 1.6 times surer than it is)."""
    residuals = []
    for _, rows in on_target(cnr).groupby("gene", sort=False):
        values = target_log2(rows, floor=-5.0)
        if len(values) >= 3:
            residuals.append(values - np.median(values))
    if not residuals:
        return math.nan
    return robust_sd(np.concatenate(residuals))


def sample_noise(cnr: pd.DataFrame) -> float:
    """Robust per-bin standard deviation of the on-target log2 ratios: per gene with at least 3 bins,
    1.4826 × the median absolute deviation of its bins from the gene's median; the median over genes.
    A gene's own copy-number level never counts, and a deeply deleted gene (few reads, noisy bins)
    moves the median no more than any other gene — the sample-wide spread of all bins would call
    a tumour with large deletions noisy."""
    spreads = [bin_spread(rows) for _, rows in on_target(cnr).groupby("gene", sort=False) if len(rows) >= 3]
    return float(np.median(spreads)) if spreads else math.nan


def normal_copies(chromosome: str, sex: str | None) -> tuple[int | None, str | None]:
    """Copies a normal cell has of a locus on this real chromosome; None with a reason when unknown."""
    if chromosome not in SEX_CHROMOSOMES:
        return 2, None
    if sex == "male":
        return 1, None
    if sex == "female":
        return (2, None) if chromosome == "chrX" else (None, "chrY gene in a female patient")
    return None, f"{chromosome} gene and the patient's sex is not given (sample sheet column sex)"


def adjusted_copy_number(log2: float, purity: float | None, n0: int) -> float:
    ratio = 2.0**log2
    if purity is None:
        return n0 * ratio
    return max(0.0, n0 * (ratio - (1.0 - purity)) / purity)


def _gene_rows(cnr: pd.DataFrame, genes: list[str]) -> dict[str, pd.DataFrame]:
    bins = on_target(cnr)
    found = {gene: rows for gene, rows in bins.groupby("gene", sort=False)}
    return {gene: found.get(gene, bins.iloc[:0]) for gene in genes}


# Two-sided 95 % quantile of the normal distribution: the copy-number interval is the gene's log2 ± this
# many standard errors, carried through the purity adjustment (a convention, not a tuned threshold).
INTERVAL_Z = 1.96
# A gene-level log2 error that averaging over targets does not remove (the edge correction's trend, shared
# by a gene's alike targets; recentring), added in quadrature: chosen on the tuning sets so that the 95 %
# interval holds the true copy number of altered and of few-target genes in ~95 % of cases (0: 85 % /
# 90 %; 0.04: 94 % / 94 %; docs/copy-number.md).
GENE_LOG2_SD_FLOOR = 0.04


def gene_log2(rows: pd.DataFrame) -> tuple[float, np.ndarray]:
    """A gene's log2 — the mean of its capture targets' log2, each target counted once — and the target
    log2s. A target split into several bins is one measurement (its bins share the target's capture
    and library effects), so a long exon must not outweigh the gene's other exons."""
    values = target_log2(rows)
    return float(values.mean()), values


def log2_standard_error(target_values: np.ndarray, noise: float) -> float:
    """Standard error of a gene's log2: the larger of the sample's per-target noise (``target_noise``)
    and the gene's own target spread (3 targets or more), over √targets, with the floor
    ``GENE_LOG2_SD_FLOOR`` added in quadrature."""
    n = len(target_values)
    if not n:
        return math.inf
    per_target = noise if not math.isnan(noise) else 0.0
    if n >= 3:
        per_target = max(per_target, spread(target_values))
    return math.sqrt(per_target**2 / n + GENE_LOG2_SD_FLOOR**2)


def copy_number_interval(
    log2: float, se: float, purity: float | None, n0: int, purity_range: tuple[float, float] | None = None
) -> tuple[float, float]:
    """The copy number at log2 ∓ INTERVAL_Z standard errors, and with an estimated purity's range at
    either end of that range too (the adjustment is monotonic in log2 and, for a fixed log2, in purity,
    so the corners bound it)."""
    purities = purity_range or (purity,)
    corners = [adjusted_copy_number(log2 + side * INTERVAL_Z * se, q, n0) for side in (-1, 1) for q in purities]
    return min(corners), max(corners)


def call_gene(
    log2: float,
    targets: int,
    noise: float,
    purity: Purity,
    n0: int | None,
    n0_reason: str | None,
    settings: Mapping[str, Any],
    interval: tuple[float, float] = (math.nan, math.nan),
    capture_targets: int | None = None,
    per_target_noise: float | None = None,
) -> tuple[str, float | None, str]:
    """(call, copy number, reason) of one gene; rules in the module docstring. ``interval``: the copy
    number's 95 % interval (``copy_number_interval``), named in the reason. With
    ``capture_targets`` and ``per_target_noise`` z counts capture targets (``target_noise``); without
    them it counts bins with the per-bin ``noise``."""
    if targets < settings["min_targets"]:
        return "not_evaluable", None, f"{targets} target bin(s), fewer than min_targets {settings['min_targets']}"
    if n0 is None:
        return "not_evaluable", None, n0_reason or "normal copy number unknown"
    p = purity.value
    cn = adjusted_copy_number(log2, p, n0)
    low, high = interval
    by_target = capture_targets and per_target_noise is not None and not math.isnan(per_target_noise)
    z_noise, z_count = (per_target_noise, capture_targets) if by_target else (noise, targets)
    z = log2 / (z_noise / math.sqrt(z_count)) if z_noise > 0 else math.inf * (1 if log2 >= 0 else -1)
    how = (
        f"purity-adjusted CN {cn:.1f} (purity {p:.2f} from {purity.source.replace('_', ' ')})"
        if p is not None
        else f"CN {cn:.1f} not purity-adjusted (no purity)"
    )
    over = f"{targets} targets ({capture_targets} capture targets)" if by_target else f"{targets} targets"
    within = ""
    if purity.interval:
        short = purity.interval_coverage is not None and purity.interval_coverage < MEDIAN_INTERVAL_COVERAGE
        within = (
            f" (with the purity estimate's range, which holds the median VAF only {100 * purity.interval_coverage:.0f} % "
            "of the time: too few SNVs for 95 %)"
            if short
            else " (with the purity estimate's range)"
        )
    base = f"log2 {log2:+.2f} over {over}, {how}, 95 % interval {low:.1f}–{high:.1f}{within}, z {z:+.1f}"
    strong = abs(z) >= settings["min_z"]
    low_purity = p is not None and p < settings["min_purity"]
    if strong and log2 > 0 and cn >= settings["amplification_cn"]:
        doubt = (
            f"; the interval's lower bound {low:.1f} is below amplification_cn: fewer copies (a gain) are not excluded"
            if low < settings["amplification_cn"]
            else ""
        )
        return "amplification", cn, f"{base}: CN >= amplification_cn {settings['amplification_cn']}{doubt}"
    if strong and log2 > 0 and cn >= n0 + settings["gain_cn"] - 2:
        return "gain", cn, f"{base}: CN >= gain threshold {n0 + settings['gain_cn'] - 2:g}, below amplification_cn"
    if low_purity:
        return (
            "not_evaluable",
            cn,
            (
                f"{base}: tumour purity {p:.2f} below min_purity {settings['min_purity']} — a loss or homozygous deletion "
                "would not be seen, so no loss is excluded"
            ),
        )
    if strong and log2 < 0 and cn < settings["homdel_cn"]:
        if p is None:
            return (
                "loss",
                cn,
                f"{base}: deep loss, depth unknown — without a purity a homozygous deletion cannot be told from a one-copy loss",
            )
        doubt = (
            f"; the interval's upper bound {high:.1f} reaches homdel_cn: a one-copy remnant is not excluded"
            if high >= settings["homdel_cn"]
            else ""
        )
        return "homozygous_deletion", cn, f"{base}: CN < homdel_cn {settings['homdel_cn']}{doubt}"
    if strong and log2 < 0 and cn <= n0 + settings["loss_cn"] - 2:
        depth = "; depth unknown without a purity (could be a homozygous deletion)" if p is None else ""
        return "loss", cn, f"{base}: CN <= loss threshold {n0 + settings['loss_cn'] - 2:g}{depth}"
    why = "within the neutral range" if strong or abs(log2) < 0.1 else f"|z| below min_z {settings['min_z']}"
    if p is None:
        why += "; not purity-adjusted, a low-purity tumour's loss may look neutral"
    return "neutral", cn, f"{base}: {why}"


def gene_calls(
    cnr: pd.DataFrame,
    genes: list[str],
    chromosome_of: Mapping[str, str],
    purity: Purity,
    sex: str | None,
    settings: Mapping[str, Any],
    noise: float | None = None,
) -> list[dict]:
    """One record per panel gene (panel order): gene, call, log2, fold_change, copy_number, targets, reason.

    ``chromosome_of`` maps a CNVkit contig to its real chromosome (slices of the test genome)."""
    noise = sample_noise(cnr) if noise is None else noise
    noisy = not math.isnan(noise) and noise > settings["max_noise"]
    per_target = target_noise(cnr)
    records = []
    for gene, rows in _gene_rows(cnr, genes).items():
        targets = len(rows)
        contig = rows["chromosome"].iloc[0] if targets else None
        chromosome = chromosome_of.get(contig, contig) if contig else None
        log2, target_values = gene_log2(rows) if targets else (None, np.array([]))
        record = {
            "gene": gene,
            "chrom": contig,
            "start": int(rows["start"].min()) if targets else None,
            "end": int(rows["end"].max()) if targets else None,
            "targets": targets,
            "log2": None if log2 is None else round(log2, 3),
            "fold_change": None if log2 is None else round(2.0**log2, 3),
            "purity_adjusted": purity.value is not None,
            "copy_number_interval": None,  # set below wherever there is a copy number
        }
        if not targets:
            record.update(call="not_evaluable", copy_number=None, reason="no on-target bin passed CNVkit's filters")
        elif noisy:
            record.update(
                call="not_evaluable",
                copy_number=None,
                reason=f"sample too noisy for copy number: noise {noise:.3f} > max_noise {settings['max_noise']}",
            )
        else:
            n0, n0_reason = normal_copies(chromosome, sex)
            se = log2_standard_error(target_values, per_target)
            interval = (
                copy_number_interval(log2, se, purity.value, n0, purity.interval) if n0 is not None else (math.nan,) * 2
            )
            call, cn, reason = call_gene(
                log2, targets, noise, purity, n0, n0_reason, settings, interval, len(target_values), per_target
            )
            record.update(call=call, copy_number=None if cn is None else round(cn, 2), reason=f"{gene}: {reason}")
            if cn is not None:
                record["copy_number_interval"] = [round(interval[0], 2), round(interval[1], 2)]
        records.append(record)
    return records


def estimate_purity(somatic: pd.DataFrame, neutral_genes: set[str], settings: Mapping[str, Any]) -> Purity:
    """Purity from somatic SNV allele fractions: 2 × the median VAF of somatic SNVs (status somatic,
    VAF ≥ ``min_vaf``) in genes whose copy number looks neutral — the VAF of a clonal heterozygous
    mutation in a diploid region is p/2. Subclonal mutations pull it down: a lower bound in spirit."""
    if somatic.empty:
        return Purity(None, "none", "no purity in the sample sheet and no somatic variants to estimate it")
    rows = somatic[
        (somatic["status"] == "somatic")
        & (somatic["tumour_vaf"] >= settings["min_vaf"])
        & somatic["gene"].isin(neutral_genes)
        & (somatic["ref"].str.len() == 1)
        & (somatic["alt"].str.len() == 1)
    ]
    if len(rows) < settings["min_variants"]:
        return Purity(
            None,
            "none",
            f"no purity in the sample sheet, and {len(rows)} somatic SNV(s) in copy-neutral genes (fewer than "
            f"{settings['min_variants']}) to estimate it",
        )
    vafs = rows["tumour_vaf"].to_numpy(float)
    value = min(1.0, 2.0 * float(np.median(vafs)))
    low, high, coverage = median_interval(vafs)
    interval = (round(min(1.0, 2.0 * low), 3), round(min(1.0, 2.0 * high), 3))
    return Purity(
        round(value, 3),
        "somatic_vafs",
        f"estimated as 2 × median VAF of {len(rows)} somatic SNVs in copy-neutral genes (assumes clonal heterozygous "
        f"mutations; subclonal ones make it an underestimate); range {interval[0]:.2f}–{interval[1]:.2f} "
        f"({100 * coverage:.0f} % interval of the median from the SNVs' order statistics), carried into every "
        "copy-number interval",
        interval,
        coverage,
    )


# The coverage asked of the estimated purity's range, as of the copy-number interval.
MEDIAN_INTERVAL_COVERAGE = 0.95


def median_interval(values: np.ndarray) -> tuple[float, float, float]:
    """(low, high, coverage): the distribution-free interval for the median of the population the
    values are drawn from, between order statistics x(j) and x(n + 1 − j), which hold it with
    probability 1 − 2·P(Binomial(n, ½) < j). The narrowest such interval with coverage ≥
    MEDIAN_INTERVAL_COVERAGE; below 6 values none reaches it, and the values' range is given with its
    own, lower, coverage."""
    ordered = np.sort(np.asarray(values, float))
    n = len(ordered)

    def coverage(j: int) -> float:
        return 1.0 - 2.0 * sum(math.comb(n, i) for i in range(j)) / 2.0**n

    j = 1
    while j + 1 <= n // 2 and coverage(j + 1) >= MEDIAN_INTERVAL_COVERAGE:
        j += 1
    return float(ordered[j - 1]), float(ordered[n - j]), coverage(j)


def neutral_looking_genes(cnr: pd.DataFrame, genes: list[str], max_abs_log2: float) -> set[str]:
    """Genes whose unadjusted log2 is within ±max_abs_log2: where VAFs reflect purity directly."""
    return {
        gene for gene, rows in _gene_rows(cnr, genes).items() if len(rows) and abs(gene_log2(rows)[0]) <= max_abs_log2
    }


def bins_for_plot(cnr: pd.DataFrame) -> list[dict]:
    """On-target bins in panel order, log2 clipped to [-5, 5], for the report figure."""
    bins = on_target(cnr)
    return [
        {
            "chrom": row.chromosome,
            "start": int(row.start),
            "gene": row.gene,
            "log2": round(max(-5.0, min(5.0, row.log2)), 3),
        }
        for row in bins.itertuples()
    ]
