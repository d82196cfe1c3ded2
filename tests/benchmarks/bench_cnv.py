"""Benchmark: gene-level copy number (presis.copynumber) on the frozen scenarios of
config/benchmark/cnv_scenarios.yaml, scored against the simulated truth.

Run: `.venv/bin/python tests/benchmarks/bench_cnv.py [--set tuning|tuning_v2|reporting] [--work DIR]`
(`--set` may be repeated; without it: both tuning sets. The frozen `reporting` set runs only when named.)

On the shared test genome v2 (../shared/data/genome/presis-test-GRCh38.v2.*), read from there and
not copied into the repository: a panel of the scenario's genes (CDS ± padding of the reporting
transcripts), normals and tumours simulated with presis.devtools.simulate_cnv (capture bias
shared by the panel, per-sample noise, purity mixing, B-allele shifts), aligned as the workflow
aligns (bwa mem | samtools fixmate | sort, samtools markdup), then the workflow's own copy-number
functions: CNVkit bins, coverage, a reference of all normals, fix + segment, gene calls.

Prints, per set: normal-vs-normal comparisons at purity min_purity, the most sensitive setting
(tuning: each reference normal left out of the reference; tuning_v2 and reporting: their held-out normals
against the reference of all reference normals), the noise per tumour and what the deliberately noisy tumour
(`expect: not_evaluable`) is called, amplification sensitivity (true CN >= 8, purity >= 0.3), CN 6
called at least gain, homozygous-deletion sensitivity (purity >= 0.5), what a homozygous deletion
below min_purity is called, calls in copy-neutral genes, purity-adjusted CN error (true CN 3-10,
purity >= 0.3) with the sheet's purity and with the estimated one, the gene log2 RMS error by < 10 and
>= 10 capture targets, and MYC's and KRAS's per-target log2 offsets averaged over the samples (a shared
offset is the reference's own error). Then seconds per sample of the copy-number steps.
`--reference-normals N` (tuning sets only): the reference is made of the first N of normals.seeds +
normals.extra_seeds (its files are tagged `.refN`), to measure what the reference's size does. Simulated BAMs are cached in --work (default ~/.cache/presis/bench-cnv);
`--simulate-only` only makes them. Overrides (--max-noise, --min-z, --edge-correction) are for the
tuning set only. Not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import gzip
import math
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pysam
import yaml

from presis.annotation.panel_build import gene_intervals, write_bed
from presis.annotation.transcripts import load_transcripts
from presis.copynumber import cnvkit_steps as steps
from presis.copynumber.genes import INTERVAL_Z, on_target, read_cnr, target_groups, target_log2
from presis.copynumber.interpret import analyse
from presis.devtools.simulate import Sample, VafRange, VariantPlan, generate_variants, load_reference
from presis.devtools.simulate_cnv import (
    CopyNumber,
    capture_factors,
    combined_factors,
    copy_number_factors,
    read_gene_targets,
    sample_factors,
    simulate_cnv_sample,
)
from presis.inputs.bed import merge_intervals
from presis.interpretation import kb

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "data" / "genome"
SCENARIOS = REPO / "config" / "benchmark" / "cnv_scenarios.yaml"
SHOWN = ("max_noise", "min_z", "amplification_cn", "min_purity", "gc_correction", "edge_correction")


def prepare_genome(work: Path) -> Path:
    fasta = work / "genome.fa"
    if not (work / "genome.fa.bwt").exists():
        with gzip.open(SHARED / "presis-test-GRCh38.v2.fa.gz", "rb") as src, open(fasta, "wb") as dst:
            shutil.copyfileobj(src, dst)
        subprocess.run(["samtools", "faidx", str(fasta)], check=True)
        subprocess.run(["bwa", "index", str(fasta)], check=True, capture_output=True)
    return fasta


def prepare_panel(work: Path, fasta: Path, panel: dict) -> Path:
    bed = work / "panel.bed"
    if not bed.exists():
        contigs = [line.split("\t")[0] for line in Path(f"{fasta}.fai").read_text().splitlines()]
        intervals, missing = gene_intervals(
            load_transcripts(SHARED / "presis-test-GRCh38.v2.gff3.gz"), panel["genes"], panel["padding"]
        )
        if missing:
            raise SystemExit(f"genes missing from the v2 annotation: {missing}")
        write_bed(merge_intervals(intervals, contigs), bed)
    return bed


def align(fasta: Path, prefix: Path, name: str, threads: int) -> Path:
    sorted_bam, bam = prefix.with_suffix(".sorted.bam"), prefix.with_suffix(".bam")
    rg = f"@RG\\tID:{name}\\tSM:{name}\\tLB:{name}\\tPL:ILLUMINA"
    subprocess.run(
        f"bwa mem -t {threads} -K 100000000 -R '{rg}' {fasta} {prefix}_R1.fastq.gz {prefix}_R2.fastq.gz 2>/dev/null"
        f" | samtools fixmate -m - - | samtools sort -T {prefix}.tmp -o {sorted_bam} - 2>/dev/null",
        shell=True,
        check=True,
    )
    subprocess.run(["samtools", "markdup", "-T", f"{prefix}.mdtmp", str(sorted_bam), str(bam)], check=True,
                   capture_output=True)  # fmt: skip
    subprocess.run(["samtools", "index", str(bam)], check=True)
    for leftover in (sorted_bam, Path(f"{prefix}_R1.fastq.gz"), Path(f"{prefix}_R2.fastq.gz")):
        leftover.unlink(missing_ok=True)
    return bam


class Bench:
    def __init__(self, work: Path, threads: int, reuse_coverage: bool = False, tag: str = ""):
        self.work = work
        self.tag = tag  # names the .cnr/.cns and reference files of a non-default reference size
        self.reuse_coverage = reuse_coverage
        self.threads = threads
        self.cfg = yaml.safe_load(SCENARIOS.read_text())
        self.settings = yaml.safe_load((REPO / "config" / "defaults.yaml").read_text())["copy_number"]
        self.fasta = prepare_genome(work)
        self.bed = prepare_panel(work, self.fasta, self.cfg["panel"])
        self.reference = load_reference(self.fasta)
        self.targets = read_gene_targets(self.bed)
        panel = self.cfg["panel"]
        self.capture = capture_factors(self.targets, panel["seed"], panel["capture_sd"])
        self.bins = (work / "cnv.targets.bed", work / "cnv.antitargets.bed")
        steps.make_bins(self.bed, self.fasta, *self.bins, self.settings["target_avg_size"],
                        self.settings["antitarget_avg_size"], self.settings["off_target"])  # fmt: skip
        self.genes = list(dict.fromkeys(t.gene for t in self.targets))
        self.kb = kb.load()
        self.roles = kb.load_gene_roles(REPO / "config" / "kb" / "gene_roles.tsv")
        self.seconds: dict[str, list[float]] = {"coverage": [], "fix_segment": [], "gene_calls": []}

    def variants(self, seed: int, purity: float | None):
        intervals = [t.interval for t in self.targets]
        germline = generate_variants(self.reference, intervals, seed, VariantPlan(0, VafRange(0, 0), n_germline=30))
        somatic = []
        if purity is not None:
            neutral = [t.interval for t in self.targets if t.gene in self.cfg["panel"]["neutral_genes"]]
            plan = VariantPlan(
                self.cfg["clonal_snvs"], (0.5,), purity=purity, indel_fraction=0.0
            )  # clonal heterozygous
            taken = {(v.chrom, v.pos) for v in germline}
            somatic = [
                v for v in generate_variants(self.reference, neutral, seed + 50000, plan) if v.origin == "somatic"
            ]
            somatic = [v for v in somatic if (v.chrom, v.pos) not in taken]
        return germline + somatic, somatic

    def simulate(
        self, name: str, seed: int, depth: float, purity: float | None, copies: dict[str, int], sample_sd: float | None
    ) -> tuple[Path, list]:
        """The simulated, aligned BAM (cached by name in the work folder) and its planted somatic SNVs."""
        folder = self.work / "samples"
        folder.mkdir(exist_ok=True)
        prefix = folder / name
        bam = prefix.with_suffix(".bam")
        variants, somatic = self.variants(seed, purity)
        if not bam.exists():
            events = [CopyNumber(gene, n) for gene, n in copies.items()]
            cn_depth, shares = copy_number_factors(self.targets, events, purity or 0.0)
            noise = self.cfg["panel"]["sample_sd"] if sample_sd is None else sample_sd
            factors = combined_factors(self.capture, sample_factors(self.targets, seed, noise), cn_depth)
            simulate_cnv_sample(self.reference, self.targets, variants, Sample(name, depth, purity is not None, seed),
                                prefix, factors, shares)  # fmt: skip
            align(self.fasta, prefix, name, self.threads)
        return bam, somatic

    def sample(
        self,
        name: str,
        seed: int,
        depth: float,
        purity: float | None,
        copies: dict[str, int],
        sample_sd: float | None = None,
    ) -> dict:
        """Simulated, aligned, and its CNVkit coverage."""
        bam, somatic = self.simulate(name, seed, depth, purity, copies, sample_sd)
        prefix = bam.with_suffix("")
        cnns = (prefix.with_suffix(".targetcoverage.cnn"), prefix.with_suffix(".antitargetcoverage.cnn"))
        if not (self.reuse_coverage and all(cnn.exists() for cnn in cnns)):
            start = time.perf_counter()
            for bins, cnn in zip(self.bins, cnns, strict=True):
                steps.sample_coverage(bam, bins, cnn, self.settings["min_mapq"])
            self.seconds["coverage"].append(time.perf_counter() - start)
        return {"name": name, "bam": bam, "cnns": cnns, "somatic": somatic}

    def reference_of(self, normals: list[dict], name: str) -> Path:
        out = self.work / f"{name}{self.tag}.reference.cnn"
        steps.build_reference([str(n["cnns"][0]) for n in normals], [str(n["cnns"][1]) for n in normals], self.fasta,
                              out, self.settings["gc_correction"])  # fmt: skip
        return out

    def calls(self, sample: dict, reference: Path, purity_given: float | None, somatic: pd.DataFrame) -> dict:
        cnr, cns = sample["bam"].with_suffix(f"{self.tag}.cnr"), sample["bam"].with_suffix(f"{self.tag}.cns")
        start = time.perf_counter()
        steps.fix_and_segment(*sample["cnns"], reference, cnr, cns, self.settings["segment_method"],
                              self.settings["gc_correction"], self.settings["edge_correction"])  # fmt: skip
        middle = time.perf_counter()
        result = analyse(cnr=read_cnr(cnr), genes=self.genes, chromosome_of={}, purity_given=purity_given, sex=None,
                         somatic=somatic, reference_kind="normals", reference_normals=1, tumour_type=None, kb=self.kb,
                         roles=self.roles, settings=self.settings)  # fmt: skip
        self.seconds["fix_segment"].append(middle - start)
        self.seconds["gene_calls"].append(time.perf_counter() - middle)
        result["segment_noise"] = segment_noise(read_cnr(cnr), read_cnr(cns))
        return result


def segment_noise(cnr: pd.DataFrame, cns: pd.DataFrame) -> float:
    """CNVkit ``metrics``-style noise for comparison with presis' per-gene figure: 1.4826 x the MAD of the
    on-target bins' residuals from the log2 of the segment holding them."""
    bins = cnr[cnr["gene"] != "Antitarget"]
    residuals = []
    for seg in cns.itertuples():
        inside = bins[(bins["chromosome"] == seg.chromosome) & (bins["start"] >= seg.start) & (bins["end"] <= seg.end)]
        residuals.extend((inside["log2"].clip(lower=-5) - seg.log2).tolist())
    values = pd.Series(residuals)
    return float(1.4826 * (values - values.median()).abs().median())


def observed_somatic(bam: Path, somatic, gene_of) -> pd.DataFrame:
    """Observed tumour VAFs of the planted clonal SNVs (stand-in for the caller's PASS calls)."""
    rows = []
    with pysam.AlignmentFile(str(bam)) as handle:
        for v in somatic:
            counts = handle.count_coverage(v.chrom, v.pos - 1, v.pos, quality_threshold=20,
                                           read_callback=lambda r: not r.is_duplicate and r.mapping_quality >= 20)  # fmt: skip
            by_base = {b: c[0] for b, c in zip("ACGT", counts, strict=True)}
            depth = sum(by_base.values())
            if depth:
                rows.append({"status": "somatic", "tumour_vaf": by_base[v.alt] / depth, "gene": gene_of(v),
                             "ref": v.ref, "alt": v.alt})  # fmt: skip
    return pd.DataFrame(rows, columns=["status", "tumour_vaf", "gene", "ref", "alt"])


def gene_lookup(targets):
    def gene_of(variant) -> str:
        for t in targets:
            if t.interval.chrom == variant.chrom and t.interval.start < variant.pos <= t.interval.end:
                return t.gene
        return ""

    return gene_of


def score(rows: pd.DataFrame, min_purity: float) -> None:
    def frac(mask_hit, mask_all) -> str:
        n = int(mask_all.sum())
        k = int((mask_hit & mask_all).sum())
        return f"{k}/{n} = {k / n:.2f}" if n else "0/0"

    pur, cn, call = rows["purity"], rows["truth"], rows["call"]
    print(
        f"  amplification sensitivity, true CN >= 8, purity >= 0.3: {frac(call == 'amplification', (cn >= 8) & (pur >= 0.3))}"
    )
    print(
        f"  true CN 6 called gain or amplification (purity >= 0.3): {frac(call.isin(['gain', 'amplification']), (cn == 6) & (pur >= 0.3))}"
    )
    print(
        f"  homozygous deletion sensitivity, purity >= 0.5: {frac(call == 'homozygous_deletion', (cn == 0) & (pur >= 0.5))}"
    )
    print(
        f"  homozygous deletion, 0.3 <= purity < 0.5: {frac(call == 'homozygous_deletion', (cn == 0) & (pur >= min_purity) & (pur < 0.5))}"
    )
    below = rows[(cn == 0) & (pur < min_purity)]
    print(f"  homozygous deletions below min_purity {min_purity}: calls {dict(Counter(below['call']))}")
    neutral = rows[cn == 2]
    print(f"  copy-neutral genes ({len(neutral)}): calls {dict(Counter(neutral['call']))}")
    loss = rows[(cn == 1) & (pur >= min_purity)]
    print(f"  one-copy losses (purity >= {min_purity}): calls {dict(Counter(loss['call']))}")
    gains = rows[(cn >= 3) & (cn <= 5) & (pur >= 0.3)]
    print(f"  true CN 3-5 (purity >= 0.3): calls {dict(Counter(gains['call']))}")
    for label, column in (("sheet purity", "cn_given"), ("estimated purity", "cn_estimated")):
        band = rows[(cn >= 3) & (cn <= 10) & (pur >= 0.3) & rows[column].notna()]
        many = band[band["targets"] >= 10]
        few = band[band["targets"] < 10]
        ok_many = ((many[column] - many["truth"]).abs() <= 0.25 * many["truth"]).sum()
        ok_few = ((few[column] - few["truth"]).abs() <= 1.0).sum()
        rel = ((band[column] - band["truth"]) / band["truth"]).abs()
        print(f"  CN 3-10 with {label}: >= 10 targets within 25 %: {ok_many}/{len(many)}; < 10 targets within 1 copy: "
              f"{ok_few}/{len(few)}; median |error| {100 * rel.median():.1f} %, max {100 * rel.max():.1f} %")  # fmt: skip


def one_copy_attainable(rows: pd.DataFrame) -> None:
    """What the ±1-copy criterion for genes with < 10 targets can ask of these data: for each such gene
    (true CN 3-10, purity >= 0.3, sheet purity), the chance that an unbiased estimate with the gene's own
    standard error (recovered from its 95 % interval, whose coverage score_interval checks) lands within
    ±1 copy of the truth. Their sum is the expected number within; their product the chance that all are."""
    band = rows[(rows["truth"] >= 3) & (rows["truth"] <= 10) & (rows["purity"] >= 0.3) & (rows["targets"] < 10)]
    band = band[band["cn_low"].notna()]
    if band.empty:
        return
    chances = [one_copy_chance(r.truth, r.purity, r.cn_low, r.cn_high) for r in band.itertuples()]
    print(f"  < 10 targets, CN 3-10: an unbiased estimate with these genes' standard errors lands within 1 copy "
          f"for {sum(chances):.1f} of {len(chances)} expected, all {len(chances)} with probability "
          f"{math.prod(chances):.2f} (lowest single chance {min(chances):.2f})")  # fmt: skip


def one_copy_chance(truth: int, purity: float, cn_low: float, cn_high: float) -> float:
    """The chance that an unbiased log2 estimate, with the standard error of the 95 % copy-number
    interval (cn_low, cn_high) at this purity, gives a copy number within ±1 of ``truth``."""
    se = (truth_log2(cn_high, purity) - truth_log2(cn_low, purity)) / (2 * INTERVAL_Z)
    centre = truth_log2(truth, purity)
    low, high = truth_log2(truth - 1, purity), truth_log2(truth + 1, purity)
    return normal_cdf((high - centre) / se) - normal_cdf((low - centre) / se)


def normal_cdf(z: float) -> float:
    return 0.5 * (1 + math.erf(z / math.sqrt(2)))


def truth_log2(copies: float, purity: float) -> float:
    """The log2 ratio a gene of `copies` copies in a tumour of `purity` should read (diploid elsewhere)."""
    return math.log2((purity * copies + 2 * (1 - purity)) / 2) if copies > 0 else math.log2(1 - purity)


def score_log2(rows: pd.DataFrame) -> None:
    """RMS error of the gene log2 against the simulated truth (purity >= 0.3, true CN > 0: a homozygous
    deletion sits at the depth floor), by capture targets < 10 and >= 10, altered or not."""
    scored = rows[(rows["purity"] >= 0.3) & (rows["truth"] > 0)]
    error = scored["log2"] - [truth_log2(c, p) for c, p in zip(scored["truth"], scored["purity"], strict=True)]
    for label, mask in (("< 10 targets", scored["targets"] < 10), (">= 10 targets", scored["targets"] >= 10)):
        for kind, part in (("all", mask), ("altered", mask & (scored["truth"] != 2))):
            e = error[part]
            print(f"  gene log2 error, {label}, {kind} (n {len(e)}): RMS {math.sqrt((e**2).mean()):.4f}, "
                  f"bias {e.mean():+.4f}")  # fmt: skip


def target_offsets(cnrs: list[tuple[Path, float, dict, str | None]], genes: list[str]) -> None:
    """Per capture target of the genes named: its log2 minus the gene's true log2, averaged over the tumours
    (purity >= 0.3, gene not deleted), separately where the gene is copy-neutral and where it is altered
    (or under the group named, e.g. held-out normals). An offset shared by every sample, altered or not
    and normals too, is the reference's own error at that target."""
    for gene in genes:
        offsets: dict[str, list[np.ndarray]] = {}
        sizes = None
        for path, purity, copies, group in cnrs:
            n = copies.get(gene, 2)
            if purity < 0.3 or n == 0:
                continue
            rows = on_target(read_cnr(path))
            rows = rows[rows["gene"] == gene]
            values = target_log2(rows, floor=-5.0)
            ends = rows.groupby(target_groups(rows))["end"].max().to_numpy()
            starts = rows.groupby(target_groups(rows))["start"].min().to_numpy()
            sizes = ends - starts
            kind = group or ("gene neutral" if n == 2 else "gene altered")
            offsets.setdefault(kind, []).append(values - truth_log2(n, purity))
        for kind, values in offsets.items():
            if values:
                mean = np.mean(values, axis=0)
                print(f"  {gene} per-target log2 offset, {kind} ({len(values)} samples), targets of "
                      f"{', '.join(str(s) for s in sizes)} bases: {', '.join(f'{v:+.3f}' for v in mean)}")  # fmt: skip


def score_interval(rows: pd.DataFrame, min_purity: float) -> None:
    """How often the 95 % copy-number interval (sheet purity) holds the true copy number."""
    held = rows[(rows["purity"] >= min_purity) & rows["cn_low"].notna()]
    inside = (held["cn_low"] <= held["truth"]) & (held["truth"] <= held["cn_high"])
    few = held["targets"] < 10
    altered = held["truth"] != 2
    print(f"  95 % copy-number interval holds the truth (purity >= {min_purity}): {int(inside.sum())}/{len(held)} "
          f"(< 10 targets {int(inside[few].sum())}/{int(few.sum())}; altered genes {int(inside[altered].sum())}/"
          f"{int(altered.sum())}); median width, true CN 3-10: "
          f"{(held['cn_high'] - held['cn_low'])[(held['truth'] >= 3) & (held['truth'] <= 10)].median():.2f} copies")  # fmt: skip
    est = rows[(rows["purity"] >= min_purity) & rows["cn_est_low"].notna()]
    inside = (est["cn_est_low"] <= est["truth"]) & (est["truth"] <= est["cn_est_high"])
    altered = est["truth"] != 2
    print(f"  the same with estimated purity (interval with the estimate's range): {int(inside.sum())}/{len(est)} "
          f"(< 10 targets {int(inside[est['targets'] < 10].sum())}/{int((est['targets'] < 10).sum())}; altered genes "
          f"{int(inside[altered].sum())}/{int(altered.sum())}); median width, true CN 3-10: "
          f"{(est['cn_est_high'] - est['cn_est_low'])[(est['truth'] >= 3) & (est['truth'] <= 10)].median():.2f} copies")  # fmt: skip
    amps = rows[rows["call"] == "amplification"]
    print(f"  amplification calls whose interval reaches below amplification_cn (said in the reason): "
          f"{int(amps['doubt'].sum())}/{len(amps)}")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=["tuning", "tuning_v2", "reporting"], action="append")
    parser.add_argument(
        "--work",
        type=Path,
        default=Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "presis" / "bench-cnv",
    )
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--max-noise",
        type=float,
        help="override copy_number.max_noise (tuning sets only; never for the reporting figures)",
    )
    parser.add_argument(
        "--reuse-coverage", action="store_true", help="keep coverage files of an earlier run (tuning; no seconds)"
    )
    parser.add_argument("--min-z", type=float, help="override copy_number.min_z (tuning only)")
    parser.add_argument(
        "--edge-correction",
        type=lambda text: text.lower() in ("1", "true", "yes"),
        help="override copy_number.edge_correction (tuning only)",
    )
    parser.add_argument(
        "--reference-normals",
        type=int,
        help="reference of the first N of normals.seeds + normals.extra_seeds (tuning sets only; default: the seeds)",
    )
    parser.add_argument(
        "--simulate-only", action="store_true", help="only simulate and align the samples of the chosen sets (cache)"
    )
    args = parser.parse_args()
    if "reporting" in (args.set or []) and any(
        v is not None for v in (args.max_noise, args.min_z, args.edge_correction, args.reference_normals)
    ):
        parser.error("overrides are for the tuning sets only: the reporting set runs with config/defaults.yaml")
    args.work.mkdir(parents=True, exist_ok=True)
    cfg = yaml.safe_load(SCENARIOS.read_text())
    pool = cfg["normals"]["seeds"] + cfg["normals"].get("extra_seeds", [])
    size = args.reference_normals or len(cfg["normals"]["seeds"])
    if not 2 <= size <= len(pool):
        parser.error(f"--reference-normals: 2 to {len(pool)} (normals.seeds + normals.extra_seeds)")
    reference_seeds = pool[:size]
    tag = "" if reference_seeds == cfg["normals"]["seeds"] else f".ref{size}"
    bench = Bench(args.work, args.threads, args.reuse_coverage, tag)
    if args.simulate_only:
        for name in args.set or ["tuning", "tuning_v2"]:
            seeds = reference_seeds + cfg["normals"]["held_out"].get(name, [])
            for seed in seeds:
                bench.simulate(f"N{seed}", seed, cfg["normals"]["depth"], None, {}, None)
            for case in cfg["sets"][name]:
                bench.simulate(f"T{case['seed']}", case["seed"], cfg["tumour_depth"], case["purity"], case["copies"],
                               case.get("sample_sd"))  # fmt: skip
                print(f"simulated T{case['seed']}", flush=True)
        return 0
    for key, value in (("max_noise", args.max_noise), ("min_z", args.min_z), ("edge_correction", args.edge_correction)):
        if value is not None:
            bench.settings[key] = value
    cfg, settings = bench.cfg, bench.settings
    print(f"reference of {len(reference_seeds)} normals ({reference_seeds[0]}-{reference_seeds[-1]}); "
          f"panel: {len(bench.genes)} genes, {len(bench.targets)} targets; settings: "
          f"{ {k: settings[k] for k in SHOWN} }")  # fmt: skip

    normals = [bench.sample(f"N{seed}", seed, cfg["normals"]["depth"], None, {}) for seed in reference_seeds]
    start = time.perf_counter()
    pooled = bench.reference_of(normals, "pooled")
    reference_seconds = time.perf_counter() - start

    gene_of = gene_lookup(bench.targets)
    for name in args.set or ["tuning", "tuning_v2"]:
        # Normal vs normal, at purity min_purity (the most sensitive setting): the tuning set leaves each
        # reference normal out of its reference; the other sets test their held-out normals against all 8.
        if name == "tuning":
            label = f"leave one out of the {len(normals)} reference normals"
            pairs = [(n, bench.reference_of(normals[:i] + normals[i + 1 :], f"loo{i}")) for i, n in enumerate(normals)]
        else:
            label = "held-out normals against the reference of all normals"
            pairs = [(bench.sample(f"N{seed}", seed, cfg["normals"]["depth"], None, {}), pooled)
                     for seed in cfg["normals"]["held_out"][name]]  # fmt: skip
        loo_calls, noises, offsets = Counter(), [], []
        for normal, ref in pairs:
            result = bench.calls(normal, ref, settings["min_purity"], pd.DataFrame())
            offsets.append((normal["bam"].with_suffix(f"{bench.tag}.cnr"), 1.0, {}, "normal vs normal"))
            noises.append(result["noise"]["value"])
            loo_calls.update(g["call"] for g in result["genes"])
        print(f"\n{name} set: normal vs normal, {label} ({len(pairs)} comparisons, purity {settings['min_purity']}):")
        print(f"  gene calls: {dict(loo_calls)}; noise {', '.join(f'{n:.3f}' for n in noises)}")

        rows, purity_errors, purity_ranges, noisy = [], [], [], []
        for case in cfg["sets"][name]:
            tumour = bench.sample(f"T{case['seed']}", case["seed"], cfg["tumour_depth"], case["purity"], case["copies"],
                                  case.get("sample_sd"))  # fmt: skip
            given = bench.calls(tumour, pooled, case["purity"], pd.DataFrame())
            if not case.get("expect"):
                offsets.append((tumour["bam"].with_suffix(f"{bench.tag}.cnr"), case["purity"], case["copies"], None))
            if case.get("expect") == "not_evaluable":  # a deliberately noisy sample: scored on that alone
                noisy.append((case["seed"], given["noise"]["value"], Counter(g["call"] for g in given["genes"])))
                continue
            somatic = observed_somatic(tumour["bam"], tumour["somatic"], gene_of)
            estimated = bench.calls(tumour, pooled, None, somatic)
            est = estimated["purity"]["value"]
            purity_errors.append((case["purity"], est))
            purity_ranges.append((case["purity"], estimated["purity"].get("interval")))
            by_gene = {g["gene"]: g for g in estimated["genes"]}
            for g in given["genes"]:
                rows.append({"seed": case["seed"], "purity": case["purity"], "gene": g["gene"],
                             "truth": case["copies"].get(g["gene"], 2), "call": g["call"], "targets": g["targets"],
                             "log2": g["log2"], "cn_given": g["copy_number"],
                             "cn_low": (g.get("copy_number_interval") or [None, None])[0],
                             "cn_high": (g.get("copy_number_interval") or [None, None])[1],
                             "doubt": "lower bound" in g["reason"],
                             "cn_estimated": by_gene[g["gene"]]["copy_number"],
                             "cn_est_low": (by_gene[g["gene"]].get("copy_number_interval") or [None, None])[0],
                             "cn_est_high": (by_gene[g["gene"]].get("copy_number_interval") or [None, None])[1],
                             "call_estimated": by_gene[g["gene"]]["call"], "noise": given["noise"]["value"],
                             "segment_noise": given["segment_noise"]})  # fmt: skip
        frame = pd.DataFrame(rows)
        frame.to_csv(args.work / f"{name}{bench.tag}.calls.tsv", sep="\t", index=False)
        print(f"{name} set: {len(cfg['sets'][name])} tumours, {len(frame)} gene calls of the {len(cfg['sets'][name]) - len(noisy)} "
              f"not meant to be noisy (table: {args.work / f'{name}{bench.tag}.calls.tsv'})")  # fmt: skip
        per_tumour = frame.groupby("seed")[["noise", "segment_noise"]].first()
        print("  noise per tumour (per-gene residuals / CNVkit-metrics-style segment residuals): "
              + ", ".join(f"{s}: {r.noise:.3f}/{r.segment_noise:.3f}" for s, r in per_tumour.iterrows()))  # fmt: skip
        for seed, noise, calls in noisy:
            print(f"  deliberately noisy tumour {seed}: noise {noise:.3f}; gene calls {dict(calls)} "
                  f"({'not evaluable, as it must be' if set(calls) == {'not_evaluable'} else 'EVALUATED: a failure'})")  # fmt: skip
        score(frame, settings["min_purity"])
        score_interval(frame, settings["min_purity"])
        one_copy_attainable(frame)
        score_log2(frame)
        target_offsets(offsets, ["MYC", "KRAS"])
        errors = [abs(e - p) for p, e in purity_errors if e is not None]
        print(f"  purity estimate (2 x median VAF of clonal SNVs): {len(errors)}/{len(purity_errors)} estimated, "
              f"|error| median {statistics.median(errors):.3f}, max {max(errors):.3f}")  # fmt: skip
        ranged = [(p, r) for p, r in purity_ranges if r]
        print(f"  estimated purity's range holds the true purity: {sum(lo <= p <= hi for p, (lo, hi) in ranged)}/"
              f"{len(ranged)}; median width {statistics.median(hi - lo for _, (lo, hi) in ranged):.3f}")  # fmt: skip
        est_calls = frame[(frame["truth"] == 2)]["call_estimated"]
        print(f"  copy-neutral genes with estimated purity: calls {dict(Counter(est_calls))}")

    s = bench.seconds
    if not s["coverage"]:
        return 0
    print(
        f"\nseconds per sample (in-process cnvlib, {os.cpu_count()} cores shared): coverage {statistics.median(s['coverage']):.2f}, "
        f"fix + segment {statistics.median(s['fix_segment']):.2f}, gene calls {statistics.median(s['gene_calls']):.2f}; "
        f"reference of {len(normals)} normals {reference_seconds:.2f} once"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
