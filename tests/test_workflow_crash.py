"""Crash safety: the demo killed (SIGKILL to its whole process group) during alignment and
again during calling, then recovered with the documented command (docs/usage.md), ends with the uninterrupted
run's report; a killed job leaves nothing that looks finished. Determinism: reports of
runs on the same inputs are byte-identical apart from their timestamp."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import (
    REPO,
    TIMESTAMP_FIELD,
    Run,
    report_bytes_without_timestamp,
    run_workflow,
    without_timestamp,
    workflow_command,
)

pytestmark = pytest.mark.e2e


@dataclass
class Killed:
    """What a killed run left behind, checked before the recovery, and the recovered run."""

    job_output: Path  # the output of the job that was running when the run was killed
    output_existed: bool
    downstream_existed: bool  # the output of the job after it, which must not be there
    dry_run: subprocess.CompletedProcess  # Snakemake's view of the leftovers (no --rerun-incomplete)
    unlock: subprocess.CompletedProcess
    recovered: Run


def kill_when(outdir: Path, started: Path, timeout: float = 900) -> None:
    """Runs the demo in its own process group and SIGKILLs the group once ``started`` (a
    job's log, which its shell command opens as it starts) appears."""
    with open(outdir.with_suffix(".killed.log"), "w") as log:
        proc = subprocess.Popen(workflow_command(outdir), cwd=REPO, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)  # fmt: skip
    deadline = time.monotonic() + timeout
    try:
        while not started.exists():
            assert proc.poll() is None, f"the run ended before {started.name} started"
            assert time.monotonic() < deadline, f"{started} did not appear in {timeout} s"
            time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def kill_and_recover(outdir: Path, job_log: str, job_output: str, downstream: str) -> Killed:
    outdir.mkdir(parents=True, exist_ok=True)
    kill_when(outdir, outdir / job_log)
    output = outdir / job_output
    existed, downstream_existed = output.exists(), (outdir / downstream).exists()
    run = lambda *extra: subprocess.run(workflow_command(outdir, extra=extra), cwd=REPO, capture_output=True, text=True)  # noqa: E731
    # The documented recovery (docs/usage.md "After a crash"): unlock, then the same command with --rerun-incomplete.
    unlock = run("--unlock")
    dry_run = run("--dry-run")
    recovered = run_workflow(outdir, extra=("--rerun-incomplete",))
    return Killed(output, existed, downstream_existed, dry_run, unlock, recovered)


@pytest.fixture(scope="session")
def killed_in_alignment(tmp_path_factory) -> Killed:
    return kill_and_recover(
        tmp_path_factory.mktemp("killed_align") / "out",
        "logs/DEMO/align_bwa/DEMO-T.L001.log",
        "results/DEMO/align/DEMO-T.L001.sorted.bam",
        "results/DEMO/align/DEMO-T.bam",
    )


@pytest.fixture(scope="session")
def killed_in_calling(tmp_path_factory) -> Killed:
    return kill_and_recover(
        tmp_path_factory.mktemp("killed_call") / "out",
        "logs/DEMO/call_mpileup/DEMO.000.log",
        "results/DEMO/calls/shards/DEMO.000.candidates.bcf",
        "results/DEMO/calls/DEMO.candidates.bcf",
    )


@pytest.mark.parametrize("stage", ["killed_in_alignment", "killed_in_calling"])
def test_a_killed_run_recovers_to_the_uninterrupted_report(stage, request, demo_run):
    killed: Killed = request.getfixturevalue(stage)
    assert killed.unlock.returncode == 0, killed.unlock.stderr[-3000:]
    assert killed.recovered.returncode == 0, killed.recovered.output[-5000:]
    assert without_timestamp(killed.recovered.report()) == without_timestamp(demo_run.report())


@pytest.mark.parametrize("stage", ["killed_in_alignment", "killed_in_calling"])
def test_a_killed_job_leaves_no_output_that_looks_finished(stage, request):
    """The killed job's output is either absent or known to Snakemake as incomplete: without
    --rerun-incomplete it refuses to go on and names the file."""
    killed: Killed = request.getfixturevalue(stage)
    if killed.output_existed:
        said = killed.dry_run.stdout + killed.dry_run.stderr
        assert killed.dry_run.returncode != 0 and "incomplete" in said.lower(), said[-3000:]
        assert str(killed.job_output) in said, said[-3000:]
    assert not killed.downstream_existed


def test_reports_of_two_runs_are_byte_identical_apart_from_the_timestamp(demo_run, killed_in_alignment):
    """The run killed in alignment recomputed everything from alignment on: a second run."""
    first = demo_run.result("DEMO/report/DEMO.report.json")
    second = killed_in_alignment.recovered.result("DEMO/report/DEMO.report.json")
    assert report_bytes_without_timestamp(first) == report_bytes_without_timestamp(second)


def test_the_report_json_holds_no_absolute_paths_or_run_locations(demo_run):
    text = demo_run.result("DEMO/report/DEMO.report.json").read_text()
    assert str(demo_run.outdir) not in text and str(REPO) not in text

    def strings(value):
        if isinstance(value, dict):
            for _key, item in value.items():
                yield from strings(item)
        elif isinstance(value, list):
            for item in value:
                yield from strings(item)
        elif isinstance(value, str):
            yield value

    report = demo_run.report()
    assert [s for s in strings(without_timestamp(report)) if s.startswith("/")] == []
    assert TIMESTAMP_FIELD in report
