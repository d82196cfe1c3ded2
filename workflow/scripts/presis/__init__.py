"""presis: the library behind the workflow's scripts (never imports snakemake)."""

__version__ = "0.1.0"
