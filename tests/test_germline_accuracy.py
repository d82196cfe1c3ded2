"""Germline calling through the real workflow: accuracy on the NA12878 benchmark (a
germline-only patient, one session run) and the demo normal's germline calls.

NA12878: 35x reads over the first 500 kb of chr21_22000000_23000000 carrying the Platinum
Genomes v2.0.1 variants; the workflow calls over the confident regions as its panel
(tests/data/panels/na12878_chr21.bed, gene name chr21_desert), and calls and truth, both
normalised with `bcftools norm -m-any -f REF`, are compared by (chrom, pos, ref, alt) inside
them. Measured (bcftools, germline presets): SNV TP 655 FP 0 FN 3 (F1 0.998), indel TP 105
FP 2 FN 4 (F1 0.972); every remaining error sits in a complex locus that the truth writes
differently (insertion plus SNV vs one longer insertion).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import DATA, DEMO_READS, REPO, Run, run_workflow, write_sheet
from cyvcf2 import VCF

from presis.devtools.scoring import Score, score, vcf_keys
from presis.inputs.bed import PanelIndex, read_panel

pytestmark = pytest.mark.e2e

NA12878 = DATA / "reads" / "na12878_chr21"
NA12878_PANEL = DATA / "panels" / "na12878_chr21.bed"
MIN_F1 = {"SNV": 0.995, "indel": 0.97}


def in_regions(bed: Path):
    index = PanelIndex(read_panel(bed))
    return lambda chrom, pos, end: bool(index.genes_at(chrom, pos, end))


def kind(key: tuple[str, int, str, str]) -> str:
    return "SNV" if len(key[2]) == len(key[3]) == 1 else "indel"


@pytest.fixture(scope="session")
def na12878_run(tmp_path_factory) -> Run:
    """NA12878 as a germline-only patient: one normal row, no tumour."""
    folder = tmp_path_factory.mktemp("na12878")
    row = {
        "patient": "NA12878", "sample": "NA12878", "type": "normal", "lane": "L001",
        "fastq_1": NA12878 / "NA12878_R1.fastq.gz", "fastq_2": NA12878 / "NA12878_R2.fastq.gz",
    }  # fmt: skip
    sheet = write_sheet(folder / "samples.tsv", [row])
    run = run_workflow(folder / "out", f"samples={sheet}", f"panel={{name: na12878, bed: {NA12878_PANEL}}}")
    assert run.returncode == 0, run.output[-5000:]
    return run


@pytest.fixture(scope="session")
def na12878_scores(na12878_run, tmp_path_factory) -> dict[str, tuple[Score, set, set]]:
    """kind -> (score, false calls, missed truth), PASS calls only."""
    truth = tmp_path_factory.mktemp("na12878_truth") / "truth.norm.vcf.gz"
    reference = DATA / "genome" / "presis-test-GRCh38.v2.fa.gz"  # bgzipped, indexed: read in place
    subprocess.run(
        ["bcftools", "norm", "-m-any", "-f", str(reference), "-Oz", "-o", str(truth), str(NA12878 / "NA12878.germline_truth.vcf.gz")],
        check=True, capture_output=True,
    )  # fmt: skip
    within = in_regions(NA12878_PANEL)
    truth_keys = set(vcf_keys(truth, within=within))
    called = set(vcf_keys(na12878_run.result("NA12878/calls/NA12878.germline.vcf.gz"), pass_only=True, within=within))
    scores = {}
    for name in MIN_F1:
        c, t = {k for k in called if kind(k) == name}, {k for k in truth_keys if kind(k) == name}
        scores[name] = (score(c, t), c - t, t - c)
    return scores


@pytest.mark.parametrize("name", list(MIN_F1))
def test_na12878_germline_f1(na12878_scores, name):
    result, false_calls, missed = na12878_scores[name]
    print(f"NA12878 {name}: TP {result.tp} FP {result.fp} FN {result.fn} F1 {result.f1:.4f}")
    assert result.f1 >= MIN_F1[name], (
        f"{name} {result} F1 {result.f1:.4f}; false: {sorted(false_calls)}; missed: {sorted(missed)}"
    )


def test_germline_only_patient_gets_only_germline_outputs(na12878_run):
    patient = na12878_run.result("NA12878")
    assert (patient / "calls" / "NA12878.germline.vcf.gz.tbi").exists()
    assert (patient / "annotate" / "NA12878.germline.tsv").exists()
    assert not (patient / "report").exists()
    assert not list(patient.glob("calls/*somatic*")) and not list(patient.glob("calls/*candidates*"))
    assert not (patient / "qc" / "NA12878.identity.json").exists()


def test_germline_vcf_carries_genotype_evidence_and_named_filters(na12878_run):
    vcf = VCF(str(na12878_run.result("NA12878/calls/NA12878.germline.vcf.gz")))
    header = vcf.raw_header
    for line in ('##FILTER=<ID=low_qual,Description="Set if true: QUAL<20">',
                 '##FILTER=<ID=low_depth,Description="Set if true: FMT/DP<10">',
                 "##FORMAT=<ID=GQ", "##FORMAT=<ID=AD", "##FORMAT=<ID=DP"):  # fmt: skip
        assert line in header
    records = list(vcf)
    assert all(len(r.ALT) == 1 for r in records)  # split
    assert all((r.FILTER is None) == (r.QUAL >= 20 and r.format("DP")[0][0] >= 10) for r in records)


def test_germline_table_has_one_row_per_call(na12878_run):
    lines = na12878_run.result("NA12878/annotate/NA12878.germline.tsv").read_text().splitlines()
    header = lines[0].split("\t")
    for column in (
        "gene",
        "transcript",
        "hgvs_c",
        "hgvs_p",
        "consequence",
        "genotype",
        "gq",
        "qual",
        "depth",
        "filters",
    ):
        assert column in header
    calls = sum(1 for _ in VCF(str(na12878_run.result("NA12878/calls/NA12878.germline.vcf.gz"))))
    assert len(lines) - 1 == calls
    assert {line.split("\t")[header.index("gene")] for line in lines[1:]} == {"chr21_desert"}


def test_demo_normal_germline_calls_match_the_truth(demo_run):
    within = in_regions(REPO / "config" / "panels" / "presis-demo.bed")
    truth = set(vcf_keys(DEMO_READS / "DEMO.germline_truth.vcf.gz", within=within))
    called = set(vcf_keys(demo_run.result("DEMO/calls/DEMO.germline.vcf.gz"), pass_only=True, within=within))
    assert score(called, truth) == Score(tp=34, fp=0, fn=0)


def test_demo_germline_table_names_tp53_p72r(demo_run):
    lines = demo_run.result("DEMO/annotate/DEMO.germline.tsv").read_text().splitlines()
    header = lines[0].split("\t")
    rows = [dict(zip(header, line.split("\t"), strict=False)) for line in lines[1:]]
    p72r = next(r for r in rows if r["hgvs_p"] == "p.(Pro72Arg)")
    assert (p72r["gene"], p72r["hgvs_c"], p72r["zygosity"], p72r["filters"]) == (
        "TP53",
        "c.215C>G",
        "heterozygous",
        "PASS",
    )


def test_tumour_only_patient_has_no_germline_calls_and_no_identity_check(tumour_only_run):
    patient = tumour_only_run.result("DEMO")
    assert not list(patient.glob("calls/*germline*"))
    assert not list(patient.glob("qc/*identity*"))
