"""The sample sheet: one TSV row per sample and lane, checked before anything runs.

Every problem is gathered first — the table's shape and header, each row against
config/schemas/samples.schema.yaml, the checks across rows, the FASTQ files — and then
reported in ONE InputError, so a user fixes them all in one go. Row messages read

    row N (line L), column C: <what is wrong> — <how to fix>

where N counts data rows from 1 and L counts lines of the file (the header is line 1).

The Snakefile loads the sheet for every cluster job: the FASTQ checks read only the
first record of each file (presis.inputs.fastq).
"""

from __future__ import annotations

import csv
import difflib
import math
import os
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from jsonschema import Draft202012Validator, ValidationError

from presis.errors import InputError
from presis.inputs import fastq

SCHEMA_FILE = Path(__file__).resolve().parents[4] / "config" / "schemas" / "samples.schema.yaml"

# Columns of the DataFrame load_sheet returns, in this order.
COLUMNS = [
    "patient",
    "sample",
    "type",
    "lane",
    "fastq_1",
    "fastq_2",
    "tumour_type",
    "purity",
    "sex",
    "germline_consent",
    "tumour_sample",
]
NAME_COLUMNS = ("patient", "sample", "lane")
FASTQ_COLUMNS = ("fastq_1", "fastq_2")
# Properties of the patient, not of one sample: must agree across the patient's rows.
PATIENT_COLUMNS = ("tumour_type", "sex", "germline_consent")
# Properties of one sample: must agree across the sample's rows (its lanes). Purity is the tumour
# sample's (a primary and a relapse differ); with one tumour it may stand on any of the patient's
# rows, as before several tumours per patient were possible.
SAMPLE_COLUMNS = ("purity", "tumour_sample")
DEFAULT_LANE = "L001"
DEFAULT_CONSENT = "no"
# Mirrors $defs/name in the schema (a test keeps them equal); used to name the bad characters.
NAME_PATTERN = "^[A-Za-z0-9][A-Za-z0-9._-]*$"
NAME_CHARACTER = re.compile("[A-Za-z0-9._-]")
CHARACTER_NAMES = {" ": "a space", "\t": "a tab", "\u00a0": "a no-break space"}


@dataclass(frozen=True)
class Row:
    """One data row as written: every header column's text, empty cells as ''."""

    number: int  # 1-based among data rows
    line: int  # line in the file, the header included
    values: dict[str, str]

    def get(self, column: str) -> str:
        return self.values.get(column, "")

    @property
    def lane(self) -> str:
        return self.get("lane") or DEFAULT_LANE

    def where(self, column: str) -> str:
        return f"row {self.number} (line {self.line}), column {column}"

    def at(self) -> str:
        return f"row {self.number} (line {self.line})"


# Row number -> columns whose value failed a check: later checks leave those cells
# alone, so one mistake gives one message rather than a cascade.
Invalid = defaultdict[int, set[str]]


# --------------------------------------------------------------------------- loading


def load_sheet(path: str | Path, check_files: bool = True) -> pd.DataFrame:
    """The validated sheet: one row per (sample, lane) in file order.

    Columns: patient, sample, type, lane (L001 when not given), fastq_1, fastq_2 (absolute
    paths), tumour_type, purity (float, NaN when not given), sex ('' when not given),
    germline_consent ('yes'/'no', default 'no'), tumour_sample. The patient columns tumour_type,
    sex and germline_consent hold the patient's value on each of the patient's rows.
    tumour_sample is the tumour sample a row belongs to: a tumour row's own sample, an rna row's
    named (or the patient's only) tumour, '' on normal rows; purity is that tumour's purity
    (on normal rows: the only tumour's, NaN when the patient has several).
    ``check_files=False`` skips opening the FASTQs (their paths are still checked).

    Raises one InputError (source: the sheet path) listing every problem found.
    """
    path = Path(path)
    schema = load_schema()
    header_line, header, records = read_records(path, schema)
    problems = header_problems(header_line, header, schema)
    invalid: Invalid = defaultdict(set)
    rows, shape = parse_rows(header, records, invalid)
    problems += shape
    problems += row_problems(rows, header, schema, invalid)
    problems += cross_row_problems(rows, invalid)
    folder = path.absolute().parent
    problems += path_problems(rows, invalid, folder)
    if check_files:
        problems += file_problems(rows, invalid, folder)
    if problems:
        raise InputError(problems, str(path))
    return to_frame(rows, folder)


def load_schema() -> dict:
    with open(SCHEMA_FILE) as handle:
        return yaml.safe_load(handle)


def read_records(path: Path, schema: dict) -> tuple[int, list[str], list[tuple[int, list[str]]]]:
    """(header line number, header, [(line number, fields)] of the data lines).

    Blank lines are skipped (spreadsheets leave them at the end). Raises InputError when
    the file cannot be read as a table at all.
    """
    records = read_lines(path)
    if not records:
        raise InputError(
            "the sheet is empty — it needs a header line (patient, sample, type, fastq_1, fastq_2, …) "
            "and one tab-separated row per sample and lane",
            str(path),
        )
    (header_line, header), data = records[0], records[1:]
    problem = header_shape_problem(header_line, header, schema)
    if problem:
        raise InputError(problem, str(path))
    if not data:
        raise InputError(
            f"the sheet has a header (line {header_line}) but no rows — add one row per sample and lane", str(path)
        )
    return header_line, header, data


def read_lines(path: Path) -> list[tuple[int, list[str]]]:
    """Tab-separated fields of each non-blank line, with its line number."""
    reader = None
    try:
        # utf-8-sig: spreadsheet exports may start with a byte-order mark, which would
        # otherwise become part of the first column's name. QUOTE_NONE: a quote is an
        # ordinary (and, in names, refused) character, never a field spanning lines.
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE, strict=True)
            return [(reader.line_num, fields) for fields in reader if any(field.strip() for field in fields)]
    except FileNotFoundError:
        raise InputError(
            f"the sample sheet does not exist — check the path (a relative path is read from {Path.cwd()})", str(path)
        ) from None
    except IsADirectoryError:
        raise InputError("this is a folder, not a sample sheet — name the TSV file", str(path)) from None
    except UnicodeDecodeError as error:
        raise InputError(
            f"the sheet is not UTF-8 text (byte {error.start}) — save it as UTF-8 tab-separated text (TSV)", str(path)
        ) from None
    except csv.Error as error:
        line = reader.line_num if reader else 1
        raise InputError(
            f"line {line}: {error} — save the sheet as plain tab-separated text (TSV)", str(path)
        ) from None
    except OSError as error:
        raise InputError(
            f"the sample sheet cannot be read ({error.strerror}) — check its permissions", str(path)
        ) from None


def header_shape_problem(line: int, header: list[str], schema: dict) -> str | None:
    """A first line that cannot be the header of a TSV: nothing after it is readable."""
    if len(header) == 1:
        return (
            f"line {line}: the header has a single column ({header[0][:60]!r}) — the sheet must be tab-separated "
            f"(TSV), not comma-, semicolon- or space-separated; save it as tab-delimited text"
        )
    known = schema["properties"]
    if not any(column in known for column in header):
        return (
            f"line {line}: the first line is not a header (none of its cells is a column name) — "
            f"start the sheet with a header line naming its columns: {', '.join(known)}"
        )
    return None


def header_problems(line: int, header: list[str], schema: dict) -> list[str]:
    """Duplicated, unknown (typos) and missing required columns."""
    allowed = list(schema["properties"])
    where = f"header (line {line})"
    problems = []
    for column in dict.fromkeys(header):
        if header.count(column) > 1 and column:
            problems.append(f"{where}, column {column}: appears {header.count(column)} times — keep one")
    for index, column in enumerate(header, start=1):
        if column == "":
            problems.append(f"{where}: field {index} has no column name — name it or delete the extra tab")
        elif column not in allowed:
            problems.append(
                f"{where}, column {column!r}: not a sample-sheet column{did_you_mean(column, allowed)} — "
                f"rename or delete it; the columns are: {', '.join(allowed)}"
            )
    for column in schema["required"]:
        if column not in header:
            problems.append(
                f"{where}: the required column {column} is missing — add it; required columns: {', '.join(schema['required'])}"
            )
    return problems


def parse_rows(
    header: list[str], records: list[tuple[int, list[str]]], invalid: Invalid
) -> tuple[list[Row], list[str]]:
    """A Row per data line, and a problem per line whose field count differs from the header's.

    Such a line's cells cannot be trusted (which one is missing?): it stays a row, so the
    checks across rows know it is there, but with every cell marked invalid.
    """
    rows, problems = [], []
    for number, (line, fields) in enumerate(records, start=1):
        rows.append(Row(number, line, dict(zip(header, fields, strict=False))))
        if len(fields) != len(header):
            invalid[number].update(header)
            problems.append(field_count_problem(number, line, len(fields), len(header)))
    return rows, problems


def field_count_problem(number: int, line: int, found: int, expected: int) -> str:
    if found < expected:
        fix = (
            "every cell needs its tab, empty cells too (an editor that strips trailing whitespace "
            "deletes the tabs of empty cells at the end of a line)"
        )
    else:
        fix = "a cell contains a tab, or the line has more cells than the header has columns"
    return f"row {number} (line {line}): {found} tab-separated fields, but the header has {expected} — {fix}"


# --------------------------------------------------------------------------- one row


def row_problems(rows: list[Row], header: list[str], schema: dict, invalid: Invalid) -> list[str]:
    """Each row against the JSON Schema; every violation, translated."""
    validator = Draft202012Validator(schema)
    known = [column for column in header if column in schema["properties"]]
    problems = []
    for row in rows:
        if invalid[row.number]:
            continue  # a line with the wrong number of fields: already reported as a whole
        for column, what in schema_errors(validator, row, known, header):
            invalid[row.number].add(column)
            if column in schema["required"] and column not in header:
                continue  # a required column missing from the header is reported once, there
            fix = schema["properties"].get(column, {}).get("x-fix", "")
            problems.append(f"{row.where(column)}: {what}" + (f" — {fix}" if fix else ""))
    return problems


def row_instance(row: Row, columns: list[str]) -> dict[str, Any]:
    """The JSON object the schema sees: empty cells left out, purity as a number if it is one."""
    instance: dict[str, Any] = {column: row.get(column) for column in columns if row.get(column) != ""}
    if "purity" in instance:
        number = as_number(instance["purity"])
        if number is not None:
            instance["purity"] = number
    return instance


def as_number(text: str) -> float | None:
    """A finite float, or None ('nan' and 'inf' parse as floats but are no purity)."""
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def schema_errors(
    validator: Draft202012Validator, row: Row, known: list[str], header: list[str]
) -> list[tuple[str, str]]:
    """(column, what is wrong) of every schema violation, in schema order, without repeats."""
    found: dict[tuple[str, str], None] = {}
    for error in validator.iter_errors(row_instance(row, known)):
        for column in error_columns(error):
            found[(column, what_is_wrong(error, column, row, header))] = None
    return list(found)


def error_columns(error: ValidationError) -> list[str]:
    if error.validator == "required":
        # jsonschema names the missing property only in the message text: recompute it.
        return [column for column in error.validator_value if column not in error.instance]
    if error.validator == "additionalProperties":
        return sorted(set(error.instance) - set(error.schema.get("properties", {})))
    return [str(error.path[0])] if error.path else ["(row)"]


def what_is_wrong(error: ValidationError, column: str, row: Row, header: list[str]) -> str:
    text = row.get(column)
    kind = error.validator
    if kind == "required":
        missing = "" if column in header else f" (the sheet has no {column} column)"
        when = ""
        if "then" in error.relative_schema_path:
            when = " on an rna row" if row.get("type") == "rna" else " on a tumour row"
        return f"is empty{missing}, but it is required{when}"
    if kind == "pattern":
        return pattern_problem(column, text)
    if kind == "enum":
        return f"{text!r} is not one of {', '.join(error.validator_value)}" + enum_hint(text, error)
    if kind == "type":
        return f"{text!r} is not a number" if error.validator_value == "number" else error.message
    limits = {
        "exclusiveMinimum": "is not above",
        "minimum": "is below",
        "maximum": "is above",
        "exclusiveMaximum": "is not below",
    }
    if kind in limits:
        return f"{text} {limits[kind]} {error.validator_value}"
    if kind == "additionalProperties":
        return "is not a sample-sheet column"
    return error.message


def pattern_problem(column: str, text: str) -> str:
    if column in NAME_COLUMNS:
        return name_problem(text)
    if column == "tumour_type":
        upper = text.strip().upper()
        if re.fullmatch("[A-Z0-9]+", upper):
            return f"{text!r} is not in upper case (did you mean {upper!r}?)"
        return f"{text!r} is not an OncoTree code"
    if column in FASTQ_COLUMNS:
        return f"{text!r} does not end in .gz"
    return f"{text!r} has the wrong form"


def name_problem(text: str) -> str:
    """Which characters make ``text`` an unusable name."""
    bad = list(dict.fromkeys(c for c in text if not NAME_CHARACTER.fullmatch(c)))
    if bad:
        listed = ", ".join(CHARACTER_NAMES.get(c, repr(c)) for c in bad)
        return f"{text!r} contains {listed}, not allowed in names"
    return f"{text!r} starts with {text[0]!r}, not allowed at the start of a name"


def enum_hint(text: str, error: ValidationError) -> str:
    """' (did you mean 'x'?)' for a near miss of an enum value, or ''."""
    allowed = [str(value) for value in error.validator_value]
    synonyms = error.schema.get("x-did-you-mean", {}) if isinstance(error.schema, dict) else {}
    key = text.strip().lower()
    guess = synonyms.get(key) or (key if key in allowed else None)
    return f" (did you mean {guess!r}?)" if guess else did_you_mean(key, allowed)


def did_you_mean(text: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(text, choices, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


# --------------------------------------------------------------------------- across rows


def usable(row: Row, invalid: Invalid, *columns: str) -> bool:
    """Whether the row's cells in ``columns`` passed the row checks and are given."""
    return all(column not in invalid[row.number] and (column == "lane" or row.get(column)) for column in columns)


def cross_row_problems(rows: list[Row], invalid: Invalid) -> list[str]:
    # No tumour is required: a patient with only a normal is germline-only (germline calls,
    # no somatic calling, no tumour report). Every patient has a sample by construction.
    return (
        duplicate_lane_problems(rows, invalid)
        + sample_identity_problems(rows, invalid)
        + samples_per_patient_problems(rows, invalid)
        + patient_value_problems(rows, invalid)
        + sample_value_problems(rows, invalid)
        + tumour_link_problems(rows, invalid)
    )


def duplicate_lane_problems(rows: list[Row], invalid: Invalid) -> list[str]:
    first: dict[tuple[str, str], Row] = {}
    problems = []
    for row in rows:
        if not usable(row, invalid, "sample", "lane"):
            continue
        key = (row.get("sample"), row.lane)
        if key in first:
            implied = "" if row.get("lane") else f" (an empty lane means {DEFAULT_LANE})"
            problems.append(
                f"{row.where('lane')}: sample {key[0]} lane {key[1]}{implied} is already on {first[key].at()} — "
                f"give each lane of a sample its own lane name (L001, L002, …) or delete the repeated row"
            )
        else:
            first[key] = row
    return problems


def first_row_of_samples(rows: list[Row], invalid: Invalid) -> dict[str, Row]:
    """The row that introduces each sample: it says the sample's patient and type."""
    first: dict[str, Row] = {}
    for row in rows:
        if usable(row, invalid, "sample", "patient", "type"):
            first.setdefault(row.get("sample"), row)
    return first


def sample_identity_problems(rows: list[Row], invalid: Invalid) -> list[str]:
    """A sample belongs to one patient and has one type on all of its rows."""
    first = first_row_of_samples(rows, invalid)
    problems = []
    for row in rows:
        origin = first.get(row.get("sample")) if usable(row, invalid, "sample") else None
        if origin is None or origin is row:
            continue
        sample = row.get("sample")
        if usable(row, invalid, "patient") and row.get("patient") != origin.get("patient"):
            problems.append(
                f"{row.where('patient')}: sample {sample} is under patient {row.get('patient')} here but under "
                f"{origin.get('patient')} on {origin.at()} — a sample belongs to one patient: correct the patient or rename the sample"
            )
        if usable(row, invalid, "type") and row.get("type") != origin.get("type"):
            problems.append(
                f"{row.where('type')}: sample {sample} is {row.get('type')} here but {origin.get('type')} on "
                f"{origin.at()} — a sample has one type: correct the type or rename the sample"
            )
    return problems


def tumours_by_patient(rows: list[Row], invalid: Invalid) -> dict[str, list[str]]:
    """patient -> its tumour samples, in the order of the sheet."""
    tumours: dict[str, list[str]] = defaultdict(list)
    for row in first_row_of_samples(rows, invalid).values():
        if row.get("type") == "tumour":
            tumours[row.get("patient")].append(row.get("sample"))
    return tumours


def samples_per_patient_problems(rows: list[Row], invalid: Invalid) -> list[str]:
    """Any number of tumours (each its own analysis against the patient's normal), at most one
    normal, and at most one RNA sample per tumour (one per patient when it names no tumour)."""
    groups: dict[tuple[str, str, str], list[Row]] = defaultdict(list)
    for row in first_row_of_samples(rows, invalid).values():
        if row.get("type") == "tumour":
            continue
        # An RNA sample is counted per tumour it names (one per patient when it names none).
        link = row.get("tumour_sample") if row.get("type") == "rna" else ""
        groups[(row.get("patient"), row.get("type"), link)].append(row)
    problems = []
    for (patient, kind, link), samples in groups.items():
        kept = samples[0]
        for extra in samples[1:]:
            if kind == "rna" and link:
                problems.append(
                    f"{extra.where('sample')}: patient {patient} already has rna sample {kept.get('sample')} of "
                    f"tumour {link} on {kept.at()}; a tumour sample has at most one tumour RNA sample (give its "
                    f"lanes as rows of one sample) — keep one rna sample per tumour sample in this sheet"
                )
                continue
            why = {
                "normal": "a patient has at most one normal, shared by all of the patient's tumour samples",
                "rna": "a patient has at most one tumour RNA sample (give its lanes as rows of one sample)",
            }.get(kind, f"a patient has at most one {kind} sample")
            problems.append(
                f"{extra.where('sample')}: patient {patient} already has {kind} sample {kept.get('sample')} "
                f"on {kept.at()}; {why} — keep one {kind} sample per patient in this sheet"
            )
    return problems


def patient_value(row: Row, column: str) -> Any:
    """The comparable value of a patient column (purity 0.9 equals 0.90)."""
    return as_number(row.get(column)) if column == "purity" else row.get(column)


# Where a value that must agree is written, by the column grouping the rows (named in the message).
AGREEMENT_ROWS = {"patient": "each of the patient's rows", "sample": "each of its rows (lanes)"}


def disagreement_problems(rows: Iterable[Row], key: str, column: str) -> list[str]:
    """Rows sharing a ``key`` value (patient or sample) whose ``column`` differs from the first
    such row's: one problem each, naming the row that set the value."""
    first: dict[str, Row] = {}
    problems = []
    for row in rows:
        origin = first.setdefault(row.get(key), row)
        if patient_value(row, column) != patient_value(origin, column):
            problems.append(
                f"{row.where(column)}: {row.get(column)!r} differs from {origin.get(column)!r} on {origin.at()} — "
                f"{column} describes {key} {row.get(key)}: give the same value on {AGREEMENT_ROWS[key]}, "
                f"or leave it empty on all but one"
            )
    return problems


def patient_value_problems(rows: list[Row], invalid: Invalid) -> list[str]:
    """tumour_type, sex and consent describe the patient: given twice, they must agree; so must
    purity for a patient with one tumour (several tumours: sample_value_problems)."""
    tumours = tumours_by_patient(rows, invalid)
    problems = []
    for column in (*PATIENT_COLUMNS, "purity"):
        given = (
            row
            for row in rows
            if usable(row, invalid, "patient", column)
            and not (column == "purity" and len(tumours.get(row.get("patient"), [])) > 1)
        )
        problems += disagreement_problems(given, "patient", column)
    return problems


def sample_value_problems(rows: list[Row], invalid: Invalid) -> list[str]:
    """purity and tumour_sample describe one sample: given on two of its rows (lanes), they must
    agree. For a patient with one tumour, purity still describes the patient's only tumour on any
    of the patient's rows (sheets written before several tumours per patient stay valid); with
    several tumours it belongs on the tumour's own rows."""
    tumours = tumours_by_patient(rows, invalid)
    problems = []
    for column in SAMPLE_COLUMNS:
        given = []
        for row in rows:
            if not usable(row, invalid, "patient", "sample", "type", column):
                continue
            several = len(tumours.get(row.get("patient"), [])) > 1
            if column == "purity" and not several:
                continue  # one tumour: checked across the patient's rows (patient_value_problems)
            if column == "purity" and row.get("type") != "tumour":
                problems.append(
                    f"{row.where(column)}: purity on a {row.get('type')} row, but patient {row.get('patient')} has "
                    f"several tumour samples ({', '.join(tumours[row.get('patient')])}) — give each tumour's purity "
                    f"on that tumour sample's own rows and leave this cell empty"
                )
                continue
            given.append(row)
        problems += disagreement_problems(given, "sample", column)
    return problems


def tumour_link_problems(rows: list[Row], invalid: Invalid) -> list[str]:
    """tumour_sample says which tumour an RNA sample comes from: only on rna rows; it must name a
    tumour sample of the same patient, and is required when that patient has several."""
    tumours = tumours_by_patient(rows, invalid)
    problems = []
    for row in rows:
        if not usable(row, invalid, "patient", "type") or "tumour_sample" in invalid[row.number]:
            continue
        patient, named = row.get("patient"), row.get("tumour_sample")
        own = tumours.get(patient, [])
        listed = ", ".join(own)
        if named and row.get("type") != "rna":
            problems.append(
                f"{row.where('tumour_sample')}: given on a {row.get('type')} row — tumour_sample names the tumour "
                f"an rna row belongs to: leave it empty here"
            )
        elif named and named not in own:
            has = f"its tumour samples are {listed}" if own else "it has no tumour sample in this sheet"
            problems.append(
                f"{row.where('tumour_sample')}: {named!r} is not a tumour sample of patient {patient} ({has}) — "
                f"name the tumour sample this RNA comes from, as written in the sample column of its tumour rows"
            )
        elif not named and row.get("type") == "rna" and len(own) > 1:
            problems.append(
                f"{row.where('tumour_sample')}: is empty, but patient {patient} has several tumour samples "
                f"({listed}) — name the tumour sample this RNA comes from"
            )
    return problems


# --------------------------------------------------------------------------- files


def resolve(value: str, folder: Path) -> str:
    """An absolute path; a relative one is read from the sheet's folder (symlinks kept)."""
    return os.path.normpath(os.path.join(folder, value))


def fastq_cells(rows: list[Row], invalid: Invalid, folder: Path) -> list[tuple[Row, str, str]]:
    """(row, column, absolute path) of every FASTQ cell that passed the row checks."""
    return [
        (row, column, resolve(row.get(column), folder))
        for row in rows
        for column in FASTQ_COLUMNS
        if usable(row, invalid, column)
    ]


def path_problems(rows: list[Row], invalid: Invalid, folder: Path) -> list[str]:
    """fastq_1 != fastq_2, and no file on two rows (compared after following symlinks)."""
    problems = []
    used: dict[str, tuple[Row, str]] = {}
    for row, column, path in fastq_cells(rows, invalid, folder):
        key = os.path.realpath(path)
        if key not in used:
            used[key] = (row, column)
            continue
        other_row, other_column = used[key]
        invalid[row.number].add(column)  # checked once, under its first use
        if other_row is row:
            problems.append(
                f"{row.where(column)}: the same file as fastq_1 ({path}) — fastq_2 must be the read-2 file (…_R2…)"
            )
        else:
            problems.append(
                f"{row.where(column)}: {path} is already used on {other_row.where(other_column)} — "
                f"each FASTQ belongs to one row: correct the copied path"
            )
    return problems


def file_problems(rows: list[Row], invalid: Invalid, folder: Path) -> list[str]:
    """Each FASTQ exists and its first record reads (the cheap checks of presis.inputs.fastq)."""
    problems = []
    for row, column, path in fastq_cells(rows, invalid, folder):
        problem = fastq.fastq_problem(Path(path))
        if problem:
            problems.append(f"{row.where(column)}: {problem}")
    return problems


# --------------------------------------------------------------------------- the table


def patient_values(rows: list[Row]) -> dict[str, dict[str, Any]]:
    """patient -> tumour_type, sex, germline_consent: the first value given on any of the
    patient's rows (the checks made them agree), else '', '' and 'no'."""
    given: dict[str, dict[str, Any]] = {}
    for row in rows:
        found = given.setdefault(row.get("patient"), {})
        for column in PATIENT_COLUMNS:
            if row.get(column) and column not in found:
                found[column] = patient_value(row, column)
    defaults = {"tumour_type": "", "sex": "", "germline_consent": DEFAULT_CONSENT}
    return {patient: {**defaults, **found} for patient, found in given.items()}


def tumour_purities(rows: list[Row]) -> tuple[dict[str, str], dict[str, float]]:
    """(row's tumour sample by (patient, sample), purity by tumour sample). With one tumour its
    purity is the first given on any of the patient's rows; with several, on the tumour's rows."""
    tumours: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        if row.get("type") == "tumour" and row.get("sample") not in tumours[row.get("patient")]:
            tumours[row.get("patient")].append(row.get("sample"))
    purity: dict[str, float] = {}
    for row in rows:
        own = tumours[row.get("patient")]
        if row.get("type") == "tumour":
            tumour = row.get("sample")
        elif len(own) == 1:
            tumour = own[0]
        else:
            continue
        if row.get("purity") and tumour not in purity:
            purity[tumour] = patient_value(row, "purity")
    return tumours, purity


def row_tumour(row: Row, tumours: dict[str, list[str]]) -> str:
    own = tumours.get(row.get("patient"), [])
    if row.get("type") == "tumour":
        return row.get("sample")
    if row.get("type") == "rna":
        return row.get("tumour_sample") or (own[0] if len(own) == 1 else "")
    return own[0] if len(own) == 1 else ""


def to_frame(rows: list[Row], folder: Path) -> pd.DataFrame:
    info = patient_values(rows)
    tumours, purity = tumour_purities(rows)
    records = []
    for row in rows:
        tumour = row_tumour(row, tumours)
        records.append(
            {
                "patient": row.get("patient"),
                "sample": row.get("sample"),
                "type": row.get("type"),
                "lane": row.lane,
                "fastq_1": resolve(row.get("fastq_1"), folder),
                "fastq_2": resolve(row.get("fastq_2"), folder),
                **info[row.get("patient")],
                "purity": purity.get(tumour, math.nan),
                # A normal row has no tumour of its own (it serves each of the patient's tumours).
                "tumour_sample": tumour if row.get("type") != "normal" else "",
            }
        )
    frame = pd.DataFrame.from_records(records, columns=COLUMNS)
    frame["purity"] = frame["purity"].astype(float)
    return frame


# --------------------------------------------------------------------------- look-ups


def patient_rows(sheet: pd.DataFrame, patient: str) -> pd.DataFrame:
    rows = sheet[sheet["patient"] == patient]
    if rows.empty:
        raise ValueError(f"patient {patient!r} is not in the sample sheet")
    return rows


def patients(sheet: pd.DataFrame) -> list[str]:
    """Sorted unique patient IDs."""
    return sorted(str(patient) for patient in sheet["patient"].unique())


def samples_of_type(sheet: pd.DataFrame, patient: str, kind: str) -> str | None:
    rows = patient_rows(sheet, patient)
    names = list(dict.fromkeys(rows.loc[rows["type"] == kind, "sample"]))
    if len(names) > 1:
        # load_sheet refuses this; a hand-made frame reaching here is a programming error.
        raise ValueError(f"patient {patient!r} has {len(names)} {kind} samples: {', '.join(names)}")
    return str(names[0]) if names else None


def tumour_sample(sheet: pd.DataFrame, patient: str) -> str | None:
    """The patient's tumour sample (ValueError when the patient has several: see analysis_units)."""
    return samples_of_type(sheet, patient, "tumour")


def tumour_samples(sheet: pd.DataFrame, patient: str) -> list[str]:
    """The patient's tumour samples in the order of the sheet."""
    rows = patient_rows(sheet, patient)
    return [str(name) for name in dict.fromkeys(rows.loc[rows["type"] == "tumour", "sample"])]


def analysis_units(sheet: pd.DataFrame, patient: str) -> dict[str, str | None]:
    """unit -> tumour sample: what gets its own calls and report, named in the file names.

    One tumour: the patient itself (results/P/calls/P.somatic.vcf.gz, as always); several: each
    tumour sample under its own name (results/P/calls/P-T2.somatic.vcf.gz). A patient with tumour
    RNA alone: the patient, without a tumour sample. A germline-only patient: none."""
    tumours = tumour_samples(sheet, patient)
    if len(tumours) > 1:
        return {tumour: tumour for tumour in tumours}
    if tumours:
        return {patient: tumours[0]}
    return {patient: None} if rna_sample(sheet, patient) else {}


def unit_tumour(sheet: pd.DataFrame, patient: str, unit: str) -> str | None:
    """The tumour sample of an analysis unit (None for an RNA-only patient)."""
    units = analysis_units(sheet, patient)
    if unit not in units:
        named = ", ".join(units) or "none: the patient has no tumour sample"
        raise ValueError(f"{unit!r} is not an analysis of patient {patient} (its analyses: {named})")
    return units[unit]


def normal_sample(sheet: pd.DataFrame, patient: str) -> str | None:
    return samples_of_type(sheet, patient, "normal")


def rna_sample(sheet: pd.DataFrame, patient: str, tumour: str | None = None) -> str | None:
    """The tumour RNA sample (fusions, exon skipping) of the patient, or of one of its tumour
    samples when ``tumour`` is given, if any."""
    if tumour is None:
        return samples_of_type(sheet, patient, "rna")
    rows = patient_rows(sheet, patient)
    names = list(dict.fromkeys(rows.loc[(rows["type"] == "rna") & (rows["tumour_sample"] == tumour), "sample"]))
    return str(names[0]) if names else None


def lanes(sheet: pd.DataFrame, sample: str) -> list[str]:
    """The sample's lanes in file order."""
    found = sheet.loc[sheet["sample"] == sample, "lane"]
    if found.empty:
        raise ValueError(f"sample {sample!r} is not in the sample sheet")
    return [str(lane) for lane in dict.fromkeys(found)]


def patient_info(sheet: pd.DataFrame, patient: str, tumour: str | None = None) -> dict[str, Any]:
    """tumour_type, purity, sex (None when not given) and germline_consent ('yes'/'no'); the
    purity is ``tumour``'s when given, else the patient's only tumour's."""
    rows = patient_rows(sheet, patient)
    if tumour is not None:
        rows = rows[rows["sample"] == tumour]
        if rows.empty:
            raise ValueError(f"patient {patient!r} has no sample {tumour!r}")
    first = rows.iloc[0]
    purity = float(first["purity"])
    return {
        "tumour_type": first["tumour_type"] or None,
        "purity": None if math.isnan(purity) else purity,
        "sex": first["sex"] or None,
        "germline_consent": first["germline_consent"],
    }
