"""Shared paths and the session-wide workflow runs: each scenario runs once per session."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data"


# The repository's knowledge base, gene roles and hotspot table, read once for every test.
@pytest.fixture(scope="session")
def kb():
    from presis.interpretation import kb as K

    return K.load(K.KBFiles.in_repo(REPO))


@pytest.fixture(scope="session")
def roles():
    from presis.interpretation import kb as K

    return K.load_gene_roles(K.KBFiles.in_repo(REPO).gene_roles)


@pytest.fixture(scope="session")
def hotspots():
    from presis.interpretation.hotspots import Hotspots

    return Hotspots.load(REPO / "config" / "kb" / "hotspots_single_aa_change.hg19.txt")


DEMO_READS = DATA / "reads" / "demo"
SNAKEMAKE = Path(sys.executable).parent / "snakemake"
# The one field of a report that differs between two runs on the same inputs.
TIMESTAMP_FIELD = "generated_at"


@dataclass
class Run:
    outdir: Path
    returncode: int
    output: str  # stdout + stderr of snakemake

    def report(self, patient: str = "DEMO") -> dict:
        return json.loads((self.outdir / "results" / patient / "report" / f"{patient}.report.json").read_text())

    def result(self, relative: str) -> Path:
        return self.outdir / "results" / relative


def workflow_command(outdir: Path, *config: str, extra: tuple[str, ...] = ()) -> list[str]:
    return [
        str(SNAKEMAKE), "--configfile", "config/config.yaml", "--cores", "2",
        "--config", f"outdir={outdir}", *config, *extra,
    ]  # fmt: skip


def run_workflow(outdir: Path, *config: str, extra: tuple[str, ...] = (), env: dict | None = None) -> Run:
    """The real workflow on the bundled data, results below ``outdir``."""
    command = workflow_command(outdir, *config, extra=extra)
    # The demo keys its contribution with the demo secret file, whatever the developer's shell holds.
    environ = {name: value for name, value in os.environ.items() if name != "PRESIS_VARDB_SECRET"}
    environ.update(env or {})
    proc = subprocess.run(command, cwd=REPO, capture_output=True, text=True, env=environ)
    return Run(outdir, proc.returncode, proc.stdout + proc.stderr)


def without_timestamp(report: dict) -> dict:
    return {key: value for key, value in report.items() if key != TIMESTAMP_FIELD}


def report_bytes_without_timestamp(path: Path) -> bytes:
    """The report JSON as written, its timestamp value blanked (the file's own bytes otherwise)."""
    data = path.read_bytes()
    blanked, count = re.subn(rb'("' + TIMESTAMP_FIELD.encode() + rb'": )"[^"]*"', rb'\1""', data)
    assert count == 1, f"{path} has {count} {TIMESTAMP_FIELD} fields, expected 1"
    return blanked


def write_sheet(path: Path, rows: list[dict]) -> Path:
    columns = ["patient", "sample", "type", "tumour_type", "lane", "fastq_1", "fastq_2"]
    columns += [c for c in ("germline_consent", "purity", "tumour_sample") if any(c in row for row in rows)]  # optional
    lines = ["\t".join(columns)] + ["\t".join(str(row.get(c, "")) for c in columns) for row in rows]
    path.write_text("\n".join(lines) + "\n")
    return path


def demo_row(sample: str = "DEMO-T", kind: str = "tumour", patient: str = "DEMO", **changes) -> dict:
    reads = "DEMO-T" if kind == "tumour" else "DEMO-N"
    row = {
        "patient": patient, "sample": sample, "type": kind, "tumour_type": "LUAD", "lane": "L001",
        "fastq_1": DEMO_READS / f"{reads}_R1.fastq.gz", "fastq_2": DEMO_READS / f"{reads}_R2.fastq.gz",
    }  # fmt: skip
    row.update(changes)
    return row


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory) -> Run:
    """The demo as shipped: tumour/normal, level 2."""
    run = run_workflow(tmp_path_factory.mktemp("demo"))
    assert run.returncode == 0, run.output[-5000:]
    return run


@pytest.fixture(scope="session")
def coad_run(tmp_path_factory) -> Run:
    """The demo pair as colorectal cancer (COAD): the same variants, other tiers and therapies."""
    folder = tmp_path_factory.mktemp("coad")
    sheet = write_sheet(
        folder / "samples.tsv", [demo_row(tumour_type="COAD"), demo_row("DEMO-N", "normal", tumour_type="COAD")]
    )
    run = run_workflow(folder / "out", f"samples={sheet}")
    assert run.returncode == 0, run.output[-5000:]
    return run


@pytest.fixture(scope="session")
def tumour_only_run(tmp_path_factory) -> Run:
    run = run_workflow(tmp_path_factory.mktemp("tumour_only"), f"samples={REPO / 'config' / 'samples.tumour-only.tsv'}")
    assert run.returncode == 0, run.output[-5000:]
    return run


@pytest.fixture(scope="session")
def truncated_fastq_run(tmp_path_factory) -> tuple[Run, Path]:
    """Tumour-only run whose tumour R1 was cut short in transit."""
    folder = tmp_path_factory.mktemp("truncated")
    damaged = folder / "DEMO-T_R1.fastq.gz"
    data = (DEMO_READS / "DEMO-T_R1.fastq.gz").read_bytes()
    damaged.write_bytes(data[: len(data) // 3])
    sheet = write_sheet(folder / "samples.tsv", [demo_row(fastq_1=damaged)])
    return run_workflow(folder / "out", f"samples={sheet}"), damaged


@pytest.fixture(scope="session")
def tumour_only_pon_run(tmp_path_factory, demo_run) -> Run:
    """Tumour-only with a panel of normals and a copy-number reference built from the demo normal's BAM (one normal suffices)."""
    normal_bam = demo_run.result("DEMO/align/DEMO-N.bam")
    run = run_workflow(
        tmp_path_factory.mktemp("tumour_only_pon"),
        f"samples={REPO / 'config' / 'samples.tumour-only.tsv'}",
        f"pon={{bams: [{normal_bam}]}}",
        "somatic={pon_min_normals: 1}",
        f"cnv_reference={{bams: [{normal_bam}]}}",  # and a copy-number reference of normals (rule cnv_reference_build)
    )
    assert run.returncode == 0, run.output[-5000:]
    return run


# The planted level-1 patient SIM (simulate_planted, seed PLANTED_SEED): germline variants of the
# normal (and tumour) and an MSI-high tumour. Positions on the test genome, HGVS on MANE Select.
PLANTED_SEED = 20261127
PLANTED_GERMLINE = {
    # truncating in a loss-of-function predisposition gene, exon 5 of 17: a candidate
    "BAP1 p.(Glu125Ter)": ("chr3_52287089_52809009", 120872, "C", "A"),
    # on the known-pathogenic list (config/kb/germline_known_variants.tsv): a candidate
    "TP53 p.(Arg175His)": ("chr17", 7675088, "C", "T"),
    # common benign polymorphism rs1042522: never reported
    "TP53 p.(Pro72Arg)": ("chr17", 7676154, "G", "C"),
    # truncating but in the last exon (11/11): escapes NMD, excluded with the reason
    "TP53 p.(Glu388Ter)": ("chr17", 7669629, "C", "A"),
}


@pytest.fixture(scope="session")
def planted_reads(tmp_path_factory):
    """Reads of SIM: the planted germline variants (het) and microsatellite shifts in half the
    panel's microsatellites at VAF 0.4 in the tumour."""
    import yaml

    from presis.devtools import simulate

    fasta = DATA / "genome" / "presis-test-GRCh38.v2.fa.gz"
    reference = simulate.load_reference(fasta, simulate.GENOME_V1_CONTIGS)  # the seeded set, as made on v1
    targets = simulate.read_targets(REPO / "config" / "panels" / "presis-demo.bed")
    msi_settings = yaml.safe_load((REPO / "config" / "defaults.yaml").read_text())["msi"]
    germline = [
        simulate.Variant(*key, origin="germline", genotype="0/1", haplotype=i % 2)
        for i, key in enumerate(PLANTED_GERMLINE.values())
    ]
    shifts = simulate.microsatellite_shifts(reference, targets, PLANTED_SEED, 0.5, 0.4, msi_settings)
    taken = {(v.chrom, v.pos) for v in germline}
    shifts = [s for s in shifts if all(abs(s.pos - pos) > 20 for chrom, pos in taken if chrom == s.chrom)]
    folder = tmp_path_factory.mktemp("planted_reads")
    return simulate.simulate_planted(
        germline + shifts, reference, fasta, targets, "SIM", 250, 100, PLANTED_SEED, folder
    ), len(shifts)


@pytest.fixture(scope="session")
def level1_run(tmp_path_factory, planted_reads) -> Run:
    """Level 1 on two patients: the demo (no germline consent) and SIM (consent yes)."""
    data, _ = planted_reads
    folder = tmp_path_factory.mktemp("level1")
    rows = [
        demo_row(),
        demo_row("DEMO-N", "normal"),
        {"patient": "SIM", "sample": "SIM-T", "type": "tumour", "tumour_type": "COAD", "lane": "L001",
         "fastq_1": data.tumour[0], "fastq_2": data.tumour[1], "germline_consent": "yes"},
        {"patient": "SIM", "sample": "SIM-N", "type": "normal", "tumour_type": "COAD", "lane": "L001",
         "fastq_1": data.normal[0], "fastq_2": data.normal[1], "germline_consent": "yes"},
    ]  # fmt: skip
    sheet = write_sheet(folder / "samples.tsv", rows)
    run = run_workflow(folder / "out", "level=1", f"samples={sheet}")
    assert run.returncode == 0, run.output[-5000:]
    return run


@pytest.fixture(scope="session")
def level3_run(tmp_path_factory) -> Run:
    """The demo pair at level 3 (actionable-gene panel built from its gene list)."""
    run = run_workflow(tmp_path_factory.mktemp("level3"), "level=3")
    assert run.returncode == 0, run.output[-5000:]
    return run


@pytest.fixture(scope="session")
def postgres():
    """A throwaway PostgreSQL cluster on 127.0.0.1 for the session (tests/postgres_cluster.py);
    setup.sh installs Debian's postgresql, so a missing server is a failure, not a skip."""
    from postgres_cluster import Cluster, pg_bindir

    bindir = pg_bindir()
    if bindir is None:
        pytest.fail("PostgreSQL's initdb was not found: run `bash setup.sh` (it installs Debian's postgresql)")
    cluster = Cluster(bindir)
    cluster.start()
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def vardb_url(request, tmp_path) -> str:
    """An empty variant database: an SQLite file, or a new database in the session's PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'vardb.sqlite'}"
    cluster = request.getfixturevalue("postgres")
    return cluster.create_database(f"vardb_{abs(hash(request.node.nodeid)) % 10**12}")


@pytest.fixture(scope="session")
def rna_run(tmp_path_factory) -> Run:
    """DEMO with DNA (tumour, normal) and tumour RNA, and patient RNA-GB with tumour RNA only (simulated reads)."""
    run = run_workflow(tmp_path_factory.mktemp("rna"), f"samples={REPO / 'config' / 'samples.rna.tsv'}")
    assert run.returncode == 0, run.output[-3000:]
    return run
