"""The workflow passes Snakemake's own linter."""

import subprocess

from conftest import REPO, SNAKEMAKE


def test_snakemake_lint_is_clean():
    proc = subprocess.run(
        [str(SNAKEMAKE), "--lint", "--configfile", "config/config.yaml"], cwd=REPO, capture_output=True, text=True
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0 and "Lints for" not in output, output


def _tool(name: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(SNAKEMAKE.parent / name), *args], cwd=REPO, capture_output=True, text=True)


def test_python_passes_ruff_check():
    """The rule set is in pyproject.toml ([tool.ruff.lint]); docs/development.md says why."""
    proc = _tool("ruff", "check", "--output-format", "concise", ".")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_python_is_ruff_formatted():
    proc = _tool("ruff", "format", "--check", ".")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_snakefile_and_rules_pass_snakefmt():
    proc = _tool("snakefmt", "--check", ".")
    assert proc.returncode == 0, proc.stdout + proc.stderr
