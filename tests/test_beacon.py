"""`presis vardb serve`: a real Beacon v2 server on 127.0.0.1, queried over HTTP; every response
checked against the official Beacon v2 framework schemas (v2.1.1, tests/data/beacon-v2/)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import REPO
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from vardb_data import contribution, key_of

from presis.vardb import beacon, store

SCHEMAS = REPO / "tests" / "data" / "beacon-v2" / "framework" / "json"
TOKEN = "presis-test-token-0123456789abcdef"
EGFR_L858R = {"chrom": "chr7", "pos": 55191822, "ref": "T", "alt": "G", "gene": "EGFR", "hgvs_p": "p.(Leu858Arg)"}
KRAS_G12D = {"chrom": "chr12", "pos": 25245350, "ref": "C", "alt": "T", "gene": "KRAS", "hgvs_p": "p.(Gly12Asp)"}
BRAF_V600E = {"chrom": "chr7", "pos": 140753336, "ref": "A", "alt": "T", "gene": "BRAF", "hgvs_p": "p.(Val600Glu)"}


def registry() -> Registry:
    resources = [
        (path.as_uri(), Resource.from_contents(json.loads(path.read_text()), default_specification=DRAFT202012))
        for path in SCHEMAS.rglob("*.json")
    ]
    return Registry().with_resources(resources)


REGISTRY = registry()


def check(document: dict, schema: str) -> None:
    """Validate against a bundled Beacon schema, $refs resolved locally (no network)."""
    path = SCHEMAS / schema
    root = {**json.loads(path.read_text()), "$id": path.as_uri()}
    errors = sorted(Draft202012Validator(root, registry=REGISTRY).iter_errors(document), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])


def check_count_fields(summary: dict) -> None:
    """Beacon v2.2's count fields (not in the v2.1.1 schemas): their enum and their shape."""
    assert summary.get("countPrecision", "exact") in ("exact", "imprecise", "rounded")
    assert all(isinstance(x, int | str) for x in summary.get("countAdjustedTo", []))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, db: str, tokens: Path, *extra: str):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}/api"
        env = {**os.environ, "PYTHONPATH": str(REPO / "workflow" / "scripts")}
        command = [sys.executable, "-m", "presis.cli", "vardb", "serve", "--db", db, "--port", str(self.port),
                   "--tokens", str(tokens), *extra]  # fmt: skip
        self.proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(self.proc.stdout.read())
            try:
                urllib.request.urlopen(self.base + "/info", timeout=1).read()
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("the beacon did not start within 30 s")

    def stop(self) -> str:
        self.proc.terminate()
        output, _ = self.proc.communicate(timeout=10)
        return output

    def request(self, path: str, body=None, token: str | None = None, raw: bytes | None = None) -> tuple[int, dict]:
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        headers = {"Content-Type": "application/json"} if data is not None else {}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(self.base + path, data=data, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())


def g_variant(variant: dict, reference_name: str | None = None, **extra) -> str:
    chrom = reference_name or variant["chrom"].removeprefix("chr")
    query = (f"referenceName={chrom}&start={variant['pos'] - 1}&referenceBases={variant['ref']}"
             f"&alternateBases={variant['alt']}&assemblyId=GRCh38")  # fmt: skip
    return "/g_variants?" + query + "".join(f"&{k}={v}" for k, v in extra.items())


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> tuple[str, Path]:
    """L858R in 6 LUAD contributors (2 of them with KRAS G12D too), KRAS G12D in one COAD
    contributor besides (3 carriers), BRAF V600E in one SKCM contributor (withdrawn in a test)."""
    folder = tmp_path_factory.mktemp("beacon")
    url = f"sqlite:///{folder / 'vardb.sqlite'}"
    contributions = [contribution(f"luad-{i}", [EGFR_L858R] + ([KRAS_G12D] if i < 2 else [])) for i in range(6)]
    contributions += [contribution("coad-0", [KRAS_G12D], tumour_type="COAD")]
    contributions += [contribution("skcm-0", [BRAF_V600E], tumour_type="SKCM")]
    with store.opened(url) as engine:
        for data in contributions:
            store.import_contribution(engine, data)
    tokens = folder / "tokens.txt"
    tokens.write_text(f"# tokens of the network's trusted nodes\n{TOKEN}\n")
    return url, tokens


@pytest.fixture(scope="module")
def server(database):
    running = Server(*database)
    yield running
    running.stop()


@pytest.mark.parametrize(
    ("path", "schema"),
    [
        ("", "responses/beaconInfoResponse.json"),
        ("/info", "responses/beaconInfoResponse.json"),
        ("/service-info", "responses/ga4gh-service-info-1-0-0-schema.json"),
        ("/map", "responses/beaconMapResponse.json"),
        ("/configuration", "responses/beaconConfigurationResponse.json"),
        ("/entry_types", "responses/beaconEntryTypesResponse.json"),
        ("/filtering_terms", "responses/beaconFilteringTermsResponse.json"),
    ],
)
def test_framework_endpoints_validate_against_the_beacon_schemas(server, path, schema):
    status, body = server.request(path)
    assert status == 200
    check(body, schema)


def test_info_says_what_is_out_of_scope(server):
    _, body = server.request("/info")
    assert "copy number variants" in body["response"]["info"]["outOfScope"]
    assert "fusions" in body["response"]["info"]["outOfScope"]


def test_filtering_terms_list_only_tumour_types_with_five_contributors(server):
    _, body = server.request("/filtering_terms")
    assert [t["id"] for t in body["response"]["filteringTerms"]] == ["OncoTree:LUAD"]  # not COAD (1), SKCM (1)


@pytest.mark.parametrize("reference_name", ["12", "chr12", "NC_000012.12"])
def test_three_carriers_give_an_imprecise_count_of_five_never_three(server, reference_name):
    status, body = server.request(g_variant(KRAS_G12D, reference_name, requestedGranularity="count"), token=TOKEN)
    assert status == 200
    check(body, "responses/beaconCountResponse.json")
    summary = body["responseSummary"]
    check_count_fields(summary)
    assert summary == {"exists": True, "numTotalResults": 5, "countPrecision": "imprecise", "countAdjustedTo": [5]}
    assert body["meta"]["returnedGranularity"] == "count"


def test_six_carriers_give_the_exact_count(server):
    _, body = server.request(g_variant(EGFR_L858R, requestedGranularity="count"), token=TOKEN)
    check(body, "responses/beaconCountResponse.json")
    assert body["responseSummary"] == {"exists": True, "numTotalResults": 6, "countPrecision": "exact"}


def test_a_variant_nobody_carries_does_not_exist(server):
    absent = {**KRAS_G12D, "alt": "G"}
    _, body = server.request(g_variant(absent, requestedGranularity="count"), token=TOKEN)
    check(body, "responses/beaconCountResponse.json")
    assert body["responseSummary"] == {"exists": False, "numTotalResults": 0, "countPrecision": "exact"}


def test_without_a_token_the_answer_is_boolean_only(server):
    status, body = server.request(g_variant(EGFR_L858R, requestedGranularity="count"))
    assert status == 200
    check(body, "responses/beaconBooleanResponse.json")
    assert body["responseSummary"] == {"exists": True}
    assert body["meta"]["returnedGranularity"] == "boolean"


def test_an_unknown_token_is_refused(server):
    status, body = server.request(g_variant(EGFR_L858R), token="not-a-token-of-this-beacon")
    assert status == 401
    check(body, "responses/beaconErrorResponse.json")


def test_post_with_a_tumour_type_filter(server):
    request = {
        "meta": {"apiVersion": "v2.0", "requestedSchemas": [], "requestedGranularity": "count"},
        "query": {
            "requestParameters": {"assemblyId": "GRCh38", "referenceName": "NC_000012.12", "start": [25245349],
                                  "referenceBases": "C", "alternateBases": "T"},
            "filters": [{"id": "OncoTree:COAD"}],
            "requestedGranularity": "count",
        },
    }  # fmt: skip
    status, body = server.request("/g_variants", request, token=TOKEN)
    assert status == 200
    check(body, "responses/beaconCountResponse.json")
    assert body["responseSummary"]["numTotalResults"] == 5 and body["responseSummary"]["countPrecision"] == "imprecise"
    request["query"]["filters"] = [{"id": "OncoTree:SKCM"}]
    _, body = server.request("/g_variants", request, token=TOKEN)
    assert body["responseSummary"]["exists"] is False


def test_a_withdrawn_contributor_changes_the_answer(server, database):
    _, before = server.request(g_variant(BRAF_V600E, requestedGranularity="count"), token=TOKEN)
    assert before["responseSummary"]["exists"] is True
    with store.opened(database[0]) as engine:
        assert store.withdraw(engine, key_of("skcm-0")) is not None
    _, after = server.request(g_variant(BRAF_V600E, requestedGranularity="count"), token=TOKEN)
    assert after["responseSummary"] == {"exists": False, "numTotalResults": 0, "countPrecision": "exact"}


@pytest.mark.parametrize(
    ("path", "body", "raw", "status", "words"),
    [
        ("/g_variants?referenceName=12&start=abc&alternateBases=T", None, None, 400, "start"),
        ("/g_variants?referenceName=12&start=25245349&alternateBases=XYZ", None, None, 400, "alternateBases"),
        ("/g_variants?referenceName=12&start=25245349,25245400&alternateBases=T", None, None, 400, "range"),
        ("/g_variants?referenceName=chrZZ&start=1&alternateBases=T", None, None, 400, "referenceName"),
        ("/g_variants?referenceName=12&start=1&alternateBases=T&geneId=KRAS", None, None, 400, "geneId"),
        ("/g_variants?referenceName=12&start=1&alternateBases=T&filters=HP:0001", None, None, 400, "tumour type"),
        ("/g_variants?referenceName=12&start=1&alternateBases=" + "A" * 1001, None, None, 400, "1000"),
        ("/g_variants", None, b"{not json", 400, "JSON"),
        (
            "/g_variants",
            {
                "query": {
                    "requestParameters": {
                        "referenceName": "12",
                        "start": 1,
                        "alternateBases": "T",
                        "padding": "x" * 20000,
                    }
                }
            },
            None,
            413,
            "larger",
        ),  # fmt: skip
        ("/individuals", None, None, 404, "endpoint"),
    ],
)
def test_malformed_and_oversized_requests_get_a_beacon_error(server, path, body, raw, status, words):
    code, answer = server.request(path, body, token=TOKEN, raw=raw)
    assert code == status
    check(answer, "responses/beaconErrorResponse.json")
    assert answer["error"]["errorCode"] == status and words in answer["error"]["errorMessage"]


def test_the_query_budget_stops_a_client_and_never_logs_the_token(database):
    running = Server(*database, "--budget", "3", "--budget-window", "3600")
    try:
        codes = [running.request(g_variant(EGFR_L858R), token=TOKEN)[0] for _ in range(4)]
        status, body = running.request(g_variant(EGFR_L858R), token=TOKEN)
        other = running.request(g_variant(EGFR_L858R))[0]  # another client (no token: its address)
    finally:
        output = running.stop()
    assert codes == [200, 200, 200, 429] and status == 429 and other == 200
    check(body, "responses/beaconErrorResponse.json")
    assert "budget" in body["error"]["errorMessage"]
    assert TOKEN not in output and "g_variants" in output  # the access log is there, the token is not


def test_budget_window_slides():
    budget = beacon.Budget(limit=2, window=10)
    assert [budget.spend("a", now=t) for t in (0, 1, 2, 10.5)] == [True, True, False, True]
