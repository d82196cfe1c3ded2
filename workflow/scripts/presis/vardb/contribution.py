"""One patient's contribution to the national variant database: build it, read it, check it.

A contribution holds only what the database counts — per variant: build, chromosome and
position (real coordinates when the reference has a contig table), alleles, gene, HGVS p.,
origin, tumour type, hospital level and a VAF bin; per panel region: the bases with depth
>= 20, the denominator of every frequency. Nothing else can be carried: the JSON Schema gives
every string a pattern and a length limit, so names, sample ids, dates, free text, read names
and file paths have nowhere to go.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
from jsonschema import Draft202012Validator

from presis.errors import InputError
from presis.inputs.contigs import ContigMap
from presis.vardb.vaf_bins import vaf_bin

FORMAT = "presis-vardb-contribution"
FORMAT_VERSION = 1
SCHEMA_FILE = Path(__file__).with_name("contribution.schema.json")
CALLABLE_DEPTH = 20
# A contribution of a whole exome with its germline calls stays far below this; anything
# larger is refused before it is parsed (a JSON bomb must not exhaust the server's memory).
MAX_BYTES = 20_000_000
MAX_PROBLEMS = 10
GERMLINE_ZYGOSITY = ("heterozygous", "homozygous")


@lru_cache(maxsize=1)
def validator() -> Draft202012Validator:
    return Draft202012Validator(json.loads(SCHEMA_FILE.read_text()))


def _text(value: Any) -> str | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) or value == "" else str(value)


def _variant(row: pd.Series, contigs: ContigMap, origin: str, vaf: float) -> dict:
    chrom, pos = contigs.to_genomic(str(row["chrom"]), int(row["pos"]))
    return {
        "chrom": chrom, "pos": pos, "ref": row["ref"], "alt": row["alt"],
        "gene": _text(row.get("gene")), "hgvs_p": _text(row.get("hgvs_p")),
        "origin": origin, "vaf_bin": vaf_bin(float(vaf)),
    }  # fmt: skip


def somatic_entries(table: pd.DataFrame, contigs: ContigMap) -> list[tuple[float, dict]]:
    """(VAF, variant) of the somatic calls of the filtered table inside the panel (the regions give
    the denominator); reporting filters (consequence, report VAF) do not matter for a frequency."""
    called = table[(table["status"] == "somatic") & table["in_panel"].astype(str).isin(["True", "true", "1"])]
    return [
        (float(row["tumour_vaf"]), _variant(row, contigs, "somatic", row["tumour_vaf"])) for _, row in called.iterrows()
    ]


def somatic_variants(table: pd.DataFrame, contigs: ContigMap) -> list[dict]:
    return [variant for _, variant in somatic_entries(table, contigs)]


def germline_entries(table: pd.DataFrame | None, contigs: ContigMap) -> list[tuple[float, dict]]:
    """(VAF, variant) of the PASS germline calls of the matched normal (called on the panel only).
    Tumour-only 'likely germline' calls are not contributed: without a normal their origin is a guess."""
    if table is None:
        return []
    called = table[(table["filters"] == "PASS") & table["zygosity"].isin(GERMLINE_ZYGOSITY)]
    return [(float(row["vaf"]), _variant(row, contigs, "germline", row["vaf"])) for _, row in called.iterrows()]


def germline_variants(table: pd.DataFrame | None, contigs: ContigMap) -> list[dict]:
    return [variant for _, variant in germline_entries(table, contigs)]


def callable_regions(thresholds: pd.DataFrame, contigs: ContigMap, depth: int = CALLABLE_DEPTH) -> list[dict]:
    """Per panel region (mosdepth --thresholds output), the bases covered >= ``depth``."""
    column = f"{depth}X"
    if column not in thresholds.columns:
        raise InputError(f"mosdepth thresholds lack the column {column}: add {depth} to qc.depth_thresholds")
    regions = []
    for _, row in thresholds.iterrows():
        chrom, start = contigs.to_genomic(str(row["#chrom"]), int(row["start"]))
        regions.append({"chrom": chrom, "start": start, "end": start + int(row["end"]) - int(row["start"]),
                        "callable_bases": int(row[column])})  # fmt: skip
    return sorted(regions, key=lambda r: (r["chrom"], r["start"], r["end"]))


def read_thresholds(path: str | Path) -> pd.DataFrame:
    return pd.read_csv(path, sep="\t", dtype={"#chrom": str})


def read_table(path: str | Path | None) -> pd.DataFrame | None:
    if not path:
        return None
    return pd.read_csv(path, sep="\t", keep_default_na=False, na_values=[""], dtype={"chrom": str})


def copy_number_events(copy_number: dict) -> list[dict]:
    """The tumour's amplifications and homozygous deletions (gene-level, origin somatic), sorted;
    nothing from a copy-number result that was not evaluable."""
    if not copy_number.get("evaluable"):
        return []
    events = {(e["gene"], e["event"]) for e in copy_number["events"]}
    return [
        {"gene": gene, "kind": "copy_number", "event": event, "origin": "somatic"} for gene, event in sorted(events)
    ]


def _tumours(value: Any) -> list:
    """One tumour sample's result, or a list of them (one per tumour sample of the patient)."""
    return list(value) if isinstance(value, (list, tuple)) else [value]


def person_variants(per_tumour: list[list[dict]], germline: list[dict]) -> list[dict]:
    """One entry per variant and origin for the person, however many of their tumour samples
    carry it (a primary and a relapse sharing a mutation count once in every frequency): of
    repeats, the entry of the highest VAF is kept (the tumour that shows it most clearly)."""
    unique: dict[tuple, tuple[float, dict]] = {}
    for vaf, variant in [entry for tumour in per_tumour for entry in tumour] + germline:
        key = (variant["chrom"], variant["pos"], variant["ref"], variant["alt"], variant["origin"])
        if key not in unique or vaf >= unique[key][0]:
            unique[key] = (vaf, variant)
    return [unique[key][1] for key in sorted(unique)]


def person_regions(per_tumour: list[list[dict]]) -> list[dict]:
    """Per panel region, the callable bases of the person: the most any of their tumour samples
    reached (the denominator counts the person once, like the numerator)."""
    if len(per_tumour) == 1:
        return per_tumour[0]
    best: dict[tuple, dict] = {}
    for regions in per_tumour:
        for region in regions:
            key = (region["chrom"], region["start"], region["end"])
            if key not in best or region["callable_bases"] > best[key]["callable_bases"]:
                best[key] = region
    return [best[key] for key in sorted(best)]


def build_contribution(
    key: str,
    build: str,
    level: int,
    tumour_type: str | None,
    somatic: pd.DataFrame | list[pd.DataFrame],
    germline: pd.DataFrame | None,
    thresholds: pd.DataFrame | list[pd.DataFrame],
    contigs: ContigMap,
    demo_key: bool = False,
    rna: dict | list[dict] | None = None,
    copy_number: dict | list[dict] | None = None,
) -> dict:
    """The contribution of one person (validated): one entry per variant and origin, sorted, so
    the same results always give the same file. ``somatic``, ``thresholds``, ``rna`` and
    ``copy_number`` are one tumour sample's, or lists with one per tumour sample of the patient
    (a primary and a relapse): the person then contributes each variant, fusion and copy-number
    event once."""
    tumour_variants = [somatic_entries(table, contigs) for table in _tumours(somatic)]
    variants = person_variants(tumour_variants, germline_entries(germline, contigs))
    contribution = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "contributor": key,
        "demo_key": demo_key,
        "build": build,
        "hospital_level": int(level),
        "tumour_type": tumour_type or None,
        "variants": variants,
        "regions": person_regions([callable_regions(table, contigs) for table in _tumours(thresholds)]),
    }
    if rna is not None:
        contribution["fusions"] = _once([rna_events(result) for result in _tumours(rna)], _fusion_order)
    if copy_number is not None:  # only when copy number ran (config copy_number: enabled)
        contribution["copy_number_events"] = _once(
            [copy_number_events(result) for result in _tumours(copy_number)], lambda e: (e["gene"], e["event"])
        )
    validate(contribution, "the contribution built")
    return contribution


def _once(per_tumour: list[list[dict]], order) -> list[dict]:
    """The events of every tumour sample, each event once, sorted by ``order``."""
    unique = {json.dumps(event, sort_keys=True): event for events in per_tumour for event in events}
    return sorted(unique.values(), key=order)


def _fusion_order(event: dict) -> tuple:
    return (event["kind"], event["name"], json.dumps(event["breakpoints"]))


def rna_events(rna: dict) -> list[dict]:
    """Detected RNA events of the patient's RNA result (presis.rna.results), GRCh38 breakpoints only:
    no read names, sample ids or counts that could single out a run."""
    events = [
        {
            "kind": e["kind"],
            "name": e["name"],
            "genes": [g for g in e["genes"] if g],
            "breakpoints": [{"chrom": b["chrom"], "pos": b["genomic_pos"]} for b in e["breakpoints"]],
            "frame": e.get("frame"),
        }
        for e in rna["events"]
        if e["status"] == "detected"
    ]
    return sorted(events, key=_fusion_order)


def dumps(contribution: dict) -> str:
    return json.dumps(contribution, indent=1, sort_keys=True) + "\n"


def _short(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[:limit] + f"… ({len(text)} characters)"


def _describe(error) -> str:
    """jsonschema's message, or for a huge value its size and the rule it breaks (the message
    would begin with the whole value)."""
    if len(error.message) <= 200:
        return error.message
    size = (
        f"{len(error.instance)} items"
        if isinstance(error.instance, (list, dict))
        else f"{len(str(error.instance))} characters"
    )
    return f"a value of {size} breaks the rule {error.validator} {_short(json.dumps(error.validator_value), 60)}"


def validate(contribution: Any, source: str) -> None:
    """Raise one InputError naming each problem (at most MAX_PROBLEMS, each shortened: an
    oversized field must not be echoed back whole)."""
    errors = sorted(validator().iter_errors(contribution), key=lambda e: [str(p) for p in e.absolute_path])
    if not errors:
        # What a schema cannot say: a span is not empty and holds no more callable bases than bases.
        impossible = [f"regions/{i}: {r['chrom']}:{r['start']}-{r['end']} with {r['callable_bases']} callable bases is impossible"
                      for i, r in enumerate(contribution["regions"])
                      if r["end"] <= r["start"] or r["callable_bases"] > r["end"] - r["start"]]  # fmt: skip
        if impossible:
            raise InputError(
                impossible[:MAX_PROBLEMS],
                f"{source}: not a valid presis variant-database contribution (rejected, nothing imported)",
            )
        return
    problems = []
    for error in errors[:MAX_PROBLEMS]:
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        problems.append(f"{where}: {_describe(error)}")
    if len(errors) > MAX_PROBLEMS:
        problems.append(f"… and {len(errors) - MAX_PROBLEMS} more")
    raise InputError(
        problems, f"{source}: not a valid presis variant-database contribution (rejected, nothing imported)"
    )


def load(path: str | Path) -> dict:
    """Read and validate a contribution file; anything else is refused with a clear message."""
    path = Path(path)
    name = path.name
    try:
        size = path.stat().st_size
    except OSError as error:
        raise InputError(f"cannot read the file: {error.strerror}", name) from None
    if size > MAX_BYTES:
        raise InputError(f"{size} bytes is more than a contribution can be ({MAX_BYTES}): rejected unread", name)
    try:
        data = json.loads(path.read_bytes())
    except (ValueError, RecursionError) as error:
        raise InputError(f"not JSON ({_short(str(error))}): rejected", name) from None
    validate(data, name)
    return data
