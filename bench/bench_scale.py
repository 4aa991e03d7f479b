"""Scale-out: the same load against one application server and against two (gunicorn, 2 workers each, one database):
full lifecycles per second with 8 clients, then status queries per second, and the ratio two servers / one.

The clients are spread over the servers (client k talks to server k mod n). On one machine the two servers share its
cores with each other, the database and the clients, so the ratio shows what the software adds or loses by running
as two servers (nothing held in a process, no lock between them); the gain of a second machine is measured on two.
Runs in a throw-away test database of the DATABASE_URL engine with 10,000 existing cases, like bench_cases.
"""

from __future__ import annotations

import os
import random
import uuid

from django.db import connection, connections

from bench.bench_cases import (
    CLIENTS,
    Client,
    Server,
    _id_number,
    _pct,
    _run_threads,
    _world,
    load_cases,
    throwaway_database,
)

_QUICK = os.environ.get("ZW_BENCH_CASES") == "quick"
SIZE = 1_000 if _QUICK else 10_000
LIFECYCLES = 24 if _QUICK else 120
STATUS_QUERIES = 200 if _QUICK else 1_600
WORKERS_PER_SERVER = 2


def _lifecycle(client: Client, item_code: str, n: int, paper: list[int]) -> str:
    case = client.call("POST", "/api/cases", {
        "item_code": item_code, "channel": "counter", "form": {"subject": f"扩展压测 {n}"},
        "applicant": {"kind": "natural", "name": "压测申请人", "id_number": _id_number(7000 + n % 900),
                      "phone": "13900000000"},
        "idempotency_key": uuid.uuid4().hex,
    })  # fmt: skip
    number = case["number"]
    case = client.call("POST", f"/api/cases/{number}/accept", {"revision": case["revision"], "paper": paper})
    case = client.call("POST", f"/api/cases/{number}/decide", {"grant": True, "revision": case["revision"]})
    case = client.call("POST", f"/api/cases/{number}/complete", {"revision": case["revision"]})
    assert case["status"] == "completed", case
    return number


def _measure(servers: list[Server], item, offset: int) -> tuple[float, float, float, float]:
    paper = list(item.current_version.materials.filter(required=True).values_list("position", flat=True))
    staff = [Client(servers[w % len(servers)].url, f"chief{w}") for w in range(CLIENTS)]
    _run_threads(lambda w, n: _lifecycle(staff[w], item.code, offset + 900 + n, paper), CLIENTS)  # warm
    load_before = os.getloadavg()[0]
    wall, _, numbers = _run_threads(
        lambda w, n: _lifecycle(staff[w], item.code, offset + n, paper), LIFECYCLES
    )
    picked = random.Random(offset).sample(range(SIZE), min(STATUS_QUERIES, SIZE))
    targets = [(f"360681-2000-{n:07d}", f"{n % 999999:06d}") for n in picked]
    anonymous = [Client(servers[w % len(servers)].url) for w in range(CLIENTS)]

    def status(w, n):
        number, code = targets[n % len(targets)]
        assert (
            anonymous[w].call("GET", f"/api/cases/status?number={number}&query_code={code}")["number"]
            == number
        )

    wall_q, latencies, _ = _run_threads(status, STATUS_QUERIES)
    connections.close_all()
    load = (load_before + os.getloadavg()[0]) / 2
    return len(numbers) / wall, len(latencies) / wall_q, _pct(latencies, 99), load


def run() -> None:
    with throwaway_database("scale"):
        item, _window = _world()
        loaded = load_cases(item, SIZE)
        print(f"   {connection.vendor}; {SIZE:,} existing cases (loaded in {loaded:.1f} s); {CLIENTS} clients; "
              f"gunicorn {WORKERS_PER_SERVER} workers a server; {os.cpu_count()} CPUs")  # fmt: skip
        results = {}
        for count in (1, 2):
            servers = []
            try:
                for _ in range(count):  # one by one: a server that fails to start stops those started before
                    servers.append(Server(workers=WORKERS_PER_SERVER))
                results[count] = _measure(servers, item, offset=count * 10_000)
            finally:
                for server in servers:
                    server.stop()
            rate, q_rate, p99, load = results[count]
            print(f"   {count} server{'s' if count > 1 else ' '}: {rate:6.1f} lifecycles/s   {q_rate:7.1f} status "
                  f"queries/s (p99 {p99:6.2f} ms)   load average {load:.1f}")  # fmt: skip
        (one, q_one, _, _), (two, q_two, _, _) = results[1], results[2]
        print(f"   two servers / one: lifecycles ×{two / one:.2f}, status queries ×{q_two / q_one:.2f}")
