"""Are the tumour and the normal from the same person? Genotype concordance at common SNPs.

Both samples are genotyped at a fixed list of common SNP sites inside the panel targets
(bcftools mpileup + call -C alleles, each sample alone: rules/identity.smk). A sample's
genotype counts when it has at least ``min_depth`` reads and GQ >= ``min_gq`` at the site.

A site is *informative* when both samples are confidently homozygous, and *discordant*
when they are homozygous for different alleles (0/0 vs 1/1): one person cannot be both,
and a tumour cannot create that difference (it would need a new mutation at the very SNP
plus loss of the other allele). A heterozygous site in one sample that is homozygous in the
other is NOT counted against the pair: loss of heterozygosity turns a germline 0/1 into a
tumour 0/0 or 1/1 all the time.

Decision (thresholds in the level presets, ``identity:``):

- fewer than ``min_informative_sites`` informative sites: ``not_evaluable``;
- discordant / informative above ``max_discordant_fraction``: ``mismatch`` — for one person
  the fraction is ~0 (genotyping errors only); for two unrelated people at common SNPs it is
  0.1-0.5 (allele frequency 0.2-0.5: 2p²q² / (p⁴ + q⁴ + 2p²q²));
- else ``match``.

With ``on_mismatch: stop`` a mismatch stops the patient's report (IdentityMismatch); with
``warn`` it is recorded and the report carries the warning.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from cyvcf2 import VCF

MATCH, MISMATCH, NOT_EVALUABLE = "match", "mismatch", "not_evaluable"


class IdentityMismatch(Exception):
    """Tumour and normal look like two people and the configuration says stop."""


@dataclass(frozen=True)
class IdentityParams:
    min_depth: int
    min_gq: int
    min_informative_sites: int
    max_discordant_fraction: float
    on_mismatch: str = "stop"

    @classmethod
    def from_config(cls, identity: dict[str, Any]) -> IdentityParams:
        """From the validated ``identity:`` section; ``sites`` names the input file, not a parameter."""
        return cls(**{key: value for key, value in identity.items() if key != "sites"})


@dataclass(frozen=True)
class Genotype:
    alleles: tuple[int, ...]  # -1: missing
    gq: int | None
    depth: int | None
    reference_only: bool = False  # no read of either sample showed another allele here

    def confident(self, params: IdentityParams) -> bool:
        """A called diploid genotype with enough reads and genotype quality.

        Where no read shows another allele bcftools gives no GQ (and no ALT): 0/0 then counts
        on depth alone — a heterozygote shows no alt read in 15 reads with probability 3e-5.
        """
        if self.depth is None or len(self.alleles) != 2 or min(self.alleles) < 0 or self.depth < params.min_depth:
            return False
        if self.reference_only:
            return self.alleles == (0, 0)
        return self.gq is not None and self.gq >= params.min_gq

    def homozygous(self, params: IdentityParams) -> int | None:
        """0 (hom-ref) or 1 (hom-alt) when confidently homozygous, else None."""
        if self.confident(params) and self.alleles[0] == self.alleles[1] and self.alleles[0] in (0, 1):
            return self.alleles[0]
        return None


@dataclass(frozen=True)
class Site:
    chrom: str
    pos: int
    ref: str
    alt: str | None  # None: no read showed an alternative allele
    tumour: Genotype
    normal: Genotype

    @property
    def name(self) -> str:
        return f"{self.chrom}:{self.pos}{self.ref}>{self.alt or '.'}"


@dataclass
class IdentityResult:
    status: str
    tumour: str
    normal: str
    sites_in_targets: int | None
    sites_genotyped: int  # both samples confidently genotyped
    informative_sites: int  # both confidently homozygous
    discordant_sites: int  # homozygous for different alleles
    het_hom_sites: int  # het in one, hom in the other: allowed (loss of heterozygosity)
    discordant_fraction: float | None
    thresholds: dict[str, Any]
    message: str = ""
    warning: bool = False
    discordant: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def tally(sites: Iterable[Site], params: IdentityParams) -> dict[str, Any]:
    counts = {"sites_genotyped": 0, "informative_sites": 0, "discordant_sites": 0, "het_hom_sites": 0}
    discordant = []
    for site in sites:
        if not (site.tumour.confident(params) and site.normal.confident(params)):
            continue
        counts["sites_genotyped"] += 1
        tumour_hom, normal_hom = site.tumour.homozygous(params), site.normal.homozygous(params)
        if tumour_hom is None and normal_hom is None:
            continue
        if tumour_hom is None or normal_hom is None:
            counts["het_hom_sites"] += 1
            continue
        counts["informative_sites"] += 1
        if tumour_hom != normal_hom:
            counts["discordant_sites"] += 1
            discordant.append(site.name)
    return {**counts, "discordant": discordant}


def decide(informative: int, discordant: int, params: IdentityParams) -> str:
    if informative < params.min_informative_sites:
        return NOT_EVALUABLE
    return MISMATCH if discordant / informative > params.max_discordant_fraction else MATCH


def explain(result: IdentityResult, params: IdentityParams) -> str:
    pair = f"tumour {result.tumour} and normal {result.normal}"
    counts = (
        f"{result.discordant_sites} of {result.informative_sites} informative SNP sites (both samples confidently "
        f"homozygous) are homozygous for different alleles"
    )
    limit = f"{params.max_discordant_fraction:.0%}"
    if result.status == MATCH:
        return f"identity confirmed: {pair} match — {counts} (at most {limit} allowed)"
    if result.status == MISMATCH:
        return (
            f"SAMPLE MISMATCH: {pair} look like two different people — {counts} "
            f"({result.discordant_fraction:.0%}; one person shows at most {limit}). Check the samples for a swap "
            f"or contamination before any report is issued."
        )
    where = (
        f" of {result.sites_in_targets} identity sites in the targets" if result.sites_in_targets is not None else ""
    )
    return (
        f"identity not evaluable for {pair}: {result.informative_sites} informative SNP sites{where} "
        f"(both samples homozygous with >= {params.min_depth} reads and GQ >= {params.min_gq}), "
        f"{params.min_informative_sites} needed; {result.discordant_sites} discordant"
    )


def compare(
    sites: Iterable[Site], tumour: str, normal: str, params: IdentityParams, sites_in_targets: int | None = None
) -> IdentityResult:
    counts = tally(sites, params)
    informative, discordant = counts["informative_sites"], counts["discordant_sites"]
    result = IdentityResult(
        status=decide(informative, discordant, params),
        tumour=tumour,
        normal=normal,
        sites_in_targets=sites_in_targets,
        discordant_fraction=round(discordant / informative, 4) if informative else None,
        thresholds=asdict(params),
        **counts,
    )
    result.message = explain(result, params)
    result.warning = result.status == MISMATCH
    return result


def format_int(record, tag: str, index: int) -> int | None:
    values = record.format(tag)
    if values is None:
        return None
    value = int(values[index][0])
    return value if value >= 0 else None  # cyvcf2: a missing integer is a large negative


def read_sites(path: str | Path, tumour: str, normal: str) -> list[Site]:
    """Both samples' genotypes at each biallelic SNV site of a bcftools call output."""
    vcf = VCF(str(path))
    index = {name: i for i, name in enumerate(vcf.samples)}
    missing = [name for name in (tumour, normal) if name not in index]
    if missing:
        raise ValueError(f"{path}: no sample {', '.join(missing)} (samples: {', '.join(vcf.samples)})")
    sites = []
    for record in vcf:
        if len(record.ALT) > 1 or len(record.REF) != 1 or any(len(alt) != 1 for alt in record.ALT):
            continue  # not the site's SNV alone
        t, n = sample_genotype(record, index[tumour]), sample_genotype(record, index[normal])
        sites.append(Site(record.CHROM, record.POS, record.REF, record.ALT[0] if record.ALT else None, t, n))
    vcf.close()
    return sites


def sample_genotype(record, index: int) -> Genotype:
    alleles = tuple(record.genotypes[index][:-1])
    return Genotype(alleles, format_int(record, "GQ", index), format_int(record, "DP", index), not record.ALT)


def count_sites(alleles_path: str | Path) -> int:
    """Lines of the (bgzipped) CHROM POS REF,ALT table of sites inside the targets."""
    with gzip.open(alleles_path, "rt") as handle:
        return sum(1 for line in handle if line.strip() and not line.startswith("#"))


def check_identity(
    genotypes: str | Path, tumour: str, normal: str, params: IdentityParams, sites_in_targets: int | None = None
) -> IdentityResult:
    return compare(read_sites(genotypes, tumour, normal), tumour, normal, params, sites_in_targets)


def withheld_reason(result: IdentityResult, params: IdentityParams) -> str | None:
    """Why the tumour's own report is not built, in words for a sibling tumour's report (the
    patient's other tumour samples are named there); None when its report is built."""
    if result.status == MISMATCH and params.on_mismatch == "stop":
        return (
            f"report withheld: sample identity mismatch — tumour {result.tumour} and normal {result.normal} look "
            f"like two different people ({result.discordant_sites} of {result.informative_sites} informative SNP "
            f"sites discordant); no result of {result.tumour} is reported"
        )
    return None


def enforce(result: IdentityResult, params: IdentityParams) -> None:
    """Raise IdentityMismatch for a mismatch when the configuration says stop."""
    if result.status == MISMATCH and params.on_mismatch == "stop":
        raise IdentityMismatch(
            f"{result.message}\nThe report of this patient is not built (identity: on_mismatch: stop). "
            f"If the samples are verified to be from one person, re-run with --config identity='{{on_mismatch: warn}}' "
            f"to report with the mismatch as a warning."
        )
