"""Snakemake script: the tidy germline table (presis.germline)."""

import logging

from presis.bed import PanelIndex, read_panel
from presis.coords import ContigMap
from presis.germline import build_germline_table
from presis.transcripts import load_mane, load_transcripts

logging.basicConfig(filename=snakemake.log[0], level=logging.INFO, format="%(asctime)s %(message)s")
panel = PanelIndex(read_panel(snakemake.input.panel))
table = build_germline_table(
    snakemake.input.vcf,
    snakemake.input.ref,
    load_transcripts(snakemake.input.gff3),
    ContigMap.load(snakemake.params.contigs),
    load_mane(snakemake.params.mane) if snakemake.params.mane else {},
    panel.genes_at,
)
table.to_csv(snakemake.output[0], sep="\t", index=False)
logging.info("%d germline calls annotated, %d PASS", len(table), int((table["filters"] == "PASS").sum()))
