"""Benchmark: the demo from scratch, its wall time and each step's time and peak memory.

Run: `make bench` (or `.venv/bin/python tests/benchmarks/bench_demo.py [--cores N]`).
Not a test: it prints figures, it asserts nothing. Step figures come from the rules'
`benchmark:` files (Snakemake measures wall seconds and max RSS per job).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[2]


def run_demo(outdir: Path, cores: int) -> float:
    command = [
        str(Path(sys.executable).parent / "snakemake"), "--configfile", "config/config.yaml",
        "--cores", str(cores), "--config", f"outdir={outdir}", "--quiet",
    ]  # fmt: skip
    start = time.perf_counter()
    subprocess.run(command, cwd=REPO, check=True, capture_output=True)
    return time.perf_counter() - start


def step_table(benchmarks: Path) -> pd.DataFrame:
    rows = []
    for path in sorted(benchmarks.rglob("*.tsv")):
        figures = pd.read_csv(path, sep="\t").iloc[0]
        # benchmarks/<patient>/<rule>/<job>.tsv, or benchmarks/{reference,provenance}/<rule>.tsv
        rule = path.stem if path.parent.parent == benchmarks else path.parent.name
        rows.append({"rule": rule, "seconds": float(figures["s"]), "max_rss_mb": float(figures["max_rss"])})
    table = pd.DataFrame(rows)
    return (
        table.groupby("rule")
        .agg(jobs=("seconds", "size"), seconds=("seconds", "sum"), max_rss_mb=("max_rss_mb", "max"))
        .sort_values("seconds", ascending=False)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cores", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="presis-bench-") as folder:
        wall = run_demo(Path(folder), args.cores)
        steps = step_table(Path(folder) / "benchmarks")
    print(f"demo_wall_seconds={wall:.1f} cores={args.cores}")
    print(f"sum_of_step_seconds={steps['seconds'].sum():.1f} (steps run in parallel where they can)")
    print(steps.to_string(float_format=lambda v: f"{v:.2f}"))


if __name__ == "__main__":
    main()
