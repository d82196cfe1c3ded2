"""Snakemake script: tumour/normal identity (presis.calling.identity); a mismatch stops the patient
unless identity: on_mismatch: warn. The full result is logged either way (the log stays
when the job fails)."""

import json
import sys

from presis.calling.identity import IdentityMismatch, IdentityParams, check_identity, count_sites, enforce
from presis.step_runner import step_log

log = step_log(snakemake)
params = IdentityParams.from_config(snakemake.params.identity)
result = check_identity(
    snakemake.input.genotypes,
    snakemake.params.tumour,
    snakemake.params.normal,
    params,
    sites_in_targets=count_sites(snakemake.input.alleles),
)
log.info("identity result: %s", json.dumps(result.to_json(), sort_keys=True))
try:
    enforce(result, params)
except IdentityMismatch as error:
    log.error("%s", error)
    sys.exit(f"presis identity_check: {error}")
if result.warning:
    log.warning("%s (identity: on_mismatch: warn — the report carries this warning)", result.message)
    print(f"presis identity_check WARNING: {result.message}", file=sys.stderr)
with open(snakemake.output[0], "w") as handle:
    json.dump(result.to_json(), handle, indent=2, sort_keys=True, ensure_ascii=False)
