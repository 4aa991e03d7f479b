"""Reads to a replica, writes to the primary, and read-your-writes (issue 20, core.dbrouter).

The replica here is the alias `replica` mirroring the test database (as `TEST: {"MIRROR": "default"}` makes it when
DATABASE_REPLICA_URL is set), so what matters is which alias each query is sent to, not what the replica holds.
"""

import copy
import datetime as dt
import json
import os
import subprocess
import sys

import pytest
from django.contrib.sessions.models import Session
from django.db import connection, connections, transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from tests.conftest import TEST_START
from tests.factories import PASSWORD, make_organisation, make_region, make_staff
from zhengwu.cases.models import Case
from zhengwu.core import clock, dbrouter
from zhengwu.core.models import Role

ROUTER = "zhengwu.core.dbrouter.ReplicaRouter"
MIDDLEWARE = "zhengwu.core.dbrouter.ReadYourWritesMiddleware"
BOTH = ["default", "replica"]


@pytest.fixture(scope="module", autouse=True)
def _replica_alias(django_db_setup):
    """The alias `replica` pointing at the test database, as settings.py declares it for DATABASE_REPLICA_URL."""
    added = "replica" not in connections.settings
    if added:
        connections.settings["replica"] = {
            **copy.deepcopy(connections["default"].settings_dict),
            "TEST": {"MIRROR": "default"},
        }
    yield
    if added:
        connections["replica"].close()
        del connections.settings["replica"]
        del connections["replica"]


@pytest.fixture
def routed(settings):
    """The router and the middleware installed, as they are when a replica is configured."""
    settings.DATABASE_ROUTERS = [ROUTER]
    middleware = list(settings.MIDDLEWARE)
    if MIDDLEWARE not in middleware:  # DATABASE_REPLICA_URL set for the run: settings.py already put it there
        middleware.insert(
            middleware.index("django.contrib.sessions.middleware.SessionMiddleware"), MIDDLEWARE
        )
    settings.MIDDLEWARE = middleware
    settings.ZHENGWU_REPLICA_PIN_SECONDS = 10


def _through_middleware(request, *, write=False):
    """Serve a request through ReadYourWritesMiddleware; answer where a read of a case (and of a session) went."""
    seen = {}

    def view(request):
        router = dbrouter.ReplicaRouter()
        seen["case"] = router.db_for_read(Case)
        seen["session"] = router.db_for_read(Session)
        if write:
            assert router.db_for_write(Case) == "default"
            seen["after_write"] = router.db_for_read(Case)
        return HttpResponse("ok")

    response = dbrouter.ReadYourWritesMiddleware(view)(request)
    return seen, response


def _carry_cookies(request, response):
    for name, morsel in response.cookies.items():
        request.COOKIES[name] = morsel.value
    return request


# --- settings ---------------------------------------------------------------------------------------------------


def _settings_with(env: dict) -> dict:
    """settings.py read in a fresh interpreter with these variables (and no replica unless given)."""
    code = (
        "import json; from django.conf import settings as s; "
        "print(json.dumps({'aliases': list(s.DATABASES), 'routers': s.DATABASE_ROUTERS, 'middleware': s.MIDDLEWARE, "
        "'mirror': {a: s.DATABASES[a].get('TEST', {}).get('MIRROR') for a in s.DATABASES}, "
        "'hosts': {a: s.DATABASES[a].get('HOST') for a in s.DATABASES}, 'pin': s.ZHENGWU_REPLICA_PIN_SECONDS, "
        "'pooled': {a: [s.DATABASES[a].get('DISABLE_SERVER_SIDE_CURSORS', False), "
        "s.DATABASES[a].get('OPTIONS', {}).get('prepare_threshold', 'unset')] for a in s.DATABASES}, "
        "'options': {a: s.DATABASES[a].get('OPTIONS', {}).get('options', '') for a in s.DATABASES}}))"
    )
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_REPLICA_URL", "ZHENGWU_REPLICA_PIN_SECONDS"}
    }
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**base, "DJANGO_SETTINGS_MODULE": "zhengwu.settings", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def test_without_a_replica_nothing_is_installed():
    found = _settings_with({})
    assert found["aliases"] == ["default"] and found["routers"] == []
    assert MIDDLEWARE not in found["middleware"]


def test_each_replica_url_becomes_an_alias_mirrored_to_default_in_tests():
    found = _settings_with(
        {
            "DATABASE_REPLICA_URL": "postgres://zw@replica-a:5432/zhengwu, postgres://zw@replica-b:5432/zhengwu",
            "ZHENGWU_REPLICA_PIN_SECONDS": "30",
        }
    )
    assert found["aliases"] == ["default", "replica", "replica_2"]
    assert found["hosts"]["replica"] == "replica-a" and found["hosts"]["replica_2"] == "replica-b"
    assert found["mirror"]["replica"] == found["mirror"]["replica_2"] == "default"
    assert found["routers"] == [ROUTER] and found["pin"] == 30
    order = found["middleware"]
    assert order.index(MIDDLEWARE) < order.index("django.contrib.sessions.middleware.SessionMiddleware")
    # the hottest reads (core.prepared) are prepared on the server after two runs, on the replicas too
    assert found["pooled"]["replica"] == found["pooled"]["replica_2"] == [False, 2]


def test_behind_pgbouncer_no_server_side_cursors_nor_prepared_statements_on_any_alias():
    found = _settings_with(
        {
            "DATABASE_URL": "postgres://zw@pgbouncer:6432/zhengwu",
            "DATABASE_REPLICA_URL": "postgres://zw@pgbouncer-ro:6432/zhengwu",
            "ZHENGWU_DB_PGBOUNCER": "1",
        }
    )
    assert found["pooled"] == {"default": [True, None], "replica": [True, None]}
    assert found["options"] == {"default": "", "replica": ""}  # PgBouncer refuses startup options: ALTER ROLE


def test_postgresql_connections_run_without_jit_unless_asked():
    """JIT compiled the monthly indicators' statement for longer than it ran (740-1,000 ms with, 560-600 without)."""
    urls = {
        "DATABASE_URL": "postgres://zw@db:5432/zhengwu",
        "DATABASE_REPLICA_URL": "postgres://zw@replica:5432/zhengwu",
    }
    assert _settings_with(urls)["options"] == {"default": "-c jit=off", "replica": "-c jit=off"}
    assert _settings_with({**urls, "ZHENGWU_DB_JIT": "1"})["options"] == {"default": "", "replica": ""}
    assert _settings_with({"DATABASE_URL": "sqlite:////tmp/x.sqlite3"})["options"] == {"default": ""}


@pytest.mark.django_db
@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_the_test_database_connection_has_jit_off():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


# --- routing decisions -----------------------------------------------------------------------------------------


def test_outside_a_request_everything_reads_and_writes_the_primary():
    router = dbrouter.ReplicaRouter()
    assert router.db_for_read(Case) == "default"  # workers, scheduled jobs, commands
    assert router.db_for_write(Case) == "default"


def test_a_safe_request_reads_the_replica_but_sessions_stay_on_the_primary():
    seen, response = _through_middleware(RequestFactory().get("/workbench/cases/"))
    assert seen == {"case": "replica", "session": "default"}
    assert dbrouter.PIN_COOKIE not in response.cookies  # it wrote nothing: nobody is pinned


def test_a_post_reads_and_writes_the_primary_and_pins_its_sender():
    seen, response = _through_middleware(RequestFactory().post("/api/cases", {}))
    assert seen == {"case": "default", "session": "default"}
    assert response.cookies[dbrouter.PIN_COOKIE]["max-age"] == 10


def test_a_write_inside_a_get_moves_the_rest_of_the_request_to_the_primary_and_pins():
    seen, response = _through_middleware(RequestFactory().get("/workbench/"), write=True)
    assert seen["case"] == "replica" and seen["after_write"] == "default"
    assert dbrouter.PIN_COOKIE in response.cookies


def test_the_writer_is_pinned_to_the_primary_another_person_is_not_and_the_pin_expires(settings):
    settings.ZHENGWU_REPLICA_PIN_SECONDS = 10
    clock.set_now(TEST_START)  # the clock stands still: the pin is set at TEST_START exactly
    factory = RequestFactory()
    _, wrote = _through_middleware(factory.post("/workbench/cases/counter/"))

    writer_next = _carry_cookies(factory.get("/workbench/cases/"), wrote)
    assert _through_middleware(writer_next)[0]["case"] == "default"
    assert _through_middleware(factory.get("/workbench/cases/"))[0]["case"] == "replica"  # another person

    clock.set_now(TEST_START + dt.timedelta(seconds=9))
    assert _through_middleware(_carry_cookies(factory.get("/"), wrote))[0]["case"] == "default"
    clock.set_now(TEST_START + dt.timedelta(seconds=11))
    assert _through_middleware(_carry_cookies(factory.get("/"), wrote))[0]["case"] == "replica"


def test_a_forged_pin_cookie_is_ignored_not_an_error():
    request = RequestFactory().get("/")
    request.COOKIES[dbrouter.PIN_COOKIE] = "99999999999:forged"
    assert _through_middleware(request)[0]["case"] == "replica"


@pytest.mark.django_db(transaction=True)
def test_reads_inside_a_transaction_go_to_the_primary():
    request_state = dbrouter._Request(replica="replica")
    token = dbrouter._current.set(request_state)
    try:
        router = dbrouter.ReplicaRouter()
        assert router.db_for_read(Case) == "replica"
        with transaction.atomic():
            assert router.db_for_read(Case) == "default"
        assert router.db_for_read(Case) == "replica"
    finally:
        dbrouter._current.reset(token)


def test_a_session_refresh_does_not_pin():
    def view(request):
        dbrouter.ReplicaRouter().db_for_write(Session)
        return HttpResponse("ok")

    response = dbrouter.ReadYourWritesMiddleware(view)(RequestFactory().get("/workbench/"))
    assert dbrouter.PIN_COOKIE not in response.cookies


def test_migrations_run_on_the_primary_only():
    router = dbrouter.ReplicaRouter()
    assert router.allow_migrate("default", "cases") is True
    assert router.allow_migrate("replica", "cases") is False


# --- end to end: pages and the API through the router ---------------------------------------------------------


def _queries(client, path):
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        response = client.get(path)
    return response, len(primary.captured_queries), len(replica.captured_queries)


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_pages_and_the_api_answer_through_the_replica_and_a_writer_reads_the_primary(routed, client):
    from django.test import Client

    bureau = make_organisation("贵溪市行政审批局", region=make_region("360681", "贵溪市"))
    make_staff("wangfang", bureau, roles=[Role.WINDOW_CLERK], name="王芳")
    make_staff("lijing", bureau, roles=[Role.WINDOW_CLERK], name="李静")
    other = Client()
    assert other.post("/accounts/login/", {"username": "lijing", "password": PASSWORD}).status_code == 302
    clock.run_from(TEST_START + dt.timedelta(minutes=1))  # 李静's sign-in no longer pins her

    for path in ("/workbench/cases/", "/api/cases", "/"):
        response, _, on_replica = _queries(other, path)
        assert response.status_code == 200, path
        assert on_replica > 0, path  # lists, the API and the portal read the replica

    # 王芳 signs in (a POST: it writes her session and the audit record) and opens the list: all of it from the primary
    assert client.post("/accounts/login/", {"username": "wangfang", "password": PASSWORD}).status_code == 302
    response, on_primary, on_replica = _queries(client, "/workbench/cases/")
    assert response.status_code == 200 and "王芳" in response.content.decode()
    assert on_replica == 0 and on_primary > 0
    response, _, on_replica = _queries(client, "/api/cases")
    assert response.status_code == 200 and on_replica == 0
    # …while 李静, who wrote nothing, still reads the replica
    assert _queries(other, "/workbench/cases/")[2] > 0

    clock.run_from(TEST_START + dt.timedelta(minutes=2))  # 王芳's pin (10 s from her sign-in) has run out
    response, _, on_replica = _queries(client, "/workbench/cases/")
    assert response.status_code == 200 and on_replica > 0


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_health_reports_each_replica(routed, client):
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["replicas"]["replica"]["status"] == "ok"


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_the_indicators_are_computed_on_the_replica(routed, client):
    bureau = make_organisation("贵溪市行政审批局", region=make_region("360681", "贵溪市"))
    make_staff("zhaomin", bureau, roles=[Role.CENTRE_MANAGER], name="赵敏")
    assert client.post("/accounts/login/", {"username": "zhaomin", "password": PASSWORD}).status_code == 302
    assert (
        client.get("/workbench/supervision/indicators/").status_code == 200
    )  # builds the workday index: a write
    clock.run_from(TEST_START + dt.timedelta(minutes=1))
    for path in (
        "/workbench/supervision/indicators/",
        "/api/supervision/indicators?from=2026-11-01&to=2026-11-18",
    ):
        with CaptureQueriesContext(connections["replica"]) as replica:
            response = client.get(path)
        assert response.status_code == 200, path
        # the monthly aggregate (the heaviest read of the dashboards) is among the replica's statements
        assert any(
            "COUNT(" in q["sql"].upper() and "cases_case" in q["sql"] for q in replica.captured_queries
        ), path


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_health_says_degraded_not_down_when_a_replica_is_unreachable(routed, client, monkeypatch):
    def unreachable(*args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr(connections["replica"], "cursor", unreachable)
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded" and body["database"] == "ok"
    assert body["replicas"]["replica"] == {"status": "error", "error": "connection refused"}
