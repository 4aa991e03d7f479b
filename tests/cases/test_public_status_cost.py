"""What the public status query costs (issue 20: p99 < 5 ms at 10^6 cases): the case read once on its unique number
with its query code, its events once, the calendar's check; no session written, no joint-case lookup for an ordinary
case, no dispatch lookup for a result that cannot have left. Pinned so it only goes down; bench/bench_status.py
measures the time."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhengwu.cases.models import Case

API_LIMIT = 3  # the case, its events, the calendar's check
PORTAL_LIMIT = 6  # the same, and the stages: the steps, the window holding the case and its centre


def _statements(client, path, number, code):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, {"number": number, "query_code": code})
    assert response.status_code == 200, response.content[:300]
    return [q["sql"] for q in queries.captured_queries], response


def test_the_status_query_reads_the_case_once_and_writes_nothing(client, world, submitted):
    statements, response = _statements(client, "/api/cases/status", submitted.number, submitted.query_code)
    assert response.json()["number"] == submitted.number and response.json()["status"] == "received"
    assert len(statements) <= API_LIMIT, statements
    assert not [s for s in statements if not s.lstrip().upper().startswith("SELECT")], statements
    # the form, the agent's id number and the delivery address are not read
    case_read = next(s for s in statements if 'FROM "cases_case"' in s)
    assert (
        '"form"' not in case_read
        and "agent_id_number" not in case_read
        and "delivery_address" not in case_read
    )
    assert "sessionid" not in response.cookies


def test_the_portal_lookup_costs_the_case_its_events_and_its_stages(client, world, submitted):
    statements, response = _statements(client, "/cases/lookup/", submitted.number, submitted.query_code)
    assert submitted.number in response.content.decode()
    assert len(statements) <= PORTAL_LIMIT, statements
    assert sum('FROM "cases_case"' in s for s in statements) == 1, statements


def test_a_wrong_query_code_finds_nothing_whatever_the_number(client, world, submitted):
    wrong = client.get("/api/cases/status", {"number": submitted.number, "query_code": "ZZZZZZ"})
    assert wrong.status_code == 404 and wrong.json()["field"] == "query_code"
    lower = client.get(
        "/api/cases/status", {"number": submitted.number, "query_code": submitted.query_code.lower()}
    )
    assert lower.status_code == 200
    assert Case.objects.filter(number=submitted.number).count() == 1
