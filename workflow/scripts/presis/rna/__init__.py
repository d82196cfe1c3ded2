"""Tumour RNA: STAR alignment settings, fusions from chimeric reads, exon skipping from junctions, RNA QC."""
