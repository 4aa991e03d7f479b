"""What a state change costs in SQL statements, over HTTP as a window clerk makes it (session, sign-in, the write,
its event, audit record, notices and messages, the work it queues, and the answer): pinned so it only goes down
(issue 20). Measured on 2026-12-05 before the work of issue 20: submit 46, accept 38, decide 42, complete 36 (SQLite, in
the test transaction, so with savepoints); on 2026-12-06 16, 13, 19, 12 on both engines, then 10, 9, 10, 7 — but
counted inside a test's transaction, where nothing commits, so without what each request does once it commits: the
task queue's rows (a message's sending, the audit chain's seal), each one more INSERT in a transaction of its own.
Counted as a server runs them (each request its own committed transaction): 13, 12, 13, 10. Now the write's task is
one row in the write's own transaction (core.tasks.with_write: the send and the seal in one task): 11, 10, 11, 8 on
SQLite and PostgreSQL, one commit each. Then the case an idempotency key may have made already read with the submit's item, in its
statement (cases.submission.item_for_submit): submit 10 (this test sends a key with each). Above the target of
10: this decide, which stores the alert 受理与决定为同一人 (the 首席代表 accepts and decides). What each statement
is: docs/architecture.md."""

import copy
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.cases.conftest import ITEM, publish, resident_id
from tests.cases.test_task_backends import drop_number_sequences
from tests.factories import make_staff
from zhengwu.core.models import Role

# the most statements each may take now (they were 46, 38, 42 and 36 on SQLite before issue 20; then 31, 24, 29, 20
# and, with the grant's material check, 32/25/33/21 on SQLite and 27/24/29+3/20 on PostgreSQL). Then the signed-in
# person in one statement (core.backends.StaffBackend: user, staff, organisation, window, roles, and the calendar's
# freshness), the case number in one upsert, the other domains' facts, the calendar's check, the notices so far and
# whether steps exist read with the locked case (cases.records.LOCKED_FACTS), the scope not asked again for a case
# read through case_for, a published version's steps and materials kept in the process, the events read once, the
# backdating threshold read only for a backdated event, one savepoint per alert, an unchanged applicant not written:
# 16, 13, 19, 12 on SQLite and PostgreSQL. Then an event's alerts stored with one INSERT that skips a key raised
# already (no exists-check, no savepoint), the events, steps and uploaded materials read with the locked case (JSON
# subqueries), the API's state changes finding the case with the service's locked read, a submitted case inserted
# with its copies, a counter submit's applicant registered in the case's transaction and both audit records in one
# INSERT: 12, 11, 12, 9 in the test's transaction, where each transaction of the request is a savepoint (SAVEPOINT and
# RELEASE: two per transaction). A server's request has none of them, and the count below leaves them out, so it is
# what a server runs: 10, 9, 10, 7 — the target of at most 10 per state change. What each statement is:
# docs/architecture.md.
TARGET = 10  # issue 20: a state change costs at most 10 SQL statements (not met by this decide: above)
LIMITS = {"submit": 10, "accept": 10, "decide": 11, "complete": 8}
SIMPLE = {
    **copy.deepcopy(ITEM),
    "name": "个体工商户登记",
    "legal_limit": 3,
    "promised_limit": 1,
    "extension_days": 0,
    "materials": [{"name": "登记申请书", "required": True, "medium": "either"}],
    "steps": [
        {"name": "受理", "role": "window_clerk", "days": 0},
        {"name": "核准", "role": "approver", "days": 1},
    ],
    "result": {"name": "营业执照", "kind": "licence", "delivery": ["window"]},
}


def _savepoint(sql: str) -> bool:
    """Transaction control, not counted: BEGIN and COMMIT (logged on SQLite, whose backend issues them itself),
    and savepoints."""
    return (
        sql.lstrip()
        .upper()
        .startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "BEGIN", "COMMIT"))
    )


@pytest.fixture
def chief(world, client):
    """A chief representative at the bureau's window, who accepts, decides and completes (首席代表)."""
    staff = make_staff(
        "chief", world.bureau, roles=[Role.WINDOW_CLERK, Role.APPROVER], window=world.dedicated,
        name="首席代表", window_authorised=True,
    )  # fmt: skip
    client.force_login(staff.user)
    client.get("/api/cases?limit=1")  # a session that was just signed in to, as after the sign-in page
    return staff


@pytest.fixture
def committed(transactional_db):
    """Each request its own transaction, committed, as on a server: what it asks to happen after its commit (the
    task queue's work for a queue outside the database) is counted with it, and a transaction's once-only notes
    (the audit seal asked for) are the request's, not the test's."""
    yield
    drop_number_sequences()


def test_each_state_change_is_pinned_to_its_statement_count(committed, world, client, chief):
    item = publish(SIMPLE, world.bureau)
    counts = {}

    def call(action, path, payload):
        with CaptureQueriesContext(connection) as queries:
            response = client.post(path, payload, content_type="application/json")
        assert response.status_code in (200, 201), response.content[:300]
        counts[action] = len([q for q in queries.captured_queries if not _savepoint(q["sql"])])
        return response.json()

    applicant = {"kind": "natural", "name": "刘一", "id_number": resident_id(), "phone": "13900000000"}
    paper = [m.position for m in item.current_version.materials.filter(required=True)]  # the paper checklist
    # the second case counts: the first in a process also reads what a running server keeps (the calendar, the
    # published version's steps and materials)
    for _round in range(2):
        case = call("submit", "/api/cases", {"item_code": item.code, "channel": "counter", "form": {"subject": "x"},
                    "applicant": applicant, "idempotency_key": uuid.uuid4().hex})  # fmt: skip
        number = case["number"]
        case = call("accept", f"/api/cases/{number}/accept", {"revision": case["revision"], "paper": paper})
        case = call("decide", f"/api/cases/{number}/decide", {"grant": True, "revision": case["revision"]})
        case = call("complete", f"/api/cases/{number}/complete", {"revision": case["revision"]})
        assert case["status"] == "completed"
    print("statements per state change:", counts)
    assert {action: counts[action] <= limit for action, limit in LIMITS.items()} == dict.fromkeys(
        LIMITS, True
    ), counts


def test_the_answer_after_a_write_is_what_was_written(world, client, chief):
    """The API answers with the case as the service wrote it (not read back): the same as reading it afresh."""
    item = publish(SIMPLE, world.bureau)
    applicant = {"kind": "natural", "name": "刘一", "id_number": resident_id(), "phone": "13900000000"}
    made = client.post("/api/cases", {"item_code": item.code, "channel": "counter", "form": {"subject": "x"},
                       "applicant": applicant}, content_type="application/json").json()  # fmt: skip
    accepted = client.post(
        f"/api/cases/{made['number']}/accept",
        {"revision": made["revision"], "paper": [1]},
        content_type="application/json",
    ).json()
    fresh = client.get(f"/api/cases/{made['number']}").json()
    assert accepted == fresh


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_case_numbers_come_from_a_sequence_per_prefix_on_postgresql(world):
    """No counter row held locked to commit: a PostgreSQL sequence per prefix, starting after the counter row's
    last number (numbers given before never come again); an imported number moves it on."""
    from zhengwu.cases import services
    from zhengwu.core.models import NumberSequence

    NumberSequence.objects.create(prefix="360681-2026", last=41)
    made = [
        services.submit_case(
            item=world.item,
            applicant=world.company,
            by=world.clerk,
            channel="counter",
            window=world.dedicated,
            form={"subject": "x"},
        ).number  # fmt: skip
        for _ in range(2)
    ]
    assert made == ["360681-2026-000042", "360681-2026-000043"]
    assert NumberSequence.objects.get(prefix="360681-2026").last == 41  # the row is no longer written
    with connection.cursor() as cursor:
        cursor.execute("SELECT zw_case_number_floor(%s, %s)", ["360681-2026", 100])
    after_import = services.submit_case(
        item=world.item, applicant=world.company, by=world.clerk, channel="counter", window=world.dedicated,
        form={"subject": "x"},
    )  # fmt: skip
    assert after_import.number == "360681-2026-000101"


def test_a_counter_submit_registers_its_applicant_in_the_same_transaction(world, client, chief):
    """The applicant's details are registered with the case, in its transaction (issue 20): a submit refused after
    them leaves no applicant behind; the two audit records (the applicant's and the case's) go into the chain
    together, and the chain verifies."""
    from zhengwu.cases.models import Applicant, Case
    from zhengwu.core import audit
    from zhengwu.core.models import AuditRecord

    item = publish(SIMPLE, world.bureau)
    person = {
        "kind": "natural",
        "name": "王二",
        "id_number": resident_id("19850505", "417"),
        "phone": "13900000001",
    }
    body = {"item_code": item.code, "channel": "online", "form": {"subject": "x"}, "applicant": person}
    refused = client.post("/api/cases", body, content_type="application/json")
    assert refused.status_code == 422 and refused.json()["field"] == "channel"  # staff take it at the counter
    assert not Applicant.objects.filter(id_number=person["id_number"]).exists()
    made = client.post("/api/cases", {**body, "channel": "counter"}, content_type="application/json")
    assert made.status_code == 201
    applicant = Applicant.objects.get(id_number=person["id_number"])
    case = Case.objects.get(number=made.json()["number"])
    records = list(AuditRecord.objects.order_by("-id").values_list("action", "object_id")[:2])
    assert records == [("cases.submit", str(case.pk)), ("cases.register_applicant", str(applicant.pk))]
    assert audit.verify(seal_first=True).ok
