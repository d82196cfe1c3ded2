"""The variant database: import, withdraw, query, export, stats — one code path for SQLite and
PostgreSQL through SQLAlchemy Core.

Writes (migrations, imports, withdrawals) are serialised: on PostgreSQL by a transaction-level
advisory lock, on SQLite by BEGIN IMMEDIATE. Two processes importing at once therefore queue
rather than race (a lost update or a duplicated contributor is impossible), and each import is
one transaction: it lands whole or not at all. Reads take no write lock.

Small-count suppression lives here, not in the CLI: every count this module hands out is
already shown as ``<5`` when it is 1–4, so no caller can forget it.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, create_engine, delete, event, func, select, union
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from presis.errors import InputError
from presis.vardb import schema
from presis.vardb.genomic_bins import bins_over, region_bin
from presis.vardb.schema import contributors, observations, regions, variants
from presis.vardb.vaf_bins import LABELS as VAF_BINS

SUPPRESS_BELOW = 5
# A contributor counts as callable at a position when the panel region holding it has at least
# this share of its bases at depth >= 20: the contribution carries a count per region, not
# base-level spans, and region edges (padding) often dip below 20x while the body is covered.
CALLABLE_PERCENT = 95
ADVISORY_LOCK = 0x70726573  # 'pres': one lock for all writers of the database
KEY_PATTERN = re.compile(r"^[0-9a-f]{64}$")
VARIANT_PATTERN = re.compile(
    r"^([A-Za-z0-9][A-Za-z0-9_.]{0,63}):([1-9][0-9]{0,9}):([ACGTN]{1,1000}):([ACGTN]{1,1000})$"
)
ORIGINS = ("somatic", "germline")


def shown(count: int) -> str:
    """A count as it may be shown: 1–4 become '<5' (a rare variant must not point at a patient)."""
    return "<5" if 0 < count < SUPPRESS_BELOW else str(count)


# --- connecting ---------------------------------------------------------------------------


def engine_for(url: str) -> Engine:
    """sqlite:///PATH (embedded, the default) or postgresql://USER@HOST:PORT/DB (psycopg 3)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise InputError("--db: not a database URL — use sqlite:///PATH or postgresql://USER@HOST:PORT/DB") from None
    if parsed.get_backend_name() == "postgresql":
        return create_engine(parsed.set(drivername="postgresql+psycopg"), pool_pre_ping=True)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        raise InputError("--db: use sqlite:///PATH (a file) or postgresql://USER@HOST:PORT/DB")
    engine = create_engine(parsed, connect_args={"timeout": 300})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        # pysqlite's own implicit BEGIN would defeat BEGIN IMMEDIATE below: take over.
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA foreign_keys = ON")
        dbapi_connection.execute("PRAGMA journal_mode = WAL")  # readers do not wait for a writer

    @event.listens_for(engine, "begin")
    def _begin(connection):
        write = connection.get_execution_options().get("presis_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


@contextmanager
def opened(url: str) -> Iterator[Engine]:
    """``open_db`` for one command: the engine's connections are closed afterwards."""
    engine = open_db(url)
    try:
        yield engine
    finally:
        engine.dispose()


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """One write transaction holding the database's write lock."""
    with engine.connect().execution_options(presis_write=True) as connection, connection.begin():
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({ADVISORY_LOCK})")
        yield connection


def open_db(url: str) -> Engine:
    """The database, created or migrated to the current schema when needed."""
    engine = engine_for(url)
    try:
        with engine.connect() as connection:
            version = schema.current_version(connection)
        if version < schema.CURRENT:
            with writing(engine) as connection:
                schema.migrate(connection)
    except OperationalError as error:
        engine.dispose()
        # The URL may hold a password: name the backend only.
        raise InputError(
            f"cannot open the {engine.dialect.name} database: {str(error.orig).strip().splitlines()[0]}"
        ) from None
    return engine


# --- writing ------------------------------------------------------------------------------


def digest(contribution: dict) -> str:
    return hashlib.sha256(json.dumps(contribution, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def _remove(connection: Connection, contributor_id: int) -> tuple[int, int]:
    """Delete a contributor's rows, and variants nobody else carries; (observations, regions) removed."""
    variant_ids = [
        r[0]
        for r in connection.execute(
            select(observations.c.variant_id).where(observations.c.contributor_id == contributor_id)
        )
    ]
    removed = connection.execute(delete(observations).where(observations.c.contributor_id == contributor_id)).rowcount
    spans = connection.execute(delete(regions).where(regions.c.contributor_id == contributor_id)).rowcount
    connection.execute(delete(contributors).where(contributors.c.id == contributor_id))
    for chunk in _chunks(variant_ids, 500):
        still_carried = select(observations.c.variant_id).where(observations.c.variant_id.in_(chunk))
        connection.execute(delete(variants).where(variants.c.id.in_(chunk), variants.c.id.not_in(still_carried)))
    return removed, spans


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _variant_ids(connection: Connection, build: str, entries: list[dict]) -> dict[tuple, int]:
    """(chrom, pos, ref, alt) -> id, inserting the variants not yet known."""
    keys = sorted({(v["chrom"], v["pos"], v["ref"], v["alt"]) for v in entries})
    found: dict[tuple, int] = {}

    def lookup(chunk):
        # (build, chrom, pos) is the unique index's prefix: both backends use it, which a
        # row-value IN over all four columns does not guarantee.
        for chrom in {k[0] for k in chunk}:
            rows = connection.execute(
                select(variants.c.id, variants.c.chrom, variants.c.pos, variants.c.ref, variants.c.alt).where(
                    variants.c.build == build, variants.c.chrom == chrom,
                    variants.c.pos.in_(sorted({k[1] for k in chunk if k[0] == chrom})),
                )
            )  # fmt: skip
            found.update({(r.chrom, r.pos, r.ref, r.alt): r.id for r in rows})

    for chunk in _chunks(keys, 200):
        lookup(chunk)
    described = {(v["chrom"], v["pos"], v["ref"], v["alt"]): v for v in entries}
    missing = [k for k in keys if k not in found]
    if missing:
        connection.execute(
            variants.insert(),
            [{"build": build, "chrom": k[0], "pos": k[1], "ref": k[2], "alt": k[3],
              "gene": described[k]["gene"], "hgvs_p": described[k]["hgvs_p"]} for k in missing],
        )  # fmt: skip
        for chunk in _chunks(missing, 200):
            lookup(chunk)
    return found


def import_contribution(engine: Engine, contribution: dict) -> str:
    """'added', 'replaced' (the key had an older contribution) or 'unchanged' (the same one
    again). ``contribution`` must have passed presis.vardb.contribution.validate."""
    fingerprint = digest(contribution)
    with writing(engine) as connection:
        earlier = connection.execute(
            select(contributors.c.id, contributors.c.digest).where(contributors.c.key == contribution["contributor"])
        ).first()
        if earlier is not None and earlier.digest == fingerprint:
            return "unchanged"
        if earlier is not None:
            _remove(connection, earlier.id)
        contributor_id = connection.execute(
            contributors.insert().values(
                key=contribution["contributor"], digest=fingerprint, build=contribution["build"],
                hospital_level=contribution["hospital_level"], tumour_type=contribution["tumour_type"],
            )
        ).inserted_primary_key[0]  # fmt: skip
        ids = _variant_ids(connection, contribution["build"], contribution["variants"])
        if contribution["variants"]:
            connection.execute(
                observations.insert(),
                [{"contributor_id": contributor_id, "variant_id": ids[(v["chrom"], v["pos"], v["ref"], v["alt"])],
                  "origin": v["origin"], "vaf_bin": v["vaf_bin"]} for v in contribution["variants"]],
            )  # fmt: skip
        if contribution["regions"]:
            connection.execute(
                regions.insert(),
                [
                    {"contributor_id": contributor_id, "bin": region_bin(r["start"], r["end"]), **r}
                    for r in contribution["regions"]
                ],
            )
        return "added" if earlier is None else "replaced"


def withdraw(engine: Engine, key: str) -> tuple[int, int] | None:
    """Remove every row of a contributor key: (observations, regions) removed, None if unknown."""
    if not KEY_PATTERN.match(key):
        raise InputError(
            "a contributor key is 64 lowercase hex digits (the 'contributor' field of the contribution file)"
        )
    with writing(engine) as connection:
        found = connection.execute(select(contributors.c.id).where(contributors.c.key == key)).scalar()
        return None if found is None else _remove(connection, found)


# --- reading ------------------------------------------------------------------------------


def parse_variant(text: str) -> tuple[str, int, str, str]:
    """CHROM:POS:REF:ALT, e.g. chr12:25245350:C:T; anything else is refused before any query."""
    match = VARIANT_PATTERN.match(text)
    if not match:
        shown_text = text if len(text) <= 80 else text[:80] + "…"
        raise InputError(
            f"{shown_text!r} is not a variant: write CHROM:POS:REF:ALT, e.g. chr12:25245350:C:T (alleles A, C, G, T, N)"
        )
    chrom, pos, ref, alt = match.groups()
    return chrom, int(pos), ref, alt


def _callable(connection: Connection, build: str, chrom: str, pos: int, variant_id: int | None) -> int:
    """Contributors callable at a position: a callable panel region over it (CALLABLE_PERCENT),
    or carrying the variant there (a carrier was evidently callable)."""
    in_region = (
        select(regions.c.contributor_id)
        .join(contributors, contributors.c.id == regions.c.contributor_id)
        .where(contributors.c.build == build, regions.c.chrom == chrom, regions.c.bin.in_(bins_over(pos - 1)),
               regions.c.start < pos, regions.c.end >= pos,
               regions.c.callable_bases * 100 >= (regions.c.end - regions.c.start) * CALLABLE_PERCENT)
    )  # fmt: skip
    carrying = select(observations.c.contributor_id).where(observations.c.variant_id == variant_id)
    both = union(in_region, carrying).subquery()  # UNION: each contributor once
    return connection.execute(select(func.count()).select_from(both)).scalar()


def query(engine: Engine, variant: str, build: str = "GRCh38") -> dict:
    """Carriers of one variant by origin, by origin and tumour type, by origin and VAF bin, and
    the callable contributors — every count suppressed."""
    chrom, pos, ref, alt = parse_variant(variant)
    with engine.connect() as connection:
        found = connection.execute(
            select(variants).where(variants.c.build == build, variants.c.chrom == chrom, variants.c.pos == pos,
                                   variants.c.ref == ref, variants.c.alt == alt)
        ).first()  # fmt: skip
        carriers = []
        if found is not None:
            carriers = connection.execute(
                select(observations.c.origin, observations.c.vaf_bin, contributors.c.tumour_type, contributors.c.id)
                .join(contributors, contributors.c.id == observations.c.contributor_id)
                .where(observations.c.variant_id == found.id)
            ).all()
        callable_n = _callable(connection, build, chrom, pos, found.id if found else None)
    result = {
        "variant": f"{chrom}:{pos}:{ref}:{alt}", "build": build,
        "gene": found.gene if found else None, "hgvs_p": found.hgvs_p if found else None,
        "callable_contributors": shown(callable_n), "origins": {},
    }  # fmt: skip
    for origin in ORIGINS:
        rows = [row for row in carriers if row.origin == origin]
        by_type: dict[str, set] = {}
        by_bin: dict[str, set] = {label: set() for label in VAF_BINS}
        for row in rows:
            by_type.setdefault(row.tumour_type or "unknown", set()).add(row.id)
            by_bin[row.vaf_bin].add(row.id)
        result["origins"][origin] = {
            "carriers": shown(len({row.id for row in rows})),
            "by_tumour_type": {t: shown(len(ids)) for t, ids in sorted(by_type.items())},
            "by_vaf_bin": {b: shown(len(ids)) for b, ids in by_bin.items()},
        }
    return result


EXPORT_COLUMNS = ["build", "chrom", "pos", "ref", "alt", "gene", "hgvs_p", "somatic", "germline", "callable"]


def export_rows(engine: Engine) -> list[dict]:
    """One row per variant carried by anyone: carriers by origin and callable contributors, suppressed."""
    with engine.connect() as connection:
        counts = connection.execute(
            select(
                observations.c.variant_id, observations.c.origin, func.count(observations.c.contributor_id)
            ).group_by(observations.c.variant_id, observations.c.origin)
        ).all()
        carried = {variant_id for variant_id, _, _ in counts}
        rows = connection.execute(select(variants).order_by(variants.c.build, variants.c.chrom, variants.c.pos,
                                                            variants.c.ref, variants.c.alt)).all()  # fmt: skip
        rows = [v for v in rows if v.id in carried]
        # One indexed look-up per variant (genomic bins): simple and exact, about a millisecond each.
        callable_n = {v.id: _callable(connection, v.build, v.chrom, v.pos, v.id) for v in rows}
    by_origin = {(variant_id, origin): n for variant_id, origin, n in counts}
    return [
        {"build": v.build, "chrom": v.chrom, "pos": v.pos, "ref": v.ref, "alt": v.alt, "gene": v.gene or "",
         "hgvs_p": v.hgvs_p or "", "somatic": shown(by_origin.get((v.id, "somatic"), 0)),
         "germline": shown(by_origin.get((v.id, "germline"), 0)), "callable": shown(callable_n[v.id])}
        for v in rows
    ]  # fmt: skip


def stats(engine: Engine) -> dict:
    """Sizes of the database (suppressed like every count) and its schema version."""
    with engine.connect() as connection:

        def count(statement):
            return shown(connection.execute(statement).scalar() or 0)

        levels = connection.execute(
            select(contributors.c.hospital_level, func.count()).group_by(contributors.c.hospital_level)
        ).all()
        return {
            "schema_version": schema.current_version(connection),
            "contributors": count(select(func.count()).select_from(contributors)),
            "contributors_by_level": {f"level {level}": shown(n) for level, n in sorted(levels)},
            "variants": count(select(func.count(func.distinct(observations.c.variant_id)))),
            "somatic_observations": count(select(func.count()).where(observations.c.origin == "somatic")),
            "germline_observations": count(select(func.count()).where(observations.c.origin == "germline")),
            "regions": count(select(func.count()).select_from(regions)),
            "tumour_types": count(select(func.count(func.distinct(contributors.c.tumour_type)))),
        }


# --- the Beacon v2 count (presis.vardb.beacon) --------------------------------------------


def beacon_count(
    engine: Engine, build: str, chroms: list[str], pos: int, ref: str | None, alt: str, tumour_types: list[str] | None
) -> tuple[bool, int, bool]:
    """(exists, count as shown, imprecise) of the contributors carrying a variant (any origin),
    optionally only those of the given tumour types. A count of 1-4 is shown as 5 and flagged
    imprecise: the Beacon form of '<5' (never the exact number below SUPPRESS_BELOW)."""
    carriers = (
        select(func.count(func.distinct(observations.c.contributor_id)))
        .select_from(observations.join(variants, variants.c.id == observations.c.variant_id))
        .where(variants.c.build == build, variants.c.chrom.in_(chroms), variants.c.pos == pos, variants.c.alt == alt)
    )
    if ref is not None:
        carriers = carriers.where(variants.c.ref == ref)
    if tumour_types:
        carriers = carriers.join(contributors, contributors.c.id == observations.c.contributor_id).where(
            contributors.c.tumour_type.in_(tumour_types)
        )
    with engine.connect() as connection:
        n = connection.execute(carriers).scalar() or 0
    if 0 < n < SUPPRESS_BELOW:
        return True, SUPPRESS_BELOW, True
    return n > 0, n, False


def tumour_types_shown(engine: Engine) -> list[str]:
    """Tumour types with at least SUPPRESS_BELOW contributors (a rarer type is not listed: its
    presence alone could point at a patient)."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(contributors.c.tumour_type, func.count())
            .where(contributors.c.tumour_type.is_not(None))
            .group_by(contributors.c.tumour_type)
        ).all()
    return sorted(t for t, n in rows if n >= SUPPRESS_BELOW)
