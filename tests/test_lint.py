"""The workflow passes Snakemake's own linter."""

import subprocess

from conftest import REPO, SNAKEMAKE


def test_snakemake_lint_is_clean():
    proc = subprocess.run(
        [str(SNAKEMAKE), "--lint", "--configfile", "config/config.yaml"], cwd=REPO, capture_output=True, text=True
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0 and "Lints for" not in output, output
