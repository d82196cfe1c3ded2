"""Benchmark: the workflow's overhead over the bare tool chain, its steps' time and peak memory.

Run: `make bench` (= `.venv/bin/python tests/benchmarks/bench_overhead.py [--cores N]
[--cases demo,big,demo4] [--keep DIR]`). Not a test: it prints figures, asserts nothing.

Cases: `demo` (the bundled tumour/normal pair), `big` (a 10x deeper tumour/normal panel
sample simulated by presis.devtools.simulate with a fixed seed, cached under ~/.cache/presis),
`demo4` (four patients, each the demo pair), and, only when asked for (`--cases panel1mb`), `panel1mb`:
a 1.06-Mb panel of the test genome (presis.devtools.panel_design: every coding exon +- 20 bases,
intron windows, intergenic backbone) with a 500x tumour and a 200x normal simulated with a fixed seed
(`--scale F` keeps a share F of the targets and of both depths, `--depth-scale` the depths alone, for
development runs; `--shards N` sets calling.shards). For each case, after preparing the reference
once (untimed: decompress, bwa index, calling shards, identity sites, CNVkit bins — both sides use them):

- the workflow: `snakemake --cores N` from FASTQ to report, timed;
- the bare chain: the same tools on the same files with the same threads (every command is
  printed; per sample fastp, bwa mem | fixmate | sort, markdup, index, samtools stats,
  mosdepth; per patient the calling shards N at a time, concat, csq, the germline shards,
  gather, csq, the identity genotypes; with copy_number.enabled CNVkit's coverage per sample and
  the matched-normal reference, fix and segment, through cnvlib as the workflow calls it), run by one
  bash script, timed.

Each case runs the bare chain and the workflow several times, alternating (`--repeats`; default
3 for the demo cases, 1 for the long 10x case): a few seconds of noise on a 20 s run would
otherwise decide the ratio. Prints `overhead_ratio=` (median workflow ÷ median bare chain wall
seconds) per case, seconds per sample, how busy calling kept the cores (`calling_cores_busy=`),
each step's summed seconds and peak memory (Snakemake's `benchmark:` files), and the
4-patient ÷ 1-patient wall time ratio. For a one-patient case also the calling phase (somatic
calling = its mpileup, error-profile and classification shards, from the first one's start to the
somatic VCF; also the mpileup shards alone, and calling with the germline shards): seconds per Mb of
panel, its shard jobs' CPU seconds (read from /proc per process) ÷ phase wall (busy cores), and the
shard jobs at once. The workflow also runs presis' own Python steps
(classification, HGVS, report) that have no bare-tool equivalent: they are part of the overhead.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from base64 import urlsafe_b64encode
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd
import yaml

sys.path.insert(0, str(Path(__file__).parent))
# this checkout's library, whatever the venv's path file names
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "workflow" / "scripts"))
from bench_demo import step_table  # noqa: E402

from presis.devtools.panel_design import design_panel, panel_bases, thin_panel, write_panel_bed  # noqa: E402
from presis.devtools.simulate import Scenario, load_reference, simulate_scenario  # noqa: E402
from presis.inputs.bed import merge_intervals, read_panel  # noqa: E402
from presis.inputs.config import resolve_paths, rule_resources  # noqa: E402
from presis.inputs.reference_cache import CACHE_RULES, prepared  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
SNAKEMAKE = Path(sys.executable).parent / "snakemake"
DEMO_READS = REPO / "tests" / "data" / "reads" / "demo"
# 10x the demo's nominal depths (400x tumour, 150x normal); frozen seed.
BIG = Scenario(name="overhead10x", seed=20261127, tumour_depth=4000, normal_depth=1500, purity=1.0,
               n_somatic=30, n_germline=34, vaf_range=(0.05, 0.4), patient="BIG")  # fmt: skip
GENOME = REPO / "tests/data/genome/presis-test-GRCh38.v2.fa.gz"
GFF3 = REPO / "tests/data/genome/presis-test-GRCh38.v2.gff3.gz"
# A 1-Mb hospital panel (presis.devtools.panel_design) at 500x tumour / 200x normal on target; frozen
# seed. Variant counts of a real panel: ~1 germline SNP per 1.5 kb, a hypermutated tumour's somatic load.
PANEL1MB = Scenario(name="panel1mb", seed=20261206, tumour_depth=500, normal_depth=200, purity=0.8,
                    n_somatic=60, n_germline=700, vaf_range=(0.05, 0.5), patient="PNL")  # fmt: skip
# The prepared reference (FASTA index, bwa index, annotation: in the reference cache) comes with these.
PREPARE = ["reference_ready", "reference_shards", "reference_panel_annotation", "identity_sites", "cnv_bins",
           "provenance_config"]  # fmt: skip


@dataclass
class Sample:
    patient: str
    name: str
    kind: str
    r1: Path
    r2: Path
    lane: str = "L001"


def write_sheet(path: Path, samples: list[Sample]) -> Path:
    lines = ["patient\tsample\ttype\ttumour_type\tlane\tfastq_1\tfastq_2"]
    lines += [f"{s.patient}\t{s.name}\t{s.kind}\tLUAD\t{s.lane}\t{s.r1}\t{s.r2}" for s in samples]
    path.write_text("\n".join(lines) + "\n")
    return path


def demo_pair(patient: str) -> list[Sample]:
    return [
        Sample(
            patient,
            f"{patient}-{k[0].upper()}",
            k,
            DEMO_READS / f"DEMO-{k[0].upper()}_R1.fastq.gz",
            DEMO_READS / f"DEMO-{k[0].upper()}_R2.fastq.gz",
        )  # fmt: skip
        for k in ("tumour", "normal")
    ]


def demo_copies(folder: Path, patients: int) -> list[Sample]:
    """The demo pair once per patient, each from its own copy of the FASTQs (a sample sheet
    must not name one FASTQ twice)."""
    samples = []
    for i in range(1, patients + 1):
        copy = folder / "reads" / f"P{i}"
        copy.mkdir(parents=True, exist_ok=True)
        for s in demo_pair(f"P{i}"):
            for read in (s.r1, s.r2):
                shutil.copyfile(read, copy / read.name)
            samples.append(Sample(s.patient, s.name, s.kind, copy / s.r1.name, copy / s.r2.name))
    return samples


def big_pair(cache: Path) -> list[Sample]:
    folder = cache / BIG.cache_key()
    done = folder / ".complete"
    if not done.exists():
        print(f"simulating the 10x sample into {folder} (once) ...", flush=True)
        simulate_scenario(BIG, REPO / "tests/data/genome/presis-test-GRCh38.v2.fa.gz",
                          REPO / "config/panels/presis-demo.bed", folder)  # fmt: skip
        done.touch()
    return [Sample("BIG", f"BIG-{k}", kind, folder / f"BIG-{k}_R1.fastq.gz", folder / f"BIG-{k}_R2.fastq.gz")
            for k, kind in (("T", "tumour"), ("N", "normal"))]  # fmt: skip


def panel_pair(cache: Path, scale: float, depth_scale: float | None = None) -> tuple[list[Sample], Path]:
    """The 1-Mb panel case's samples and panel BED; ``scale`` < 1 shrinks the panel (every n-th
    target) and both depths (or ``depth_scale`` the depths) by that factor, for development runs."""
    scenario, depth_scale = PANEL1MB, scale if depth_scale is None else depth_scale
    if (scale, depth_scale) != (1, 1):
        scenario = replace(PANEL1MB, name=f"panel1mb-scale{scale:g}-depth{depth_scale:g}",
                           tumour_depth=PANEL1MB.tumour_depth * depth_scale,
                           normal_depth=PANEL1MB.normal_depth * depth_scale)  # fmt: skip
    folder = cache / scenario.cache_key()
    done, bed = folder / ".complete", folder / "panel.bed"
    if not done.exists():
        targets = thin_panel(design_panel(GFF3, GENOME), scale)
        write_panel_bed(targets, bed)
        print(f"simulating the panel case ({panel_bases(targets) / 1e6:.3f} Mb, {len(targets)} targets, "
              f"{scenario.tumour_depth:g}x/{scenario.normal_depth:g}x) into {folder} (once) ...", flush=True)  # fmt: skip
        simulate_scenario(scenario, GENOME, bed, folder, reference=load_reference(GENOME))
        done.touch()
    patient = scenario.patient_id
    samples = [Sample(patient, f"{patient}-{k}", kind, folder / f"{patient}-{k}_R1.fastq.gz",
                      folder / f"{patient}-{k}_R2.fastq.gz") for k, kind in (("T", "tumour"), ("N", "normal"))]  # fmt: skip
    return samples, bed


def snakemake(outdir: Path, sheet: Path, cores: int, *targets: str, configfiles: tuple[Path, ...] = ()) -> float:
    command = [str(SNAKEMAKE), *targets, "--configfile", "config/config.yaml", *map(str, configfiles),
               "--cores", str(cores), "--quiet", "--config", f"outdir={outdir}", f"samples={sheet}"]  # fmt: skip
    start = time.perf_counter()
    proc = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    if proc.returncode:
        raise SystemExit(f"workflow failed in {outdir}:\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}")
    return time.perf_counter() - start


def bare_script(samples: list[Sample], ref: Path, out: Path, config: dict, cores: int) -> list[str]:
    """The workflow's tool commands, written out by hand, for these samples."""
    q = shlex.quote
    threads = {rule: min(cores, rule_resources(config, rule)["threads"]) for rule in ("qc_fastp", "align_bwa")}
    reference = prepared(resolve_paths(config, REPO)["reference"])
    fa, panel = q(str(reference.fasta)), q(str(REPO / config["panel"]["bed"]))
    bwa_index = q(str(reference.bwa_prefix))
    gff3 = q(str(ref / "panel.gff3.gz"))  # the panel's genes, as the workflow's csq steps read
    shards = sorted((ref / "shards").glob("shard*.bed"))
    call, germ = config["calling"], config["germline"]
    lines = ["set -euo pipefail", f"cd {q(str(out))}", "exec 2> tools.log"]

    def in_parallel(commands: list[str]) -> None:
        # N at a time, as the workflow's scheduler runs the shards on N cores
        for i in range(0, len(commands), cores):
            lines.extend(f"{c} &" for c in commands[i : i + cores])
            lines.append("wait")

    for s in samples:
        rg = f"@RG\\tID:{s.name}.{s.lane}\\tSM:{s.name}\\tLB:{s.name}\\tPL:ILLUMINA\\tPU:{s.lane}"
        lines += [
            f"fastp -i {q(str(s.r1))} -I {q(str(s.r2))} -o {s.name}.R1.fq.gz -O {s.name}.R2.fq.gz "
            f"-j {s.name}.fastp.json -h {s.name}.fastp.html -w {threads['qc_fastp']}",
            f"bwa mem -t {threads['align_bwa']} -K {config['align']['batch_bases']} -R '{rg}' {bwa_index} "
            f"{s.name}.R1.fq.gz {s.name}.R2.fq.gz | samtools fixmate -m - - "
            f"| samtools sort -T {s.name}.sort.tmp -o {s.name}.{s.lane}.bam -",
            f"samtools markdup -T {s.name}.md.tmp {s.name}.{s.lane}.bam {s.name}.bam",
            f"samtools index {s.name}.bam",
            f"samtools stats --reference {fa} {s.name}.bam > {s.name}.stats.txt",
            f"mosdepth --no-per-base --by {panel} --thresholds "
            f"{','.join(map(str, config['qc']['depth_thresholds']))} --mapq {call['min_mapq']} -t 1 {s.name} {s.name}.bam",
        ]
    cnv = config["copy_number"]
    if cnv["enabled"]:
        # CNVkit's coverage per sample, as the workflow runs it (one process, both bin files)
        bins = {kind: json.dumps(str(ref / f"cnv.{kind}.bed")) for kind in ("targets", "antitargets")}
        lines += [
            f"{q(sys.executable)} -c 'from cnvlib import coverage; from skgenome import tabio; "
            + "; ".join(f"tabio.write(coverage.do_coverage({bins[kind]}, \"{s.name}.bam\", min_mapq={cnv['min_mapq']}), "
                        f"\"{s.name}.{kind[:-1]}coverage.cnn\")" for kind in ("targets", "antitargets"))
            + "'"
            for s in samples
        ]  # fmt: skip
    for patient in dict.fromkeys(s.patient for s in samples):
        tumour = next(s.name for s in samples if s.patient == patient and s.kind == "tumour")
        normal = next((s.name for s in samples if s.patient == patient and s.kind == "normal"), None)
        bams = f"{tumour}.bam" + (f" {normal}.bam" if normal else "")
        in_parallel([
            f"bcftools mpileup -f {fa} -R {q(str(b))} -a FORMAT/AD,FORMAT/ADF,FORMAT/ADR,FORMAT/DP -d 100000 "
            f"-L 100000 -m 2 -F 0.01 -q {call['min_mapq']} -Q {call['min_baseq']} -Ou {bams} "
            f"| bcftools norm -m-any -f {fa} -Ou | bcftools view -i 'ALT!=\"<*>\" && "
            f"FMT/AD[0:1]>={call['candidate_min_alt_reads']}' -Ob -o {patient}.{i}.bcf"
            for i, b in enumerate(shards)
        ])  # fmt: skip
        lines += [
            f"bcftools concat -Ob -o {patient}.candidates.bcf "
            + " ".join(f"{patient}.{i}.bcf" for i in range(len(shards))),
            f"bcftools csq -l -s - -f {fa} -g {gff3} -Ob -o {patient}.csq.bcf {patient}.candidates.bcf",
        ]
        if not normal:
            continue
        in_parallel([
            f"bcftools mpileup -f {fa} -R {q(str(b))} -a FORMAT/AD,FORMAT/DP -d 10000 -L 10000 -q {germ['min_mapq']} "
            f"-Q {germ['min_baseq']} --indel-bias {germ['indel_bias']} -Ou {normal}.bam | bcftools call -m -v -a GQ -Ou "
            f"| bcftools norm -m-any -f {fa} -Ob -o {patient}.{i}.germline.bcf"
            for i, b in enumerate(shards)
        ])  # fmt: skip
        if cnv["enabled"]:
            # matched-normal reference, fix and segment, in one process as the workflow does
            gc, fasta, method = (
                cnv["gc_correction"],
                json.dumps(str(reference.plain_fasta)),
                json.dumps(cnv["segment_method"]),
            )
            lines.append(
                f"{q(sys.executable)} -c 'from cnvlib import reference, fix, segmentation; from cnvlib.cmdutil import "
                f"read_cna; from skgenome import tabio; tabio.write(reference.do_reference([\"{normal}.targetcoverage.cnn\"], "
                f"[\"{normal}.antitargetcoverage.cnn\"], {fasta}, do_gc={gc}), \"{patient}.reference.cnn\"); "
                f"cnr = fix.do_fix(read_cna(\"{tumour}.targetcoverage.cnn\"), read_cna(\"{tumour}.antitargetcoverage.cnn\"), "
                f"read_cna(\"{patient}.reference.cnn\"), do_gc={gc}); tabio.write(cnr, \"{patient}.cnr\"); "
                f"tabio.write(segmentation.do_segmentation(cnr, {method}), \"{patient}.cns\")'"
            )  # fmt: skip
        sites = ref / "identity"
        lines += [
            "bcftools concat -Ou " + " ".join(f"{patient}.{i}.germline.bcf" for i in range(len(shards)))
            + f" | bcftools filter -s low_qual -e 'QUAL<{germ['min_qual']}' -Ou | bcftools filter -m+ -s low_depth "
            f"-e 'FMT/DP<{germ['min_depth']}' -Oz -o {patient}.germline.vcf.gz",
            f"bcftools index -t {patient}.germline.vcf.gz",
            f"bcftools csq -l -s - -f {fa} -g {gff3} -Ob -o {patient}.germline.csq.bcf {patient}.germline.vcf.gz",
            f"bcftools mpileup -f {fa} -T {sites / 'sites.vcf.gz'} -I -a FORMAT/AD,FORMAT/DP -d 10000 "
            f"-q {call['min_mapq']} -Q {call['min_baseq']} -Ou {tumour}.bam {normal}.bam | bcftools call -m -C alleles "
            f"-T {sites / 'sites.alleles.tsv.gz'} -G - -a GQ -Ob -o {patient}.identity.bcf",
        ]  # fmt: skip
    return lines


def children_cpu() -> float:
    """CPU seconds of every finished child process tree so far (user + system): what a run cost the
    machine, whatever else shares it."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def reset(outdir: Path, patients: list[str]) -> None:
    """Remove a run's patient outputs, keeping the prepared reference, for the next repeat."""
    for folder in ("results", "logs", "benchmarks"):
        for patient in patients:
            shutil.rmtree(outdir / folder / patient, ignore_errors=True)
    (outdir / "results/provenance/tool_versions.json").unlink(missing_ok=True)


def job_span(output: Path) -> tuple[float, float]:
    """(start, end) of the job that wrote ``output``, from Snakemake's metadata record of it
    (.snakemake/metadata/<urlsafe base64 of the path>, split into folders past NAME_MAX)."""
    name = urlsafe_b64encode(str(output).encode()).decode()
    limit = os.pathconf(REPO / ".snakemake" / "metadata", "PC_NAME_MAX") - 1
    parts = [name[i : i + limit] for i in range(0, len(name), limit)]
    record = REPO / ".snakemake" / "metadata" / Path(*["@" + part for part in parts[:-1]], parts[-1])
    data = json.loads(record.read_text())
    return data["starttime"], data["endtime"]


class CpuSampler:
    """The machine's busy CPU time, from /proc/stat every 0.1 s while a workflow runs."""

    def __init__(self) -> None:
        self.samples: list[tuple[float, int, int]] = []  # (time, busy jiffies, total jiffies)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
            idle = fields[3] + fields[4]  # idle + iowait
            self.samples.append((time.time(), sum(fields) - idle, sum(fields)))
            self._stop.wait(0.1)

    def __enter__(self) -> CpuSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def cores_busy(self, start: float, end: float) -> float:
        """Mean number of busy cores between two times (the samples just outside them)."""
        before = max((s for s in self.samples if s[0] <= start), default=self.samples[0])
        after = min((s for s in self.samples if s[0] >= end), default=self.samples[-1])
        return (after[1] - before[1]) / (after[2] - before[2]) * (os.cpu_count() or 1)


# Python shard steps (`script:`) by the script Snakemake writes for the job (.snakemake/scripts/tmp*.<name>)
SCRIPT_KINDS = {b"call_error_profile_shard.py": "profile", b"call_classify_shard.py": "classify"}


class ShardCpu:
    """CPU seconds of the calling shard jobs' processes, from /proc every 0.25 s while a workflow
    runs: a process belongs to a shard job when its or its parent's command line names one of the
    run's shard files (bcftools shards) or a shard step's script run from this checkout (Python
    shards: error profile, classification). Exact apart from each process's last quarter second;
    unlike /proc/stat it counts only these jobs, so other work on the machine does not change it
    (Snakemake's own cpu_time samples once a second for 30 s, then every 30 s, and misses a long
    job's tail)."""

    def __init__(self, outdir: Path) -> None:
        self.marker = f"{outdir}/results/".encode()
        self.cpu: dict[int, tuple[str, float]] = {}  # pid -> (somatic|germline|profile|classify, CPU seconds)
        self._tick = os.sysconf("SC_CLK_TCK")
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _kind(self, pid: str) -> str | None:
        try:
            line = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            return None
        if b".snakemake/scripts/" in line:
            kind = next((k for name, k in SCRIPT_KINDS.items() if name in line), None)
            try:  # a job of this checkout's run, not another's
                return kind if kind and os.readlink(f"/proc/{pid}/cwd") == str(REPO) else None
            except OSError:
                return None
        if self.marker not in line or b"/calls/shards/" not in line:
            return None
        return "germline" if b".germline.bcf" in line else "somatic"

    def _run(self) -> None:
        kinds: dict[int, str | None] = {}
        while not self._stop.is_set():
            for entry in os.listdir("/proc"):
                if not entry.isdigit():
                    continue
                try:
                    stat = Path(f"/proc/{entry}/stat").read_text()
                except OSError:
                    continue
                fields = stat[stat.rindex(")") + 2 :].split()
                pid, parent = int(entry), fields[1]
                if pid not in kinds:
                    kinds[pid] = self._kind(entry) or self._kind(parent)
                if kinds[pid]:
                    self.cpu[pid] = (kinds[pid], (int(fields[11]) + int(fields[12])) / self._tick)
            self._stop.wait(0.25)

    def seconds(self, kind: str) -> float:
        return sum(cpu for k, cpu in self.cpu.values() if k == kind)

    def __enter__(self) -> ShardCpu:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


SHARD_RULES = {"somatic": ("call_mpileup", "candidates.bcf"), "germline": ("germline_bcftools", "germline.bcf"),
               "profile": ("call_error_profile_shard", "error_profile.json"),
               "classify": ("call_classify_shard", "somatic.vcf")}  # fmt: skip


def calling_phase(outdir: Path, patient: str, shards: int, shard_cpu: ShardCpu, kinds: tuple) -> dict:
    """The calling phase of one patient: its shard jobs of ``kinds`` (somatic: call_mpileup, profile:
    call_error_profile_shard, classify: call_classify_shard, germline: germline_bcftools), from the
    first one's start to the last one's end (Snakemake's job records), or to the somatic VCF when
    the classification shards are among them (the gather is part of calling); their CPU seconds
    (ShardCpu; and Snakemake's benchmark cpu_time); cores busy = CPU seconds / phase wall;
    jobs at once = summed job wall / phase wall (how full the scheduler kept the job slots: unlike
    CPU seconds per wall second it does not drop when other work shares the cores)."""
    spans = [job_span(outdir / f"results/{patient}/calls/shards/{patient}.{i:03d}.{SHARD_RULES[k][1]}")
             for i in range(shards) for k in kinds]  # fmt: skip
    start, end = min(s for s, _ in spans), max(e for _, e in spans)
    if "classify" in kinds:
        end = max(end, job_span(outdir / f"results/{patient}/calls/{patient}.somatic.vcf.gz")[1])
    bench = [outdir / f"benchmarks/{patient}/{SHARD_RULES[k][0]}/{patient}.{i:03d}.tsv"
             for i in range(shards) for k in kinds]  # fmt: skip
    snakemake_cpu = sum(float(pd.read_csv(b, sep="\t")["cpu_time"].iloc[0]) for b in bench)
    cpu = sum(shard_cpu.seconds(k) for k in kinds)
    # Busy cores, not a fraction of them: printed as "X of <cores>" beside the machine's figure.
    return {"start": start, "end": end, "wall": end - start, "cpu": cpu, "snakemake_cpu": snakemake_cpu,
            "cores_busy": cpu / (end - start),
            "snakemake_cores_busy": snakemake_cpu / (end - start),
            "jobs_at_once": sum(e - s for s, e in spans) / (end - start)}  # fmt: skip


SOMATIC_KINDS = ("somatic", "profile", "classify")


def calling_alone(
    outdir: Path, sheet: Path, cores: int, configfiles: tuple[Path, ...], patient: str, shards: int
) -> dict:
    """The somatic calling stage on its own: after the measured run, its outputs are removed and
    rebuilt from the same BAMs with nothing else left to run. In the run, the tumour's coverage,
    copy-number coverage and stats become ready with its BAM, as the calling shards do, and share
    the cores with them (as they should: the report waits for them too); here the question is
    whether calling's own jobs keep the cores busy."""
    calls = outdir / "results" / patient / "calls"
    for name in (f"{patient}.candidates.bcf", f"{patient}.error_profile.json", f"{patient}.somatic.vcf.gz",
                 f"{patient}.somatic.vcf.gz.tbi"):  # fmt: skip
        (calls / name).unlink()
    with CpuSampler() as cpu, ShardCpu(outdir) as shard_cpu:
        wall = snakemake(outdir, sheet, cores, str(calls / f"{patient}.somatic.vcf.gz"), configfiles=configfiles)
    phase = calling_phase(outdir, patient, shards, shard_cpu, SOMATIC_KINDS)
    return phase | {"snakemake_wall": wall, "machine_busy": cpu.cores_busy(phase["start"], phase["end"])}


def calling_use(outdir: Path, patients: list[str], shards: int, cpu: CpuSampler) -> dict:
    """How busy calling kept the cores, per patient from its first shard's start to its last
    shard's end (Snakemake's job records): shard jobs running at once, and busy cores of the
    machine (/proc/stat: every process, so also other jobs of the run then running)."""
    uses = []
    for patient in patients:
        spans = [
            job_span(outdir / f"results/{patient}/calls/shards/{patient}.{i:03d}.candidates.bcf") for i in range(shards)
        ]
        start, end = min(s for s, _ in spans), max(e for _, e in spans)
        uses.append({"wall": end - start, "jobs_at_once": sum(e - s for s, e in spans) / (end - start),
                     "cores_busy": cpu.cores_busy(start, end)})  # fmt: skip
    return {key: statistics.mean(u[key] for u in uses) for key in ("wall", "jobs_at_once", "cores_busy")}


def run_case(
    name: str, samples: list[Sample], root: Path, cores: int, repeats: int, panel: Path | None = None,
    shards: int | None = None,
) -> dict:  # fmt: skip
    """Bare chain and workflow ``repeats`` times, alternating; the medians are reported.
    ``panel``: a panel BED in place of the preset's, ``shards``: calling.shards (both sides)."""
    folder = root / name
    folder.mkdir(parents=True)
    sheet = write_sheet(folder / "samples.tsv", samples)
    configfiles = ()
    if panel or shards:
        configfiles = (folder / "case.yaml",)
        settings = {"panel": {"name": name, "bed": str(panel)}} if panel else {}
        configfiles[0].write_text(yaml.safe_dump(settings | ({"calling": {"shards": shards}} if shards else {})))
    workflow_out, bare_out = folder / "workflow", folder / "bare"
    # untimed: the reference, shared by both sides
    snakemake(workflow_out, sheet, cores, *PREPARE, configfiles=configfiles)
    config = yaml.safe_load((workflow_out / "results/provenance/effective_config.yaml").read_text())
    script = bare_script(samples, workflow_out / "results" / "reference", bare_out, config, cores)
    (folder / "bare.sh").write_text("\n".join(script) + "\n")
    bare, workflow, loads, bare_cpu, workflow_cpu = [], [], [], [], []
    for _ in range(repeats):
        shutil.rmtree(bare_out, ignore_errors=True)
        bare_out.mkdir()
        loads.append(os.getloadavg()[0])
        start, cpu_start = time.perf_counter(), children_cpu()
        subprocess.run(["bash", str(folder / "bare.sh")], check=True)
        bare.append(time.perf_counter() - start)
        bare_cpu.append(children_cpu() - cpu_start)
        reset(workflow_out, sorted({s.patient for s in samples}))
        loads.append(os.getloadavg()[0])
        cpu_start = children_cpu()
        with CpuSampler() as cpu, ShardCpu(workflow_out) as shard_cpu:
            workflow.append(snakemake(workflow_out, sheet, cores, configfiles=configfiles))
        workflow_cpu.append(children_cpu() - cpu_start)
    loads.append(os.getloadavg()[0])
    steps = step_table(workflow_out / "benchmarks")  # the last repeat's jobs
    patients = sorted({s.patient for s in samples})
    shards = int(config["calling"]["shards"])
    calling = calling_use(workflow_out, patients, shards, cpu)  # the last repeat
    phases = {}
    if len(patients) == 1 and any(s.kind == "normal" for s in samples):
        for label, kinds in (("somatic calling", SOMATIC_KINDS), ("mpileup", ("somatic",)),
                             ("somatic calling+germline", (*SOMATIC_KINDS, "germline"))):  # fmt: skip
            phases[label] = calling_phase(workflow_out, patients[0], shards, shard_cpu, kinds)
        phases["somatic calling alone"] = calling_alone(workflow_out, sheet, cores, configfiles, patients[0], shards)
    steps = steps[~steps.index.isin(["reference_prepare", *CACHE_RULES, *PREPARE])]
    panel_mb = sum(e - s for _, s, e, *_ in merge_intervals(read_panel(REPO / config["panel"]["bed"]))) / 1e6
    return {"name": name, "samples": len(samples), "patients": len(patients), "workflow": statistics.median(workflow),
            "bare": statistics.median(bare), "workflow_runs": workflow, "bare_runs": bare, "steps": steps,
            "script": script, "calling": calling, "phases": phases, "panel_mb": panel_mb, "shards": shards,
            "loads": loads, "cores": cores, "bare_cpu": statistics.median(bare_cpu),
            "workflow_cpu": statistics.median(workflow_cpu)}  # fmt: skip


def report(case: dict, show_commands: bool) -> None:
    print(f"\n== {case['name']}: {case['samples']} samples")
    if show_commands:
        print("bare chain commands (bash, `set -euo pipefail`, run in one folder):")
        print("\n".join("  " + line for line in case["script"]))
    runs = lambda values: ", ".join(f"{v:.1f}" for v in values)  # noqa: E731
    print(f"workflow_seconds={case['workflow']:.1f} bare_chain_seconds={case['bare']:.1f} "
          f"(medians of {len(case['workflow_runs'])}: workflow {runs(case['workflow_runs'])}; bare {runs(case['bare_runs'])})")  # fmt: skip
    print(f"overhead_ratio={case['workflow'] / case['bare']:.2f} case={case['name']}")
    print(f"seconds_per_sample={case['workflow'] / case['samples']:.1f} (bare {case['bare'] / case['samples']:.1f})")
    calling = case["calling"]
    print(f"calling_cores_busy={calling['cores_busy']:.2f} of {os.cpu_count()} calling_jobs_at_once="
          f"{calling['jobs_at_once']:.2f} (per patient, mean over its {calling['wall']:.1f} s from first shard "
          f"start to last shard end; busy cores from /proc/stat, jobs from Snakemake's records)")  # fmt: skip
    print(f"wall_seconds_per_patient={case['workflow'] / case['patients']:.1f} (bare {case['bare'] / case['patients']:.1f}) "
          f"panel_mb={case['panel_mb']:.3f} calling.shards={case['shards']}")  # fmt: skip
    print(f"cpu_seconds workflow={case['workflow_cpu']:.1f} bare={case['bare_cpu']:.1f} cpu_ratio="
          f"{case['workflow_cpu'] / case['bare_cpu']:.2f} (getrusage of the child processes, medians; load-independent)")  # fmt: skip
    print(f"load_average_1min at the runs' starts/end: {', '.join(f'{v:.2f}' for v in case['loads'])}")
    for label, phase in case["phases"].items():
        print(f"[{label} shards] calling_seconds_per_mb={phase['wall'] / case['panel_mb']:.1f} "
              f"calling_cpu_seconds_per_mb={phase['cpu'] / case['panel_mb']:.1f} calling_cores_busy_cpu="
              f"{phase['cores_busy']:.2f} of {case['cores']} calling_jobs_at_once={phase['jobs_at_once']:.2f} of "
              f"{case['cores']} (phase {phase['wall']:.1f} s from first shard start to last shard end or the somatic VCF; CPU "
              f"{phase['cpu']:.1f} s from /proc per process, Snakemake's cpu_time {phase['snakemake_cpu']:.1f} s "
              f"= {phase['snakemake_cores_busy']:.2f} cores)"
              + (f"; machine busy {phase['machine_busy']:.2f} of {case['cores']}" if "machine_busy" in phase else ""))  # fmt: skip
    print(
        "steps (Snakemake benchmark files; seconds summed over jobs, peak memory = largest job's max RSS;"
        " steps run inside Snakemake's process show that process's memory):"
    )
    print(case["steps"].to_string(float_format=lambda v: f"{v:.2f}"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--cases", default="demo,big,demo4")
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "presis" / "bench-overhead")
    parser.add_argument(
        "--repeats",
        default="demo=3,big=1,demo4=3",
        help="runs per case (bare chain and workflow, alternating; medians reported)",
    )
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="panel1mb: this share of the panel's targets and of both depths (development runs)",
    )
    parser.add_argument(
        "--depth-scale", type=float, help="panel1mb: scale the depths by this instead (default: --scale)"
    )
    parser.add_argument("--shards", type=int, help="calling.shards for every case (default: the configuration's)")
    parser.add_argument("--keep", type=Path, help="keep the outputs here (a new folder) instead of a temporary one")
    args = parser.parse_args()
    cases = {
        "demo": lambda: demo_pair("DEMO"),
        "big": lambda: big_pair(args.cache),
        "demo4": lambda: demo_copies(root / "demo4-reads", 4),
        "panel1mb": lambda: panel_pair(args.cache, args.scale, args.depth_scale),
    }
    wanted = args.cases.split(",")
    repeats = {case: int(n) for case, n in (item.split("=") for item in args.repeats.split(","))}
    with tempfile.TemporaryDirectory(prefix="presis-bench-") as tmp:
        root = args.keep or Path(tmp)
        results = {}
        for name in wanted:
            samples = cases[name]()
            samples, panel = samples if isinstance(samples, tuple) else (samples, None)
            results[name] = run_case(name, samples, root, args.cores, repeats.get(name, 1), panel, args.shards)
            report(results[name], show_commands=name in ("demo", "big"))
    print(f"\n== summary (cores={args.cores})")
    for case in results.values():
        print(f"overhead_ratio={case['workflow'] / case['bare']:.2f} case={case['name']} "
              f"workflow={case['workflow']:.1f}s bare={case['bare']:.1f}s "
              f"s_per_sample={case['workflow'] / case['samples']:.1f} "
              f"cpu_ratio={case['workflow_cpu'] / case['bare_cpu']:.2f}")  # fmt: skip
        for label, what in (
            ("somatic calling", "in the run"),
            ("somatic calling alone", "alone: same BAMs, nothing else to run"),
        ):
            if label in case["phases"]:
                phase = case["phases"][label]
                print(f"  {label}: calling_seconds_per_mb={phase['wall'] / case['panel_mb']:.1f} calling_cores_busy_cpu="
                      f"{phase['cores_busy']:.2f} of {case['cores']} calling_jobs_at_once={phase['jobs_at_once']:.2f} "
                      f"(mpileup + error-profile + classification shards to the somatic VCF, {what}; own CPU from /proc)")  # fmt: skip
    if "demo" in results and "demo4" in results:
        ratio = results["demo4"]["workflow"] / results["demo"]["workflow"]
        print(f"patients_4_vs_1_wall_ratio={ratio:.2f} (4 patients {results['demo4']['workflow']:.1f}s, "
              f"1 patient {results['demo']['workflow']:.1f}s)")  # fmt: skip


if __name__ == "__main__":
    main()
