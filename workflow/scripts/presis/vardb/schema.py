"""Tables of the variant database and their migrations.

The version of the schema in a database is the one row of ``schema_version``. Each migration
is a function run once, in order, inside one transaction with the version bump, so a database
is always at a version and never half-migrated. A new version appends a migration; an old
database is brought up to date the next time any command opens it.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    inspect,
    select,
)  # fmt: skip

metadata = MetaData()

schema_version = Table("schema_version", metadata, Column("version", Integer, nullable=False))

# One row per contributor key (one patient of one hospital); digest: sha256 of the canonical
# contribution, so an identical re-import is recognised and changes nothing.
contributors = Table(
    "contributors", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(64), nullable=False, unique=True),
    Column("digest", String(64), nullable=False),
    Column("build", String(16), nullable=False),
    Column("hospital_level", Integer, nullable=False),
    Column("tumour_type", String(16)),
)  # fmt: skip

variants = Table(
    "variants", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("build", String(16), nullable=False),
    Column("chrom", String(64), nullable=False),
    Column("pos", BigInteger, nullable=False),
    Column("ref", String(1000), nullable=False),
    Column("alt", String(1000), nullable=False),
    Column("gene", String(32)),
    Column("hgvs_p", String(122)),
    UniqueConstraint("build", "chrom", "pos", "ref", "alt", name="uq_variant"),
)  # fmt: skip

observations = Table(
    "observations", metadata,
    Column("contributor_id", Integer, ForeignKey("contributors.id", ondelete="CASCADE"), primary_key=True),
    Column("variant_id", Integer, ForeignKey("variants.id"), primary_key=True),
    Column("origin", String(8), primary_key=True),
    Column("vaf_bin", String(12), nullable=False),
    Index("ix_observations_variant", "variant_id"),
)  # fmt: skip

regions = Table(
    "regions", metadata,
    Column("contributor_id", Integer, ForeignKey("contributors.id", ondelete="CASCADE"), nullable=False),
    Column("chrom", String(64), nullable=False),
    Column("start", BigInteger, nullable=False),
    Column("end", BigInteger, nullable=False),
    Column("callable_bases", Integer, nullable=False),
    Column("bin", Integer, nullable=False),  # presis.vardb.genomic_bins: an interval index
    Index("ix_regions_locus", "chrom", "bin"),
    Index("ix_regions_contributor", "contributor_id"),
)  # fmt: skip


def _v1(connection: Connection) -> None:
    """The first schema: contributors, variants, observations, callable regions."""
    metadata.create_all(connection, tables=[contributors, variants, observations, regions])


MIGRATIONS: list[tuple[int, Callable[[Connection], None]]] = [(1, _v1)]
CURRENT = MIGRATIONS[-1][0]


def current_version(connection: Connection) -> int:
    if not inspect(connection).has_table("schema_version"):
        return 0
    return connection.execute(select(schema_version.c.version)).scalar() or 0


def migrate(connection: Connection) -> list[int]:
    """Apply the missing migrations inside the caller's transaction (which holds the write
    lock, so two processes never migrate at once); the versions applied are returned."""
    version = current_version(connection)
    if version > CURRENT:
        raise RuntimeError(
            f"the database has schema version {version}, newer than this presis ({CURRENT}): upgrade presis"
        )
    if version == 0:
        schema_version.create(connection, checkfirst=True)
        connection.execute(schema_version.insert().values(version=0))
    applied = []
    for number, migration in MIGRATIONS:
        if number > version:
            migration(connection)
            connection.execute(schema_version.update().values(version=number))
            applied.append(number)
    return applied
