"""Benchmark: gene copy-number estimators compared on the copy-number TUNING sets (not a test; prints figures).

Run after `bench_cnv.py` has made its `.cnr` files in the same work folder:
`PYTHONPATH=workflow/scripts .venv/bin/python tests/benchmarks/bench_cnv_estimators.py --work /work/bench-cnvacc`
(`--set tuning --set tuning_v2` by default; the frozen reporting sets are refused: choices are made here).

Compares, per tumour gene (purity >= 0.3, true CN > 0; homozygous deletions sit at the depth floor and no
mean estimates them), the gene log2 of presis (`presis.copynumber.genes.gene_log2`: each capture target
counted once, alike; standard error `log2_standard_error`) with an inverse-variance mean whose per-target
variance is fixed before looking at outcomes: Poisson counting in tumour and reference plus the sample's
excess (library) noise as a common term,

    var_t = a * (1 / N_tumour + 1 / (normals * N_reference)) / ln(2)^2 + excess,

N = the effective number of independent fragments behind the target's depth d over L bases, for fragments
of length F covering it uniformly (N = (sum of bases)^2 / sum of squared bases per fragment):
N = d F / (F - L/3) for L <= F, (d / F) L^2 / (L - F/3) above; excess = the sample's per-target noise
squared minus the median Poisson part (at least 0). `a` = 1 is the Poisson model as derived; the
calibration table shows how the observed target scatter of copy-neutral genes follows the predicted one
(`--poisson-scale` sets `a`). Figures: log2 RMS error and bias against the simulated truth, and how often
+-1.96 standard errors hold the truth, for genes with < 10 and >= 10 bins, altered or not. Then z by bins
(per-bin noise / sqrt(bins)) against z by capture targets (per-target noise / sqrt(targets)) at min_z.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from presis.copynumber import genes as G
from presis.devtools.simulate import Library

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = REPO / "config" / "benchmark" / "cnv_scenarios.yaml"
INTERVAL_Z = G.INTERVAL_Z


def effective_fragments(depth: np.ndarray, length: np.ndarray, fragment: float) -> np.ndarray:
    """Independent fragments behind a mean depth over a target (see the module docstring)."""
    short = depth * fragment / (fragment - np.minimum(length, fragment) / 3)
    long = (depth / fragment) * length**2 / np.maximum(length - fragment / 3, 1.0)
    return np.maximum(np.where(length <= fragment, short, long), 0.5)


def poisson_variance(rows: pd.DataFrame, reference: pd.DataFrame, normals: int, fragment: float) -> np.ndarray:
    """Per capture target: the Poisson variance of its log2 (tumour and reference of `normals` normals)."""
    length = (rows["end"] - rows["start"]).to_numpy(float)
    ref_depth = reference.loc[list(zip(rows["chromosome"], rows["start"], strict=True)), "depth"].to_numpy(float)
    frame = pd.DataFrame({"target": G.target_groups(rows), "length": length,
                          "tumour": rows["depth"].to_numpy(float) * length, "reference": ref_depth * length})  # fmt: skip
    per = frame.groupby("target").sum()
    size = per["length"].to_numpy()
    tumour = effective_fragments(per["tumour"].to_numpy() / size, size, fragment)
    ref = normals * effective_fragments(per["reference"].to_numpy() / size, size, fragment)
    return (1 / tumour + 1 / ref) / math.log(2) ** 2


def truth_log2(copies: int, purity: float) -> float:
    return math.log2((purity * copies + 2 * (1 - purity)) / 2) if copies > 0 else math.log2(1 - purity)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=["tuning", "tuning_v2"], action="append")
    parser.add_argument(
        "--work",
        type=Path,
        default=Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "presis" / "bench-cnv",
    )
    parser.add_argument("--poisson-scale", type=float, default=1.0, help="`a` of the module docstring")
    args = parser.parse_args()
    cfg = yaml.safe_load(SCENARIOS.read_text())
    settings = yaml.safe_load((REPO / "config" / "defaults.yaml").read_text())["copy_number"]
    reference = pd.read_csv(args.work / "pooled.reference.cnn", sep="\t", dtype={"chromosome": str})
    reference = reference.set_index(["chromosome", "start"])
    normals, fragment, a = len(cfg["normals"]["seeds"]), Library().fragment_mean, args.poisson_scale

    rows, calibration = [], []
    for name in args.set or ["tuning", "tuning_v2"]:
        for case in cfg["sets"][name]:
            if case.get("expect"):
                continue
            cnr = G.read_cnr(args.work / "samples" / f"T{case['seed']}.cnr")
            genes = dict(tuple(G.on_target(cnr).groupby("gene", sort=False)))
            per_target, per_bin = G.target_noise(cnr), G.sample_noise(cnr)
            poisson = {gene: a * poisson_variance(g, reference, normals, fragment) for gene, g in genes.items()}
            pooled = np.concatenate([v for gene, v in poisson.items() if len(v) >= 3])
            excess = max(0.0, per_target**2 - float(np.median(pooled)))
            p = case["purity"]
            for gene, g in genes.items():
                copies = case["copies"].get(gene, 2)
                mean, values = G.gene_log2(g)
                weights = 1 / (poisson[gene] + excess)
                iv = float(np.sum(weights * values) / weights.sum())
                iv_se = math.sqrt(1 / weights.sum() + G.GENE_LOG2_SD_FLOOR**2)
                rows.append({"seed": case["seed"], "purity": p, "gene": gene, "copies": copies, "bins": len(g),
                             "truth": truth_log2(copies, p), "mean": mean, "mean_se": G.log2_standard_error(values, per_target),
                             "iv": iv, "iv_se": iv_se, "z_bins": mean / (per_bin / math.sqrt(len(g))),
                             "z_targets": mean / (per_target / math.sqrt(len(values)))})  # fmt: skip
                if copies == 2 and len(values) >= 3:
                    clipped = np.clip(values, -5.0, None)
                    calibration += list(zip(clipped - np.median(clipped), poisson[gene], strict=True))
    frame = pd.DataFrame(rows)
    scored = frame[(frame["purity"] >= 0.3) & (frame["copies"] > 0)]
    print(f"sets {args.set or ['tuning', 'tuning_v2']}: {frame['seed'].nunique()} tumours, {len(scored)} genes scored "
          f"(purity >= 0.3, true CN > 0); Poisson scale a = {a}")  # fmt: skip
    groups = {
        "< 10 bins": scored["bins"] < 10,
        ">= 10 bins": scored["bins"] >= 10,
        "altered, < 10 bins": (scored["bins"] < 10) & (scored["copies"] != 2),
        "altered, >= 10 bins": (scored["bins"] >= 10) & (scored["copies"] != 2),
        "all": scored["bins"] > 0,
    }
    for label, mask in groups.items():
        part = scored[mask]
        for estimate, se, title in (("mean", "mean_se", "targets alike (presis)"), ("iv", "iv_se", "inverse variance")):
            error = part[estimate] - part["truth"]
            held = (error.abs() <= INTERVAL_Z * part[se]).mean()
            print(f"  {label:20s} {title:24s} n {len(part):3d}: RMS {math.sqrt((error**2).mean()):.4f}, bias "
                  f"{error.mean():+.4f}, 95 % interval holds the truth {100 * held:.1f} %, median SE {part[se].median():.4f}")  # fmt: skip

    table = pd.DataFrame(calibration, columns=["residual", "poisson"])
    table["quintile"] = pd.qcut(table["poisson"], 5, labels=False)
    print("calibration, copy-neutral genes with >= 3 targets: predicted Poisson SD vs observed robust SD of targets")
    for q, part in table.groupby("quintile"):
        observed = 1.4826 * part["residual"].abs().median()
        print(
            f"  quintile {q + 1}: n {len(part)}, predicted {math.sqrt(part['poisson'].mean()):.3f}, observed {observed:.3f}"
        )

    min_z = settings["min_z"]
    altered = frame[(frame["copies"] != 2) & (frame["purity"] >= settings["min_purity"])]
    lost = altered[(altered["z_bins"].abs() >= min_z) & (altered["z_targets"].abs() < min_z)]
    neutral = frame[frame["copies"] == 2]
    print(f"z at min_z {min_z}: altered genes (purity >= min_purity) with |z| >= min_z by bins {int((altered['z_bins'].abs() >= min_z).sum())}"
          f"/{len(altered)}, by capture targets {int((altered['z_targets'].abs() >= min_z).sum())}/{len(altered)} "
          f"(lost by counting targets: {len(lost)}; smallest |z| by targets {altered['z_targets'].abs().min():.1f}); "
          f"copy-neutral genes with |z| >= min_z by bins {int((neutral['z_bins'].abs() >= min_z).sum())}, by targets "
          f"{int((neutral['z_targets'].abs() >= min_z).sum())} of {len(neutral)}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
