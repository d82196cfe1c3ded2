"""The light table steps (rules with `run: run_script(...)`) run inside the Snakemake process.

Each of them reads and writes kilobytes of tables in a tenth of a second, but as its own Python
process it paid ~0.7 s for the interpreter, Snakemake's script preamble and the pandas import: on
the demo that was a third of the workflow's time over the bare tools. Run in Snakemake's process
(its thread pool: `use-threads` in profiles/default), the imports are paid once per run.

The scripts stay plain Snakemake scripts (a ``snakemake`` object with input, output, params,
wildcards, log): `script:` would run them unchanged. Every step script, in-process or in a process
of its own, logs through ``log = step_log(snakemake)``: a logger per log file, never the root
logger, which is Snakemake's own in this process. So a script moved between `script:` and `run:`
keeps its job log. A `run:` block names no script by hand: ``run_script(rule, ...)`` runs the
script named after its rule.
"""

from __future__ import annotations

import logging
import os
import runpy
from pathlib import Path
from types import SimpleNamespace

SCRIPTS = Path(__file__).resolve().parents[1]


class StepError(Exception):
    """A step stopped with a message for the user (the script's sys.exit)."""


def _logger(path: str) -> logging.Logger:
    return logging.getLogger(f"presis.step:{path}")


def step_log(job) -> logging.Logger:
    """The logger of one job, writing to its log file only.

    `job` is the script's ``snakemake`` object (its first log file is used) or a log path.
    """
    path = os.fspath(job) if isinstance(job, str | os.PathLike) else job.log[0]
    logger = _logger(path)
    if not logger.handlers:
        handler = logging.FileHandler(path, mode="w", encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    return logger


def close_step_log(path: str) -> None:
    logger = _logger(path)
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()


def run_script(name: str, input, output, params, wildcards, log, scripts: Path = SCRIPTS) -> None:  # noqa: A002 (Snakemake's names)
    """Run workflow/scripts/<name>.py here, as Snakemake's `script:` would in a new process.

    In a `run:` block, pass `rule` (the rule's name) as `name`: each in-process rule is named after its script.
    """
    job = SimpleNamespace(input=input, output=output, params=params, wildcards=wildcards, log=log)
    try:
        runpy.run_path(str(scripts / f"{name}.py"), init_globals={"snakemake": job}, run_name=f"presis_step_{name}")
    except SystemExit as stop:
        # In a process of its own, sys.exit ends the step; here it would end Snakemake.
        raise StepError(str(stop.code)) from None
    finally:
        close_step_log(log[0])
