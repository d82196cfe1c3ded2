"""The prepared reference: built once per reference into the cache, used in place, shared safely."""

from __future__ import annotations

import gzip
import hashlib
import multiprocessing
import os
import re
import shutil
import subprocess

import pysam
import pytest
from conftest import DATA, REPO, SNAKEMAKE

from presis.annotation.transcripts import load_transcripts
from presis.errors import InputError
from presis.inputs.bed import read_panel
from presis.inputs.reference_cache import (
    CACHE_RULES,
    build_annotation,
    build_genome,
    build_plain,
    default_cache_dir,
    fasta_compression,
    file_sha256,
    neighbour_genes,
    prepared,
    read_genes,
    subset_gff3,
)
from presis.rna.star import star_version

FASTA = DATA / "genome" / "presis-test-GRCh38.v2.fa.gz"
GFF3 = DATA / "genome" / "presis-test-GRCh38.v2.gff3.gz"
PANEL = REPO / "config" / "panels" / "presis-demo.bed"


def plain_test_genome(tmp_path):
    """The test genome as plain FASTA (CNVkit reads plain FASTA only), written once per test."""
    path = tmp_path / "plain.fa"
    if not path.exists():
        path.write_bytes(gzip.decompress(FASTA.read_bytes()))
    return path


def reference(tmp_path, fasta=FASTA, **extra) -> dict:
    return {"fasta": str(fasta), "gff3": str(GFF3), "cache": str(tmp_path / "cache"), **extra}


def test_default_cache_is_below_the_users_cache_folder_never_an_outdir():
    assert default_cache_dir({"XDG_CACHE_HOME": "/x/cache", "HOME": "/h"}) == default_cache_dir(
        {"XDG_CACHE_HOME": "/x/cache"}
    )
    assert str(default_cache_dir({"XDG_CACHE_HOME": "/x/cache"})) == "/x/cache/presis/references"
    assert str(default_cache_dir({"HOME": "/home/lab"})) == "/home/lab/.cache/presis/references"


def test_checksum_is_remembered_until_the_file_changes(tmp_path):
    data = tmp_path / "ref.fa"
    data.write_text(">a\nACGT\n")
    cache = tmp_path / "cache"
    assert file_sha256(data, cache) == hashlib.sha256(data.read_bytes()).hexdigest()
    data.write_text(">a\nACGTT\n")
    os.utime(data, ns=(1, 1))  # another size and mtime: the memo must not answer
    assert file_sha256(data, cache) == hashlib.sha256(b">a\nACGTT\n").hexdigest()


def test_compression_is_read_from_the_bytes(tmp_path):
    plain = tmp_path / "plain.fa"
    plain.write_text(">a\nACGT\n")
    gz = tmp_path / "plain.fa.gz"
    gz.write_bytes(gzip.compress(plain.read_bytes()))
    assert [fasta_compression(p) for p in (FASTA, gz, plain)] == ["bgzf", "gzip", "plain"]


def test_bgzipped_fasta_is_used_in_place_and_prepared_once(tmp_path):
    layout = prepared(reference(tmp_path))
    assert not layout.genome_ready()
    build_genome(FASTA, layout)
    assert layout.genome_ready()
    assert layout.fasta.is_symlink() and layout.fasta.resolve() == FASTA.resolve()  # no copy
    assert pysam.FastaFile(str(layout.fasta)).fetch("chr7_55019017_55211628", 0, 4)
    before = layout.genome_manifest.stat().st_mtime_ns
    build_genome(FASTA, layout)  # already there: nothing is rebuilt
    assert layout.genome_manifest.stat().st_mtime_ns == before
    assert prepared(reference(tmp_path)).genome_dir == layout.genome_dir  # same checksum, same folder


def test_bgzipped_fasta_gets_one_plain_copy_for_cnvkit_and_star_only_when_asked(tmp_path):
    layout = prepared(reference(tmp_path))
    build_genome(FASTA, layout)
    assert not layout.plain_ready() and not layout.plain_dir.exists()  # not made with the genome
    build_plain(layout)
    assert layout.plain_ready() and fasta_compression(layout.plain_fasta) == "plain"
    with pysam.FastaFile(str(layout.plain_fasta)) as plain, pysam.FastaFile(str(FASTA)) as site:
        assert plain.references == site.references
        assert plain.fetch("chr7_55019017_55211628") == site.fetch("chr7_55019017_55211628")
    before = layout.plain_manifest.stat().st_mtime_ns
    build_plain(layout)
    assert layout.plain_manifest.stat().st_mtime_ns == before  # once


def test_cnvkit_bins_from_the_cached_accessible_regions_equal_a_scan_of_the_fasta(tmp_path):
    from presis.copynumber.cnvkit_steps import make_bins, write_access

    assert write_access(plain_test_genome(tmp_path), tmp_path / "access.bed") > 0
    scanned = [tmp_path / "t1.bed", tmp_path / "a1.bed"]
    cached = [tmp_path / "t2.bed", tmp_path / "a2.bed"]
    make_bins(PANEL, plain_test_genome(tmp_path), *scanned, 200, 150000, True)
    make_bins(PANEL, "unused", *cached, 200, 150000, True, access_bed=tmp_path / "access.bed")
    assert scanned[1].read_text() == cached[1].read_text() and cached[1].read_text().count("\n") > 10


def test_a_plain_fasta_is_its_own_plain_fasta(tmp_path):
    site = tmp_path / "ref.fa"
    with pysam.FastaFile(str(FASTA)) as fa:
        site.write_text(f">{fa.references[0]}\n{fa.fetch(fa.references[0])[:5000]}\n")
    layout = prepared(reference(tmp_path, fasta=site))
    build_genome(site, layout)
    assert layout.plain_fasta == layout.fasta and layout.plain_fasta.resolve() == site.resolve()  # no copy


def test_star_index_folder_is_keyed_by_fasta_annotation_and_index_settings(tmp_path):
    layout = prepared(reference(tmp_path))
    settings = {"sjdb_overhang": 100, "sa_sparse": 1}
    assert layout.star_dir(settings) == prepared(reference(tmp_path)).star_dir(dict(settings))
    assert layout.star_dir(settings) != layout.star_dir({**settings, "sjdb_overhang": 149})
    assert layout.star_dir(settings) != layout.star_dir({**settings, "sa_sparse": 2})
    edited = tmp_path / "edited.gff3"
    edited.write_text(gzip.decompress(GFF3.read_bytes()).decode() + "\n")
    other = prepared({**reference(tmp_path), "gff3": str(edited)})
    assert other.star_dir(settings) != layout.star_dir(settings)
    assert other.bwa_dir == layout.bwa_dir  # an edited annotation keeps the bwa index


def test_star_index_folder_is_keyed_by_stars_version(tmp_path, monkeypatch):
    layout = prepared(reference(tmp_path))
    settings = {"sjdb_overhang": 100, "sa_sparse": 1, "star_version": star_version()}
    assert re.fullmatch(r"2\.\d+\.\d+[a-z]?", settings["star_version"])  # the STAR setup.sh installs
    # An index made by another STAR is never reused: STAR would refuse it at alignment.
    assert layout.star_dir(settings) != layout.star_dir({**settings, "star_version": "2.7.11b"})
    monkeypatch.setenv("PATH", str(tmp_path))
    assert star_version.__wrapped__() is None  # no STAR: a DNA-only run reads on


def test_plain_gzip_fasta_gets_one_plain_copy(tmp_path):
    gz = tmp_path / "ref.fa.gz"
    with pysam.FastaFile(str(FASTA)) as fa, gzip.open(gz, "wt") as out:
        out.write(f">{fa.references[0]}\n{fa.fetch(fa.references[0])[:5000]}\n")
    layout = prepared(reference(tmp_path, fasta=gz))
    build_genome(gz, layout)
    assert layout.fasta.name == "genome.fa" and not layout.fasta.is_symlink()
    assert fasta_compression(layout.fasta) == "plain" and layout.fai.exists()


def dry_run(*config: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """``snakemake -n -p`` of the demo configuration with ``--config`` items, from the presis folder."""
    return subprocess.run(
        [str(SNAKEMAKE), "-n", "-p", "--configfile", "config/config.yaml", "--cores", "2", "--config", *config],
        cwd=REPO, capture_output=True, text=True, env=env,
    )  # fmt: skip


def genome_prepared_from_a_copy(tmp_path, folder):
    """The test genome copied (with .fai and .gzi) into ``folder`` and prepared from there."""
    folder.mkdir()
    for suffix in ("", ".fai", ".gzi"):
        shutil.copy(f"{FASTA}{suffix}", folder / f"ref.fa.gz{suffix}")
    layout = prepared(reference(tmp_path, fasta=folder / "ref.fa.gz"))
    build_genome(folder / "ref.fa.gz", layout)
    return layout


def test_a_moved_site_fasta_makes_the_prepared_folder_stale(tmp_path):
    site = tmp_path / "site"
    layout = genome_prepared_from_a_copy(tmp_path, site)
    shutil.rmtree(site)
    assert not layout.genome_ready()  # its link dangles: rebuilt from wherever the file is now


def test_a_prepared_genome_linking_a_deleted_checkout_is_rebuilt_not_a_snakemake_crash(tmp_path):
    """A cache prepared from one presis checkout's test genome, that checkout then deleted: the next
    run from another checkout (same file, same checksum) must rebuild the part, not stop on Snakemake's
    "unable to obtain modification time" for the dangling link."""
    old = tmp_path / "old_checkout"
    stale = genome_prepared_from_a_copy(tmp_path, old)
    shutil.rmtree(old)
    proc = dry_run(f"outdir={tmp_path / 'out'}", f"reference={{cache: {tmp_path / 'cache'}}}")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "reference_cache_genome" in proc.stdout + proc.stderr  # rebuilt from this checkout's FASTA
    assert not stale.genome_dir.exists()


def test_a_given_bwa_index_is_used_as_is_and_an_incomplete_one_is_refused(tmp_path):
    prefix = tmp_path / "site_bwa" / "GRCh38.fa"
    prefix.parent.mkdir()
    for suffix in (".amb", ".ann", ".bwt", ".pac"):
        prefix.with_name(prefix.name + suffix).write_text("")
    with pytest.raises(InputError, match=r"not a complete bwa index prefix \(missing .*GRCh38\.fa\.sa\)"):
        prepared(reference(tmp_path, bwa_index=str(prefix)))
    prefix.with_name(prefix.name + ".sa").write_text("")
    layout = prepared(reference(tmp_path, bwa_index=str(prefix)))
    assert layout.bwa_ready() and layout.bwa_prefix == prefix


def _build_annotation(cache: str) -> None:
    build_annotation(GFF3, prepared({"fasta": str(FASTA), "gff3": str(GFF3), "cache": cache}))


def test_two_runs_preparing_the_same_annotation_at_once_leave_one_complete_copy(tmp_path):
    cache = str(tmp_path / "cache")
    prepared(reference(tmp_path))  # checksums memoised first, as the workflow does at parse time
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_build_annotation, args=(cache,)) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert [w.exitcode for w in workers] == [0, 0, 0]
    layout = prepared(reference(tmp_path))
    assert layout.annotation_ready()
    assert not [p for p in (tmp_path / "cache").iterdir() if ".tmp-" in p.name]  # no half-built leftovers
    subprocess.run(["tabix", "-l", str(layout.annotation_gff3)], check=True, capture_output=True)


def test_panel_annotation_holds_every_transcript_of_the_panels_genes(tmp_path):
    layout = prepared(reference(tmp_path))
    build_annotation(GFF3, layout)
    panel = read_panel(PANEL)
    subset = tmp_path / "panel.gff3.gz"
    subset_gff3(layout.annotation_gff3, subset, regions=panel[["chrom", "start", "end"]].itertuples(index=False))
    full, small = load_transcripts(GFF3), load_transcripts(subset)
    panel_genes = set(panel["gene"])
    assert panel_genes <= set(small.genes())
    for gene in small.genes():  # the same transcripts, and so the same reporting choice
        assert small.for_gene(gene) == full.for_gene(gene)
        assert small.choose(gene) == full.choose(gene)
    for chrom, start, end, _ in panel.itertuples(index=False):
        assert small.overlapping(chrom, start + 1, end) == full.overlapping(chrom, start + 1, end)
    assert len(small) < len(full)  # the rest of the annotation is left out


def test_gene_table_finds_a_gene_by_name(tmp_path):
    layout = prepared(reference(tmp_path))
    build_annotation(GFF3, layout)
    rows = {name: (gene_id, contig) for gene_id, name, contig, _, _ in read_genes(layout.genes)}
    assert rows["EGFR"][1] == "chr7_55019017_55211628" and rows["EGFR"][0].startswith("ENSG")


@pytest.mark.e2e
def test_a_second_output_folder_reuses_the_prepared_reference(rna_run, tmp_path):
    """The RNA run (DNA with copy number, and RNA) prepared the session's reference, the plain
    FASTA and the STAR index included; a new outdir sharing that cache schedules none of it again."""
    proc = dry_run(f"outdir={tmp_path}", f"samples={REPO / 'config' / 'samples.rna.tsv'}")
    assert proc.returncode == 0, proc.stderr[-3000:]
    scheduled = proc.stdout + proc.stderr
    # the dry run did list the run's own jobs, copy number and RNA among them
    assert all(rule in scheduled for rule in ("align_bwa", "cnv_bins", "rna_star_align"))
    for rule in CACHE_RULES:
        assert rule not in scheduled
    per_run = " ".join(p.name for p in rna_run.result("reference").iterdir())
    assert "genome" not in per_run and "star" not in per_run  # no per-run FASTA copy or STAR index


@pytest.mark.e2e
def test_without_star_an_rna_sheet_is_refused_and_a_dna_sheet_runs(tmp_path):
    """STAR's version keys the STAR index, so it is asked at start: only when the sheet has RNA."""
    bin_dir = tmp_path / "bin"  # PATH as it is, STAR left out
    bin_dir.mkdir()
    for folder in os.environ["PATH"].split(os.pathsep):
        for tool in os.listdir(folder) if os.path.isdir(folder) else []:
            if tool != "STAR" and not (bin_dir / tool).exists():
                (bin_dir / tool).symlink_to(os.path.join(folder, tool))
    env = {**os.environ, "PATH": str(bin_dir)}

    def dry_run(*config: str) -> subprocess.CompletedProcess:
        command = [str(SNAKEMAKE), "-n", "--configfile", "config/config.yaml", "--cores", "2",
                   "--config", f"outdir={tmp_path / 'out'}", *config]  # fmt: skip
        return subprocess.run(command, cwd=REPO, capture_output=True, text=True, env=env)

    rna = dry_run(f"samples={REPO / 'config' / 'samples.rna.tsv'}")
    assert rna.returncode != 0
    assert "samples.rna.tsv has rna rows, but STAR is not on PATH — install STAR" in rna.stdout + rna.stderr
    dna = dry_run()
    assert dna.returncode == 0, dna.stderr[-3000:]
    assert "align_bwa" in dna.stdout + dna.stderr


@pytest.mark.e2e
def test_a_given_bwa_index_is_not_rebuilt_and_bwa_mem_reads_it(demo_run, tmp_path):
    layout = prepared({"fasta": str(FASTA), "gff3": str(GFF3)})  # the session's cache (conftest)
    site = tmp_path / "site_index"
    shutil.copytree(layout.bwa_dir, site)
    prefix = site / layout.bwa_prefix.name
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "empty_cache")}
    proc = dry_run(f"outdir={tmp_path / 'out'}", f"reference={{bwa_index: {prefix}}}", env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout + proc.stderr
    assert "reference_bwa_index" not in out
    assert "reference_cache_genome" in out  # the empty cache still needs the FASTA index ...
    bwa_lines = [line for line in out.splitlines() if "bwa mem -t" in line]
    assert bwa_lines and all(str(prefix) in line for line in bwa_lines)  # ... but not bwa's


def test_a_target_between_genes_keeps_the_nearest_gene_on_each_side():
    """A variant between genes is described by its nearest annotated gene, which may be far from
    the panel's targets: the panel annotation keeps it (was: TP53 6.3 Mb away instead of YWHAE)."""
    genes = [
        ("G1", "FAR", "chr1", 100, 200),
        ("G2", "LEFT", "chr1", 150, 1_000),
        ("G3", "RIGHT", "chr1", 50_000, 60_000),
        ("G4", "BEYOND", "chr1", 70_000, 80_000),
        ("G5", "OTHER", "chr2", 1_000, 2_000),
    ]
    # target chr1:20,001-20,500 (0-based half-open 20000-20500)
    assert neighbour_genes(genes, [("chr1", 20_000, 20_500)]) == [
        ("G2", "chr1", 150, 1_000),
        ("G3", "chr1", 50_000, 60_000),
    ]
    # a gene ending on the base before the target counts as before it; none after the last gene
    assert neighbour_genes(genes, [("chr1", 80_000, 80_100)]) == [("G4", "chr1", 70_000, 80_000)]
    assert neighbour_genes(genes, [("chr3", 0, 10)]) == []
