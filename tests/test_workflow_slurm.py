"""The demo through Snakemake's SLURM executor (profiles/slurm) on a throw-away single-node
SLURM that tests/slurm/start.sh starts for this module and stop.sh stops afterwards."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from conftest import REPO, run_workflow, without_timestamp

pytestmark = [pytest.mark.e2e, pytest.mark.slurm]

SCRIPTS = REPO / "tests" / "slurm"
DAEMONS = ("munged", "slurmctld", "slurmd", "sbatch", "squeue", "srun")


def unavailable() -> str | None:
    """Why this machine cannot host the test SLURM, or None."""
    if os.geteuid() != 0:
        return "the test SLURM runs its daemons and jobs as root (CI runs as root)"
    missing = [tool for tool in DAEMONS if not shutil.which(tool)]
    if missing:
        return f"not installed: {', '.join(missing)} (setup.sh installs slurmctld slurmd slurm-client munge)"
    return None


@pytest.fixture(scope="module")
def slurm_cluster(tmp_path_factory):
    reason = unavailable()
    if reason:
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp("slurm")
    start = subprocess.run(["bash", SCRIPTS / "start.sh", folder], capture_output=True, text=True)
    try:
        if start.returncode == 3:  # a real cluster's /etc/slurm/slurm.conf: not ours to replace
            pytest.skip(start.stderr.strip())
        assert start.returncode == 0, (
            start.stdout + start.stderr + "".join(p.read_text()[-2000:] for p in (folder / "log").glob("*.log"))
        )
        yield {"SLURM_CONF": str(folder / "slurm.conf")}
    finally:
        subprocess.run(["bash", SCRIPTS / "stop.sh", folder], capture_output=True)


@pytest.fixture(scope="module")
def slurm_run(slurm_cluster, tmp_path_factory):
    # A short first status check: the demo's jobs take seconds, a cluster's minutes.
    extra = ("--profile", "profiles/slurm", "--slurm-init-seconds-before-status-checks", "3")
    return run_workflow(tmp_path_factory.mktemp("slurm_run"), extra=extra, env=slurm_cluster)


def test_the_demo_through_slurm_gives_the_local_report(slurm_run, demo_run):
    assert slurm_run.returncode == 0, slurm_run.output[-5000:]
    # the alignment really went through SLURM (an sbatch job), not the local executor
    submitted = [line for line in slurm_run.output.splitlines() if "has been submitted with SLURM jobid" in line]
    assert any("rule_align_bwa" in line for line in submitted), slurm_run.output[-3000:]
    assert without_timestamp(slurm_run.report()) == without_timestamp(demo_run.report())
