"""Scripts run inside the Snakemake process (presis.step_runner): as in a process of their own."""

import logging
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from presis.step_runner import SCRIPTS, StepError, run_script

WORKFLOW = Path(__file__).resolve().parents[1] / "workflow"

SCRIPT = """
from presis.step_runner import step_log

log = step_log(snakemake)
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


SNAKEFILE = """
import sys
sys.path.insert(0, {scripts!r})
from presis.step_runner import run_script

rule all:
    input: "separate.out", "in_process.out"

rule separate:
    output: "separate.out"
    params: word="separate"
    log: "separate.log"
    script: {script!r}

rule write:
    output: "in_process.out"
    params: word="in_process"
    log: "in_process.log"
    run:
        run_script(rule, input, output, params, wildcards, log, scripts=Path({folder!r}))
"""


def test_one_script_logs_the_same_in_its_own_process_and_in_process(tmp_path, scripts):
    (scripts / "write.py").write_text(SCRIPT.replace("snakemake.wildcards.patient", '"P1"'))
    snakefile = tmp_path / "Snakefile"
    snakefile.write_text(
        "from pathlib import Path\n"
        + SNAKEFILE.format(scripts=str(SCRIPTS), script=str(scripts / "write.py"), folder=str(scripts))
    )
    run = subprocess.run(
        [sys.executable, "-m", "snakemake", "-s", str(snakefile), "-d", str(tmp_path / "run"), "--cores", "1", "-q"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(SCRIPTS)},  # as workflow/scripts is for the real scripts
    )
    assert run.returncode == 0, run.stderr
    for name in ("separate", "in_process"):
        assert (tmp_path / "run" / f"{name}.out").read_text() == f"{name} P1"
        assert (tmp_path / "run" / f"{name}.log").read_text().endswith(f"INFO wrote {name}\n")


def test_every_step_script_logs_through_step_log_and_run_steps_name_no_script():
    for script in SCRIPTS.glob("*.py"):
        text = script.read_text()
        assert "basicConfig" not in text, f"{script.name}: log with step_log(snakemake), not logging.basicConfig"
        if "snakemake.log" in text or "log." in text:
            assert "step_log(snakemake)" in text, f"{script.name}: log with step_log(snakemake)"
    for rules in (WORKFLOW / "rules").glob("*.smk"):
        for call in re.findall(r"run_script\(([^,]+),", rules.read_text()):
            assert call == "rule", f"{rules.name}: run_script(rule, ...) — the script is named after its rule"
        for name in re.findall(r"^rule (\w+):(?:(?!^rule ).)*?run_script\(rule", rules.read_text(), re.M | re.S):
            assert (SCRIPTS / f"{name}.py").exists(), f"{rules.name}: rule {name} runs a script of its name"
