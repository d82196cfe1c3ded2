"""Gene-level copy-number calls (presis.copynumber): vocabulary, purity adjustment, safety rules, KB tiers."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from presis.copynumber.genes import (
    Purity,
    adjusted_copy_number,
    copy_number_interval,
    estimate_purity,
    gene_calls,
    median_interval,
    normal_copies,
    sample_noise,
    target_noise,
)
from presis.copynumber.interpret import analyse
from presis.interpretation import kb
from presis.vardb.contribution import copy_number_events

REPO = Path(__file__).resolve().parents[1]
SETTINGS = yaml.safe_load((REPO / "config" / "defaults.yaml").read_text())["copy_number"]


def cnr(genes: dict[str, tuple[float, int]], noise: float = 0.08, seed: int = 1) -> pd.DataFrame:
    """A .cnr: per gene (true log2, targets), plus 12 neutral backbone genes of 10 targets."""
    rng = np.random.default_rng(seed)
    layout = {f"NEUTRAL{i}": (0.0, 10) for i in range(12)} | genes
    rows, start = [], 1000
    for gene, (log2, n) in layout.items():
        for _ in range(n):
            rows.append({"chromosome": "chr1", "start": start, "end": start + 200, "gene": gene,
                         "log2": log2 + rng.normal(0, noise), "depth": 100.0, "weight": 1.0})  # fmt: skip
            start += 1000
    return pd.DataFrame(rows)


def observed_log2(cn: float, purity: float, n0: int = 2) -> float:
    return float(np.log2((purity * cn + (1 - purity) * n0) / n0))


def calls(frame, purity: Purity, sex=None, chromosome_of=None) -> dict[str, dict]:
    genes = list(dict.fromkeys(frame["gene"]))
    return {g["gene"]: g for g in gene_calls(frame, genes, chromosome_of or {}, purity, sex, SETTINGS)}


GIVEN = Purity(0.5, "sample_sheet", "")


@pytest.mark.parametrize(
    ("cn", "purity", "expected"),
    [
        (10, 0.5, "amplification"),
        (8, 0.3, "amplification"),
        (4, 0.5, "gain"),
        (2, 0.5, "neutral"),
        (1, 0.6, "loss"),
        (0, 0.5, "homozygous_deletion"),
        (0, 0.2, "not_evaluable"),  # below min_purity: never neutral, never "not detected"
        (2, 0.2, "not_evaluable"),
        (12, 0.2, "amplification"),  # an amplification is still seen at low purity
    ],
)
def test_calls_follow_the_purity_adjusted_copy_number(cn, purity, expected):
    frame = cnr({"GENE": (observed_log2(cn, purity), 12)})
    got = calls(frame, Purity(purity, "sample_sheet", ""))["GENE"]
    assert got["call"] == expected, got["reason"]
    assert got["reason"].startswith("GENE: log2")
    if expected in ("amplification", "gain", "neutral"):
        assert abs(got["copy_number"] - cn) <= 0.25 * max(cn, 2)


def test_without_purity_a_deep_loss_is_a_loss_with_depth_unknown_never_a_homozygous_deletion():
    frame = cnr({"GENE": (observed_log2(0, 0.7), 12), "AMP": (observed_log2(20, 0.7), 12)})
    got = calls(frame, Purity(None, "none", "no purity"))
    assert got["GENE"]["call"] == "loss" and "depth unknown" in got["GENE"]["reason"]
    assert got["AMP"]["call"] == "amplification" and "not purity-adjusted" in got["AMP"]["reason"]
    assert got["GENE"]["purity_adjusted"] is False


def test_few_targets_or_a_noisy_sample_are_not_evaluable():
    """(Such genes have no copy number, so no interval: the record says None, the report shows a dash.)"""
    few = calls(cnr({"SMALL": (observed_log2(20, 0.5), 2)}), GIVEN)["SMALL"]
    assert few["call"] == "not_evaluable" and "min_targets" in few["reason"]
    noisy = cnr({"AMP": (observed_log2(20, 0.5), 12)}, noise=0.6)
    assert sample_noise(noisy) > SETTINGS["max_noise"]
    assert {g["call"] for g in calls(noisy, GIVEN).values()} == {"not_evaluable"}


def test_sex_chromosomes_use_the_sheet_sex():
    assert normal_copies("chrX", "male") == (1, None)
    assert normal_copies("chrX", "female") == (2, None)
    assert normal_copies("chrY", "female")[0] is None
    assert "sex is not given" in normal_copies("chrX", None)[1]
    # a male's single X at its normal depth is neutral, not a loss; with unknown sex not evaluable
    frame = cnr({"XGENE": (0.0, 12)})
    chromosome_of = {"chrX_slice": "chrX"}
    frame.loc[frame["gene"] == "XGENE", "chromosome"] = "chrX_slice"
    assert calls(frame, GIVEN, "male", chromosome_of)["XGENE"]["call"] == "neutral"
    assert calls(frame, GIVEN, None, chromosome_of)["XGENE"]["call"] == "not_evaluable"


def test_adjusted_copy_number_inverts_the_mixture():
    for cn in (0, 1, 3, 6, 10):
        assert adjusted_copy_number(observed_log2(cn, 0.4), 0.4, 2) == pytest.approx(cn, abs=1e-9)


def test_purity_estimate_from_somatic_snvs_in_neutral_genes():
    somatic = pd.DataFrame({
        "status": ["somatic"] * 4 + ["germline"],
        "tumour_vaf": [0.2, 0.22, 0.24, 0.6, 0.5],
        "gene": ["A", "A", "B", "AMP", "A"],
        "ref": ["C"] * 5, "alt": ["T"] * 5,
    })  # fmt: skip
    settings = SETTINGS["purity_estimate"]
    estimate = estimate_purity(somatic, {"A", "B"}, settings)
    assert estimate.source == "somatic_vafs" and estimate.value == pytest.approx(0.44)
    assert estimate_purity(somatic, {"B"}, settings).value is None  # one SNV is not enough
    # three SNVs: their range, which holds the median 75 % of the time, and it says so
    assert estimate.interval == (0.4, 0.48) and "75 % interval" in estimate.detail
    assert estimate.interval_coverage == pytest.approx(0.75)
    assert estimate.as_dict()["interval"] == [0.4, 0.48]


def test_median_interval_from_order_statistics():
    # 10 values: x(2)..x(9) holds the median with 1 - 2 * 11/1024 = 97.9 % (x(3)..x(8): 89 %, too little)
    low, high, coverage = median_interval(np.arange(10, 0, -1) / 100)
    assert (low, high) == (0.02, 0.09) and coverage == pytest.approx(1 - 22 / 1024)
    # 30 values: ranks 10 and 21 (the textbook 95 % interval of the median for n = 30)
    low, high, coverage = median_interval(np.arange(1, 31))
    assert (low, high) == (10, 21) and coverage >= 0.95
    assert median_interval(np.array([0.3, 0.1, 0.2]))[2] == pytest.approx(0.75)


def test_an_estimated_purity_widens_the_copy_number_interval():
    log2, se = observed_log2(8, 0.4), 0.05
    given = copy_number_interval(log2, se, 0.4, 2)
    low, high = copy_number_interval(log2, se, 0.4, 2, (0.34, 0.46))
    # an amplification reads fewer copies at a higher purity and more at a lower one
    assert low == pytest.approx(adjusted_copy_number(log2 - 1.96 * se, 0.46, 2))
    assert high == pytest.approx(adjusted_copy_number(log2 + 1.96 * se, 0.34, 2))
    assert low < given[0] < 8 < given[1] < high
    # below a ratio of 1 it turns: a deep loss reads more copies at a higher purity (a remnant copy is
    # not excluded when the purity may be higher than estimated)
    deleted = observed_log2(0, 0.6)
    assert copy_number_interval(deleted, se, 0.6, 2, (0.5, 0.7))[1] == pytest.approx(
        adjusted_copy_number(deleted + 1.96 * se, 0.7, 2)
    )
    # and the gene's call says so: an amplification not sure at the estimate's lower purity bound
    frame = cnr({"AMP": (observed_log2(8, 0.4), 12)}, noise=0.05, seed=3)
    sure = calls(frame, Purity(0.4, "sample_sheet", ""))["AMP"]
    assert sure["call"] == "amplification" and "lower bound" not in sure["reason"]
    estimated = calls(frame, Purity(0.4, "somatic_vafs", "", (0.3, 0.75)))["AMP"]
    assert estimated["call"] == "amplification" and estimated["copy_number"] == sure["copy_number"]
    assert estimated["copy_number_interval"][0] < SETTINGS["amplification_cn"] <= estimated["copy_number"]
    assert "lower bound" in estimated["reason"] and "purity estimate's range" in estimated["reason"]
    assert "too few SNVs" not in estimated["reason"]
    # a range from 3 SNVs holds the median 75 % of the time: the interval is not called 95 % unqualified
    few = calls(frame, Purity(0.4, "somatic_vafs", "", (0.3, 0.75), 0.75))["AMP"]
    assert "holds the median VAF only 75 % of the time: too few SNVs for 95 %" in few["reason"]


def test_events_are_tiered_from_the_kb_and_reach_the_contribution():
    frame = cnr({"ERBB2": (observed_log2(12, 0.6), 12), "CDKN2A": (observed_log2(0, 0.6), 6)})
    knowledge_base = kb.load()
    result = analyse(
        cnr=frame, genes=list(dict.fromkeys(frame["gene"])), chromosome_of={}, purity_given=0.6, sex="female",
        somatic=pd.DataFrame(), reference_kind="normals", reference_normals=6, tumour_type="IDC",
        kb=knowledge_base, roles=kb.load_gene_roles(REPO / "config" / "kb" / "gene_roles.tsv"), settings=SETTINGS,
    )  # fmt: skip
    events = {e["gene"]: e for e in result["events"]}
    assert events["ERBB2"]["event"] == "amplification"
    assert events["ERBB2"]["amp_tier"]["value"] == "I-A" and events["ERBB2"]["escat"]["value"] == "I-A"
    assert "trastuzumab" in {t["therapy"] for t in events["ERBB2"]["therapies"]}
    assert events["CDKN2A"]["event"] == "homozygous_deletion"
    assert events["CDKN2A"]["oncogenicity"]["value"] == "oncogenic" and events["CDKN2A"]["amp_tier"]["value"] == "III"
    assert copy_number_events(result) == [
        {"gene": "CDKN2A", "kind": "copy_number", "event": "homozygous_deletion", "origin": "somatic"},
        {"gene": "ERBB2", "kind": "copy_number", "event": "amplification", "origin": "somatic"},
    ]
    assert result["purity"]["source"] == "sample_sheet"


def test_a_flat_reference_is_flagged():
    frame = cnr({})
    result = analyse(
        cnr=frame, genes=["NEUTRAL0"], chromosome_of={}, purity_given=None, sex=None, somatic=pd.DataFrame(),
        reference_kind="flat", reference_normals=0, tumour_type=None, kb=kb.load(),
        roles=kb.load_gene_roles(REPO / "config" / "kb" / "gene_roles.tsv"), settings=SETTINGS,
    )  # fmt: skip
    assert any("FLAT REFERENCE" in w for w in result["warnings"])
    assert any("not purity-adjusted" in w for w in result["warnings"])


def test_log2_is_centred_on_the_on_target_median_whatever_the_contig_names():
    """CNVkit centres on autosomes recognised by name: on gene-slice contigs only chr17 counted and a
    homozygous TP53 deletion put every neutral gene at +3.4. presis recentres on the on-target median."""
    from cnvlib.cnary import CopyNumArray

    from presis.copynumber.cnvkit_steps import recentre

    rng = np.random.default_rng(7)
    rows = []
    for contig, gene, n, level in (
        ("chr3_52287089_52809009", "PBRM1", 60, 3.4),
        ("chr17_42425000_43600000", "BRCA1", 120, 3.4),
        ("chr7_55019017_55211628", "EGFR", 30, 3.4 + 1.8),
        ("chr17", "TP53", 11, 0.1),
        ("chr17", "Antitarget", 50, 0.0),
    ):
        for i in range(n):
            rows.append((contig, 1000 * i, 1000 * i + 200, gene, level + rng.normal(0, 0.1)))
    rows.append(("chr3_52287089_52809009", 99000, 99200, "PBRM1", -20.0))  # no reads: not in the median
    cnarr = CopyNumArray(pd.DataFrame(rows, columns=["chromosome", "start", "end", "gene", "log2"]))
    recentre(cnarr)
    by_gene = cnarr.data.groupby("gene")["log2"].median()
    assert abs(by_gene["BRCA1"]) < 0.05 and abs(by_gene["PBRM1"]) < 0.05
    assert by_gene["EGFR"] == pytest.approx(1.8, abs=0.1)
    assert by_gene["TP53"] < -3.0
    assert abs(by_gene["Antitarget"]) < 0.05


def test_edge_correction_removes_the_geometry_trend_without_compressing_a_small_amplified_gene():
    """An edge-geometry trend in the tumour/normal ratio is removed from every gene, and an amplified
    gene of small, alike bins (MYC-like) keeps its level: it is left out of the fit. (Without any
    correction the neutral genes spread by 0.21 and the gene shows +0.43; CNVkit's plain windowed
    median over all bins removes the trend but leaves the gene at +0.14.)"""
    from cnvlib import fix
    from cnvlib import params as cnv_params
    from cnvlib.cnary import CopyNumArray

    from presis.copynumber.cnvkit_steps import robust_edge_correction

    rng = np.random.default_rng(3)
    rows, pos = [], 1000
    for g in range(20):
        for _ in range(15):
            # exon-sized bins, a few small ones: the edge bias differs between them
            size = int(rng.integers(60, 100)) if rng.random() < 0.08 else int(rng.integers(150, 400))
            rows.append(("chr1", pos, pos + size, f"G{g}"))
            pos += size + int(rng.integers(300, 3000))
    for _ in range(14):  # the amplified gene: 14 small exons, alike in geometry
        rows.append(("chr1", pos, pos + 80, "AMP"))
        pos += 2000
    frame = pd.DataFrame(rows, columns=["chromosome", "start", "end", "gene"])
    bias = fix.get_edge_bias(CopyNumArray(frame.assign(log2=0.0)), cnv_params.INSERT_SIZE).to_numpy()
    trend = 1.5 * (bias - np.median(bias))  # what the reference does not hold
    frame["log2"] = trend + rng.normal(0, 0.05, len(frame)) + np.where(frame["gene"] == "AMP", 1.0, 0.0)
    cnarr = CopyNumArray(frame)
    robust_edge_correction(cnarr)
    level = cnarr.data.groupby("gene")["log2"].median()
    neutral = level.drop("AMP")
    assert (neutral - neutral.median()).abs().max() < 0.06
    assert level["AMP"] - neutral.median() == pytest.approx(1.0, abs=0.1)


def split_targets(gene: str, target_errors: list[float], bins_per_target: list[int], log2: float, start: int):
    """Bins of one gene whose capture targets are split into adjacent bins that err together."""
    rows = []
    for error, k in zip(target_errors, bins_per_target, strict=True):
        for _ in range(k):
            rows.append({"chromosome": "chr9", "start": start, "end": start + 200, "gene": gene, "log2": log2 + error,
                         "depth": 100.0, "weight": 1.0})  # fmt: skip
            start += 200
        start += 1500
    return rows


def test_a_gene_mean_counts_each_capture_target_once_and_its_interval_follows_the_targets():
    """A MYC-like gene: 8 bins in 3 capture targets, the 4-bin exon 0.25 low (its bins err together, as a
    target's do). Bins weighted alike put the gene at -0.125 and claim 8 independent bins; counted per
    target the error is a third of that's and the interval (from the per-target noise over √3) holds the truth."""
    truth = observed_log2(8, 0.4)
    rows = split_targets("MYC", [0.10, -0.25, 0.0], [1, 4, 3], truth, 10_000)
    rng = np.random.default_rng(5)
    for g in range(12):  # backbone genes of 6 targets x 2 bins: per-target error 0.1, bins alike within a target
        rows += split_targets(f"N{g}", list(rng.normal(0, 0.1, 6)), [2] * 6, 0.0, 100_000 * (g + 1))
    frame = pd.DataFrame(rows)
    got = calls(frame, Purity(0.4, "sample_sheet", ""))["MYC"]
    assert got["log2"] == pytest.approx(truth + (0.10 - 0.25 + 0.0) / 3, abs=1e-3)
    assert got["targets"] == 8
    low, high = got["copy_number_interval"]
    assert low < 8 < high and low < got["copy_number"] < high
    # the per-target noise, not the (near-zero) spread of bins within a target, sets the width
    assert target_noise(frame) == pytest.approx(0.1, abs=0.04)
    assert high - low > 2.0


def test_an_amplification_whose_interval_reaches_below_the_threshold_says_so():
    frame = cnr({"AMP": (observed_log2(6.5, 0.3), 4), "SURE": (observed_log2(20, 0.6), 12)}, noise=0.12, seed=2)
    got = calls(frame, Purity(0.3, "sample_sheet", ""))
    amp, sure = got["AMP"], got["SURE"]
    assert amp["call"] == "amplification", amp["reason"]
    assert amp["copy_number_interval"][0] < SETTINGS["amplification_cn"] <= amp["copy_number"]
    assert "lower bound" in amp["reason"] and "a gain) are not excluded" in amp["reason"]
    assert sure["call"] == "amplification" and sure["copy_number_interval"][0] >= SETTINGS["amplification_cn"]
    assert "lower bound" not in sure["reason"] and "95 % interval" in sure["reason"]


def analysed_at_purity_06(frame: pd.DataFrame) -> dict:
    """The copy-number result of a breast tumour (IDC) at sheet purity 0.6 against 6 normals."""
    return analyse(
        cnr=frame, genes=list(dict.fromkeys(frame["gene"])), chromosome_of={}, purity_given=0.6, sex="female",
        somatic=pd.DataFrame(), reference_kind="normals", reference_normals=6, tumour_type="IDC",
        kb=kb.load(), roles=kb.load_gene_roles(REPO / "config" / "kb" / "gene_roles.tsv"), settings=SETTINGS,
    )  # fmt: skip


def test_the_interval_reaches_the_tsv_and_the_events(tmp_path):
    from presis.copynumber.interpret import write_tsv

    frame = cnr({"ERBB2": (observed_log2(12, 0.6), 12)})
    result = analysed_at_purity_06(frame)
    erbb2 = next(g for g in result["genes"] if g["gene"] == "ERBB2")
    assert result["events"][0]["copy_number_interval"] == erbb2["copy_number_interval"]
    write_tsv(result, tmp_path / "cn.tsv")
    table = pd.read_csv(tmp_path / "cn.tsv", sep="\t").set_index("gene")
    assert table.loc["ERBB2", "copy_number_low"] == erbb2["copy_number_interval"][0]
    assert (
        table.loc["ERBB2", "copy_number_low"]
        < table.loc["ERBB2", "copy_number"]
        < table.loc["ERBB2", "copy_number_high"]
    )


def test_z_counts_capture_targets_not_bins():
    """+0.18 log2 at purity 0.3 (2.9 copies) in 8 bins: as 2 capture targets of 4 bins each (bins of one target
    err together) it is 2 measurements — |z| below min_z, neutral; as 8 capture targets of 1 bin it is a gain."""
    rng = np.random.default_rng(11)
    backbone = []
    for g in range(12):  # per-target error 0.12, bins alike within a target
        backbone += split_targets(f"N{g}", list(rng.normal(0, 0.12, 6)), [2] * 6, 0.0, 100_000 * (g + 1))
    purity = Purity(0.3, "sample_sheet", "")
    two = calls(pd.DataFrame(backbone + split_targets("G", [0.0, 0.0], [4, 4], 0.18, 10_000)), purity)["G"]
    eight = calls(pd.DataFrame(backbone + split_targets("G", [0.0] * 8, [1] * 8, 0.18, 10_000)), purity)["G"]
    assert two["targets"] == eight["targets"] == 8
    assert two["call"] == "neutral" and "below min_z" in two["reason"] and "(2 capture targets)" in two["reason"]
    assert eight["call"] == "gain", eight["reason"]


def test_a_gene_without_copy_number_has_no_interval_and_the_report_still_renders(tmp_path):
    """A 1-Mb panel's report stopped on a gene that was not evaluable (too few targets): the HTML
    table read its interval, which such a gene does not have."""
    from test_report import ALL_SECTIONS, SCHEMA, make_report

    from presis.report.document import render_html, validate_report

    frame = cnr({"ERBB2": (observed_log2(12, 0.6), 12), "SMALL": (0.0, 2)})
    result = analysed_at_purity_06(frame)
    small = next(g for g in result["genes"] if g["gene"] == "SMALL")
    assert small["call"] == "not_evaluable" and small["copy_number_interval"] is None
    report = make_report(tmp_path, sections=[*ALL_SECTIONS, "copy_number"]) | {"copy_number": result}
    assert validate_report(report, SCHEMA) == []
    row = render_html(report).split("<td><b>SMALL</b></td>")[1].split("</tr>")[0]
    assert "not evaluable" in row and "–" in row
