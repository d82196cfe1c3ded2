"""The sample sheet: schema per row, checks across rows, cheap FASTQ checks, one error."""

from __future__ import annotations

import gzip
import math
from pathlib import Path

import pytest
import yaml
from conftest import REPO
from jsonschema import Draft202012Validator

from presis.errors import InputError
from presis.inputs import samplesheet
from presis.inputs.fastq import fastq_problem

HEADER = ["patient", "sample", "type", "lane", "fastq_1", "fastq_2", "tumour_type", "purity", "sex"]
RECORD = b"@read1/1\nACGTACGTAC\n+\nIIIIIIIIII\n"


def write_fastq(path: Path, content: bytes = RECORD * 3) -> Path:
    path.write_bytes(gzip.compress(content))
    return path


def tumour_row(**changes: str) -> dict[str, str]:
    row = {
        "patient": "P1",
        "sample": "P1-T",
        "type": "tumour",
        "lane": "L001",
        "fastq_1": "P1-T_R1.fastq.gz",
        "fastq_2": "P1-T_R2.fastq.gz",
        "tumour_type": "LUAD",
        "purity": "0.6",
        "sex": "female",
    }
    return {**row, **changes}


def normal_row(**changes: str) -> dict[str, str]:
    row = tumour_row(sample="P1-N", type="normal", fastq_1="P1-N_R1.fastq.gz", fastq_2="P1-N_R2.fastq.gz")
    return {**row, **changes}


def write_sheet(folder: Path, rows: list[dict[str, str]], header: list[str] = HEADER, create: bool = True) -> Path:
    """A TSV in ``folder``; with ``create``, every FASTQ it names that is not there yet is made valid."""
    if create:
        for row in rows:
            for column in ("fastq_1", "fastq_2"):
                name = row.get(column, "")
                if name.endswith(".gz") and not (folder / name).exists():
                    write_fastq(folder / name)
    lines = ["\t".join(header)] + ["\t".join(row.get(column, "") for column in header) for row in rows]
    sheet = folder / "samples.tsv"
    sheet.write_text("\n".join(lines) + "\n")
    return sheet


def problems_of(sheet: Path, check_files: bool = True) -> list[str]:
    with pytest.raises(InputError) as caught:
        samplesheet.load_sheet(sheet, check_files=check_files)
    assert caught.value.source == str(sheet)
    return caught.value.problems


def only_problem(sheet: Path) -> str:
    problems = problems_of(sheet)
    assert len(problems) == 1, problems
    return problems[0]


# --------------------------------------------------------------------------- good sheets


def test_demo_sheet_loads_with_absolute_existing_fastqs():
    sheet = samplesheet.load_sheet(REPO / "config" / "samples.tsv")
    assert list(sheet.columns) == samplesheet.COLUMNS
    assert sheet["patient"].tolist() == ["DEMO", "DEMO"]
    assert sheet["sample"].tolist() == ["DEMO-T", "DEMO-N"]
    assert sheet["type"].tolist() == ["tumour", "normal"]
    assert sheet["lane"].tolist() == ["L001", "L001"]
    for path in sheet["fastq_1"].tolist() + sheet["fastq_2"].tolist():
        assert Path(path).is_absolute() and Path(path).is_file()
    assert samplesheet.patient_info(sheet, "DEMO") == {
        "tumour_type": "LUAD",
        "purity": None,
        "sex": None,
        "germline_consent": "no",
    }


def test_tumour_only_demo_sheet_has_no_normal():
    sheet = samplesheet.load_sheet(REPO / "config" / "samples.tumour-only.tsv")
    assert samplesheet.patients(sheet) == ["DEMO"]
    assert samplesheet.tumour_sample(sheet, "DEMO") == "DEMO-T"
    assert samplesheet.normal_sample(sheet, "DEMO") is None


def test_lookups_and_patient_values_shared_across_rows(tmp_path):
    rows = [
        tumour_row(purity="", sex=""),
        tumour_row(lane="L002", fastq_1="P1-T_L2_R1.fastq.gz", fastq_2="P1-T_L2_R2.fastq.gz", purity="0.60", sex=""),
        normal_row(tumour_type="", purity="", sex="male"),
        tumour_row(patient="P0", sample="P0-T", fastq_1="P0_R1.fastq.gz", fastq_2="P0_R2.fastq.gz", purity="", sex=""),
    ]
    sheet = samplesheet.load_sheet(write_sheet(tmp_path, rows))
    assert samplesheet.patients(sheet) == ["P0", "P1"]
    assert samplesheet.lanes(sheet, "P1-T") == ["L001", "L002"]
    assert samplesheet.tumour_sample(sheet, "P1") == "P1-T"
    assert samplesheet.normal_sample(sheet, "P1") == "P1-N"
    assert samplesheet.normal_sample(sheet, "P0") is None
    # Given on one row, a patient value is the patient's on every row.
    assert samplesheet.patient_info(sheet, "P1") == {
        "tumour_type": "LUAD",
        "purity": 0.6,
        "sex": "male",
        "germline_consent": "no",
    }
    assert sheet.loc[sheet["sample"] == "P1-N", "tumour_type"].tolist() == ["LUAD"]
    assert samplesheet.patient_info(sheet, "P0")["purity"] is None
    assert math.isnan(sheet.loc[sheet["patient"] == "P0", "purity"].iloc[0])
    with pytest.raises(ValueError, match="not in the sample sheet"):
        samplesheet.lanes(sheet, "nobody")


@pytest.mark.parametrize("lane_column", ["absent", "empty"])
def test_lane_defaults_to_L001(tmp_path, lane_column):
    header = [c for c in HEADER if c != "lane"] if lane_column == "absent" else HEADER
    sheet = samplesheet.load_sheet(write_sheet(tmp_path, [tumour_row(lane="")], header))
    assert sheet["lane"].tolist() == ["L001"]


def test_germline_consent_defaults_to_no_and_is_per_patient(tmp_path):
    header = HEADER + ["germline_consent"]
    sheet = samplesheet.load_sheet(write_sheet(tmp_path, [tumour_row(germline_consent="yes"), normal_row()], header))
    assert sheet["germline_consent"].tolist() == ["yes", "yes"]
    sheet = samplesheet.load_sheet(write_sheet(tmp_path, [tumour_row()]))
    assert sheet["germline_consent"].tolist() == ["no"]


def test_relative_paths_resolve_against_the_sheet_folder_and_absolute_paths_stay(tmp_path):
    reads = tmp_path / "reads"
    reads.mkdir()
    r2 = write_fastq(tmp_path / "elsewhere_R2.fastq.gz")
    folder = tmp_path / "sheets"
    folder.mkdir()
    write_fastq(reads / "T_R1.fastq.gz")
    sheet = samplesheet.load_sheet(write_sheet(folder, [tumour_row(fastq_1="../reads/T_R1.fastq.gz", fastq_2=str(r2))]))
    assert sheet["fastq_1"].tolist() == [str(reads / "T_R1.fastq.gz")]
    assert sheet["fastq_2"].tolist() == [str(r2)]


def test_check_files_false_does_not_open_fastqs(tmp_path):
    sheet = write_sheet(tmp_path, [tumour_row()], create=False)
    loaded = samplesheet.load_sheet(sheet, check_files=False)
    assert loaded["fastq_1"].tolist() == [str(tmp_path / "P1-T_R1.fastq.gz")]


def test_windows_line_ends_and_byte_order_mark_are_read(tmp_path):
    sheet = write_sheet(tmp_path, [tumour_row(), normal_row()])
    sheet.write_bytes(b"\xef\xbb\xbf" + sheet.read_bytes().replace(b"\n", b"\r\n"))
    assert samplesheet.load_sheet(sheet)["sex"].tolist() == ["female", "female"]


def test_blank_lines_are_skipped_but_lines_still_counted(tmp_path):
    sheet = write_sheet(tmp_path, [tumour_row(), normal_row(type="tumor")])
    sheet.write_text(sheet.read_text().replace("\n", "\n\n", 1))
    assert "row 2 (line 4), column type" in only_problem(sheet)


def test_schema_is_valid_and_its_name_pattern_is_the_one_explained():
    schema = yaml.safe_load((REPO / "config" / "schemas" / "samples.schema.yaml").read_text())
    Draft202012Validator.check_schema(schema)
    assert schema["$defs"]["name"]["pattern"] == samplesheet.NAME_PATTERN


# --------------------------------------------------------------------------- one bad row


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param(
            {"type": "tumor"},
            [
                "row 1 (line 2), column type",
                "'tumor' is not one of tumour, normal",
                "did you mean 'tumour'?",
                "write tumour, normal or rna",
            ],
            id="type-tumor",
        ),
        pytest.param(
            {"patient": "P1;rm"},
            [
                "row 1 (line 2), column patient",
                "'P1;rm' contains ';'",
                "use only letters A–Z a–z, digits 0–9 and . _ -",
            ],
            id="name-semicolon",
        ),
        pytest.param(
            {"sample": "P1 T"},
            [
                "row 1 (line 2), column sample",
                "'P1 T' contains a space",
                "use only letters A–Z a–z, digits 0–9 and . _ -",
            ],
            id="name-space",
        ),
        pytest.param(
            {"sample": "../P1-T"},
            ["row 1 (line 2), column sample", "contains '/'", "use only letters"],
            id="name-slash",
        ),
        pytest.param(
            {"lane": "-L1"},
            ["row 1 (line 2), column lane", "starts with '-'", "starting with a letter or digit"],
            id="lane-leading-dash",
        ),
        pytest.param(
            {"tumour_type": ""},
            ["row 1 (line 2), column tumour_type", "is empty, but it is required on a tumour row", "OncoTree code"],
            id="tumour-type-missing",
        ),
        pytest.param(
            {"tumour_type": "luad"},
            ["row 1 (line 2), column tumour_type", "did you mean 'LUAD'?", "upper case"],
            id="tumour-type-lower-case",
        ),
        pytest.param(
            {"purity": "60"},
            ["row 1 (line 2), column purity", "60 is above 1", "e.g. 0.6 for 60 %"],
            id="purity-percent",
        ),
        pytest.param({"purity": "0"}, ["column purity", "0 is not above 0", "a fraction above 0"], id="purity-zero"),
        pytest.param(
            {"purity": "high"}, ["column purity", "'high' is not a number", "leave the cell empty"], id="purity-text"
        ),
        pytest.param({"purity": "nan"}, ["column purity", "'nan' is not a number"], id="purity-nan"),
        pytest.param(
            {"sex": "F"}, ["column sex", "did you mean 'female'?", "female, male or unknown"], id="sex-letter"
        ),
        pytest.param(
            {"fastq_1": "P1-T_R1.fastq"},
            ["row 1 (line 2), column fastq_1", "'P1-T_R1.fastq' does not end in .gz", "gzip or bgzip"],
            id="fastq-not-gz-name",
        ),
        pytest.param(
            {"fastq_1": "absent_R1.fastq.gz"},
            ["row 1 (line 2), column fastq_1", "file not found:", "absent_R1.fastq.gz", "correct the path"],
            id="fastq-missing",
        ),
        pytest.param(
            {"fastq_2": "P1-T_R1.fastq.gz"},
            ["row 1 (line 2), column fastq_2", "the same file as fastq_1", "P1-T_R1.fastq.gz", "read-2 file"],
            id="fastq-1-equals-2",
        ),
    ],
)
def test_a_bad_cell_is_named_with_its_fix(tmp_path, changes, expected):
    sheet = write_sheet(tmp_path, [tumour_row(**changes), normal_row()])
    (tmp_path / "absent_R1.fastq.gz").unlink(missing_ok=True)
    problem = only_problem(sheet)
    for text in expected:
        assert text in problem


def test_every_schema_problem_of_a_row_is_listed(tmp_path):
    problems = problems_of(write_sheet(tmp_path, [tumour_row(type="tumor", purity="2", sex="x", lane="L 1")]))
    assert [p.split(":")[0] for p in problems] == [
        "row 1 (line 2), column type",
        "row 1 (line 2), column lane",
        "row 1 (line 2), column purity",
        "row 1 (line 2), column sex",
    ]


def test_consent_synonym_is_suggested(tmp_path):
    header = HEADER + ["germline_consent"]
    assert "did you mean 'yes'?" in only_problem(write_sheet(tmp_path, [tumour_row(germline_consent="Y")], header))


# --------------------------------------------------------------------------- across rows


def extra_files(**changes: str) -> dict[str, str]:
    """Row changes with FASTQ names of their own, so only the intended check fires."""
    name = "_".join(changes.values()).replace("/", "")
    return {"fastq_1": f"{name}_R1.fastq.gz", "fastq_2": f"{name}_R2.fastq.gz", **changes}


@pytest.mark.parametrize(
    ("third_row", "expected"),
    [
        pytest.param(
            tumour_row(**extra_files(purity="0.6")),
            ["row 3 (line 4), column lane", "sample P1-T lane L001 is already on row 1 (line 2)", "own lane name"],
            id="duplicate-sample-lane",
        ),
        pytest.param(
            tumour_row(**extra_files(lane="")),
            ["row 3 (line 4), column lane", "(an empty lane means L001) is already on row 1 (line 2)"],
            id="duplicate-by-default-lane",
        ),
        pytest.param(
            normal_row(**extra_files(sample="P1-N2")),
            [
                "row 3 (line 4), column sample",
                "patient P1 already has normal sample P1-N on row 2 (line 3)",
                "at most one normal",
            ],
            id="two-normals",
        ),
        pytest.param(
            tumour_row(**extra_files(patient="P2", lane="L002")),
            [
                "row 3 (line 4), column patient",
                "sample P1-T is under patient P2 here but under P1 on row 1 (line 2)",
                "belongs to one patient",
            ],
            id="sample-in-two-patients",
        ),
        pytest.param(
            normal_row(**extra_files(sample="P1-T", lane="L002")),
            ["row 3 (line 4), column type", "sample P1-T is normal here but tumour on row 1 (line 2)", "one type"],
            id="sample-with-two-types",
        ),
        pytest.param(
            normal_row(**extra_files(sample="P1-T", type="tumour", lane="L002", tumour_type="COAD")),
            ["row 3 (line 4), column tumour_type", "'COAD' differs from 'LUAD' on row 1 (line 2)", "same value"],
            id="tumour-type-differs",
        ),
        pytest.param(
            tumour_row(**extra_files(lane="L002", purity="0.5")),
            ["row 3 (line 4), column purity", "'0.5' differs from '0.6'", "patient P1"],
            id="purity-differs",
        ),
        pytest.param(
            tumour_row(lane="L002", fastq_1="P1-N_R1.fastq.gz", fastq_2="other_R2.fastq.gz"),
            [
                "row 3 (line 4), column fastq_1",
                "P1-N_R1.fastq.gz is already used on row 2 (line 3), column fastq_1",
                "one row",
            ],
            id="fastq-on-two-rows",
        ),
    ],
)
def test_a_conflict_between_rows_is_named(tmp_path, third_row, expected):
    problem = only_problem(write_sheet(tmp_path, [tumour_row(), normal_row(), third_row]))
    for text in expected:
        assert text in problem


def test_a_patient_with_only_a_normal_is_germline_only(tmp_path):
    rows = [tumour_row(), normal_row(patient="P2", sample="P2-N", tumour_type="", purity="", sex="")]
    sheet = samplesheet.load_sheet(write_sheet(tmp_path, rows))
    assert samplesheet.patients(sheet) == ["P1", "P2"]
    assert samplesheet.tumour_sample(sheet, "P2") is None
    assert samplesheet.normal_sample(sheet, "P2") == "P2-N"
    assert samplesheet.patient_info(sheet, "P2")["tumour_type"] is None


def test_a_symlink_to_a_used_fastq_counts_as_the_same_file(tmp_path):
    write_fastq(tmp_path / "P1-T_R1.fastq.gz")
    (tmp_path / "link_R1.fastq.gz").symlink_to(tmp_path / "P1-T_R1.fastq.gz")
    problem = only_problem(write_sheet(tmp_path, [tumour_row(), normal_row(fastq_1="link_R1.fastq.gz")]))
    assert "is already used on row 1 (line 2), column fastq_1" in problem


# --------------------------------------------------------------------------- the FASTQ files


def damaged(kind: str, path: Path) -> None:
    """Replace a valid FASTQ by a damaged one of ``kind``."""
    data = gzip.compress(RECORD * 50)
    if kind == "plain":
        path.write_bytes(RECORD)
    elif kind == "truncated":
        path.write_bytes(data[:30])
    elif kind == "corrupt":
        path.write_bytes(data[:12] + bytes(range(256)) * 2)
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "no-reads":
        path.write_bytes(gzip.compress(b""))
    elif kind == "fasta":
        path.write_bytes(gzip.compress(b">chr1\nACGT\nACGT\nACGT\n"))
    elif kind == "quality-length":
        path.write_bytes(gzip.compress(b"@r\nACGT\n+\nIII\n"))
    elif kind == "folder":
        path.unlink()
        path.mkdir()


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("plain", ["is not gzip-compressed", "compress it with gzip or bgzip"]),
        ("truncated", ["the first read cannot be decompressed", "truncated or corrupt", "copy the file again"]),
        ("corrupt", ["the first read cannot be decompressed", "truncated or corrupt", "copy the file again"]),
        ("empty", ["is empty (0 bytes)", "copy the file again"]),
        ("no-reads", ["holds no reads", "copy the file again"]),
        ("fasta", ["not a FASTQ header", "'>chr1'", "is this a FASTQ file?"]),
        ("quality-length", ["4 bases but 3 quality characters", "corrupt"]),
        ("folder", ["is not a regular file", "name the FASTQ file itself"]),
    ],
)
def test_a_damaged_fastq_is_named_with_its_fix(tmp_path, kind, expected):
    sheet = write_sheet(tmp_path, [tumour_row(), normal_row()])
    damaged(kind, tmp_path / "P1-N_R2.fastq.gz")
    problem = only_problem(sheet)
    assert problem.startswith(f"row 2 (line 3), column fastq_2: {tmp_path / 'P1-N_R2.fastq.gz'}")
    for text in expected:
        assert text in problem


def test_fastq_check_reads_only_the_first_record(tmp_path):
    # A file damaged after its first record passes here; gzip -t in qc_fastp catches it.
    data = gzip.compress(RECORD + b"X" * 100_000)
    path = tmp_path / "late_R1.fastq.gz"
    path.write_bytes(data[: len(data) // 2])
    assert fastq_problem(path) is None


# --------------------------------------------------------------------------- the table itself


def test_a_line_with_the_wrong_number_of_fields_is_named(tmp_path):
    sheet = write_sheet(tmp_path, [tumour_row(), normal_row()])
    lines = sheet.read_text().splitlines()
    lines[2] = lines[2].rsplit("\t", 1)[0]  # the normal row loses its last tab
    sheet.write_text("\n".join(lines) + "\n")
    problem = only_problem(sheet)
    assert problem.startswith("row 2 (line 3): 8 tab-separated fields, but the header has 9")
    assert "every cell needs its tab" in problem


def test_an_unknown_column_is_named_with_the_allowed_ones(tmp_path):
    rows = [tumour_row(purty="0.5")]
    problem = only_problem(write_sheet(tmp_path, rows, HEADER + ["purty"]))
    assert "header (line 1), column 'purty': not a sample-sheet column (did you mean 'purity'?)" in problem
    assert (
        "the columns are: patient, sample, type, lane, fastq_1, fastq_2, tumour_type, purity, sex, germline_consent"
        in problem
    )


def test_a_missing_required_column_is_named_once(tmp_path):
    header = [c for c in HEADER if c != "fastq_2"]
    problem = only_problem(write_sheet(tmp_path, [tumour_row(), normal_row()], header))
    assert problem.startswith("header (line 1): the required column fastq_2 is missing — add it")


def test_a_repeated_column_is_named(tmp_path):
    problem = only_problem(write_sheet(tmp_path, [tumour_row()], HEADER + ["sex"]))
    assert "column sex: appears 2 times — keep one" in problem


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(None, "the sample sheet does not exist", id="missing"),
        pytest.param("", "the sheet is empty", id="empty"),
        pytest.param("\n \n", "the sheet is empty", id="blank"),
        pytest.param("\t".join(HEADER) + "\n", "has a header (line 1) but no rows", id="header-only"),
        pytest.param(",".join(HEADER) + "\n", "must be tab-separated", id="comma-separated"),
        pytest.param("P1\tP1-T\ttumour\n", "the first line is not a header", id="no-header"),
        pytest.param(b"patient\tsample\n\xff\xfe\n", "not UTF-8 text", id="not-utf8"),
    ],
)
def test_an_unreadable_sheet_is_one_clear_problem(tmp_path, content, expected):
    sheet = tmp_path / "samples.tsv"
    if isinstance(content, bytes):
        sheet.write_bytes(content)
    elif content is not None:
        sheet.write_text(content)
    assert expected in only_problem(sheet)


def test_five_mistakes_are_listed_in_one_error(tmp_path):
    rows = [
        tumour_row(type="tumor"),  # 1: unknown type
        normal_row(sample="P1;N"),  # 2: a name with ';'
        tumour_row(patient="P2", sample="P2-T", fastq_1="gone_R1.fastq.gz", fastq_2="P2_R2.fastq.gz"),  # 3: no file
        tumour_row(patient="P3", sample="P3-T", fastq_1="P3_R1.fastq.gz", fastq_2="P3_R2.fastq.gz", purity="1.5"),  # 4
        tumour_row(patient="P3", sample="P3-T", fastq_1="P3b_R1.fastq.gz", fastq_2="P3b_R2.fastq.gz"),  # 5: dup lane
    ]
    sheet = write_sheet(tmp_path, rows)
    (tmp_path / "gone_R1.fastq.gz").unlink()
    problems = problems_of(sheet)
    assert len(problems) == 5, problems
    text = "\n".join(problems)
    for expected in [
        "row 1 (line 2), column type: 'tumor'",
        "row 2 (line 3), column sample: 'P1;N' contains ';'",
        "row 3 (line 4), column fastq_1: file not found:",
        "row 4 (line 5), column purity: 1.5 is above 1",
        "row 5 (line 6), column lane: sample P3-T lane L001 is already on row 4 (line 5)",
    ]:
        assert expected in text
