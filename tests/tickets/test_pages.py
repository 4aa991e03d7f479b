"""The operator's screen, the queues, the ticket page, and the public pages."""

import datetime as dt

import pytest
from django.test import Client

from zhengwu.core import clock
from zhengwu.tickets import services
from zhengwu.tickets.models import Status, Ticket

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.tickets.urls")]

CALL = {
    "channel": "hotline",
    "caller_phone": "13979712345",
    "caller_name": "张伟",
    "kind": "consult",
    "content": "社保卡丢了怎么补办",
}


def test_operator_answers_from_the_knowledge_base_and_closes(client, world):
    entry = services.save_knowledge_entry(
        title="社保卡丢失怎么补办", answer="携带身份证到人社局窗口办理", owner=world.hrss, by=world.operator
    )
    client.force_login(world.operator)
    assert (
        "社保卡丢失怎么补办"
        in client.get("/workbench/tickets/knowledge/search/", {"q": "sbk"}).content.decode()
    )
    r = client.post("/workbench/tickets/call/", {**CALL, "category": world.social.pk, "close_with": entry.pk})
    t = Ticket.objects.get()
    assert r.status_code == 302 and t.status == Status.CLOSED and t.reply == "携带身份证到人社局窗口办理"
    page = client.get(r.url).content.decode()
    assert "直接办结" in page and "已办结" in page


def test_a_letter_is_registered_on_the_same_screen_with_its_channel(client, world):
    client.force_login(world.operator)
    r = client.post("/workbench/tickets/call/", {**CALL, "channel": "letter", "category": world.social.pk})
    assert r.status_code == 302
    assert Ticket.objects.get().channel == "letter"


def test_a_long_call_is_titled_with_its_opening_words_and_an_ellipsis(client, world):
    """The call screen asks for no title: the ticket takes the content's first 30 characters. Cut bare, the title of a
    food complaint ended 「…饭菜里有苍蝇,吃完」 as if the caller had said that; it now ends with "…"."""
    client.force_login(world.operator)
    content = "我昨天在雄石街道建设路的好味道快餐店吃饭,饭菜里有苍蝇,吃完后拉肚子,要求查处。"
    r = client.post("/workbench/tickets/call/", {**CALL, "category": world.social.pk, "content": content})
    t = Ticket.objects.get()
    assert t.title == "我昨天在雄石街道建设路的好味道快餐店吃饭,饭菜里有苍蝇,吃…" and len(t.title) == 30
    assert (
        f"{t.number} 我昨天在雄石街道建设路的好味道快餐店吃饭,饭菜里有苍蝇,吃…</h1>"
        in client.get(r.url).content.decode()
    )
    client.post("/workbench/tickets/call/", {**CALL, "category": world.social.pk})
    assert Ticket.objects.latest("id").title == "社保卡丢了怎么补办"  # a short call is its own title


def test_the_call_screen_shows_field_errors_in_chinese(client, world):
    client.force_login(world.operator)
    r = client.post("/workbench/tickets/call/", {**CALL, "caller_phone": "", "category": world.social.pk})
    assert r.status_code == 200 and "请填写联系电话" in r.content.decode()
    assert not Ticket.objects.exists()


def test_caller_history_and_duplicates_on_the_call_screen(client, world):
    services.file_ticket(
        kind="complaint",
        channel="hotline",
        category=world.noise,
        content="红都大道工地夜间施工噪音",
        caller_name="张伟",
        caller_phone="13979712345",
        region=world.town,
    )
    client.force_login(world.operator)
    history = client.get("/workbench/tickets/call/history/", {"caller_phone": "13979712345"}).content.decode()
    assert "红都大道工地夜间施工噪音" in history
    assist = client.get(
        "/workbench/tickets/knowledge/search/",
        {"content": "红都大道工地晚上施工噪音太大", "caller_phone": "13800000000", "region": world.town.pk},
    ).content.decode()
    assert "疑似重复" in assist


def test_dispatch_acknowledge_reply_through_the_pages(client, world):
    t = services.file_ticket(
        kind="complaint",
        channel="hotline",
        category=world.noise,
        content="工地噪音",
        caller_name="张伟",
        caller_phone="13979712345",
    )
    client.force_login(world.operator)
    assert t.number in client.get("/workbench/tickets/dispatch/").content.decode()
    page = client.get(f"/workbench/tickets/{t.number}/").content.decode()
    assert "建议承办单位" in page
    client.post(f"/workbench/tickets/{t.number}/dispatch/", {"lead": world.housing.pk})
    client.force_login(world.housing_clerk)
    assert t.number in client.get("/workbench/tickets/queues/").content.decode()
    client.post(f"/workbench/tickets/{t.number}/acknowledge/")
    r = client.post(f"/workbench/tickets/{t.number}/reply/", {"text": ""}, follow=True)
    assert "请填写答复内容" in r.content.decode()
    client.post(f"/workbench/tickets/{t.number}/reply/", {"text": "已处理"})
    t.refresh_from_db()
    assert t.status == Status.REPLIED


def test_an_organisation_cannot_open_another_organisations_ticket(client, world):
    t = services.file_ticket(
        kind="complaint",
        channel="hotline",
        category=world.noise,
        content="工地噪音",
        caller_name="张伟",
        caller_phone="13979712345",
    )
    services.dispatch_ticket(ticket=t, lead=world.housing, by=world.operator)
    client.force_login(world.transport_clerk)
    assert client.get(f"/workbench/tickets/{t.number}/").status_code in (403, 404)


def test_citizen_files_anonymously_and_tracks_with_the_query_code(client, world):
    r = client.post(
        "/interaction/new/",
        {
            "kind": "report",
            "category": world.noise.pk,
            "title": "举报夜间施工",
            "content": "某工地夜间违规施工",
            "anonymous": "on",
        },
    )
    assert r.status_code == 302 and r.url == "/interaction/new/filed/"
    shown = client.get(r.url).content.decode()
    t = Ticket.objects.get()
    assert t.anonymous and t.number in shown and t.query_code in shown
    # reloading the page that says 已提交 shows it again and files nothing more (it answered the POST itself, so a
    # reload filed the ticket twice); another browser is sent to the form
    assert t.query_code in client.get(r.url).content.decode() and Ticket.objects.count() == 1
    assert Client().get(r.url).url == "/interaction/new/"
    page = client.get("/interaction/track/", {"number": t.number, "code": t.query_code}).content.decode()
    assert "已登记" in page
    wrong = client.get("/interaction/track/", {"number": t.number, "code": "XXXXXX"}).content.decode()
    assert "工单编号或查询码不正确" in wrong


def test_a_named_complaint_needs_a_name_on_the_portal(client, world):
    r = client.post(
        "/interaction/new/",
        {"kind": "complaint", "category": world.noise.pk, "title": "x", "content": "噪音", "anonymous": "on"},
    )
    assert "只有举报可以匿名" in r.content.decode()


def test_hot_topics_page_and_export(client, world):
    services.file_ticket(
        kind="complaint",
        channel="hotline",
        category=world.noise,
        content="工地噪音扰民",
        caller_name="张伟",
        caller_phone="13979712345",
        region=world.town,
    )
    client.force_login(world.operator)
    page = client.get("/workbench/tickets/hot/", {"period": "day"}).content.decode()
    assert "象湖镇" in page and "城乡建设" in page
    xlsx = client.get("/workbench/tickets/hot/", {"period": "week", "format": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_public_pages_render(client, world):
    for url in (
        "/interaction/",
        "/interaction/new/",
        "/interaction/track/",
        "/interaction/mailbox/",
        "/interaction/faq/",
    ):
        assert client.get(url).status_code == 200, url


def test_the_centre_maintains_categories_in_admin_and_changes_are_audited(client, world):
    from zhengwu.core.models import AuditRecord

    client.force_login(world.manager)
    r = client.post(
        f"/admin/tickets/category/{world.bus.pk}/change/",
        {
            "code": "traffic.bus",
            "name": "公交出行",
            "acknowledge_workdays": 1,
            "handle_workdays": 3,
            "max_extension_workdays": 10,
            "urgent_acknowledge_hours": 2,
            "urgent_handle_hours": 24,
            "first_answer_hours": 24,
            "is_active": "on",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    world.bus.refresh_from_db()
    assert world.bus.handle_workdays == 3
    assert AuditRecord.objects.filter(action="tickets.category_changed").exists()
    client.force_login(world.housing_clerk)
    assert client.get("/admin/tickets/category/").status_code in (302, 403)


def test_the_callers_number_is_masked_until_revealed_and_the_reveal_is_audited(client, world):
    from zhengwu.core.models import AuditRecord

    t = services.file_ticket(
        kind="complaint",
        channel="hotline",
        category=world.noise,
        content="工地噪音",
        caller_name="张伟",
        caller_phone="13979712345",
    )
    services.dispatch_ticket(ticket=t, lead=world.housing, by=world.operator)
    client.force_login(world.housing_clerk)
    page = client.get(f"/workbench/tickets/{t.number}/").content.decode()
    assert "139****2345" in page and "13979712345" not in page and "张伟" not in page
    assert 'id="reveal-reason"' in page
    # the old link revealed without a reason; it shows nothing now
    assert (
        "13979712345"
        not in client.get(f"/workbench/tickets/{t.number}/", {"reveal": "caller"}).content.decode()
    )
    missing = client.post(f"/workbench/tickets/{t.number}/personal/", {"reason": ""})
    assert missing.status_code == 422 and 'id="reveal-reason-error"' in missing.content.decode()
    assert "13979712345" not in missing.content.decode()
    assert not AuditRecord.objects.filter(action="personal_data.view").exists()
    page = client.post(f"/workbench/tickets/{t.number}/personal/", {"reason": "回访诉求人"}).content.decode()
    assert "张伟 13979712345" in page and "回访诉求人" in page
    record = AuditRecord.objects.get(action="personal_data.view", object_id=str(t.pk))
    assert record.actor == world.housing_clerk
    assert record.summary == {
        "fields": ["caller.name", "caller.phone"],
        "reason": "回访诉求人",
        "record": t.number,
    }
    # an organisation the ticket was never dispatched to does not see it; the centre's manager sees it masked
    client.force_login(world.transport_clerk)
    assert client.post(f"/workbench/tickets/{t.number}/personal/", {"reason": "回访"}).status_code == 404
    client.force_login(world.manager)
    assert 'id="masked-note"' in client.get(f"/workbench/tickets/{t.number}/").content.decode()
    refused = client.post(f"/workbench/tickets/{t.number}/personal/", {"reason": "回访"})
    assert refused.status_code == 403 and "只有话务员、监察人员和承办该工单的单位" in refused.content.decode()
    for user in (world.operator, world.supervisor):
        client.force_login(user)
        assert (
            "13979712345"
            in client.post(
                f"/workbench/tickets/{t.number}/personal/", {"reason": "回访诉求人"}
            ).content.decode()
        )
    assert AuditRecord.objects.filter(action="personal_data.view").count() == 3


def test_an_anonymous_callers_data_is_never_revealed(client, world):
    from zhengwu.core.models import AuditRecord

    t = services.file_ticket(
        kind="report",
        channel="hotline",
        category=world.noise,
        content="有人违规施工",
        caller_name="张伟",
        caller_phone="13979712345",
        anonymous=True,
    )
    client.force_login(world.operator)
    page = client.get(f"/workbench/tickets/{t.number}/").content.decode()
    assert "匿名" in page and "13979712345" not in page and 'id="reveal-reason"' not in page
    refused = client.post(f"/workbench/tickets/{t.number}/personal/", {"reason": "回访诉求人"})
    assert refused.status_code == 403 and "诉求人选择了匿名" in refused.content.decode()
    assert not AuditRecord.objects.filter(action="personal_data.view").exists()


# ---- bad input on the hotline pages: a message at the field, nothing written, never a 500


def _replied_ticket(world):
    t = services.file_ticket(
        kind="complaint",
        channel="hotline",
        category=world.noise,
        content="工地噪音",
        caller_name="张伟",
        caller_phone="13979712345",
    )
    services.dispatch_ticket(ticket=t, lead=world.housing, by=world.operator)
    services.acknowledge(ticket=t, organisation=world.housing, by=world.housing_clerk)
    return services.reply_ticket(ticket=t, organisation=world.housing, text="已处理", by=world.housing_clerk)


def test_closing_a_call_with_an_unknown_knowledge_entry_files_nothing(client, world):
    client.force_login(world.operator)
    for close_with in ("999999", "x"):
        r = client.post(
            "/workbench/tickets/call/", {**CALL, "category": world.social.pk, "close_with": close_with}
        )
        assert r.status_code == 200 and "所选的知识库答复不存在" in r.content.decode()
    assert not Ticket.objects.exists()  # before: the ticket was filed, then left open without an answer


def test_closing_a_call_without_an_answer_files_nothing(client, world):
    client.force_login(world.operator)
    r = client.post("/workbench/tickets/call/", {**CALL, "category": world.social.pk, "close_with": "answer"})
    assert r.status_code == 200 and "直接办结须填写答复内容" in r.content.decode()
    assert not Ticket.objects.exists()


def test_an_extension_of_abc_workdays_is_refused_at_the_field(client, world):
    t = services.file_ticket(
        kind="complaint",
        channel="hotline",
        category=world.noise,
        content="工地噪音",
        caller_name="张伟",
        caller_phone="13979712345",
    )
    services.dispatch_ticket(ticket=t, lead=world.housing, by=world.operator)
    services.acknowledge(ticket=t, organisation=world.housing, by=world.housing_clerk)
    client.force_login(world.housing_clerk)
    r = client.post(
        f"/workbench/tickets/{t.number}/extension/", {"workdays": "abc", "reason": "需现场核查"}, follow=True
    )
    assert r.status_code == 200 and "延期工作日:应填写整数" in r.content.decode()
    assert not t.extensions.exists()


def test_deciding_an_extension_that_is_not_a_number_says_it_does_not_exist(client, world):
    t = _replied_ticket(world)
    client.force_login(world.manager)
    r = client.post(
        f"/workbench/tickets/{t.number}/decide_extension/", {"extension": "x", "approve": "yes"}, follow=True
    )
    assert r.status_code == 200 and "延期申请" in r.content.decode()


def test_a_supervision_deadline_that_is_not_a_date_is_refused(client, world):
    t = _replied_ticket(world)
    client.force_login(world.manager)
    r = client.post(f"/workbench/tickets/{t.number}/supervise/", {"due": "明天", "note": "抓紧"}, follow=True)
    assert r.status_code == 200 and "请填写督办期限" in r.content.decode()


def test_a_citizen_follow_up_without_saying_whether_solved_is_not_ignored(client, world):
    t = _replied_ticket(world)
    r = client.post("/interaction/track/", {"number": t.number, "code": t.query_code, "note": "还是吵"})
    assert r.status_code == 200 and "请选择是否解决" in r.content.decode()
    t.refresh_from_db()
    assert t.status == Status.REPLIED
    r = client.post(
        "/interaction/track/", {"number": t.number, "code": t.query_code, "solved": "yes", "satisfied": "yes"}
    )
    t.refresh_from_db()
    assert r.status_code == 200 and t.solved and t.satisfied


def test_after_saying_not_solved_the_citizen_still_reads_the_answer_given(client, world):
    t = _replied_ticket(world)
    r = client.post(
        "/interaction/track/",
        {"number": t.number, "code": t.query_code, "solved": "no", "satisfied": "no", "note": "晚上还在施工"},
    )
    html = r.content.decode()
    assert "重办中" in html
    assert "已处理" in html  # the answer the citizen found wanting vanished from the page once reopened
    again = client.get("/interaction/track/", {"number": t.number, "code": t.query_code}).content.decode()
    assert again.count("已处理") == 1


def test_a_follow_up_solved_but_not_satisfied_asks_for_the_reason_at_the_note(client, world):
    t = _replied_ticket(world)
    client.force_login(world.operator)
    r = client.post(
        f"/workbench/tickets/{t.number}/follow_up/", {"solved": "yes", "satisfied": "no", "note": ""}
    )
    html = r.content.decode()
    assert r.status_code == 422
    # the message at the note, and the answers the operator gave still ticked
    assert '<div class="invalid-feedback" id="follow-note-error">请填写不满意的原因</div>' in html
    assert 'id="solved-yes" checked' in html and 'id="sat-no" checked' in html
    assert Ticket.objects.get(pk=t.pk).status == Status.REPLIED
    r = client.post(
        f"/workbench/tickets/{t.number}/follow_up/",
        {"solved": "yes", "satisfied": "no", "note": "解决了,但前后拖了两个月"},
        follow=True,
    )
    assert "解决了,但前后拖了两个月" in r.content.decode()
    assert Ticket.objects.get(pk=t.pk).status == Status.CLOSED


def test_the_operator_records_a_repeat_call_and_the_organisation_sees_it_chased(client, world):
    t = services.file_ticket(
        kind="complaint",
        channel="hotline",
        category=world.noise,
        content="工地噪音",
        caller_name="张伟",
        caller_phone="13979712345",
    )
    client.force_login(world.operator)
    assert "来电催办" not in client.get(f"/workbench/tickets/{t.number}/").content.decode()  # not dispatched
    services.dispatch_ticket(ticket=t, lead=world.housing, by=world.operator)
    page = client.get(f"/workbench/tickets/{t.number}/").content.decode()
    assert "记录催办</button>" in page
    r = client.post(f"/workbench/tickets/{t.number}/urge/", {"caller": "诉求人本人", "note": ""})
    assert r.status_code == 422
    assert '<div class="invalid-feedback" id="urge-note-error">请填写催办内容</div>' in r.content.decode()
    r = client.post(
        f"/workbench/tickets/{t.number}/urge/",
        {"caller": "诉求人本人", "note": "工地昨晚又施工到两点,问何时处理"},
        follow=True,
    )
    page = r.content.decode()
    assert "已记录来电催办" in page and "催办 1 次" in page
    history = page[page.index('id="ticket-history"') :]
    assert "来电催办" in history and "工地昨晚又施工到两点,问何时处理" in history and "诉求人本人" in history
    client.force_login(world.housing_clerk)
    queues = client.get("/workbench/tickets/queues/").content.decode()
    assert '<th scope="col">催办</th>' in queues and 'title="催办次数">1</span>' in queues
    page = client.get(f"/workbench/tickets/{t.number}/").content.decode()
    assert (
        "催办 1 次" in page and "记录催办</button>" not in page
    )  # the organisation is chased, it does not chase
    assert Ticket.objects.get(pk=t.pk).status == Status.DISPATCHED


def _history(page: str) -> str:
    return page[page.index('id="ticket-history"') :].split("</ol>")[0]


def test_the_history_says_whether_the_caller_was_satisfied(client, world):
    """回访 已解决但不满意: the closed ticket's history says 不满意 beside 回访:已解决 (the note alone did not say it,
    and no other line of the closed ticket's page does)."""
    unhappy, happy = _replied_ticket(world), _replied_ticket(world)
    services.record_follow_up(
        ticket=unhappy, solved=True, satisfied=False, note="前后拖了两个月", by=world.operator
    )
    services.record_follow_up(ticket=happy, solved=True, satisfied=True, by=world.operator)
    client.force_login(world.operator)
    history = _history(client.get(f"/workbench/tickets/{unhappy.number}/").content.decode())
    assert '回访:已解决</strong> · <span class="text-danger">不满意</span>' in history
    history = _history(client.get(f"/workbench/tickets/{happy.number}/").content.decode())
    assert "回访:已解决</strong> · 满意" in history and "不满意" not in history


def test_on_a_phone_the_queues_list_each_ticket_as_labelled_lines(client, world):
    """At 390 px the dispatch queue's nine columns squeezed the organisation's name and the time limit to one
    character per line; each row is now a card (zw-stack) whose cells say what they are."""
    t = _replied_ticket(world)
    client.force_login(world.operator)
    queue = client.get("/workbench/tickets/dispatch/").content.decode()
    follow_up = queue[queue.index('id="to-follow-up"') :]
    assert 'table-hover align-middle zw-stack"' in follow_up and t.number in follow_up
    assert 'data-label="承办">瑞金市住房和城乡建设局</td>' in follow_up
    assert (
        f'data-label="答复时间">答复于 {t.replied_at.astimezone(clock.LOCAL):%Y-%m-%d %H:%M}</td>'
        in follow_up
    )


def test_the_follow_up_list_says_when_each_ticket_was_answered_not_its_spent_handling_limit(client, world):
    """待回访 showed each ticket's handling limit under 期限: a limit that no longer counts once the ticket is answered,
    and read as overdue a week on. The call back has no limit of its own in the platform; the list says 答复于 …."""
    t = _replied_ticket(world)
    clock.set_now(t.handle_due + dt.timedelta(days=7))
    client.force_login(world.operator)
    queue = client.get("/workbench/tickets/dispatch/").content.decode()
    follow_up = queue[queue.index('id="to-follow-up"') :]
    assert '<th scope="col">答复时间</th>' in follow_up and '<th scope="col">期限</th>' not in follow_up
    assert f"答复于 {t.replied_at.astimezone(clock.LOCAL):%Y-%m-%d %H:%M}" in follow_up
    assert f"{t.handle_due.astimezone(clock.LOCAL):%Y-%m-%d %H:%M}" not in follow_up


def test_a_return_without_a_reason_is_refused_at_the_reason(client, world):
    """退单 with no reason said so at the top of the page, far from the form on a phone; now at the field."""
    t = services.file_ticket(
        kind="complaint",
        channel="hotline",
        category=world.noise,
        content="工地噪音",
        caller_name="张伟",
        caller_phone="13979712345",
    )
    services.dispatch_ticket(ticket=t, lead=world.housing, by=world.operator)
    client.force_login(world.housing_clerk)
    r = client.post(f"/workbench/tickets/{t.number}/return/", {"reason": "  "})
    html = r.content.decode()
    assert r.status_code == 422
    assert '<div class="invalid-feedback d-block" id="return-reason-error">请填写退单理由</div>' in html
    assert 'aria-describedby="return-reason-error"' in html
    assert Ticket.objects.get(pk=t.pk).status == Status.DISPATCHED


def test_a_reply_without_text_is_refused_at_the_text_keeping_nothing_lost(client, world):
    t = services.file_ticket(
        kind="complaint",
        channel="hotline",
        category=world.noise,
        content="工地噪音",
        caller_name="张伟",
        caller_phone="13979712345",
    )
    services.dispatch_ticket(ticket=t, lead=world.housing, by=world.operator)
    services.acknowledge(ticket=t, organisation=world.housing, by=world.housing_clerk)
    client.force_login(world.housing_clerk)
    r = client.post(f"/workbench/tickets/{t.number}/reply/", {"text": ""})
    html = r.content.decode()
    assert r.status_code == 422
    assert '<div class="invalid-feedback" id="reply-text-error">请填写答复内容</div>' in html
    assert Ticket.objects.get(pk=t.pk).status == Status.ACKNOWLEDGED
    # what was typed stays when the refusal is another one at the text (too long)
    long = "已处理" * 1400
    r = client.post(f"/workbench/tickets/{t.number}/reply/", {"text": long})
    html = r.content.decode()
    assert r.status_code == 422 and 'id="reply-text-error"' in html and f">{long}</textarea>" in html


def test_the_dispatch_form_offers_only_organisations_that_handle_tickets(client, world):
    """The hotline's own centre and the 监察委员会 were offered as lead and co-handler; the service took them."""
    from tests.tickets.conftest import file, make_org
    from zhengwu.core.errors import ValidationFailed
    from zhengwu.core.models import Organisation

    commission = make_org("瑞金市监察委员会", world.county, "监察 公职人员 受理群众举报")
    Organisation.objects.filter(pk=commission.pk).update(kind=Organisation.Kind.OTHER)
    t = file(world)
    client.force_login(world.operator)
    page = client.get(f"/workbench/tickets/{t.number}/").content.decode()
    form = page[page.index("/dispatch/") :]
    assert f'<option value="{world.housing.pk}"' in form and "瑞金市住房和城乡建设局" in form
    assert "瑞金市监察委员会" not in form and "瑞金市政务服务中心" not in form
    for lead, co in [(commission, []), (world.centre, []), (world.housing, [world.centre])]:
        with pytest.raises(ValidationFailed, match="不是承办单位") as refused:
            services.dispatch_ticket(ticket=t, lead=lead, co_handlers=co, by=world.operator)
        assert refused.value.field == ("co_handlers" if co else "lead")
    assert Ticket.objects.get(pk=t.pk).status == Status.NEW
    r = client.post(f"/workbench/tickets/{t.number}/dispatch/", {"lead": world.centre.pk}, follow=True)
    assert Ticket.objects.get(pk=t.pk).status == Status.NEW and "主办单位" in r.content.decode()


def test_the_acknowledgement_limit_shows_only_while_signing_is_pending(client, world):
    """签收期限 stood on every ticket, a reopened one too (signed for long ago, its limit passed); and a ticket never
    dispatched showed the heading 派单记录 over nothing."""
    from tests.tickets.conftest import file

    t = file(world)
    client.force_login(world.operator)
    page = client.get(f"/workbench/tickets/{t.number}/").content.decode()
    assert "派单记录" not in page and "签收期限" not in page
    services.dispatch_ticket(ticket=t, lead=world.housing, by=world.operator)
    t.refresh_from_db()
    page = client.get(f"/workbench/tickets/{t.number}/").content.decode()
    due = f"{t.acknowledge_due.astimezone(clock.LOCAL):%Y-%m-%d %H:%M}"
    assert "派单记录" in page and f'签收期限</dt><dd class="col-sm-9" id="acknowledge-due">{due}</dd>' in page
    services.acknowledge(ticket=t, organisation=world.housing, by=world.housing_clerk)
    assert "签收期限" not in client.get(f"/workbench/tickets/{t.number}/").content.decode()
    services.reply_ticket(ticket=t, organisation=world.housing, text="已处理", by=world.housing_clerk)
    services.record_follow_up(ticket=t, solved=False, satisfied=False, note="还在施工", by=world.operator)
    page = client.get(f"/workbench/tickets/{t.number}/").content.decode()
    assert "重办中" in page and "签收期限" not in page and "派单记录" in page
