"""Loading a calendar year recomputes every stored due date that counted across it — a case's (finished ones too),
a disclosure reply's, a ticket's limits, a rectification's, an order's — in the same transaction, by each domain's
one function, so the stored date, its explanation, the pages and the API all say the same and none stays
provisional."""

import pytest

from tests.factories import make_staff
from tests.supervision.conftest import a_request, a_ticket, accepted_case, at, instant_case
from zhengwu.cases import selectors as case_selectors
from zhengwu.cases import services as cases
from zhengwu.core import calendar, clock
from zhengwu.core.models import Role
from zhengwu.disclosure import services as disclosure
from zhengwu.evaluation import services as evaluation
from zhengwu.supervision import services
from zhengwu.tickets import services as tickets


def _complete(w, case):
    cases.claim_step(case=case, by=w.approver)
    cases.complete_step(case=case, by=w.approver, opinion="符合条件")
    cases.claim_step(case=case, by=w.head)
    case = cases.decide_case(case=case, by=w.head, grant=True)
    case = cases.deliver_result(case=case, by=w.clerk, method="window")
    return cases.complete_case(case=case, by=w.clerk)


@pytest.fixture
def year():
    """The first year the calendar does not know (2027 with chinesecalendar 1.11)."""
    return max(calendar.current_calendar().years) + 1


def test_a_loaded_year_moves_every_provisional_due_date_together(more, year, client):
    clock.set_now(at(f"{year - 1}-12-21"))
    case = _complete(more, accepted_case(more))
    case.refresh_from_db()
    assert case.status == "completed" and case.due_provisional and case.legal_due.year == year
    request = a_request(more, when=f"{year - 1}-12-21", description="年底申请")
    ticket = a_ticket(more, when=f"{year - 1}-12-28")
    order = services.issue_order(by=more.supervisor, case=case, instruction="说明", response_days=5)
    instant = instant_case(more)
    rect = evaluation.rate(
        kind="case", pk=instant.pk, level=2, tags=["办事拖延"], channel="portal"
    ).rectification
    before = {
        "legal": case.legal_due,
        "request": request.due_on,
        "handle": ticket.handle_due,
        "rect": rect.due,
        "order": order.due_on,
    }
    assert request.due_provisional and ticket.deadline_provisional and rect.due_provisional

    # 元旦 and two more days off at the start of the year: everything counted across them moves three days.
    admin = make_staff("admin", more.government, roles=[Role.ADMINISTRATOR], name="管理员").user
    client.force_login(admin)
    loaded = client.post(
        "/api/calendar/years",
        {"year": year, "holidays": [f"{year}-01-01", f"{year}-01-04", f"{year}-01-05"], "source": "测试安排"},
        content_type="application/json",
    )
    assert loaded.status_code == 201

    case.refresh_from_db()
    state = case_selectors.case_summary(case)
    assert not case.due_provisional
    assert case.legal_due > before["legal"]
    assert state["legal_due"] == case.legal_due.isoformat()
    assert state["explanations"]["legal"]["due"] == case.legal_due.isoformat()  # the explanation agrees
    assert not state["explanations"]["legal"]["provisional"]
    api = client.get(f"/api/cases/{case.number}").json()
    assert api["legal_due"] == case.legal_due.isoformat() and api["due_provisional"] is False
    page = client.get(f"/workbench/cases/{case.number}/").content.decode()
    assert case.legal_due.isoformat() in page and before["legal"].isoformat() not in page

    request.refresh_from_db()
    ticket.refresh_from_db()
    rect.refresh_from_db()
    order.refresh_from_db()
    assert (request.due_on, request.due_provisional) == (disclosure.due_of(request).due, False)
    assert request.due_on > before["request"]
    assert ticket.handle_due > before["handle"] and not ticket.deadline_provisional
    assert rect.due > before["rect"] and not rect.due_provisional
    assert order.due_on > before["order"]
    # Counted again from nothing, everything agrees: a second pass changes nothing.
    assert disclosure.recompute_for_year(year) == 0
    assert tickets.recompute_for_year(year) == 0
    assert evaluation.recompute_for_year(year) == 0
    assert services.recompute_for_year(year) == 0


def test_recounting_a_known_year_agrees_with_what_the_services_stored(more):
    """The replay each domain's recompute does gives the dates the services wrote: nothing moves when the
    calendar did not (a ticket extended and reopened, a request that waited for a third party)."""
    request = a_request(more, description="涉及第三方的信息")
    clock.set_now(at("2026-09-30"))
    disclosure.consult_third_party(request=request, by=more.officer, third_party="某公司")
    clock.set_now(at("2026-10-12"))
    disclosure.record_third_party_answer(request=request, by=more.officer, opinion="不同意公开")
    ticket = a_ticket(more, when="2026-10-12")
    tickets.acknowledge(ticket=ticket, organisation=more.bureau, by=more.head)
    extension = tickets.request_extension(
        ticket=ticket, organisation=more.bureau, workdays=3, reason="需现场核查", by=more.head
    )
    tickets.decide_extension(extension=extension, approve=True, by=more.manager)
    clock.set_now(at("2026-10-15"))
    tickets.reply_ticket(ticket=ticket, organisation=more.bureau, text="已核查", by=more.head)
    tickets.record_follow_up(ticket=ticket, solved=False, satisfied=False, note="未解决", by=more.operator)
    for recompute in (
        disclosure.recompute_for_year,
        tickets.recompute_for_year,
        evaluation.recompute_for_year,
        services.recompute_for_year,
    ):
        assert recompute(2026) == 0, recompute.__module__


def test_a_loaded_year_moves_a_provisional_appeal_review_date(more, year, client):
    """The region reviews an appeal within 5 working days (its own limit); filed on 12-28 the count runs into a year
    the calendar does not know: provisional until the year is loaded, then counted again."""
    from zhengwu.evaluation.models import EvaluationSettings

    EvaluationSettings.objects.create(region=more.bureau.region, appeal_review_days=5, updated_at=clock.now())
    clock.set_now(at(f"{year - 1}-12-28"))
    rating = evaluation.rate(
        kind="case", pk=instant_case(more).pk, level=1, tags=["态度恶劣"], channel="portal"
    )
    appeal = evaluation.file_appeal(rating=rating, by=more.head, reason="评价人与办件无关")
    assert appeal.review_due_provisional
    before = appeal.review_due
    admin = make_staff("admin", more.government, roles=[Role.ADMINISTRATOR], name="管理员").user
    client.force_login(admin)
    loaded = client.post(
        "/api/calendar/years",
        {"year": year, "holidays": [f"{year}-01-01", f"{year}-01-04", f"{year}-01-05"], "source": "测试安排"},
        content_type="application/json",
    )
    assert loaded.status_code == 201
    appeal.refresh_from_db()
    assert not appeal.review_due_provisional and appeal.review_due > before
