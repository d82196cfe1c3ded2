"""Panels from gene lists reproduce the bundled demo panel."""

import pysam
from conftest import DATA, REPO

from presis.annotation.panel_build import gene_intervals, write_bed
from presis.annotation.transcripts import load_transcripts
from presis.inputs.bed import merge_intervals
from presis.inputs.gene_list import read_gene_list


def test_demo_panel_is_reproduced_from_its_gene_list(tmp_path):
    transcripts = load_transcripts(DATA / "genome/presis-test-GRCh38.v2.gff3.gz")
    contigs = list(pysam.FastaFile(str(DATA / "genome/presis-test-GRCh38.v2.fa.gz")).references)
    genes = read_gene_list(REPO / "config/panels/presis-demo.genes.txt")
    intervals, missing = gene_intervals(transcripts, genes + ["NOTAGENE"], padding=25)
    write_bed(merge_intervals(intervals, contigs), tmp_path / "panel.bed")
    assert missing == ["NOTAGENE"]
    assert (tmp_path / "panel.bed").read_text() == (REPO / "config/panels/presis-demo.bed").read_text()


def test_rule_builds_the_panel_and_warns_about_missing_genes(tmp_path):
    import subprocess

    from conftest import SNAKEMAKE

    genes = tmp_path / "genes.txt"
    genes.write_text(
        (REPO / "config/panels/presis-demo.genes.txt").read_text() + "# a gene this reference lacks\nBRAF\n"
    )
    target = tmp_path / "results/reference/panel.bed"
    proc = subprocess.run(
        [str(SNAKEMAKE), str(target), "--configfile", "config/config.yaml", "--cores", "1", "--config",
         f"outdir={tmp_path}", f"panel={{name: from-genes, bed: null, genes: {genes}}}"],
        cwd=REPO, capture_output=True, text=True,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert target.read_text() == (REPO / "config/panels/presis-demo.bed").read_text()
    assert (tmp_path / "results/reference/panel.missing_genes.txt").read_text() == "BRAF\n"
    assert "not in the reference annotation" in (tmp_path / "logs/reference/panel_from_genes.log").read_text()


def test_gene_list_keeps_file_order_without_comments_or_duplicates(tmp_path):
    path = tmp_path / "genes.txt"
    path.write_text("# predisposition genes\nTP53\n\nBRCA2  # inline note\n  KRAS\nTP53\n")
    assert read_gene_list(path) == ["TP53", "BRCA2", "KRAS"]
