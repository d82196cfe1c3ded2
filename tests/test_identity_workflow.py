"""Tumour/normal identity through the real workflow.

One session run (--keep-going) on a panel of the demo genes plus MSH2 exons 3-6
(tests/data/panels/demo_msh2.bed):

- SWAP: the demo tumour with FOREIGN-N, the normal of another (simulated) person: mismatch,
  so its identity check fails and no report is built (identity: on_mismatch: stop).

Real people (GIAB NA12878 vs HG002: mismatch; NA12878's two halves: match) are checked on
their own GRCh37 region in tests/test_realreads_workflow.py; the MSH2 window's GIAB reads
held no SNP where HG001 and HG002 differ.

A second invocation on the same results with on_mismatch: warn builds SWAP's report with the
mismatch recorded. The demo pair (the session's demo run) matches.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import DATA, DEMO_READS, REPO, Run, demo_row, run_workflow, write_sheet
from cyvcf2 import VCF

from presis.inputs.bed import PanelIndex, read_panel

pytestmark = pytest.mark.e2e

IDENTITY = DATA / "identity"
PANEL = DATA / "panels" / "demo_msh2.bed"


@dataclass
class StopRun:
    run: Run
    swap_log: str  # the identity_check log, kept although the job failed
    swap_json_exists: bool
    swap_report_exists: bool
    swap_contribution_exists: bool


def row(patient: str, sample: str, kind: str, r1: Path, r2: Path) -> dict:
    return {"patient": patient, "sample": sample, "type": kind, "tumour_type": "COAD" if kind == "tumour" else "",
            "lane": "L001", "fastq_1": r1, "fastq_2": r2}  # fmt: skip


def read_json(path: Path) -> dict | None:
    return json.loads(path.read_text()) if path.exists() else None


@pytest.fixture(scope="session")
def identity_run(tmp_path_factory) -> StopRun:
    folder = tmp_path_factory.mktemp("identity")
    rows = [
        demo_row(patient="SWAP"),
        row("SWAP", "FOREIGN-N", "normal", IDENTITY / "FOREIGN-N_R1.fastq.gz", IDENTITY / "FOREIGN-N_R2.fastq.gz"),
    ]
    sheet = write_sheet(folder / "samples.tsv", rows)
    # Only what the tests look at (no germline calls): time.
    results = folder / "out" / "results"
    targets = [results / "SWAP/report/SWAP.report.json", results / "SWAP/vardb/SWAP.contribution.json"]
    run = run_workflow(
        folder / "out", f"samples={sheet}", f"panel={{name: demo_msh2, bed: {PANEL}}}",
        extra=("--keep-going", "--", *map(str, targets)),
    )  # fmt: skip
    # The warn run below rewrites these results: keep what the stop run left.
    log = run.outdir / "logs" / "SWAP" / "identity_check" / "SWAP.log"
    return StopRun(
        run=run,
        swap_log=log.read_text() if log.exists() else "",
        swap_json_exists=run.result("SWAP/qc/SWAP.identity.json").exists(),
        swap_report_exists=run.result("SWAP/report/SWAP.report.json").exists(),
        swap_contribution_exists=run.result("SWAP/vardb/SWAP.contribution.json").exists(),
    )


@pytest.fixture(scope="session")
def identity_warn_run(identity_run) -> Run:
    """The same results again with on_mismatch: warn, asking for SWAP's report only."""
    outdir = identity_run.run.outdir
    run = run_workflow(
        outdir, f"samples={outdir.parent / 'samples.tsv'}", f"panel={{name: demo_msh2, bed: {PANEL}}}",
        "identity={on_mismatch: warn}", extra=("--", str(outdir / "results" / "SWAP" / "report" / "SWAP.report.json")),
    )  # fmt: skip
    assert run.returncode == 0, run.output[-5000:]
    return run


def genotypes(path: Path, sample: str) -> dict[tuple[str, int], str]:
    vcf = VCF(str(path))
    index = vcf.samples.index(sample)
    return {(r.CHROM, r.POS): "/".join(map(str, sorted(r.genotypes[index][:2]))) for r in vcf}


def expected_counts(normal_truth: dict[tuple[str, int], str]) -> tuple[int, int]:
    """(informative, discordant) of the demo tumour against a normal whose true genotypes are
    ``normal_truth``, at the identity sites inside the demo panel (absent: 0/0)."""
    index = PanelIndex(read_panel(REPO / "config" / "panels" / "presis-demo.bed"))
    demo = genotypes(DEMO_READS / "DEMO.germline_truth.vcf.gz", "TRUTH")
    informative = discordant = 0
    for site in VCF(str(IDENTITY / "sites.vcf.gz")):
        key = (site.CHROM, site.POS)
        if not index.genes_at(site.CHROM, site.POS, site.POS):
            continue
        tumour, normal = demo.get(key, "0/0"), normal_truth.get(key, "0/0")
        if tumour in ("0/0", "1/1") and normal in ("0/0", "1/1"):
            informative += 1
            discordant += tumour != normal
    return informative, discordant


def test_a_foreign_normal_stops_the_report_with_a_clear_message(identity_run):
    run = identity_run.run
    assert run.returncode != 0  # SWAP failed; --keep-going finished the others
    informative, discordant = expected_counts(genotypes(IDENTITY / "FOREIGN.germline_truth.vcf.gz", "FOREIGN"))
    assert (informative, discordant) == (10, 9)
    expected = f"SAMPLE MISMATCH: tumour DEMO-T and normal FOREIGN-N look like two different people — {discordant} of {informative}"
    assert expected in run.output
    assert "report of this patient is not built" in run.output
    assert not identity_run.swap_json_exists and not identity_run.swap_report_exists
    assert not identity_run.swap_contribution_exists  # nor anything for the national database
    assert '"status": "mismatch"' in identity_run.swap_log  # the evidence stays in the log


def test_warn_reports_the_mismatch(identity_warn_run):
    result = read_json(identity_warn_run.result("SWAP/qc/SWAP.identity.json"))
    assert (result["status"], result["warning"], result["discordant_sites"], result["informative_sites"]) == (
        "mismatch",
        True,
        9,
        10,
    )
    assert result["thresholds"]["on_mismatch"] == "warn"
    assert "presis identity_check WARNING: SAMPLE MISMATCH" in identity_warn_run.output
    report = read_json(identity_warn_run.result("SWAP/report/SWAP.report.json"))
    assert (report["identity"]["status"], report["identity"]["warning"], report["identity"]["verified"]) == (
        "mismatch",
        True,
        False,
    )
    html = identity_warn_run.result("SWAP/report/SWAP.report.html").read_text()
    assert (
        'class="banner" role="alert">SAMPLE IDENTITY WARNING — SAMPLE MISMATCH: tumour DEMO-T and normal FOREIGN-N'
        in html
    )


def test_demo_pair_matches(demo_run):
    result = read_json(demo_run.result("DEMO/qc/DEMO.identity.json"))
    informative, discordant = expected_counts(genotypes(DEMO_READS / "DEMO.germline_truth.vcf.gz", "TRUTH"))
    assert (informative, discordant) == (23, 0)
    assert (result["status"], result["informative_sites"], result["discordant_sites"]) == ("match", 23, 0)
    assert (result["tumour"], result["normal"], result["warning"]) == ("DEMO-T", "DEMO-N", False)
