"""RNA QC: mapped reads (STAR Log.final.out), duplicates (samtools flagstat after markdup), reads over the
panel's genes. A failed check makes every RNA result "not evaluable" — never "no fusion found"."""

from __future__ import annotations

import json
from pathlib import Path

import pysam


def star_log(path: str | Path) -> dict:
    """Input read pairs, uniquely mapped pairs and their fraction, from STAR's Log.final.out."""
    values = {}
    for line in Path(path).read_text().splitlines():
        if "|" in line:
            key, value = (part.strip() for part in line.split("|", 1))
            values[key] = value
    pairs = int(values["Number of input reads"])
    unique = int(values["Uniquely mapped reads number"])
    return {"read_pairs": pairs, "mapped_pairs": unique, "mapped_fraction": round(unique / pairs, 4) if pairs else 0.0}


def duplicate_fraction(flagstat_json: str | Path) -> float:
    """Duplicates among mapped primary reads (samtools flagstat -O json, QC-passed column)."""
    stats = json.loads(Path(flagstat_json).read_text())["QC-passed reads"]
    mapped = stats.get("primary mapped") or stats.get("mapped") or 0
    return round(stats.get("primary duplicates", stats.get("duplicates", 0)) / mapped, 4) if mapped else 0.0


def panel_gene_reads(bam: str | Path, bed: str | Path) -> dict[str, int]:
    """gene (BED column 4) -> primary, non-duplicate reads over its targets."""
    counts: dict[str, set[str]] = {}
    with pysam.AlignmentFile(str(bam)) as handle, open(bed) as targets:
        for line in targets:
            fields = line.rstrip("\n").split("\t")
            if len(fields) < 3 or line.startswith(("#", "track")):
                continue
            gene = fields[3] if len(fields) > 3 else f"{fields[0]}:{fields[1]}"
            names = counts.setdefault(gene, set())
            if fields[0] not in handle.references:
                continue
            for read in handle.fetch(fields[0], int(fields[1]), int(fields[2])):
                if not (read.is_secondary or read.is_supplementary or read.is_duplicate or read.is_unmapped):
                    names.add(read.query_name)
    return {gene: len(names) for gene, names in sorted(counts.items())}


def judge(summary: dict, limits: dict) -> list[dict]:
    """Each check with its value, limit, pass and reason in words (config rna.qc)."""
    checks = [
        ("mapped_reads", summary["mapped_pairs"], limits["min_mapped_reads"], summary["mapped_pairs"] >= limits["min_mapped_reads"],
         "uniquely mapped read pairs"),
        ("mapped_fraction", summary["mapped_fraction"], limits["min_mapped_fraction"],
         summary["mapped_fraction"] >= limits["min_mapped_fraction"], "uniquely mapped fraction of read pairs"),
        ("panel_gene_reads", summary["panel_gene_reads"], limits["min_panel_gene_reads"],
         summary["panel_gene_reads"] >= limits["min_panel_gene_reads"], "reads over the panel genes"),
        ("duplicate_fraction", summary["duplicate_fraction"], limits["max_duplicate_fraction"],
         summary["duplicate_fraction"] <= limits["max_duplicate_fraction"], "duplicate fraction (at most)"),
    ]  # fmt: skip
    return [
        {"check": name, "value": value, "limit": limit, "pass": bool(ok), "description": text}
        for name, value, limit, ok, text in checks
    ]


def summarise(star_log_path, flagstat_json, bam, panel_bed, limits: dict) -> dict:
    summary = star_log(star_log_path)
    summary["duplicate_fraction"] = duplicate_fraction(flagstat_json)
    genes = panel_gene_reads(bam, panel_bed)
    summary["panel_gene_reads"] = sum(genes.values())
    summary["reads_per_panel_gene"] = genes
    summary["checks"] = judge(summary, limits)
    summary["pass"] = all(check["pass"] for check in summary["checks"])
    return summary
