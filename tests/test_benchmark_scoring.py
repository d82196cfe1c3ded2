"""The benchmark scorer on hand-made VCFs, and the frozen scenario set."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import pysam
import pytest
import yaml
from conftest import REPO

from presis.devtools import benchmark as bench
from presis.devtools.scoring import Score
from presis.errors import InputError
from presis.inputs.samplesheet import load_sheet

# A 2 kb contig: random sequence with G AAAAAA C at 100-107, so that a 1-bp deletion has
# two spellings (left-aligned at 100, or right-shifted to 105).
_random = random.Random(5)
CONTIG = (
    "".join(_random.choice("ACGT") for _ in range(99))
    + "GAAAAAAC"
    + "".join(_random.choice("CGT") for _ in range(1893))
)
assert CONTIG[99:107] == "GAAAAAAC"

TRUTH = [  # pos, ref, alt, VAF   (1-based; alt "snv" = the first base other than REF)
    (200, None, "snv", 0.02),  # t1: FN, caller said low_vaf
    (300, None, "snv", 0.03),  # t2: TP (from a multi-allelic call)
    (400, None, "snv", 0.04),  # t3: FN, no record at all
    (500, None, "snv", 0.08),  # t4: TP
    (600, None, "snv", 0.15),  # t5: TP
    (700, None, "snv", 0.30),  # t6: TP
    (105, "AA", "A", 0.25),  # t7: TP, right-shifted here, left-aligned in the calls
    (800, None, "+GT", 0.12),  # t8: FN, caller said weak_evidence
    (1800, None, "snv", 0.30),  # outside the BED: ignored
]
CALLS = [  # pos, ref, alt(s), FILTER, TVAF, TALT, TDP
    (200, None, "snv", "low_vaf", 0.02, 12, 600),
    (300, None, "snv,snv2", "PASS", 0.045, 16, 350),  # snv is t2; snv2 a false positive
    (500, None, "snv", "PASS", 0.07, 18, 250),
    (600, None, "snv", "PASS", 0.14, 21, 150),
    (700, None, "snv", "PASS", 0.31, 25, 80),
    (100, "GA", "G", "PASS", 0.26, 104, 400),
    (800, None, "+GT", "weak_evidence", 0.02, 2, 120),
    (900, None, "snv", "PASS", 0.06, 9, 150),  # FP
    (950, None, "snv", "PASS", 0.025, 8, 320),  # FP, low VAF
    (1000, None, "-3", "PASS", 0.40, 60, 150),  # FP: a germline variant
    (1900, None, "snv", "PASS", 0.30, 30, 100),  # outside the BED
]


def other_bases(pos: int) -> list[str]:
    return [b for b in "ACGT" if b != CONTIG[pos - 1]]


def snv(pos: int, which: int = 0) -> tuple[str, int, str, str]:
    return ("c1", pos, CONTIG[pos - 1], other_bases(pos)[which])


def allele(pos: int, ref: str | None, alt: str) -> tuple[str, str]:
    """REF/ALT at pos; ``+SEQ`` inserts SEQ after pos, ``-N`` deletes N bases after pos."""
    base = CONTIG[pos - 1]
    if ref is not None:
        return ref, alt
    if alt.startswith("+"):
        return base, base + alt[1:]
    if alt.startswith("-"):
        return CONTIG[pos - 1 : pos + int(alt[1:])], base
    alts = {"snv": other_bases(pos)[0], "snv2": other_bases(pos)[1]}
    return base, ",".join(alts[a] for a in alt.split(","))


def record(pos: int, ref: str | None, alt: str, filter_: str, info: str) -> str:
    return "\t".join(["c1", str(pos), ".", *allele(pos, ref, alt), ".", filter_, info])


HEADER = [
    "##fileformat=VCFv4.2",
    '##FILTER=<ID=PASS,Description="All filters passed">',
    '##FILTER=<ID=low_vaf,Description="x">',
    '##FILTER=<ID=weak_evidence,Description="x">',
    f"##contig=<ID=c1,length={len(CONTIG)}>",
    '##INFO=<ID=VAF,Number=1,Type=Float,Description="truth VAF">',
    '##INFO=<ID=TVAF,Number=1,Type=Float,Description="x">',
    '##INFO=<ID=TALT,Number=1,Type=Integer,Description="x">',
    '##INFO=<ID=TDP,Number=1,Type=Integer,Description="x">',
    "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO",
]


def write_vcf(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(HEADER + lines) + "\n")
    return path


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("scoring")
    fasta = folder / "ref.fa"
    fasta.write_text(">c1\n" + "\n".join(CONTIG[i : i + 60] for i in range(0, len(CONTIG), 60)) + "\n")
    pysam.faidx(str(fasta))
    bed = folder / "panel.bed"
    bed.write_text("c1\t50\t1500\tGENE\n")
    truth = write_vcf(
        folder / "truth.vcf", [record(pos, ref, alt, "PASS", f"VAF={vaf}") for pos, ref, alt, vaf in TRUTH]
    )
    calls = write_vcf(
        folder / "calls.vcf",
        [record(pos, ref, alt, f, f"TVAF={tvaf};TALT={talt};TDP={tdp}") for pos, ref, alt, f, tvaf, talt, tdp in CALLS],
    )
    germline = write_vcf(folder / "germline.vcf", [record(1000, None, "-3", "PASS", ".")])
    return {"fasta": fasta, "bed": bed, "truth": truth, "calls": calls, "germline": germline, "folder": folder}


@pytest.fixture(scope="module")
def comparison(files) -> bench.Comparison:
    return bench.compare(
        files["calls"], files["truth"], files["fasta"], files["bed"], name="toy", germline_vcf=files["germline"]
    )


def test_counts_overall_and_by_type(comparison):
    assert bench.overall(comparison) == Score(tp=5, fp=4, fn=3)
    assert bench.by_type(comparison) == {"SNV": Score(4, 3, 2), "indel": Score(1, 1, 1)}


def test_equivalent_indel_spellings_match_after_normalisation(comparison):
    assert ("c1", 100, "GA", "G") in comparison.tp  # truth said c1:105 AA>A


def test_multiallelic_call_is_split(comparison):
    assert snv(300, 0) in comparison.tp
    assert snv(300, 1) in comparison.fp


def test_only_pass_records_inside_the_bed_are_calls(comparison):
    assert all(pos < 1500 for _, pos, _, _ in comparison.calls | set(comparison.truth))
    assert snv(200) in comparison.fn
    assert comparison.records[snv(200)].filter == "low_vaf"


def test_recall_by_truth_vaf(comparison):
    assert bench.recall_by_vaf(comparison) == {
        "<0.03": (0, 1), "0.03-0.05": (1, 1), "0.05-0.10": (1, 0), "0.10-0.20": (1, 1), ">=0.20": (2, 0),
    }  # fmt: skip


def test_false_positives_by_observed_vaf(comparison):
    assert bench.fp_by_vaf(comparison) == {"<0.03": 1, "0.03-0.05": 1, "0.05-0.10": 1, "0.10-0.20": 0, ">=0.20": 1}


def test_recall_by_depth_uses_the_callers_depth(comparison):
    assert bench.recall_by_depth(comparison) == {
        "<100": (1, 0), "100-200": (1, 1), "200-300": (1, 0), "300-500": (2, 0), ">=500": (0, 1), "n/a": (0, 1),
    }  # fmt: skip


def test_headline_figures(comparison):
    h = bench.headline(comparison)
    assert h.snv_recall == 1.0  # t4, t5, t6
    assert h.snv_precision == 0.75  # TVAF >= 0.05: t4, t5, t6 and the FP at 900
    assert (h.low_vaf_deep_recall, h.low_vaf_deep_sites) == (1.0, 1)  # t2 at 350x; t3 has no depth
    assert h.indel_f1 == 0.5
    assert h.tumour_only_precision_with_germline is None  # a tumour/normal comparison


def test_tumour_only_precision_with_and_without_germline_sites(files):
    c = bench.compare(
        files["calls"], files["truth"], files["fasta"], files["bed"], germline_vcf=files["germline"], tumour_only=True
    )
    h = bench.headline(c)
    assert h.tumour_only_precision_with_germline == pytest.approx(4 / 6)
    assert h.tumour_only_precision_without_germline == pytest.approx(4 / 5)


def test_pooling_keeps_scenarios_apart(comparison):
    pooled = bench.pool([comparison, dataclasses.replace(comparison, name="other")])
    assert bench.overall(pooled) == Score(10, 8, 6)
    assert bench.recall_by_vaf(pooled)["0.03-0.05"] == (2, 2)


def test_text_lists_misses_with_their_evidence(comparison):
    text = bench.format_comparison(comparison)
    assert "FN c1:200 " in text and "FILTER=low_vaf TVAF=0.020 TALT=12 TDP=600" in text
    assert "FN c1:400 " in text and "no candidate" in text
    assert "[germline truth]" in text
    assert "indel F1: 0.500" in text


# --------------------------------------------------------------------------- depth from the BAM


def aligned(
    name: str, pos: int, flag: int = 0, mapq: int = 60, quality: int = 37, mate: int = 0
) -> pysam.AlignedSegment:
    read = pysam.AlignedSegment()
    read.query_name, read.flag, read.reference_id, read.reference_start = name, flag, 0, pos
    read.mapping_quality, read.cigarstring = mapq, "50M"
    read.query_sequence = CONTIG[pos : pos + 50]
    read.query_qualities = pysam.qualitystring_to_array(chr(33 + quality) * 50)
    if flag & 1:
        read.next_reference_id, read.next_reference_start, read.template_length = 0, mate, 80
    return read


def test_bam_depth_counts_as_the_caller_does(tmp_path):
    header = {"HD": {"VN": "1.6", "SO": "coordinate"}, "SQ": [{"SN": "c1", "LN": len(CONTIG)}]}
    reads = [
        aligned("plain", 100),
        aligned("pair", 110, flag=1 | 2 | 32 | 64, mate=120),  # mates overlap at 130: count once
        aligned("pair", 120, flag=1 | 2 | 16 | 128, mate=110),
        aligned("dup", 115, flag=1024),
        aligned("lowmapq", 115, mapq=5),
        aligned("lowqual", 115, quality=12),
    ]
    path = tmp_path / "x.bam"
    with pysam.AlignmentFile(str(path), "wb", header=header) as out:
        for read in sorted(reads, key=lambda r: r.reference_start):
            out.write(read)
    pysam.index(str(path))
    with pysam.AlignmentFile(str(path)) as bam:
        assert bench.bam_depth(bam, "c1", 131) == 2  # plain + the pair once
        assert bench.bam_depth(bam, "c1", 1500) == 0


# --------------------------------------------------------------------------- the frozen scenarios


@pytest.fixture(scope="module")
def benchmark_set() -> bench.BenchmarkSet:
    return bench.load_scenarios(REPO / "config" / "benchmark" / "scenarios.yaml", REPO)


def test_scenario_set_covers_what_the_project_must_measure(benchmark_set):
    scenarios = benchmark_set.scenarios
    by_name = {s.name: s for s in scenarios}
    demo = by_name["demo"]
    assert demo.bundled and demo.seed == 1001 and not demo.tumour_only
    assert {0.3, 0.6, 0.9} <= {s.purity for s in scenarios}
    assert any(s.tumour_only and not s.bundled for s in scenarios)
    assert all(150 <= s.tumour_depth <= 800 for s in scenarios)
    # distinct variant sets: a bundled folder counts once
    distinct = {s.bundled or s.name: s.n_somatic for s in scenarios}
    assert sum(distinct.values()) >= 100
    # indels of 1-30 bp, at least 30 % of the simulated somatic variants (the indel-rich scenario has half)
    assert all(s.indel_fraction >= 0.3 and s.max_indel == 30 for s in scenarios if not s.bundled)
    low = [s for s in scenarios if s.vaf_range[1] * s.purity <= 0.05]
    assert any(s.n_somatic >= 20 and s.vaf_range[0] * s.purity >= 0.03 and s.tumour_depth >= 300 for s in low)
    assert benchmark_set.ci().n_somatic >= 30 and not benchmark_set.ci().tumour_only


def test_bundled_demo_files_exist(benchmark_set):
    data = bench.prepare_scenario(benchmark_set.get("demo"), benchmark_set, REPO, cache=Path("/nonexistent"))
    for path in [*data.tumour, *data.normal, data.somatic_truth, data.germline_truth]:
        assert path.is_file(), path
    tumour_only = bench.prepare_scenario(
        benchmark_set.get("demo-tumour-only"), benchmark_set, REPO, Path("/nonexistent")
    )
    assert tumour_only.normal is None


# Scenarios are frozen: their keys change when a generating field or SIMULATOR_VERSION does.
# To measure something new, add a scenario; never edit one whose figures were published.
FROZEN_KEYS = {
    "ci": "ci-seed20250101-cfb6b3cba0",
    "purity30": "purity30-seed30303-20eb9d53a8",
    "purity60": "purity60-seed60606-920d68ffbe",
    "purity90": "purity90-seed90909-e54de10a56",
    "lowvaf-deep": "lowvaf-deep-seed30500-426ce9612a",
    "tumour-only": "tumour-only-seed40404-007197245b",
}


def test_scenarios_are_frozen(benchmark_set):
    keys = {s.name: s.cache_key() for s in benchmark_set.scenarios if not s.bundled}
    assert {name: keys.get(name) for name in FROZEN_KEYS} == FROZEN_KEYS


def test_sample_sheet_of_a_scenario_passes_presis_validation(benchmark_set, tmp_path):
    scenario = benchmark_set.get("demo")
    data = bench.prepare_scenario(scenario, benchmark_set, REPO, tmp_path)
    sheet = bench.write_sample_sheet(tmp_path / "samples.tsv", bench.sample_sheet_rows(scenario, data))
    loaded = load_sheet(sheet)
    assert sorted(loaded["type"]) == ["normal", "tumour"]


def test_unknown_scenario_keys_are_reported(tmp_path):
    broken = {"reference": "x.fa", "panel": "x.bed", "scenarios": [{"name": "a", "seed": 1, "depht": 3}]}
    path = tmp_path / "scenarios.yaml"
    path.write_text(yaml.safe_dump(broken))
    with pytest.raises(InputError, match="unknown keys depht"):
        bench.load_scenarios(path, tmp_path)
