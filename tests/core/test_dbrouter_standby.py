"""Read-your-writes against a real PostgreSQL hot standby, not a mirror (issue 20, core.dbrouter).

Opt-in: needs a primary (DATABASE_URL) streaming to a standby, named by ZHENGWU_TEST_STANDBY=host:port, and a
superuser on both. The test database is created on the primary and reaches the standby by replication; the test
pauses the standby's replay, writes as one person, and checks that this person reads the write at once (primary)
while somebody else still reads the replica's older state, until replay resumes. docs/deploy.md, "A province".
"""

import json
import os
import time

import pytest
from django.db import connections
from django.test import Client

from tests.core.test_dbrouter import BOTH, routed  # noqa: F401 — the fixture
from tests.factories import PASSWORD, make_organisation, make_region, make_staff
from zhengwu.core.models import Role

STANDBY = os.environ.get("ZHENGWU_TEST_STANDBY", "")
pytestmark = pytest.mark.skipif(not STANDBY, reason="no hot standby (ZHENGWU_TEST_STANDBY=host:port)")


@pytest.fixture(scope="module", autouse=True)
def _standby_alias(django_db_setup):
    host, port = STANDBY.rsplit(":", 1)
    connections.settings["replica"] = {
        **connections["default"].settings_dict,
        "HOST": host,
        "PORT": port,
        "TEST": {"MIRROR": "default"},  # replicated from the test database: never flushed on its own
    }
    yield
    connections["replica"].close()
    del connections.settings["replica"]
    del connections["replica"]


def _caught_up(timeout=60.0):  # generous: a busy machine replays late
    """Wait until the standby has replayed everything the primary wrote so far."""
    with connections["default"].cursor() as cur:
        cur.execute("SELECT pg_current_wal_lsn()")
        (target,) = cur.fetchone()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connections["replica"].cursor() as cur:
            cur.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
            if cur.fetchone()[0]:
                return
        time.sleep(0.05)
    raise AssertionError("the standby did not catch up")


def _replay(action: str):
    with connections["replica"].cursor() as cur:
        cur.execute(f"SELECT pg_wal_replay_{action}()")


def _years(client) -> list[int]:
    response = client.get("/api/calendar/years")
    assert response.status_code == 200
    return [y["year"] for y in response.json()]


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_the_writer_reads_its_write_while_the_standby_lags_and_others_see_it_once_replayed(routed):  # noqa: F811
    org = make_organisation("省政务服务管理办公室", region=make_region("330000", "浙江省"))
    make_staff("admin1", org, roles=[Role.ADMINISTRATOR], name="管理员")
    writer, other = Client(), Client()
    assert writer.post("/accounts/login/", {"username": "admin1", "password": PASSWORD}).status_code == 302
    _caught_up()
    with connections["replica"].cursor() as cur:
        cur.execute("SELECT pg_is_in_recovery()")
        assert cur.fetchone()[0]  # a real standby
    _replay("pause")
    try:
        body = {"year": 2040, "holidays": ["2040-01-01"], "workdays": [], "source": "国办发明电〔2039〕1号"}
        answer = writer.post("/api/calendar/years", json.dumps(body), content_type="application/json")
        assert answer.status_code == 201
        assert 2040 in _years(writer)  # pinned to the primary: sees the year just loaded
        assert 2040 not in _years(other)  # reads the standby, which has not replayed it yet
        assert other.get("/healthz").json()["replicas"]["replica"]["streaming"] is True
    finally:
        _replay("resume")
    _caught_up()
    assert 2040 in _years(other)
