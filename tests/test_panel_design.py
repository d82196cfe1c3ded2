"""The 1-Mb benchmark panel (presis.devtools.panel_design) designed from the test genome's GFF3."""

from __future__ import annotations

import bisect
from pathlib import Path

import pytest

from presis.devtools.panel_design import BACKBONE, design_panel, panel_bases, read_annotation, thin_panel

GENOME = Path(__file__).parent / "data" / "genome"
FASTA, GFF3 = GENOME / "presis-test-GRCh38.v2.fa.gz", GENOME / "presis-test-GRCh38.v2.gff3.gz"


@pytest.fixture(scope="module")
def panel():
    return design_panel(GFF3, FASTA)


def test_panel_is_over_a_megabase_and_covers_every_coding_exon(panel):
    assert panel_bases(panel) >= 1_000_000
    assert design_panel(GFF3, FASTA) == panel  # deterministic: nothing to commit
    starts: dict[str, list[tuple[int, int]]] = {}
    for chrom, start, end, _ in panel:
        starts.setdefault(chrom, []).append((start, end))
    transcripts, cds, _ = read_annotation(GFF3)
    uncovered = []
    for transcript, parts in cds.items():
        intervals = starts[transcripts[transcript][1]]
        for start, end in parts:
            i = bisect.bisect_right(intervals, (start, float("inf"))) - 1
            if not (i >= 0 and intervals[i][0] <= max(0, start - 20) and end + 20 <= intervals[i][1]):
                uncovered.append((transcript, start, end))
    assert not uncovered  # every CDS with its 20-base padding inside one merged target
    names = {name for *_, name in panel}
    backbone = sum(e - s for _, s, e, name in panel if name == BACKBONE)
    assert 200_000 <= backbone <= 260_000 and len(names) > 100  # intergenic backbone plus many genes


def test_thinned_panel_keeps_a_share_of_the_targets(panel):
    small = thin_panel(panel, 0.1)
    assert round(len(panel) * 0.1) == len(small) and set(small) <= set(panel)
