"""Snakemake script: the effective configuration (all four layers merged)."""

import yaml

with open(snakemake.output[0], "w") as fh:
    yaml.safe_dump(dict(snakemake.params.config), fh, sort_keys=True)
