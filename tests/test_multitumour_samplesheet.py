"""Sample sheet: several tumour samples of one patient (a primary and a relapse) sharing the
patient's normal; purity per tumour sample; an RNA row naming its tumour."""

from __future__ import annotations

import math

import pytest
from test_samplesheet import HEADER, normal_row, only_problem, problems_of, tumour_row, write_sheet

from presis.inputs import samplesheet

COLUMNS = [*HEADER, "tumour_sample"]


def relapse(**changes: str) -> dict[str, str]:
    return tumour_row(**{"sample": "P1-R", "fastq_1": "P1-R_R1.fastq.gz", "fastq_2": "P1-R_R2.fastq.gz", **changes})


def rna(**changes: str) -> dict[str, str]:
    row = tumour_row(sample="P1-RNA", type="rna", fastq_1="P1-RNA_R1.fastq.gz", fastq_2="P1-RNA_R2.fastq.gz")
    return {**row, "purity": "", **changes}


def primary_relapse_normal(**normal: str) -> list[dict[str, str]]:
    return [tumour_row(purity="0.7"), relapse(purity="0.4"), normal_row(**{"purity": "", **normal})]


def test_a_primary_and_a_relapse_share_the_normal_each_with_its_own_purity(tmp_path):
    rows = [
        *primary_relapse_normal(),
        relapse(purity="0.4", lane="L002", fastq_1="P1-R_L2_R1.fastq.gz", fastq_2="P1-R_L2_R2.fastq.gz"),
        rna(tumour_sample="P1-R"),
    ]
    sheet = samplesheet.load_sheet(write_sheet(tmp_path, rows, COLUMNS))
    assert samplesheet.tumour_samples(sheet, "P1") == ["P1-T", "P1-R"]
    assert samplesheet.normal_sample(sheet, "P1") == "P1-N"
    # Several tumours: each is an analysis of its own, named after the tumour sample.
    assert samplesheet.analysis_units(sheet, "P1") == {"P1-T": "P1-T", "P1-R": "P1-R"}
    assert samplesheet.patient_info(sheet, "P1", "P1-T")["purity"] == 0.7
    assert samplesheet.patient_info(sheet, "P1", "P1-R")["purity"] == 0.4
    assert samplesheet.rna_sample(sheet, "P1", "P1-R") == "P1-RNA"
    assert samplesheet.rna_sample(sheet, "P1", "P1-T") is None
    # The RNA row carries its tumour's purity; the shared normal carries none.
    by_sample = sheet.drop_duplicates("sample").set_index("sample")
    assert by_sample.loc["P1-RNA", ["tumour_sample", "purity"]].tolist() == ["P1-R", 0.4]
    assert by_sample.loc["P1-N", "tumour_sample"] == "" and math.isnan(by_sample.loc["P1-N", "purity"])
    with pytest.raises(ValueError, match="'P1' is not an analysis of patient P1"):
        samplesheet.unit_tumour(sheet, "P1", "P1")


def test_one_tumour_keeps_the_patient_as_its_analysis_and_old_sheets_load(tmp_path):
    # Today's sheet: purity on the normal row, RNA without tumour_sample, no tumour_sample column.
    rows = [tumour_row(purity=""), normal_row(purity="0.6"), rna()]
    sheet = samplesheet.load_sheet(write_sheet(tmp_path, rows))
    assert samplesheet.analysis_units(sheet, "P1") == {"P1": "P1-T"}
    assert samplesheet.unit_tumour(sheet, "P1", "P1") == "P1-T"
    assert samplesheet.patient_info(sheet, "P1", "P1-T")["purity"] == 0.6
    assert samplesheet.rna_sample(sheet, "P1", "P1-T") == samplesheet.rna_sample(sheet, "P1") == "P1-RNA"


def test_rna_only_and_germline_only_patients(tmp_path):
    rows = [rna(patient="P2", sample="P2-RNA"), normal_row(patient="P3", sample="P3-N")]
    sheet = samplesheet.load_sheet(write_sheet(tmp_path, rows))
    assert samplesheet.analysis_units(sheet, "P2") == {"P2": None}
    assert samplesheet.analysis_units(sheet, "P3") == {}


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        pytest.param(
            [*primary_relapse_normal(), rna()],
            [
                "row 4 (line 5), column tumour_sample",
                "is empty, but patient P1 has several tumour samples (P1-T, P1-R)",
                "name the tumour sample this RNA comes from",
            ],
            id="rna-of-several-tumours-names-none",
        ),  # fmt: skip
        pytest.param(
            [*primary_relapse_normal(), rna(tumour_sample="P2-T")],
            [
                "row 4 (line 5), column tumour_sample",
                "'P2-T' is not a tumour sample of patient P1",
                "its tumour samples are P1-T, P1-R",
                "as written in the sample column",
            ],
            id="rna-names-a-tumour-of-nobody",
        ),  # fmt: skip
        pytest.param(
            [tumour_row(), rna(tumour_sample="P1-N")],
            ["row 2 (line 3), column tumour_sample", "'P1-N' is not a tumour sample of patient P1"],
            id="rna-names-a-sample-that-is-no-tumour",
        ),
        pytest.param(
            [rna(tumour_sample="P1-T")],
            ["row 1 (line 2), column tumour_sample", "it has no tumour sample in this sheet"],
            id="rna-only-patient-names-a-tumour",
        ),
        pytest.param(
            [tumour_row(), normal_row(tumour_sample="P1-T")],
            ["row 2 (line 3), column tumour_sample", "given on a normal row", "leave it empty here"],
            id="tumour-sample-on-a-normal-row",
        ),
        pytest.param(
            [*primary_relapse_normal()[:2], normal_row(purity="0.6")],
            [
                "row 3 (line 4), column purity",
                "purity on a normal row, but patient P1 has several tumour samples",
                "give each tumour's purity on that tumour sample's own rows",
            ],
            id="purity-of-several-tumours-on-the-normal",
        ),  # fmt: skip
        pytest.param(
            [
                *primary_relapse_normal(),
                relapse(purity="0.5", lane="L002", fastq_1="P1-R_L2_R1.fastq.gz", fastq_2="P1-R_L2_R2.fastq.gz"),
            ],
            [
                "row 4 (line 5), column purity",
                "'0.5' differs from '0.4' on row 2 (line 3)",
                "describes sample P1-R",
                "on each of its rows (lanes)",
            ],
            id="purity-differs-between-lanes-of-one-tumour",
        ),  # fmt: skip
        pytest.param(
            [
                *primary_relapse_normal(),
                rna(tumour_sample="P1-R"),
                rna(sample="P1-RNA2", tumour_sample="P1-R", fastq_1="x_R1.fastq.gz", fastq_2="x_R2.fastq.gz"),
            ],
            [
                "row 5 (line 6), column sample",
                "already has rna sample P1-RNA of tumour P1-R on row 4 (line 5)",
                "at most one tumour RNA sample",
            ],
            id="two-rna-samples-of-one-tumour",
        ),  # fmt: skip
        pytest.param(
            [
                tumour_row(),
                normal_row(purity=""),
                normal_row(sample="P1-N2", fastq_1="n2_R1.fastq.gz", fastq_2="n2_R2.fastq.gz", purity=""),
            ],
            [
                "row 3 (line 4), column sample",
                "already has normal sample P1-N",
                "shared by all of the patient's tumour samples",
            ],
            id="two-normals",
        ),  # fmt: skip
    ],
)
def test_a_bad_multi_tumour_sheet_is_named_by_row(tmp_path, rows, expected):
    problem = only_problem(write_sheet(tmp_path, rows, COLUMNS))
    for text in expected:
        assert text in problem


def test_one_rna_sample_per_tumour_is_fine_and_all_problems_come_together(tmp_path):
    rows = [
        *primary_relapse_normal(),
        rna(tumour_sample="P1-T"),
        rna(sample="P1-RNA2", tumour_sample="P1-R", fastq_1="r2_R1.fastq.gz", fastq_2="r2_R2.fastq.gz"),
    ]
    sheet = samplesheet.load_sheet(write_sheet(tmp_path, rows, COLUMNS))
    assert samplesheet.rna_sample(sheet, "P1", "P1-T") == "P1-RNA"
    assert samplesheet.rna_sample(sheet, "P1", "P1-R") == "P1-RNA2"
    bad = [
        *primary_relapse_normal(purity="0.5"),
        rna(),
        rna(sample="X", tumour_sample="nope", fastq_1="y_R1.fastq.gz", fastq_2="y_R2.fastq.gz"),
    ]
    problems = problems_of(write_sheet(tmp_path, bad, COLUMNS))
    assert [p.split(":")[0] for p in problems] == [
        "row 3 (line 4), column purity",
        "row 4 (line 5), column tumour_sample",
        "row 5 (line 6), column tumour_sample",
    ]
