"""QC figures from fastp, samtools stats and mosdepth, judged against the level's thresholds."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd


def fastp_summary(path: str | Path) -> dict:
    data = json.loads(Path(path).read_text())
    before, after = data["summary"]["before_filtering"], data["summary"]["after_filtering"]
    return {
        "reads_raw": int(before["total_reads"]),
        "reads_after_trimming": int(after["total_reads"]),
        "q30_rate": round(float(after["q30_rate"]), 4),
    }


def samtools_stats_summary(path: str | Path) -> dict:
    """The SN (summary numbers) section of `samtools stats`."""
    numbers = {}
    for line in Path(path).read_text().splitlines():
        if line.startswith("SN\t"):
            _, key, value = line.split("\t")[:3]
            numbers[key.rstrip(":")] = float(value)
    total = numbers["raw total sequences"]
    return {
        "reads": int(total),
        "mapped_fraction": round(numbers["reads mapped"] / total, 4) if total else 0.0,
        "duplicate_fraction": round(numbers["reads duplicated"] / total, 4) if total else 0.0,
    }


def read_mosdepth(regions: str | Path, thresholds: str | Path) -> pd.DataFrame:
    """One row per target: chrom, start, end, gene, length, mean depth, bases >= each threshold."""
    means = pd.read_csv(regions, sep="\t", header=None, names=["chrom", "start", "end", "gene", "mean_depth"])
    counts = pd.read_csv(thresholds, sep="\t")
    counts = counts.rename(columns={"#chrom": "chrom", "region": "gene"})
    table = means.merge(counts, on=["chrom", "start", "end", "gene"], how="left")
    table["length"] = table["end"] - table["start"]
    return table


def threshold_columns(targets: pd.DataFrame) -> list[str]:
    return [c for c in targets.columns if c.endswith("X") and c[:-1].isdigit()]


def coverage_summary(targets: pd.DataFrame) -> dict:
    length = targets["length"].sum()
    summary = {
        "target_bases": int(length),
        "mean_target_depth": round(float((targets["mean_depth"] * targets["length"]).sum() / length), 1),
    }
    for column in threshold_columns(targets):
        summary[f"fraction_{column.lower()}"] = round(float(targets[column].sum() / length), 4)
    return summary


def coverage_per_gene(targets: pd.DataFrame) -> list[dict]:
    rows = []
    for gene, group in targets.groupby("gene", sort=True):
        length = group["length"].sum()
        row = {
            "gene": gene,
            "targets": int(len(group)),
            "bases": int(length),
            "mean_depth": round(float((group["mean_depth"] * group["length"]).sum() / length), 1),
            "min_target_mean_depth": round(float(group["mean_depth"].min()), 1),
        }
        for column in threshold_columns(targets):
            row[f"fraction_{column.lower()}"] = round(float(group[column].sum() / length), 4)
        rows.append(row)
    return rows


MEANINGS = {
    "mapped_fraction": "Few reads map: wrong reference, contamination or failed library",
    "duplicate_fraction": "Low library complexity: the effective depth is lower than it looks",
    "mean_target_depth": "Low depth: low-VAF variants may be missed",
}


def judge(sample_qc: dict, limits: dict) -> list[dict]:
    """Each limit of the level's QC section with the sample's value and pass/fail.

    ``limits`` keys are min_<metric> or max_<metric>; min_fraction_100x judges fraction_100x.
    """
    results = []
    for key, limit in limits.items():
        kind, metric = key.split("_", 1)
        value = sample_qc.get(metric)
        if value is None:
            continue
        ok = value >= limit if kind == "min" else value <= limit
        if metric.startswith("fraction_"):
            depth = metric.removeprefix("fraction_")
            meaning = f"Parts of the panel are below {depth}: variants there may be missed"
        else:
            meaning = MEANINGS[metric]
        results.append(
            {
                "metric": metric,
                "value": value,
                "threshold": f"{'>=' if kind == 'min' else '<='} {limit}",
                "pass": bool(ok),
                "if_failed": meaning,
            }
        )
    return results
