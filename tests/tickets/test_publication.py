"""What the public may read of a ticket: one rule for the portal's public replies, its API and Open311.

Only a ticket whose filer agreed to publication, whose kind may be public (never a 举报) and whose reply was reviewed
and published is shown; the public reads the reviewed text, never the description as filed. A ticket not published
answers exactly as a missing one does.
"""

import xml.etree.ElementTree as ET

import pytest

from zhengwu.core.errors import Conflict
from zhengwu.tickets import selectors, services
from zhengwu.tickets.models import Channel, Kind, Ticket

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.tickets.urls")]

# The example: a 举报 phoned in to the hotline, with everything that must never be read by the public.
REPORT = (
    "举报城管局王科长收受沿街商户好处费,他开赣B12345的车。本人邮箱jubao2026@163.com,"
    "身份证360781199003154517,电话13979712345。"
)


def closed(world, *, kind=Kind.COMPLAINT, public=True, content="工地夜间施工噪音扰民", reply="已责令停工"):
    """A ticket taken through dispatch, reply and a solved follow-up to closed."""
    t = services.file_ticket(
        kind=kind,
        channel=Channel.HOTLINE,
        category=world.noise,
        content=content,
        caller_name="张伟",
        caller_phone="13979712345",
        public_allowed=public,
        by=world.operator,
    )
    services.dispatch_ticket(ticket=t, lead=world.housing, by=world.operator)
    services.acknowledge(ticket=t, organisation=world.housing, by=world.housing_clerk)
    services.reply_ticket(ticket=t, organisation=world.housing, text=reply, by=world.housing_clerk)
    return services.record_follow_up(ticket=t, solved=True, satisfied=True, by=world.operator)


def published(world, **kwargs):
    t = closed(world, **kwargs)
    return services.publish_reply(ticket=t, by=world.housing_clerk)


@pytest.fixture
def tickets(world):
    """One ticket of each case: published, consented but not reviewed, private, a 举报 in the hotline's words, and a
    举报 that carries consent and a publication date (as an import or an old database could)."""
    report = services.file_ticket(
        kind=Kind.REPORT,
        channel=Channel.HOTLINE,
        category=world.noise,
        content=REPORT,
        anonymous=True,
        by=world.operator,
    )
    legacy_report = closed(world, kind=Kind.REPORT, content="举报某局长收受礼金", reply="已转纪委")
    Ticket.objects.filter(pk=legacy_report.pk).update(
        published_at=legacy_report.closed_at,
        published_content="举报某局长收受礼金",
        published_reply="已转纪委",
    )
    return {
        "published": published(world, content="工地夜间施工,联系我13907011021", reply="已责令停工"),
        "also_published": published(world, content="公交车不按站停靠", reply="已约谈公交公司"),
        "unreviewed": closed(world, content="小区电梯故障"),
        "private": closed(world, public=False, content="楼上漏水"),
        "report": report,
        "legacy_report": legacy_report,
    }


def open311_numbers(client, fmt="json", **params) -> set[str]:
    r = client.get(f"/open311/v2/requests.{fmt}", params)
    assert r.status_code == 200, r.content
    if fmt == "xml":
        return {e.text for e in ET.fromstring(r.content).iter("service_request_id")}
    return {row["service_request_id"] for row in r.json()}


def test_the_anonymous_list_holds_only_published_tickets(client, tickets):
    expected = {tickets["published"].number, tickets["also_published"].number}
    assert open311_numbers(client) == expected
    assert open311_numbers(client, "xml") == expected
    assert open311_numbers(client, status="closed") == expected
    assert open311_numbers(client, status="open") == set()
    assert open311_numbers(client, service_code="city.noise") == expected
    everything = ",".join(t.number for t in tickets.values())
    assert open311_numbers(client, service_request_id=everything) == expected


def test_a_report_answers_404_exactly_like_a_missing_request(client, tickets):
    for t in (tickets["report"], tickets["legacy_report"], tickets["unreviewed"], tickets["private"]):
        for fmt in ("json", "xml"):
            r = client.get(f"/open311/v2/requests/{t.number}.{fmt}")
            missing = client.get(f"/open311/v2/requests/NOPE0000000.{fmt}")
            assert r.status_code == missing.status_code == 404, (t.kind, r.content)
            assert r.content.decode().replace(t.number, "N") == missing.content.decode().replace(
                "NOPE0000000", "N"
            )
    body = client.get(f"/open311/v2/requests/{tickets['report'].number}.json").content.decode()
    assert "王科长" not in body and "jubao2026" not in body
    # a wrong token tells no more: the same words for a report as for a number that does not exist
    report = client.get(f"/open311/v2/requests/{tickets['report'].number}.json", {"token": "WRONG1"})
    missing = client.get("/open311/v2/requests/NOPE0000000.json", {"token": "WRONG1"})
    assert report.status_code == missing.status_code == 404
    assert report.content.decode().replace(tickets["report"].number, "N") == missing.content.decode().replace(
        "NOPE0000000", "N"
    )


def test_the_public_reads_the_reviewed_text_never_the_description(client, world):
    t = closed(world, content="我叫张伟,家住红都大道18号3栋501室,工地夜间施工", reply="张伟您好,已责令停工")
    t = services.publish_reply(ticket=t, text="经核实,已责令施工单位停止夜间作业。", by=world.housing_clerk)
    row = client.get(f"/open311/v2/requests/{t.number}.json").json()[0]
    assert row["status_notes"] == t.published_reply == "经核实,已责令施工单位停止夜间作业。"
    assert row["description"] == t.published_content
    assert "张伟" not in str(row) and "501" not in str(row)


def test_the_portal_its_api_and_open311_publish_the_same_tickets(client, tickets):
    expected = {tickets["published"].number, tickets["also_published"].number}
    assert {t.number for t in selectors.published_tickets()} == expected
    assert {row["number"] for row in client.get("/api/tickets/public/mailbox").json()} == expected
    assert open311_numbers(client) == expected
    page = client.get("/interaction/mailbox/").content.decode()
    assert page.count('class="card mb-3 published-ticket"') == len(expected)
    assert tickets["published"].published_content in page and "已约谈公交公司" in page
    assert "举报某局长收受礼金" not in page and "小区电梯故障" not in page


def test_the_rule_and_the_query_agree(tickets):
    from zhengwu.tickets import publication

    everything = Ticket.objects.all()
    assert {t.number for t in everything if publication.is_published(t)} == {
        t.number for t in selectors.published_tickets()
    }


def test_a_report_is_never_published_even_with_consent(world):
    from zhengwu.tickets import publication

    t = closed(world, kind=Kind.REPORT, content="举报某科长收受礼金", reply="已转纪委")
    assert t.public_allowed
    with pytest.raises(Conflict) as err:
        services.publish_reply(ticket=t, by=world.housing_clerk)
    assert err.value.code == "publication_not_allowed"
    assert publication.refusal(t) is not None


def test_the_workbench_offers_publication_only_where_the_rule_allows(client, world):
    report = closed(world, kind=Kind.REPORT, content="举报某科长收受礼金", reply="已转纪委")
    complaint = closed(world)
    client.force_login(world.housing_clerk)
    assert 'id="publish-text"' in client.get(f"/workbench/tickets/{complaint.number}/").content.decode()
    assert 'id="publish-text"' not in client.get(f"/workbench/tickets/{report.number}/").content.decode()


def test_the_filer_follows_an_unpublished_request_with_its_token(client, world):
    key = services.create_api_key(name="测试客户端")[1]
    r = client.post(
        "/open311/v2/requests.json",
        {
            "api_key": key,
            "service_code": "city.noise",
            "address_string": "瑞金市象湖镇红都大道18号",
            "description": "工地夜间施工噪音,联系我13979712345",
            "first_name": "伟",
            "last_name": "张",
            "phone": "13979712345",
        },
    )
    number, token = r.json()[0]["service_request_id"], r.json()[0]["token"]
    assert "token" in r.json()[0]["service_notice"]  # the POST tells the client to keep it
    # without the token the filer is told why nothing is served and how to read their own — not that it is lost
    bare = client.get(f"/open311/v2/requests/{number}.json")
    assert bare.status_code == 404
    [error] = bare.json()
    assert error["code"] == 404 and "不存在" not in error["description"]
    assert "只答复已公开的请求" in error["description"]
    assert f"requests/{number}.json?token=" in error["description"]
    xml = ET.fromstring(client.get(f"/open311/v2/requests/{number}.xml").content)
    assert f"requests/{number}.xml?token=" in xml.findtext("error/description")
    wrong = client.get(f"/open311/v2/requests/{number}.json", {"token": "WRONG1"})
    assert wrong.status_code == 404 and "token 与该请求不符" in wrong.json()[0]["description"]
    mine = client.get(f"/open311/v2/requests/{number}.json", {"token": token})
    assert mine.status_code == 200
    row = mine.json()[0]
    assert row["service_request_id"] == number and row["status"] == "open"
    assert "13979712345" not in row["description"]


def test_texts_published_before_the_masking_library_are_masked_again(world):
    from django.core.management import call_command

    from zhengwu.core.models import AuditRecord

    t = published(world)
    # as the masking before issue 14 stored it: the e-mail, the plate and six plus four digits of the ID left in
    Ticket.objects.filter(pk=t.pk).update(
        published_content="张*反映:邮箱zw@163.com,车牌赣B12345,身份证360781********4517",
        published_reply="已约谈王科长",
    )
    call_command("tickets", "remask-published")
    t.refresh_from_db()
    for secret in ("zw@163.com", "B12345", "360781", "4517", "王科长"):
        assert secret not in t.published_content + t.published_reply, secret
    assert t.published_reply == "已约谈*科长"
    assert AuditRecord.objects.filter(action="tickets.published_remasked").count() == 1
    assert services.remask_published() == 0  # masking twice changes nothing
