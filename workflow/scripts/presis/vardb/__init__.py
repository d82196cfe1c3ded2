"""The national pseudonymised variant database: contributions, schema and migrations, store, CLI.

contribution.py  builds, reads and validates one patient's contribution (hospital side)
secret.py        the per-hospital secret and the contributor key (HMAC of the patient id)
schema.py        tables and migrations (schema_version)
store.py         import, withdraw, query, export, stats (SQLAlchemy Core: SQLite or PostgreSQL)
cli.py           `presis vardb …`
"""
