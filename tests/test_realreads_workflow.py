"""Real reads of two people through the real workflow, on their own GRCh37 reference.

Data: tests/data/reads/giab_chr20_b37/ (GIAB NA12878 and HG002 over a 40-kb window of GRCh37
chr20, README there). The reference is the GRCh37 slice with a GFF3 that declares the contig
but annotates no gene (a benchmark reference), a contig table mapping it onto chr20, and a
one-interval panel (the whole window: four calling shards cut inside it).

One session run (identity: on_mismatch: warn, so both patients get a report):

- GIAB: HG002 as tumour, one half of NA12878's reads as normal — two people: mismatch;
- GIABSELF: the other half of NA12878's reads as tumour, the first half (a copy) as normal:
  one person: match.

NA12878's halves are split by a hash of the read name (presis.devtools.mixing). Every variant
here has no transcript: the report shows them with genomic HGVS on real GRCh37 chr20
coordinates and keeps them out of the findings (filter no_transcript).
"""

from __future__ import annotations

import json
import shutil
from html import escape

import pytest
from conftest import DATA, Run, run_workflow, write_sheet

from presis.devtools.mixing import split_halves
from presis.report.document import SCHEMA_VERSION

pytestmark = pytest.mark.e2e

READS = DATA / "reads" / "giab_chr20_b37"
CONTIG = "GRCh37_chr20_9995001_10105000"
REFERENCE = (
    f"reference={{fasta: {DATA / 'genome' / (CONTIG + '.fa')}, gff3: {DATA / 'genome' / (CONTIG + '.gff3')}, "
    f"contigs: {DATA / 'genome' / 'contigs.GRCh37_chr20.tsv'}, mane: null, build: GRCh37}}"
)
PANEL = f"panel={{name: giab_chr20_window, bed: {DATA / 'panels' / 'giab_chr20_b37.window.bed'}}}"
IDENTITY = f"identity={{sites: {READS / 'identity_sites.vcf.gz'}, on_mismatch: warn}}"


def row(patient: str, sample: str, kind: str, fastqs) -> dict:
    return {"patient": patient, "sample": sample, "type": kind, "tumour_type": "LUAD" if kind == "tumour" else "",
            "lane": "L001", "fastq_1": fastqs[0], "fastq_2": fastqs[1]}  # fmt: skip


@pytest.fixture(scope="session")
def realreads_run(tmp_path_factory) -> Run:
    folder = tmp_path_factory.mktemp("realreads")
    half_a, half_b = split_halves(
        READS / "NA12878.window_R1.fastq.gz", READS / "NA12878.window_R2.fastq.gz", "presis", folder,
        ("NA12878-A", "NA12878-B"),
    )  # fmt: skip
    copy = []
    for path in half_a:  # a sheet names each FASTQ once
        copy.append(folder / path.name.replace("NA12878-A", "NA12878-A2"))
        shutil.copyfile(path, copy[-1])
    hg002 = (READS / "HG002.window_R1.fastq.gz", READS / "HG002.window_R2.fastq.gz")
    rows = [
        row("GIAB", "HG002", "tumour", hg002),
        row("GIAB", "NA12878-A", "normal", half_a),
        row("GIABSELF", "NA12878-B", "tumour", half_b),
        row("GIABSELF", "NA12878-A2", "normal", copy),
    ]
    sheet = write_sheet(folder / "samples.tsv", rows)
    results = folder / "out" / "results"
    targets = [results / f"{p}/report/{p}.report.json" for p in ("GIAB", "GIABSELF")]
    targets.append(results / "GIABSELF/vardb/GIABSELF.contribution.json")
    run = run_workflow(folder / "out", f"samples={sheet}", REFERENCE, PANEL, IDENTITY, extra=("--", *map(str, targets)))
    assert run.returncode == 0, run.output[-5000:]
    return run


def identity(run: Run, patient: str) -> dict:
    return json.loads(run.result(f"{patient}/qc/{patient}.identity.json").read_text())


def test_na12878_and_hg002_are_two_people(realreads_run):
    result = identity(realreads_run, "GIAB")
    assert (result["tumour"], result["normal"], result["status"]) == ("HG002", "NA12878-A", "mismatch")
    assert result["informative_sites"] >= 20
    assert result["discordant_sites"] / result["informative_sites"] > 0.3
    report = realreads_run.report("GIAB")
    assert (report["identity"]["status"], report["identity"]["warning"]) == ("mismatch", True)


def test_na12878_halves_are_one_person(realreads_run):
    result = identity(realreads_run, "GIABSELF")
    assert (result["tumour"], result["normal"], result["status"]) == ("NA12878-B", "NA12878-A2", "match")
    assert result["informative_sites"] >= 20 and result["discordant_sites"] == 0
    assert realreads_run.report("GIABSELF")["identity"]["verified"] is True


def test_one_interval_panel_is_called_in_every_shard(realreads_run):
    shards = sorted((realreads_run.outdir / "results" / "reference" / "shards").glob("shard*.bed"))
    assert len(shards) == 4
    parts = [line.split("\t") for path in shards for line in path.read_text().splitlines()]
    assert [int(p[2]) - int(p[1]) for p in parts] == [10_000] * 4  # the 40-kb target in 4 equal parts
    assert int(parts[0][1]) == 50_000 and int(parts[-1][2]) == 90_000


def test_variants_without_a_transcript_are_shown_in_genomic_hgvs_and_not_reported(realreads_run):
    """HG002's own variants look somatic against NA12878's normal; no transcript describes
    them (the benchmark reference has no genes) and the KB lists none: not findings, but in the
    appendix, TSV and JSON with g. notation on GRCh37 chr20 and the reason."""
    report = realreads_run.report("GIAB")
    assert report["schema_version"] == SCHEMA_VERSION and report["variants"] == []
    blocked = [v for v in report["filters"]["appendix"] if "no_transcript" in v["filters"]]
    assert len(blocked) >= 10
    for variant in blocked:
        # the panel target's name stands for the gene (BED column 4); no transcript, no c.
        assert variant["gene"] == "chr20_giab" and variant["hgvs_c"] is None
        assert variant["hgvs_g"].startswith("chr20:g.")
        assert variant["region"] == f"panel target chr20_giab; no gene annotated on {CONTIG}"
    # chr20 real coordinates: slice position + 9,995,000
    first = blocked[0]
    position = int(first["genomic_change"].split(":")[1].rstrip("ACGT>"))
    assert 10_045_000 <= position <= 10_085_000
    counts = {c["filter"]: c for c in report["filters"]["counts"]}
    assert counts["no_transcript"]["description"].startswith("No transcript describes the variant")
    html = realreads_run.result("GIAB/report/GIAB.report.html").read_text()
    assert escape(first["hgvs_g"]) in html and "aligned to GRCh37" in html
    tsv = realreads_run.result("GIAB/report/GIAB.report.tsv").read_text()
    assert first["hgvs_g"] in tsv


def test_contribution_of_a_reference_without_genes(realreads_run):
    contribution = json.loads(realreads_run.result("GIABSELF/vardb/GIABSELF.contribution.json").read_text())
    assert contribution["build"] == "GRCh37"
    assert all(region["chrom"] == "chr20" for region in contribution["regions"])
    assert all(variant["gene"] == "chr20_giab" for variant in contribution["variants"])
