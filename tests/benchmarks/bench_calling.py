"""Benchmark: somatic calling of the real workflow on the frozen scenarios, scored against truth.

Run: `.venv/bin/python tests/benchmarks/bench_calling.py [--half tuning|reporting] [--scenario NAME ...] [--keep DIR]`
(all scenarios of `config/benchmark/scenarios.yaml` unless `--half` or `--scenario` narrows them).
Thresholds are chosen on the tuning half only; the figures presis reports come from the
reporting half. The pooled figures are printed per half, never across the two.

For each scenario: simulate its reads and truth (cached by seed under `--cache`, default
`$XDG_CACHE_HOME/presis/bench-calling`; bundled sets are used as they are), write its
sample sheet, run `snakemake --configfile config/config.yaml --cores N --config outdir=…
samples=…`, and score the calls (`presis.devtools.benchmark`). Prints one table per scenario, the
pooled figures (tumour/normal and tumour-only scenarios pooled separately), the measured
mean target depth, and the calling seconds per Mb of target (call_mpileup + call_gather +
call_classify_shard + call_classify benchmark seconds ÷ panel Mb). Not a test: it prints figures and exits
non-zero only when a workflow run fails (the other scenarios still run). Workflow outputs
go to a temporary folder unless `--keep DIR`, where a re-run finds them done.
`--calls-only` runs the workflow up to the calls and coverage instead of to the report.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from presis.devtools import benchmark as bench
from presis.devtools.simulate import Scenario, ScenarioData, read_targets

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = REPO / "config" / "benchmark" / "scenarios.yaml"
CALLING_RULES = ("call_mpileup", "call_gather", "call_classify_shard", "call_classify")


@dataclass
class Outcome:
    scenario: Scenario
    comparison: bench.Comparison
    wall_seconds: float
    simulate_seconds: float
    calling_seconds: float
    depths: dict[str, float]


def default_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "presis" / "bench-calling"


def calling_targets(outdir: Path, data: ScenarioData) -> list[str]:
    """What scoring needs: the calls, the BAMs and their coverage (--calls-only)."""
    samples = [f"{data.patient}-T"] + ([f"{data.patient}-N"] if data.normal else [])
    results = outdir / "results" / data.patient
    return [str(results / "calls" / f"{data.patient}.somatic.vcf.gz")] + [
        str(results / "coverage" / f"{sample}.mosdepth.summary.txt") for sample in samples
    ]


def run_workflow(outdir: Path, sheet: Path, cores: int, targets: list[str]) -> float:
    # Targets come first: --config takes every word after it.
    command = [
        str(Path(sys.executable).parent / "snakemake"), *targets, "--configfile", "config/config.yaml",
        "--cores", str(cores), "--rerun-incomplete", "--config", f"outdir={outdir}", f"samples={sheet}",
    ]  # fmt: skip
    start = time.perf_counter()
    proc = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"workflow failed in {outdir}:\n{(proc.stdout + proc.stderr)[-4000:]}")
    return time.perf_counter() - start


def calling_seconds(outdir: Path, patient: str) -> float:
    files = [f for rule in CALLING_RULES for f in (outdir / "benchmarks" / patient / rule).glob("*.tsv")]
    return sum(float(pd.read_csv(f, sep="\t").iloc[0]["s"]) for f in files)


def target_depths(outdir: Path, patient: str) -> dict[str, float]:
    """Mean depth over the panel per sample (mosdepth: MAPQ >= 20, duplicates excluded)."""
    depths = {}
    for path in sorted((outdir / "results" / patient / "coverage").glob("*.mosdepth.summary.txt")):
        summary = pd.read_csv(path, sep="\t").set_index("chrom")
        depths[path.name.removesuffix(".mosdepth.summary.txt")] = float(summary.loc["total_region", "mean"])
    return depths


def run_scenario(
    scenario: Scenario, benchmark: bench.BenchmarkSet, cache: Path, work: Path, cores: int, calls_only: bool
) -> Outcome:
    start = time.perf_counter()
    data = bench.prepare_scenario(scenario, benchmark, REPO, cache)
    simulated = time.perf_counter() - start
    folder = work / scenario.name
    folder.mkdir(parents=True, exist_ok=True)
    sheet = bench.write_sample_sheet(folder / "samples.tsv", bench.sample_sheet_rows(scenario, data))
    outdir = folder / "out"
    wall = run_workflow(outdir, sheet, cores, calling_targets(outdir, data) if calls_only else [])
    comparison = bench.compare(
        outdir / "results" / data.patient / "calls" / f"{data.patient}.somatic.vcf.gz",
        data.somatic_truth,
        benchmark.reference,
        benchmark.panel,
        name=scenario.name,
        germline_vcf=data.germline_truth,
        bam=outdir / "results" / data.patient / "align" / f"{data.patient}-T.bam",
        tumour_only=scenario.tumour_only,
    )
    return Outcome(
        scenario,
        comparison,
        wall,
        simulated,
        calling_seconds(outdir, data.patient),
        target_depths(outdir, data.patient),
    )


def scenario_table(benchmark: bench.BenchmarkSet) -> str:
    rows = [
        {"scenario": s.name, "seed": s.seed, "tumour": s.tumour_depth, "normal": s.normal_depth or "-",
         "purity": s.purity, "somatic": s.n_somatic, "germline": s.n_germline,
         "VAF": f"{s.vaf_range[0] * s.purity:.3g}-{s.vaf_range[1] * s.purity:.3g}", "indels": s.indel_fraction,
         "half": s.half, "reads": f"{s.read_length}/{s.insert_mean:g}", "dups": s.duplicates,
         "error%": round(100 * s.errors().mean_error(s.read_length), 2),
         "qual": s.quality_profile + (f" x{s.error_scale:g}" if s.error_scale != 1 else ""),
         "ffpe": s.ffpe or "", "ci": "yes" if s.ci else "", "source": "bundled" if s.bundled else "simulated"}
        for s in benchmark.scenarios
    ]  # fmt: skip
    return pd.DataFrame(rows).to_string(index=False)


def summary_line(outcome: Outcome, panel_mb: float) -> str:
    depths = ", ".join(f"{sample} {depth:.0f}x" for sample, depth in outcome.depths.items())
    return (
        f"mean target depth: {depths}; workflow {outcome.wall_seconds:.0f} s, simulation {outcome.simulate_seconds:.0f} s; "
        f"calling {outcome.calling_seconds:.1f} s = {outcome.calling_seconds / panel_mb:.0f} s per Mb of target"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", action="append", help="run only this scenario (repeatable)")
    parser.add_argument("--half", choices=bench.HALVES, help="run only the tuning or the reporting half")
    parser.add_argument("--keep", type=Path, help="keep the workflow outputs in this folder")
    parser.add_argument("--cache", type=Path, default=default_cache(), help="simulated data cache")
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--brief", action="store_true", help="leave out the list of misses and false calls")
    parser.add_argument(
        "--calls-only", action="store_true", help="run the workflow up to the calls (and coverage), not to the report"
    )
    args = parser.parse_args()

    benchmark = bench.load_scenarios(SCENARIOS, REPO)
    scenarios = [benchmark.get(name) for name in args.scenario] if args.scenario else benchmark.scenarios
    if args.half:
        scenarios = [s for s in scenarios if s.half == args.half]
    panel_mb = sum(t.length for t in read_targets(benchmark.panel)) / 1e6
    print(scenario_table(benchmark), end="\n\n", flush=True)

    start = time.perf_counter()
    outcomes, failed = [], []
    with tempfile.TemporaryDirectory(prefix="presis-bench-calling-") as tmp:
        work = args.keep.resolve() if args.keep else Path(tmp)
        for scenario in scenarios:
            try:
                outcome = run_scenario(scenario, benchmark, args.cache, work, args.cores, args.calls_only)
            except RuntimeError as error:  # one broken run should not hide the others' figures
                failed.append(scenario.name)
                print(f"== {scenario.name}: FAILED ==\n{error}\n", flush=True)
                continue
            outcomes.append(outcome)
            print(bench.format_comparison(outcome.comparison, details=not args.brief))
            print(summary_line(outcome, panel_mb), end="\n\n", flush=True)

    for half in bench.HALVES:
        for label, group in (
            (f"{half} half, pooled tumour/normal", [o for o in outcomes if not o.scenario.tumour_only]),
            (f"{half} half, pooled tumour-only", [o for o in outcomes if o.scenario.tumour_only]),
        ):
            group = [o for o in group if o.scenario.half == half]
            if group:
                names = ", ".join(o.scenario.name for o in group)
                pooled = bench.pool([o.comparison for o in group], f"{label}: {names}")
                print(bench.format_comparison(pooled, details=False), end="\n\n")
    if outcomes:
        seconds = sum(o.calling_seconds for o in outcomes)
        print(
            f"calling seconds per Mb of target: {seconds / panel_mb / len(outcomes):.0f} per run "
            f"(mean of {len(outcomes)} runs; panel {panel_mb * 1e3:.1f} kb)"
        )
    print(f"benchmark wall time: {time.perf_counter() - start:.0f} s on {args.cores} cores")
    if failed:
        print(f"FAILED scenarios: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
