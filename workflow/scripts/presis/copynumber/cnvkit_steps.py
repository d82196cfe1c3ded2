"""CNVkit's steps through its Python API (cnvlib), one function per step.

Calling cnvlib in-process rather than ``cnvkit.py`` on the command line saves its ~5 s start-up per
step (matplotlib, scikit-learn imports) and lets the benchmark run the very same functions as the
workflow. Each function reads and writes CNVkit's own files (``.bed``, ``.cnn``, ``.cnr``, ``.cns``),
so every intermediate stays inspectable with ``cnvkit.py`` itself.

Method (Talevich E et al., PLoS Comput Biol 2016): on-target bins are the panel targets split to
about ``target_avg_size`` bases; off-target ("antitarget") bins tile the accessible genome between
them; read depth per bin from the BAM (duplicates, secondary, QC-fail and unmapped reads excluded:
CNVkit's 0x704 flag mask) at a minimum mapping quality; a reference of normals (or one normal, or
a flat reference) gives each bin's expected depth and its spread; ``fix`` divides by it (with
``gc_correction``, also each sample's GC bias) and centres the log2 ratios (``recentre``: on the
median of the on-target bins); with ``edge_correction``, presis' robust target-edge correction follows;
``segment`` joins bins into segments.

Edge correction. CNVkit's ``fix`` corrects target-edge ("density") bias by a rolling median over
all bins sorted by their edge geometry (window 1/√bins). On a panel of a few hundred bins that window
holds ~20 bins, so an amplified gene whose bins share a geometry (MYC: 8 small exon bins) pulls its
own correction and loses part of its amplification, and every altered bin shifts its unaltered
neighbours in sort order (more noise). Without any correction, though, a tumour whose library differs
from the normals' (duplicate saturation of small targets at high depth, fragment sizes) keeps a
geometry-dependent bias that the reference cannot hold (the demo: neutral genes ±0.17, a false HIC1
gain). presis therefore builds the reference without CNVkit's edge correction and fits the same
correction to the tumour's log2 *ratios* robustly (``robust_edge_correction``): the bias curve is
learnt only from bins of genes that do not look altered, then applied to every bin.
"""

from __future__ import annotations

# cnvlib is imported inside each function: its import takes seconds and most presis steps never need it.
import contextlib
import functools
import logging
from pathlib import Path

import numpy as np
import pandas as pd

log = logging.getLogger(__name__)


def _root_guarded(step):
    """CNVkit logs with the module functions logging.info/warning, which call logging.basicConfig()
    while the root logger has no handler: inside the Snakemake process (run_script) that would put a
    stderr handler on the root and echo every Snakemake log line twice. A NullHandler on the root
    during the call keeps basicConfig a no-op; CNVkit's chatter is dropped (its results are its files)."""

    @functools.wraps(step)
    def guarded(*args, **kwargs):
        root, handler = logging.getLogger(), logging.NullHandler()
        root.addHandler(handler)
        try:
            return step(*args, **kwargs)
        finally:
            with contextlib.suppress(ValueError):
                root.removeHandler(handler)

    return guarded


# CNVkit's segmentation methods that run without R (cbs needs R's DNAcopy, hmm needs pomegranate).
SEGMENT_METHODS = ("haar", "none")


@_root_guarded
def write_access(fasta: str | Path, out_bed: str | Path) -> int:
    """The genome's accessible regions (between long runs of N; CNVkit access), as BED: a scan of
    the whole FASTA, made once per reference (the reference cache). Returns the number of regions."""
    from cnvlib import access
    from skgenome import tabio

    accessible = access.do_access(str(fasta), skip_noncanonical=False)
    tabio.write(accessible, str(out_bed), "bed3")
    return len(accessible)


@_root_guarded
def make_bins(
    panel_bed: str | Path,
    fasta: str | Path | None,
    targets_out: str | Path,
    antitargets_out: str | Path,
    target_avg_size: int,
    antitarget_avg_size: int,
    off_target: bool,
    access_bed: str | Path | None = None,
) -> tuple[int, int]:
    """On-target bins (gene names from the panel's 4th column) and, with ``off_target``, off-target
    bins over the accessible genome (``access_bed`` from :func:`write_access`, else found in
    ``fasta``); without it the off-target BED is empty. Returns the counts."""
    from cnvlib import access, antitarget, target
    from skgenome import tabio

    baits = tabio.read_auto(str(panel_bed))
    targets = target.do_target(baits, do_split=True, avg_size=target_avg_size)
    tabio.write(targets, str(targets_out), "bed4")
    if off_target:
        if access_bed is not None:
            accessible = tabio.read(str(access_bed), "bed3")
        else:
            accessible = access.do_access(str(fasta), skip_noncanonical=False)
        antitargets = antitarget.do_antitarget(targets, accessible, avg_bin_size=antitarget_avg_size)
        tabio.write(antitargets, str(antitargets_out), "bed4")
        n_anti = len(antitargets)
    else:
        Path(antitargets_out).write_text("")
        n_anti = 0
    return len(targets), n_anti


@_root_guarded
def sample_coverage(bam: str | Path, bins_bed: str | Path, out_cnn: str | Path, min_mapq: int) -> int:
    """Mean read depth per bin (CNVkit ``coverage``); an empty BED gives an empty ``.cnn``."""
    from cnvlib import coverage
    from skgenome import tabio

    if Path(bins_bed).stat().st_size == 0:
        Path(out_cnn).write_text("chromosome\tstart\tend\tgene\tdepth\tlog2\n")
        return 0
    cnarr = coverage.do_coverage(str(bins_bed), str(bam), min_mapq=min_mapq)
    tabio.write(cnarr, str(out_cnn))
    return len(cnarr)


def _antitarget_files(files: list[str]) -> list[str] | None:
    """Off-target coverage files that hold bins (panels without off-target bins have none)."""
    kept = [f for f in files if len(Path(f).read_text().splitlines()) > 1]
    return kept or None


@_root_guarded
def build_reference(
    target_cnns: list[str],
    antitarget_cnns: list[str],
    fasta: str | Path,
    out_cnn: str | Path,
    gc_correction: bool,
) -> None:
    """A pooled reference of normals (one normal: the matched-normal reference) — CNVkit ``reference``."""
    from cnvlib import reference
    from skgenome import tabio

    ref = reference.do_reference(
        [str(f) for f in target_cnns],
        _antitarget_files([str(f) for f in antitarget_cnns]),
        str(fasta),
        do_gc=gc_correction,
        do_edge=False,  # the normals keep their edge effect: the tumour's ratio to them is corrected (fix_and_segment)
    )
    tabio.write(ref, str(out_cnn))


@_root_guarded
def flat_reference(
    targets_bed: str | Path, antitargets_bed: str | Path, fasta: str | Path, out_cnn: str | Path
) -> None:
    """A flat reference (every bin expected at equal depth, GC content from the FASTA): the last
    resort without any normal — capture bias is then left in the log2 ratios."""
    from cnvlib import reference
    from skgenome import tabio

    anti = str(antitargets_bed) if Path(antitargets_bed).stat().st_size else None
    ref = reference.do_reference_flat(str(targets_bed), anti, str(fasta))
    tabio.write(ref, str(out_cnn))


# A gene whose median log2 is beyond this, before or after a first, plain edge correction, is left
# out of the fit of the second: a one-copy gain at purity 0.3 is +0.2, an amplification far more.
EDGE_FIT_MAX_ABS_LOG2 = 0.15


def _edge_trend(bias: np.ndarray, log2: np.ndarray, fit: np.ndarray) -> np.ndarray:
    """CNVkit's windowed median of log2 along the edge bias (window max(1 %, 1/√n) of the fitting
    bins), learnt on the ``fit`` bins and read off at every bin's bias. Ties in the bias (the
    interior bins of long exons all have the same) are shuffled first, as CNVkit does, so that a
    window is not one gene's run of neighbouring bins; the trend is then averaged per bias value."""
    x, y = bias[fit], log2[fit]
    shuffled = np.random.default_rng(0xA5EED).permutation(len(x))
    order = shuffled[np.argsort(x[shuffled], kind="stable")]
    x, y = x[order], y[order]
    window = max(3, int(round(len(x) * max(0.01, len(x) ** -0.5))))
    trend = pd.Series(y).rolling(window, center=True, min_periods=1).median()
    per_value = trend.groupby(x).mean()
    return np.interp(bias, per_value.index.to_numpy(dtype=float), per_value.to_numpy(dtype=float))


def robust_edge_correction(cnarr) -> None:
    """Remove the tumour-versus-reference edge bias from the on-target log2 ratios, in place.

    First CNVkit's correction as it is (all bins), only to see which genes are altered: a gene
    whose median log2 is beyond ±``EDGE_FIT_MAX_ABS_LOG2`` before or after it is left out; the
    correction is learnt again on the remaining bins and subtracted from every bin's uncorrected
    ratio. An
    amplified gene thus no longer pulls its own correction (MYC), and neutral genes still lose
    the geometry-dependent bias."""
    from cnvlib import fix
    from cnvlib import params as cnv_params

    data = cnarr.data
    targets = (data["gene"] != "Antitarget") & (
        data["log2"] > cnv_params.NULL_LOG2_COVERAGE - cnv_params.MIN_REF_COVERAGE
    )
    if targets.sum() < 20:
        return
    index = data.index[targets]
    sub = cnarr.as_dataframe(data.loc[index])
    bias = fix.get_edge_bias(sub, cnv_params.INSERT_SIZE).to_numpy(dtype=float)
    log2 = data.loc[index, "log2"].to_numpy(dtype=float)
    first = log2 - _edge_trend(bias, log2, np.ones(len(log2), dtype=bool))
    genes = data.loc[index, "gene"].to_numpy()
    fit = np.ones(len(log2), dtype=bool)
    for values in (log2, first):  # uncorrected: the plain correction can hide a gene in its own window
        level = pd.Series(values).groupby(genes).transform("median").to_numpy()
        fit &= np.abs(level) < EDGE_FIT_MAX_ABS_LOG2
    if fit.sum() < 20:
        fit = np.ones(len(log2), dtype=bool)
    data.loc[index, "log2"] = log2 - _edge_trend(bias, log2, fit)


def recentre(cnarr) -> None:
    """Centre the on-target and the off-target log2 ratios each on their own median, in place.

    CNVkit's ``fix`` centres on the median of per-chromosome medians of the *autosomes*, recognised
    by name (chr1..chr22): on a genome of gene slices (the test genome's ``chr7_55019017_55211628``)
    only ``chr17`` qualifies and one gene's contig decides the level of all — a homozygous TP53
    deletion put every neutral gene at log2 +3.4. The median of all on-target bins does not depend
    on contig names and stays at the neutral level while fewer than half the bins are altered one
    way (a tumour on a panel alters a few genes). Bins without coverage (CNVkit's null log2) are
    left out of the median, as CNVkit's ``skip_low``."""
    from cnvlib import params

    data = cnarr.data
    covered = data["log2"] > params.NULL_LOG2_COVERAGE - params.MIN_REF_COVERAGE
    for part in (data["gene"] != "Antitarget", data["gene"] == "Antitarget"):
        if (part & covered).any():
            data.loc[part, "log2"] -= float(data.loc[part & covered, "log2"].median())


@_root_guarded
def fix_and_segment(
    target_cnn: str | Path,
    antitarget_cnn: str | Path,
    reference_cnn: str | Path,
    out_cnr: str | Path,
    out_cns: str | Path,
    method: str,
    gc_correction: bool,
    edge_correction: bool = True,
) -> None:
    """Bin log2 ratios against the reference (CNVkit ``fix``), recentred, with presis' robust edge
    correction (``edge_correction``), and their segments (``segment``)."""
    if method not in SEGMENT_METHODS:
        raise ValueError(f"segmentation method {method!r}: presis runs CNVkit without R, use one of {SEGMENT_METHODS}")
    from cnvlib import fix, segmentation
    from cnvlib.cmdutil import read_cna
    from skgenome import tabio

    target = read_cna(str(target_cnn))
    anti_path = Path(antitarget_cnn)
    antitarget = (
        read_cna(str(anti_path))
        if len(anti_path.read_text().splitlines()) > 1
        else target.as_dataframe(target.data.iloc[:0])
    )
    ref = read_cna(str(reference_cnn))
    # CNVkit's own edge correction is off: presis' robust one runs on the ratios (module docstring)
    cnarr = fix.do_fix(target, antitarget, ref, do_gc=gc_correction, do_edge=False)
    recentre(cnarr)
    if edge_correction:
        robust_edge_correction(cnarr)
        recentre(cnarr)
    tabio.write(cnarr, str(out_cnr))
    segments = segmentation.do_segmentation(cnarr, method)
    tabio.write(segments, str(out_cns))
