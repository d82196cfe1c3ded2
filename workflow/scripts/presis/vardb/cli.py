"""`presis vardb import|query|export|withdraw|stats`: argument parsing and printing only;
the work is in presis.vardb.store and presis.vardb.contribution.

No output names a contributor key, except the acknowledgement of a withdrawal (the hospital
that withdraws already holds the key), and every count comes suppressed from the store.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from presis.errors import InputError
from presis.vardb import contribution, store

DEFAULT_DB = "sqlite:///presis-vardb.sqlite"


def add_vardb(commands: argparse._SubParsersAction) -> None:
    vardb = commands.add_parser(
        "vardb",
        help="the national pseudonymised variant database (import, query, export, withdraw, stats)",
        description="The national pseudonymised variant database. Counts of 1-4 are shown as <5.",
    )
    sub = vardb.add_subparsers(dest="vardb_command", title="vardb commands", required=True)

    def command(name, help_text, handler):
        parser = sub.add_parser(name, help=help_text, description=help_text)
        parser.add_argument("--db", metavar="URL", default=DEFAULT_DB,
                            help=f"sqlite:///PATH or postgresql://USER@HOST:PORT/DB (default {DEFAULT_DB})")  # fmt: skip
        parser.set_defaults(handler=handler)
        return parser

    command("import", "import contribution files (each checked first; the same file twice changes nothing; "
            "a newer file of the same contributor replaces the older)", run_import).add_argument(
        "files", metavar="FILE", nargs="+", help="results/<patient>/vardb/<patient>.contribution.json")  # fmt: skip
    sub.choices["import"].add_argument(
        "--allow-demo", action="store_true",
        help="import files keyed with presis' public demo secret too (demos and tests only)",
    )  # fmt: skip
    query = command(
        "query", "carriers of a variant by origin and tumour type, and the callable contributors", run_query
    )
    query.add_argument("variant", metavar="CHROM:POS:REF:ALT", help="e.g. chr12:25245350:C:T")
    query.add_argument("--build", default="GRCh38", help="genome build (default GRCh38)")
    query.add_argument("--json", action="store_true", help="print JSON instead of text")
    export = command("export", "aggregated frequencies of every variant (VCF or TSV on stdout)", run_export)
    export.add_argument("--format", choices=("vcf", "tsv"), default="tsv")
    command("withdraw", "remove every row of a contributor key (consent withdrawn)", run_withdraw).add_argument(
        "key", metavar="KEY", help="the 'contributor' field of the patient's contribution file"
    )
    command("stats", "size of the database and its schema version", run_stats)
    serve = command("serve", "a read-only GA4GH Beacon v2 API on the database (docs/interfaces.md)", run_serve)
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8080, help="port (default 8080)")
    serve.add_argument("--tokens", metavar="FILE", help="bearer tokens allowed counts, one per line (read at start)")
    serve.add_argument("--budget", type=int, default=1000, metavar="N",
                       help="g_variants queries per client and window (default 1000)")  # fmt: skip
    serve.add_argument("--budget-window", type=float, default=86400, metavar="SECONDS",
                       help="the budget's window in seconds (default 86400, a day)")  # fmt: skip


def run_import(args: argparse.Namespace) -> int:
    # Every file is checked before anything is imported: one bad file imports nothing.
    loaded = [(path, contribution.load(path)) for path in args.files]
    demo = [Path(path).name for path, data in loaded if data["demo_key"]]
    if demo and not args.allow_demo:
        raise InputError(
            [f"{name}: keyed with presis' public demo secret, so its key protects no one — the hospital sets its "
             "own secret (docs/usage.md: National variant database) and re-runs the contribution; --allow-demo "
             "imports it anyway (demos and tests only)" for name in demo],
            "presis vardb import (nothing imported)",
        )  # fmt: skip
    with store.opened(args.db) as engine:
        outcomes = {"added": 0, "replaced": 0, "unchanged": 0}
        for _, data in loaded:
            outcomes[store.import_contribution(engine, data)] += 1
    print(f"imported {len(loaded)} contribution file(s): " + ", ".join(f"{n} {what}" for what, n in outcomes.items()))
    return 0


def run_query(args: argparse.Namespace) -> int:
    store.parse_variant(args.variant)  # refused before the database is opened
    with store.opened(args.db) as engine:
        result = store.query(engine, args.variant, args.build)
    if args.json:
        print(json.dumps(result, indent=1))
        return 0
    gene = " ".join(x for x in (result["gene"], result["hgvs_p"]) if x)
    print(f"{result['variant']} ({result['build']}){' ' + gene if gene else ''}")
    print(f"callable contributors: {result['callable_contributors']}")
    for origin, counts in result["origins"].items():
        print(f"{origin} carriers: {counts['carriers']}")
        for tumour_type, n in counts["by_tumour_type"].items():
            print(f"  {tumour_type}: {n}")
        print("  by VAF bin: " + ", ".join(f"{b} {n}" for b, n in counts["by_vaf_bin"].items()))
    print(f"(counts of 1-{store.SUPPRESS_BELOW - 1} are shown as <{store.SUPPRESS_BELOW})")
    return 0


def run_export(args: argparse.Namespace) -> int:
    with store.opened(args.db) as engine:
        rows = store.export_rows(engine)
    if args.format == "tsv":
        print("\t".join(store.EXPORT_COLUMNS))
        for row in rows:
            print("\t".join(str(row[c]) for c in store.EXPORT_COLUMNS))
        return 0
    print(vcf_header())
    for row in rows:
        info = f"SOMATIC={row['somatic']};GERMLINE={row['germline']};CALLABLE={row['callable']};BUILD={row['build']}"
        info += "".join(f";{k.upper()}={row[k]}" for k in ("gene", "hgvs_p") if row[k])
        print("\t".join([row["chrom"], str(row["pos"]), ".", row["ref"], row["alt"], ".", ".", info]))
    return 0


def vcf_header() -> str:
    # Counts are strings: a suppressed count is '<5', not a number.
    return "\n".join([
        "##fileformat=VCFv4.3",
        "##source=presis vardb export",
        f"##INFO=<ID=SOMATIC,Number=1,Type=String,Description=\"Contributors carrying the variant as somatic (1-{store.SUPPRESS_BELOW - 1} shown as <{store.SUPPRESS_BELOW})\">",
        f"##INFO=<ID=GERMLINE,Number=1,Type=String,Description=\"Contributors carrying the variant as germline (1-{store.SUPPRESS_BELOW - 1} shown as <{store.SUPPRESS_BELOW})\">",
        f"##INFO=<ID=CALLABLE,Number=1,Type=String,Description=\"Contributors callable at the position, depth >= 20 (1-{store.SUPPRESS_BELOW - 1} shown as <{store.SUPPRESS_BELOW})\">",
        "##INFO=<ID=BUILD,Number=1,Type=String,Description=\"Genome build\">",
        "##INFO=<ID=GENE,Number=1,Type=String,Description=\"Gene\">",
        "##INFO=<ID=HGVS_P,Number=1,Type=String,Description=\"HGVS protein change\">",
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO",
    ])  # fmt: skip


def run_withdraw(args: argparse.Namespace) -> int:
    if not store.KEY_PATTERN.match(args.key):
        raise InputError(
            "KEY: a contributor key is 64 lowercase hex digits (the 'contributor' field of the contribution file)"
        )
    with store.opened(args.db) as engine:
        removed = store.withdraw(engine, args.key)
    if removed is None:
        print(f"withdraw {args.key}: no such contributor in the database (nothing to remove)")
    else:
        print(f"withdrawn {args.key}: {removed[0]} variant observation(s) and {removed[1]} region(s) removed")
    return 0


def run_stats(args: argparse.Namespace) -> int:
    with store.opened(args.db) as engine:
        result = store.stats(engine)
    for name, value in result.items():
        if isinstance(value, dict):
            value = ", ".join(f"{k}: {v}" for k, v in value.items()) or "none"
        print(f"{name.replace('_', ' ')}: {value}")
    return 0


def run_serve(args: argparse.Namespace) -> int:
    from presis.vardb import beacon  # aiohttp only for the server

    if args.budget < 1 or args.budget_window <= 0:
        raise InputError("--budget is at least 1 query and --budget-window more than 0 seconds")
    beacon.serve(args.db, args.host, args.port, args.tokens, args.budget, args.budget_window)
    return 0
