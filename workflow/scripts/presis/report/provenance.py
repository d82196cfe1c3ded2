"""Which presis, which tools, which libraries: recorded in every report."""

from __future__ import annotations

import re
import subprocess
from importlib import metadata
from pathlib import PurePosixPath

import presis

# tool -> (command, regex over its combined output that captures the version)
TOOLS = {
    "bwa": (["bwa"], r"Version:\s*(\S+)"),
    "samtools": (["samtools", "--version"], r"samtools\s+(\S+)"),
    "bcftools": (["bcftools", "--version"], r"bcftools\s+(\S+)"),
    "htslib": (["bcftools", "--version"], r"htslib\s+(\S+)"),
    "fastp": (["fastp", "--version"], r"fastp\s+(\S+)"),
    "mosdepth": (["mosdepth", "--version"], r"mosdepth\s+(\S+)"),
    "star": (["STAR", "--version"], r"(\d+\.\d+\.\w+)"),
}
PYTHON_PACKAGES = ("snakemake", "pysam", "cyvcf2", "pandas", "pyyaml", "jsonschema", "jinja2")
# Settings that say where a run wrote, not how it analysed: they differ between runs of the
# same inputs (an absolute path), so reports leave them out. effective_config.yaml keeps them.
RUN_LOCATION_KEYS = ("outdir",)


def reported_config(config: dict) -> dict:
    """The effective configuration as a report records it: without the run's location, and with
    absolute paths (a sample sheet, a site's panel or PoN wherever they lay on this machine) as
    file names, so two runs of the same inputs from different folders report the same. The
    reference files are identified by checksum (provenance.reference); effective_config.yaml
    keeps the full paths."""
    return {key: _without_folders(value) for key, value in config.items() if key not in RUN_LOCATION_KEYS}


def _without_folders(value):
    if isinstance(value, dict):
        return {key: _without_folders(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_folders(item) for item in value]
    if isinstance(value, str) and value.startswith("/"):
        return PurePosixPath(value).name
    return value


def run_quietly(command: list[str]) -> str:
    try:
        result = subprocess.run(command, capture_output=True, text=True, errors="replace", timeout=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"unavailable ({error})"
    return result.stdout + result.stderr


def tool_versions() -> dict[str, str]:
    versions = {}
    for tool, (command, pattern) in TOOLS.items():
        match = re.search(pattern, run_quietly(command))
        versions[tool] = match.group(1) if match else "unknown"
    return versions


def python_versions() -> dict[str, str]:
    versions = {}
    for package in PYTHON_PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return versions


def presis_commit(repo: str) -> dict[str, str]:
    """Version, commit and whether the working tree had uncommitted changes."""
    commit = run_quietly(["git", "-C", repo, "rev-parse", "HEAD"]).strip()
    if not re.fullmatch(r"[0-9a-f]{40}", commit):
        commit = "unknown (not a git checkout)"
    status = run_quietly(["git", "-C", repo, "status", "--porcelain", "--untracked-files=no"])
    dirty = bool(status.strip()) and not commit.startswith("unknown")
    return {"version": presis.__version__, "commit": commit, "uncommitted_changes": dirty}
