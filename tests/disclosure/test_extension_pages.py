"""延长答复期限 on the pages (条例 第三十三条第一款): the officer asks from the request's page, the head finds the ask on
their workbench and agrees or refuses on the same page, the requester reads the new date and the reason on the
portal's tracking page."""

from zhengwu.cases.models import OutboxMessage
from zhengwu.core import clock
from zhengwu.disclosure import services
from zhengwu.disclosure.models import DisclosureRequest

BASE = "/workbench/disclosure/"


def _request(org):
    return services.file_request(
        organisation=org,
        channel="in_person",
        requester_kind="natural_person",
        requester_name="张三",
        description="2025年城区土地征收补偿标准",
        phone="13800138000",
    )


def _error(page: str, field_id: str) -> str:
    marker = f'id="{field_id}-error" role="alert">'
    return page.split(marker, 1)[1].split("</div>", 1)[0] if marker in page else ""


def test_officer_asks_head_agrees_and_the_requester_reads_the_new_date(client, org, people):
    with clock.frozen("2026-04-28T09:00"):
        r = _request(org)  # due 2026-05-28
        url = f"{BASE}requests/{r.pk}/"
        client.force_login(people["drafter"])
        page = client.get(url).content.decode()
        assert 'data-testid="ask-extension"' in page and f"{url}extend/" not in page
        # both inputs wrong: both said at their field, what was typed kept, nothing asked
        refused = client.post(f"{url}ask_extension/", {"days": "25", "note": ""})
        assert refused.status_code == 422
        html = refused.content.decode()
        assert "1至20个工作日" in _error(html, "e-days") and "延长理由" in _error(html, "e-note")
        assert 'value="25"' in html
        assert DisclosureRequest.objects.get(pk=r.pk).extension_asked_days == 0
        client.post(f"{url}ask_extension/", {"days": "15", "note": "需向多个部门调取档案"})
        asked = client.get(url).content.decode()
        assert 'id="extension-asked"' in asked and "需向多个部门调取档案" in asked
        assert 'data-testid="ask-extension"' not in asked  # once
        assert f"{url}extend/" not in asked  # the officer does not decide
        assert DisclosureRequest.objects.get(pk=r.pk).due_on.isoformat() == "2026-05-28"  # not moved yet

    with clock.frozen("2026-05-06T09:00"):
        client.force_login(people["leader"])
        home = client.get("/workbench/").content.decode()
        assert "待审批的延长答复期限" in home and r.number in home
        page = client.get(url).content.decode()
        assert "2026-05-28" in page and 'id="asked-due-after">2026-06-18' in page  # +15 working days
        client.post(f"{url}extend/", {"opinion": "同意"})

    r = DisclosureRequest.objects.get(pk=r.pk)
    assert (r.due_on.isoformat(), r.extension_days, r.extension_asked_days) == ("2026-06-18", 15, 0)
    sms = OutboxMessage.objects.get(channel="sms")
    assert (
        sms.recipient == "13800138000" and "2026年6月18日" in sms.body and "需向多个部门调取档案" in sms.body
    )
    with clock.frozen("2026-05-06T10:00"):
        tracked = client.get(
            "/disclosure/track/", {"number": r.number, "code": r.access_code}
        ).content.decode()
    assert "延长答复期限:延长15个工作日,理由:需向多个部门调取档案" in tracked
    assert "2026年6月18日" in tracked and "申请延长答复期限" not in tracked  # the office's ask is its own


def test_the_head_refuses_with_a_reason_said_at_the_field(client, org, people):
    with clock.frozen("2026-04-28T09:00"):
        r = services.ask_extension(request=_request(org), by=people["drafter"], days=10, reason="需调取档案")
        url = f"{BASE}requests/{r.pk}/"
        client.force_login(people["leader"])
        refused = client.post(f"{url}refuse_extension/", {"opinion": ""})
        assert refused.status_code == 422
        assert "不同意延长的理由" in _error(refused.content.decode(), "x-opinion")
        client.post(f"{url}refuse_extension/", {"opinion": "档案已齐备,请按期答复"})
        r = DisclosureRequest.objects.get(pk=r.pk)
        assert (r.extension_asked_days, r.extension_days, r.due_on.isoformat()) == (0, 0, "2026-05-28")
        assert r.events.filter(action="refuse_extension", note="档案已齐备,请按期答复").exists()
        client.force_login(people["drafter"])
        page = client.get(url).content.decode()
        assert (
            "不同意延长答复期限" in page and 'data-testid="ask-extension"' in page
        )  # a refusal is no extension
    assert not OutboxMessage.objects.exists()


def test_after_a_refusal_the_officer_asks_again_and_the_page_keeps_the_history_of_asks(client, org, people):
    """第三十三条第一款: one extension agreed; a refused ask may be followed by one with a new reason."""
    with clock.frozen("2026-04-28T09:00"):
        r = services.ask_extension(request=_request(org), by=people["drafter"], days=10, reason="需调取档案")
        r = services.refuse_extension(request=r, by=people["leader"], opinion="档案已齐备,请按期答复")
        url = f"{BASE}requests/{r.pk}/"
        client.force_login(people["drafter"])
        same = client.post(f"{url}ask_extension/", {"days": "10", "note": "需调取档案"})
        assert same.status_code == 422 and "新的理由" in _error(same.content.decode(), "e-note")
        client.post(f"{url}ask_extension/", {"days": "15", "note": "第三方档案须从市档案馆调取"})
        page = client.get(url).content.decode()
        assert 'id="extension-asked"' in page and 'data-testid="ask-extension"' not in page  # one ask waiting
    with clock.frozen("2026-05-06T09:00"):
        client.force_login(people["leader"])
        client.post(f"{url}extend/", {"opinion": "同意"})
        client.force_login(people["drafter"])
        page = client.get(url).content.decode()
    assert DisclosureRequest.objects.get(pk=r.pk).due_on.isoformat() == "2026-06-18"
    assert 'data-testid="ask-extension"' not in page  # extended once
    history = page.split('id="extension-asks"', 1)[1].split("</section>", 1)[0]
    rows = [row.split("</tr>")[0] for row in history.split("<tr data-state=")[1:]]
    assert len(rows) == 2
    assert all(w in rows[0] for w in ('"refused"', "2026-04-28", "10个工作日", "需调取档案", "负责人不同意"))
    assert "档案已齐备,请按期答复" in rows[0]
    assert all(w in rows[1] for w in ('"agreed"', "15个工作日", "市档案馆", "负责人同意(2026-05-06)"))


def test_after_the_reply_date_the_head_may_only_refuse_and_is_told_why(client, org, people):
    with clock.frozen("2026-04-28T09:00"):
        r = _request(org)
    with clock.frozen("2026-05-27T09:00"):
        r = services.ask_extension(request=r, by=people["drafter"], days=10, reason="需调取档案")
    with clock.frozen("2026-06-01T09:00"):
        url = f"{BASE}requests/{r.pk}/"
        client.force_login(people["leader"])
        page = client.get(url).content.decode()
        assert f"{url}extend/" not in page and f"{url}refuse_extension/" in page
        assert "不能再同意延长" in page
        response = client.post(f"{url}extend/", {"opinion": "同意"}, follow=True)
        assert "不能再同意延长" in response.content.decode()
    assert DisclosureRequest.objects.get(pk=r.pk).extension_days == 0


def test_an_ask_left_when_the_request_is_answered_is_no_longer_shown_or_listed(client, org, people):
    from zhengwu.disclosure import selectors

    with clock.frozen("2026-04-28T09:00"):
        r = services.ask_extension(request=_request(org), by=people["drafter"], days=10, reason="需调取档案")
        r = services.reply(request=r, by=people["drafter"], outcome="partial", text_="见附件")
        client.force_login(people["leader"])
        page = client.get(f"{BASE}requests/{r.pk}/").content.decode()
        assert 'id="extension-asked"' not in page and f"{BASE}requests/{r.pk}/extend/" not in page
        assert selectors.extensions_to_decide(people["leader"]) == []
