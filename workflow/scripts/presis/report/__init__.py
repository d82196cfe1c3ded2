"""The tumour report: document (JSON/HTML/TSV), sections, plots, QC summaries and provenance."""
