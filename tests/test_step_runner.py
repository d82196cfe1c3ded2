"""Scripts run inside the Snakemake process (presis.step_runner): as in a process of their own."""

import logging
import threading

import pytest

from presis.step_runner import StepError, run_script

SCRIPT = """
from presis.step_runner import step_log

log = step_log(snakemake.log[0])
with open(snakemake.output[0], "w") as fh:
    fh.write(snakemake.params.word + " " + snakemake.wildcards.patient)
log.info("wrote %s", snakemake.params.word)
"""
STOPPING = """
import sys

from presis.step_runner import step_log

step_log(snakemake.log[0]).error("no secret")
sys.exit("vardb_contribution: no contributor secret is configured")
"""


@pytest.fixture
def scripts(tmp_path):
    folder = tmp_path / "scripts"
    folder.mkdir()
    (folder / "write.py").write_text(SCRIPT)
    (folder / "stop.py").write_text(STOPPING)
    return folder


def job(tmp_path, name):
    return dict(input=[], output=[str(tmp_path / f"{name}.out")], params=type("P", (), {"word": name})(),
                wildcards=type("W", (), {"patient": "P1"})(), log=[str(tmp_path / f"{name}.log")])  # fmt: skip


def test_a_script_writes_its_output_and_its_own_log_only(tmp_path, scripts, caplog):
    with caplog.at_level(logging.INFO):
        run_script("write", **job(tmp_path, "alpha"), scripts=scripts)
    assert (tmp_path / "alpha.out").read_text() == "alpha P1"
    assert (tmp_path / "alpha.log").read_text().endswith("wrote alpha\n")
    assert "wrote alpha" not in caplog.text  # not on Snakemake's (the root) logger
    assert not logging.getLogger(f"presis.step:{tmp_path / 'alpha.log'}").handlers  # file closed


def test_sys_exit_fails_the_step_not_the_process(tmp_path, scripts):
    with pytest.raises(StepError, match="no contributor secret is configured"):
        run_script("stop", **job(tmp_path, "beta"), scripts=scripts)
    assert "no secret" in (tmp_path / "beta.log").read_text()


def test_steps_in_parallel_threads_keep_their_logs_apart(tmp_path, scripts):
    names = [f"job{i}" for i in range(8)]
    threads = [
        threading.Thread(target=run_script, args=("write",), kwargs={**job(tmp_path, n), "scripts": scripts})
        for n in names
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for name in names:
        log = (tmp_path / f"{name}.log").read_text()
        assert log.count("wrote") == 1 and f"wrote {name}" in log
