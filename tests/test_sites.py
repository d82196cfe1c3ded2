"""Codon and exon spans on real transcripts of the test genome."""

import pysam
import pytest
from conftest import DATA

from presis.annotation.transcripts import load_transcripts
from presis.interpretation.site_spans import codon_span, exon_coding_span, min_depths


@pytest.fixture(scope="module")
def transcripts():
    return load_transcripts(DATA / "genome/presis-test-GRCh38.v2.gff3.gz")


def test_kras_codon_12_on_the_minus_strand(transcripts):
    kras, _ = transcripts.choose("KRAS")
    # G12D is c.35G>A at contig position 50205 (minus strand): codon 12 = c.34-36 = 50204-50206
    assert codon_span(kras, 12) == ("chr12_25195146_25260929", 50204, 50206)


def test_egfr_l858_and_exon_19(transcripts):
    egfr, _ = transcripts.choose("EGFR")
    contig, start, end = codon_span(egfr, 858)
    assert start <= 172806 <= end and end - start == 2  # L858R is c.2573T>G at 172806
    contig, start, end = exon_coding_span(egfr, 19)
    assert start <= 155755 and 155755 + 15 <= end  # the E746_A750 deletion lies inside exon 19


def test_out_of_range_is_an_error(transcripts):
    kras, _ = transcripts.choose("KRAS")
    with pytest.raises(ValueError, match="no codon 500"):
        codon_span(kras, 500)


def write_bam(path, reads):
    """A coordinate-sorted, indexed BAM on one 5 kb contig from (start, length, flag, mapq, low_q_offsets)."""
    header = {"HD": {"VN": "1.6", "SO": "coordinate"}, "SQ": [{"SN": "c", "LN": 5000}]}
    with pysam.AlignmentFile(str(path), "wb", header=header) as bam:
        for i, (start, length, flag, mapq, low_q) in enumerate(sorted(reads)):
            read = pysam.AlignedSegment()
            read.query_name, read.flag, read.reference_id, read.reference_start = f"r{i}", flag, 0, start
            read.mapping_quality, read.cigartuples = mapq, [(0, length)]
            read.query_sequence = "A" * length
            read.query_qualities = pysam.qualitystring_to_array(
                "".join("#" if j in low_q else "I" for j in range(length))
            )
            bam.write(read)
    pysam.index(str(path))
    return pysam.AlignmentFile(str(path))


def test_min_depths_count_as_the_caller_and_agree_window_or_not(tmp_path):
    bam = write_bam(tmp_path / "t.bam", [
        (100, 50, 0, 60, ()), (110, 50, 0, 60, ()), (120, 50, 0, 60, (5,)),  # base 125: quality 2
        (100, 50, 1024, 60, ()), (100, 50, 0, 5, ()), (100, 50, 2048, 60, ()),  # dup, MAPQ 5, supplementary
        (2000, 30, 0, 60, ()), (2005, 30, 0, 60, ()),
    ])  # fmt: skip
    spans = [("c", 101, 110), ("c", 121, 130), ("c", 124, 128), ("c", 2001, 2010), ("c", 4000, 4001)]
    depths = min_depths(bam, spans, min_mapq=20, min_baseq=20)
    # 1-based 101-110: one usable read until 110, the second starts at 111 -> 1
    # 121-130: three reads except at 126 (the low-quality base) -> 2; 2001-2010: 2001-2005 one read
    assert depths == {
        ("c", 101, 110): 1,
        ("c", 121, 130): 2,
        ("c", 124, 128): 2,
        ("c", 2001, 2010): 1,
        ("c", 4000, 4001): 0,
    }
    assert min_depths(bam, spans, 20, 20, max_gap=0) == depths  # one window per span: the same
    assert min_depths(bam, [("c", 131, 140)], 20, 20) == {("c", 131, 140): 3}
