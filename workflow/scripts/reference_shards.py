"""Snakemake script: split the panel into contiguous shards of about equal size."""

import logging
from pathlib import Path

from presis.inputs.bed import merge_intervals, read_panel, split_shards

logging.basicConfig(filename=snakemake.log[0], level=logging.INFO, format="%(asctime)s %(message)s")
contigs = [line.split("\t")[0] for line in Path(snakemake.input.fai).read_text().splitlines()]
shards = split_shards(merge_intervals(read_panel(snakemake.input.panel, contigs)), len(snakemake.output))
for path, intervals in zip(snakemake.output, shards, strict=True):
    with open(path, "w") as fh:
        fh.writelines(f"{c}\t{s}\t{e}\n" for c, s, e in intervals)
    logging.info("%s: %d intervals, %d bases", path, len(intervals), sum(e - s for _, s, e in intervals))
