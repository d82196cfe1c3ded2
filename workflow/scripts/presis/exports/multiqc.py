"""presis' own metrics as MultiQC custom content (`*_mqc.json`), beside MultiQC's fastp,
samtools stats, mosdepth and bcftools stats modules in the run-level report.

Two tables, each row a sample name as the tool modules name it (so MultiQC lines them up):
- 'presis QC checks': every QC threshold of the report per sample (value, threshold, pass/fail);
- 'presis patient summary': per tumour sample, the patient-level results (identity check, TMB,
  MSI, FFPE, coverage of the knowledge base's biomarker sites, copy-number noise and status, tumour
  RNA QC when those ran).

A new report section adds a function to PATIENT_METRICS.
"""

from __future__ import annotations

from collections.abc import Callable

PASS_FAIL_RULES = {
    "cond_formatting_rules": {"pass": [{"s_eq": "pass"}], "warn": [{"s_eq": "warn"}], "fail": [{"s_eq": "fail"}]},
    "cond_formatting_colours": [{"pass": "#5cb85c"}, {"warn": "#f0ad4e"}, {"fail": "#d9534f"}],
}


def _verdict(passed: bool | None) -> str:
    return "n/a" if passed is None else ("pass" if passed else "fail")


def qc_checks(reports: list[dict]) -> dict:
    """Custom content: one row per sample, a value and a pass/fail column per QC threshold."""
    data: dict[str, dict] = {}
    headers: dict[str, dict] = {}
    for report in reports:
        for sample in report.get("qc") or []:
            row = data.setdefault(sample["sample"], {"patient": report["patient"]["id"]})
            row["qc"] = _verdict(sample["pass"])
            for check in sample["checks"]:
                metric = check["metric"]
                row[metric] = check["value"]
                row[f"{metric}_pass"] = _verdict(check["pass"])
                headers.setdefault(metric, {"title": metric.replace("_", " "), "description": check["if_failed"]})
                headers.setdefault(f"{metric}_pass", {"title": f"{metric.replace('_', ' ')} check",
                                                      "description": f"threshold {check['threshold']} (level preset)",
                                                      **PASS_FAIL_RULES})  # fmt: skip
    headers = {
        "patient": {"title": "patient"},
        "qc": {"title": "QC", "description": "every threshold of the sample met", **PASS_FAIL_RULES},
        **dict(sorted(headers.items())),
    }
    return {
        "id": "presis_qc_checks", "section_name": "presis QC checks", "plot_type": "table",
        "description": "Each QC threshold of the presis report (config qc.tumour / qc.normal) per sample.",
        "pconfig": {"id": "presis_qc_checks_table", "title": "presis QC checks", "namespace": "presis"},
        "headers": headers, "data": data,
    }  # fmt: skip


def identity_metrics(report: dict) -> dict:
    identity = report.get("identity")
    if not identity:
        return {}
    verdict = {"match": "pass", "mismatch": "fail"}.get(identity["status"], "warn")
    return {"identity": verdict, "identity_detail": identity["message"]}


def tmb_metrics(report: dict) -> dict:
    tmb = report.get("tmb")
    if not tmb:
        return {}
    value = f"{tmb['tmb_per_mb']} /Mb" if tmb["evaluable"] else "—"
    return {"tmb_status": tmb["status"], "tmb": value, "tmb_detail": tmb["reason"]}


def msi_metrics(report: dict) -> dict:
    msi = report.get("msi")
    return {"msi_status": msi["status"], "msi_detail": msi["reason"]} if msi else {}


def ffpe_metrics(report: dict) -> dict:
    ffpe = report.get("ffpe")
    return {"ffpe": ffpe["flag"], "ffpe_detail": ffpe["reason"]} if ffpe else {}


def kb_site_metrics(report: dict) -> dict:
    """Coverage of the knowledge base's biomarker sites: how many could be assessed at all."""
    sites = (report.get("lod") or {}).get("sites") or []
    if not sites:
        return {}
    evaluable = [s for s in sites if s["status"] != "not_evaluable"]
    depths = [s["depth"] for s in sites]
    return {
        "kb_sites": len(sites),
        "kb_sites_evaluable_pct": round(100 * len(evaluable) / len(sites), 1),
        "kb_sites_detected": sum(s["status"] == "detected" for s in sites),
        "kb_sites_min_depth": min(depths),
    }


def copy_number_metrics(report: dict) -> dict:
    """The sample's copy-number noise against its limit (config copy_number) and whether calls were made."""
    cnv = report.get("copy_number")
    if not cnv:
        return {}
    noise = cnv["noise"]
    return {
        "cnv_status": "evaluable" if cnv["evaluable"] else "not evaluable",
        "cnv_noise": noise["value"] if noise["value"] is not None else "—",
        "cnv_noise_check": _verdict(noise["pass"]),
        "cnv_events": sum(g["call"] in ("amplification", "homozygous_deletion") for g in cnv["genes"]),
        "cnv_detail": cnv["reason"],
    }


def rna_metrics(report: dict) -> dict:
    """Tumour RNA QC (config rna.qc): mapped pairs and fraction, reads over the panel genes, duplicates."""
    rna = report.get("rna")
    if not rna:
        return {}
    qc = rna["qc"]
    return {
        "rna_qc": _verdict(qc["pass"]),
        "rna_mapped_pairs": qc["mapped_pairs"],
        "rna_mapped_pct": round(100 * qc["mapped_fraction"], 1),
        "rna_panel_gene_reads": qc["panel_gene_reads"],
        "rna_duplicate_pct": round(100 * qc["duplicate_fraction"], 1),
        "rna_detected": sum(e["status"] == "detected" for e in rna["events"]),
        "rna_detail": rna["statement"],
    }


PATIENT_METRICS: list[Callable[[dict], dict]] = [
    identity_metrics,
    tmb_metrics,
    msi_metrics,
    ffpe_metrics,
    kb_site_metrics,
    copy_number_metrics,
    rna_metrics,
]
PATIENT_HEADERS = {
    "patient": {"title": "patient"},
    "tumour_type": {"title": "tumour type"},
    "identity": {"title": "T/N identity", "description": "tumour/normal identity check", **PASS_FAIL_RULES},
    "identity_detail": {"title": "identity detail", "hidden": True},
    "tmb_status": {"title": "TMB"}, "tmb": {"title": "TMB value"}, "tmb_detail": {"title": "TMB detail", "hidden": True},
    "msi_status": {"title": "MSI"}, "msi_detail": {"title": "MSI detail", "hidden": True},
    "ffpe": {"title": "FFPE"}, "ffpe_detail": {"title": "FFPE detail", "hidden": True},
    "kb_sites": {"title": "KB sites", "description": "biomarker sites of the knowledge base in the panel", "format": "{:,.0f}"},
    "kb_sites_evaluable_pct": {"title": "KB sites evaluable", "suffix": "%", "min": 0, "max": 100,
                               "description": "share of KB sites covered deeply enough to call at the limit of detection"},
    "kb_sites_detected": {"title": "KB sites detected", "format": "{:,.0f}"},
    "kb_sites_min_depth": {"title": "KB sites min depth", "format": "{:,.0f}"},
    "cnv_status": {"title": "CNV", "description": "copy-number calls made (sample noise and reference permitting)"},
    "cnv_noise": {"title": "CNV noise", "description": "spread of the bins' log2 ratios (lower is better)"},
    "cnv_noise_check": {"title": "CNV noise check", "description": "noise at most the level's limit", **PASS_FAIL_RULES},
    "cnv_events": {"title": "CNV events", "description": "genes amplified or homozygously deleted", "format": "{:,.0f}"},
    "cnv_detail": {"title": "CNV detail", "hidden": True},
    "rna_qc": {"title": "RNA QC", "description": "every RNA QC threshold met (else RNA not evaluable)", **PASS_FAIL_RULES},
    "rna_mapped_pairs": {"title": "RNA mapped pairs", "description": "uniquely mapped read pairs (STAR)", "format": "{:,.0f}"},
    "rna_mapped_pct": {"title": "RNA mapped", "suffix": "%", "min": 0, "max": 100},
    "rna_panel_gene_reads": {"title": "RNA panel-gene reads", "format": "{:,.0f}"},
    "rna_duplicate_pct": {"title": "RNA duplicates", "suffix": "%", "min": 0, "max": 100},
    "rna_detected": {"title": "RNA events", "description": "fusions and exon-skipping events detected", "format": "{:,.0f}"},
    "rna_detail": {"title": "RNA detail", "hidden": True},
}  # fmt: skip


def patient_summary(reports: list[dict]) -> dict:
    """Custom content: one row per tumour sample with its patient's results."""
    data = {}
    for report in reports:
        row = {"patient": report["patient"]["id"], "tumour_type": report["patient"]["tumour_type"]}
        for metrics in PATIENT_METRICS:
            row.update(metrics(report))
        data[report["samples"]["tumour"]] = row
    used = {key for row in data.values() for key in row}
    return {
        "id": "presis_patients", "section_name": "presis patient summary", "plot_type": "table",
        "description": "Patient-level results of the presis reports: identity check, TMB, MSI, FFPE, the "
        "coverage of the knowledge base's biomarker sites, copy-number noise and tumour RNA QC when run.",
        "pconfig": {"id": "presis_patients_table", "title": "presis patient summary", "namespace": "presis"},
        "headers": {k: v for k, v in PATIENT_HEADERS.items() if k in used},
        "data": data,
    }  # fmt: skip
