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
``gc_correction``, also each sample's GC bias; with ``edge_correction``, CNVkit's target-edge
correction) and centres the log2 ratios (``recentre``: on the median of the on-target bins);
``segment`` joins bins into segments.

Edge correction is CNVkit's rolling median over the bins sorted by their edge geometry (window
1/√bins). On a panel of a few hundred bins that window holds ~20 bins, so an amplified gene whose
bins share a geometry (MYC: 8 small exon bins) pulls its own correction and loses part of its
amplification, and every altered bin moves its unaltered neighbours in sort order (more noise).
A reference of normals of the same panel already carries each bin's edge effect — the same
geometry, the same fragment sizes — so presis leaves it to the reference (``edge_correction``
false, as for GC); a flat reference has no normals and always gets the correction.
"""

from __future__ import annotations

# cnvlib is imported inside each function: its import takes seconds and most presis steps never need it.
import contextlib
import functools
import logging
from pathlib import Path

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
def make_bins(
    panel_bed: str | Path,
    fasta: str | Path,
    targets_out: str | Path,
    antitargets_out: str | Path,
    target_avg_size: int,
    antitarget_avg_size: int,
    off_target: bool,
) -> tuple[int, int]:
    """On-target bins (gene names from the panel's 4th column) and, with ``off_target``, off-target
    bins over the accessible genome; without it the off-target BED is empty. Returns the counts."""
    from cnvlib import access, antitarget, target
    from skgenome import tabio

    baits = tabio.read_auto(str(panel_bed))
    targets = target.do_target(baits, do_split=True, avg_size=target_avg_size)
    tabio.write(targets, str(targets_out), "bed4")
    if off_target:
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
    edge_correction: bool = False,
) -> None:
    """A pooled reference of normals (one normal: the matched-normal reference) — CNVkit ``reference``.
    ``edge_correction`` must match the one ``fix_and_segment`` uses against this reference."""
    from cnvlib import reference
    from skgenome import tabio

    ref = reference.do_reference(
        [str(f) for f in target_cnns],
        _antitarget_files([str(f) for f in antitarget_cnns]),
        str(fasta),
        do_gc=gc_correction,
        do_edge=edge_correction,
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
    edge_correction: bool = False,
) -> None:
    """Bin log2 ratios against the reference (CNVkit ``fix``) and their segments (``segment``).
    ``edge_correction``: true against a flat reference (nothing else carries the edge effect);
    against normals, as the reference was built."""
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
    cnarr = fix.do_fix(target, antitarget, ref, do_gc=gc_correction, do_edge=edge_correction)
    recentre(cnarr)
    tabio.write(cnarr, str(out_cnr))
    segments = segmentation.do_segmentation(cnarr, method)
    tabio.write(segments, str(out_cns))
