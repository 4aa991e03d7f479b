"""Two application servers, one PostgreSQL and one Redis (issue 20): nothing that decides an outcome is held in a
process. Two gunicorn servers on two ports and two RQ workers (`zhengwu worker`, ZHENGWU_TASKS=redis) serve one
test database; cases go through both servers alternately over HTTP (submit, accept, decide, complete), signed in on
one server and carrying on with the same session on the other. Then: every case number is unique, every outbox
message was sent exactly once (each SMS and e-mail is written to a file as it leaves, and every message is queued a
second time to both workers), every supervision warning is pushed once though both workers push at the same
moment, the rate limit counts the requests both servers answered, and the audit chain both workers sealed holds.

Runs in the PostgreSQL run of `make test` when Redis answers (ZHENGWU_TEST_REDIS_URL, its own Redis database);
skipped on SQLite (one file cannot be two servers' database) and without Redis or the `redis` extra."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from tests.cases.test_task_backends import TEST_REDIS_URL, _redis_or_skip, drop_number_sequences
from tests.conftest import TEST_START
from tests.factories import make_centre, make_organisation, make_region, make_staff, make_window
from zhengwu.cases.models import Case, OutboxMessage
from zhengwu.core.models import Role
from zhengwu.supervision.models import WarningPush

pytestmark = [pytest.mark.xdist_group("redis")]
PASSWORD = "Two-servers-2026"
LIFECYCLES = 8  # through both servers, 4 API calls each
OPEN = 2  # submitted and accepted, left open: the supervision warnings' cases
CLIENTS = 4
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
    "materials": [{"name": "登记申请书", "required": False, "medium": "either"}],
    "steps": [
        {"name": "受理", "role": "window_clerk", "days": 0},
        {"name": "核准", "role": "approver", "days": 1},
    ],
    "result": {"name": "营业执照", "kind": "licence", "delivery": ["window"]},
}
SETTINGS = '''
import datetime as dt
import os

from zhengwu.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["ZW_TWO_MAIL_DIR"]
ZHENGWU_SMS_PROVIDER = "zw_two_servers.FileSms"


class FileSms:
    """Every text message sent, one line each, in one file all processes append to."""

    def send(self, phone, text):
        line = f"{os.getpid()}\\t{phone}\\t{text}".replace("\\n", " ") + "\\n"
        fd = os.open(os.environ["ZW_TWO_SMS_FILE"], os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        try:
            os.write(fd, line.encode("utf-8"))
        finally:
            os.close(fd)


# the servers' and workers' clock starts where the test's does (tests/conftest.py), and runs
from zhengwu.core import clock  # noqa: E402

clock.run_from(dt.datetime.fromisoformat(os.environ["ZW_TWO_CLOCK"]))
'''


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class Processes:
    """The two servers and two workers, their logs in one directory; stopped (and their logs shown on failure)."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        (tmp / "zw_two_servers.py").write_text(textwrap.dedent(SETTINGS), encoding="utf-8")
        (tmp / "mail").mkdir()
        self.sms = tmp / "sms.txt"
        self.env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "DJANGO_SETTINGS_MODULE": "zw_two_servers",
            "PYTHONPATH": os.pathsep.join([str(tmp), *sys.path]),
            "ZHENGWU_TASKS": "redis",
            "ZHENGWU_REDIS_URL": TEST_REDIS_URL,  # the queue, and the cache (rate limits) on the same Redis
            "ZHENGWU_DEBUG": "0",
            "ZW_TWO_MAIL_DIR": str(tmp / "mail"),
            "ZW_TWO_SMS_FILE": str(self.sms),
            "ZW_TWO_CLOCK": TEST_START.isoformat(),
        }
        self.env.pop("ZHENGWU_CACHE_URL", None)
        self.running: list[tuple[str, subprocess.Popen]] = []
        self.ports = [_free_port(), _free_port()]

    def start(self):
        for n, port in enumerate(self.ports):
            self._spawn(
                f"server{n}",
                "-m",
                "gunicorn",
                "zhengwu.wsgi",
                "-b",
                f"127.0.0.1:{port}",
                "-w",
                "2",
                "--timeout",
                "120",
            )
        for n in range(2):
            self._spawn(
                f"worker{n}",
                "-m",
                "django",
                "worker",
                "--no-fork",
                "--name",
                f"zw-two-{uuid.uuid4().hex[:8]}",
            )
        # Generous, as it only matters when a server cannot start: at a load average of 13 (two cores) the servers
        # listened at once but their workers had not answered /healthz in 90 s, each try given up after 2 s.
        deadline = time.monotonic() + 300
        import requests

        for port in self.ports:
            while True:
                try:
                    if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=20).status_code == 200:
                        break
                except requests.RequestException:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail("a server did not start:\n" + self.logs())
                time.sleep(0.2)

    def _spawn(self, name, *args):
        log = open(self.tmp / f"{name}.log", "w")
        process = subprocess.Popen(
            [sys.executable, *args], env=self.env, stdout=log, stderr=subprocess.STDOUT
        )
        self.running.append((name, process))

    def logs(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')[-3000:]}"
            for path in sorted(self.tmp.glob("*.log"))
        )

    def stop(self):
        for _, process in self.running:
            process.terminate()
        for _, process in self.running:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)


class Session:
    """One member of staff's session: signed in on one server, used on both (sessions are in the database)."""

    def __init__(self, ports: list[int], username: str):
        import requests

        self.http = requests.Session()
        self.bases = [f"http://127.0.0.1:{port}" for port in ports]
        self.http.get(f"{self.bases[0]}/accounts/login/", timeout=60)
        signed_in = self.http.post(
            f"{self.bases[0]}/accounts/login/",
            data={
                "csrfmiddlewaretoken": self.http.cookies["csrftoken"],
                "username": username,
                "password": PASSWORD,
            },
            timeout=60,
        )
        assert "sessionid" in self.http.cookies, signed_in.text[:500]

    def post(self, server: int, path: str, payload: dict) -> dict:
        response = self.http.post(
            f"{self.bases[server]}{path}",
            json=payload,
            headers={"X-CSRFToken": self.http.cookies["csrftoken"]},
            timeout=60,
        )
        assert response.status_code in (200, 201), (server, path, response.status_code, response.text[:500])
        return response.json()


def _id_number(n: int) -> str:
    from zhengwu.core import ids

    body = f"36068119900101{n:03d}"
    return body + ids.ric_check_character(body)


def _lifecycle(session: Session, item_code: str, n: int, *, finish: bool) -> str:
    """Submit on one server, accept on the other, decide on the first, complete on the second (n decides which)."""
    a, b = n % 2, 1 - n % 2
    case = session.post(a, "/api/cases", {
        "item_code": item_code, "channel": "counter", "form": {"subject": f"两台服务器 {n}"},
        "applicant": {"kind": "natural", "name": "两服申请人", "id_number": _id_number(n), "phone": "13900000000"},
        "idempotency_key": uuid.uuid4().hex,
    })  # fmt: skip
    number = case["number"]
    case = session.post(b, f"/api/cases/{number}/accept", {"revision": case["revision"]})
    if finish:
        case = session.post(a, f"/api/cases/{number}/decide", {"grant": True, "revision": case["revision"]})
        case = session.post(b, f"/api/cases/{number}/complete", {"revision": case["revision"]})
        assert case["status"] == "completed", case
    return number


def _wait_until(check, what: str, processes: Processes, timeout: float = 180):  # generous: a busy machine
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {timeout:.0f} s for {what}:\n" + processes.logs())
        time.sleep(0.3)


@pytest.fixture
def two_servers(transactional_db, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("two servers need one PostgreSQL database (this run is on SQLite: DATABASE_URL unset)")
    pytest.importorskip("gunicorn")
    pytest.importorskip("requests")
    redis = _redis_or_skip()
    redis.flushdb()
    processes = Processes(tmp_path)
    try:
        yield processes
    finally:
        processes.stop()
        with connection.cursor() as cursor:  # the servers' connections, before the flush empties the tables
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        redis.flushdb()
        drop_number_sequences()


def _world():
    from tests.cases.conftest import publish

    county = make_region("360681", "贵溪市", parent=make_region("360600", "鹰潭市"))
    bureau = make_organisation("贵溪市市场监督管理局", region=county, short_name="市场监管局")
    window = make_window(make_centre("贵溪市政务服务中心", county), "9", organisations=[bureau])
    for n in range(CLIENTS):
        staff = make_staff(f"chief{n}", bureau, roles=[Role.WINDOW_CLERK, Role.APPROVER], password=PASSWORD,
                           window=window, name=f"首席代表{n}", window_authorised=True)  # fmt: skip
        staff.user.email = f"chief{n}@example.gov.cn"
        staff.user.save(update_fields=["email"])
    head = make_staff("head", bureau, roles=[Role.DEPARTMENT_HEAD], password=PASSWORD, name="局长")
    head.user.email = "head@example.gov.cn"
    head.user.save(update_fields=["email"])
    return publish(ITEM, bureau)


def _queue_idle(redis) -> bool:
    from rq import Queue

    queue = Queue("default", connection=redis)
    return queue.count == 0 and queue.started_job_registry.count == 0


def _sent_sms(processes: Processes) -> list[tuple[str, str]]:
    if not processes.sms.exists():
        return []
    lines = processes.sms.read_text(encoding="utf-8").splitlines()
    return [tuple(line.split("\t", 2)[1:]) for line in lines]


def _sent_mails(processes: Processes) -> int:
    return sum(
        path.read_text(errors="replace").count("Message-ID:") for path in (processes.tmp / "mail").iterdir()
    )


def test_two_servers_and_two_workers_agree(two_servers, settings):
    from collections import Counter

    from zhengwu.core import audit, outbox
    from zhengwu.supervision.tasks import push_warnings_task

    processes = two_servers
    processes.start()  # the servers and workers start while the world is written
    item = _world()
    redis = _redis_or_skip()
    settings.RQ_QUEUES = {"default": {"URL": TEST_REDIS_URL}}  # this process queues to the workers too
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}

    # cases through both servers: signed in on one, each call on the other server from the last
    sessions = [
        Session(processes.ports[n % 2 :] + processes.ports[: n % 2], f"chief{n}") for n in range(CLIENTS)
    ]
    numbers, errors, lock = [], [], threading.Lock()

    def drive(client: int):
        for n in range(client, LIFECYCLES + OPEN, CLIENTS):
            try:
                number = _lifecycle(sessions[client], item.code, n, finish=n < LIFECYCLES)
            except Exception as exc:  # noqa: BLE001 — reported below
                errors.append(repr(exc)[:800])
                continue
            with lock:
                numbers.append(number)

    threads = [threading.Thread(target=drive, args=(c,)) for c in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[0] + "\n" + processes.logs()
    assert len(numbers) == len(set(numbers)) == LIFECYCLES + OPEN
    assert Case.objects.filter(number__in=numbers).count() == LIFECYCLES + OPEN

    # the public status query's rate limit (30 a minute an address) counts what both servers answered
    import requests

    answers = [
        requests.get(
            f"http://127.0.0.1:{processes.ports[n % 2]}/api/cases/status",
            params={"number": numbers[0], "query_code": "WRONG1"},
            timeout=60,
        ).status_code
        for n in range(62)  # 62: whichever minute boundary falls among them, one minute sees 31
    ]
    assert set(answers) <= {404, 429} and 429 in answers, Counter(answers)

    # every message sent by one of the workers; then each queued once more, to both workers: nothing sent twice
    messages = OutboxMessage.objects.filter(case__number__in=numbers)
    _wait_until(
        lambda: not messages.filter(state="pending").exists() and _queue_idle(redis), "the outbox", processes
    )
    outbox.enqueue(list(messages.values_list("pk", flat=True)))
    # both workers push the supervision warnings at once (the two open cases are due tomorrow: yellow)
    push_warnings_task.enqueue()
    push_warnings_task.enqueue()
    _wait_until(lambda: _queue_idle(redis), "the queue to empty", processes)
    _wait_until(
        lambda: not OutboxMessage.objects.filter(state="pending").exists(), "the warnings' mail", processes
    )

    assert set(messages.values_list("state", flat=True)) == {"sent"}
    sms = messages.filter(channel="sms")
    assert Counter(_sent_sms(processes)) == Counter(sms.values_list("recipient", "body")) and sms.exists()

    pushes = list(WarningPush.objects.values_list("case_id", "level", "recipient_id"))
    assert pushes and len(pushes) == len(set(pushes)), pushes
    warned = OutboxMessage.objects.filter(subject="政务服务电子监察预警")
    assert warned.count() == WarningPush.objects.exclude(recipient__email="").count()
    assert set(warned.values_list("state", flat=True)) == {"sent"}
    assert _sent_mails(processes) == OutboxMessage.objects.filter(channel="email", state="sent").count()

    report = audit.verify(seal_first=True)
    assert report.ok, report
