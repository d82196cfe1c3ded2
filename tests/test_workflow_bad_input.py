"""Bad input stops the workflow before any job, with every problem named; a damaged FASTQ
stops the first job that reads it and leaves nothing that looks finished."""

import pytest
from conftest import demo_row, run_workflow, write_sheet

pytestmark = pytest.mark.e2e

CASES = {
    "missing FASTQ": ([demo_row(fastq_1="/no/such/DEMO-T_R1.fastq.gz")], ["row 1 (line 2), column fastq_1", "file not found: /no/such/DEMO-T_R1.fastq.gz"]),
    "duplicate sample": ([demo_row(), demo_row()], ["row 2 (line 3)", "DEMO-T"]),
    "unknown type": ([demo_row(type="tumor")], ["column type", "'tumor'", "tumour"]),
    "name with ;": ([demo_row(sample="DEMO;rm")], ["column sample", "';'"]),
    "name with a space": ([demo_row(patient="DEMO 1")], ["column patient", "DEMO 1"]),
    "two normals": ([demo_row(), demo_row("N1", "normal"), demo_row("N2", "normal")], ["row 3 (line 4)", "at most one normal", "N1"]),
}  # fmt: skip


@pytest.mark.parametrize("case", CASES)
def test_bad_sheet_is_refused_before_any_job(tmp_path, case):
    rows, expected = CASES[case]
    run = run_workflow(tmp_path / "out", f"samples={write_sheet(tmp_path / 'samples.tsv', rows)}")
    assert run.returncode != 0
    assert "presis cannot start" in run.output
    for fragment in expected:
        assert fragment in run.output, f"{fragment!r} missing from:\n{run.output[-3000:]}"
    assert not (tmp_path / "out" / "results").exists()


def test_malformed_tsv_names_the_line(tmp_path):
    sheet = write_sheet(tmp_path / "samples.tsv", [demo_row()])
    sheet.write_text(sheet.read_text() + "DEMO\tDEMO-N\tnormal\n")
    run = run_workflow(tmp_path / "out", f"samples={sheet}")
    assert run.returncode != 0 and "line 3" in run.output


def test_every_problem_is_listed_at_once(tmp_path):
    rows = [
        demo_row(sample="T;1", type="tumor", fastq_2="/missing_R2.fastq.gz"),
        demo_row("N1", "normal"),
        demo_row("N2", "normal"),
    ]
    run = run_workflow(tmp_path / "out", f"samples={write_sheet(tmp_path / 'samples.tsv', rows)}")
    for fragment in ["'T;1'", "'tumor'", "/missing_R2.fastq.gz", "at most one normal"]:
        assert fragment in run.output


def test_truncated_fastq_fails_its_first_job_and_leaves_no_finished_output(truncated_fastq_run):
    run, damaged = truncated_fastq_run
    assert run.returncode != 0
    assert f"FASTQ {damaged} is truncated or corrupt" in run.output
    results = run.outdir / "results" / "DEMO"
    assert not (results / "report").exists()
    assert not (results / "align" / "DEMO-T.bam").exists()
    assert not (results / "calls").exists()
    assert not list((results / "qc").glob("*.fastp.json")) if (results / "qc").exists() else True
