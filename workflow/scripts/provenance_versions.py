"""Snakemake script: versions of every tool and library presis ran with."""

import json

from presis.report.provenance import presis_commit, python_versions, tool_versions
from presis.step_runner import step_log

log = step_log(snakemake)
versions = {"presis": presis_commit(snakemake.params.repo), "tools": tool_versions(), "python": python_versions()}
with open(snakemake.output[0], "w") as fh:
    json.dump(versions, fh, indent=2, sort_keys=True)
log.info("%s", versions)
