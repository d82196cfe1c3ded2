"""End to end: the demo's contribution to the national variant database (contribution is on
at the demo's level 2, keyed with the public demo secret), imported, queried and exported —
and nothing identifying, nor the secret, anywhere it must not be."""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess

import pytest
from conftest import DEMO_READS, REPO, SNAKEMAKE

from presis.cli import main
from presis.vardb import contribution
from presis.vardb.secret import contributor_key

pytestmark = pytest.mark.e2e

DEMO_SECRET = (REPO / "config" / "vardb" / "demo.secret").read_text().strip()
CONTRIBUTION = "DEMO/vardb/DEMO.contribution.json"


def read_names(limit: int = 200) -> list[str]:
    names = []
    for reads in ("DEMO-T", "DEMO-N"):
        with gzip.open(DEMO_READS / f"{reads}_R1.fastq.gz", "rt") as fh:
            names += [
                line[1:].split()[0].split("/")[0] for i, line in zip(range(4 * limit), fh, strict=False) if i % 4 == 0
            ]
    return names


def test_demo_contribution_has_the_findings_in_real_coordinates(demo_run):
    data = contribution.load(demo_run.result(CONTRIBUTION))
    assert data["contributor"] == contributor_key("DEMO", DEMO_SECRET.encode()) and data["demo_key"] is True
    assert (data["build"], data["hospital_level"], data["tumour_type"]) == ("GRCh38", 2, "LUAD")
    somatic = {(v["chrom"], v["pos"], v["ref"], v["alt"]): v for v in data["variants"] if v["origin"] == "somatic"}
    assert len(somatic) == 30  # the demo's 30 somatic truth variants in the panel (test_workflow_demo.py)
    kras = somatic[("chr12", 25245350, "C", "T")]  # chr12_25195146_25260929:50205 on the test genome
    assert (kras["gene"], kras["hgvs_p"], kras["vaf_bin"]) == ("KRAS", "p.(Gly12Asp)", "0.05-0.35")
    assert ("chr7", 55191822, "T", "G") in somatic  # EGFR p.(Leu858Arg)
    assert any(v["origin"] == "germline" for v in data["variants"])
    assert {r["chrom"] for r in data["regions"]} == {"chr3", "chr7", "chr12", "chr17"}
    assert all(r["callable_bases"] <= r["end"] - r["start"] for r in data["regions"])


def test_nothing_identifying_and_no_secret_anywhere(demo_run, tmp_path, capsys):
    db = tmp_path / "vardb.sqlite"
    url = f"sqlite:///{db}"
    source = demo_run.result(CONTRIBUTION)
    outputs = []
    for args in (("import", "--allow-demo", str(source)), ("query", "chr12:25245350:C:T"), ("query", "--json", "chr7:55191822:T:G"),
                 ("export", "--format", "vcf"), ("export", "--format", "tsv"), ("stats",)):  # fmt: skip
        assert main(["vardb", args[0], "--db", url, *args[1:]]) == 0
        captured = capsys.readouterr()
        outputs.append(captured.out + captured.err)
    shared = {  # what leaves the hospital or is shown by the database
        "contribution": source.read_text(),
        "database": b"".join(p.read_bytes() for p in tmp_path.glob("vardb.sqlite*")).decode("latin-1"),
        "command output": "\n".join(outputs),
    }
    key = contributor_key("DEMO", DEMO_SECRET.encode())
    forbidden = ["DEMO-T", "DEMO-N", "DEMO", str(demo_run.outdir), str(REPO), "/tmp", ".fastq", ".bam", *read_names()]
    for where, text in shared.items():
        found = [word for word in forbidden if word in text]
        assert not found, f"{where} contains {found[:5]}"
    assert key not in shared["command output"]  # the database holds it (for withdrawal) but never shows it
    assert "somatic carriers: <5" in outputs[1]
    # The secret: nowhere in the run's results, reports, provenance, logs or benchmarks, nor in
    # Snakemake's own logs; the key: not in the report or the effective config either.
    for path in [p for p in demo_run.outdir.rglob("*") if p.is_file()] + list(
        (REPO / ".snakemake" / "log").glob("*.log")
    ):
        text = path.read_bytes().decode("latin-1")
        assert DEMO_SECRET not in text, path
        if path.suffix in (".html", ".json", ".tsv", ".yaml", ".log") and path != source:
            assert key not in text, path


def test_contribution_on_without_a_secret_fails_and_says_how(demo_run, tmp_path):
    """Only the contribution is re-made, in a copy of the demo's results."""
    copy = tmp_path / "out"
    shutil.copytree(demo_run.outdir, copy, symlinks=True)
    demo_run_contribution = copy / "results" / CONTRIBUTION
    demo_run_contribution.unlink()
    environ = {k: v for k, v in os.environ.items() if k != "PRESIS_VARDB_SECRET"}
    proc = subprocess.run(
        [str(SNAKEMAKE), "--configfile", "config/config.yaml", "--cores", "1", "--config", f"outdir={copy}",
         "vardb={secret_file: null}", "--", str(demo_run_contribution)],
        cwd=REPO, capture_output=True, text=True, env=environ,
    )  # fmt: skip
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0 and not demo_run_contribution.exists()
    assert "no contributor secret is configured" in output and "export PRESIS_VARDB_SECRET=" in output
    assert "Job stats" in output and output.count("vardb_contribution: national") >= 1
    assert "align_bwa" not in output  # nothing else was re-run


def test_tumour_only_contributes_somatic_calls_only(tumour_only_run):
    """Without a normal, 'likely germline' is a guess: no germline origin is contributed."""
    data = contribution.load(tumour_only_run.result(CONTRIBUTION))
    origins = {v["origin"] for v in data["variants"]}
    assert origins == {"somatic"}
    assert ("chr12", 25245350, "C", "T") in {(v["chrom"], v["pos"], v["ref"], v["alt"]) for v in data["variants"]}


def test_demo_keyed_contribution_is_refused_by_default(demo_run, tmp_path, capsys):
    code = main(["vardb", "import", "--db", f"sqlite:///{tmp_path / 'db.sqlite'}", str(demo_run.result(CONTRIBUTION))])
    err = capsys.readouterr().err
    assert code == 1 and "keyed with presis' public demo secret" in err and "--allow-demo" in err
