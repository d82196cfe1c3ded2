"""A read-only GA4GH Beacon v2 API on the national variant database (`presis vardb serve`).

Endpoints live under /api, as in the Beacon reference implementations: the framework endpoints
(/api, /api/info, /api/service-info, /api/map, /api/configuration, /api/entry_types,
/api/filtering_terms) and /api/g_variants (GET and POST) for small variants — sequence queries
only (assemblyId, referenceName, start, referenceBases, alternateBases; a tumour-type filter).
Copy-number and fusion events are not in the database yet, and range/bracket queries are refused.

What a client learns depends on its security level:
- no token (PUBLIC): boolean only — does any contributor carry the variant;
- a bearer token from the --tokens file (CONTROLLED): the count of contributors carrying it,
  where 1-4 are returned as numTotalResults 5 with countPrecision 'imprecise' and
  countAdjustedTo [5] (Beacon v2.2's fields, in responseSummary) — never an exact count below 5,
  never records.
Every client (a token, else its IP address) has a query budget per time window, which bounds
differencing attacks (many overlapping queries whose differences expose a single patient).

Responses follow the Beacon v2 framework JSON schemas (v2.1.1, bundled in tests/data/beacon-v2/
and validated in tests/test_beacon.py). Errors are Beacon error responses with the HTTP status.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import re
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web
from sqlalchemy import Engine

from presis import __version__
from presis.errors import InputError
from presis.inputs.contigs import GRCH38_REFSEQ
from presis.vardb import store

API_VERSION = "v2.1.1"  # the framework schemas the responses are validated against (+ v2.2 count fields)
BEACON_ID = "org.presis.vardb"
ENTRY_TYPE = "genomicVariant"
G_VARIANT_SCHEMA = {"entityType": ENTRY_TYPE, "schema": "beacon-g_variant-v2.0.0"}
MAX_BODY_BYTES = 16 * 1024
MAX_ALLELE = 1000
ASSEMBLIES = {"grch38": "GRCh38", "hg38": "GRCh38", "grch37": "GRCh37", "hg19": "GRCh37"}
SEQUENCE_PARAMETERS = {"assemblyId", "referenceName", "start", "referenceBases", "alternateBases"}
# Accepted and echoed, with no effect on an aggregate answer.
IGNORED_PARAMETERS = {"requestedGranularity", "skip", "limit", "includeResultsetResponses", "testMode"}
FILTER_PREFIX = "OncoTree:"
BASES = re.compile(r"^[ACGTN]+$")
CONTIG = re.compile(r"^(?:chr)?([0-9]{1,2}|X|Y|M|MT)$", re.IGNORECASE)
ACCESSION_TO_CHROM = {accession.split(".")[0]: chrom for chrom, accession in GRCH38_REFSEQ.items()}
log = logging.getLogger("presis.vardb.beacon")


class BeaconError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


@dataclass(frozen=True)
class VariantQuery:
    assembly: str
    chroms: tuple[str, ...]
    start: int  # 0-based, as the Beacon spec counts
    ref: str | None
    alt: str
    tumour_types: tuple[str, ...]
    received: dict  # the request parameters as received, for receivedRequestSummary
    filters: tuple[str, ...] = ()
    requested_granularity: str = "boolean"


@dataclass
class Budget:
    """At most ``limit`` g_variants queries per client in any ``window`` seconds (in memory: a
    restart resets it, which the operator controls)."""

    limit: int
    window: float
    used: dict[str, deque] = field(default_factory=dict)

    def spend(self, client: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        times = self.used.setdefault(client, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        if len(times) >= self.limit:
            return False
        times.append(now)
        return True


# --- requests -----------------------------------------------------------------------------


def chromosome_names(reference_name: str) -> tuple[str, ...]:
    """'12', 'chr12' or 'NC_000012.12' -> the names the database may hold ('chr12', '12')."""
    text = str(reference_name).strip()
    accession = ACCESSION_TO_CHROM.get(text.split(".")[0].upper())
    if accession:
        text = accession
    match = CONTIG.match(text)
    if not match:
        raise BeaconError(400, f"referenceName {text[:40]!r}: use 1-22, X, Y, MT, chr12 or a RefSeq NC_ accession")
    name = match.group(1).upper()
    name = "M" if name == "MT" else name
    return (f"chr{name}", name) if name != "M" else ("chrM", "MT", "M")


def _single_start(value) -> int:
    if isinstance(value, list):
        if len(value) != 1:
            raise BeaconError(400, "start: range and bracket queries are not supported; give one 0-based start")
        value = value[0]
    if isinstance(value, str) and "," in value:
        raise BeaconError(400, "start: range and bracket queries are not supported; give one 0-based start")
    try:
        start = int(value)
    except (TypeError, ValueError):
        raise BeaconError(400, "start: a 0-based position (an integer)") from None
    if not 0 <= start < 3_000_000_000:
        raise BeaconError(400, "start: a 0-based position between 0 and 3e9")
    return start


def _bases(name: str, value, required: bool) -> str | None:
    if value is None or value == "":
        if required:
            raise BeaconError(400, f"{name} is required (e.g. {name}=T)")
        return None
    text = str(value).upper()
    if len(text) > MAX_ALLELE:
        raise BeaconError(400, f"{name}: at most {MAX_ALLELE} bases")
    if not BASES.match(text):
        raise BeaconError(400, f"{name}: bases A, C, G, T, N only")
    return text


def _tumour_types(filters: list) -> tuple[str, ...]:
    types = []
    for item in filters:
        term = item.get("id") if isinstance(item, dict) else item
        if not isinstance(term, str) or not term.lower().startswith(FILTER_PREFIX.lower()):
            raise BeaconError(400, f"filter {str(term)[:60]!r}: this beacon filters on tumour type only, "
                                   f"as {FILTER_PREFIX}<code> (see /api/filtering_terms)")  # fmt: skip
        code = term[len(FILTER_PREFIX) :].strip().upper()
        if not re.fullmatch(r"[A-Z0-9_]{1,20}", code):
            raise BeaconError(400, f"filter {term[:60]!r}: an OncoTree code is letters, digits and _")
        types.append(code)
    return tuple(types)


def parse_query(parameters: dict, filters: list, granularity: str | None) -> VariantQuery:
    """A sequence query from request parameters (GET query string or POST requestParameters)."""
    unknown = sorted(set(parameters) - SEQUENCE_PARAMETERS - IGNORED_PARAMETERS - {"filters"})
    if unknown:
        raise BeaconError(400, f"unsupported request parameter(s) {', '.join(unknown)[:200]}: this beacon answers "
                               "sequence queries (assemblyId, referenceName, start, referenceBases, alternateBases)")  # fmt: skip
    if "referenceName" not in parameters or "start" not in parameters:
        raise BeaconError(400, "referenceName and start are required (e.g. referenceName=12&start=25245349)")
    assembly_text = str(parameters.get("assemblyId") or "GRCh38")
    assembly = ASSEMBLIES.get(assembly_text.lower())
    if assembly is None:
        raise BeaconError(400, f"assemblyId {assembly_text[:40]!r}: GRCh38 (or GRCh37)")
    granularity = granularity or "boolean"
    if granularity not in ("boolean", "count", "record"):
        raise BeaconError(400, "requestedGranularity: boolean, count or record")
    received = {key: value for key, value in parameters.items() if key in SEQUENCE_PARAMETERS}
    return VariantQuery(
        assembly=assembly, chroms=chromosome_names(parameters["referenceName"]),
        start=_single_start(parameters["start"]), ref=_bases("referenceBases", parameters.get("referenceBases"), False),
        alt=_bases("alternateBases", parameters.get("alternateBases"), True), tumour_types=_tumour_types(filters),
        received=received, filters=tuple(f.get("id") if isinstance(f, dict) else f for f in filters),
        requested_granularity=granularity,
    )  # fmt: skip


def query_from_get(query: dict) -> VariantQuery:
    parameters = dict(query)
    filters = [f for f in str(parameters.pop("filters", "")).split(",") if f]
    return parse_query(parameters, filters, parameters.get("requestedGranularity"))


def query_from_post(body) -> VariantQuery:
    if not isinstance(body, dict):
        raise BeaconError(400, "the request body is a Beacon request: a JSON object with 'meta' and 'query'")
    query = body.get("query") or {}
    if not isinstance(query, dict):
        raise BeaconError(400, "query: a JSON object")
    parameters = query.get("requestParameters") or {}
    filters = query.get("filters") or []
    if not isinstance(parameters, dict) or not isinstance(filters, list):
        raise BeaconError(400, "query.requestParameters is an object and query.filters a list")
    meta = body.get("meta") if isinstance(body.get("meta"), dict) else {}
    granularity = query.get("requestedGranularity") or meta.get("requestedGranularity")
    return parse_query(parameters, filters, granularity)


# --- responses ----------------------------------------------------------------------------


def _summary(granularity: str = "boolean", parameters: dict | None = None, filters=()) -> dict:
    summary = {
        "apiVersion": API_VERSION, "requestedSchemas": [G_VARIANT_SCHEMA], "pagination": {"skip": 0, "limit": 0},
        "requestedGranularity": granularity,
    }  # fmt: skip
    if parameters:
        # The schema keys request parameters by entry type (each value an object).
        summary["requestParameters"] = {ENTRY_TYPE: parameters}
    if filters:
        summary["filters"] = list(filters)
    return summary


def response_meta(returned: str = "boolean", requested: str = "boolean", parameters=None, filters=()) -> dict:
    return {
        "beaconId": BEACON_ID, "apiVersion": API_VERSION, "returnedSchemas": [G_VARIANT_SCHEMA],
        "returnedGranularity": returned, "receivedRequestSummary": _summary(requested, parameters, filters),
    }  # fmt: skip


def informational_meta() -> dict:
    return {"beaconId": BEACON_ID, "apiVersion": API_VERSION, "returnedSchemas": [G_VARIANT_SCHEMA]}


def error_body(status: int, message: str) -> dict:
    return {"meta": response_meta(), "error": {"errorCode": status, "errorMessage": message}}


def g_variants_body(engine: Engine, query: VariantQuery, counts_allowed: bool) -> dict:
    exists, count, imprecise = store.beacon_count(
        engine, query.assembly, list(query.chroms), query.start + 1, query.ref, query.alt, list(query.tumour_types)
    )
    wants_count = query.requested_granularity in ("count", "record")
    returned = "count" if counts_allowed and wants_count else "boolean"
    summary: dict = {"exists": exists}
    if returned == "count":
        summary["numTotalResults"] = count
        summary["countPrecision"] = "imprecise" if imprecise else "exact"
        if imprecise:
            summary["countAdjustedTo"] = [store.SUPPRESS_BELOW]
    return {
        "meta": response_meta(returned, query.requested_granularity, query.received, query.filters),
        "responseSummary": summary,
    }


def info_results() -> dict:
    return {
        "id": BEACON_ID, "name": "presis national variant database", "apiVersion": API_VERSION,
        "environment": "prod", "version": __version__,
        "description": "Aggregate, pseudonymised somatic and germline small variants contributed by hospitals "
        "running presis. g_variants answers sequence queries for SNVs and small indels (VCF-style alleles, start "
        "= VCF POS - 1); copy-number and fusion events are not held and not queryable. Without a token the "
        "answer is boolean; with a token a count of carrying contributors, 1-4 returned as 5 (imprecise).",
        "organization": {"id": "presis", "name": "presis national variant database operator"},
        "info": {"countsBelow": store.SUPPRESS_BELOW, "outOfScope": ["copy number variants", "fusions",
                                                                     "range and bracket queries", "record level"]},
    }  # fmt: skip


def service_info() -> dict:
    return {
        "id": BEACON_ID, "name": "presis national variant database", "version": __version__,
        "type": {"group": "org.ga4gh", "artifact": "beacon", "version": API_VERSION},
        "description": "Beacon v2 on the presis national pseudonymised variant database",
        "organization": {"name": "presis national variant database operator", "url": "https://example.invalid/presis"},
        "environment": "prod",
    }  # fmt: skip


def entry_type_definition() -> dict:
    return {
        "id": ENTRY_TYPE, "name": "Genomic variant", "partOfSpecification": "Beacon v2.0.0",
        "description": "A small variant (SNV or indel) carried by at least one contributor",
        "ontologyTermForThisType": {"id": "ENSGLOSSARY:0000092", "label": "Variant"},
        "defaultSchema": {"id": "ga4gh-beacon-variant-v2.0.0", "name": "Default schema for a genomic variation",
                          "referenceToSchemaDefinition": "https://github.com/ga4gh-beacon/beacon-v2/blob/v2.1.1/"
                          "models/json/beacon-v2-default-model/genomicVariations/defaultSchema.json",
                          "schemaVersion": "v2.0.0"},
        "nonFilteredQueriesAllowed": True,
    }  # fmt: skip


def configuration() -> dict:
    return {
        "$schema": "https://raw.githubusercontent.com/ga4gh-beacon/beacon-v2/v2.1.1/framework/json/configuration/"
        "beaconConfigurationSchema.json",
        "maturityAttributes": {"productionStatus": "PROD"},
        "securityAttributes": {"defaultGranularity": "boolean", "securityLevels": ["PUBLIC", "CONTROLLED"]},
        "entryTypes": {ENTRY_TYPE: entry_type_definition()},
    }  # fmt: skip


def beacon_map(base: str) -> dict:
    return {
        "$schema": "https://raw.githubusercontent.com/ga4gh-beacon/beacon-v2/v2.1.1/framework/json/configuration/"
        "beaconMapSchema.json",
        "endpointSets": {ENTRY_TYPE: {"entryType": ENTRY_TYPE, "rootUrl": f"{base}/api/g_variants"}},
    }


def filtering_terms(engine: Engine) -> dict:
    terms = [{"type": "alphanumeric", "id": f"{FILTER_PREFIX}{code}", "label": f"tumour type {code} (OncoTree)",
              "scopes": [ENTRY_TYPE]} for code in store.tumour_types_shown(engine)]  # fmt: skip
    resources = [
        {"id": "OncoTree", "name": "OncoTree", "url": "https://oncotree.mskcc.org", "nameSpacePrefix": "OncoTree"}
    ]
    return {"filteringTerms": terms, "resources": resources}


# --- the server ---------------------------------------------------------------------------


@dataclass
class Settings:
    engine: Engine
    tokens: frozenset[str]  # SHA-256 digests of the tokens: the tokens themselves are not kept
    budget: Budget


def read_tokens(path: str | Path | None) -> frozenset[str]:
    """One token per line (blank lines and '#' comments ignored), kept only as SHA-256 digests."""
    if not path:
        return frozenset()
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise InputError(f"--tokens {path}: cannot read it ({error.strerror})") from None
    tokens = [line.strip() for line in lines if line.strip() and not line.strip().startswith("#")]
    short = [i for i, token in enumerate(tokens, 1) if len(token) < 16]
    if short:
        raise InputError(f"--tokens {path}: token {short[0]} is shorter than 16 characters; use long random tokens")
    return frozenset(_digest(token) for token in tokens)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _token_level(request: web.Request, settings: Settings) -> str | None:
    """The digest of a valid bearer token, None without one; an invalid token is refused."""
    header = request.headers.get("Authorization")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    digest = _digest(token.strip())
    if scheme.lower() != "bearer" or not any(hmac.compare_digest(digest, known) for known in settings.tokens):
        raise BeaconError(401, "the bearer token is not valid for this beacon (omit it for boolean answers)")
    return digest


def _json(body: dict, status: int = 200) -> web.Response:
    return web.json_response(body, status=status, dumps=lambda data: json.dumps(data, ensure_ascii=False))


@web.middleware
async def beacon_errors(request: web.Request, handler):
    """Every error, the framework's own (404, 405, 413) too, as a Beacon error response."""
    try:
        return await handler(request)
    except BeaconError as error:
        return _json(error_body(error.status, error.message), error.status)
    except web.HTTPException as error:
        if error.status < 400:
            raise
        message = {404: "no such endpoint (the beacon lives under /api)", 405: "method not allowed",
                   413: f"request body larger than {MAX_BODY_BYTES} bytes"}.get(error.status, error.reason)  # fmt: skip
        return _json(error_body(error.status, message), error.status)


def make_app(settings: Settings) -> web.Application:
    app = web.Application(middlewares=[beacon_errors], client_max_size=MAX_BODY_BYTES)

    def informational(builder):
        async def handler(request: web.Request) -> web.Response:
            return _json({"meta": informational_meta(), "response": builder(request)})

        return handler

    async def g_variants(request: web.Request) -> web.Response:
        token = _token_level(request, settings)
        if request.method == "POST":
            try:
                body = await request.json()
            except (json.JSONDecodeError, UnicodeDecodeError):
                raise BeaconError(400, "the request body is not valid JSON") from None
            query = query_from_post(body)
        else:
            query = query_from_get(request.query)
        if not settings.budget.spend(token or f"ip:{request.remote}"):
            raise BeaconError(429, f"query budget used up: at most {settings.budget.limit} queries per "
                                   f"{settings.budget.window:.0f} s per client; try again later")  # fmt: skip
        # SQLAlchemy is synchronous: the query runs in a worker thread, not on the event loop.
        body = await asyncio.to_thread(g_variants_body, settings.engine, query, token is not None)
        return _json(body)

    root = informational(lambda request: info_results())
    routes = [
        web.get("/api", root), web.get("/api/", root), web.get("/api/info", root),
        web.get("/api/service-info", lambda request: _async_json(service_info())),
        web.get("/api/map", informational(lambda request: beacon_map(f"{request.scheme}://{request.host}"))),
        web.get("/api/configuration", informational(lambda request: configuration())),
        web.get("/api/entry_types", informational(lambda request: {"entryTypes": {ENTRY_TYPE: entry_type_definition()}})),
        web.get("/api/filtering_terms", informational(lambda request: filtering_terms(settings.engine))),
        web.get("/api/g_variants", g_variants), web.post("/api/g_variants", g_variants),
    ]  # fmt: skip
    app.add_routes(routes)
    return app


async def _async_json(body: dict) -> web.Response:
    return _json(body)


def serve(db: str, host: str, port: int, tokens_file: str | None, budget: int, window: float) -> None:
    """Run the beacon until interrupted; the database is opened read-only in spirit (no writes)."""
    settings = Settings(engine=store.open_db(db), tokens=read_tokens(tokens_file), budget=Budget(budget, window))
    # The access log names client, request line and status: never the Authorization header.
    access = logging.getLogger("aiohttp.access")
    if not access.handlers:
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
        access.addHandler(handler)
        access.setLevel(logging.INFO)
    print(f"presis beacon on http://{host}:{port}/api ({len(settings.tokens)} token(s); budget {budget} "
          f"queries per {window:.0f} s per client)", flush=True)  # fmt: skip
    try:
        web.run_app(make_app(settings), host=host, port=port, print=None, access_log_format='%a "%r" %s %b')
    finally:
        settings.engine.dispose()
