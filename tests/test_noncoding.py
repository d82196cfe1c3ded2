"""Variants without a transcript: genomic HGVS, the region in words, the knowledge-base gate
(TERT promoter entries keyed on a genomic position), the report, its schema and the national
database contribution; and the benchmark reference (a GFF3 without genes)."""

from __future__ import annotations

import gzip

import pandas as pd
import pysam
import pytest
from conftest import REPO

from presis.annotation.genomic import hgvs_g, region
from presis.annotation.panel_filter import apply_panel_filter
from presis.annotation.transcripts import Transcript, TranscriptIndex
from presis.errors import InputError
from presis.inputs.contigs import ContigMap
from presis.inputs.reference import check_reference
from presis.interpretation import kb as K
from presis.interpretation.classify import COLUMNS, classify_table
from presis.interpretation.hotspots import Hotspots
from presis.interpretation.noncoding import gate_without_transcript
from presis.interpretation.reasons import reason
from presis.report.document import VARIANT_FIELDS, variant_records
from presis.vardb.contribution import somatic_variants, validator

FILES = K.KBFiles.in_repo(REPO)
REPORT_SCHEMA = REPO / "config" / "schemas" / "report.schema.json"
#          1234567890123456789012345
SEQUENCE = "ACGTAAAAGCTCAGCAGCATTGACC"


@pytest.fixture(scope="module")
def fasta(tmp_path_factory):
    path = tmp_path_factory.mktemp("genomic") / "g.fa"
    path.write_text(f">slice\n{SEQUENCE}\n")
    pysam.faidx(str(path))
    with pysam.FastaFile(str(path)) as handle:
        yield handle


@pytest.mark.parametrize(
    "pos, ref, alt, expected",
    [
        (2, "C", "T", "chr5:g.1002C>T"),  # offset of the contig table applied
        (4, "TA", "T", "chr5:g.1008del"),  # one A of AAAA: the most 3' A (HGVS 3' rule)
        (4, "TAA", "T", "chr5:g.1007_1008del"),
        (8, "A", "AA", "chr5:g.1008dup"),  # an A more in AAAA: a duplication, 3'-most
        (12, "C", "CAGC", "chr5:g.1017_1019dup"),  # AGCAGCA + AGC: shifted 3' as far as GCA repeats
        (1, "A", "AT", "chr5:g.1001_1002insT"),
        (9, "GCT", "TTA", "chr5:g.1009_1011delinsTTA"),
        (10, "CT", "CG", "chr5:g.1011T>G"),  # VCF padding trimmed
    ],
)
def test_genomic_hgvs(fasta, pos, ref, alt, expected):
    contigs = ContigMap({"slice": ("chr5", 1000)})
    assert hgvs_g(fasta, contigs, "slice", pos, ref, alt) == expected


def test_genomic_hgvs_without_a_contig_table_names_the_contig(fasta):
    assert hgvs_g(fasta, ContigMap({}), "slice", 2, "C", "T") == "slice:g.2C>T"


def transcript(tx_id, gene, strand, start, end) -> Transcript:
    return Transcript(tx_id, gene, f"G{tx_id}", "c1", strand, ((start, end),), (), "protein_coding", frozenset())


@pytest.mark.parametrize(
    "pos, panel, expected",
    [
        (500, ["PROM"], "panel target PROM; intergenic, 500 bp upstream of FWD (nearest annotated gene)"),
        (2_400, [], "outside the panel targets; intergenic, 400 bp upstream of REV (nearest annotated gene)"),
        (1_200, ["X"], "panel target X; intergenic, 200 bp downstream of FWD (nearest annotated gene)"),
    ],
)
def test_region_names_the_nearest_gene_on_its_strand(pos, panel, expected):
    index = TranscriptIndex([transcript("T1", "FWD", "+", 1_000, 1_000), transcript("T2", "REV", "-", 1_800, 2_000)])
    assert region(index, "c1", pos, panel) == expected


def test_region_on_a_contig_without_genes():
    assert region(TranscriptIndex([]), "c9", 10, ["T"]) == "panel target T; no gene annotated on c9"


# ---------------------------------------------------------------------------------------------
# Reporting gate: only what the knowledge base lists by genomic position


def row(genomic_change: str, transcript=None, **changes) -> dict:
    chrom, rest = genomic_change.split(":")
    pos = int("".join(c for c in rest if c.isdigit()))
    ref, alt = rest.lstrip("0123456789").split(">")
    values = {field: None for field in VARIANT_FIELDS}
    values.update(
        chrom=chrom, pos=pos, ref=ref, alt=alt, genomic_change=genomic_change, hgvs_g=f"{chrom}:g.{pos}{ref}>{alt}",
        region="panel target TERT_promoter; no gene annotated on chr5", variant_type="SNV", consequence="intergenic_variant",
        transcript=transcript, status="somatic", filters="PASS", tumour_vaf=0.3, tumour_depth=300, tumour_alt=90,
        tumour_lod=60.0, normal_vaf=0.0, normal_depth=100, normal_alt=0, normal_lod=20.0,
    )  # fmt: skip
    values.update(changes)
    return values


TERT_C228T = "chr5:1295113G>A"


def gated(rows: list[dict], build: str = "GRCh38") -> pd.DataFrame:
    table = pd.DataFrame(rows)
    table["in_panel"], table["panel_gene"] = True, "TERT_promoter"
    table = apply_panel_filter(
        table.drop(columns=["reportable"], errors="ignore"),
        lambda chrom, pos, end: ["TERT_promoter"],
        {"min_reportable_vaf": 0.03, "exclude_consequences": ["intergenic_variant", "synonymous_variant"]},
    )
    return gate_without_transcript(table, K.load(FILES), build)


def test_tert_promoter_hotspots_are_reportable_by_their_genomic_position():
    table = gated([row(TERT_C228T), row("chr5:1295135G>A"), row("chr5:1295200G>A")])
    assert table["reportable"].tolist() == [True, True, False]
    assert table["filters"].tolist() == ["PASS", "PASS", "no_transcript"]
    assert "no_transcript" in reason(table.iloc[2].to_dict())


def test_a_genomic_key_matches_only_its_build():
    table = gated([row(TERT_C228T)], build="GRCh37")  # GRCh37 chr5:1295113 is not C228T
    assert table["filters"].tolist() == ["no_transcript"] and not table["reportable"].any()


def test_variants_with_a_transcript_keep_the_consequence_filter():
    table = gated([row("chr5:1295300G>A", transcript="ENST00000310581", consequence="synonymous_variant")])
    assert table["filters"].tolist() == ["not_protein_altering"]


def test_a_tert_promoter_finding_is_classified_and_fits_the_report_schema():
    kb = K.load(FILES)
    table = classify_table(
        gated([row(TERT_C228T), row("chr5:1295200G>A")]),
        "GB",
        kb,
        Hotspots.load(REPO / "config" / "kb" / "hotspots_single_aa_change.hg19.txt"),
        K.load_gene_roles(FILES.gene_roles),
    )
    finding = table.iloc[0]
    assert "TERT_C228T_GLIOMA_DIAGNOSTIC" in finding["kb_matches"]
    assert finding["amp_tier"] in ("I-A", "I-B")  # level A diagnostic evidence in the patient's tumour type
    records = variant_records(table[table["reportable"]], extra=tuple(COLUMNS))
    assert records[0]["transcript"] is None and records[0]["hgvs_g"] == "chr5:g.1295113G>A"


def test_report_schema_accepts_variants_without_a_transcript():
    import json

    from jsonschema import Draft202012Validator

    schema = json.loads(REPORT_SCHEMA.read_text())
    variant_schema = schema["properties"]["variants"]["items"]
    record = {key: value for key, value in row(TERT_C228T).items()}
    record.update(reason="somatic", group="clinically_relevant", therapies=[], tumour_note=None)
    for verdict, value in (("oncogenicity", "VUS"), ("amp_tier", "I-A"), ("escat", None)):
        record[verdict] = {"value": value, "reason": "KB", "criteria": []}
    assert list(Draft202012Validator(variant_schema).iter_errors(record)) == []
    record["transcript"] = "NM_000000"  # a present transcript must still be an Ensembl id
    assert list(Draft202012Validator(variant_schema).iter_errors(record))


def test_contribution_of_variants_without_a_gene_is_valid():
    table = pd.DataFrame([row(TERT_C228T)])
    table["in_panel"] = True
    variants = somatic_variants(table, ContigMap({}))
    assert variants[0]["gene"] is None and variants[0]["pos"] == 1295113
    contribution = {
        "format": "presis-vardb-contribution", "format_version": 1, "build": "GRCh38", "level": 2,
        "tumour_type": "GB", "variants": variants, "regions": [],
    }  # fmt: skip
    problems = [e.message for e in validator().iter_errors(contribution) if "variants" in list(e.absolute_path)]
    assert problems == []


# ---------------------------------------------------------------------------------------------
# A benchmark reference: a GFF3 that declares its contig but annotates no gene


@pytest.fixture
def b37(tmp_path):
    fasta = tmp_path / "b37.fa"
    fasta.write_text(">GRCh37_chr20_slice\n" + "ACGT" * 250 + "\n")
    pysam.faidx(str(fasta))
    return tmp_path, fasta


def test_a_gff3_declaring_the_contig_without_genes_is_accepted(b37):
    folder, fasta = b37
    gff3 = folder / "b37.gff3"
    gff3.write_text("##gff-version 3\n##sequence-region GRCh37_chr20_slice 1 1000\n")
    check_reference(fasta, gff3, None)  # no error


def test_a_gff3_of_another_build_is_refused(b37):
    folder, fasta = b37
    other = folder / "grch38.gff3.gz"
    with gzip.open(other, "wt") as fh:  # a GRCh38 annotation: other contigs
        fh.write("##gff-version 3\n##sequence-region chr17 1 7843138\nchr17\tx\tgene\t1\t100\t.\t+\t.\tID=gene:A\n")
    with pytest.raises(InputError, match="names none of the FASTA's contigs"):
        check_reference(fasta, other, None)
    same_name = folder / "same_name.gff3"  # same contig name, another length: another build or slice
    same_name.write_text("##gff-version 3\n##sequence-region GRCh37_chr20_slice 1 1100\n")
    with pytest.raises(InputError, match="declares GRCh37_chr20_slice with 1,100 bases, the FASTA's"):
        check_reference(fasta, same_name, None)


def test_a_report_with_a_tert_promoter_finding_validates_and_renders(tmp_path):
    """The whole report (schema 1.1, HTML) with a KB-listed variant that has no transcript."""
    from test_report import LOD_COLUMNS, config, sample_qc

    from presis.report.document import build_report, render_html, validate_report

    kb = K.load(FILES)
    table = classify_table(
        gated([row(TERT_C228T, gene="TERT_promoter"), row("chr5:1295200G>A", gene="TERT_promoter")]),
        "GB",
        kb,
        Hotspots.load(REPO / "config" / "kb" / "hotspots_single_aa_change.hg19.txt"),
        K.load_gene_roles(FILES.gene_roles),
    )
    table["germline_referral"] = None
    table["reason"] = [reason(r) for r in table.to_dict("records")]
    cfg = config()
    provenance = {"presis": {"version": "0.1.0", "commit": "abc", "uncommitted_changes": False},
                  "tools": {t: "1.0" for t in ("bwa", "samtools", "bcftools", "fastp", "mosdepth")}, "python": {},
                  "reference": {"fasta": {"file": "genome.fa", "sha256": "0" * 64},
                                "gff3": {"file": "genes.gff3", "sha256": "1" * 64}},
                  "config": {**cfg, "reference": {"build": "GRCh38"}}}  # fmt: skip
    report = build_report(
        patient="P1", info={"tumour_type": "GB"}, tumour="T1", normal="N1", table=table,
        qc_by_sample={"T1": sample_qc("T1"), "N1": sample_qc("N1")}, tumour_coverage=[],
        lod_sites=pd.DataFrame(columns=LOD_COLUMNS), identity=None, kb=kb.release(),
        performance={"benchmark": "b", "measured": []}, provenance=provenance, config=cfg,
    )  # fmt: skip
    assert validate_report(report, REPORT_SCHEMA) == []
    assert [v["hgvs_g"] for v in report["variants"]] == ["chr5:g.1295113G>A"]
    assert [v["hgvs_g"] for v in report["filters"]["appendix"]] == ["chr5:g.1295200G>A"]
    html = render_html(report)
    assert "chr5:g.1295113G&gt;A" in html and "no transcript: panel target TERT_promoter" in html
