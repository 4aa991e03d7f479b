"""政民互动 answered within 24 hours: the deadline, what counts as the first answer (reply, 直接办结, 受理回复), the
warnings once per level, the "24小时未答复" queue, the supervision alert raised once, and the API fields."""

import datetime as dt

import pytest

from zhengwu.core import clock
from zhengwu.core.errors import AccessDenied, Conflict, ValidationFailed
from zhengwu.supervision import rules  # noqa: F401 — connects the ticket rules to TicketEvent
from zhengwu.supervision.models import Alert
from zhengwu.tickets import deadlines, selectors, services, workflow
from zhengwu.tickets.deadlines import FirstAnswerState, Limits
from zhengwu.tickets.models import Channel, Kind, Status, Ticket

LOCAL = clock.LOCAL


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=LOCAL)


def parse(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


# ---- the deadline (pure) -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "channel", "hours", "expected", "why"),
    [
        ("2026-09-28T10:00", "portal", 24, "2026-09-29T10:00", "portal form, an ordinary Monday"),
        (
            "2026-09-25T17:30",
            "mailbox",
            24,
            "2026-09-26T17:30",
            "Friday evening → Saturday: the weekend is counted",
        ),
        (
            "2026-09-30T15:00",
            "mobile",
            24,
            "2026-10-01T15:00",
            "into National Day 2026-10-01: 24 natural hours do NOT skip the holiday",
        ),
        ("2026-10-03T08:00", "open311", 24, "2026-10-04T08:00", "filed during the holiday, due during it"),
        (
            "2026-12-31T23:30",
            "portal",
            24,
            "2027-01-01T23:30",
            "into a year whose holidays are not loaded: not provisional",
        ),
        ("2026-09-28T10:00", "portal", 12, "2026-09-28T22:00", "a category configured to 12 hours"),
        ("2026-09-28T10:00", "hotline", 24, None, "a call is answered on the line: not a 政民互动 message"),
        ("2026-09-28T10:00", "letter", 24, None, "a paper letter: not an online message"),
        ("2026-09-28T10:00", "import", 24, None, "history imported: no clock"),
    ],
)
def test_first_answer_due_in_natural_hours(received, channel, hours, expected, why):
    due = deadlines.first_answer_due(at(received), channel, Limits(first_answer_hours=hours))
    if expected is None:
        assert due is None, why
    else:
        assert due.at == at(expected), why
        assert not due.provisional, why


@pytest.mark.parametrize(
    ("now", "answered", "is_open", "expected"),
    [
        ("2026-09-29T05:59", None, True, FirstAnswerState.ON_TIME),
        ("2026-09-29T06:00", None, True, FirstAnswerState.DUE_SOON),  # the last 4 hours
        ("2026-09-29T10:00", None, True, FirstAnswerState.DUE_SOON),  # the limit itself is still in time
        ("2026-09-29T10:01", None, True, FirstAnswerState.OVERDUE),
        ("2026-10-05T10:00", "2026-09-29T10:00", True, FirstAnswerState.ANSWERED),
        ("2026-10-05T10:00", "2026-09-29T10:01", True, FirstAnswerState.ANSWERED_LATE),
        ("2026-10-05T10:00", None, False, FirstAnswerState.NONE),  # merged: answered through its primary
    ],
)
def test_first_answer_state(now, answered, is_open, expected):
    due = at("2026-09-29T10:00")
    state = deadlines.first_answer_state(at(now), due, at(answered) if answered else None, is_open=is_open)
    assert state == expected
    assert deadlines.first_answer_state(at(now), None, None) == FirstAnswerState.NONE


# ---- intake and what counts as the first answer --------------------------------------------------------------

pytestmark_db = pytest.mark.django_db


def online(world, when="2026-09-30T15:00", **kw):
    args = dict(
        kind=Kind.COMPLAINT,
        channel=Channel.PORTAL,
        category=world.noise,
        content="象湖镇红都大道工地夜间施工噪音扰民,凌晨两点还在打桩",
        caller_name="张伟",
        caller_phone="13979712345",
        region=world.town,
    )
    args.update(kw)
    with clock.frozen(when):
        return services.file_ticket(**args)


def actions(ticket):
    return list(ticket.events.order_by("seq").values_list("action", flat=True))


@pytestmark_db
def test_intake_sets_the_limit_for_online_channels_only(world):
    world.noise.first_answer_hours = 48
    world.noise.save()
    portal = online(world)
    assert portal.first_answer_due == at("2026-10-02T15:00")
    assert portal.events.get().data["first_answer_due"] == at("2026-10-02T15:00").isoformat()
    hotline = online(world, channel=Channel.HOTLINE, by=world.operator)
    assert hotline.first_answer_due is None and hotline.first_answer_state == FirstAnswerState.NONE


@pytestmark_db
def test_the_interim_answer_is_the_first_answer_and_keeps_the_status(world):
    t = online(world)
    with clock.frozen("2026-09-30T16:00"):
        t = services.interim_reply(ticket=t, by=world.operator)
    assert t.status == Status.NEW and t.first_answered_at == at("2026-09-30T16:00")
    event = t.events.get(action="interim_reply")
    assert event.note == "您的诉求已收到,正在办理中,我们将在办理期限内答复您。"
    assert event.data == {"first_answer_late": False} and event.action_label == "受理回复"
    with clock.frozen("2026-09-30T17:00"):
        services.dispatch_ticket(ticket=t, lead=world.housing, by=world.operator)
        t = services.interim_reply(
            ticket=t, text="已转住建局,正在核查", organisation=world.housing, by=world.housing_clerk
        )
    t.refresh_from_db()
    assert t.first_answered_at == at("2026-09-30T16:00")  # the first one stays the first
    assert "first_answer_late" not in t.events.filter(action="interim_reply").last().data
    assert workflow.replay(actions(t)) == t.status


@pytestmark_db
def test_who_may_send_an_interim_answer_and_when(world):
    t = online(world)
    with pytest.raises(AccessDenied):
        services.interim_reply(ticket=t, by=world.housing_clerk)  # not the centre
    with clock.frozen("2026-09-30T16:00"):
        services.dispatch_ticket(ticket=t, lead=world.housing, by=world.operator)
    with pytest.raises(AccessDenied, match="该工单未派给本单位"):
        services.interim_reply(ticket=t, organisation=world.transport, by=world.transport_clerk)
    with pytest.raises(ValidationFailed, match="受理回复最长 500 个字") as err:
        services.interim_reply(ticket=t, text="办" * 501, by=world.operator)
    assert err.value.field == "text"
    with clock.frozen("2026-09-30T17:00"):
        services.acknowledge(ticket=t, organisation=world.housing, by=world.housing_clerk)
        services.reply_ticket(ticket=t, organisation=world.housing, text="已责令停工", by=world.housing_clerk)
    with pytest.raises(Conflict, match="已答复"):
        services.interim_reply(ticket=t, by=world.operator)


@pytestmark_db
@pytest.mark.parametrize("late", [False, True])
def test_a_reply_or_a_direct_close_counts_and_says_whether_it_was_late(world, late):
    replied = online(world)
    closed = online(world)
    when = "2026-10-01T16:00" if late else "2026-10-01T14:00"  # due 2026-10-01 15:00, National Day
    with clock.frozen("2026-09-30T15:10"):
        services.dispatch_ticket(ticket=replied, lead=world.housing, by=world.operator)
        services.acknowledge(ticket=replied, organisation=world.housing, by=world.housing_clerk)
    with clock.frozen(when):
        services.reply_ticket(
            ticket=replied, organisation=world.housing, text="已处理", by=world.housing_clerk
        )
        services.close_directly(ticket=closed, answer="夜间施工须取得许可", by=world.operator)
    for t in (replied, closed):
        t.refresh_from_db()
        assert t.first_answered_at == at(when)
        assert t.events.last().data["first_answer_late"] is late
        assert t.first_answer_state == (FirstAnswerState.ANSWERED_LATE if late else FirstAnswerState.ANSWERED)


# ---- warnings, once per level --------------------------------------------------------------------------------


@pytestmark_db
def test_warnings_are_written_once_per_level(world):
    waiting = online(world)  # due 2026-10-01 15:00
    answered = online(world)
    merged = online(world)
    with clock.frozen("2026-09-30T15:30"):
        services.interim_reply(ticket=answered, by=world.operator)
        services.merge_tickets(duplicate=merged, into=answered, by=world.operator)
    with clock.frozen("2026-10-01T09:00"):
        assert services.flag_first_answers() == {"due_soon": 0, "overdue": 0}
    with clock.frozen("2026-10-01T11:30"):
        assert services.flag_first_answers() == {"due_soon": 1, "overdue": 0}
        assert services.flag_first_answers() == {"due_soon": 0, "overdue": 0}
    with clock.frozen("2026-10-01T15:01"):
        assert services.flag_first_answers() == {"due_soon": 0, "overdue": 1}
    with clock.frozen("2026-10-02T15:01"):
        assert services.flag_first_answers() == {"due_soon": 0, "overdue": 0}
    waiting.refresh_from_db()
    levels = [e.data["level"] for e in waiting.events.filter(action="first_answer_warning")]
    assert levels == ["due_soon", "overdue"] and waiting.first_answer_warned == "overdue"
    assert waiting.status == Status.NEW and workflow.replay(actions(waiting)) == Status.NEW
    assert not answered.events.filter(action="first_answer_warning").exists()
    assert not merged.events.filter(action="first_answer_warning").exists()


@pytestmark_db
def test_a_scan_that_missed_the_warning_window_writes_only_overdue(world):
    t = online(world)
    with clock.frozen("2026-10-02T09:00"):
        assert services.flag_first_answers() == {"due_soon": 0, "overdue": 1}
    assert [e.data["level"] for e in t.events.filter(action="first_answer_warning")] == ["overdue"]


@pytestmark_db
def test_the_scheduled_job_reports_in_chinese(world):
    from zhengwu.tickets import schedule

    online(world)
    assert ("first_answer_warnings", schedule.first_answer_warnings) in schedule.JOBS
    with clock.frozen("2026-10-02T09:00"):
        assert schedule.first_answer_warnings() == "首次答复临期预警 0 件,超时 1 件"


# ---- supervision: one alert per ticket -----------------------------------------------------------------------


@pytestmark_db
def test_supervision_alert_is_raised_once_per_ticket(world):
    t = online(world)
    with clock.frozen("2026-10-01T12:00"):
        services.flag_first_answers()  # due soon: no alert yet
    assert not Alert.objects.filter(code="ticket.first_answer_late").exists()
    with clock.frozen("2026-10-01T16:00"):
        services.flag_first_answers()
        services.flag_first_answers()
    with clock.frozen("2026-10-01T17:00"):
        services.interim_reply(
            ticket=t, by=world.operator
        )  # answered late: the same breach, not a second alert
    alert = Alert.objects.get(code="ticket.first_answer_late")
    assert alert.case is None and alert.organisation == world.centre  # not dispatched: the 12345 centre's
    assert alert.data["ticket"] == t.number and alert.data["hours"] == 24
    assert alert.explanation.startswith(
        f"工单 {t.number}(门户网站):至 2026-10-01 15:00(登记后 24 小时)仍未答复"
    )


@pytestmark_db
def test_a_late_answer_the_scan_did_not_see_raises_the_alert_to_the_lead(world):
    late, in_time, hotline = (
        online(world),
        online(world),
        online(world, channel=Channel.HOTLINE, by=world.operator),
    )
    with clock.frozen("2026-09-30T16:00"):
        for t in (late, in_time, hotline):
            services.dispatch_ticket(ticket=t, lead=world.housing, by=world.operator)
        services.interim_reply(ticket=in_time, organisation=world.housing, by=world.housing_clerk)
    with clock.frozen("2026-10-02T10:00"):
        services.interim_reply(ticket=late, organisation=world.housing, by=world.housing_clerk)
        services.interim_reply(ticket=hotline, organisation=world.housing, by=world.housing_clerk)
    alert = Alert.objects.get(code="ticket.first_answer_late")
    assert alert.organisation == world.housing and alert.data["ticket"] == late.number
    assert "却于 2026-10-02 10:00 才首次答复" in alert.explanation


# ---- queues and pages ----------------------------------------------------------------------------------------

pages = pytest.mark.urls("tests.tickets.urls")


@pytestmark_db
def test_the_queue_filters_by_level(world):
    overdue = online(world, when="2026-09-29T09:00")
    soon = online(world, when="2026-09-29T16:00")
    later = online(world, when="2026-09-30T08:00")
    answered = online(world, when="2026-09-29T09:00")
    with clock.frozen("2026-09-30T12:30"):
        services.interim_reply(ticket=answered, by=world.operator)
        numbers = lambda level: [t.number for t in selectors.first_answer_queue(world.operator, level)]  # noqa: E731
        assert numbers("") == [overdue.number, soon.number, later.number]
        assert numbers("overdue") == [overdue.number]
        assert numbers("due_soon") == [soon.number]
        assert selectors.first_answer_counts(world.operator) == {"due_soon": 1, "overdue": 1}
        assert list(selectors.first_answer_queue(world.housing_clerk)) == []  # the centre's queue
        services.dispatch_ticket(ticket=overdue, lead=world.housing, by=world.operator)
        mine = selectors.organisation_queues(world.housing_clerk).first_answer
        assert [t.number for t in mine] == [overdue.number]


@pytestmark_db
@pages
def test_the_pages_show_the_warning_and_take_the_interim_answer(client, world):
    t = online(world, when="2026-09-29T09:00")
    with clock.frozen("2026-09-30T12:30"):
        client.force_login(world.operator)
        page = client.get("/workbench/tickets/first-answer/?level=overdue").content.decode()
        assert "24小时未答复" in page and t.number in page and "超时未首次答复" in page
        # on a phone each row is a card of labelled lines (zw-stack): squeezed, the title stood a character a line
        assert 'align-middle zw-stack" id="first-answer-table"' in page
        assert 'data-label="首次答复期限">2026-09-30 09:00</td>' in page
        assert "超时 1" in client.get("/workbench/tickets/dispatch/").content.decode()
        page = client.get(f"/workbench/tickets/{t.number}/").content.decode()
        assert "首次答复期限" in page and "2026-09-30 09:00" in page and "发送受理回复" in page
        r = client.post(f"/workbench/tickets/{t.number}/interim_reply/", {"text": "已收到,正在协调住建局"})
        assert r.status_code == 302
        services.flag_first_answers()
        client.force_login(world.housing_clerk)
        assert client.get("/workbench/tickets/first-answer/").status_code == 403
    t.refresh_from_db()
    assert t.first_answered_at == at("2026-09-30T12:30")
    track = client.get("/interaction/track/", {"number": t.number, "code": t.query_code}).content.decode()
    assert "受理回复" in track and "已收到,正在协调住建局" in track
    assert "首次答复预警" not in track


@pytestmark_db
@pages
def test_the_supervision_dashboard_links_a_ticket_alert(client, world):
    t = online(world)
    with clock.frozen("2026-10-02T09:00"):
        services.flag_first_answers()
        client.force_login(world.supervisor)
        r = client.get("/workbench/supervision/")
        listed = client.get("/workbench/supervision/alerts/")
    assert r.status_code == 200
    assert f"/workbench/tickets/{t.number}/" in r.content.decode()
    assert listed.status_code == 200 and f"/workbench/tickets/{t.number}/" in listed.content.decode()


# ---- API -----------------------------------------------------------------------------------------------------


@pytestmark_db
@pages
def test_the_api_exposes_the_first_answer(client, world):
    t = online(world)
    client.force_login(world.operator)
    with clock.frozen("2026-10-01T16:00"):
        body = client.get(f"/api/tickets/{t.number}").json()
        assert parse(body["first_answer_due"]) == at("2026-10-01T15:00")
        assert body["first_answered_at"] is None and body["first_answer_state"] == "overdue"
        listed = client.get("/api/tickets/", {"first_answer": "overdue"}).json()
        assert [i["number"] for i in listed["items"]] == [t.number]
        assert client.get("/api/tickets/", {"first_answer": "due_soon"}).json()["count"] == 0
        bad = client.get("/api/tickets/", {"first_answer": "late"})
        assert bad.status_code == 422 and bad.json()["field"] == "first_answer"
        r = client.post(
            f"/api/tickets/{t.number}/interim-reply", {"text": "已收到"}, content_type="application/json"
        )
        assert r.status_code == 200 and r.json()["first_answer_state"] == "answered_late"
        services.flag_first_answers()
    track = client.get(f"/api/tickets/track/{t.number}", {"code": t.query_code}).json()
    assert parse(track["first_answer_due"]) == at("2026-10-01T15:00") and track["first_answered_at"]
    assert {
        "at": track["steps"][-1]["at"],
        "action": "interim_reply",
        "label": "受理回复",
        "status": "已登记",
        "text": "已收到",
    } == (track["steps"][-1])
    assert all("text" not in s for s in track["steps"][:-1])
    cats = {c["code"]: c for c in client.get("/api/tickets/public/categories").json()}
    assert cats["city.noise"]["first_answer_hours"] == 24
    client.force_login(world.housing_clerk)
    r = client.post(f"/api/tickets/{t.number}/interim-reply", {}, content_type="application/json")
    assert r.status_code == 404  # not dispatched to them: they cannot see it


@pytestmark_db
def test_tickets_filed_before_the_rule_have_no_clock(world):
    t = online(world)
    Ticket.objects.filter(pk=t.pk).update(first_answer_due=None)
    with clock.frozen("2026-10-09T09:00"):
        assert services.flag_first_answers() == {"due_soon": 0, "overdue": 0}


# ---- the category changes while the first answer is awaited -------------------------------------------------


@pytest.mark.parametrize(
    ("now", "warned", "old_due", "new_due", "expected", "why"),
    [
        ("2026-10-01T12:00", "due_soon", "2026-10-01T15:00", "2026-10-02T15:00", "", "later: on time again"),
        ("2026-10-01T16:00", "overdue", "2026-10-01T15:00", "2026-10-02T15:00", "", "later: on time again"),
        (
            "2026-10-02T12:00",
            "overdue",
            "2026-10-01T15:00",
            "2026-10-02T15:00",
            "due_soon",
            "later: due soon",
        ),
        ("2026-10-02T16:00", "overdue", "2026-10-01T15:00", "2026-10-02T15:00", "overdue", "still overdue"),
        ("2026-10-01T12:00", "", "2026-10-01T15:00", "2026-10-02T15:00", "", "nothing warned yet"),
        ("2026-10-01T04:00", "", "2026-10-01T15:00", "2026-10-01T03:00", "", "earlier: the scan warns"),
        ("2026-10-01T12:00", "due_soon", "2026-10-01T15:00", "2026-10-01T13:00", "due_soon", "earlier: kept"),
    ],
)
def test_the_warning_level_after_the_limit_moved(now, warned, old_due, new_due, expected, why):
    got = deadlines.first_answer_warned_after_move(at(now), warned, at(old_due), at(new_due))
    assert got == expected, why


# Filed 2026-09-30 15:00 on the 24-hour category (due 2026-10-01 15:00); `before` is what happens first (a scan or
# an interim answer), then the dispatcher moves it at `change` to a category of `hours`; `scans` are (when, the
# scan's result) afterwards.
CATEGORY_CHANGES = {
    "to 48 h after the due-soon warning: later, warned again": dict(
        channel=Channel.PORTAL,
        hours=48,
        before=("scan", "2026-10-01T12:00"),
        change="2026-10-01T13:00",
        due="2026-10-02T15:00",
        moved=True,
        warned="",
        scans=[
            ("2026-10-02T10:00", {"due_soon": 0, "overdue": 0}),
            ("2026-10-02T11:00", {"due_soon": 1, "overdue": 0}),
            ("2026-10-02T15:01", {"due_soon": 0, "overdue": 1}),
            ("2026-10-02T16:00", {"due_soon": 0, "overdue": 0}),
        ],
        levels=["due_soon", "due_soon", "overdue"],
        alerts=1,
    ),
    "to 48 h after the overdue warning: on time again": dict(
        channel=Channel.MAILBOX,
        hours=48,
        before=("scan", "2026-10-01T16:00"),
        change="2026-10-01T17:00",
        due="2026-10-02T15:00",
        moved=True,
        warned="",
        scans=[
            ("2026-10-02T11:00", {"due_soon": 1, "overdue": 0}),
            ("2026-10-02T15:01", {"due_soon": 0, "overdue": 1}),
        ],
        levels=["overdue", "due_soon", "overdue"],
        alerts=1,
    ),
    "to 12 h: overdue at once, the next scan warns overdue once": dict(
        channel=Channel.PORTAL,
        hours=12,
        before=None,
        change="2026-10-01T04:00",
        due="2026-10-01T03:00",
        moved=True,
        warned="",
        scans=[
            ("2026-10-01T04:00", {"due_soon": 0, "overdue": 1}),
            ("2026-10-01T05:00", {"due_soon": 0, "overdue": 0}),
        ],
        levels=["overdue"],
        alerts=1,
    ),
    "after the first answer: unchanged": dict(
        channel=Channel.PORTAL,
        hours=12,
        before=("interim_reply", "2026-09-30T16:00"),
        change="2026-10-01T04:00",
        due="2026-10-01T15:00",
        moved=False,
        warned="",
        scans=[("2026-10-01T16:00", {"due_soon": 0, "overdue": 0})],
        levels=[],
        alerts=0,
    ),
    "a hotline call: no clock": dict(
        channel=Channel.HOTLINE,
        hours=12,
        before=None,
        change="2026-10-01T04:00",
        due=None,
        moved=False,
        warned="",
        scans=[("2026-10-02T16:00", {"due_soon": 0, "overdue": 0})],
        levels=[],
        alerts=0,
    ),
}


@pytestmark_db
@pytest.mark.parametrize("case", CATEGORY_CHANGES.values(), ids=CATEGORY_CHANGES.keys())
def test_changing_the_category_counts_the_limit_again_from_intake(world, case):
    from zhengwu.tickets.models import Category

    moved_to = Category.objects.create(
        code=f"city.h{case['hours']}", name="施工扰民", parent=world.root, first_answer_hours=case["hours"]
    )
    extra = {"by": world.operator} if case["channel"] == Channel.HOTLINE else {}
    if case["channel"] == Channel.MAILBOX:
        extra["mailbox"] = _mailbox(world)
    t = online(world, channel=case["channel"], **extra)
    if case["before"]:
        what, when = case["before"]
        with clock.frozen(when):
            if what == "scan":
                services.flag_first_answers()
            else:
                services.interim_reply(ticket=t, by=world.operator)
    t.refresh_from_db()
    answered_at = t.first_answered_at
    with clock.frozen(case["change"]):
        t = services.dispatch_ticket(ticket=t, lead=world.housing, category=moved_to, by=world.operator)
    t.refresh_from_db()
    assert t.category == moved_to
    assert t.first_answer_due == (at(case["due"]) if case["due"] else None)
    assert t.first_answered_at == answered_at
    assert t.first_answer_warned == case["warned"]
    data = t.events.get(action="dispatch").data
    if case["moved"]:
        assert parse(data["first_answer_due_was"]) == at("2026-10-01T15:00")
        assert parse(data["first_answer_due"]) == at(case["due"])
    else:
        assert "first_answer_due" not in data and "first_answer_due_was" not in data
    for when, result in case["scans"]:
        with clock.frozen(when):
            assert services.flag_first_answers() == result, when
    levels = [e.data["level"] for e in t.events.filter(action="first_answer_warning")]
    assert levels == case["levels"]
    assert Alert.objects.filter(code="ticket.first_answer_late").count() == case["alerts"]  # one per ticket
    assert workflow.replay(actions(t)) == Status.DISPATCHED


def _mailbox(world):
    from zhengwu.tickets.models import Mailbox

    return Mailbox.objects.create(leader_name="李明", title="市长", organisation=world.centre)


@pytestmark_db
def test_the_same_category_or_hours_leave_the_limit_alone(world):
    from zhengwu.tickets.models import Category

    same_hours = Category.objects.create(code="city.dust", name="工地扬尘", parent=world.root)
    t = online(world)
    with clock.frozen("2026-09-30T16:00"):
        services.dispatch_ticket(ticket=t, lead=world.housing, category=same_hours, by=world.operator)
    t.refresh_from_db()
    assert t.category == same_hours and t.first_answer_due == at("2026-10-01T15:00")
    assert "first_answer_due_was" not in t.events.get(action="dispatch").data
