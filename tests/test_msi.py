"""MSI (presis.analyses.msi): microsatellites in the targets, repeat lengths per read, locus and sample calls;
and the simulator's MSI-high tumour (presis.devtools.simulate.microsatellite_shifts)."""

from __future__ import annotations

from collections import Counter

import pysam
import pytest
import yaml
from conftest import DATA, REPO

from presis.analyses import msi
from presis.devtools.simulate import Interval, load_reference, microsatellite_shifts, read_targets

SETTINGS = yaml.safe_load((REPO / "config/defaults.yaml").read_text())["msi"]
#                 0         1         2         3
#                 0123456789012345678901234567890123456789
SEQUENCE = "GCATGCAAAAAAAGCTCACACACACGTAGCCCCGTAGCAT"


def test_finds_homopolymers_and_short_tandem_repeats_inside_targets():
    loci = msi.find_microsatellites({"c": SEQUENCE}, [Interval("c", 0, 40)], 6, 4, 3)
    # the CA tract takes in its trailing C: a slipped CA can be aligned anywhere in CACACACAC
    assert [(locus.start, locus.end, locus.unit) for locus in loci] == [(6, 13, "A"), (16, 25, "CA")]
    assert loci[0].name == "c:7-13(A)x7"
    # a run too close to the target edge (flank) is left out, not cut short; CCCC is too short
    assert msi.find_microsatellites({"c": SEQUENCE}, [Interval("c", 4, 40)], 6, 4, 3)[0].unit == "CA"


def aligned(start: int, cigar: list[tuple[int, int]]) -> pysam.AlignedSegment:
    header = pysam.AlignmentHeader.from_dict({"SQ": [{"SN": "c", "LN": 1000}]})
    read = pysam.AlignedSegment(header)
    read.reference_id, read.reference_start, read.cigartuples = 0, start, cigar
    read.query_sequence = "A" * sum(n for op, n in cigar if op in (0, 1, 4))
    return read


LOCUS = msi.Locus("c", 100, 110, "A")  # A x 10 at 0-based [100, 110)


@pytest.mark.parametrize(
    "read, length",
    [
        (aligned(50, [(0, 100)]), 10),  # spans with flanks, no indel
        (aligned(50, [(0, 50), (2, 1), (0, 50)]), 9),  # 1-base deletion at the run's left end
        (aligned(50, [(0, 55), (1, 2), (0, 45)]), 12),  # 2-base insertion inside
        (aligned(50, [(0, 48), (2, 4), (0, 50)]), None),  # deletion reaching into the flank
        (aligned(50, [(0, 58)]), None),  # ends inside the repeat
        (aligned(99, [(0, 50)]), None),  # starts without a left flank
        (aligned(50, [(0, 52), (4, 30)]), None),  # clipped inside the flanked repeat
    ],
)
def test_repeat_length_of_one_read(read, length):
    assert msi.read_repeat_length(read, LOCUS, 3) == length


def test_fisher_exact_one_sided():
    assert msi.fisher_greater(8, 2, 1, 5) == pytest.approx(196 / 8008)
    assert msi.fisher_greater(0, 10, 0, 10) == pytest.approx(1.0)


def test_a_shifted_tumour_locus_is_unstable_and_stutter_alone_is_not():
    normal = Counter({10: 90, 9: 8, 11: 2})  # PCR stutter
    rules = {"min_reads": 20, "min_shift": 0.10, "max_p": 0.01}
    shifted = msi.compare_locus(Counter({10: 60, 9: 35, 8: 5}), normal, **rules)
    assert shifted["unstable"] and shifted["normal_mode"] == 10 and shifted["shift"] == 0.3
    assert not msi.compare_locus(Counter({10: 180, 9: 17, 11: 3}), normal, **rules)["unstable"]
    shallow = msi.compare_locus(Counter({10: 5, 9: 5}), normal, **rules)
    assert not shallow["evaluable"] and not shallow["unstable"]


def loci(evaluable: int, unstable: int, shallow: int = 0) -> list[dict]:
    return ([{"evaluable": True, "unstable": True}] * unstable + [{"evaluable": True, "unstable": False}] * (evaluable - unstable)
            + [{"evaluable": False, "unstable": False}] * shallow)  # fmt: skip


def test_sample_status():
    rules = {"min_loci": 20, "high_fraction": 0.2}
    assert msi.msi_status(loci(50, 12), **rules)["status"] == "MSI-high"
    assert msi.msi_status(loci(50, 3), **rules)["status"] == "MSI-stable"
    few = msi.msi_status(loci(12, 10, shallow=30), **rules)
    assert (
        few["status"] == "not evaluable"
        and "12 of 42 microsatellites" in few["reason"]
        and "at least 20" in few["reason"]
    )
    alone = msi.msi_status([], **rules, normal=False)
    assert alone["status"] == "not evaluable" and "matched normal" in alone["reason"]


def test_simulated_msi_high_tumour_shifts_half_the_panel_microsatellites_deterministically():
    reference = load_reference(DATA / "genome" / "presis-test-GRCh38.v2.fa.gz")
    targets = read_targets(REPO / "config" / "panels" / "presis-demo.bed")
    panel_loci = msi.find_microsatellites(
        reference, targets, SETTINGS["min_homopolymer"], SETTINGS["min_repeat_units"], SETTINGS["flank"]
    )
    shifts = microsatellite_shifts(reference, targets, 7, 0.5, 0.4, SETTINGS)
    assert shifts == microsatellite_shifts(reference, targets, 7, 0.5, 0.4, SETTINGS)
    assert len(panel_loci) >= 2 * SETTINGS["min_loci"] and len(shifts) == round(len(panel_loci) / 2)
    for shift in shifts:
        assert shift.origin == "somatic" and shift.vaf == 0.4 and len(shift.alt) == 1 and len(shift.ref) > 1
        assert any(
            locus.chrom == shift.chrom and locus.start <= shift.pos < locus.end for locus in panel_loci
        )  # deleted bases inside
