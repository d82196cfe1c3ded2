"""Snakemake script: split the panel into contiguous shards of about equal size."""

from pathlib import Path

from presis.inputs.bed import merge_intervals, read_panel, split_shards
from presis.step_runner import step_log

log = step_log(snakemake)
contigs = [line.split("\t")[0] for line in Path(snakemake.input.fai).read_text().splitlines()]
shards = split_shards(merge_intervals(read_panel(snakemake.input.panel, contigs)), len(snakemake.output))
for path, intervals in zip(snakemake.output, shards, strict=True):
    with open(path, "w") as fh:
        fh.writelines(f"{c}\t{s}\t{e}\n" for c, s, e in intervals)
    log.info("%s: %d intervals, %d bases", path, len(intervals), sum(e - s for _, s, e in intervals))
