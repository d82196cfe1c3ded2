"""Shared paths and the session-wide workflow runs: each scenario runs once per session."""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data"
DEMO_READS = DATA / "reads" / "demo"
SNAKEMAKE = Path(sys.executable).parent / "snakemake"
# The one field of a report that differs between two runs on the same inputs.
TIMESTAMP_FIELD = "generated_at"


@dataclass
class Run:
    outdir: Path
    returncode: int
    output: str  # stdout + stderr of snakemake

    def report(self, patient: str = "DEMO") -> dict:
        return json.loads((self.outdir / "results" / patient / "report" / f"{patient}.report.json").read_text())

    def result(self, relative: str) -> Path:
        return self.outdir / "results" / relative


def workflow_command(outdir: Path, *config: str, extra: tuple[str, ...] = ()) -> list[str]:
    return [
        str(SNAKEMAKE), "--configfile", "config/config.yaml", "--cores", "2",
        "--config", f"outdir={outdir}", *config, *extra,
    ]  # fmt: skip


def run_workflow(outdir: Path, *config: str, extra: tuple[str, ...] = (), env: dict | None = None) -> Run:
    """The real workflow on the bundled data, results below ``outdir``."""
    command = workflow_command(outdir, *config, extra=extra)
    proc = subprocess.run(command, cwd=REPO, capture_output=True, text=True, env={**os.environ, **(env or {})})
    return Run(outdir, proc.returncode, proc.stdout + proc.stderr)


def without_timestamp(report: dict) -> dict:
    return {key: value for key, value in report.items() if key != TIMESTAMP_FIELD}


def report_bytes_without_timestamp(path: Path) -> bytes:
    """The report JSON as written, its timestamp value blanked (the file's own bytes otherwise)."""
    data = path.read_bytes()
    blanked, count = re.subn(rb'("' + TIMESTAMP_FIELD.encode() + rb'": )"[^"]*"', rb'\1""', data)
    assert count == 1, f"{path} has {count} {TIMESTAMP_FIELD} fields, expected 1"
    return blanked


def write_sheet(path: Path, rows: list[dict]) -> Path:
    columns = ["patient", "sample", "type", "tumour_type", "lane", "fastq_1", "fastq_2"]
    lines = ["\t".join(columns)] + ["\t".join(str(row.get(c, "")) for c in columns) for row in rows]
    path.write_text("\n".join(lines) + "\n")
    return path


def demo_row(sample: str = "DEMO-T", kind: str = "tumour", patient: str = "DEMO", **changes) -> dict:
    reads = "DEMO-T" if kind == "tumour" else "DEMO-N"
    row = {
        "patient": patient, "sample": sample, "type": kind, "tumour_type": "LUAD", "lane": "L001",
        "fastq_1": DEMO_READS / f"{reads}_R1.fastq.gz", "fastq_2": DEMO_READS / f"{reads}_R2.fastq.gz",
    }  # fmt: skip
    row.update(changes)
    return row


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory) -> Run:
    """The demo as shipped: tumour/normal, level 2."""
    run = run_workflow(tmp_path_factory.mktemp("demo"))
    assert run.returncode == 0, run.output[-5000:]
    return run


@pytest.fixture(scope="session")
def tumour_only_run(tmp_path_factory) -> Run:
    run = run_workflow(tmp_path_factory.mktemp("tumour_only"), f"samples={REPO / 'config' / 'samples.tumour-only.tsv'}")
    assert run.returncode == 0, run.output[-5000:]
    return run


@pytest.fixture(scope="session")
def truncated_fastq_run(tmp_path_factory) -> tuple[Run, Path]:
    """Tumour-only run whose tumour R1 was cut short in transit."""
    folder = tmp_path_factory.mktemp("truncated")
    damaged = folder / "DEMO-T_R1.fastq.gz"
    data = (DEMO_READS / "DEMO-T_R1.fastq.gz").read_bytes()
    damaged.write_bytes(data[: len(data) // 3])
    sheet = write_sheet(folder / "samples.tsv", [demo_row(fastq_1=damaged)])
    return run_workflow(folder / "out", f"samples={sheet}"), damaged


@pytest.fixture(scope="session")
def tumour_only_pon_run(tmp_path_factory, demo_run) -> Run:
    """Tumour-only with a panel of normals built from the demo normal's BAM (one normal suffices)."""
    normal_bam = demo_run.result("DEMO/align/DEMO-N.bam")
    run = run_workflow(
        tmp_path_factory.mktemp("tumour_only_pon"),
        f"samples={REPO / 'config' / 'samples.tumour-only.tsv'}",
        f"pon={{bams: [{normal_bam}]}}",
        "somatic={pon_min_normals: 1}",
    )
    assert run.returncode == 0, run.output[-5000:]
    return run
