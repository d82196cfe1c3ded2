"""Panel of normals and population resource: built, looked up, and used by the classifier."""

import pysam
import pytest
from conftest import REPO

from presis.calling.pon import build_pon, carriers
from presis.calling.site_resources import SiteResources
from presis.calling.somatic import SomaticParams
from presis.calling.somatic_vcf import classify_vcf
from presis.inputs.config import level_config

CONTIG = "chr17"


def write_vcf(path, samples, records, info=(), with_qs=False):
    """records: (pos, ref, alt, info dict, [per-sample dict(AD=, ADF=, ADR=)])"""
    header = pysam.VariantHeader()
    header.contigs.add(CONTIG, length=10_000_000)
    for key, number, kind in info:
        header.add_meta("INFO", items=[("ID", key), ("Number", number), ("Type", kind), ("Description", key)])
    for key in ("AD", "ADF", "ADR"):
        header.add_meta("FORMAT", items=[("ID", key), ("Number", "R"), ("Type", "Integer"), ("Description", key)])
    if with_qs:
        header.add_meta("FORMAT", items=[("ID", "QS"), ("Number", "R"), ("Type", "Float"), ("Description", "QS")])
    for sample in samples:
        header.add_sample(sample)
    plain = str(path).removesuffix(".gz")
    with pysam.VariantFile(plain, "w", header=header) as out:
        for pos, ref, alt, fields, per_sample in records:
            record = out.new_record(contig=CONTIG, start=pos - 1, alleles=(ref, alt), info=fields)
            for sample, values in zip(samples, per_sample, strict=False):
                for key, value in values.items():
                    record.samples[sample][key] = value
            out.write(record)
    pysam.tabix_index(plain, preset="vcf", force=True, keep_original=False)
    return path


def strands(ref, alt):
    return {"AD": (ref, alt), "ADF": (ref // 2, alt // 2), "ADR": (ref - ref // 2, alt - alt // 2)}


def test_carriers_need_reads_and_fraction():
    assert carriers([(100, 1), (100, 3), (10, 0), (300, 4)], min_alt_reads=2, min_vaf=0.02) == 1


def test_pon_counts_normals_and_drops_genotypes(tmp_path):
    pileup = write_vcf(
        tmp_path / "pileup.vcf.gz", ["N1", "N2", "N3"],
        [(1000, "C", "T", {}, [strands(50, 5), strands(60, 4), strands(70, 0)]),
         (2000, "G", "A", {}, [strands(50, 1), strands(60, 0), strands(70, 0)])],
    )  # fmt: skip
    assert build_pon(pileup, tmp_path / "pon.vcf.gz", min_alt_reads=2, min_vaf=0.01) == 1
    pon = pysam.VariantFile(str(tmp_path / "pon.vcf.gz"))
    assert list(pon.header.samples) == []
    (record,) = list(pon)
    assert (record.pos, record.info["PON_NORMALS"]) == (1000, 2)


@pytest.fixture()
def tumour_only_candidates(tmp_path):
    return write_vcf(
        tmp_path / "candidates.vcf.gz", ["T"],
        [(1000, "A", "G", {}, [strands(200, 40)]),      # a recurrent artefact site
         (7673802, "C", "T", {}, [strands(150, 50)]),   # a somatic hotspot
         (7676154, "G", "C", {}, [strands(250, 60)])],  # a common SNP at a subclonal-looking VAF
    )  # fmt: skip


def test_resources_turn_candidates_into_germline_and_artefact(tmp_path, tumour_only_candidates):
    population = write_vcf(
        tmp_path / "population.vcf.gz", [], [(7676154, "G", "C", {"AF": 0.62}, [])], info=[("AF", "A", "Float")]
    )
    pon = write_vcf(
        tmp_path / "pon.vcf.gz", [], [(1000, "A", "G", {"PON_NORMALS": 4}, [])], info=[("PON_NORMALS", "1", "Integer")]
    )
    params = SomaticParams.from_config(level_config(REPO, 2)["somatic"])
    resources = SiteResources(str(population), "AF", str(pon))
    tally = classify_vcf(tumour_only_candidates, tmp_path / "out.vcf.gz", "T", None, params, resources)
    assert tally == {"somatic": 1, "germline": 1, "artefact": 1}
    result = {
        r.pos: (r.filter.keys(), r.info.get("POP_AF"), r.info.get("PON_NORMALS"))
        for r in pysam.VariantFile(str(tmp_path / "out.vcf.gz"))
    }
    assert result[7676154][0] == ["common_population_variant"] and result[7676154][1] == pytest.approx(0.62)
    assert result[1000][0] == ["panel_of_normals"] and result[1000][2] == 4
    assert result[7673802][0] == ["PASS"]


def test_missing_info_field_is_a_clear_error(tmp_path):
    population = write_vcf(tmp_path / "p.vcf.gz", [], [(10, "G", "C", {"AF": 0.5}, [])], info=[("AF", "A", "Float")])
    with pytest.raises(Exception, match="INFO/gnomAD_AF is not defined"):
        SiteResources(str(population), "gnomAD_AF", None)


def test_base_qualities_and_the_measured_profile_reach_the_classifier(tmp_path):
    """The same 11 of 354 alt reads (issue 13): somatic at Q37 in a clean sample, weak at Q37
    when the sample's own reads show that substitution 0.5 % of the time (over-stated
    qualities), weak when the alt reads are low quality."""
    from presis.calling.error_profile import ErrorProfile

    def site(pos, quality):
        tumour = {**strands(343, 11), "QS": (343 * 37.0, 11 * quality)}
        return (pos, "C", "T", {}, [tumour, {**strands(117, 0), "QS": (117 * 37.0, 0.0)}])

    candidates = write_vcf(tmp_path / "c.vcf.gz", ["T", "N"], [site(1000, 37.0), site(2000, 21.0)], with_qs=True)
    params = SomaticParams.from_config(level_config(REPO, 2)["somatic"])
    outcome = {}
    for label, c_to_t in (("clean", 40), ("overstated", 5000)):
        profile = ErrorProfile({"A": 10**6, "C": 10**6, "G": 10**6, "T": 10**6}, {"C>T": c_to_t})
        out = tmp_path / f"{label}.vcf.gz"
        classify_vcf(candidates, out, "T", "N", params, profile=profile)
        outcome[label] = {
            r.pos: (list(r.filter.keys()), r.info["TERR"], r.info["TLOD"]) for r in pysam.VariantFile(str(out))
        }
    assert outcome["clean"][1000][:2] == (["PASS"], pytest.approx(1e-3 / 3, rel=0.01))  # Q37 capped at Q30
    assert outcome["clean"][2000][1] == pytest.approx(10**-2.1 / 3, rel=0.01)  # Q21 alt reads
    assert outcome["clean"][2000][2] < outcome["clean"][1000][2] - 5
    assert outcome["overstated"][1000][:2] == (["weak_evidence"], pytest.approx(0.005, rel=0.01))
