"""Sample sheet: tumour RNA rows (type rna) beside DNA rows, or alone."""

from __future__ import annotations

from test_samplesheet import only_problem, tumour_row, write_sheet

from presis.cli import main
from presis.inputs import samplesheet


def rna_row(**changes: str) -> dict[str, str]:
    row = tumour_row(sample="P1-R", type="rna", fastq_1="P1-R_R1.fastq.gz", fastq_2="P1-R_R2.fastq.gz")
    return {**row, **changes}


def test_dna_and_rna_patient_and_rna_only_patient(tmp_path):
    rows = [
        tumour_row(),
        rna_row(),
        rna_row(patient="P2", sample="P2-R", fastq_1="P2-R_R1.fastq.gz", fastq_2="P2-R_R2.fastq.gz"),
    ]
    sheet = samplesheet.load_sheet(write_sheet(tmp_path, rows))
    assert samplesheet.rna_sample(sheet, "P1") == "P1-R"
    assert samplesheet.tumour_sample(sheet, "P1") == "P1-T"
    assert samplesheet.rna_sample(sheet, "P2") == "P2-R"
    assert samplesheet.tumour_sample(sheet, "P2") is None
    assert samplesheet.patient_info(sheet, "P2")["tumour_type"] == "LUAD"


def test_rna_row_needs_the_tumour_type(tmp_path):
    problem = only_problem(write_sheet(tmp_path, [rna_row(tumour_type="")]))
    assert "row 1 (line 2), column tumour_type" in problem
    assert "required on an rna row" in problem


def test_rna_synonym_is_suggested(tmp_path):
    problem = only_problem(write_sheet(tmp_path, [rna_row(type="RNA-seq")]))
    assert "did you mean 'rna'?" in problem


def test_second_rna_sample_of_a_patient_is_refused(tmp_path):
    rows = [rna_row(), rna_row(sample="P1-R2", fastq_1="b_R1.fastq.gz", fastq_2="b_R2.fastq.gz")]
    problem = only_problem(write_sheet(tmp_path, rows))
    assert "patient P1 already has rna sample P1-R" in problem
    assert "at most one tumour RNA sample" in problem


def test_presis_validate_accepts_an_rna_only_sheet(tmp_path, capsys):
    sheet = write_sheet(tmp_path, [rna_row(patient="P9", sample="P9-R")])
    assert main(["validate", str(sheet)]) == 0
    assert "OK — 1 patient, 1 sample" in capsys.readouterr().out
