"""The somatic-calling benchmark: frozen scenarios, and calls scored against truth.

Both the called VCF and the truth pass through ``bcftools norm -m-any -f REF`` and are
matched by (chrom, pos, ref, alt) inside the panel BED. A call is a record with
FILTER=PASS; every other record of the called VCF is kept as *evidence* (FILTER, TVAF,
TALT, TDP) to explain a missed variant.

Definitions (they matter for the figures the project shows):

* recall is counted over **truth** variants, stratified by their **truth** VAF (INFO/VAF)
  and by the tumour depth at the site (the TDP of the caller's record for that allele,
  whatever its FILTER; else the BAM's depth at the site, MAPQ ≥ 20 and base quality ≥ 20,
  duplicates and overlapping mates counted once, as the caller counts);
* precision is counted over **calls**, stratified by their **observed** VAF (INFO/TVAF):
  a false positive has no truth VAF;
* tumour-only precision is shown twice: with calls at germline truth variants counted
  as false positives, and with calls at germline truth sites left out.
"""

from __future__ import annotations

import math
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path

import pysam
import yaml

from presis.devtools.scoring import Key, Score, is_indel, vcf_records
from presis.devtools.simulate import Scenario, ScenarioData, bundled_data, scenario_data, simulate_scenario
from presis.errors import InputError
from presis.inputs.bed import PanelIndex, read_panel

# (low, high, label): half-open [low, high)
VAF_BINS = (
    (0.0, 0.03, "<0.03"),
    (0.03, 0.05, "0.03-0.05"),
    (0.05, 0.10, "0.05-0.10"),
    (0.10, 0.20, "0.10-0.20"),
    (0.20, math.inf, ">=0.20"),
)
DEPTH_BINS = (
    (0, 100, "<100"),
    (100, 200, "100-200"),
    (200, 300, "200-300"),
    (300, 500, "300-500"),
    (500, math.inf, ">=500"),
)
LOW_VAF = (0.03, 0.05)  # the low-VAF band of the headline recall ...
DEEP = 300  # ... at sites at least this deep
HEADLINE_VAF = 0.05  # SNV recall/precision and tumour-only precision from this VAF up


def bin_label(value: float | None, bins: Sequence[tuple[float, float, str]]) -> str:
    if value is None:
        return "n/a"
    return next(label for low, high, label in bins if low <= value < high)


# --------------------------------------------------------------------------- scenarios


@dataclass(frozen=True)
class BenchmarkSet:
    """The frozen scenarios and the reference and panel they are defined on."""

    reference: Path
    panel: Path
    scenarios: list[Scenario]

    def get(self, name: str) -> Scenario:
        for scenario in self.scenarios:
            if scenario.name == name:
                return scenario
        raise InputError(f"no scenario {name!r}; known: {', '.join(s.name for s in self.scenarios)}")

    def ci(self) -> Scenario:
        return next(s for s in self.scenarios if s.ci)

    def half(self, name: str) -> list[Scenario]:
        """The scenarios of one half: ``tuning`` (thresholds are chosen on it) or ``reporting``."""
        return [s for s in self.scenarios if s.half == name]


_YAML_TO_FIELD = {"somatic": "n_somatic", "germline": "n_germline", "vaf": "vaf_range", "vafs": "vaf_list"}
HALVES = ("tuning", "reporting")


def load_scenarios(path: str | Path, root: str | Path) -> BenchmarkSet:
    """``config/benchmark/scenarios.yaml``; relative paths are read from ``root``."""
    path, root = Path(path), Path(root)
    data = yaml.safe_load(path.read_text())
    known = {f.name for f in fields(Scenario)}
    problems, scenarios = [], []
    for index, entry in enumerate(data.get("scenarios", [])):
        entry = {_YAML_TO_FIELD.get(k, k): v for k, v in entry.items()}
        unknown = sorted(set(entry) - known)
        if unknown:
            problems.append(f"scenario {index + 1}: unknown keys {', '.join(unknown)}")
            continue
        if "vaf_list" in entry:
            entry["vaf_list"] = tuple(entry["vaf_list"])
            entry.setdefault("vaf_range", (min(entry["vaf_list"]), max(entry["vaf_list"])))
        entry["vaf_range"] = tuple(entry["vaf_range"])
        if entry.get("half", "tuning") not in HALVES:
            problems.append(f"scenario {index + 1}: half must be one of {', '.join(HALVES)}")
            continue
        try:
            scenarios.append(Scenario(**entry))
        except TypeError as error:
            problems.append(f"scenario {index + 1}: {error}")
    names = [s.name for s in scenarios]
    if len(set(names)) != len(names):
        problems.append("scenario names must be unique")
    if sum(s.ci for s in scenarios) != 1:
        problems.append("exactly one scenario must have ci: true")
    if problems:
        raise InputError(problems, str(path))
    return BenchmarkSet(root / data["reference"], root / data["panel"], scenarios)


def prepare_scenario(scenario: Scenario, benchmark: BenchmarkSet, root: str | Path, cache: str | Path) -> ScenarioData:
    """Reads and truth of a scenario: a bundled set as it is; a simulated one from ``cache``.

    Simulated data live in ``cache/<name>-seed<seed>-<hash>/`` (the hash covers every
    generating field and the simulator version) and are made there on first use; a folder
    is only renamed into place once complete, so an interrupted run never leaves a half set.
    """
    if scenario.bundled:
        return bundled_data(scenario, Path(root))
    cache = Path(cache)
    folder = cache / scenario.cache_key()
    if not folder.is_dir():
        cache.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=cache))
        try:
            simulate_scenario(scenario, benchmark.reference, benchmark.panel, staging)
            staging.rename(folder)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return scenario_data(scenario, folder)


def sample_sheet_rows(scenario: Scenario, data: ScenarioData) -> list[dict[str, str]]:
    """Sample-sheet rows (absolute FASTQ paths) of one scenario."""
    common = {"patient": data.patient, "tumour_type": "LUAD", "lane": "L001"}
    rows = [
        {**common, "sample": f"{data.patient}-T", "type": "tumour", "purity": f"{scenario.purity:g}",
         "fastq_1": str(data.tumour[0].resolve()), "fastq_2": str(data.tumour[1].resolve())},
    ]  # fmt: skip
    if data.normal is not None:
        rows.append(
            {**common, "sample": f"{data.patient}-N", "type": "normal", "purity": "",
             "fastq_1": str(data.normal[0].resolve()), "fastq_2": str(data.normal[1].resolve())}
        )  # fmt: skip
    return rows


def write_sample_sheet(path: str | Path, rows: list[dict[str, str]]) -> Path:
    columns = ["patient", "sample", "type", "tumour_type", "purity", "lane", "fastq_1", "fastq_2"]
    lines = ["\t".join(columns)] + ["\t".join(row.get(c, "") for c in columns) for row in rows]
    Path(path).write_text("\n".join(lines) + "\n")
    return Path(path)


# --------------------------------------------------------------------------- comparison


@dataclass(frozen=True)
class Evidence:
    """What the caller wrote for one allele (any FILTER)."""

    filter: str
    tvaf: float | None
    talt: int | None
    tdp: int | None
    nvaf: float | None = None  # the normal's, in tumour/normal mode
    nalt: int | None = None
    ndp: int | None = None

    @property
    def passed(self) -> bool:
        return self.filter == "PASS"

    def describe(self) -> str:
        text = f"FILTER={self.filter} TVAF={_vaf_text(self.tvaf)} TALT={self.talt} TDP={self.tdp}"
        if self.ndp is not None:
            text += f" NVAF={_vaf_text(self.nvaf)} NALT={self.nalt} NDP={self.ndp}"
        return text


def _vaf_text(vaf: float | None) -> str:
    return "n/a" if vaf is None else f"{vaf:.3f}"


@dataclass
class Comparison:
    """One called VCF against its truth, inside the panel."""

    name: str
    tumour_only: bool
    truth: dict[Key, float | None]  # somatic truth key -> truth VAF
    records: dict[Key, Evidence]  # every record of the called VCF
    depth: dict[Key, int | None]  # somatic truth key -> tumour depth at the site
    germline: set[Key] = field(default_factory=set)

    @property
    def calls(self) -> set[Key]:
        return {key for key, evidence in self.records.items() if evidence.passed}

    @property
    def tp(self) -> set[Key]:
        return self.calls & set(self.truth)

    @property
    def fp(self) -> set[Key]:
        return self.calls - set(self.truth)

    @property
    def fn(self) -> set[Key]:
        return set(self.truth) - self.calls

    def observed_vaf(self, key: Key) -> float | None:
        evidence = self.records.get(key)
        return evidence.tvaf if evidence else None


def normalise(vcf: str | Path, reference_fasta: str | Path, out: str | Path) -> Path:
    """``bcftools norm -m-any -f REF``: multi-allelics split, indels left-aligned."""
    subprocess.run(
        ["bcftools", "norm", "--no-version", "-m-any", "-f", str(reference_fasta), "-Oz", "-o", str(out), str(vcf)],
        check=True, capture_output=True,
    )  # fmt: skip
    return Path(out)


def panel_region(bed: str | Path) -> Callable[[str, int, int], bool]:
    """``within(chrom, pos, end)``: does 1-based [pos, end] overlap the BED?"""
    index = PanelIndex(read_panel(bed))
    return lambda chrom, pos, end: bool(index.genes_at(chrom, pos, end))


def bam_depth(bam: pysam.AlignmentFile, chrom: str, pos: int, min_mapq: int = 20, min_baseq: int = 20) -> int:
    """Tumour depth at 1-based ``pos`` counted as the caller counts (overlapping mates once)."""
    for column in bam.pileup(
        chrom, pos - 1, pos, truncate=True, min_mapping_quality=min_mapq, ignore_overlaps=True,
        min_base_quality=0, stepper="samtools", max_depth=1_000_000,
    ):  # fmt: skip
        qualities = column.get_query_qualities()
        return sum(1 for q in qualities if q >= min_baseq)
    return 0


def compare(
    calls_vcf: str | Path,
    truth_vcf: str | Path,
    reference_fasta: str | Path,
    bed: str | Path,
    *,
    name: str = "",
    germline_vcf: str | Path | None = None,
    bam: str | Path | None = None,
    tumour_only: bool = False,
) -> Comparison:
    """Normalise both sides, restrict to the BED, and pair calls with truth.

    ``bam`` (the tumour BAM) gives the depth at truth sites the caller wrote no record for.
    """
    within = panel_region(bed)
    with tempfile.TemporaryDirectory(prefix="presis-score-") as tmp:
        calls = vcf_records(normalise(calls_vcf, reference_fasta, Path(tmp) / "calls.vcf.gz"), within)
        truth = vcf_records(normalise(truth_vcf, reference_fasta, Path(tmp) / "truth.vcf.gz"), within)
        germline = set()
        if germline_vcf is not None:
            germline = set(vcf_records(normalise(germline_vcf, reference_fasta, Path(tmp) / "germ.vcf.gz"), within))
    records = {key: _evidence(status, info) for key, (status, info) in calls.items()}
    truth_vaf = {key: _decimal(info.get("VAF")) for key, (_, info) in truth.items()}
    return Comparison(
        name=name,
        tumour_only=tumour_only,
        truth=truth_vaf,
        records=records,
        depth=_site_depths(truth_vaf, records, bam),
        germline=germline,
    )


def _evidence(status: str, info: dict) -> Evidence:
    tumour = (_decimal(info.get("TVAF")), info.get("TALT"), info.get("TDP"))
    normal = (_decimal(info.get("NVAF")), info.get("NALT"), info.get("NDP"))
    return Evidence(status, *tumour, *normal)


def _decimal(value: float | None) -> float | None:
    """VCF floats arrive as float32 (0.03 -> 0.029999999): back to the written decimals for binning."""
    return None if value is None else round(float(value), 6)


def _site_depths(
    truth: dict[Key, float | None], records: dict[Key, Evidence], bam: str | Path | None
) -> dict[Key, int | None]:
    depths: dict[Key, int | None] = {key: records[key].tdp if key in records else None for key in truth}
    missing = [key for key, depth in depths.items() if depth is None]
    if missing and bam is not None:
        with pysam.AlignmentFile(str(bam)) as handle:
            for key in missing:
                depths[key] = bam_depth(handle, key[0], key[1])
    return depths


def pool(comparisons: Iterable[Comparison], name: str = "pooled") -> Comparison:
    """All comparisons as one; keys are prefixed with the scenario so they never collide."""
    comparisons = list(comparisons)

    def tag(c: Comparison, key: Key) -> Key:
        return (f"{c.name}:{key[0]}", key[1], key[2], key[3])

    return Comparison(
        name=name,
        tumour_only=bool(comparisons) and all(c.tumour_only for c in comparisons),
        truth={tag(c, k): v for c in comparisons for k, v in c.truth.items()},
        records={tag(c, k): v for c in comparisons for k, v in c.records.items()},
        depth={tag(c, k): v for c in comparisons for k, v in c.depth.items()},
        germline={tag(c, k) for c in comparisons for k in c.germline},
    )


# --------------------------------------------------------------------------- figures


def score_of(c: Comparison, truth_filter: Callable[[Key], bool], call_filter: Callable[[Key], bool]) -> SplitScore:
    """TP/FN over the truth keys ``truth_filter`` keeps, TP/FP over the calls ``call_filter`` keeps.

    With the same filter on both sides this is the usual score of a subset; with a truth-VAF
    filter and an observed-VAF filter, recall and precision each use their own VAF.
    """
    calls, truth = c.calls, set(c.truth)
    tp_recall = sum(1 for k in truth if truth_filter(k) and k in calls)
    fn = sum(1 for k in truth if truth_filter(k) and k not in calls)
    kept_calls = [k for k in calls if call_filter(k)]
    tp_precision = sum(1 for k in kept_calls if k in truth)
    fp = len(kept_calls) - tp_precision
    # Score holds one TP count; precision and recall here may rest on different TPs.
    return SplitScore(tp=tp_recall, fp=fp, fn=fn, tp_precision=tp_precision)


@dataclass(frozen=True)
class SplitScore(Score):
    """A score whose precision counts its own true positives (calls kept by another filter)."""

    tp_precision: int = 0

    @property
    def precision(self) -> float:
        called = self.tp_precision + self.fp
        return self.tp_precision / called if called else 1.0


def overall(c: Comparison) -> Score:
    return Score(len(c.tp), len(c.fp), len(c.fn))


def by_type(c: Comparison) -> dict[str, Score]:
    return {
        "SNV": Score(
            sum(not is_indel(k) for k in c.tp), sum(not is_indel(k) for k in c.fp), sum(not is_indel(k) for k in c.fn)
        ),
        "indel": Score(sum(is_indel(k) for k in c.tp), sum(is_indel(k) for k in c.fp), sum(is_indel(k) for k in c.fn)),
    }


def recall_by_vaf(c: Comparison) -> dict[str, tuple[int, int]]:
    """Truth-VAF bin -> (found, missed)."""
    table = {label: [0, 0] for *_, label in VAF_BINS}
    calls = c.calls
    for key, vaf in c.truth.items():
        label = bin_label(vaf, VAF_BINS)
        table.setdefault(label, [0, 0])[0 if key in calls else 1] += 1
    return {label: (found, missed) for label, (found, missed) in table.items()}


def recall_by_depth(c: Comparison) -> dict[str, tuple[int, int]]:
    """Site-depth bin -> (found, missed)."""
    table = {label: [0, 0] for *_, label in DEPTH_BINS}
    calls = c.calls
    for key in c.truth:
        label = bin_label(c.depth.get(key), DEPTH_BINS)
        table.setdefault(label, [0, 0])[0 if key in calls else 1] += 1
    return {label: (found, missed) for label, (found, missed) in table.items()}


def fp_by_vaf(c: Comparison) -> dict[str, int]:
    """Observed-VAF (TVAF) bin -> false positives."""
    table = {label: 0 for *_, label in VAF_BINS}
    for key in c.fp:
        label = bin_label(c.observed_vaf(key), VAF_BINS)
        table[label] = table.get(label, 0) + 1
    return table


def _truth_vaf_at_least(c: Comparison, vaf: float) -> Callable[[Key], bool]:
    return lambda k: c.truth.get(k) is not None and c.truth[k] >= vaf


def _observed_vaf_at_least(c: Comparison, vaf: float) -> Callable[[Key], bool]:
    return lambda k: (c.observed_vaf(k) or 0.0) >= vaf


def snv_at_headline_vaf(c: Comparison) -> SplitScore:
    """SNVs: recall over truth VAF ≥ 0.05, precision over calls with TVAF ≥ 0.05."""
    truth_ok, call_ok = _truth_vaf_at_least(c, HEADLINE_VAF), _observed_vaf_at_least(c, HEADLINE_VAF)
    return score_of(c, lambda k: not is_indel(k) and truth_ok(k), lambda k: not is_indel(k) and call_ok(k))


def low_vaf_deep(c: Comparison, snv_only: bool = False) -> SplitScore:
    """Truth VAF in [0.03, 0.05) at sites with tumour depth ≥ 300 (recall only); SNVs alone with ``snv_only``."""
    low, high = LOW_VAF

    def keep(k: Key) -> bool:
        vaf, depth = c.truth.get(k), c.depth.get(k)
        if snv_only and is_indel(k):
            return False
        return vaf is not None and low <= vaf < high and depth is not None and depth >= DEEP

    return score_of(c, keep, lambda k: False)


def tumour_only_precision(c: Comparison) -> tuple[SplitScore, SplitScore]:
    """Calls with TVAF ≥ 0.05: (germline truth counted as FP, germline truth sites left out)."""
    call_ok = _observed_vaf_at_least(c, HEADLINE_VAF)
    sites = {(k[0], k[1]) for k in c.germline}
    with_germline = score_of(c, lambda k: False, call_ok)
    without = score_of(c, lambda k: False, lambda k: call_ok(k) and (k[0], k[1]) not in sites)
    return with_germline, without


@dataclass(frozen=True)
class Headline:
    """The figures the project shows; None where the comparison has no such sites or calls."""

    snv_recall: float | None
    snv_precision: float | None
    low_vaf_deep_recall: float | None
    low_vaf_deep_sites: int
    indel_f1: float | None
    tumour_only_precision_with_germline: float | None
    tumour_only_precision_without_germline: float | None
    low_vaf_deep_snv_recall: float | None = None
    low_vaf_deep_snv_sites: int = 0


def headline(c: Comparison) -> Headline:
    snv = snv_at_headline_vaf(c)
    low = low_vaf_deep(c)
    low_snv = low_vaf_deep(c, snv_only=True)
    indel = by_type(c)["indel"]
    to_with, to_without = tumour_only_precision(c) if c.tumour_only else (None, None)
    return Headline(
        snv_recall=snv.recall if snv.tp + snv.fn else None,
        snv_precision=snv.precision if snv.tp_precision + snv.fp else None,
        low_vaf_deep_recall=low.recall if low.tp + low.fn else None,
        low_vaf_deep_sites=low.tp + low.fn,
        indel_f1=indel.f1 if indel.tp + indel.fp + indel.fn else None,
        tumour_only_precision_with_germline=to_with.precision
        if to_with and to_with.tp_precision + to_with.fp
        else None,
        tumour_only_precision_without_germline=(
            to_without.precision if to_without and to_without.tp_precision + to_without.fp else None
        ),
        low_vaf_deep_snv_recall=low_snv.recall if low_snv.tp + low_snv.fn else None,
        low_vaf_deep_snv_sites=low_snv.tp + low_snv.fn,
    )


# --------------------------------------------------------------------------- text


def _fraction(found: int, total: int) -> str:
    return f"{found}/{total} = {found / total:.3f}" if total else "-"


def _figure(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def format_comparison(c: Comparison, details: bool = True) -> str:
    """The tables of one comparison (and its misses and false calls with their evidence)."""
    lines = [f"== {c.name} ({'tumour-only' if c.tumour_only else 'tumour/normal'}) =="]
    lines.append(f"{'':10} {'TP':>5} {'FP':>5} {'FN':>5} {'recall':>8} {'precision':>9} {'F1':>6}")
    for label, s in [("all", overall(c)), *by_type(c).items()]:
        lines.append(f"{label:10} {s.tp:5d} {s.fp:5d} {s.fn:5d} {s.recall:8.3f} {s.precision:9.3f} {s.f1:6.3f}")
    lines.append(
        "recall by truth VAF:   "
        + "  ".join(f"{lab} {_fraction(f, f + m)}" for lab, (f, m) in recall_by_vaf(c).items() if f + m)
    )
    lines.append(
        "recall by tumour depth: "
        + "  ".join(f"{lab} {_fraction(f, f + m)}" for lab, (f, m) in recall_by_depth(c).items() if f + m)
    )
    lines.append("FP by observed VAF:    " + "  ".join(f"{lab} {n}" for lab, n in fp_by_vaf(c).items()))
    lines.extend(format_headline(headline(c), c.tumour_only))
    if details:
        lines.extend(format_misses(c))
    return "\n".join(lines)


def format_headline(h: Headline, tumour_only: bool) -> list[str]:
    snv = (
        f"SNV recall (truth VAF >= {HEADLINE_VAF}): {_figure(h.snv_recall)}   "
        f"SNV precision (TVAF >= {HEADLINE_VAF}): {_figure(h.snv_precision)}"
    )
    low_and_indel = (
        f"recall VAF {LOW_VAF[0]}-{LOW_VAF[1]} at depth >= {DEEP}: {_figure(h.low_vaf_deep_recall)} "
        f"({h.low_vaf_deep_sites} sites)   indel F1: {_figure(h.indel_f1)}"
    )
    low_snv = (
        f"SNV recall VAF {LOW_VAF[0]}-{LOW_VAF[1]} at depth >= {DEEP}: {_figure(h.low_vaf_deep_snv_recall)} "
        f"({h.low_vaf_deep_snv_sites} sites)"
    )
    lines = [snv, low_and_indel, low_snv]
    if tumour_only:
        lines.append(
            f"tumour-only precision (TVAF >= {HEADLINE_VAF}): {_figure(h.tumour_only_precision_with_germline)} "
            f"with germline truth as FP, {_figure(h.tumour_only_precision_without_germline)} without germline sites"
        )
    return lines


def format_misses(c: Comparison) -> list[str]:
    """Every FN and FP with the caller's evidence: what the lead needs to fix a miss."""
    lines = []
    for key in sorted(c.fn):
        evidence = c.records.get(key)
        seen = evidence.describe() if evidence else f"no candidate (depth {c.depth.get(key)})"
        lines.append(f"  FN {key[0]}:{key[1]} {key[2]}>{key[3]} truth VAF {c.truth[key]}: {seen}")
    for key in sorted(c.fp):
        germline = " [germline truth]" if key in c.germline else ""
        lines.append(f"  FP {key[0]}:{key[1]} {key[2]}>{key[3]}{germline}: {c.records[key].describe()}")
    return lines
