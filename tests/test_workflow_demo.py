"""End to end: the demo tumour/normal pair from FASTQ to report, checked against truth."""

import json
import subprocess
from html import unescape

import pytest
import yaml
from conftest import DEMO_READS, REPO, SNAKEMAKE
from jsonschema import Draft202012Validator

from presis.devtools.scoring import score, vcf_keys
from presis.inputs.bed import PanelIndex, read_panel
from presis.inputs.config import level_config

pytestmark = pytest.mark.e2e

# The six findings of the demo (tests/data/README.md): gene, c., p., DNA on the test genome.
HOTSPOTS = [
    ("KRAS", "c.35G>A", "p.(Gly12Asp)", ("chr12_25195146_25260929", 50205, "C", "T")),
    ("EGFR", "c.2573T>G", "p.(Leu858Arg)", ("chr7_55019017_55211628", 172806, "T", "G")),
    ("EGFR", "c.2235_2249del", "p.(Glu746_Ala750del)", ("chr7_55019017_55211628", 155755, "AGGAATTAAGAGAAGC", "A")),
    ("TP53", "c.818G>A", "p.(Arg273His)", ("chr17", 7673802, "C", "T")),
    ("BAP1", "c.943G>T", "p.(Glu315Ter)", ("chr3_52287089_52809009", 118195, "C", "A")),
    ("PBRM1", "c.3892C>T", "p.(Gln1298Ter)", ("chr3_52287089_52809009", 276389, "G", "A")),
]


@pytest.fixture(scope="module")
def in_panel():
    return lambda chrom, pos, end: bool(
        PanelIndex(read_panel(REPO / "config/panels/presis-demo.bed")).genes_at(chrom, pos, end)
    )


@pytest.fixture(scope="module")
def somatic_truth(in_panel):
    return vcf_keys(DEMO_READS / "DEMO.somatic_truth.vcf.gz", within=in_panel)


def key(variant):
    return (variant["chrom"], variant["pos"], variant["ref"], variant["alt"])


@pytest.mark.parametrize("gene, hgvs_c, hgvs_p, dna", HOTSPOTS, ids=[f"{h[0]} {h[2]}" for h in HOTSPOTS])
def test_demo_reports_each_hotspot_with_nomenclature_and_vaf(demo_run, somatic_truth, gene, hgvs_c, hgvs_p, dna):
    found = [v for v in demo_run.report()["variants"] if key(v) == dna]
    assert len(found) == 1, f"{gene} {hgvs_p} not reported"
    variant = found[0]
    assert (variant["gene"], variant["hgvs_c"], variant["hgvs_p"]) == (gene, hgvs_c, hgvs_p)
    assert abs(variant["tumour_vaf"] - somatic_truth[dna]["VAF"]) <= 0.05


def test_no_false_positive_among_reportable_variants(demo_run, somatic_truth):
    reported = {key(v) for v in demo_run.report()["variants"]}
    assert reported - set(somatic_truth) == set()


def test_somatic_recall_and_precision_over_the_panel(demo_run, somatic_truth, in_panel):
    calls = vcf_keys(demo_run.result("DEMO/calls/DEMO.somatic.vcf.gz"), pass_only=True, within=in_panel)
    result = score(calls, somatic_truth)
    assert len(somatic_truth) == 30
    assert result.recall >= 0.90 and result.precision >= 0.90, result


def test_germline_variants_are_kept_but_filtered(demo_run):
    germline = vcf_keys(DEMO_READS / "DEMO.germline_truth.vcf.gz")
    calls = vcf_keys(demo_run.result("DEMO/calls/DEMO.somatic.vcf.gz"))
    seen = [k for k in germline if k in calls]
    assert len(seen) >= 0.9 * len(germline)
    assert all(calls[k]["CLASS"] == "germline" for k in seen)


def test_report_json_matches_schema_and_names_its_inputs(demo_run):
    report = demo_run.report()
    schema = json.loads((REPO / "config/schemas/report.schema.json").read_text())
    assert list(Draft202012Validator(schema).iter_errors(report)) == []
    assert report["patient"] == {"id": "DEMO", "tumour_type": "LUAD", "purity": None, "sex": None}
    assert report["samples"] == {"tumour": "DEMO-T", "normal": "DEMO-N"}
    provenance = report["provenance"]
    assert provenance["tools"]["bwa"].startswith("0.7") and provenance["tools"]["bcftools"][0].isdigit()
    assert len(provenance["reference"]["fasta"]["sha256"]) == 64
    assert provenance["config"]["somatic"] == level_config(REPO, 2)["somatic"]  # the preset, as run


def test_report_qc_and_coverage(demo_run):
    report = demo_run.report()
    tumour = report["qc"][0]
    assert tumour["sample"] == "DEMO-T" and tumour["pass"]
    # ~215x after duplicate marking outside EGFR; EGFR is amplified (2.5x its depth), so the panel mean is ~260x
    assert 180 <= tumour["mean_target_depth"] <= 290
    others = sorted(g["mean_depth"] for g in report["coverage"] if g["gene"] != "EGFR")
    assert 180 <= others[len(others) // 2] <= 250
    assert tumour["mapped_fraction"] > 0.95 and tumour["duplicate_fraction"] < 0.1
    assert {g["gene"] for g in report["coverage"]} == set(report["panel"]["genes"])
    assert len(report["panel"]["genes"]) == 16


def test_filter_counts_add_up(demo_run):
    report = demo_run.report()
    tsv = demo_run.result("DEMO/report/DEMO.report.tsv").read_text().splitlines()
    assert len(tsv) - 1 == report["filters"]["candidates"]  # every candidate is in the TSV
    germline = next(c for c in report["filters"]["counts"] if c["filter"] == "germline")
    assert germline["failed"] >= 30


def test_html_is_self_contained_and_lists_findings(demo_run):
    html = unescape(demo_run.result("DEMO/report/DEMO.report.html").read_text())
    assert "http://" not in html and "https://" not in html
    for _gene, hgvs_c, hgvs_p, _ in HOTSPOTS:
        assert hgvs_c in html and hgvs_p in html
    assert "sha256" in html and "Effective configuration" in html


def test_effective_config_logs_and_benchmarks_are_written(demo_run):
    config = yaml.safe_load(demo_run.result("provenance/effective_config.yaml").read_text())
    assert config["level"] == 2 and config["panel"]["name"] == "presis-demo"
    logs = list((demo_run.outdir / "logs").rglob("*.log"))
    benchmarks = list((demo_run.outdir / "benchmarks").rglob("*.tsv"))
    rules = {p.parent.name for p in logs}
    assert {"qc_fastp", "align_bwa", "call_mpileup", "call_classify", "annotate_csq", "report_build"} <= rules
    assert len(benchmarks) >= len(logs) - 1


def test_second_run_has_nothing_to_do(demo_run):
    proc = subprocess.run(
        [str(SNAKEMAKE), "--configfile", "config/config.yaml", "--cores", "2", "--config", f"outdir={demo_run.outdir}"],
        cwd=REPO, capture_output=True, text=True,
    )  # fmt: skip
    assert proc.returncode == 0
    assert "Nothing to be done" in proc.stdout + proc.stderr
