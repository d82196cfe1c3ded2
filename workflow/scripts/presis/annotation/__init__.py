"""Transcripts, HGVS nomenclature, the tidy variant table, panel building and the panel's reporting filters."""
