"""Codon and exon spans on real transcripts of the test genome."""

import pytest

from presis.sites import codon_span, exon_coding_span
from presis.transcripts import load_transcripts

from conftest import DATA


@pytest.fixture(scope="module")
def transcripts():
    return load_transcripts(DATA / "genome/presis-test-GRCh38.gff3.gz")


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
