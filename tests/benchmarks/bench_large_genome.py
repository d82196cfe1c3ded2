"""Large-genome benchmark: the demo pair on the test genome and on a ~250-Mb genome with a full-size annotation.

The large genome is the test genome plus one N-filled contig (a chromosome 1's length; bgzip keeps
it small on disk, while bwa index turns the Ns into random bases, so the bwa index has the real
size of a 250-Mb genome). Its annotation is the test GFF3 with its genes copied onto the padding
contig until it has a full-size annotation's number of genes and transcripts (Ensembl GRCh38:
~62,000 genes, ~250,000 transcripts). The reads are the demo's; the panel is the demo's.

Each genome gets its own reference cache. The large genome's reference is prepared once (its FASTA
index, bwa index and annotation index: the one-time preparation, timed apart), and the bwa index
is then given by path (reference.bwa_index), as a site with its own index would. The table
compares each step's seconds and peak RSS (Snakemake's benchmark files) between the two genomes.

    .venv/bin/python tests/benchmarks/bench_large_genome.py [--workdir DIR] [--pad-mb 240] [--copies 125]

A command, not a test: it takes ~15 CPU minutes (mostly bwa index).
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "workflow" / "scripts"))  # this checkout's library
from presis.inputs.reference_cache import CACHE_RULES  # noqa: E402

GENOME = REPO / "tests" / "data" / "genome"
SNAKEMAKE = Path(sys.executable).parent / "snakemake"
PAD_CONTIG = "chrPad"
# Steps whose needs grow with the genome by nature (docs/reference-and-scale.md): bwa mem loads
# the whole index; mosdepth keeps an array as long as each chromosome.
GENOME_SCALED = {"align_bwa", "coverage_mosdepth"}
# The one-time preparation of a reference (cache rules), timed apart.
PREPARATION = set(CACHE_RULES)
ANNOTATION_STEPS = [
    "reference_panel_annotation",
    "annotate_csq",
    "annotate_table",
    "germline_csq",
    "germline_table",
    "interpret_lod",
]


def in_process_rules() -> set[str]:
    """Rules that run in Snakemake's own process (``run: run_script(...)``): their benchmark files
    carry that process's cumulative CPU seconds and RSS, not the step's; their wall seconds are theirs."""
    rules, current = set(), None
    for path in sorted((REPO / "workflow" / "rules").glob("*.smk")):
        for line in path.read_text().splitlines():
            if match := re.match(r"\s*rule (\w+):", line):
                current = match[1]
            elif "run_script(rule" in line and current:
                rules.add(current)
            elif (match := re.match(r"\s*use rule (\w+) as (\w+)", line)) and match[1] in rules:
                rules.add(match[2])  # the same run: block under another name
    return rules


def padded_fasta(path: Path, pad_bases: int) -> None:
    """The test genome, then one N-filled contig of ``pad_bases``: bgzipped and indexed."""
    with open(path, "wb") as out:
        proc = subprocess.Popen(["bgzip", "-c"], stdin=subprocess.PIPE, stdout=out)
        with gzip.open(GENOME / "presis-test-GRCh38.v2.fa.gz", "rb") as src:
            for block in iter(lambda: src.read(1 << 20), b""):
                proc.stdin.write(block)
        proc.stdin.write(f">{PAD_CONTIG}\n".encode())
        line = b"N" * 60 + b"\n"
        block = line * 100_000
        written = 0
        while written + 6_000_000 <= pad_bases:
            proc.stdin.write(block)
            written += 6_000_000
        rest = pad_bases - written
        proc.stdin.write(line * (rest // 60) + (b"N" * (rest % 60) + b"\n" if rest % 60 else b""))
        proc.stdin.close()
        if proc.wait():
            raise SystemExit("bgzip failed")
    subprocess.run(["samtools", "faidx", str(path)], check=True)


def full_size_gff3(path: Path, copies: int, pad_bases: int) -> tuple[int, int]:
    """The test GFF3, then ``copies`` copies of its genes on the padding contig (new ids, shifted
    positions), sorted by position; bgzipped. Returns (genes, transcripts)."""
    with gzip.open(GENOME / "presis-test-GRCh38.v2.gff3.gz", "rt") as fh:
        rows = [line.rstrip("\n").split("\t") for line in fh if line.strip() and not line.startswith("#")]
    span = max(int(r[4]) for r in rows)
    step = (pad_bases - span) // copies
    genes = sum(1 for r in rows if "ID=gene:" in r[8])
    transcripts = sum(1 for r in rows if "ID=transcript:" in r[8])
    plain = path.with_suffix("")
    with open(plain, "w") as out:
        out.write("##gff-version 3\n")
        out.writelines("\t".join(r) + "\n" for r in rows)
        for copy in range(copies):
            offset = 1000 + copy * step
            tag = f"P{copy:04d}"
            # ids made unique per copy: ENSG00000146648 -> ENSGP0001x00000146648 keeps the ENS prefixes
            for r in rows:
                attrs = r[8]
                for prefix in ("gene:ENSG", "transcript:ENST", "ENSE", "ENSP", "Name="):
                    attrs = attrs.replace(prefix, prefix + tag)
                out.write(
                    "\t".join([PAD_CONTIG, *r[1:3], str(int(r[3]) + offset), str(int(r[4]) + offset), *r[5:8], attrs])
                    + "\n"
                )
    with open(path, "wb") as out:
        sort = subprocess.Popen(
            ["sort", "-s", "-t", "\t", "-k1,1", "-k4,4n", str(plain)],
            stdout=subprocess.PIPE,
            env={**os.environ, "LC_ALL": "C"},
        )
        bgzip = subprocess.Popen(["bgzip", "-c"], stdin=subprocess.PIPE, stdout=out)
        bgzip.stdin.write(b"##gff-version 3\n")
        for line in sort.stdout:
            if not line.startswith(b"#"):
                bgzip.stdin.write(line)
        bgzip.stdin.close()
        if sort.wait() or bgzip.wait():
            raise SystemExit("sort/bgzip of the GFF3 failed")
    plain.unlink()
    return genes * (copies + 1), transcripts * (copies + 1)


def annotation_size(gff3: Path) -> tuple[int, int]:
    """(genes, transcripts) of a GFF3."""
    genes = transcripts = 0
    with gzip.open(gff3, "rt") as fh:
        for line in fh:
            genes += "ID=gene:" in line
            transcripts += "ID=transcript:" in line
    return genes, transcripts


def step_table(benchmarks: Path) -> pd.DataFrame:
    """Per rule: jobs, wall seconds and CPU seconds summed over its jobs, the largest job's peak RSS
    (Snakemake's benchmark files). CPU seconds hardly depend on how busy the machine is."""
    rows = []
    for path in sorted(benchmarks.rglob("*.tsv")):
        figures = pd.read_csv(path, sep="\t").iloc[0]
        rule = path.stem if path.parent.parent == benchmarks else path.parent.name
        rows.append({"rule": rule, "seconds": float(figures["s"]), "cpu_seconds": float(figures["cpu_time"]),
                     "max_rss_mb": float(figures["max_rss"])})  # fmt: skip
    return (
        pd.DataFrame(rows)
        .groupby("rule")
        .agg(
            jobs=("seconds", "size"),
            seconds=("seconds", "sum"),
            cpu_seconds=("cpu_seconds", "sum"),
            max_rss_mb=("max_rss_mb", "max"),
        )  # fmt: skip
        .sort_values("seconds", ascending=False)
    )


def snakemake_command(outdir: Path, cache: Path, *config: str, targets: tuple[str, ...] = ()) -> list[str]:
    return [str(SNAKEMAKE), *targets, "--configfile", "config/config.yaml", "--cores", "2",
            "--config", f"outdir={outdir}", f"reference={{cache: {cache}, {', '.join(config)}}}" if config
            else f"reference={{cache: {cache}}}"]  # fmt: skip


def snakemake(outdir: Path, cache: Path, *config: str, targets: tuple[str, ...] = ()) -> float:
    command = [*snakemake_command(outdir, cache, *config, targets=targets), "--quiet"]
    start = time.perf_counter()
    proc = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    if proc.returncode:
        raise SystemExit(f"workflow failed in {outdir}:\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}")
    return time.perf_counter() - start


def wait_for_other_preparation(cache: Path) -> None:
    """Waits while another process builds a part of this cache (a .tmp- folder in it), e.g. an
    earlier bench run's bwa index, so that the preparation figures are that build's, not a wait."""
    while cache.exists() and any(".tmp-" in p.name for p in cache.iterdir()):
        time.sleep(15)
    time.sleep(30)  # that process's Snakemake releases its locks


def second_outdir_dry_run(outdir: Path, cache: Path, *config: str, bwa_prefix: Path) -> tuple[list[str], int, bool]:
    """A dry run in a new output folder on the prepared reference: the preparation rules it would
    run (none expected), how many jobs it would run, and whether every bwa mem reads the given index."""
    command = [*snakemake_command(outdir, cache, *config), "-n", "-p"]
    proc = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    if proc.returncode:
        raise SystemExit(f"dry run failed in {outdir}:\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}")
    text = proc.stdout + proc.stderr
    jobs = re.search(r"^total\s+(\d+)", text, re.M)
    bwa = [line for line in text.splitlines() if "bwa mem -t" in line]
    return (
        [r for r in sorted(PREPARATION) if r in text],
        int(jobs[1]) if jobs else 0,
        bool(bwa) and all(str(bwa_prefix) in line for line in bwa),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/presis-bench-large"))
    parser.add_argument("--pad-mb", type=float, default=240.0, help="length of the N-filled contig (Mb)")
    parser.add_argument("--copies", type=int, default=125, help="copies of the test genes on the padding")
    args = parser.parse_args()
    work = args.workdir.resolve()
    work.mkdir(parents=True, exist_ok=True)
    pad = int(args.pad_mb * 1e6)
    fasta, gff3 = work / "large.fa.gz", work / "large.gff3.gz"
    if not (fasta.with_name(fasta.name + ".fai")).exists():
        padded_fasta(fasta, pad)
    if not gff3.exists():
        full_size_gff3(gff3, args.copies, pad)
    size = sum(int(line.split("\t")[1]) for line in fasta.with_name(fasta.name + ".fai").read_text().splitlines())
    n_genes, n_tx = annotation_size(gff3)
    small_genes, small_tx = annotation_size(GENOME / "presis-test-GRCh38.v2.gff3.gz")
    small_size = sum(
        int(line.split("\t")[1]) for line in (GENOME / "presis-test-GRCh38.v2.fa.gz.fai").read_text().splitlines()
    )
    large = [f"fasta: {fasta}", f"gff3: {gff3}"]

    small_out, large_out = work / "small_run", work / "large_run"
    for folder in (small_out, large_out):
        subprocess.run(["rm", "-rf", str(folder)], check=True)
    # The small genome's reference prepared first too, so both runs are runs with a prepared reference.
    snakemake(work / "small_prepare", work / "cache_small", targets=("reference_ready",))
    small_wall = snakemake(small_out, work / "cache_small")

    # One-time preparation of the large reference (what a site does once), then a run that is
    # given the bwa index by path, in a new output folder.
    wait_for_other_preparation(work / "cache_large")
    prep_out = work / "large_prepare"
    prep_seconds = snakemake(prep_out, work / "cache_large", *large, targets=("reference_ready",))
    prep_steps = step_table(prep_out / "benchmarks")
    from presis.inputs.reference_cache import prepared  # noqa: PLC0415 (after the path is set)

    layout = prepared({"fasta": str(fasta), "gff3": str(gff3), "cache": str(work / "cache_large")})
    index = work / "site_bwa"
    if not index.exists():
        subprocess.run(["cp", "-r", str(layout.bwa_dir), str(index)], check=True)
    given = [*large, f"bwa_index: {index / layout.bwa_prefix.name}"]
    large_wall = snakemake(large_out, work / "cache_large", *given)
    small, big = step_table(small_out / "benchmarks"), step_table(large_out / "benchmarks")
    subprocess.run(["rm", "-rf", str(work / "large_second")], check=True)
    rebuilt, jobs, bwa_given = second_outdir_dry_run(
        work / "large_second", work / "cache_large", *given, bwa_prefix=index / layout.bwa_prefix.name
    )

    table = pd.DataFrame(
        {
            "small_s": small["seconds"],
            "large_s": big["seconds"],
            "small_cpu": small["cpu_seconds"],
            "large_cpu": big["cpu_seconds"],
            "small_rss_mb": small["max_rss_mb"],
            "large_rss_mb": big["max_rss_mb"],
        }
    ).dropna()
    table["cpu_x"] = table["large_cpu"] / table["small_cpu"].clip(lower=0.05)
    table["rss_x"] = table["large_rss_mb"] / table["small_rss_mb"].clip(lower=1)
    table["genome_scaled"] = table.index.isin(GENOME_SCALED)
    table["in_process"] = table.index.isin(in_process_rules())
    # Time is judged by CPU seconds (a shared machine's load moves wall seconds both ways); steps
    # under half a CPU second or 100 MB give ratios of noise and are judged as equal. An in-process
    # step's CPU and RSS figures are the Snakemake process's (cumulative): it is judged by its wall
    # seconds, and its memory is the process's.
    wall_x = table["large_s"] / table["small_s"].clip(lower=0.05)
    time_x = table["cpu_x"].where(~table["in_process"], wall_x)
    tiny = (table["small_cpu"] < 0.5) & (table["large_cpu"] < 0.5)
    tiny = tiny.where(~table["in_process"], (table["small_s"] < 0.5) & (table["large_s"] < 0.5))
    small_rss = (table["rss_x"] <= 1.5) | (table["large_rss_mb"] < 100) | table["in_process"]
    table["time_x"] = time_x
    table["within_1.5x"] = ((time_x <= 1.5) | tiny) & small_rss
    load = os.getloadavg()[0]
    print(
        f"date={time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} host={os.uname().nodename} cores=2 load1={load:.1f}"
    )
    print(
        f"small genome: {small_size / 1e6:.1f} Mb, {small_genes} genes, {small_tx} transcripts; wall {small_wall:.1f} s"
    )
    print(f"large genome: {size / 1e6:.1f} Mb, {n_genes} genes, {n_tx} transcripts; wall {large_wall:.1f} s")
    print(f"one-time preparation of the large reference: {prep_seconds:.1f} s wall (this call; steps below as built)")
    print(prep_steps.to_string(float_format=lambda v: f"{v:.2f}"))
    print(
        f"second output folder, dry run: {jobs} jobs; preparation steps listed: {', '.join(rebuilt) or 'none'}; "
        f"every bwa mem reads the given index {index / layout.bwa_prefix.name}: {'yes' if bwa_given else 'NO'}; "
        f"reference_bwa_index jobs in the large run: {int('reference_bwa_index' in big.index)}"
    )
    print("\nper step, the demo pair (seconds summed over a rule's jobs; peak RSS the largest job's):")
    print(table.sort_values("large_s", ascending=False).to_string(float_format=lambda v: f"{v:.2f}"))
    others = table[~table["genome_scaled"]]
    print(f"\nsteps not genome-scaled within 1.5x (time and RSS): {int(others['within_1.5x'].sum())} of {len(others)}")
    if not others["within_1.5x"].all():
        print("NOT within 1.5x:", ", ".join(others.index[~others["within_1.5x"]]))
    annotation = table.loc[
        [s for s in ANNOTATION_STEPS if s in table.index], ["small_s", "large_s", "small_cpu", "large_cpu"]
    ]
    print(f"\nannotation steps (annotation {n_tx / small_tx:.0f}x larger):")
    print(annotation.to_string(float_format=lambda v: f"{v:.2f}"))


if __name__ == "__main__":
    sys.path.insert(0, str(REPO / "workflow" / "scripts"))
    main()
