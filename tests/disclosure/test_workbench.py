"""Staff pages: drafting and review through the workbench, request queues with warning levels, replying."""

import re

import pytest

from tests.disclosure.test_workbench_forms import _request
from zhengwu.core import clock
from zhengwu.disclosure import services

BASE = "/workbench/disclosure/"


def test_draft_review_publish_through_the_pages(client, org, people):
    client.force_login(people["drafter"])
    client.post(
        BASE + "publications/new/",
        {
            "organisation": org.pk,
            "title": "关于公布2026年重点工作的通知",
            "genre": "notice",
            "body": "<p>重点工作如下</p>",
        },
    )
    pub = org.publications.get()
    client.post(f"{BASE}publications/{pub.pk}/submit/")
    for who in ("reviewer", "secrecy", "leader"):
        client.force_login(people[who])
        assert pub.title in client.get(BASE).content.decode()  # in their review queue
        client.post(f"{BASE}publications/{pub.pk}/approve/", {"opinion": "同意"})
    client.force_login(people["drafter"])
    client.post(f"{BASE}publications/{pub.pk}/publish/")
    pub.refresh_from_db()
    assert pub.status == "published"
    page = client.get(f"{BASE}publications/{pub.pk}/").content.decode()
    assert "保密员" in page and "局长" in page  # the ledger


def test_the_review_form_is_offered_only_to_who_may_sign_the_step(client, org, people):
    pub = services.create_draft(
        organisation=org, by=people["drafter"], title="关于调整办公时间的通知", important=True
    )
    services.submit(publication=pub, by=people["drafter"])
    page = f"{BASE}publications/{pub.pk}/"

    def shown(who):
        client.force_login(people[who])
        return client.get(page).content.decode()

    drafter = shown("drafter")
    assert 'id="review-form"' not in drafter and "待初审:由起草人以外的政务公开人员办理" in drafter
    assert 'id="review-form"' not in shown("leader")  # a leader does not do the first review
    assert 'id="review-form"' in shown("reviewer")
    pub = services.approve(publication=pub, by=people["reviewer"])
    pub = services.approve(publication=pub, by=people["secrecy"])
    pub = services.approve(publication=pub, by=people["leader"])
    first_leader = shown("leader")
    assert 'id="review-form"' not in first_leader and "须由另一位部门负责人审批" in first_leader
    assert 'id="review-form"' in shown("leader2")


def test_refused_shortcut_shows_the_reason(client, org, people):
    pub = services.create_draft(organisation=org, by=people["drafter"], title="草稿")
    client.force_login(people["drafter"])
    response = client.post(f"{BASE}publications/{pub.pk}/publish/", follow=True)
    assert "不能执行" in response.content.decode()
    pub.refresh_from_db()
    assert pub.status == "draft"


def test_queue_marks_warning_and_overdue(client, org, people):
    with clock.frozen("2026-02-06"):
        late = services.file_request(
            organisation=org,
            channel="in_person",
            requester_kind="natural_person",
            requester_name="甲",
            description="a",
            phone="13800138000",
        )
    with clock.frozen("2026-03-09"):
        soon = services.file_request(
            organisation=org,
            channel="in_person",
            requester_kind="natural_person",
            requester_name="乙",
            description="b",
            phone="13800138000",
        )
    client.force_login(people["drafter"])
    with clock.frozen("2026-04-03"):
        page = client.get(BASE + "requests/").content.decode()
    # late was due 2026-03-12 (overdue); soon is due 2026-04-07 with 2 working days left (warning).
    assert late.number in page and soon.number in page
    assert page.count("超期") == 1 and page.count("预警") == 1


@pytest.mark.parametrize("outcome", ["partial", "withhold.state_secret", "not_processed.publication"])
def test_reply_from_the_request_page_and_download_the_letter(client, org, people, outcome):
    r = _request(org)
    client.force_login(people["drafter"])
    client.post(f"{BASE}requests/{r.pk}/reply/", {"outcome": outcome, "text": "详见附件"})
    r.refresh_from_db()
    assert r.status == "replied" and r.outcome == outcome.split(".")[0]
    pdf = client.get(f"{BASE}requests/{r.pk}/letter.pdf")
    assert pdf.content.startswith(b"%PDF")


def _error_at(html: str, place: str) -> str:
    match = re.search(rf'id="{re.escape(place)}-error"[^>]*>(.*?)</div>', html, re.S)
    return match.group(1).strip() if match else ""


def test_a_refused_reply_or_supplement_notice_is_told_at_its_box_with_what_was_typed(client, org, people):
    """告知补正 with nothing to supplement, or 部分公开 without its reasons, were told in a message above the page —
    at 390 px three screens above the form they were typed in, the outcome chosen and the text lost."""
    r = _request(org)
    client.force_login(people["drafter"])
    with clock.frozen(r.received_on.isoformat()):
        supplement = client.post(
            f"{BASE}requests/{r.pk}/request_supplement/", {"items": " ", "workdays": "10"}
        )
        reply = client.post(f"{BASE}requests/{r.pk}/reply/", {"outcome": "partial", "text": ""})
    html = supplement.content.decode()
    assert supplement.status_code == 422 and _error_at(html, "s-items") == "请一次性写明需要补正的全部事项"
    assert re.search(r'id="s-days"[^>]*value="10"', html)
    html = reply.content.decode()
    assert reply.status_code == 422 and "不予公开的部分及其理由" in _error_at(html, "a-text")
    assert '<option value="partial" selected>' in html
    r.refresh_from_db()
    assert r.status == "processing" and not r.outcome


def test_the_reply_letter_with_the_requesters_name_is_only_for_who_may_see_it_unmasked(client, org, people):
    """The page masks the requester (赵**) for the department head, but the 答复书 PDF linked from it carried the
    full name and address: it is now offered and served only to who may reveal the requester."""
    r = services.file_request(
        organisation=org,
        channel="in_person",
        requester_kind="natural_person",
        requester_name="赵文博",
        description="a",
        phone="13800138000",
    )
    r = services.reply(request=r, by=people["drafter"], outcome="disclose")
    client.force_login(people["leader"])
    page = client.get(f"{BASE}requests/{r.pk}/").content.decode()
    assert "赵文博" not in page and "letter.pdf" not in page
    refused = client.get(f"{BASE}requests/{r.pk}/letter.pdf")
    assert refused.status_code == 403 and b"%PDF" not in refused.content
    client.force_login(people["drafter"])
    assert f"requests/{r.pk}/letter.pdf" in client.get(f"{BASE}requests/{r.pk}/").content.decode()
    assert client.get(f"{BASE}requests/{r.pk}/letter.pdf").content.startswith(b"%PDF")


def test_the_one_line_forms_of_the_request_page_wrap_on_a_phone(client, org, people):
    """At 390 px the 登记申请人撤回 row kept its date, its 说明 box and its button on one line: 说明 was a box a few
    pixels wide under a label broken after each character. The one-line forms wrap."""
    r = _request(org)
    client.force_login(people["drafter"])
    page = client.get(f"{BASE}requests/{r.pk}/").content.decode()
    row = re.search(r'<form [^>]*data-testid="request-withdraw"', page).group(0)
    assert "flex-wrap" in row


def test_staff_of_other_organisations_do_not_see_the_request(client, org, other_org, make_staff):
    from zhengwu.core.models import Role

    r = _request(org)
    client.force_login(make_staff(other_org, "outsider", Role.DISCLOSURE_OFFICER))
    assert r.number not in client.get(BASE + "requests/").content.decode()
    assert client.get(f"{BASE}requests/{r.pk}/").status_code == 404


def test_each_reviewer_s_home_lists_only_the_step_they_may_sign(client, org, people):
    """The workbench home's 待审查的公开信息 holds what the person can sign: the confidentiality reviewer is not shown
    a publication waiting for 初审, the first reviewer not one waiting for 保密审查."""
    first = services.submit(
        publication=services.create_draft(organisation=org, by=people["drafter"], title="待初审的通知"),
        by=people["drafter"],
    )
    second = services.approve(
        publication=services.submit(
            publication=services.create_draft(
                organisation=org, by=people["drafter"], title="待保密审查的通知"
            ),
            by=people["drafter"],
        ),
        by=people["reviewer"],
    )

    def listed(who):
        client.force_login(people[who])
        html = client.get("/workbench/").content.decode()
        start = html.index('data-worklist="publications_to_review"')
        end = html.find("data-worklist=", start + 20)
        section = html[start : end if end != -1 else len(html)]
        count = int(re.search(r'data-count="publications_to_review">(\d+)<', html).group(1))
        return count, [t for t in (first.title, second.title) if t in section]

    assert listed("secrecy") == (1, ["待保密审查的通知"])
    assert listed("reviewer") == (1, ["待初审的通知"])  # 保密审查 is not theirs
    assert listed("drafter") == (0, [])
    assert listed("leader") == (0, [])
    client.force_login(people["secrecy"])
    queue = client.get(BASE).content.decode()  # the disclosure page's review queue, by the same rule
    assert second.title in queue and first.title not in queue
    # the requests and the annual reports are the officers' work, not the confidentiality reviewer's
    assert "办理中的申请" not in queue and "年度报告期限" not in queue and "起草公开信息" not in queue
    client.force_login(people["reviewer"])
    officer = client.get(BASE).content.decode()
    assert "办理中的申请" in officer and "年度报告期限" in officer and first.title in officer
