"""The disclosure workbench's forms (issue 15.2, every form a Django form): a mistake is named at its field in
Chinese, what was typed stays, nothing is saved; an action answered by a redirect names the field in its message."""

import pytest

from tests.cases.conftest import resident_id
from zhengwu.disclosure import services
from zhengwu.disclosure.models import DisclosureRequest, Publication

BASE = "/workbench/disclosure/"


def _request(org):
    """A request registered at the counter, waiting for the officer."""
    return services.file_request(
        organisation=org,
        channel="in_person",
        requester_kind="natural_person",
        requester_name="甲",
        description="a",
        phone="13800138000",
    )


def _error(page: str, field_id: str) -> str:
    """The text of the error shown under the input `field_id` ("" if none)."""
    marker = f'id="{field_id}-error" role="alert">'
    if marker not in page:
        return ""
    return page.split(marker, 1)[1].split("</div>", 1)[0]


def test_a_new_draft_with_a_bad_date_is_refused_at_the_field_keeping_what_was_typed(client, org, people):
    client.force_login(people["drafter"])
    response = client.post(
        f"{BASE}publications/new/",
        {
            "organisation": org.pk,
            "title": "关于城区道路改造的通告",
            "written_on": "2026-02-30",
            "body": "正文",
        },
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "成文日期" in _error(page, "f-written") and "不是有效日期" in _error(page, "f-written")
    assert 'value="关于城区道路改造的通告"' in page
    assert not Publication.objects.exists()


def test_an_unknown_interpreted_policy_is_named_at_its_field(client, org, people):
    client.force_login(people["drafter"])
    response = client.post(
        f"{BASE}publications/new/", {"organisation": org.pk, "title": "解读", "interprets": "000-NOPE"}
    )
    assert response.status_code == 422
    assert _error(response.content.decode(), "f-interprets") == "找不到所解读政策的索引号"
    assert not Publication.objects.exists()


def test_an_organisation_outside_the_users_scope_is_refused(client, org, other_org, people):
    client.force_login(people["drafter"])
    response = client.post(f"{BASE}publications/new/", {"organisation": other_org.pk, "title": "越权"})
    assert response.status_code == 422
    assert _error(response.content.decode(), "f-org") == "请选择您所在范围内的机构"
    assert not Publication.objects.exists()


def test_editing_a_draft_shows_the_services_refusal_at_the_field(client, org, people):
    pub = services.create_draft(organisation=org, by=people["drafter"], title="原标题")
    client.force_login(people["drafter"])
    response = client.post(
        f"{BASE}publications/{pub.pk}/", {"version": pub.version, "title": " ", "body": "新正文"}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert _error(page, "f-title")  # the service's message, in Chinese, at the title
    assert "新正文" in page  # what was typed stays
    pub.refresh_from_db()
    assert pub.title == "原标题"
    saved = client.post(f"{BASE}publications/{pub.pk}/", {"version": pub.version, "title": "新标题"})
    assert saved.status_code == 302
    pub.refresh_from_db()
    assert pub.title == "新标题"


def test_a_request_registered_without_a_description_is_refused_at_the_field(client, org, people):
    client.force_login(people["drafter"])
    response = client.post(
        f"{BASE}requests/new/",
        {
            "organisation": org.pk,
            "channel": "in_person",
            "requester_kind": "natural_person",
            "requester_name": "王五",
            "phone": "13800000000",
            "submitted_on": "2026-13-01",
        },
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "提交(寄出)日期" in _error(page, "r-submitted")
    assert 'value="王五"' in page
    assert not DisclosureRequest.objects.exists()


def test_a_step_with_a_bad_number_names_the_field_in_its_message(client, org, people):
    r = _request(org)
    client.force_login(people["drafter"])
    response = client.post(
        f"{BASE}requests/{r.pk}/notify_fee/", {"method": "pages", "pages": "十"}, follow=True
    )
    assert "页数:应填写整数" in response.content.decode()
    r.refresh_from_db()
    assert r.status == "processing" and not r.events.filter(action="notify_fee").exists()


@pytest.mark.parametrize("action", ["nonsense", "approve_all"])
def test_an_unknown_action_changes_nothing(client, org, people, action):
    pub = services.create_draft(organisation=org, by=people["drafter"], title="草稿")
    client.force_login(people["drafter"])
    response = client.post(f"{BASE}publications/{pub.pk}/{action}/", follow=True)
    assert "未知操作" in response.content.decode()
    pub.refresh_from_db()
    assert pub.status == "draft"


def test_the_fee_form_offers_by_item_only_from_the_eleventh_request_of_the_month(client, org, people):
    """国办函〔2020〕109号: by item, a requester's first 10 requests in a month are free, so 按件计收 could only be
    refused (无需收费) for them; the page says so and offers it, with its amount, from the 11th."""
    requests = [
        services.file_request(
            organisation=org,
            channel="in_person",
            requester_kind="natural_person",
            requester_name="甲",
            requester_id_number=resident_id(),
            description=f"第{n}件",
            phone="13800138000",
        )
        for n in range(1, 12)
    ]
    client.force_login(people["drafter"])
    tenth = client.get(f"{BASE}requests/{requests[9].pk}/").content.decode()
    assert "按件计收:该申请人本月第10件,不收费" in tenth and '<option value="items">' not in tenth
    eleventh = client.get(f"{BASE}requests/{requests[10].pk}/").content.decode()
    assert '<option value="items">按件计收(本月第11件,100元)</option>' in eleventh


def test_a_supplement_period_of_0_is_refused_not_made_15_working_days(client, org, people):
    """A stranger's pass: 补正期限 0 was taken as 'not given' and became the default 15 working days."""
    r = _request(org)
    client.force_login(people["drafter"])
    page = client.post(
        f"{BASE}requests/{r.pk}/request_supplement/",
        {"items": "请写明地块名称", "workdays": "0"},
        follow=True,
    ).content.decode()
    assert "补正期限应为1至60个工作日" in page
    assert not r.events.filter(action="request_supplement").exists()


def test_a_request_description_a_supplement_or_a_review_opinion_too_long_names_the_field_and_its_limit(
    client, org, people
):
    """A stranger's pass: none of these texts had a limit; each now says which field is too long and by how much."""
    client.force_login(people["drafter"])
    registered = client.post(
        f"{BASE}requests/new/",
        {
            "organisation": org.pk,
            "channel": "in_person",
            "requester_kind": "natural_person",
            "requester_name": "王五",
            "phone": "13800000000",
            "description": "低" * 2001,
        },
    ).content.decode()
    assert "「所需政府信息」最长 2000 个字,现有 2001 个字" in registered
    assert not DisclosureRequest.objects.exists()
    r = _request(org)
    page = client.post(
        f"{BASE}requests/{r.pk}/request_supplement/", {"items": "请" * 2001, "workdays": "15"}, follow=True
    ).content.decode()
    assert "「需补正的全部事项」最长 2000 个字,现有 2001 个字" in page
    assert not r.events.filter(action="request_supplement").exists()
    pub = services.create_draft(organisation=org, by=people["drafter"], title="关于调整办公时间的通知")
    services.submit(publication=pub, by=people["drafter"])
    signed = pub.ledger.count()
    client.force_login(people["reviewer"])
    page = client.post(
        f"{BASE}publications/{pub.pk}/approve/", {"opinion": "同" * 1001}, follow=True
    ).content.decode()
    assert "「审查意见」最长 1000 个字,现有 1001 个字" in page
    pub.refresh_from_db()
    assert pub.status == "first_review" and pub.ledger.count() == signed


def test_a_request_registered_with_several_mistakes_names_each_at_its_field_at_once(client, org, people):
    """As on the portal: a letter typed in with a blank name, a bad phone and a bad ID number shows all three."""
    client.force_login(people["drafter"])
    response = client.post(
        f"{BASE}requests/new/",
        {
            "organisation": org.pk,
            "channel": "in_person",
            "requester_kind": "natural_person",
            "requester_name": "",
            "phone": "12",
            "requester_id_number": "123",
            "description": "2025年本镇低保名单",
        },
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "申请人姓名" in _error(page, "r-name")
    assert "联系电话应为11位手机号码" in _error(page, "r-phone")
    assert "证件号码应为18位" in _error(page, "r-id")
    assert not DisclosureRequest.objects.exists()
