"""Tumour/normal identity: opposite homozygotes count against the pair, loss of
heterozygosity does not, and too few informative sites decide nothing."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from presis.calling import identity
from presis.calling.identity import Genotype, IdentityParams, Site

PARAMS = IdentityParams(min_depth=15, min_gq=20, min_informative_sites=8, max_discordant_fraction=0.1)
HOM_REF, HET, HOM_ALT = (0, 0), (0, 1), (1, 1)


def site(tumour: tuple[int, int], normal: tuple[int, int], pos: int = 100, depth: int = 40, gq: int = 99) -> Site:
    return Site("chr1", pos, "A", "G", Genotype(tumour, gq, depth), Genotype(normal, gq, depth))


def sites(*pairs: tuple[tuple[int, int], tuple[int, int], int]) -> list[Site]:
    """(tumour, normal, how many) -> that many sites at distinct positions."""
    made = []
    for tumour, normal, count in pairs:
        made += [site(tumour, normal, pos=len(made) + i + 1) for i in range(count)]
    return made


def test_same_person_matches():
    result = identity.compare(sites((HOM_REF, HOM_REF, 10), (HOM_ALT, HOM_ALT, 5), (HET, HET, 7)), "T", "N", PARAMS)
    assert (result.status, result.informative_sites, result.discordant_sites) == ("match", 15, 0)
    assert result.sites_genotyped == 22 and result.het_hom_sites == 0 and not result.warning
    assert "T and normal N match" in result.message


def test_loss_of_heterozygosity_is_not_a_mismatch():
    # A normal that is 0/1 everywhere the tumour lost one allele: still the same person.
    pairs = sites((HOM_ALT, HET, 12), (HOM_REF, HET, 12), (HOM_REF, HOM_REF, 8))
    result = identity.compare(pairs, "T", "N", PARAMS)
    assert result.status == "match"
    assert (result.het_hom_sites, result.informative_sites, result.discordant_sites) == (24, 8, 0)


def test_opposite_homozygotes_are_a_mismatch():
    result = identity.compare(
        sites((HOM_ALT, HOM_REF, 4), (HOM_REF, HOM_ALT, 3), (HOM_ALT, HOM_ALT, 3)), "DEMO-T", "X-N", PARAMS
    )
    assert (result.status, result.informative_sites, result.discordant_sites) == ("mismatch", 10, 7)
    assert result.discordant_fraction == 0.7 and result.warning
    assert "SAMPLE MISMATCH: tumour DEMO-T and normal X-N" in result.message and "7 of 10" in result.message
    assert result.discordant[0] == "chr1:1A>G"


@pytest.mark.parametrize(
    ("discordant", "status"),
    [(0, "match"), (1, "match"), (2, "mismatch")],  # of 20 informative sites: 0 % and 5 % pass a 5 % limit, 10 % not
)
def test_discordant_fraction_limit(discordant, status):
    pairs = sites((HOM_ALT, HOM_REF, discordant), (HOM_REF, HOM_REF, 20 - discordant))
    params = IdentityParams(15, 20, 8, max_discordant_fraction=0.05)
    assert identity.compare(pairs, "T", "N", params).status == status


def test_too_few_informative_sites_is_not_evaluable():
    result = identity.compare(sites((HOM_ALT, HOM_REF, 5), (HET, HET, 30)), "T", "N", PARAMS, sites_in_targets=40)
    assert (result.status, result.informative_sites, result.discordant_sites) == ("not_evaluable", 5, 5)
    assert (
        "5 informative SNP sites of 40 identity sites in the targets" in result.message and "8 needed" in result.message
    )


@pytest.mark.parametrize(
    ("genotype", "confident", "homozygous"),
    [
        pytest.param(Genotype(HOM_REF, 99, 40), True, 0, id="hom-ref"),
        pytest.param(Genotype(HOM_ALT, 99, 40), True, 1, id="hom-alt"),
        pytest.param(Genotype(HET, 99, 40), True, None, id="het"),
        pytest.param(Genotype(HOM_ALT, 19, 40), False, None, id="low-gq"),
        pytest.param(Genotype(HOM_ALT, 99, 14), False, None, id="shallow"),
        pytest.param(Genotype((-1, -1), None, 0), False, None, id="no-reads"),
        pytest.param(Genotype(HOM_REF, None, 15, reference_only=True), True, 0, id="all-reference-reads"),
        pytest.param(Genotype(HOM_REF, None, 14, reference_only=True), False, None, id="all-reference-shallow"),
    ],
)
def test_a_genotype_counts_only_when_confident(genotype, confident, homozygous):
    assert genotype.confident(PARAMS) is confident
    assert genotype.homozygous(PARAMS) == homozygous


def test_unconfident_sites_are_not_informative():
    shallow = [site(HOM_ALT, HOM_REF, pos=i, depth=10) for i in range(20)]
    assert identity.compare(shallow, "T", "N", PARAMS).sites_genotyped == 0


def test_stop_raises_and_warn_does_not():
    mismatch = identity.compare(sites((HOM_ALT, HOM_REF, 10)), "T", "N", PARAMS)
    with pytest.raises(identity.IdentityMismatch, match="not built"):
        identity.enforce(mismatch, PARAMS)
    identity.enforce(mismatch, IdentityParams(15, 20, 8, 0.1, on_mismatch="warn"))
    identity.enforce(identity.compare(sites((HOM_REF, HOM_REF, 10)), "T", "N", PARAMS), PARAMS)


def test_a_stopped_tumour_is_named_withheld_with_its_reason_in_its_siblings_reports():
    mismatch = identity.compare(sites((HOM_ALT, HOM_REF, 9), (HOM_REF, HOM_REF, 1)), "T", "N", PARAMS)
    assert identity.withheld_reason(mismatch, PARAMS) == (
        "report withheld: sample identity mismatch — tumour T and normal N look like two different people "
        "(9 of 10 informative SNP sites discordant); no result of T is reported"
    )
    # warn: its report is built (carrying the warning); a match: nothing withheld
    assert identity.withheld_reason(mismatch, IdentityParams(15, 20, 8, 0.1, on_mismatch="warn")) is None
    assert identity.withheld_reason(identity.compare(sites((HOM_REF, HOM_REF, 10)), "T", "N", PARAMS), PARAMS) is None


def test_params_from_config_and_json():
    config = {"sites": "s.vcf.gz", "min_depth": 15, "min_gq": 20, "min_informative_sites": 8,
              "max_discordant_fraction": 0.1, "on_mismatch": "warn"}  # fmt: skip
    params = IdentityParams.from_config(config)
    assert params.on_mismatch == "warn"
    result = identity.compare(sites((HOM_REF, HOM_REF, 9)), "T", "N", params).to_json()
    assert result["status"] == "match" and result["thresholds"]["min_gq"] == 20


VCF_HEADER = """##fileformat=VCFv4.2
##contig=<ID=chr1,length=1000>
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">
##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">
##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tN\tT
"""


def test_read_sites_from_a_bcftools_call(tmp_path: Path):
    # bcftools call -C alleles: ALT '.' and no GQ where no read shows another allele.
    body = [
        "chr1\t10\t.\tA\tG\t50\t.\t.\tGT:DP:AD:GQ\t0/0:30:30,0:60\t1/1:40:0,40:90",
        "chr1\t20\t.\tC\t.\t.\t.\t.\tGT:DP:AD\t0/0:25:25\t0/0:18:18",
        "chr1\t30\t.\tT\tTA\t50\t.\t.\tGT:DP:AD:GQ\t0/1:25:12,13:60\t0/1:30:15,15:60",
    ]
    path = tmp_path / "genotypes.vcf"
    path.write_text(VCF_HEADER + "\n".join(body) + "\n")
    found = identity.read_sites(path, tumour="T", normal="N")
    assert [s.pos for s in found] == [10, 20]  # the indel is no identity site
    assert found[0].tumour == Genotype(HOM_ALT, 90, 40) and found[0].normal == Genotype(HOM_REF, 60, 30)
    assert found[1].alt is None and found[1].tumour.reference_only and found[1].tumour.homozygous(PARAMS) == 0
    with pytest.raises(ValueError, match="no sample X"):
        identity.read_sites(path, tumour="X", normal="N")


def test_count_sites(tmp_path: Path):
    path = tmp_path / "alleles.tsv.gz"
    with gzip.open(path, "wt") as handle:
        handle.write("chr1\t10\tA,G\nchr1\t20\tC,T\n")
    assert identity.count_sites(path) == 2
