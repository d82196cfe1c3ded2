"""The somatic model on counts where the right answer is known."""

import pytest
from conftest import REPO

from presis.calling.somatic import (
    AlleleCounts,
    SomaticParams,
    alt_read_error,
    classify,
    germline_like_vaf,
    homopolymer_length,
    in_repeat,
    tumour_lod,
)
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


def with_quality(ref, alt, quality):
    """Counts whose alt reads all have this base quality (bcftools FORMAT/QS = alt x quality)."""
    c = counts(ref, alt)
    return AlleleCounts(c.ref_fwd, c.ref_rev, c.alt_fwd, c.alt_rev, alt_qual_sum=alt * quality)


def test_issue_miss_is_called_with_base_qualities(params):
    """The real miss of issue 13: 11 of 354 tumour reads at BQ >= 30, none of 117 normal reads.
    A flat 0.005 error made it weak_evidence (TLOD 4.8); at its qualities it is somatic."""
    tumour, normal = with_quality(343, 11, 37), counts(117, 0)
    assert classify(tumour, normal, params).filters == ["weak_evidence"]  # the flat-error model
    error = alt_read_error(tumour, params, is_indel=False, measured_rate=2e-4)
    verdict = classify(tumour, normal, params, read_error=error)
    assert (verdict.status, verdict.filters) == ("somatic", [])
    assert verdict.tumour_lod > 12


def test_overstated_qualities_cannot_inflate_the_lod(params):
    """Q37 reported but the sample's reads show this substitution 0.5 % of the time: the measured
    rate, not the quality, sets the error, and a few alt reads at 2 % stay weak."""
    tumour = with_quality(490, 10, 37)
    trusted = alt_read_error(tumour, params, is_indel=False, measured_rate=None)
    measured = alt_read_error(tumour, params, is_indel=False, measured_rate=0.005)
    assert trusted == pytest.approx(10 ** (-params.max_baseq / 10) / 3)  # Q37 capped at max_baseq
    assert measured == 0.005
    assert classify(tumour, counts(150, 0), params, read_error=trusted).status == "somatic"
    assert "weak_evidence" in classify(tumour, counts(150, 0), params, read_error=measured).filters


def test_low_quality_alt_reads_count_for_less(params):
    good, poor = with_quality(480, 8, 37), with_quality(480, 8, 21)
    e_good = alt_read_error(good, params, is_indel=False, measured_rate=1e-4)
    e_poor = alt_read_error(poor, params, is_indel=False, measured_rate=1e-4)
    assert e_poor > e_good
    assert tumour_lod(poor, e_poor) < tumour_lod(good, e_good)


def test_indel_error_depends_on_repeat_context(params):
    c = counts(320, 7)
    plain = alt_read_error(c, params, is_indel=True, in_repeat=False)
    repeat = alt_read_error(c, params, is_indel=True, in_repeat=True)
    assert (plain, repeat) == (params.indel_error_rate, params.error_rate)
    # The issue's 2-bp deletion, 7 of 327 reads: called outside a repeat, not inside one.
    assert tumour_lod(c, plain) >= params.min_tumour_lod > tumour_lod(c, repeat)


@pytest.mark.parametrize(
    "sequence, unit, expected",
    [
        ("G" + "AAAAAA" + "CGT", "A", True),  # homopolymer of 6
        ("G" + "AAA" + "CGTC", "A", False),
        ("G" + "CACACA" + "GTT", "CA", True),  # 3 units
        ("G" + "CAGT" + "TTT", "CA", False),
        ("G" + "ACGTTGCA", "ACG", False),
    ],
)
def test_in_repeat(params, sequence, unit, expected):
    assert in_repeat(sequence, 0, unit, params) is expected


def test_one_normal_read_with_the_same_homopolymer_slip_is_a_shared_artefact(params):
    """tune-ffpe / tune-overstated FP: CA>C in an A run, 14 of 350 tumour reads, 1 of 90 normal reads."""
    tumour, normal = counts(336, 14), counts(89, 1)
    repeat = alt_read_error(tumour, params, is_indel=True, in_repeat=True)
    verdict = classify(tumour, normal, params, read_error=repeat, repeat_indel=True)
    assert (verdict.status, verdict.filters) == ("artefact", ["normal_artefact"])
    # Outside a repeat, one normal read is a stray error: the same counts are somatic.
    plain = alt_read_error(tumour, params, is_indel=True, in_repeat=False)
    assert classify(tumour, normal, params, read_error=plain).status == "somatic"
    # A true repeat indel far above the normal's single read stays somatic.
    strong = counts(450, 50)
    error = alt_read_error(strong, params, is_indel=True, in_repeat=True)
    assert classify(strong, counts(149, 1), params, read_error=error, repeat_indel=True).status == "somatic"


def test_measured_homopolymer_slip_rate_replaces_the_flat_repeat_rate(params):
    """Reporting-half FP of the former model: TA>T in a long A run at VAF 0.031, normal clean."""
    tumour, normal = counts(465, 15), counts(108, 0)
    long_run = alt_read_error(tumour, params, is_indel=True, in_repeat=True, homopolymer_rate=0.031)
    verdict = classify(tumour, normal, params, read_error=long_run, repeat_indel=True)
    assert verdict.status == "weak" and "weak_evidence" in verdict.filters
    assert tumour_lod(tumour, params.error_rate) >= params.min_tumour_lod  # the flat rate called it
    # A 6-bp run slips rarely (measured 5e-4): 10 of 480 reads are somatic, where the flat
    # somatic.error_rate would have lost them.
    few = counts(470, 10)
    short_run = alt_read_error(few, params, is_indel=True, in_repeat=True, homopolymer_rate=5e-4)
    assert classify(few, normal, params, read_error=short_run, repeat_indel=True).status == "somatic"
    assert tumour_lod(few, params.error_rate) < params.min_tumour_lod
    # Never below somatic.indel_error_rate, however clean the run measured.
    assert alt_read_error(tumour, params, is_indel=True, homopolymer_rate=1e-6) == params.indel_error_rate


@pytest.mark.parametrize(
    "sequence, unit, expected",
    [("T" + "A" * 12 + "C", "A", 12), ("T" + "A" * 12 + "C", "AA", 12), ("T" + "ACAC" + "G", "AC", 0), ("TCG", "A", 0)],
)
def test_homopolymer_length(sequence, unit, expected):
    assert homopolymer_length(sequence, 0, unit) == expected
