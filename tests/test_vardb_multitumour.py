"""The national variant database counts a person once, however many tumour samples they have:
one contribution per patient, each variant, fusion, copy-number event and callable base once."""

from __future__ import annotations

import pandas as pd
from vardb_data import key_of, write

from presis.cli import main
from presis.inputs.contigs import ContigMap
from presis.vardb import contribution, store

G12D = ("chr12", 25245350, "C", "T")
TP53 = ("chr17", 7673802, "C", "T")
REGION = ("chr12", 25245248, 25245409)


def somatic_table(*variants: tuple[tuple, float]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"chrom": c, "pos": p, "ref": r, "alt": a, "gene": "KRAS" if c == "chr12" else "TP53", "hgvs_p": None,
          "status": "somatic", "in_panel": True, "tumour_vaf": vaf} for (c, p, r, a), vaf in variants]
    )  # fmt: skip


def thresholds(callable_bases: int) -> pd.DataFrame:
    chrom, start, end = REGION
    return pd.DataFrame([{"#chrom": chrom, "start": start, "end": end, "region": "KRAS", "20X": callable_bases}])


def fusion(name: str) -> dict:
    return {"events": [{"kind": "fusion", "name": name, "genes": ["EML4", "ALK"], "status": "detected",
                        "breakpoints": [{"chrom": "chr2", "genomic_pos": 42_522_656}], "frame": "in-frame"}]}  # fmt: skip


def copy_number(*genes: str) -> dict:
    return {"evaluable": True, "events": [{"gene": gene, "event": "amplification"} for gene in genes]}


def primary_and_relapse(name: str) -> dict:
    """A patient whose primary (purity 0.7) and relapse (0.4) share KRAS G12D; the relapse gained TP53."""
    return contribution.build_contribution(
        key=key_of(name), build="GRCh38", level=2, tumour_type="LUAD",
        somatic=[somatic_table((G12D, 0.38)), somatic_table((G12D, 0.16), (TP53, 0.2))],
        germline=None, thresholds=[thresholds(150), thresholds(161)], contigs=ContigMap({}),
        rna=[fusion("EML4::ALK"), fusion("EML4::ALK")], copy_number=[copy_number("EGFR"), copy_number("EGFR", "MYC")],
    )  # fmt: skip


def test_a_variant_of_two_tumours_of_one_person_is_contributed_once():
    data = primary_and_relapse("patient-1")
    variants = [(v["chrom"], v["pos"], v["ref"], v["alt"], v["origin"], v["vaf_bin"]) for v in data["variants"]]
    # G12D once, with the primary's (higher) VAF bin; the relapse's TP53 too.
    assert variants == [("chr12", *G12D[1:], "somatic", ">=0.35"), ("chr17", *TP53[1:], "somatic", "0.05-0.35")]
    assert data["regions"] == [{"chrom": "chr12", "start": 25245248, "end": 25245409, "callable_bases": 161}]
    assert [f["name"] for f in data["fusions"]] == ["EML4::ALK"]
    assert data["copy_number_events"] == [
        {"gene": "EGFR", "kind": "copy_number", "event": "amplification", "origin": "somatic"},
        {"gene": "MYC", "kind": "copy_number", "event": "amplification", "origin": "somatic"},
    ]


def test_one_tumour_as_a_list_or_alone_gives_the_same_contribution():
    common = {"key": key_of("p"), "build": "GRCh38", "level": 2, "tumour_type": "LUAD", "germline": None,
              "contigs": ContigMap({})}  # fmt: skip
    alone = contribution.build_contribution(
        somatic=somatic_table((G12D, 0.3)), thresholds=thresholds(161), copy_number=copy_number("EGFR"), **common
    )
    listed = contribution.build_contribution(
        somatic=[somatic_table((G12D, 0.3))], thresholds=[thresholds(161)], copy_number=[copy_number("EGFR")], **common
    )
    assert contribution.dumps(alone) == contribution.dumps(listed)


def test_five_people_with_a_primary_and_a_relapse_each_are_five_carriers(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'vardb.sqlite'}"
    paths = [write(tmp_path, primary_and_relapse(f"patient-{i}")) for i in range(5)]
    assert main(["vardb", "import", "--db", url, *map(str, paths)]) == 0
    engine = store.open_db(url)
    try:
        answer = store.query(engine, ":".join(map(str, G12D)))
    finally:
        engine.dispose()
    # Ten tumour samples carry G12D, but five people do: a Beacon never counts a person twice.
    assert answer["origins"]["somatic"]["carriers"] == "5"
    capsys.readouterr()
    assert main(["vardb", "query", "--db", url, ":".join(map(str, G12D))]) == 0
    assert "somatic carriers: 5" in capsys.readouterr().out
