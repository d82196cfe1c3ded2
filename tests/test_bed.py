"""Panel BEDs: reading, shard splitting, gene lookup."""

import pytest
from conftest import REPO

from presis.errors import InputError
from presis.inputs.bed import PanelIndex, merge_intervals, read_panel, split_shards

PANEL = REPO / "config" / "panels" / "presis-demo.bed"


def glue(parts: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Shard parts with touching ends joined again (a cut inside an interval undone)."""
    glued: list[list] = []
    for chrom, start, end in parts:
        if glued and glued[-1][0] == chrom and glued[-1][2] == start:
            glued[-1][2] = end
        else:
            glued.append([chrom, start, end])
    return [tuple(g) for g in glued]


def test_demo_panel_has_16_genes_and_35kb():
    bed = read_panel(PANEL)
    assert bed["gene"].nunique() == 16
    assert 34_000 < (bed["end"] - bed["start"]).sum() < 36_000


def test_shards_keep_reference_order_and_cover_everything():
    contigs = ["chr17", "chr12_25195146_25260929", "chr7_55019017_55211628", "chr3_52287089_52809009"]
    intervals = merge_intervals(read_panel(PANEL, contigs))
    shards = split_shards(intervals, 4)
    assert len(shards) == 4
    assert glue([i for s in shards for i in s]) == intervals  # concatenation restores the sorted list
    sizes = [sum(e - s for _, s, e in shard) for shard in shards]
    assert max(sizes) < 2 * min(sizes)


def test_one_interval_is_split_into_every_shard():
    # a single large target used to stay one shard (one busy core) and crashed the shard rule
    assert split_shards([("c", 0, 10)], 4) == [[("c", 0, 2)], [("c", 2, 5)], [("c", 5, 7)], [("c", 7, 10)]]


@pytest.mark.parametrize(
    "intervals",
    [
        [("a", 100, 100_100)],  # one 100-kb target
        [("a", 0, 50), ("a", 1000, 41_000), ("b", 7, 20)],  # few, very uneven
        [("a", 0, 5), ("a", 10, 15)],  # fewer intervals than shards, tiny
        [("a", 0, 1), ("a", 5, 6), ("a", 9, 10), ("b", 0, 1000)],
    ],
)
@pytest.mark.parametrize("n", [1, 2, 4, 7])
def test_shards_are_exactly_n_non_empty_disjoint_and_cover_the_panel(intervals, n):
    shards = split_shards(intervals, n)
    assert len(shards) == n and all(shards)
    parts = [part for shard in shards for part in shard]
    assert all(start < end for _, start, end in parts)
    assert glue(parts) == intervals  # in reference order, every base once
    sizes = [sum(e - s for _, s, e in shard) for shard in shards]
    assert max(sizes) - min(sizes) <= 1  # equal work for every core


def test_a_panel_smaller_than_the_shard_count_is_a_clear_error():
    with pytest.raises(InputError, match="fewer than calling.shards = 4"):
        split_shards([("c", 0, 3)], 4)


def test_overlapping_intervals_merge():
    import pandas as pd

    bed = pd.DataFrame({"chrom": ["c", "c", "c"], "start": [0, 5, 20], "end": [10, 12, 30], "gene": list("ABC")})
    assert merge_intervals(bed) == [("c", 0, 12), ("c", 20, 30)]


def test_merging_keeps_the_first_gene_sorts_by_reference_and_clips_padding():
    intervals = [("b", 40, 50, "Y"), ("a", 8, 20, "X2"), ("a", -5, 10, "X1"), ("b", 45, 60, "Z")]
    assert merge_intervals(intervals, ["a", "b"]) == [("a", 0, 20, "X1"), ("b", 40, 60, "Y")]
    assert merge_intervals(intervals)[0][0] == "b"  # no reference order: contigs as they first appear


def test_panel_for_another_reference_is_refused(tmp_path):
    bed = tmp_path / "panel.bed"
    bed.write_text("1\t100\t200\tTP53\n")
    with pytest.raises(InputError, match="not in the reference FASTA"):
        read_panel(bed, ["chr17"])


def test_genes_at_uses_bed_half_open_coordinates():
    import pandas as pd

    index = PanelIndex(pd.DataFrame({"chrom": ["c"], "start": [100], "end": [200], "gene": ["G"]}))
    assert index.genes_at("c", 100) == []  # BED start is 0-based: base 100 is outside
    assert index.genes_at("c", 101) == ["G"]
    assert index.genes_at("c", 200) == ["G"]
    assert index.genes_at("c", 95, 105) == ["G"]  # a deletion reaching into the target
