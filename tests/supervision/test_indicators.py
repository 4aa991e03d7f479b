"""Indicators over a small data set whose answers are worked out by hand below (October 2026; the clock on
Monday 2026-11-02). National Day 2026 (10-01 … 10-07) is off and Saturday 10-10 is worked.

    case  received       channel  accepted  decided (by)            promised due  state
    A     09-28 window8  counter  09-28     10-16 (head)            10-16         completed 10-16: on time, saved 0
    B     09-28 window8  counter  09-28     10-19 (head)            10-16         completed 10-19: late, saved −1
    C     10-12 window8  counter  10-12     10-12 (clerk, instant)  10-12         completed 10-12: instant, on site
    D     10-12 online   online   10-12     —                       10-26         open: overdue on 11-01
    E     10-20 window8  counter  10-20     10-22 (chief, 窗口授权)  11-03         completed 10-22: on site, saved 8
    F     10-30 window1  counter  —         —                       (intake 11-06) received
    G     09-15 window8  counter  09-15     —                       09-30         open: overdue

    received (in October)      C D E F                         = 4
    accepted                   C D E                           = 3
    completed                  A B C E                         = 4
    on time (promised)         A C E                           = 3   on-time rate 3/4 = 0.75
    on time (legal, 10-30)     A B C E                         = 4
    overdue completed          B                               = 1
    overdue open (on 11-01)    D G                             = 2
    instant                    C                               = 1   share 0.25
    on site                    C (instant) E (chief)           = 2   rate 0.5
    online                     D                               = 1   share 1/4 = 0.25
    speed-up (提速率)           (0 − 1 + 8) / (10 + 10 + 10)     = 7/30 = 0.2333
      E: promised due 11-03, decided 10-22: 10-23 26 27 28 29 30 11-02 11-03 = 8 working days early
    items 2, both with cases in October: entry rate 1.0; one complaint: complaint rate 1/4 = 0.25
"""

import datetime as dt

import pytest

from tests.factories import paper_checklist
from tests.supervision.conftest import at, submit
from zhengwu.cases import services as cases
from zhengwu.cases.models import Case
from zhengwu.core import clock
from zhengwu.supervision import indicators, services
from zhengwu.supervision.indicators import Period

OCTOBER = Period(dt.date(2026, 10, 1), dt.date(2026, 10, 31))


def _accepted(act, case, by):
    return act(case=case, by=by, paper=paper_checklist(case))


def on(day: str, hour: int = 10):
    clock.set_now(at(day, hour))


def through_review(w, case, decider):
    cases.claim_step(case=case, by=w.approver if decider != w.chief else w.chief)
    cases.complete_step(case=case, by=w.approver if decider != w.chief else w.chief, opinion="同意")
    cases.claim_step(case=case, by=decider)
    cases.decide_case(case=case, by=decider, grant=True)
    cases.complete_case(case=case, by=w.clerk)


@pytest.fixture
def october(world):
    w = world
    made = {}
    on("2026-09-15")
    made["G"] = _accepted(cases.accept_case, submit(w), w.clerk)
    on("2026-09-28")
    made["A"] = _accepted(cases.accept_case, submit(w), w.clerk)
    made["B"] = _accepted(cases.accept_case, submit(w), w.clerk)
    on("2026-10-12")
    made["C"] = _accepted(cases.handle_instantly, submit(w, item=w.instant_item), w.clerk)
    d = cases.submit_case(
        item=w.item, applicant=w.company, by=None, channel="online", form={"subject": "网上申请"}
    )
    made["D"] = cases.accept_case(case=d, paper=paper_checklist(d), by=w.clerk)
    on("2026-10-16")
    through_review(w, made["A"], w.head)
    on("2026-10-19")
    through_review(w, made["B"], w.head)
    on("2026-10-20")
    made["E"] = _accepted(cases.accept_case, submit(w), w.clerk)
    on("2026-10-22")
    through_review(w, made["E"], w.chief)
    on("2026-10-30")
    made["F"] = submit(w, by=w.general_clerk, window=w.general)
    from zhengwu.tickets.models import Category, Kind, Ticket

    category = Category.objects.create(code="T01", name="市场监管")
    Ticket.objects.create(
        number="12345-0001",
        query_code="ABC123",
        kind=Kind.COMPLAINT,
        channel="hotline",
        category=category,
        title="办证太慢",
        content="食品经营许可办了很久",
        received_at=at("2026-10-21"),
        lead_organisation=w.bureau,
    )
    on("2026-11-02", 9)
    services.issue_order(
        by=w.supervisor, case=made["D"], instruction="请说明超期原因并尽快办结", response_days=3
    )
    return made


def test_by_organisation_matches_the_hand_count(world, october):
    result = indicators.compute(period=OCTOBER, by="organisation")
    bureau = next(r for r in result["rows"] if r["key"] == world.bureau.pk)
    expected = {
        "received": 4,
        "accepted": 3,
        "completed": 4,
        "on_time_promised": 3,
        "on_time_legal": 4,
        "overdue_completed": 1,
        "overdue_open": 2,
        "instant": 1,
        "onsite": 2,
        "online": 1,
        "workdays_saved": 7,
        "promised_workdays": 30,
        "on_time_rate": 0.75,
        "legal_on_time_rate": 1.0,
        "instant_share": 0.25,
        "onsite_rate": 0.5,
        "online_share": 0.25,
        "speedup_rate": 0.2333,
        "items": 2,
        "items_with_cases": 2,
        "entry_rate": 1.0,
        "complaints": 1,
        "complaint_rate": 0.25,
        "orders_open": 1,
        "orders_overdue": 0,
    }
    assert {k: bureau[k] for k in expected} == expected
    assert bureau["label"] == "贵溪市市场监督管理局"
    assert result["total"]["received"] == 4 and result["total"]["completed"] == 4


def test_a_decision_made_at_the_window_stays_onsite_when_the_decider_is_later_moved(world, october):
    """现场办结 counts E, decided on 2026-10-22 by the window-authorised chief representative at a window; moving
    them off the window (or withdrawing the authorisation) in November does not rewrite October's figures."""
    from zhengwu.core.models import Staff

    Staff.objects.filter(pk=world.chief.staff.pk).update(window_authorised=False, window=None)
    october["E"].refresh_from_db()
    assert october["E"].decided_onsite
    result = indicators.compute(period=OCTOBER, by="organisation")
    bureau = next(r for r in result["rows"] if r["key"] == world.bureau.pk)
    assert (bureau["onsite"], bureau["onsite_rate"]) == (2, 0.5)


def test_by_window_and_by_staff(world, october):
    by_window = {r["label"]: r["received"] for r in indicators.compute(period=OCTOBER, by="window")["rows"]}
    assert by_window == {"8号窗口": 2, "1号窗口": 1, "(未指定)": 1}
    by_staff = {r["label"]: r["received"] for r in indicators.compute(period=OCTOBER, by="staff")["rows"]}
    assert by_staff == {"王窗口": 3, "李综窗": 1}


def test_the_drill_down_returns_the_cases_counted(world, october):
    late = indicators.drill(
        period=OCTOBER, metric="overdue_completed", by="organisation", key=world.bureau.pk
    )
    assert list(late) == [october["B"]]
    overdue = indicators.drill(period=OCTOBER, metric="overdue_open")
    assert set(overdue) == {october["D"], october["G"]}
    onsite = indicators.drill(period=OCTOBER, metric="onsite")
    assert set(onsite) == {october["C"], october["E"]}


def test_indicators_are_scoped(world, october):
    mine = indicators.compute(period=OCTOBER, by="organisation", user=world.water_head)
    assert mine["total"]["received"] == 0
    theirs = indicators.compute(period=OCTOBER, by="organisation", user=world.supervisor)
    assert theirs["total"]["received"] == 4


def test_computed_by_the_database_in_a_few_queries(world, october, django_assert_max_num_queries):
    indicators.compute(period=OCTOBER, by="organisation")  # builds the working-day index once
    # a fixed number, whatever the number of cases: the case aggregate (in a savepoint; PostgreSQL adds SET LOCAL jit),
    # catalogue, tickets, ratings, orders, the hall's numbers and bookings per organisation and in all, the joint
    # cases counted once in all, the licence library's licences issued, the licence types' material names and the
    # cases that could take a licence (per organisation and in all), the organisations' names
    with django_assert_max_num_queries(21):
        indicators.compute(period=OCTOBER, by="organisation")


def test_september_is_counted_apart(world, october):
    september = indicators.compute(period=Period.month(2026, 9), by=None)["total"]
    assert (september["received"], september["accepted"], september["completed"]) == (3, 3, 0)
    assert Case.objects.count() == 7


def test_rating_rates_count_levels_three_to_five_as_good_and_leave_out_upheld_appeals(world, october):
    """Ratings in October: A 5, B 2, C 3, E 1 — then E's rating is found malicious on appeal and leaves the figures.
    Counted: A, B, C → good (3–5) A C = 2/3 = 0.6667, bad (1–2) B = 1/3 = 0.3333."""
    from tests.factories import make_staff
    from zhengwu.core.models import Role
    from zhengwu.evaluation import services as evaluation

    on("2026-10-23")
    for key, level, comment in (("A", 5, ""), ("B", 2, "等候太久"), ("C", 3, ""), ("E", 1, "窗口不给办")):
        rating = evaluation.rate(
            kind="case", pk=october[key].pk, level=level, comment=comment, channel="portal"
        )
    appeal = evaluation.file_appeal(rating=rating, by=world.head, reason="评价人与办件无关,恶意差评")
    manager = make_staff("mgr_eval", world.centre.managed_by, roles=[Role.CENTRE_MANAGER], name="王主任").user
    evaluation.decide_appeal(appeal=appeal, by=manager, upheld=True, note="核实为恶意评价")
    on("2026-11-02", 9)

    bureau = next(
        r
        for r in indicators.compute(period=OCTOBER, by="organisation")["rows"]
        if r["key"] == world.bureau.pk
    )
    assert (bureau["ratings"], bureau["ratings_good"], bureau["ratings_bad"]) == (3, 2, 1)
    assert (bureau["good_rating_rate"], bureau["bad_rating_rate"]) == (0.6667, 0.3333)
