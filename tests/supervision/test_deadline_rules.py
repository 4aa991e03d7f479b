"""Every deadline the platform keeps besides a case's own — a disclosure reply, a ticket's acknowledgement and
reply, the 24-hour first answer, a bad rating's rectification, an order's response — turns yellow and red like a
case's, and the scan raises one alert per record when it is overdue, held by the organisation that owes it.

Real dates around National Day 2026: 2026-10-01 … 07 off, Saturday 2026-10-10 worked (and 2026-09-25 中秋节)."""

import datetime as dt
from decimal import Decimal

import pytest

from tests.factories import make_organisation
from tests.supervision.conftest import a_request, a_ticket, accepted_case, at, instant_case
from zhengwu.core import calendar, clock
from zhengwu.core.errors import AccessDenied
from zhengwu.core.models import Organisation
from zhengwu.disclosure import services as disclosure
from zhengwu.evaluation import services as evaluation
from zhengwu.supervision import deadline_rules, selectors, services
from zhengwu.supervision.models import Alert, Thresholds
from zhengwu.tickets import services as tickets

LOCAL = clock.LOCAL


def moment(value: str) -> dt.datetime:
    """ "2026-10-09" (10:00) or "2026-10-09 23:30", in China."""
    if " " in value:
        return dt.datetime.fromisoformat(value).replace(tzinfo=LOCAL)
    return at(value)


def a_rectification(w, *, when: str = "2026-09-28", level: int = 1):
    """An instant case completed and rated 非常不满意 on 2026-09-28: feedback due 2026-10-23 (15 working days)."""
    case = instant_case(w, at(when))
    rating = evaluation.rate(kind="case", pk=case.pk, level=level, comment="等了很久", channel="portal")
    return rating.rectification


def an_appeal(w):
    """The region reviews an appeal within 5 working days (its own rule: 国办发〔2019〕51号 names none); the bureau
    appeals on Tuesday 2026-09-29 against a rating of 2026-09-28: review due 2026-10-12."""
    from zhengwu.evaluation.models import EvaluationSettings

    rating = a_rectification(w).rating
    EvaluationSettings.objects.create(region=w.bureau.region, appeal_review_days=5, updated_at=clock.now())
    clock.set_now(at("2026-09-29"))
    return evaluation.file_appeal(rating=rating, by=w.head, reason="评价人与办件无关")


def an_order(w):
    """Issued on Tuesday 2026-09-29 with 5 working days: response due 2026-10-12."""
    case = accepted_case(w)
    clock.set_now(at("2026-09-29"))
    return services.issue_order(by=w.supervisor, case=case, instruction="说明进度", response_days=5)


# (rule code, maker, due as the domain stored it, [(moment, level)]): the day before yellow, yellow, red.
TABLE = [
    (
        "disclosure.reply_overdue",
        a_request,
        ("due_on", dt.date(2026, 10, 30)),
        [("2026-10-27", "normal"), ("2026-10-28", "yellow"), ("2026-10-30", "yellow"), ("2026-10-31", "red")],
    ),
    (
        "ticket.reply_overdue",
        a_ticket,
        ("handle_due", dt.datetime(2026, 10, 13, 23, 59, 59, tzinfo=LOCAL)),
        [
            ("2026-10-09", "normal"),
            ("2026-10-10", "yellow"),
            ("2026-10-13 23:30", "yellow"),
            ("2026-10-14 00:30", "red"),
        ],
    ),
    (
        "ticket.acknowledge_overdue",
        a_ticket,
        ("acknowledge_due", dt.datetime(2026, 10, 9, 23, 59, 59, tzinfo=LOCAL)),
        [("2026-10-08", "yellow"), ("2026-10-09 23:30", "yellow"), ("2026-10-10 00:30", "red")],
    ),
    (
        "rating.rectification_overdue",
        a_rectification,
        ("due", dt.date(2026, 10, 23)),
        [("2026-10-20", "normal"), ("2026-10-21", "yellow"), ("2026-10-24", "red")],
    ),
    (
        "rating.appeal_review_overdue",
        an_appeal,
        ("review_due", dt.date(2026, 10, 12)),
        [("2026-10-08", "normal"), ("2026-10-09", "yellow"), ("2026-10-13", "red")],
    ),
    (
        "supervision.order_overdue",
        an_order,
        ("due_on", dt.date(2026, 10, 12)),
        [("2026-10-08", "normal"), ("2026-10-09", "yellow"), ("2026-10-13", "red")],
    ),
]


def level_now(user, code) -> str:
    counts = {d["code"]: d for d in selectors.deadline_counts(user)}[code]
    return "red" if counts["red"] else "yellow" if counts["yellow"] else "normal"


@pytest.mark.parametrize("code,make,due,steps", TABLE, ids=[row[0] for row in TABLE])
def test_each_deadline_turns_yellow_then_red_and_is_raised_once(more, code, make, due, steps):
    record = make(more)
    field, expected = due
    assert getattr(record, field) == expected  # the domain's own date, which supervision only compares
    for when, level in steps:
        clock.set_now(moment(when))
        assert level_now(more.supervisor, code) == level, when
        raised_before = Alert.objects.filter(code=code).count()
        services.scan()
        raised = Alert.objects.filter(code=code)
        assert raised.count() == (1 if level == "red" else raised_before), when
    alert = Alert.objects.get(code=code)
    assert alert.organisation == more.bureau  # held by who owes the deadline
    assert alert.code.split(".")[0] in ("disclosure", "ticket", "rating", "supervision")
    assert "超" in alert.title or "逾期" in alert.title
    assert not alert.data["provisional"] and "暂定" not in alert.explanation
    services.scan()
    assert Alert.objects.filter(code=code).count() == 1  # a second scan repeats nothing


def test_the_centre_managers_thresholds_decide_yellow(more):
    """warn_workdays 1: a ticket acknowledged within 2 working days is normal on its first day, yellow on its last;
    warn_share 0.5: a reply limit of 5 working days is yellow once 3 or fewer are left (⌊5 × 0.5⌋ = 2 … 3)."""
    a_ticket(more)
    Thresholds.objects.create(pk=1, warn_workdays=1, warn_share=Decimal("0"))
    clock.set_now(at("2026-09-30", 11))
    assert level_now(more.supervisor, "ticket.acknowledge_overdue") == "normal"
    clock.set_now(at("2026-10-08"))
    assert level_now(more.supervisor, "ticket.acknowledge_overdue") == "yellow"
    Thresholds.objects.filter(pk=1).update(warn_workdays=1, warn_share=Decimal("0.5"))
    clock.set_now(at("2026-10-09"))  # 10-10, 10-12, 10-13 left: 3 > max(1, ⌊5 × 0.5⌋)
    assert level_now(more.supervisor, "ticket.reply_overdue") == "normal"
    clock.set_now(at("2026-10-10"))
    assert level_now(more.supervisor, "ticket.reply_overdue") == "yellow"


def test_a_late_reply_is_raised_even_when_no_scan_saw_it_open(more):
    request = a_request(more)
    clock.set_now(at("2026-11-03"))  # two working days past 2026-10-30
    disclosure.reply(request=request, by=more.officer, outcome="disclose", text_="予以公开,见附件。")
    services.scan()
    alert = Alert.objects.get(code="disclosure.reply_overdue")
    assert alert.request == request and "于 2026-11-03 才答复,超出 2 个工作日" in alert.explanation
    assert "第三十三条" in alert.explanation


def test_a_reply_in_time_is_never_raised(more):
    request = a_request(more)
    clock.set_now(at("2026-10-30", 16))
    disclosure.reply(request=request, by=more.officer, outcome="disclose", text_="予以公开。")
    clock.set_now(at("2026-12-01"))
    services.scan()
    assert not Alert.objects.filter(code__startswith="disclosure.").exists()


def test_a_ticket_answered_late_and_reopened_is_raised_once_per_round(more):
    ticket = a_ticket(more)
    clock.set_now(at("2026-10-08"))
    tickets.acknowledge(ticket=ticket, organisation=more.bureau, by=more.head)
    clock.set_now(at("2026-10-14"))
    tickets.reply_ticket(ticket=ticket, organisation=more.bureau, text="已责令整改", by=more.head)
    services.scan()
    first = Alert.objects.get(code="ticket.reply_overdue")
    assert "于 2026-10-14 10:00 才答复" in first.explanation and first.ticket == ticket
    tickets.record_follow_up(ticket=ticket, solved=False, satisfied=False, note="仍在营业", by=more.operator)
    clock.set_now(at("2026-10-22"))  # reopened 10-14: 5 working days end 2026-10-21
    services.scan()
    second = Alert.objects.filter(code="ticket.reply_overdue").exclude(pk=first.pk).get()
    assert "第 2 轮办理" in second.explanation and "至 2026-10-22 10:00 仍未答复" in second.explanation
    services.scan()
    assert Alert.objects.filter(code="ticket.reply_overdue").count() == 2


def test_a_rectification_answered_after_its_due_date_is_raised(more):
    rect = a_rectification(more)
    clock.set_now(at("2026-10-26"))
    evaluation.verify(rectification=rect, by=more.head, founded=True, finding="窗口人员离岗")
    evaluation.rectify(rectification=rect, by=more.head, measures="完善离岗登记")
    evaluation.reply(rectification=rect, by=more.head, text="已整改,欢迎监督")
    services.scan()
    alert = Alert.objects.get(code="rating.rectification_overdue")
    assert alert.rectification == rect and "于 2026-10-26 才反馈评价人,超出 1 个工作日" in alert.explanation


def test_an_appeal_decided_after_its_review_date_is_raised_and_one_without_a_date_never(more):
    appeal = an_appeal(more)
    clock.set_now(at("2026-10-13"))
    evaluation.decide_appeal(appeal=appeal, by=more.manager, upheld=False, note="评价属实")
    services.scan()
    alert = Alert.objects.get(code="rating.appeal_review_overdue")
    assert "复核期限为 2026-10-12(本地区规定 5 个工作日)" in alert.explanation
    assert "于 2026-10-13 才复核,超出 1 个工作日" in alert.explanation and alert.organisation == more.bureau
    from zhengwu.evaluation.models import EvaluationSettings

    EvaluationSettings.objects.update(
        appeal_review_days=None
    )  # a region that sets no limit: no date, no alert
    clock.set_now(at("2026-10-14"))
    other = evaluation.file_appeal(
        rating=a_rectification(more, when="2026-10-14").rating, by=more.head, reason="误评"
    )
    assert other.review_due is None
    clock.set_now(at("2027-03-01"))
    services.scan()
    assert Alert.objects.filter(code="rating.appeal_review_overdue").count() == 1


def test_an_overdue_order_is_raised_at_its_level_before_it_goes_up(more):
    order = an_order(more)
    clock.set_now(at("2026-10-13"))
    done = services.scan()
    assert done["escalated"] == 1
    alert = Alert.objects.get(code="supervision.order_overdue")
    assert alert.subject_order == order and alert.organisation == more.bureau  # the level that missed it
    assert "第 1 级督办的反馈期限为 2026-10-12" in alert.explanation
    order.refresh_from_db()
    assert order.level == 2 and order.organisation == more.government


def test_a_first_answer_nobody_flagged_is_raised_by_the_scan(more):
    clock.set_now(at("2026-09-30"))
    ticket = tickets.file_ticket(
        kind="suggestion",
        channel="portal",
        category=more.food,
        content="建议公布餐饮店检查结果",
        caller_name="王五",
        caller_phone="13900139002",
    )
    clock.set_now(at("2026-10-01", 11))  # 25 hours later; the tickets job that warns has not run
    assert level_now(more.supervisor, "ticket.first_answer_late") == "red"
    services.scan()
    alert = Alert.objects.get(code="ticket.first_answer_late")
    assert alert.ticket == ticket and "至 2026-10-01 10:00(登记后 24 小时)仍未答复" in alert.explanation


def test_a_portal_ticket_nobody_answered_is_held_by_the_hotline_centre_not_where_a_centre_manager_sits(more):
    """The 12345 centre is the organisation marked as it (Organisation.is_hotline_centre): the alert went to the
    organisation of the first operator or centre manager found, which may be the 政务服务办 the manager works for."""
    hotline = make_organisation(
        "贵溪市12345政务服务便民热线中心",
        parent=more.centre.managed_by,
        kind=Organisation.Kind.PUBLIC_SERVICE_UNIT,
        is_hotline_centre=True,
    )
    Organisation.objects.filter(pk=more.centre.managed_by_id).update(is_hotline_centre=False)
    clock.set_now(at("2026-09-30"))
    tickets.file_ticket(
        kind="suggestion",
        channel="portal",
        category=more.food,
        content="建议公布餐饮店检查结果",
        caller_name="王五",
        caller_phone="13900139002",
    )
    clock.set_now(at("2026-10-01", 11))
    services.scan()
    assert Alert.objects.get(code="ticket.first_answer_late").organisation == hotline


def test_a_scan_in_a_year_the_calendar_does_not_know_says_its_findings_are_provisional(more):
    year = max(calendar.current_calendar().years) + 1
    clock.set_now(at(f"{year - 1}-12-21"))
    case = accepted_case(more)
    case.refresh_from_db()
    assert case.due_provisional and case.promised_due.year == year
    request = a_request(more, when=f"{year - 1}-12-21")
    request.refresh_from_db()
    assert request.due_provisional and request.due_on.year == year
    clock.set_now(at(f"{year - 1}-12-22"))
    done = services.scan(today=dt.date(year, 6, 1))
    assert done["alerts"] >= 3
    for code in ("case.overdue.promised", "case.overdue.legal", "disclosure.reply_overdue"):
        alert = Alert.objects.get(code=code)
        assert alert.data["provisional"] is True, code
        assert f"{year} 年的节假日安排尚未载入" in alert.explanation and "暂定" in alert.explanation, code
        assert f"至 {year}-06-01 仍未" in alert.explanation, code
    assert services.scan(today=dt.date(year, 6, 1))["alerts"] == 0


def test_a_disclosure_officer_answers_the_order_on_a_disclosure_alert(more, client):
    request = a_request(more)
    clock.set_now(at("2026-11-02"))
    services.scan()
    alert = Alert.objects.get(code="disclosure.reply_overdue")
    order = services.escalate_alert(alert=alert, by=more.supervisor, instruction="立即答复并说明超期原因")
    assert order.request_ref == request.number and order.organisation == more.bureau
    assert order.subject_label.startswith(f"依申请公开 {request.number}")
    assert list(selectors.orders_on_request(more.officer, request)) == [order]
    assert list(selectors.orders_to_answer(more.officer)) == [order]  # on the office's workbench home
    case_order = services.issue_order(by=more.supervisor, case=accepted_case(more), instruction="加快办理")
    assert case_order not in selectors.orders_to_answer(more.officer)  # not the office's to answer
    with pytest.raises(AccessDenied):
        services.respond_order(order=order, by=more.clerk, response="窗口代答")
    client.force_login(more.officer)
    page = client.get(f"/workbench/disclosure/requests/{request.pk}/")
    assert f"/workbench/supervision/orders/{order.number}/" in page.content.decode()
    page = client.get(f"/workbench/supervision/orders/{order.number}/")
    assert page.status_code == 200 and "提交反馈" in page.content.decode()
    assert "监察总览" not in page.content.decode()  # the tabs this officer may not open are not shown
    client.post(
        f"/workbench/supervision/orders/{order.number}/",
        {"action": "respond", "text": "已于今日答复,超期系征求意见时间估计不足"},
    )
    order.refresh_from_db()
    assert order.state == "responded" and "已于今日答复" in order.response


def test_the_alert_list_filters_by_domain_and_keeps_old_codes_working(more, client):
    a_request(more)
    case = accepted_case(more)
    clock.set_now(at("2026-11-02"))
    services.scan()
    assert Alert.objects.filter(case=case, code="case.overdue.promised").exists()
    client.force_login(more.supervisor)
    page = client.get("/workbench/supervision/alerts/?domain=disclosure")
    shown = [a.code for a in page.context["alerts"]]
    assert shown == ["disclosure.reply_overdue"]
    text = page.content.decode()
    assert (
        "依申请公开超过答复期限" in text and "disclosure.reply_overdue" not in text
    )  # Chinese, never a code
    assert (
        f"/workbench/disclosure/requests/{Alert.objects.get(code='disclosure.reply_overdue').request_id}/"
        in text
    )
    cases_only = client.get("/workbench/supervision/alerts/?domain=case").context["alerts"]
    assert {a.code.split(".")[0] for a in cases_only} == {"case"}
    legacy = client.get("/workbench/supervision/alerts/?code=overdue.promised").context["alerts"]
    assert [a.code for a in legacy] == ["case.overdue.promised"]
    api = client.get("/api/supervision/alerts?domain=disclosure").json()
    assert [(a["code"], a["domain"]) for a in api] == [("disclosure.reply_overdue", "disclosure")]
    assert client.get("/api/supervision/alerts?domain=nothing").status_code == 422


def test_the_dashboard_shows_each_deadline_with_its_red_records(more, client):
    request = a_request(more)
    a_ticket(more)
    clock.set_now(at("2026-11-02"))
    client.force_login(more.supervisor)
    page = client.get("/workbench/supervision/")
    rows = {d["code"]: d for d in page.context["deadlines"]}
    assert rows["disclosure.reply_overdue"]["red"] == 1
    assert rows["ticket.acknowledge_overdue"]["red"] == 1 and rows["ticket.reply_overdue"]["red"] == 1
    assert rows["rating.rectification_overdue"] == {
        **rows["rating.rectification_overdue"],
        "red": 0,
        "yellow": 0,
    }
    assert "依申请公开答复期限" in page.content.decode()
    listed = client.get("/workbench/supervision/deadlines/?rule=disclosure.reply_overdue&level=red")
    assert [r.number for r in listed.context["rows"]] == [request.number]
    assert client.get("/workbench/supervision/deadlines/?rule=nothing&level=red").status_code == 404
    # a department head of another organisation sees none of the bureau's
    client.force_login(more.water_head)
    rows = {d["code"]: d for d in client.get("/workbench/supervision/").context["deadlines"]}
    assert rows["disclosure.reply_overdue"]["red"] == 0


def test_the_scan_judges_another_day_from_its_start(more):
    a_ticket(more)
    clock.set_now(at("2026-10-09", 9))
    m = deadline_rules.Moment.of(dt.date(2026, 10, 10))
    assert m.now == dt.datetime(2026, 10, 10, 0, 0, tzinfo=LOCAL) and m.when == "2026-10-10"
    assert deadline_rules.Moment.of().now == clock.now()
