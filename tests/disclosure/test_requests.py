"""Requests through the services: intake by channel, supplement, third party, fee, extension, reply, expiry."""

import datetime as dt

import pytest

from zhengwu.core import clock
from zhengwu.core.errors import AccessDenied, Conflict, ValidationFailed
from zhengwu.disclosure import services, workflow
from zhengwu.disclosure.models import DisclosureRequest

D = dt.date.fromisoformat


def _file(org, **kw):
    values = {
        "channel": "in_person",
        "requester_kind": "natural_person",
        "requester_name": "张三",
        "description": "2025年城区土地征收补偿标准",
        "phone": "13800138000",
    }
    values.update(kw)
    return services.file_request(organisation=org, **values)


def test_letter_counts_from_the_day_it_is_signed_for(org):
    with clock.frozen("2026-03-10"):
        r = _file(org, channel="letter", submitted_on=D("2026-03-02"), signed_on=D("2026-03-05"))
    assert r.received_on == D("2026-03-05")
    assert r.due_on == D("2026-04-02")  # 20 working days after Thu 5 March; Qingming (Apr 4–6) falls after


def test_online_request_from_the_portal_is_received_the_same_day(org):
    with clock.frozen("2026-02-06"):
        r = _file(org, channel="online")
    assert r.received_on == D("2026-02-06") and r.due_on == D("2026-03-12")
    assert r.status == workflow.PROCESSING and len(r.access_code) == 8


def test_supplement_restarts_the_clock(org, people):
    with clock.frozen("2026-03-02"):
        r = _file(org)
    with clock.frozen("2026-03-04"):
        r = services.request_supplement(request=r, by=people["drafter"], items="请写明地块名称和年份")
    assert r.status == workflow.AWAITING_SUPPLEMENT
    with clock.frozen("2026-03-20"):
        r = services.receive_supplement(request=r, by=people["drafter"])
    assert r.status == workflow.PROCESSING and r.due_on == D("2026-04-20")


def test_supplement_only_once_and_only_within_seven_working_days(org, people):
    with clock.frozen("2026-02-12"):
        r = _file(org)
    with clock.frozen("2026-03-02"), pytest.raises(Conflict):
        services.request_supplement(request=r, by=people["drafter"], items="x")
    with clock.frozen("2026-02-28"):
        r = services.request_supplement(request=r, by=people["drafter"], items="请写明文号")
        r = services.receive_supplement(request=r, by=people["drafter"])
        with pytest.raises(Conflict):
            services.request_supplement(request=r, by=people["drafter"], items="再补一次")


def test_no_supplement_in_time_means_abandoned(org, people):
    with clock.frozen("2026-03-02"):
        r = _file(org)
        r = services.request_supplement(request=r, by=people["drafter"], items="请写明地块", workdays=10)
    assert r.waiting_until == D("2026-03-16")
    with clock.frozen("2026-03-16"):
        assert services.expire_waiting() == []
    with clock.frozen("2026-03-17"):
        (done,) = services.expire_waiting()
    assert done.status == workflow.ABANDONED and (done.outcome, done.reason) == ("other", "no_supplement")
    assert done.concluded_on == D("2026-03-16")


def test_third_party_time_is_not_counted(org, people):
    with clock.frozen("2026-09-14"):
        r = _file(org)
    with clock.frozen("2026-09-18"):
        r = services.consult_third_party(request=r, by=people["drafter"], third_party="某房地产公司")
    with clock.frozen("2026-10-12"):
        r = services.record_third_party_answer(request=r, by=people["drafter"], opinion="不同意公开")
    assert r.due_on == D("2026-11-03")


def test_the_officer_asks_and_only_the_head_s_agreement_moves_the_reply_date(org, people, make_staff):
    """第三十三条第一款: 需要延长答复期限的,应当经政府信息公开工作机构负责人同意并告知申请人,最长20个工作日. The officer
    asks (reason, 1–20 working days, once, before the date), the head agrees; the date moves then, and only then."""
    from zhengwu.cases.models import OutboxMessage
    from zhengwu.core.models import AuditRecord, Role

    officer, head = people["drafter"], people["leader"]
    both = make_staff(org, "both", Role.DISCLOSURE_OFFICER, Role.DEPARTMENT_HEAD, name="兼任")
    with clock.frozen("2026-04-28"):
        r = _file(org, email="zhangsan@example.com")
        assert r.due_on == D("2026-05-28")
        with pytest.raises(AccessDenied):  # the head does not ask: the officer handling it does
            services.ask_extension(request=r, by=head, days=20, reason="需调取档案")
        with pytest.raises(Conflict, match="没有待审批"):  # nothing to agree to: no extension without an ask
            services.approve_extension(request=r, by=head)
        with pytest.raises(ValidationFailed) as refused:  # both wrong inputs named at once
            services.ask_extension(request=r, by=officer, days=21, reason=" ")
        assert [field for field, _m in refused.value.errors] == ["reason", "days"]
        r = services.ask_extension(request=r, by=officer, days=20, reason="需调取多个部门的档案")
        assert (r.due_on, r.extension_days, r.extension_asked_days) == (D("2026-05-28"), 0, 20)
        with pytest.raises(Conflict, match="等待负责人审批"):
            services.ask_extension(request=r, by=officer, days=10, reason="再申请")
        with pytest.raises(AccessDenied):  # an officer does not agree to an extension
            services.approve_extension(request=r, by=officer)
    with clock.frozen("2026-05-06"):
        r = services.approve_extension(request=r, by=head, opinion="同意")
    assert (r.due_on, r.extension_days, r.extension_asked_days) == (D("2026-06-26"), 20, 0)
    assert [e.action for e in r.events.order_by("id")] == ["receive", "ask_extension", "extend"]
    extended = r.events.get(action="extend")
    assert (extended.note, extended.data["days"], extended.by_id) == ("需调取多个部门的档案", 20, head.pk)
    assert list(
        AuditRecord.objects.filter(object_id=str(r.pk), action__startswith="disclosure.request.")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["disclosure.request.file", "disclosure.request.ask_extension", "disclosure.request.extend"]
    told = {m.channel: m for m in OutboxMessage.objects.all()}
    assert set(told) == {"sms", "email"} and told["sms"].recipient == "13800138000"
    assert "延长20个工作日" in told["sms"].body and "2026年6月26日" in told["sms"].body
    assert "需调取多个部门的档案" in told["email"].body and told["email"].recipient == "zhangsan@example.com"
    with clock.frozen("2026-05-07"), pytest.raises(Conflict, match="只能延长一次"):
        services.ask_extension(request=r, by=officer, days=5, reason="再延")
    with clock.frozen("2026-05-07"):  # one person with both roles does not agree to their own ask
        own = services.ask_extension(request=_file(org), by=both, days=5, reason="需调取档案")
        with pytest.raises(AccessDenied, match="申请延长人以外"):
            services.approve_extension(request=own, by=both)


def test_a_refused_ask_leaves_the_date_tells_the_requester_nothing_and_may_be_asked_again_with_a_new_reason(
    org, people, client
):
    """第三十三条第一款 allows one extension, agreed by the head: a refused ask is none, so the officer may ask again
    (a reason not already refused, one ask waiting at a time, before the date), and after an agreement never."""
    from zhengwu.cases.models import OutboxMessage
    from zhengwu.disclosure import selectors

    officer, head = people["drafter"], people["leader"]
    with clock.frozen("2026-04-28"):  # due 28 May, over the 劳动节 holiday (1–5 May 2026)
        r = services.ask_extension(request=_file(org), by=officer, days=10, reason="需调取档案")
        with pytest.raises(ValidationFailed, match="不同意延长的理由"):
            services.refuse_extension(request=r, by=head, opinion="")
        r = services.refuse_extension(request=r, by=head, opinion="档案已齐备,按期答复")
        assert (r.due_on, r.extension_days, r.extension_asked_days) == (D("2026-05-28"), 0, 0)
        assert not OutboxMessage.objects.exists()
        assert [e.action for e in selectors.requester_events(r)] == ["receive"]  # the office's own steps
        page = client.get("/disclosure/track/", {"number": r.number, "code": r.access_code}).content.decode()
        assert "延长" not in page
    with clock.frozen("2026-05-08"):
        with pytest.raises(ValidationFailed, match="新的理由") as same:
            services.ask_extension(request=r, by=officer, days=10, reason=" 需调取档案 ")
        assert same.value.field == "reason"
        r = services.ask_extension(request=r, by=officer, days=15, reason="第三方档案须从市档案馆调取")
        assert (r.due_on, r.extension_asked_days) == (D("2026-05-28"), 15)
        with pytest.raises(Conflict, match="等待负责人审批"):
            services.ask_extension(request=r, by=officer, days=5, reason="另一理由")
        r = services.approve_extension(request=r, by=head, opinion="同意")
    assert (r.due_on, r.extension_days, r.extension_asked_days) == (D("2026-06-18"), 15, 0)
    assert OutboxMessage.objects.filter(body__contains="第三方档案须从市档案馆调取").count() == 1
    with (
        clock.frozen("2026-05-11"),
        pytest.raises(Conflict, match="已经负责人同意延长15个工作日,只能延长一次"),
    ):
        services.ask_extension(request=r, by=officer, days=5, reason="又一理由")
    assert [(a["state"], a["days"], a["reason"], a["opinion"]) for a in selectors.extension_asks(r)] == [
        ("refused", 10, "需调取档案", "档案已齐备,按期答复"),
        ("agreed", 15, "第三方档案须从市档案馆调取", "同意"),
    ]


@pytest.mark.parametrize(
    "day, refused",
    [
        (
            "2026-05-28",
            None,
        ),  # due Thu 28 May 2026 (20 working days from 28 April, 劳动节 1–5 May not counted)
        ("2026-05-29", "已届满"),
    ],
)
def test_after_a_refusal_the_ask_is_again_only_before_the_reply_date(org, people, day, refused):
    """第三十三条第一款: an extension is asked within the reply period — a refusal does not reopen a date that has passed."""
    with clock.frozen("2026-04-28"):
        r = services.ask_extension(request=_file(org), by=people["drafter"], days=10, reason="需调取档案")
        r = services.refuse_extension(request=r, by=people["leader"], opinion="按期答复")
    with clock.frozen(day):
        if refused:
            with pytest.raises(Conflict, match=refused):
                services.ask_extension(request=r, by=people["drafter"], days=5, reason="新的理由")
        else:
            assert (
                services.ask_extension(
                    request=r, by=people["drafter"], days=5, reason="新的理由"
                ).extension_asked_days
                == 5
            )


def test_an_extension_is_asked_and_agreed_only_before_the_reply_date(org, people):
    with clock.frozen("2026-04-28"):
        late, asked = _file(org), _file(org)
    with clock.frozen("2026-05-27"):
        asked = services.ask_extension(request=asked, by=people["drafter"], days=10, reason="需调取档案")
    with clock.frozen("2026-05-29"):  # due 28 May
        with pytest.raises(Conflict, match="已届满"):
            services.ask_extension(request=late, by=people["drafter"], days=10, reason="需调取档案")
        with pytest.raises(Conflict, match="不能再同意延长"):
            services.approve_extension(request=asked, by=people["leader"])
        asked = services.refuse_extension(request=asked, by=people["leader"], opinion="已过答复期限")
    assert asked.extension_days == 0 and asked.due_on == D("2026-05-28")


def test_fee_by_item_counts_the_requesters_requests_this_month(org, people):
    with clock.frozen("2026-03-02"):
        rs = [_file(org, requester_id_number="360681199001011232") for _ in range(11)]
        with pytest.raises(Conflict):  # the 10th request is free
            services.notify_fee(request=rs[9], by=people["drafter"], method="items")
        r = services.notify_fee(request=rs[10], by=people["drafter"], method="items")
    assert (r.fee_quantity, r.fee_amount, r.status) == (11, 100, workflow.AWAITING_FEE)
    with clock.frozen("2026-03-02"), pytest.raises(Conflict):
        services.notify_fee(request=r, by=people["drafter"], method="pages", pages=300)


def test_unpaid_fee_means_abandoned_and_paid_fee_pauses_the_clock(org, people):
    with clock.frozen("2026-02-10"):
        unpaid = _file(org)
        unpaid = services.notify_fee(request=unpaid, by=people["drafter"], method="pages", pages=120)
        paid = _file(org, requester_name="李四")
        paid = services.notify_fee(request=paid, by=people["drafter"], method="pages", pages=40)
    assert unpaid.fee_amount == 1100 and unpaid.waiting_until == D("2026-03-16")
    with clock.frozen("2026-02-24"):
        paid = services.receive_payment(request=paid, by=people["drafter"])
    # Feb 10 → Feb 24 (Feb 11, 12, 13, 14, 24: 5 working days) is not counted: due moves from Mar 16 to Mar 23.
    assert paid.due_on == D("2026-03-23")
    with clock.frozen("2026-03-17"):
        (done,) = services.expire_waiting()
    assert done.pk == unpaid.pk and done.reason == "unpaid_fee"


def test_reply_needs_a_legal_outcome_and_reason(org, people):
    with clock.frozen("2026-03-02"):
        r = _file(org)
        with pytest.raises(ValidationFailed):
            services.reply(request=r, by=people["drafter"], outcome="withhold")
        r = services.reply(
            request=r, by=people["drafter"], outcome="partial", text_="第2项涉及个人隐私,不予公开"
        )
    assert (r.status, r.outcome, r.concluded_on) == (workflow.REPLIED, "partial", D("2026-03-02"))


@pytest.mark.parametrize("outcome", ["partial", "other.other"])
def test_a_partial_or_other_reply_says_why_in_its_own_words(org, people, outcome):
    """部分公开 must give the reasons for the part withheld (第三十七条) and 其他处理 has no sentence of its own: the
    letter read 「本机关对您的政府信息公开申请作如下处理。」 and then nothing. The officer is told at the 答复内容."""
    outcome, _, reason = outcome.partition(".")
    with clock.frozen("2026-03-02"):
        r = _file(org)
        with pytest.raises(ValidationFailed) as refused:
            services.reply(request=r, by=people["drafter"], outcome=outcome, reason=reason, text_="  ")
    assert refused.value.field == "text" and "答复内容" in refused.value.message
    r.refresh_from_db()
    assert r.status == workflow.PROCESSING and not r.outcome


def test_requester_finds_their_request_only_with_the_code(org):
    r = _file(org)
    assert services.request_by_code(r.number, r.access_code) == r
    with pytest.raises(Exception, match="不正确"):
        services.request_by_code(r.number, "00000000")


def test_state_rebuilds_from_events(org, people):
    with clock.frozen("2026-03-02"):
        r = _file(org)
        r = services.request_supplement(request=r, by=people["drafter"], items="请写明年份")
        r = services.receive_supplement(request=r, by=people["drafter"])
        r = services.consult_third_party(request=r, by=people["drafter"], third_party="某公司")
        r = services.record_third_party_answer(request=r, by=people["drafter"])
        r = services.reply(request=r, by=people["drafter"], outcome="disclose")
        r = services.archive(request=r, by=people["drafter"])
    events = [(e.from_status or None, e.action, e.to_status) for e in r.events.all()]
    assert workflow.replay(workflow.REQUEST_TRANSITIONS, events, None) == r.status == workflow.ARCHIVED


def test_officer_of_another_organisation_cannot_act(org, other_org, make_staff):
    from zhengwu.core.models import Role

    outsider = make_staff(other_org, "outsider", Role.DISCLOSURE_OFFICER)
    r = _file(org)
    with pytest.raises(AccessDenied):
        services.reply(request=r, by=outsider, outcome="disclose")
    assert DisclosureRequest.objects.get(pk=r.pk).status == workflow.PROCESSING


def test_a_withdrawn_request_is_shown_as_withdrawn_with_no_reply_letter(org, client):
    """A stranger's pass: a withdrawn request read 答复结果 其他处理(其他) and offered a 答复书 that cited no withdrawal.
    The annual report still counts it under 其他处理 (its outcome); the pages and the letter say what happened."""
    from zhengwu.disclosure import letters

    r = services.withdraw_request(request=_file(org))
    assert (r.outcome, r.status) == ("other", "withdrawn")
    with pytest.raises(Conflict):
        letters.reply_letter_pdf(r)
    page = client.get(f"/disclosure/track/?number={r.number}&code={r.access_code}").content.decode()
    assert "您已撤回本申请" in page and "下载答复书" not in page and "答复结果" not in page


def test_the_head_s_home_lists_the_asks_to_extend_waiting_for_them_with_the_reply_date(org, people, client):
    """A stranger's pass: the head was not told an ask to extend waited for them (第三十三条第一款)."""
    from zhengwu.disclosure import selectors

    with clock.frozen("2026-04-28"):
        r = _file(org)  # due 2026-05-28 (20 working days)
        quiet = _file(org, requester_name="李四")
    with clock.frozen("2026-05-25T09:00"):
        assert selectors.extensions_to_decide(people["leader"]) == []  # nothing asked yet
        r = services.ask_extension(request=r, by=people["drafter"], days=10, reason="需调取多个部门的档案")
        assert [x.pk for x in selectors.extensions_to_decide(people["leader"])] == [r.pk]
        assert selectors.extensions_to_decide(people["drafter"]) == []  # an officer does not decide
        client.force_login(people["leader"])
        home = client.get("/workbench/").content.decode()
        assert "待审批的延长答复期限" in home and r.number in home and quiet.number not in home
        assert "申请延长10个工作日" in home and "2026-05-28" in home
        queue = client.get("/workbench/disclosure/requests/", {"queue": "extension_asked"}).content.decode()
        assert r.number in queue and quiet.number not in queue
        services.approve_extension(request=r, by=people["leader"])
        assert selectors.extensions_to_decide(people["leader"]) == []  # decided: off the list


def test_the_requester_sends_the_supplement_and_withdraws_from_the_track_page(org, people, client):
    """The track page's two forms (number and code carried in hidden fields): an empty supplement is refused with
    its message and changes nothing; the wrong code finds nothing; the right one sends, then withdraws."""
    r = services.request_supplement(request=_file(org), by=people["drafter"], items="请写明地块名称")
    keys = {"number": r.number, "code": r.access_code}
    empty = client.post("/disclosure/track/supplement/", {**keys, "content": "   "})
    page = empty.content.decode()
    assert empty.status_code == 422 and 'id="supplement-error" role="alert">请填写补正内容' in page
    assert (
        r.number in page and "提交补正" in page
    )  # the track page again, its form ready (it was a bare page)
    assert DisclosureRequest.objects.get(pk=r.pk).status == workflow.AWAITING_SUPPLEMENT
    too_long = client.post("/disclosure/track/supplement/", {**keys, "content": "城" * 2001}).content.decode()
    assert "「补正内容」最长 2000 个字,现有 2001 个字" in too_long  # before: no limit at all
    assert DisclosureRequest.objects.get(pk=r.pk).status == workflow.AWAITING_SUPPLEMENT
    wrong = client.post("/disclosure/track/supplement/", {**keys, "code": "nope", "content": "城东地块"})
    assert wrong.status_code == 404 and "申请编号或查询码不正确" in wrong.content.decode()
    sent = client.post("/disclosure/track/supplement/", {**keys, "content": "城东地块"})
    assert sent.status_code == 302 and DisclosureRequest.objects.get(pk=r.pk).status == workflow.PROCESSING
    assert client.post("/disclosure/track/withdraw/", {"number": r.number}).status_code == 404
    assert client.post("/disclosure/track/withdraw/", keys).status_code == 302
    assert DisclosureRequest.objects.get(pk=r.pk).status == "withdrawn"


def test_a_supplement_sent_after_its_period_is_refused_naming_the_day_as_people_write_it(org, people, client):
    """The requester reads the refusal on the track page: 补正期限已于 2026年3月16日 届满, not 2026-03-16."""
    with clock.frozen("2026-03-02"):
        r = services.request_supplement(
            request=_file(org), by=people["drafter"], items="请写明地块", workdays=10
        )
    keys = {"number": r.number, "code": r.access_code}
    with clock.frozen("2026-03-17T09:00"):  # the period ran out yesterday; the nightly expiry has not run yet
        late = client.post("/disclosure/track/supplement/", {**keys, "content": "城东地块"})
    page = late.content.decode()
    assert late.status_code == 409 and "补正期限已于 2026年3月16日 届满" in page
    assert "2026-03-16" not in page
    assert DisclosureRequest.objects.get(pk=r.pk).status == workflow.AWAITING_SUPPLEMENT
