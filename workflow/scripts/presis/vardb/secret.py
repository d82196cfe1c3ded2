"""The hospital's secret and the contributor key.

The key is HMAC-SHA256(secret, patient id): the same patient always gets the same key at one
hospital (so a withdrawal of consent removes the patient's tumour and normal together, and a
re-run replaces the earlier contribution), while nobody without the secret can compute the key
of a known patient id. The secret is read here at run time and never passed through the
configuration, so it cannot reach the effective config, the report or a log.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Mapping
from pathlib import Path

from presis.errors import InputError

MIN_SECRET_LENGTH = 16
# sha256 of config/vardb/demo.secret, the bundled demo's public secret: a key made with it
# protects no one, so contributions say so and the national import refuses them by default.
DEMO_SECRET_SHA256 = "91726913a04dfb13f9a2497f63455c731ab7d8543d3e141dbd91f4fe0974a920"  # shorter secrets can be guessed by brute force over patient ids
HOW_TO_SET = (
    "set a per-hospital secret of at least {n} characters: export {env}=… in the environment that "
    "runs presis, or write it to a file readable only by presis and name that file in the site "
    "config as vardb: {{secret_file: /path/to/secret}} (the secret itself never goes in a config); "
    "or switch the contribution off with vardb: {{contribute: false}}"
)


def read_secret(env_name: str, secret_file: str | None, environ: Mapping[str, str] = os.environ) -> bytes:
    """The secret from the environment variable, else from the secrets file; an error says how to set one."""
    how = HOW_TO_SET.format(n=MIN_SECRET_LENGTH, env=env_name)
    value = environ.get(env_name, "")
    source = f"environment variable {env_name}"
    if not value and secret_file:
        path = Path(secret_file)
        if not path.is_file():
            raise InputError(
                f"vardb.secret_file names no readable file — {how}", "national variant database contribution"
            )
        value = path.read_text().strip()
        source = "vardb.secret_file"
    if not value:
        raise InputError(f"no contributor secret is configured — {how}", "national variant database contribution")
    if len(value) < MIN_SECRET_LENGTH:
        raise InputError(f"the secret in {source} is shorter than {MIN_SECRET_LENGTH} characters — {how}",
                         "national variant database contribution")  # fmt: skip
    return value.encode()


def is_demo_secret(secret: bytes) -> bool:
    return hashlib.sha256(secret).hexdigest() == DEMO_SECRET_SHA256


def contributor_key(patient: str, secret: bytes) -> str:
    """64 hex digits; the patient id cannot be recovered from it without the secret."""
    return hmac.new(secret, patient.encode(), hashlib.sha256).hexdigest()
