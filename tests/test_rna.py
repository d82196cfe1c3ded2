"""presis.rna: chimeric-junction parsing and filters, exon skipping from SJ.out.tab, STAR settings."""

from __future__ import annotations

import pytest
from conftest import REPO

from presis.annotation.transcripts import load_transcripts
from presis.rna import fusions, splicing, star
from presis.rna.geometry import exons_in_order

GFF3 = REPO / "tests" / "data" / "genome" / "presis-test-GRCh38.v2.gff3.gz"
SETTINGS = fusions.Settings(3, 5, 2, 1, 20, 100_000, 500_000)


@pytest.fixture(scope="module")
def index():
    return load_transcripts(GFF3)


def junction_line(
    a, brk_a, sa, b, brk_b, sb, kind, name, cig_a="60M40S", cig_b="60S40M", n=1, start_a=1000, start_b=2000
):
    return "\t".join(
        map(
            str,
            [
                a,
                brk_a,
                sa,
                b,
                brk_b,
                sb,
                kind,
                0,
                0,
                name,
                start_a,
                cig_a,
                start_b,
                cig_b,
                n,
                200,
                100,
                190,
                190,
                0,
                "x",
            ],
        )
    )


def test_sa_index_bases_follows_the_star_manual():
    assert star.sa_index_bases(13_000_000) == 10
    assert star.sa_index_bases(3_100_000_000) == 14


def test_a_junction_read_backwards_is_turned_into_transcript_orientation(tmp_path, index):
    # ABR (chr17, minus strand) exon 8 end joined to EGFR... built from STAR's read-orientation convention.
    egfr = index.choose("EGFR")[0]
    exon2 = exons_in_order(egfr)[1]
    kras = index.choose("KRAS")[0]
    kexon = exons_in_order(kras)[1]  # KRAS is on the minus strand
    # Read from the sense strand: EGFR exon 2 end (+) -> KRAS exon 2 start (-).
    lines = [
        junction_line(
            "chr7_55019017_55211628",
            exon2[1] + 1,
            "+",
            kras.contig,
            kexon[1] + 1,
            "-",
            1,
            f"r{i}",
            start_a=exon2[1] - 60 - i,
            start_b=kexon[1] - 40 - i,
        )
        for i in range(4)
    ]
    path = tmp_path / "Chimeric.out.junction"
    path.write_text("\n".join(lines) + "\n")
    calls = fusions.call_fusions(path, index, SETTINGS)
    assert [(c.name, c.status) for c in calls] == [("EGFR::KRAS", "detected")]
    assert calls[0].pos5 == exon2[1] and calls[0].pos3 == kexon[1]
    assert calls[0].partner5.exon == 2 and calls[0].partner3.exon == 2
    assert calls[0].partner5.at_boundary and calls[0].partner3.at_boundary


def test_two_reads_are_low_support_and_duplicates_count_once(tmp_path, index):
    egfr = index.choose("EGFR")[0]
    exon2 = exons_in_order(egfr)[1]
    kras = index.choose("KRAS")[0]
    kexon = exons_in_order(kras)[1]
    same = junction_line("chr7_55019017_55211628", exon2[1] + 1, "+", kras.contig, kexon[1] + 1, "-", 1, "r1")
    lines = [
        same,
        same.replace("\tr1\t", "\tr2\t"),
        junction_line("chr7_55019017_55211628", exon2[1] + 1, "+", kras.contig, kexon[1] + 1, "-", 1, "r3", start_a=7),
    ]
    path = tmp_path / "Chimeric.out.junction"
    path.write_text("\n".join(lines) + "\n")
    (call,) = fusions.call_fusions(path, index, SETTINGS)
    assert call.status == "low_support" and call.duplicates == 1
    assert "2 split + 0 spanning reads, 3 needed" in call.reason
    known = fusions.Settings(3, 5, 2, 1, 20, 100_000, 500_000, known_partners=frozenset({"KRAS"}))
    (call,) = fusions.call_fusions(path, index, known)
    assert call.status == "detected" and "known fusion partner" in call.reason


def test_egfrviii_fraction_from_the_junction_table(tmp_path, index):
    egfr = index.choose("EGFR")[0]
    exons = exons_in_order(egfr)
    skip = splicing.intron(exons[0], exons[7])
    normal = splicing.intron(exons[0], exons[1])
    contig = egfr.contig
    (tmp_path / "SJ.out.tab").write_text(
        f"{contig}\t{skip[0]}\t{skip[1]}\t1\t1\t0\t12\t0\t40\n{contig}\t{normal[0]}\t{normal[1]}\t1\t1\t1\t88\t0\t40\n"
    )
    event = splicing.SpliceEvent("EGFRvIII", "intragenic_deletion", "EGFR", egfr.id, 2, 7)
    (record,) = splicing.evaluate_all([event], tmp_path / "SJ.out.tab", index, splicing.Settings(10, 0.1))
    assert record["status"] == "detected" and record["fraction"] == 0.12 and record["frame"] == "in-frame"
    (record,) = splicing.evaluate_all([event], tmp_path / "SJ.out.tab", index, splicing.Settings(10, 0.2))
    assert record["status"] == "low_fraction" and "below rna.splicing.min_fraction 0.2" in record["reason"]


# --------------------------------------------------------------------------- result, report, contribution

QC_LIMITS = {
    "min_mapped_reads": 5000,
    "min_mapped_fraction": 0.5,
    "min_panel_gene_reads": 200,
    "max_duplicate_fraction": 0.8,
}


def qc_summary(mapped: int) -> dict:
    from presis.rna import qc

    summary = {"read_pairs": 10_000, "mapped_pairs": mapped, "mapped_fraction": mapped / 10_000,
               "duplicate_fraction": 0.1, "panel_gene_reads": 1_000, "reads_per_panel_gene": {}}  # fmt: skip
    summary["checks"] = qc.judge(summary, QC_LIMITS)
    summary["pass"] = all(c["pass"] for c in summary["checks"])
    return summary


def egfrviii_result(index, mapped: int = 9_000, candidates=()) -> dict:
    from presis.inputs.contigs import ContigMap
    from presis.interpretation import kb
    from presis.rna import results

    knowledge_base = kb.load()
    egfr = index.choose("EGFR")[0]
    exons = exons_in_order(egfr)
    skip, normal = splicing.intron(exons[0], exons[7]), splicing.intron(exons[0], exons[1])
    junctions = {(egfr.contig, *skip): 30, (egfr.contig, *normal): 70}
    events = [e for e in results.splice_events(knowledge_base) if e.name == "EGFRvIII"]
    splice = [splicing.evaluate(e, junctions, index, splicing.Settings(10, 0.1)) for e in events]
    contigs = ContigMap.load(REPO / "tests" / "data" / "genome" / "contigs.v2.tsv")
    return results.build_result("P-R", list(candidates), splice, qc_summary(mapped), contigs, knowledge_base, "GB")


def test_kb_entry_drives_egfrviii_with_grch38_breakpoints_and_tier(index):
    result = egfrviii_result(index)
    (event,) = result["events"]
    assert event["status"] == "detected" and event["kb_id"] == "EGFRVIII_GLIOBLASTOMA"
    assert [(b["chrom"], b["genomic_pos"]) for b in event["breakpoints"]] == [("chr7", 55019365), ("chr7", 55155830)]
    assert event["interpretation"]["amp_tier"]["value"] == "II-D"
    assert result["evaluable"] and result["statement"].startswith("RNA evaluable")


def test_failed_rna_qc_is_not_evaluable_never_negative(index):
    result = egfrviii_result(index, mapped=1_000)
    assert not result["evaluable"]
    assert "not evaluable" in result["statement"] and "cannot be concluded" in result["statement"]
    assert "uniquely mapped read pairs 1000 (limit 5000)" in result["statement"]


def test_rna_only_report_matches_the_report_schema(index):
    from presis.interpretation import kb
    from presis.report import rna as rna_report
    from presis.report.document import validate_report
    from presis.report.provenance import reported_config

    config = {"report": {"sections": ["findings"]}, "level": 2}
    provenance = {
        "presis": {"version": "0", "commit": "abc"},
        "tools": dict.fromkeys(["bwa", "samtools", "bcftools", "fastp", "mosdepth", "star"], "1"),
        "python": {},
        "reference": {"fasta": {}, "gff3": {}},
        "config": reported_config(config),
    }
    report = rna_report.rna_only_report(
        patient="P",
        info={"tumour_type": "GB"},
        rna=egfrviii_result(index),
        kb=kb.load().release(),
        provenance=provenance,
        config=config,
    )
    assert validate_report(report, REPO / "config" / "schemas" / "report.schema.json") == []
    broken = {k: v for k, v in report.items() if k != "rna"}
    assert validate_report(broken, REPO / "config" / "schemas" / "report.schema.json")
    html = rna_report.render_rna_only(report)
    assert "EGFRvIII" in html and "RNA only" in html


def test_contribution_carries_detected_rna_events_only(index):
    from presis.vardb import contribution

    result = egfrviii_result(index)
    result["events"].append({**result["events"][0], "name": "X::Y", "status": "low_support"})
    (event,) = contribution.rna_events(result)
    assert event == {
        "kind": "intragenic_deletion",
        "name": "EGFRvIII",
        "genes": ["EGFR"],
        "breakpoints": [{"chrom": "chr7", "pos": 55019365}, {"chrom": "chr7", "pos": 55155830}],
        "frame": "in-frame",
    }


def test_report_rna_table_lists_detected_and_filtered_events_with_reasons(tmp_path, index):
    from presis.report import rna as rna_report

    egfr, kras = index.choose("EGFR")[0], index.choose("KRAS")[0]
    exon2, kexon = exons_in_order(egfr)[1], exons_in_order(kras)[1]
    lines = [
        junction_line("chr7_55019017_55211628", exon2[1] + 1, "+", kras.contig, kexon[1] + 1, "-", 1, f"r{i}", start_a=i)
        for i in (1, 7)
    ]  # fmt: skip
    (tmp_path / "Chimeric.out.junction").write_text("\n".join(lines) + "\n")
    candidates = fusions.call_fusions(tmp_path / "Chimeric.out.junction", index, SETTINGS)
    result = egfrviii_result(index, candidates=candidates)
    rows = {row["name"]: row for row in rna_report.events_rows(result)}
    assert set(rna_report.EVENTS_TSV_FIELDS) == set(rows["EGFRvIII"])
    vIII = rows["EGFRvIII"]
    assert (vIII["status"], vIII["genes"], vIII["exons"], vIII["frame"]) == ("detected", "EGFR", "2;7", "in-frame")
    assert (vIII["breakpoint_5"], vIII["breakpoint_3"]) == ("chr7:55019365", "chr7:55155830")  # GRCh38
    assert vIII["amp_tier"] == "II-D" and vIII["evaluable"] and vIII["junction_reads"] == 30
    fusion = rows["EGFR::KRAS"]
    assert fusion["status"] == "low_support" and "3 needed" in fusion["reason"]
    assert fusion["genes"] == "EGFR;KRAS" and fusion["breakpoint_5"].startswith("chr7:") and fusion["amp_tier"] == ""


def test_report_rna_table_of_a_failed_sample_without_events_says_not_evaluable(index):
    from presis.report import rna as rna_report

    result = {**egfrviii_result(index, mapped=1_000), "events": []}
    (row,) = rna_report.events_rows(result)
    assert row["status"] == "no_event_listed" and row["evaluable"] is False
    assert "not evaluable" in row["reason"] and "cannot be concluded" in row["reason"]
