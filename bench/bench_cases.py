"""Cases: full lifecycles per second over HTTP (submit → accept → grant → complete) with concurrent clients, and status
queries per second with p50/p99 latency; each beside the same writes/reads done as plain SQL in the same run.

Runs in a throw-away test database of the DATABASE_URL engine (PostgreSQL when set), with 10,000 and then 100,000
existing cases bulk-loaded as rows. The HTTP side is a real server (gunicorn, 4 worker processes) on a free port of
127.0.0.1, driven by 8 client threads through the REST API with signed-in sessions.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

from django.db import connection, connections, transaction
from django.utils import timezone

CLIENTS = 8
WORKERS = 4
# ZW_BENCH_CASES=quick: small sizes, to check the bench itself works
_QUICK = os.environ.get("ZW_BENCH_CASES") == "quick"
SIZES = (500, 1_000) if _QUICK else (10_000, 100_000)
LIFECYCLES = 40 if _QUICK else 160  # per size, shared by the clients
STATUS_QUERIES = 200 if _QUICK else 2_000  # per size
SUBMITS = 30 if _QUICK else 200  # per size, one client after another
PASSWORD = "Bench-cases-2026"
ITEM = {
    "name": "个体工商户登记",
    "type": "01",
    "basic_code": "",
    "target": ["person"],
    "legal_basis": [{"law": "《促进个体工商户发展条例》", "article": "第八条", "text": "……"}],
    "conditions": "有经营能力的自然人。",
    "legal_limit": 3,
    "promised_limit": 1,
    "extension_days": 0,
    "instant": False,
    "materials": [{"name": "登记申请书", "required": True, "medium": "either"}],
    "steps": [
        {"name": "受理", "role": "window_clerk", "days": 0},
        {"name": "核准", "role": "approver", "days": 1},
    ],
    "result": {"name": "营业执照", "kind": "licence", "delivery": ["window"]},
}


# ---- the world -------------------------------------------------------------------------------------------------


def _world():
    import copy

    from tests.factories import make_centre, make_organisation, make_region, make_staff, make_window

    from zhengwu.catalog import services as catalog
    from zhengwu.core.models import Role

    county = make_region("360681", "贵溪市", parent=make_region("360600", "鹰潭市"))
    bureau = make_organisation("贵溪市市场监督管理局", region=county, short_name="市场监管局")
    window = make_window(make_centre("贵溪市政务服务中心", county), "9", organisations=[bureau])
    for n in range(CLIENTS):
        make_staff(f"chief{n}", bureau, roles=[Role.WINDOW_CLERK, Role.APPROVER], password=PASSWORD,
                   window=window, name=f"首席代表{n}", window_authorised=True)  # fmt: skip
    version = catalog.create_item(spec=copy.deepcopy(ITEM), organisation=bureau)
    catalog.submit(item=version.item)
    catalog.publish(item=version.item)
    version.item.refresh_from_db()
    return version.item, window


def _id_number(n: int) -> str:
    from zhengwu.core import ids

    body = f"360681{19500101 + (n % 28):08d}"[:14] + f"{n % 1000:03d}"
    return body + ids.ric_check_character(body)


def _bulk_load(item, total: int) -> None:
    """Bring the case table up to `total` existing cases (plain rows, as an older system's import would leave)."""
    from zhengwu.cases.models import Applicant, Case, CaseEvent, Status

    have = Case.objects.filter(number__startswith="360681-2000-").count()
    if have >= total:
        return
    now = timezone.now()
    applicants = list(Applicant.objects.filter(name__startswith="存量"))
    if not applicants:
        applicants = Applicant.objects.bulk_create(
            Applicant(
                kind="natural",
                name=f"存量申请人{n}",
                id_number=_id_number(n),
                phone="13800000000",
                created_at=now,
            )  # fmt: skip
            for n in range(1000)
        )
    statuses = [Status.COMPLETED] * 6 + [Status.ACCEPTED, Status.RECEIVED, Status.REFUSED, Status.SUSPENDED]
    version = item.current_version
    batch = 5_000
    for start in range(have, total, batch):
        rows = [
            Case(
                number=f"360681-2000-{n:07d}",
                query_code=f"{n % 999999:06d}",
                item=item,
                version=version,
                organisation=item.organisation,
                applicant=applicants[n % len(applicants)],
                channel="import",
                form={"subject": "存量办件"},
                created_at=now,
                received_at=now,
                status=statuses[n % len(statuses)],
                revision=1,
            )
            for n in range(start, min(start + batch, total))
        ]
        Case.objects.bulk_create(rows)
        CaseEvent.objects.bulk_create(
            CaseEvent(case=c, seq=1, at=now, action="submit", from_status="", to_status="received", data={})
            for c in rows
        )


# ---- the server and its clients ---------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class Server:
    """gunicorn serving zhengwu on a free port, against the bench's database, with the public rate limits off (the
    bench is one address asking thousands of times)."""

    def __init__(self, workers: int = WORKERS, env: dict | None = None):
        self.port = _free_port()
        self.dir = tempfile.TemporaryDirectory()
        Path(self.dir.name, "zw_bench_settings.py").write_text(
            "from zhengwu.settings import *  # noqa: F403\nRATELIMIT_ENABLE = False\n", encoding="utf-8"
        )
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "DJANGO_SETTINGS_MODULE": "zw_bench_settings",
            "PYTHONPATH": os.pathsep.join([self.dir.name, *sys.path]),
            "ZHENGWU_CONN_MAX_AGE": "60",
            "ZHENGWU_DB_CONN_MAX_AGE": "60",
            **(env or {}),
        }
        self.log = open(Path(self.dir.name, "server.log"), "w")
        self.process = subprocess.Popen(
            # a first request on a loaded machine (load average 25) took gunicorn's default 30 s: 120 s
            [sys.executable, "-m", "gunicorn", "zhengwu.wsgi", "-b", f"127.0.0.1:{self.port}", "-w", str(workers),
             "--timeout", "120", "--log-level", "warning"],
            env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        # a loaded machine takes its time to start 4 workers (it took more than 30 s at load average 10)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.url}/healthz", timeout=2)
                return
            except OSError:
                time.sleep(0.2)
        log = Path(self.dir.name, "server.log").read_text()  # before stop() removes the directory
        self.stop()
        raise RuntimeError("the bench server did not start: " + log)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cpu_seconds(self) -> float | None:
        """CPU time (user + system) the server's processes have used so far (Linux /proc; None elsewhere). Unlike
        requests per second it does not depend on what else the machine is running."""
        pid = self.process.pid
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            return None
        total = 0.0
        for child in [pid, *map(int, children)]:
            try:
                fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
        return total / os.sysconf("SC_CLK_TCK")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:  # workers still starting on a loaded machine
            self.process.kill()
            self.process.wait(timeout=20)
        self.log.close()
        self.dir.cleanup()


class Client:
    """One signed-in member of staff talking JSON to the API (session cookie and CSRF header, as a browser would)."""

    def __init__(self, base: str, username: str | None = None):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        if username:
            self.opener.open(f"{base}/accounts/login/").read()
            body = urllib.parse.urlencode(
                {"csrfmiddlewaretoken": self._csrf(), "username": username, "password": PASSWORD}
            ).encode()
            self.opener.open(urllib.request.Request(f"{base}/accounts/login/", data=body)).read()
            if not any(c.name == "sessionid" for c in self.jar):
                raise RuntimeError(f"{username} could not sign in")

    def _csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def call(self, method: str, path: str, payload: dict | None = None) -> dict:
        headers = (
            {"Content-Type": "application/json", "X-CSRFToken": self._csrf()} if method == "POST" else {}
        )
        data = json.dumps(payload or {}).encode() if method == "POST" else None
        request = urllib.request.Request(f"{self.base}{path}", data=data, headers=headers, method=method)
        with self.opener.open(request) as response:
            return json.loads(response.read())


def _submit_http(client: Client, item_code: str, n: int) -> dict:
    return client.call("POST", "/api/cases", {
        "item_code": item_code,
        "channel": "counter",
        "form": {"subject": f"压测办件 {n}"},
        "applicant": {"kind": "natural", "name": "压测申请人", "id_number": _id_number(5000 + n % 900),
                      "phone": "13900000000"},
        "idempotency_key": uuid.uuid4().hex,
    })  # fmt: skip


def _lifecycle_http(client: Client, item_code: str, n: int, paper: list[int]) -> str:
    case = _submit_http(client, item_code, n)
    number = case["number"]
    # the application form received on paper at the window (a grant needs every required material provided)
    case = client.call("POST", f"/api/cases/{number}/accept", {"revision": case["revision"], "paper": paper})
    case = client.call("POST", f"/api/cases/{number}/decide", {"grant": True, "revision": case["revision"]})
    case = client.call("POST", f"/api/cases/{number}/complete", {"revision": case["revision"]})
    assert case["status"] == "completed", case
    return number


def _run_threads(work, total: int, clients: int = CLIENTS) -> tuple[float, list[float], list]:
    """Run `work(worker, n)` `total` times over `clients` threads; wall time, per-call latencies and results."""
    counter = iter(range(total))
    lock = threading.Lock()
    latencies, results, errors = [], [], []

    def loop(worker: int):
        try:
            _loop(worker)
        finally:
            connections.close_all()  # this thread's own database connection, if it opened one

    def _loop(worker: int):
        while True:
            with lock:
                n = next(counter, None)
            if n is None:
                return
            started = time.perf_counter()
            try:
                result = work(worker, n)
            except Exception as exc:  # noqa: BLE001 — reported below, the bench goes on
                errors.append(repr(exc)[:300])
                continue
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                results.append(result)

    threads = [threading.Thread(target=loop, args=(w,)) for w in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    if errors:
        print(f"   {len(errors)} errors, first: {errors[0]}")
    return wall, latencies, results


# ---- the baseline: the same writes and reads as plain SQL ------------------------------------------------------


def _insert(cursor, table: str, values: dict) -> int:
    columns = ", ".join(values)
    marks = ", ".join(["%s"] * len(values))
    cursor.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks}) RETURNING id", list(values.values()))
    return cursor.fetchone()[0]


def _event_sql(
    cur, ctx: dict, number: str, case_id: int, seq: int, action: str, before: str, after: str
) -> None:
    """A case's event with its outbox message and its audit record, as plain SQL."""
    now = timezone.now()
    _insert(cur, "cases_caseevent", {"case_id": case_id, "seq": seq, "at": now, "action": action,
            "from_status": before, "to_status": after, "actor_label": "首席代表", "note": "",
            "data": "{}", "organisation_id": ctx["org"]})  # fmt: skip
    _insert(cur, "cases_outboxmessage", {"case_id": case_id, "channel": "sms", "recipient": "13900000000",
            "subject": "", "body": f"办件 {number}", "state": "pending", "attempts": 0, "last_error": "",
            "created_at": now, "next_attempt_at": now})  # fmt: skip
    # the audit record, as the services append it (unsealed: the chain is sealed after commit)
    _insert(cur, "core_auditrecord", {"at": now, "actor_label": "首席代表", "action": f"cases.{action}",
            "object_type": "cases.case", "object_id": str(case_id), "summary": "{}"})  # fmt: skip


def _submit_sql(ctx: dict, number: str) -> int:
    """The submit as one transaction of plain SQL: the case row, its first event with its outbox message and its
    audit record (as _lifecycle_sql writes them)."""
    now = timezone.now()
    with transaction.atomic(), connections["default"].cursor() as cur:
        case_id = _insert(cur, "cases_case", {
            "number": number, "query_code": "ABCDEF", "item_id": ctx["item"], "version_id": ctx["version"],
            "organisation_id": ctx["org"], "applicant_id": ctx["applicant"], "agent_name": "", "agent_id_number": "",
            "agent_phone": "", "channel": "counter", "window_id": ctx["window"], "form": "{}",
            "requested_delivery": "", "delivery_address": "",
            "idempotency_key": uuid.uuid4().hex, "created_at": now, "status": "received", "received_at": now,
            "deemed_accepted": False, "due_provisional": False, "extension_days": 0, "decision": "", "delivery": "",
            "decided_onsite": False,
            "revision": 1, "org_path": ctx.get("org_path", ""), "region_path": ctx.get("region_path", ""),
        })  # fmt: skip
        _event_sql(cur, ctx, number, case_id, 1, "submit", "", "received")
    return case_id


def _lifecycle_sql(ctx: dict, n: int) -> str:
    """Submit, accept, decide, complete as four transactions of plain SQL: the case row, its events, steps, notices,
    outbox messages and audit records, with the row locked for each change (as the services do, without the ORM and
    HTTP)."""
    conn = connections["default"]
    now = timezone.now()
    number = f"360681-1999-{n:07d}-{threading.get_ident() % 1000}"
    lock = "" if conn.vendor == "sqlite" else " FOR UPDATE"

    def event(cur, case_id, seq, action, before, after):
        _event_sql(cur, ctx, number, case_id, seq, action, before, after)

    def change(case_id, seq, action, before, after, **fields):
        with transaction.atomic(), conn.cursor() as cur:
            cur.execute(f"SELECT revision FROM cases_case WHERE id = %s{lock}", [case_id])
            revision = cur.fetchone()[0]
            sets = ", ".join(f"{k} = %s" for k in fields)
            cur.execute(f"UPDATE cases_case SET status = %s, revision = %s, {sets} WHERE id = %s",
                        [after, revision + 1, *fields.values(), case_id])  # fmt: skip
            event(cur, case_id, seq, action, before, after)
            return cur

    case_id = _submit_sql(ctx, number)
    today = timezone.localdate()
    change(
        case_id, 2, "accept", "received", "accepted", accepted_on=today, promised_due=today, legal_due=today
    )
    with transaction.atomic(), conn.cursor() as cur:
        for position, name, role, state in (
            (1, "受理", "window_clerk", "done"),
            (2, "核准", "approver", "open"),
        ):
            _insert(cur, "cases_casestep", {"case_id": case_id, "position": position, "name": name, "role": role,
                    "days": 1, "state": state, "started_on": today, "due_on": today, "due_provisional": False,
                    "opinion": "", "kind": ""})  # fmt: skip
        _insert(cur, "cases_notice", {"case_id": case_id, "kind": "acceptance", "document_number": number,
                "token": uuid.uuid4().hex[:24], "issued_at": now, "essentials": "{}"})  # fmt: skip
    change(case_id, 3, "decide", "accepted", "decided", decision="grant", decided_at=now)
    with transaction.atomic(), conn.cursor() as cur:
        cur.execute("UPDATE cases_casestep SET state = 'done', completed_on = %s WHERE case_id = %s AND position = 2",
                    [today, case_id])  # fmt: skip
        _insert(cur, "cases_notice", {"case_id": case_id, "kind": "grant", "document_number": number + "-g",
                "token": uuid.uuid4().hex[:24], "issued_at": now, "essentials": "{}"})  # fmt: skip
    change(case_id, 4, "complete", "decided", "completed", finished_at=now)
    return number


def _status_sql(number: str) -> None:
    """What the status page reads: the case with its item, version, organisation and applicant; its events."""
    with connections["default"].cursor() as cur:
        cur.execute(
            "SELECT c.id, c.status, c.query_code, c.promised_due, c.legal_due, i.code, v.name, o.name, a.name "
            "FROM cases_case c JOIN catalog_serviceitem i ON i.id = c.item_id "
            "JOIN catalog_itemversion v ON v.id = c.version_id JOIN core_organisation o ON o.id = c.organisation_id "
            "JOIN cases_applicant a ON a.id = c.applicant_id WHERE c.number = %s",
            [number],
        )
        row = cur.fetchone()
        cur.execute("SELECT action, at, data FROM cases_caseevent WHERE case_id = %s ORDER BY seq", [row[0]])
        cur.fetchall()


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] * 1000


def _measure(server: Server, item, window, size: int) -> None:
    from zhengwu.cases.models import Applicant, Case

    clients = [Client(server.url, f"chief{n}") for n in range(CLIENTS)]
    latencies = []
    for n in range(SUBMITS):  # one client alone: the latency of a submit over HTTP (issue 20: p50 ≤ 5 ms)
        started = time.perf_counter()
        _submit_http(clients[0], item.code, size * 20 + n)
        latencies.append(time.perf_counter() - started)
    ctx = {"item": item.pk, "version": item.current_version_id, "org": item.organisation_id, "window": window.pk,
           "applicant": Applicant.objects.order_by("id").values_list("id", flat=True).first(),
           "org_path": item.organisation.path, "region_path": item.organisation.region.path}  # fmt: skip
    # the same submit's writes as one transaction of plain SQL, and a request over HTTP that asks the database one
    # SELECT (/healthz): what a submit costs this machine's PostgreSQL and HTTP before any of the platform's work
    plain, floor = [], []
    for n in range(SUBMITS):
        started = time.perf_counter()
        _submit_sql(ctx, f"360681-1998-{size + n:07d}")
        plain.append(time.perf_counter() - started)
        started = time.perf_counter()
        clients[0].opener.open(f"{server.url}/healthz").read()
        floor.append(time.perf_counter() - started)
    connections.close_all()
    print(f"   {connection.vendor} n={size:>7,}: submit over HTTP, one client: p50 {_pct(latencies, 50):6.2f} ms, "
          f"p90 {_pct(latencies, 90):6.2f} ms   plain SQL p50 {_pct(plain, 50):5.2f} ms   one SELECT over HTTP "
          f"p50 {_pct(floor, 50):5.2f} ms ({SUBMITS} each; load average {os.getloadavg()[0]:.1f})")  # fmt: skip
    cpu_before = server.cpu_seconds()
    paper = list(item.current_version.materials.filter(required=True).values_list("position", flat=True))
    wall, _, numbers = _run_threads(lambda w, n: _lifecycle_http(clients[w], item.code, n, paper), LIFECYCLES)
    cpu_after = server.cpu_seconds()
    http_rate = len(numbers) / wall
    offset = size * 10
    wall_sql, _, done_sql = _run_threads(lambda w, n: _lifecycle_sql(ctx, offset + n), LIFECYCLES)
    connections.close_all()
    sql_rate = len(done_sql) / wall_sql
    print(f"   {connection.vendor} n={size:>7,}: lifecycles/s over HTTP {http_rate:7.1f}   plain SQL {sql_rate:8.1f}"
          f"   ratio {sql_rate / http_rate:5.1f}×  ({len(numbers)} lifecycles, {CLIENTS} clients)")  # fmt: skip
    if cpu_before is not None and cpu_after is not None and numbers:
        per = (cpu_after - cpu_before) / len(numbers) * 1000
        print(f"   {connection.vendor} n={size:>7,}: server CPU {per:6.1f} ms per lifecycle ({per / 4:5.1f} ms per API call;"
              f" load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")  # fmt: skip

    codes = dict(Case.objects.filter(number__in=numbers).values_list("number", "query_code"))
    targets = [random.choice(numbers) for _ in range(STATUS_QUERIES)]
    anonymous = [Client(server.url) for _ in range(CLIENTS)]

    def status_http(w, n):
        number = targets[n]
        out = anonymous[w].call("GET", f"/api/cases/status?number={number}&query_code={codes[number]}")
        assert out["status"] == "completed"

    wall, latencies, _ = _run_threads(status_http, STATUS_QUERIES)
    wall_sql, latencies_sql, _ = _run_threads(lambda w, n: _status_sql(targets[n]), STATUS_QUERIES)
    connections.close_all()
    q_http, q_sql = len(latencies) / wall, len(latencies_sql) / wall_sql
    print(f"   {connection.vendor} n={size:>7,}: status queries/s over HTTP {q_http:7.1f} "
          f"(p50 {_pct(latencies, 50):6.2f} ms, p99 {_pct(latencies, 99):6.2f} ms)   plain SQL {q_sql:8.1f} "
          f"(p50 {_pct(latencies_sql, 50):5.2f} ms, p99 {_pct(latencies_sql, 99):5.2f} ms)   ratio {q_sql / q_http:5.1f}×")  # fmt: skip


@contextlib.contextmanager
def throwaway_database(label: str):
    """A test database of the DATABASE_URL engine for one bench (on SQLite a file, which the server processes can open
    too); dropped at the end, after the connections the servers left are ended."""
    creation = connection.creation
    old_name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        test_file = Path(tempfile.gettempdir(), f"zw_bench_{label}_{os.getpid()}.sqlite3")
        connection.settings_dict.setdefault("TEST", {})["NAME"] = str(test_file)
    creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        yield
    finally:
        if connection.vendor == "postgresql":  # workers that have not let go yet
            with connection.cursor() as cur:
                cur.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
        connections.close_all()
        creation.destroy_test_db(old_name, verbosity=0)


def load_cases(item, size: int) -> float:
    """`_bulk_load` up to `size` cases, the planner's statistics brought up to date; the seconds it took."""
    started = time.perf_counter()
    _bulk_load(item, size)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    connections.close_all()
    return time.perf_counter() - started


def run() -> None:
    with throwaway_database("cases"):
        server = None
        try:
            item, window = _world()
            print(f"   {connection.vendor}; gunicorn {WORKERS} workers on 127.0.0.1, {CLIENTS} client threads; "
                  f"each lifecycle = 4 API calls (submit, accept, decide, complete)")  # fmt: skip
            for size in SIZES:
                print(f"   loaded {size:,} existing cases in {load_cases(item, size):.1f} s")
                server = server or Server()
                _measure(server, item, window, size)
        finally:
            if server is not None:
                server.stop()
