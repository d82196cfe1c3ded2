"""`presis validate SHEET`: OK line and exit 0, or every problem on stderr and exit 1."""

from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

from presis import cli

CONSOLE_SCRIPT = Path(sys.executable).with_name("presis")


def presis(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    """Run the command as a user would: the console script if installed, else the module."""
    command = [str(CONSOLE_SCRIPT)] if CONSOLE_SCRIPT.exists() else [sys.executable, "-m", "presis.cli"]
    return subprocess.run(command + list(args), cwd=cwd, capture_output=True, text=True, timeout=60)


def bad_sheet(folder: Path) -> Path:
    """Three mistakes: an unknown type, a name with a space, a missing FASTQ."""
    (folder / "T_R2.fastq.gz").write_bytes(gzip.compress(b"@r/2\nACGT\n+\nIIII\n"))
    sheet = folder / "bad.tsv"
    sheet.write_text(
        "patient\tsample\ttype\tfastq_1\tfastq_2\ttumour_type\nP1\tP1 T\ttumor\tT_R1.fastq.gz\tT_R2.fastq.gz\tLUAD\n"
    )
    return sheet


def test_demo_sheet_is_ok():
    result = presis("validate", "config/samples.tsv")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "config/samples.tsv: OK — 1 patient, 2 samples, 2 FASTQ pairs"
    assert result.stderr == ""


def test_module_entry_point_runs_too():
    result = subprocess.run(
        [sys.executable, "-m", "presis.cli", "validate", "config/samples.tumour-only.tsv"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "OK — 1 patient, 1 sample, 1 FASTQ pair" in result.stdout


def test_bad_sheet_lists_every_problem_without_traceback(tmp_path):
    sheet = bad_sheet(tmp_path)
    result = presis("validate", str(sheet))
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert f"{sheet}: 3 problems found:" in result.stderr
    assert "row 1 (line 2), column sample: 'P1 T' contains a space" in result.stderr
    assert (
        "row 1 (line 2), column type: 'tumor' is not one of tumour, normal, rna (did you mean 'tumour'?)"
        in result.stderr
    )
    assert "row 1 (line 2), column fastq_1: file not found:" in result.stderr


@pytest.mark.parametrize("name", ["missing.tsv", "."])
def test_unreadable_sheet_is_a_message_not_a_traceback(tmp_path, name, capsys):
    assert cli.main(["validate", str(tmp_path / name)]) == 1
    error = capsys.readouterr().err
    assert "1 problem found" in error and "Traceback" not in error


def test_main_returns_the_exit_status(capsys):
    assert cli.main(["validate", str(REPO / "config" / "samples.tsv")]) == 0
    assert "OK — 1 patient" in capsys.readouterr().out


def test_a_subcommand_is_required(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main([])
    assert exit_.value.code == 2
    assert "validate" in capsys.readouterr().err


def test_presis_run_validates_then_runs_snakemake_with_the_level_and_outdir(tmp_path):
    from presis.cli import REPO as CLI_REPO
    from presis.cli import build_parser, snakemake_command

    args = build_parser().parse_args(
        ["run", "config/samples.tsv", "--level", "3", "--outdir", str(tmp_path), "--cores", "1"]
    )
    command = snakemake_command(args)
    assert command[command.index("--snakefile") + 1] == str(CLI_REPO / "Snakefile")
    assert "level=3" in command and f"outdir={tmp_path}" in command
    assert any(part.startswith("samples=/") for part in command)  # absolute: runs from any folder


def test_presis_run_refuses_a_bad_sheet_before_running(tmp_path, capsys):
    from presis.cli import main

    sheet = tmp_path / "bad.tsv"
    sheet.write_text("patient\tsample\ttype\tfastq_1\tfastq_2\nP1\tS1\ttumor\tx.fastq.gz\ty.fastq.gz\n")
    assert main(["run", str(sheet), "--level", "2", "--outdir", str(tmp_path)]) == 1
    assert "'tumor'" in capsys.readouterr().err
    assert not (tmp_path / "results").exists()


def test_five_different_mistakes_are_all_printed(tmp_path):
    """A name with a space, a misspelt type, a purity above 1, a bad consent value, a missing FASTQ."""
    for name in ("T_R1", "T_R2", "N_R1"):
        (tmp_path / f"{name}.fastq.gz").write_bytes(gzip.compress(b"@r/1\nACGT\n+\nIIII\n"))
    sheet = tmp_path / "five.tsv"
    sheet.write_text(
        "patient\tsample\ttype\tfastq_1\tfastq_2\ttumour_type\tpurity\tgermline_consent\n"
        "P1\tP1 T\ttumor\tT_R1.fastq.gz\tT_R2.fastq.gz\tLUAD\t1.5\tY\n"
        "P1\tP1-N\tnormal\tN_R1.fastq.gz\tN_R2.fastq.gz\t\t\tyes\n"
    )
    result = presis("validate", str(sheet))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{sheet}: 5 problems found:" in result.stderr
    for expected in (
        "row 1 (line 2), column sample: 'P1 T' contains a space",
        "row 1 (line 2), column type: 'tumor' is not one of tumour, normal, rna (did you mean 'tumour'?)",
        "row 1 (line 2), column purity: 1.5 is above 1",
        "row 1 (line 2), column germline_consent: 'Y' is not one of yes, no (did you mean 'yes'?)",
        "row 2 (line 3), column fastq_2: file not found:",
    ):
        assert expected in result.stderr
