"""The call screen's suspected duplicates: a caller ringing about a ticket still being handled is recorded on it as a
催办 (来电催办) from there, instead of filing the matter again."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.tickets.conftest import file
from zhengwu.core import clock
from zhengwu.tickets import services
from zhengwu.tickets.models import Status, Ticket

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.tickets.urls")]

SEARCH = "/workbench/tickets/knowledge/search/"
HTMX = {"HTTP_HX_REQUEST": "true"}


def typing(world, **kw):
    """What the call screen sends while the operator types: another caller about the same site's noise."""
    return {
        "content": "红都大道工地夜间施工噪音扰民,上周反映过还没人管",
        "caller_name": "李娜",
        "caller_phone": "13800000000",
        "region": world.town.pk,
        **kw,
    }


def dispatched(world):
    return services.dispatch_ticket(ticket=file(world), lead=world.housing, by=world.operator)


def test_the_operator_records_the_call_as_an_urge_on_a_dispatched_duplicate(client, world):
    t = dispatched(world)
    client.force_login(world.operator)
    assist = client.get(SEARCH, typing(world)).content.decode()
    card = assist[assist.index(f'id="dup-{t.number}"') :]
    assert "已派单" in card and "瑞金市住房和城乡建设局" in card and "催办 0 次" in card
    assert timezone.localtime(t.handle_due).strftime("%Y-%m-%d %H:%M") in card
    assert "记为催办</button>" in card
    # prefilled with who is calling and what they say, both editable
    assert 'name="caller" maxlength="40" value="李娜"' in card
    assert "上周反映过还没人管</textarea>" in card
    # no more of the earlier caller than before: neither their name nor their number
    assert "张伟" not in assist and "13979712345" not in assist
    # the card is a form of its own, beside the filing form, not inside it
    page = client.get("/workbench/tickets/call/").content.decode()
    filing = page[page.index('id="call-form"') :]
    assert filing.index("</form>") < filing.index('id="assist-auto"')

    url = f"/workbench/tickets/call/urge/{t.number}/"
    r = client.post(url, {"caller": "李娜", "note": ""}, **HTMX)
    assert r.status_code == 422 and "请填写催办内容" in r.content.decode()
    assert Ticket.objects.get(pk=t.pk).urge_count == 0

    r = client.post(url, {"caller": "李娜", "note": "工地昨晚又施工到两点,问何时处理"}, **HTMX)
    answer = r.content.decode()
    assert r.status_code == 200
    assert f"已记为催办:工单 {t.number} 共催办 1 次" in answer and "催办 1 次" in answer
    assert f'href="/workbench/tickets/{t.number}/"' in answer and "查看工单" in answer
    assert 'id="call-form"' not in answer  # only the card is swapped: the filing form keeps what was typed
    t = Ticket.objects.get(pk=t.pk)
    assert t.urge_count == 1 and t.status == Status.DISPATCHED
    history = client.get(f"/workbench/tickets/{t.number}/").content.decode()
    history = history[history.index('id="ticket-history"') :]
    assert "来电催办" in history and "来电人:李娜" in history and "工地昨晚又施工到两点,问何时处理" in history


def test_a_replied_duplicate_says_why_it_is_not_urged_and_leads_to_its_follow_up(client, world):
    t = dispatched(world)
    services.acknowledge(ticket=t, organisation=world.housing, by=world.housing_clerk)
    services.reply_ticket(
        ticket=t, organisation=world.housing, text="已责令停止夜间施工", by=world.housing_clerk
    )
    client.force_login(world.operator)
    assist = client.get(SEARCH, typing(world)).content.decode()
    card = assist[assist.index(f'id="dup-{t.number}"') :]
    assert "已答复" in card and "工单已答复,不能催办;请进行回访" in card
    assert f'href="/workbench/tickets/{t.number}/#follow-up"' in card
    assert "记为催办</button>" not in assist
    # a page left open while the organisation replied: the card says why, nothing is recorded
    r = client.post(f"/workbench/tickets/call/urge/{t.number}/", {"caller": "李娜", "note": "催一下"}, **HTMX)
    assert r.status_code == 409 and "工单已答复,不能催办" in r.content.decode()
    assert "记为催办</button>" not in r.content.decode()
    assert Ticket.objects.get(pk=t.pk).urge_count == 0


def test_a_supervisor_on_the_call_screen_does_not_urge(client, world):
    t = dispatched(world)
    client.force_login(world.supervisor)
    assist = client.get(SEARCH, typing(world)).content.decode()
    assert f'id="dup-{t.number}"' in assist and "您不能对该工单执行此操作" in assist
    assert "记为催办</button>" not in assist
    r = client.post(f"/workbench/tickets/call/urge/{t.number}/", {"caller": "李娜", "note": "催一下"}, **HTMX)
    assert r.status_code == 403
    assert Ticket.objects.get(pk=t.pk).urge_count == 0


def test_a_caller_chasing_a_ticket_filed_weeks_ago_finds_it_on_the_call_screen(client, world):
    """The organisation has had it three weeks: the same number finds it; another caller at the same place does
    not (the place's neighbours are those of the last days only)."""
    with clock.frozen(clock.now() - dt.timedelta(days=21)):
        t = dispatched(world)
    client.force_login(world.operator)
    same_caller = client.get(SEARCH, typing(world, caller_phone="13979712345")).content.decode()
    assert f'id="dup-{t.number}"' in same_caller and "记为催办</button>" in same_caller
    assert "13979712345" not in same_caller  # what was typed is not echoed, nor the ticket's number shown
    neighbour = client.get(SEARCH, typing(world)).content.decode()
    assert f'id="dup-{t.number}"' not in neighbour
