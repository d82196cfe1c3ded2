"""Snakemake script: the tidy variant table (presis.variant_table)."""

import logging

from presis.bed import PanelIndex, read_panel
from presis.coords import ContigMap
from presis.transcripts import load_mane, load_transcripts
from presis.variant_table import build_table

logging.basicConfig(filename=snakemake.log[0], level=logging.INFO, format="%(asctime)s %(message)s")
panel = PanelIndex(read_panel(snakemake.input.panel))
table = build_table(
    snakemake.input.vcf,
    snakemake.input.ref,
    load_transcripts(snakemake.input.gff3),
    ContigMap.load(snakemake.params.contigs),
    load_mane(snakemake.params.mane) if snakemake.params.mane else {},
    panel.genes_at,
)
table.to_csv(snakemake.output[0], sep="\t", index=False)
logging.info("%d candidate alleles annotated", len(table))
