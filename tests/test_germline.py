"""The germline table: genotype evidence beside presis' nomenclature, and the table builder's
generalisation leaving the somatic table as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import DATA
from cyvcf2 import VCF

from presis.annotation import variant_table
from presis.annotation.transcripts import load_transcripts
from presis.calling import germline
from presis.inputs.contigs import ContigMap

GENOME = DATA / "genome" / "presis-test-GRCh38.v2.fa.gz"
HEADER = """##fileformat=VCFv4.2
##contig=<ID=chr17,length=7843138>
##FILTER=<ID=PASS,Description="All filters passed">
##FILTER=<ID=low_qual,Description="Set if true: QUAL<20">
##FILTER=<ID=low_depth,Description="Set if true: FMT/DP<10">
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
##FORMAT=<ID=PL,Number=G,Type=Integer,Description="Phred-scaled genotype likelihoods">
##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">
##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">
##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tN1
"""
# TP53 P72R (rs1042522) heterozygous; TP53 E346D homozygous; a split multi-allelic 1/2 site
# (bcftools norm -m-any writes 1/0 and 0/1); a shallow call failing both filters.
RECORDS = [
    "chr17\t7676154\t.\tG\tC\t222.26\tPASS\t.\tGT:PL:DP:AD:GQ\t0/1:255,0,255:120:71,49:127",
    "chr17\t7670671\t.\tC\tG\t225.42\tPASS\t.\tGT:PL:DP:AD:GQ\t1/1:255,211,0:71:0,70:127",
    "chr17\t7674909\t.\tC\tA\t90.5\tPASS\t.\tGT:PL:DP:AD:GQ\t1/0:255,0,255:40:0,19:99",
    "chr17\t7675000\t.\tC\tT\t12.3\tlow_qual;low_depth\t.\tGT:PL:DP:AD:GQ\t0/1:40,0,60:6:4,2:38",
]


def write_vcf(path: Path, records: list[str] = RECORDS) -> Path:
    path.write_text(HEADER + "\n".join(records) + "\n")
    return path


@pytest.fixture(scope="module")
def transcripts():
    return load_transcripts(DATA / "genome/presis-test-GRCh38.v2.gff3.gz")


@pytest.mark.parametrize(
    ("alleles", "text", "zygosity"),
    [([0, 1], "0/1", "heterozygous"), ([1, 0], "0/1", "heterozygous"), ([1, 1], "1/1", "homozygous"),
     ([0, 0], "0/0", "reference"), ([-1, -1], "./.", None), ([1, -1], "1/.", None)],
)  # fmt: skip
def test_genotype_text_and_zygosity(alleles, text, zygosity):
    assert germline.genotype_text(alleles) == text
    assert germline.zygosity(alleles) == zygosity


def test_genotype_columns_read_the_sample_evidence(tmp_path):
    rows = [germline.genotype_columns(record) for record in VCF(str(write_vcf(tmp_path / "g.vcf")))]
    assert rows[0] == {"genotype": "0/1", "zygosity": "heterozygous", "qual": 222.26, "gq": 127, "depth": 120,
                       "alt_depth": 49, "vaf": 0.4083}  # fmt: skip
    assert rows[1]["genotype"] == "1/1" and rows[1]["zygosity"] == "homozygous" and rows[1]["vaf"] == 1.0
    assert rows[2]["genotype"] == "0/1"  # one allele of a 1/2 genotype, split
    assert rows[3]["depth"] == 6 and rows[3]["gq"] == 38


def test_germline_table_has_nomenclature_genotype_and_filters(tmp_path, transcripts):
    vcf = write_vcf(tmp_path / "g.vcf")
    table = germline.build_germline_table(vcf, GENOME, transcripts, ContigMap({}), {}, lambda c, p, e: ["TP53"])
    assert list(table.columns) == germline.COLUMNS
    p72r = table.iloc[0]
    assert (p72r["gene"], p72r["transcript"], p72r["hgvs_c"], p72r["hgvs_p"]) == (
        "TP53", "ENST00000269305", "c.215C>G", "p.(Pro72Arg)")  # fmt: skip
    assert p72r["consequence"] == "missense_variant" and p72r["zygosity"] == "heterozygous"
    assert table["filters"].tolist() == ["PASS", "PASS", "PASS", "low_qual;low_depth"]


def test_somatic_table_keeps_its_columns(tmp_path, transcripts):
    vcf = write_vcf(tmp_path / "g.vcf", RECORDS[:1])
    table = variant_table.build_table(vcf, GENOME, transcripts, ContigMap({}), {}, lambda c, p, e: ["TP53"])
    assert list(table.columns) == variant_table.COLUMNS
    assert table.iloc[0]["hgvs_c"] == "c.215C>G"
