"""The somatic model on counts where the right answer is known."""

import pytest
from conftest import REPO

from presis.calling.somatic import AlleleCounts, SomaticParams, classify, germline_like_vaf, tumour_lod
from presis.inputs.config import level_config


@pytest.fixture(scope="module")
def params():
    return SomaticParams.from_config(level_config(REPO, 2)["somatic"])


def counts(ref, alt, alt_rev=None):
    """ref/alt reads split evenly over the strands unless alt_rev says otherwise."""
    alt_rev = alt // 2 if alt_rev is None else alt_rev
    return AlleleCounts(ref - ref // 2, ref // 2, alt - alt_rev, alt_rev)


@pytest.mark.parametrize(
    "name, tumour, normal, status, filters",
    [
        ("clear somatic (KRAS-like)", counts(125, 53), counts(69, 0), "somatic", []),
        ("low VAF somatic, stray error read in normal", counts(200, 14), counts(80, 1), "somatic", []),
        ("tumour-in-normal contamination tolerated", counts(100, 100), counts(95, 3), "somatic", []),
        (
            "homopolymer slip in both libraries (purity30 benchmark FP)",
            counts(588, 22),
            counts(95, 3),
            "artefact",
            ["normal_artefact"],
        ),
        ("low VAF somatic, two normal reads far below it", counts(270, 30), counts(148, 2), "somatic", []),
        ("heterozygous germline", counts(150, 140), counts(40, 36), "germline", ["germline"]),
        ("homozygous germline", counts(0, 138), counts(0, 53), "germline", ["germline"]),
        ("too few alt reads", counts(60, 4), counts(80, 0), "weak", ["low_alt_reads", "weak_evidence"]),
        ("below minimum VAF, yet clearly real", counts(3000, 55), counts(80, 0), "weak", ["low_vaf"]),
        ("shallow tumour", counts(10, 6), counts(80, 0), "weak", ["low_depth"]),
        ("alt reads on one strand only", counts(200, 40, alt_rev=0), counts(80, 0), "artefact", ["strand_bias"]),
        ("normal too shallow to rule out germline", counts(150, 50), counts(4, 0), "weak", ["normal_low_depth"]),
    ],
)
def test_tumour_normal(params, name, tumour, normal, status, filters):
    verdict = classify(tumour, normal, params)
    assert (verdict.status, verdict.filters) == (status, filters), name


@pytest.mark.parametrize(
    "name, tumour, status",
    [
        ("TP53 R273H-like at 0.39, depth 241", counts(146, 95), "somatic"),
        ("germline het at 0.52", counts(144, 155), "germline"),
        ("germline hom", counts(2, 198), "germline"),
        ("subclonal 0.12", counts(181, 25), "somatic"),
    ],
)
def test_tumour_only(params, name, tumour, status):
    assert classify(tumour, None, params).status == status, name


def test_likely_germline_is_a_visible_filter(params):
    verdict = classify(counts(144, 155), None, params)
    assert verdict.filters == ["likely_germline"] and not verdict.passed


def test_het_window_widens_at_low_depth(params):
    # 12/30 = 0.40 is 1.1 standard errors from 0.5 at depth 30, but 4.5 at depth 500
    assert germline_like_vaf(0.40, 30, params)
    assert not germline_like_vaf(0.40, 500, params)


def test_tumour_lod_grows_with_evidence(params):
    assert (
        tumour_lod(counts(100, 2), params.error_rate)
        < params.min_tumour_lod
        < tumour_lod(counts(100, 10), params.error_rate)
    )
