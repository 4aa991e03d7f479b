"""Public status query (GET /api/cases/status) over HTTP with 1 and 8 clients, p50/p99, beside the same three reads
as plain SQL in the same run (target: p99 < 5 ms with one client and < 20 ms with eight at 10^6 cases).

Runs in a throw-away test database of the DATABASE_URL engine (PostgreSQL when set) with 10,000 and then 100,000
existing cases bulk-loaded as rows (ZW_BENCH_STATUS_SIZES=10000,100000,1000000 adds 10^6; about 4 minutes more to
load). The server is gunicorn (4 worker processes) on a free port, as in bench_cases; each query asks for a random
existing case by its number and query code, as an applicant would.
"""

from __future__ import annotations

import os
import random

from django.db import connection, connections

from bench.bench_cases import Client, Server, _pct, _run_threads, _world, load_cases, throwaway_database

_QUICK = os.environ.get("ZW_BENCH_CASES") == "quick"
SIZES = tuple(
    int(n)
    for n in os.environ.get("ZW_BENCH_STATUS_SIZES", "500,1000" if _QUICK else "10000,100000").split(",")
)
QUERIES = 300 if _QUICK else 2_000  # per size and number of clients
CLIENT_COUNTS = (1, 8)
TARGET_P99_MS = {1: 5, 8: 20}


def _status_sql(number: str, code: str) -> None:
    """The status query's own three reads as plain SQL: the case on its number and code with the names it shows,
    its events with their organisations, the calendar's check."""
    with connections["default"].cursor() as cur:
        cur.execute(
            "SELECT c.id, c.status, c.channel, c.received_at, c.intake_due, c.accepted_on, c.promised_due, "
            "c.legal_due, c.decision, c.delivery, c.revision, i.code, v.number, v.name, o.name, a.name, a.kind "
            "FROM cases_case c JOIN catalog_serviceitem i ON i.id = c.item_id "
            "JOIN catalog_itemversion v ON v.id = c.version_id JOIN core_organisation o ON o.id = c.organisation_id "
            "JOIN cases_applicant a ON a.id = c.applicant_id WHERE c.number = %s AND c.query_code = %s LIMIT 1",
            [number, code],
        )
        row = cur.fetchone()
        cur.execute(
            "SELECT e.at, e.action, e.data, e.to_status, o.name FROM cases_caseevent e "
            "LEFT JOIN core_organisation o ON o.id = e.organisation_id WHERE e.case_id = %s ORDER BY e.seq",
            [row[0]],
        )
        cur.fetchall()
        cur.execute("SELECT COUNT(id), MAX(id), MAX(loaded_at) FROM core_calendaryear")
        cur.fetchone()


def _targets(size: int) -> list[tuple[str, str]]:
    picked = random.Random(size).sample(range(size), min(QUERIES, size))
    return [(f"360681-2000-{n:07d}", f"{n % 999999:06d}") for n in picked]


def _measure(server: Server, size: int) -> None:
    targets = _targets(size)
    for clients in CLIENT_COUNTS:
        anonymous = [Client(server.url) for _ in range(clients)]

        def over_http(w, n, anonymous=anonymous):
            number, code = targets[n % len(targets)]
            out = anonymous[w].call("GET", f"/api/cases/status?number={number}&query_code={code}")
            assert out["number"] == number

        _run_threads(over_http, 50, clients)  # warm: every worker process connected and its code loaded
        load = os.getloadavg()[0]
        wall, latencies, _ = _run_threads(over_http, QUERIES, clients)
        wall_sql, latencies_sql, _ = _run_threads(
            lambda w, n: _status_sql(*targets[n % len(targets)]), QUERIES, clients
        )
        connections.close_all()
        p99 = _pct(latencies, 99)
        verdict = "ok" if p99 < TARGET_P99_MS[clients] else f"OVER {TARGET_P99_MS[clients]} ms"
        print(
            f"   {connection.vendor} n={size:>9,} {clients} client{'s' if clients > 1 else ' '}: over HTTP "
            f"{len(latencies) / wall:7.1f}/s p50 {_pct(latencies, 50):6.2f} ms p99 {p99:6.2f} ms [{verdict}]   "
            f"plain SQL {len(latencies_sql) / wall_sql:7.1f}/s p50 {_pct(latencies_sql, 50):5.2f} ms "
            f"p99 {_pct(latencies_sql, 99):5.2f} ms   (load average {load:.1f} → {os.getloadavg()[0]:.1f})"
        )


def run() -> None:
    with throwaway_database("status"):
        server = None
        try:
            item, _window = _world()
            print(
                f"   {connection.vendor}; gunicorn 4 workers on 127.0.0.1; {QUERIES} queries per size and clients"
            )
            for size in SIZES:
                print(f"   loaded {size:,} existing cases in {load_cases(item, size):.1f} s")
                server = server or Server()
                _measure(server, size)
        finally:
            if server is not None:
                server.stop()
