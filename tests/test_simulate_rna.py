"""presis.devtools.simulate_rna: deterministic reads, truth at exon boundaries, frames from the CDS."""

from __future__ import annotations

import gzip
import json

from conftest import REPO

from presis.annotation.transcripts import load_transcripts
from presis.devtools.simulate_rna import RnaPlan, simulate_rna, truth_records
from presis.rna.geometry import exons_in_order, is_exon_end, is_exon_start

GENOME = REPO / "tests" / "data" / "genome"
FASTA, GFF3 = GENOME / "presis-test-GRCh38.v2.fa.gz", GENOME / "presis-test-GRCh38.v2.gff3.gz"


def small(seed: int) -> RnaPlan:
    return RnaPlan(seed=seed, fusions=4, background_genes=5, high_expression_fragments=50, egfrviii=True)


def test_same_seed_same_reads_and_truth(tmp_path):
    a = simulate_rna(FASTA, GFF3, small(7), tmp_path / "a")
    b = simulate_rna(FASTA, GFF3, small(7), tmp_path / "b")
    for read in ("R1", "R2"):  # the gzip header names the file: compare the reads
        first = gzip.decompress((tmp_path / f"a_{read}.fastq.gz").read_bytes())
        assert first == gzip.decompress((tmp_path / f"b_{read}.fastq.gz").read_bytes()) and first
    assert json.dumps(truth_records(a)) == json.dumps(truth_records(b))


def test_boundary_fusions_join_a_donor_to_an_acceptor_and_egfrviii_skips_exons_2_to_7(tmp_path):
    index = load_transcripts(GFF3)
    events = simulate_rna(FASTA, GFF3, small(8), tmp_path / "s")
    fusions = [e for e in events if e.kind == "fusion"]
    assert len(fusions) == 4 and sum(e.at_exon_boundary for e in fusions) == 2
    for event in fusions:
        assert event.frame in ("in-frame", "out-of-frame", "unknown")
        if event.at_exon_boundary:
            (c5, p5), (c3, p3) = (b.rsplit(":", 1) for b in event.breakpoints)
            assert is_exon_end(index.get(event.transcripts[0]), int(p5))
            assert is_exon_start(index.get(event.transcripts[1]), int(p3))
    (egfrviii,) = [e for e in events if e.name == "EGFRvIII"]
    exons = exons_in_order(index.choose("EGFR")[0])
    assert egfrviii.breakpoints == [
        f"{index.choose('EGFR')[0].contig}:{exons[0][1]}",
        f"{index.choose('EGFR')[0].contig}:{exons[7][0]}",
    ]
