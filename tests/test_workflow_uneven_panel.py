"""A panel of three very uneven intervals, one of them intergenic, through the real workflow.

The panel (built here): 2 kb of real intergenic sequence on chr17 (between TRARG1 and YWHAE,
GENCODE v45), TP53 exon 8 (187 bp) and KRAS exon 2 (161 bp). Three intervals cannot fill
``calling.shards`` = 4 shards whole (the crash this test guards against): every cut falls
inside the intergenic target. Simulated reads (presis.devtools.simulate, planted variants):

- KRAS G12D at VAF 0.3: a finding, as in the demo;
- an intergenic SNV at VAF 0.3: no transcript, so not a finding; shown in genomic HGVS with the
  nearest gene and the reason;
- a 6-bp intergenic deletion at VAF 0.3 across the first shard cut: called exactly once.
"""

from __future__ import annotations

import pytest
from conftest import DATA, Run, run_workflow, write_sheet

from presis.inputs.bed import split_shards

pytestmark = pytest.mark.e2e

SEED = 20261206
INTERGENIC = ("chr17", 1_330_000, 1_332_000, "CHR17_INTERGENIC")
PANEL = [
    INTERGENIC,
    ("chr17", 7_673_675, 7_673_862, "TP53"),
    ("chr12_25195146_25260929", 50_103, 50_264, "KRAS"),
]
SNV_POS = 1_331_000
KRAS_G12D = ("chr12_25195146_25260929", 50205, "C", "T")


def deletion_across_the_first_cut(reference: dict[str, str]) -> tuple[str, int, str, str]:
    """A 6-bp deletion whose deleted bases straddle the first shard cut (VCF POS before it)."""
    shards = split_shards([(c, s, e) for c, s, e, _ in PANEL], 4)
    cut = shards[0][-1][2]  # 0-based end of shard 0 = first base (0-based) of shard 1
    anchor = cut - 2  # 1-based POS: deleted bases cut-1 .. cut+4 (1-based), across the cut
    sequence = reference["chr17"]
    ref = sequence[anchor - 1 : anchor + 6]
    return "chr17", anchor, ref, ref[0]


@pytest.fixture(scope="session")
def uneven_run(tmp_path_factory) -> tuple[Run, tuple]:
    from presis.devtools import simulate

    folder = tmp_path_factory.mktemp("uneven")
    panel = folder / "uneven.bed"
    panel.write_text("".join(f"{c}\t{s}\t{e}\t{g}\n" for c, s, e, g in PANEL))
    fasta = DATA / "genome" / "presis-test-GRCh38.fa.gz"
    reference = simulate.load_reference(fasta)
    deletion = deletion_across_the_first_cut(reference)
    snv_ref = reference["chr17"][SNV_POS - 1]
    snv_alt = "A" if snv_ref != "A" else "C"
    variants = [
        simulate.Variant(*KRAS_G12D, origin="somatic", vaf=0.3),
        simulate.Variant("chr17", SNV_POS, snv_ref, snv_alt, origin="somatic", vaf=0.3),
        simulate.Variant(*deletion, origin="somatic", vaf=0.3),
    ]
    data = simulate.simulate_planted(
        variants, reference, fasta, simulate.read_targets(panel), "UNEVEN", 200, 80, SEED, folder / "reads"
    )
    rows = [
        {"patient": "UNEVEN", "sample": "UNEVEN-T", "type": "tumour", "tumour_type": "LUAD", "lane": "L001",
         "fastq_1": data.tumour[0], "fastq_2": data.tumour[1]},
        {"patient": "UNEVEN", "sample": "UNEVEN-N", "type": "normal", "tumour_type": "LUAD", "lane": "L001",
         "fastq_1": data.normal[0], "fastq_2": data.normal[1]},
    ]  # fmt: skip
    sheet = write_sheet(folder / "samples.tsv", rows)
    report = folder / "out" / "results" / "UNEVEN" / "report" / "UNEVEN.report.json"
    run = run_workflow(
        folder / "out", f"samples={sheet}", f"panel={{name: uneven, bed: {panel}}}", extra=("--", str(report))
    )
    assert run.returncode == 0, run.output[-5000:]
    return run, (deletion, ("chr17", SNV_POS, snv_ref, snv_alt))


def test_three_uneven_intervals_fill_four_shards(uneven_run):
    run, _ = uneven_run
    shards = sorted((run.outdir / "results" / "reference" / "shards").glob("shard*.bed"))
    assert len(shards) == 4 and all(path.read_text().strip() for path in shards)


def test_kras_g12d_is_still_a_finding(uneven_run):
    run, _ = uneven_run
    found = [(v["gene"], v["hgvs_p"]) for v in run.report("UNEVEN")["variants"]]
    assert ("KRAS", "p.(Gly12Asp)") in found


def test_deletion_across_a_shard_cut_is_called_once(uneven_run):
    run, ((chrom, pos, ref, alt), _) = uneven_run
    table = run.result("UNEVEN/report/UNEVEN.report.tsv").read_text().splitlines()
    header = table[0].split("\t")
    rows = [dict(zip(header, line.split("\t"), strict=True)) for line in table[1:]]
    hits = [r for r in rows if (r["chrom"], int(r["pos"]), r["ref"], r["alt"]) == (chrom, pos, ref, alt)]
    assert len(hits) == 1, [(r["chrom"], r["pos"], r["ref"], r["alt"]) for r in rows]
    assert hits[0]["status"] == "somatic"


def test_intergenic_variant_is_shown_with_genomic_hgvs_and_the_nearest_gene(uneven_run):
    run, (_, (chrom, pos, ref, alt)) = uneven_run
    report = run.report("UNEVEN")
    assert all(v["genomic_change"] != f"{chrom}:{pos}{ref}>{alt}" for v in report["variants"])  # not a finding
    shown = [v for v in report["filters"]["appendix"] if v["genomic_change"] == f"{chrom}:{pos}{ref}>{alt}"]
    assert len(shown) == 1, report["filters"]["appendix"]
    variant = shown[0]
    # chr17 of the test genome is GRCh38 chr17 from base 1: real coordinates as they are
    assert variant["hgvs_g"] == f"chr17:g.{pos}{ref}>{alt}"
    assert (variant["gene"], variant["hgvs_c"], variant["consequence"]) == (INTERGENIC[3], None, "intergenic_variant")
    assert variant["region"] == (
        f"panel target {INTERGENIC[3]}; intergenic, {1_344_275 - pos:,} bp downstream of YWHAE (nearest annotated gene)"
    )
    assert variant["filters"] == "no_transcript"
    assert variant["status"] == "somatic"
