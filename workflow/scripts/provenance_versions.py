"""Snakemake script: versions of every tool and library presis ran with."""

import json
import logging

from presis.report.provenance import presis_commit, python_versions, tool_versions

logging.basicConfig(filename=snakemake.log[0], level=logging.INFO, format="%(asctime)s %(message)s")
versions = {"presis": presis_commit(snakemake.params.repo), "tools": tool_versions(), "python": python_versions()}
with open(snakemake.output[0], "w") as fh:
    json.dump(versions, fh, indent=2, sort_keys=True)
logging.info("%s", versions)
