"""Benchmark: the national variant database on SQLite and on PostgreSQL.

Run: `.venv/bin/python tests/benchmarks/bench_vardb.py [--contributions 2000] [--variants 300] [--beacon]`.
Not a test: it prints figures, it asserts nothing. For each backend it imports N synthetic
contributions (each checked against the JSON Schema first, as `presis vardb import` does; one
transaction each), then times queries of random carried variants and prints the median. The
PostgreSQL server is a throwaway cluster (tests/postgres_cluster.py) with fsync on, on this
machine; SQLite is a file in a temporary folder (WAL, synchronous FULL).

--beacon also starts `presis vardb serve` on the filled database and times g_variants over HTTP
(GET, a bearer token, count granularity) from this process: p50 and p95 of the round trip.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(TESTS), str(TESTS.parent / "workflow" / "scripts")]

from postgres_cluster import Cluster, pg_bindir  # noqa: E402
from vardb_data import synthetic  # noqa: E402

from presis.vardb import contribution, store  # noqa: E402


def beacon_latency(url: str, loci: list[tuple], queries: int) -> dict:
    """p50/p95 of g_variants round trips on a real `presis vardb serve` of the database."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    token = "benchmark-token-0123456789abcdef"
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write(token + "\n")
    env = {**os.environ, "PYTHONPATH": str(TESTS.parent / "workflow" / "scripts")}
    command = [sys.executable, "-m", "presis.cli", "vardb", "serve", "--db", url, "--port", str(port),
               "--tokens", handle.name, "--budget", str(queries + 10)]  # fmt: skip
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/api"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/info", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        times, hits = [], 0
        for chrom, pos, ref, alt in loci[:queries]:
            request = urllib.request.Request(
                f"{base}/g_variants?assemblyId=GRCh38&referenceName={chrom}&start={pos - 1}&referenceBases={ref}"
                f"&alternateBases={alt}&requestedGranularity=count",
                headers={"Authorization": f"Bearer {token}"},
            )
            t0 = time.perf_counter()
            with urllib.request.urlopen(request, timeout=30) as response:
                hits += json.loads(response.read())["responseSummary"]["exists"]
            times.append(time.perf_counter() - t0)
    finally:
        server.terminate()
        server.wait(timeout=10)
        os.unlink(handle.name)
    times.sort()
    return {"p50_ms": 1000 * statistics.median(times), "p95_ms": 1000 * times[int(0.95 * len(times))],
            "queries": len(times), "hits": hits}  # fmt: skip


def bench(url: str, contributions: list[dict], queries: int, beacon: bool = False) -> dict:
    engine = store.open_db(url)
    checking = importing = 0.0
    for data in contributions:
        t0 = time.perf_counter()
        contribution.validate(data, "benchmark")
        t1 = time.perf_counter()
        store.import_contribution(engine, data)
        checking, importing = checking + t1 - t0, importing + time.perf_counter() - t1
    imported = checking + importing
    loci = sorted({(v["chrom"], v["pos"], v["ref"], v["alt"]) for data in contributions[:50] for v in data["variants"]})
    rng = random.Random(6)
    times = []
    for chrom, pos, ref, alt in rng.sample(loci, min(queries, len(loci))):
        t0 = time.perf_counter()
        store.query(engine, f"{chrom}:{pos}:{ref}:{alt}")
        times.append(time.perf_counter() - t0)
    stats = store.stats(engine)
    engine.dispose()
    served = beacon_latency(url, rng.sample(loci, min(queries, len(loci))), queries) if beacon else None
    return {"beacon": served, "import_s": imported, "per_contribution_ms": 1000 * imported / len(contributions),
            "check_ms": 1000 * checking / len(contributions), "write_ms": 1000 * importing / len(contributions),
            "query_median_ms": 1000 * statistics.median(times), "query_p95_ms": 1000 * sorted(times)[int(0.95 * len(times))],
            "queries": len(times), "stats": stats}  # fmt: skip


def main() -> None:
    # A stopped benchmark still stops its PostgreSQL server (the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contributions", type=int, default=2000)
    parser.add_argument("--variants", type=int, default=300, help="variants per contribution")
    parser.add_argument(
        "--regions", type=int, default=185, help="panel regions per contribution (the demo panel has 185)"
    )
    parser.add_argument("--pool", type=int, default=20000, help="distinct loci the variants are drawn from")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--beacon", action="store_true", help="also time g_variants of `presis vardb serve`")
    args = parser.parse_args()
    contributions = [synthetic(i, args.variants, args.regions, args.pool) for i in range(args.contributions)]
    print(f"{args.contributions} contributions x {args.variants} variants ({args.regions} regions each, "
          f"loci from a pool of {args.pool}); {args.queries} queries")  # fmt: skip
    for backend in args.backends.split(","):
        with tempfile.TemporaryDirectory() as folder:
            cluster = None
            if backend == "postgresql":
                cluster = Cluster(pg_bindir(), fsync=True)
                cluster.start()
                url = cluster.create_database("bench")
            else:
                url = f"sqlite:///{Path(folder) / 'bench.sqlite'}"
            try:
                result = bench(url, contributions, args.queries, args.beacon)
            finally:
                if cluster:
                    cluster.stop()
        print(f"{backend:10s} import {result['import_s']:.1f} s ({result['per_contribution_ms']:.1f} ms per contribution: "
              f"{result['check_ms']:.1f} ms schema check + {result['write_ms']:.1f} ms database); "
              f"query median {result['query_median_ms']:.1f} ms, p95 {result['query_p95_ms']:.1f} ms over {result['queries']}; "
              f"{result['stats']['variants']} variants, {result['stats']['somatic_observations']} observations")  # fmt: skip
        if result["beacon"]:
            served = result["beacon"]
            print(f"{backend:10s} beacon g_variants over HTTP: p50 {served['p50_ms']:.1f} ms, p95 {served['p95_ms']:.1f} ms "
                  f"over {served['queries']} queries ({served['hits']} carried)")  # fmt: skip


if __name__ == "__main__":
    main()
