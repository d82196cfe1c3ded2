"""The somatic classifier: tumour vs normal allele evidence over the candidates.

Each candidate allele gets a class (somatic, germline, artefact, weak) and the list
of filters it failed; nothing is dropped. The model (docs/somatic-model.md; docs/methods.md, "Somatic model"):

* tumour LOD = a_t log10 [ (f (1 - e) + (1 - f) e) / e ] + (d_t - a_t) log10 (1 - f), f = a_t / d_t:
  the allele is really present in the tumour rather than each alt read being an error,
  where e is the probability that one read shows this allele by error (:func:`alt_read_error`):
  for an SNV the larger of its alt reads' base quality (capped at somatic.max_baseq, a
  third of it for this one base) and the sample's own measured rate of this substitution
  (presis.calling.error_profile); for an indel somatic.indel_error_rate, or the flat
  somatic.error_rate in a homopolymer or short tandem repeat, where polymerase slippage
  makes indel errors common. Details and sources: docs/somatic-model.md.
* normal LOD = log10 [ Bin(a_n; d_n, e + c*f) / Bin(a_n; d_n, 0.5) ]: the normal
  is reference, allowing a fraction c of tumour DNA in it (contamination) and a
  stray error read, rather than heterozygous.
* tumour-vs-normal LOD = log10 [ Bin(a_t; d_t, f_t) Bin(a_n; d_n, f_n) / Bin(a_t; d_t, p) Bin(a_n; d_n, p) ]
  with p the pooled alt fraction: the two samples carry the allele at different rates
  rather than at one shared rate. When the normal has at least two alt reads (one is a
  stray error read), a low value means a site artefact both libraries share — PCR
  slippage in a homopolymer typically — not a somatic mutation.
* without a normal, a VAF consistent with a heterozygous (0.5) or homozygous
  germline genotype, or a population allele frequency above a threshold, marks the
  allele as likely germline.
* in either mode, an allele seen in enough normals of a panel of normals is a
  recurrent artefact (or a germline polymorphism), not a somatic mutation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

# Filter names and the sentence the VCF header and the report show for each.
FILTERS = {
    "low_depth": "Tumour depth below somatic.min_depth",
    "low_alt_reads": "Fewer tumour alt reads than somatic.min_alt_reads",
    "low_vaf": "Tumour VAF below somatic.min_vaf",
    "weak_evidence": "Tumour LOD below somatic.min_tumour_lod: the alt reads could be sequencing errors at their base qualities (capped at somatic.max_baseq) and the sample's measured error rate",
    "strand_bias": "Alt reads almost all on one strand while reference reads are on both",
    "germline": "The normal carries the allele (VAF above somatic.max_normal_vaf or normal LOD below somatic.min_normal_lod)",
    "normal_artefact": "The normal shows the allele at a rate like the tumour's (tumour-vs-normal LOD below somatic.min_tumour_vs_normal_lod, judged from somatic.normal_artefact_min_alt normal reads, or somatic.repeat_indel_normal_artefact_min_alt for an indel in a repeat): a shared artefact",
    "normal_low_depth": "The normal is too shallow here to rule out a germline variant",
    "likely_germline": "Tumour-only: VAF consistent with a heterozygous or homozygous germline genotype",
    "common_population_variant": "Tumour-only: allele frequency in the population resource at or above somatic.population_common_af",
    "panel_of_normals": "Allele seen in at least somatic.pon_min_normals normals of the panel of normals",
}


@dataclass(frozen=True)
class SiteContext:
    """What resources say about an allele: population frequency and panel-of-normals count."""

    population_af: float | None = None
    pon_normals: int = 0


@dataclass(frozen=True)
class AlleleCounts:
    """Reads supporting ref/alt in one sample, split by strand (forward, reverse)."""

    ref_fwd: int
    ref_rev: int
    alt_fwd: int
    alt_rev: int
    alt_qual_sum: float | None = None  # sum of the alt reads' base qualities (bcftools FORMAT/QS)

    @property
    def alt(self) -> int:
        return self.alt_fwd + self.alt_rev

    @property
    def depth(self) -> int:
        return self.ref_fwd + self.ref_rev + self.alt

    @property
    def vaf(self) -> float:
        return self.alt / self.depth if self.depth else 0.0

    @property
    def alt_mean_quality(self) -> float | None:
        if self.alt_qual_sum is None or not self.alt:
            return None
        return self.alt_qual_sum / self.alt


@dataclass(frozen=True)
class SomaticParams:
    min_depth: int
    min_alt_reads: int
    min_vaf: float
    error_rate: float
    min_tumour_lod: float
    min_normal_lod: float
    normal_contamination: float
    max_normal_vaf: float
    normal_artefact_min_alt: int
    min_tumour_vs_normal_lod: float
    strand_bias_min_alt: int
    strand_bias_max_fraction: float
    germline_het_tolerance: float
    germline_z: float
    germline_hom_vaf: float
    min_normal_depth: int
    population_common_af: float
    pon_min_normals: int
    max_baseq: float = 30.0
    indel_error_rate: float = 0.0005
    repeat_min_homopolymer: int = 5
    repeat_min_units: int = 3
    repeat_indel_normal_artefact_min_alt: int = 1
    indel_haplotype_min_margin: float = 30.0

    @classmethod
    def from_config(cls, somatic: dict) -> SomaticParams:
        """From the validated ``somatic:`` section, whose ``tumour_only:`` settings sit one level down
        (the schema admits no other keys, so each setting is a field)."""
        settings = dict(somatic)
        return cls(**settings.pop("tumour_only"), **settings)


@dataclass
class Classification:
    status: str  # somatic | germline | artefact | weak
    filters: list[str] = field(default_factory=list)
    tumour_lod: float = 0.0
    normal_lod: float | None = None

    @property
    def passed(self) -> bool:
        return not self.filters


def log10_binom(k: int, n: int, p: float) -> float:
    """log10 of the binomial likelihood of k successes in n trials (constant term dropped)."""
    p = min(max(p, 1e-12), 1 - 1e-12)
    return (k * math.log(p) + (n - k) * math.log(1 - p)) / math.log(10)


def tumour_lod(counts: AlleleCounts, error: float) -> float:
    """log10 LR: the tumour carries the allele at f = VAF, vs every alt read an error.

    ``error`` is the probability that one read shows this allele by error. A reference read
    has probability ~(1 - f) under the first hypothesis and ~1 under the second.
    """
    if counts.depth == 0 or counts.alt == 0:
        return 0.0
    error = min(max(error, 1e-12), 0.5)
    f = min(max(counts.vaf, error), 1 - 1e-12)
    alt_term = math.log10((f * (1 - error) + (1 - f) * error) / error)
    return max(0.0, counts.alt * alt_term + (counts.depth - counts.alt) * math.log10(1 - f))


def quality_error(quality: float, max_baseq: float) -> float:
    """Probability that a base of this Phred quality is wrong, the quality capped first."""
    return 10 ** (-min(quality, max_baseq) / 10)


def alt_read_error(
    counts: AlleleCounts,
    params: SomaticParams,
    *,
    is_indel: bool,
    measured_rate: float | None = None,
    in_repeat: bool = False,
    homopolymer_rate: float | None = None,
) -> float:
    """Probability that one tumour read shows this allele by error (the ``e`` of the tumour LOD).

    SNV: an erroneous base is one of three others, hence a third of the base's error; the
    reads' mean quality stands for each read's (exact for the alt-read term when f >> e, as
    the log of the error is linear in the quality). Never below the sample's measured rate
    of this substitution, so over-stated qualities cannot inflate the LOD. Without
    qualities, the flat somatic.error_rate.

    Indel: somatic.indel_error_rate; in a homopolymer, the sample's measured slip rate for a
    run of its length (``homopolymer_rate``, presis.calling.error_profile) when there is one,
    never below somatic.indel_error_rate; else, in a homopolymer or tandem repeat, the flat
    somatic.error_rate.
    """
    if is_indel:
        if homopolymer_rate is not None:
            return max(params.indel_error_rate, homopolymer_rate)
        return params.error_rate if in_repeat else params.indel_error_rate
    quality = counts.alt_mean_quality
    error = params.error_rate if quality is None else quality_error(quality, params.max_baseq) / 3
    if measured_rate is not None:
        error = max(error, measured_rate)
    return error


def in_repeat(sequence: str, offset: int, unit: str, params: SomaticParams) -> bool:
    """Does the indel of ``unit`` (the inserted or deleted bases) right after 0-based ``offset``
    lie in a homopolymer or tandem repeat of the reference ``sequence``?

    Alleles are left-aligned, so the repeat starts right after the anchor base.
    """
    if not unit:
        return False
    period = _period(unit)
    copies, cursor = 0, offset + 1
    while sequence[cursor : cursor + len(period)] == period:
        copies, cursor = copies + 1, cursor + len(period)
    if len(period) == 1:
        return copies >= params.repeat_min_homopolymer
    return copies >= params.repeat_min_units


def homopolymer_length(sequence: str, offset: int, unit: str) -> int:
    """Length of the homopolymer run of ``unit``'s base right after 0-based ``offset`` (the
    anchor of a left-aligned indel), 0 when ``unit`` is not one repeated base."""
    if not unit or _period(unit) != unit[0]:
        return 0
    length = 0
    while offset + 1 + length < len(sequence) and sequence[offset + 1 + length] == unit[0]:
        length += 1
    return length


def _period(unit: str) -> str:
    """The shortest string whose repeats make ``unit`` (AAA -> A, ACAC -> AC)."""
    for size in range(1, len(unit) + 1):
        if len(unit) % size == 0 and unit[:size] * (len(unit) // size) == unit:
            return unit[:size]
    return unit


def normal_lod(normal: AlleleCounts, tumour_vaf: float, params: SomaticParams) -> float:
    expected_if_somatic = params.error_rate + params.normal_contamination * tumour_vaf
    return log10_binom(normal.alt, normal.depth, expected_if_somatic) - log10_binom(normal.alt, normal.depth, 0.5)


def tumour_vs_normal_lod(tumour: AlleleCounts, normal: AlleleCounts) -> float:
    if tumour.depth == 0 or normal.depth == 0:
        return 0.0
    pooled = (tumour.alt + normal.alt) / (tumour.depth + normal.depth)
    separate = log10_binom(tumour.alt, tumour.depth, tumour.vaf) + log10_binom(normal.alt, normal.depth, normal.vaf)
    shared = log10_binom(tumour.alt, tumour.depth, pooled) + log10_binom(normal.alt, normal.depth, pooled)
    return separate - shared


def has_strand_bias(counts: AlleleCounts, params: SomaticParams) -> bool:
    if counts.alt < params.strand_bias_min_alt:
        return False
    alt_major = max(counts.alt_fwd, counts.alt_rev) / counts.alt
    ref_total = counts.ref_fwd + counts.ref_rev
    # Only an artefact if the reference reads at the site are not equally one-sided
    # (at a target edge every read may come from one strand).
    ref_one_sided = ref_total > 0 and min(counts.ref_fwd, counts.ref_rev) / ref_total < 0.1
    return alt_major > params.strand_bias_max_fraction and not ref_one_sided


def germline_like_vaf(vaf: float, depth: int, params: SomaticParams) -> bool:
    """Tumour-only: could this VAF come from a germline genotype (het 0.5 or hom)?"""
    if vaf >= params.germline_hom_vaf:
        return True
    standard_error = math.sqrt(0.25 / depth) if depth else 1.0
    return abs(vaf - 0.5) <= max(params.germline_het_tolerance, params.germline_z * standard_error)


def classify(
    tumour: AlleleCounts,
    normal: AlleleCounts | None,
    params: SomaticParams,
    context: SiteContext = SiteContext(),
    read_error: float | None = None,
    repeat_indel: bool = False,
) -> Classification:
    """Every filter the allele fails, and the class they add up to.

    ``read_error``: the per-read error of this allele (:func:`alt_read_error`); without it
    the flat somatic.error_rate. ``repeat_indel``: an indel in a homopolymer or tandem repeat
    (:func:`in_repeat`), where one normal read with the same slip already shows a shared
    polymerase artefact rather than a stray error.
    """
    filters = []
    if tumour.depth < params.min_depth:
        filters.append("low_depth")
    if tumour.alt < params.min_alt_reads:
        filters.append("low_alt_reads")
    if tumour.vaf < params.min_vaf:
        filters.append("low_vaf")
    t_lod = tumour_lod(tumour, params.error_rate if read_error is None else read_error)
    if t_lod < params.min_tumour_lod:
        filters.append("weak_evidence")
    if has_strand_bias(tumour, params):
        filters.append("strand_bias")

    n_lod = None
    germline = False
    if normal is not None:
        n_lod = normal_lod(normal, tumour.vaf, params)
        if normal.depth < params.min_normal_depth:
            filters.append("normal_low_depth")
        elif normal.vaf > params.max_normal_vaf or n_lod < params.min_normal_lod:
            filters.append("germline")
            germline = True
        elif (
            normal.alt
            >= (params.repeat_indel_normal_artefact_min_alt if repeat_indel else params.normal_artefact_min_alt)
            and tumour_vs_normal_lod(tumour, normal) < params.min_tumour_vs_normal_lod
        ):
            filters.append("normal_artefact")
    else:
        if germline_like_vaf(tumour.vaf, tumour.depth, params):
            filters.append("likely_germline")
            germline = True
        # With a normal, the normal decides; without one, a common polymorphism is germline.
        if context.population_af is not None and context.population_af >= params.population_common_af:
            filters.append("common_population_variant")
            germline = True
    if context.pon_normals >= params.pon_min_normals:
        filters.append("panel_of_normals")

    if germline:
        status = "germline"
    elif {"strand_bias", "panel_of_normals", "normal_artefact"} & set(filters):
        status = "artefact"
    elif filters:
        status = "weak"
    else:
        status = "somatic"
    return Classification(status, filters, round(t_lod, 3), None if n_lod is None else round(n_lod, 3))
