"""What people see: the signed rating link, the portal's rating, figures and commitment pages, the counter tablet,
the workbench queues and forms, the REST API's answers and errors, and the monthly Excel workbook."""

import io
import re

import pytest
from openpyxl import load_workbook

from tests.evaluation.conftest import at, complete
from zhengwu.core import clock
from zhengwu.core.errors import NotFound, ValidationFailed
from zhengwu.evaluation import links, services
from zhengwu.evaluation.models import LedgerEntry, OneTimeNotice, Rating, RatingChannel, Rectification


def test_a_rating_link_names_its_case_and_refuses_any_change(ev):
    token = links.make_token("case", ev.case.pk)
    assert links.read_token(token) == ("case", ev.case.pk, "link")
    assert links.rating_url("ticket", 7, base_url="https://zw.example.cn/").startswith(
        "https://zw.example.cn/rate/"
    )
    with pytest.raises(NotFound, match="评价链接无效"):
        links.read_token(token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    with pytest.raises(NotFound):
        links.read_token(links.make_token("case", 1).replace("case", "x") + "x")


def test_the_citizen_rates_from_the_link_and_cannot_rate_twice(ev, client):
    path = links.rating_path("case", ev.case.pk)
    page = client.get(path)
    assert page.status_code == 200 and ev.case.number in page.text and "张*" in page.text
    assert "提交评价" in page.text and "态度冷淡" in page.text
    answer = client.post(path, {"action": "rate", "level": "2", "tags": ["办事拖延"], "comment": "跑了三趟"})
    assert answer.status_code == 302
    shown = client.get(path).text
    assert "不满意" in shown and "差评整改情况" in shown and "待核实" in shown and "提交评价" not in shown
    rating = Rating.objects.get()
    assert (rating.channel, rating.tags, rating.comment) == ("link", ["办事拖延"], "跑了三趟")
    again = client.post(path, {"action": "rate", "level": "5"})
    assert Rating.objects.count() == 1 and "已评价过" in again.text


def test_a_tampered_link_is_not_found(ev, client):
    assert client.get("/rate/not-a-token/").status_code == 404


def test_the_citizen_finds_the_case_by_number_and_query_code(ev, client):
    wrong = client.post("/rate/find/", {"kind": "case", "number": ev.case.number, "query_code": "XXXXXX"})
    assert "办件编号或查询码不正确" in wrong.text
    found = client.post(
        "/rate/find/", {"kind": "case", "number": ev.case.number, "query_code": ev.case.query_code}
    )
    assert found.status_code == 302
    client.post(found.url, {"action": "rate", "level": "5", "tags": ["服务热情"]})
    assert Rating.objects.get().channel == "portal"


def test_the_follow_up_on_the_link_turns_the_rectification_satisfied(ev, client):
    rating = services.rate(kind="case", pk=ev.case.pk, level=1, tags=["超时未办"], channel=RatingChannel.LINK)
    rect = services.verify(rectification=rating.rectification, by=ev.head, founded=True, finding="属实")
    rect = services.rectify(rectification=rect, by=ev.head, measures="约谈窗口人员")
    services.reply(rectification=rect, by=ev.head, text="已约谈并致歉")
    path = links.rating_path("case", ev.case.pk)
    page = client.get(path).text
    assert "已约谈并致歉" in page and "经整改,您现在对本次服务满意吗" in page
    client.post(path, {"action": "follow_up", "satisfied": "yes"})
    assert "您已确认对整改结果满意" in client.get(path).text
    rect.refresh_from_db()
    assert rect.state == "closed" and rect.satisfied


def test_the_feedback_sent_to_a_named_rater_reaches_their_phone_with_the_link_back(ev, client):
    from zhengwu.cases.models import OutboxMessage

    rating = services.rate(kind="case", pk=ev.case.pk, level=1, tags=["超时未办"], channel=RatingChannel.LINK)
    assert rating.named and rating.rater_phone
    rect = services.verify(rectification=rating.rectification, by=ev.head, founded=True, finding="属实")
    rect = services.rectify(rectification=rect, by=ev.head, measures="约谈窗口人员")
    before = set(OutboxMessage.objects.values_list("pk", flat=True))
    services.reply(rectification=rect, by=ev.head, text="已约谈并致歉")
    [sms] = OutboxMessage.objects.filter(recipient=rating.rater_phone).exclude(pk__in=before)
    assert sms.channel == "sms" and rating.subject_number in sms.body and "是否满意" in sms.body
    link = "/r/" + sms.body.rsplit("/r/", 1)[1]
    page = client.get(link, follow=True).text
    assert "已约谈并致歉" in page and "经整改,您现在对本次服务满意吗" in page


def test_the_portal_publishes_monthly_figures_per_organisation_and_item(ev, client):
    services.rate(kind="case", pk=ev.case.pk, level=5, channel=RatingChannel.LINK)
    services.rate(kind="case", pk=complete(ev).pk, level=2, tags=["办事拖延"], channel=RatingChannel.LINK)
    page = client.get("/rate/?month=2026-09").text
    assert "2026-09 共收到评价 2 件" in page and "好评率 50.0%" in page
    assert "贵溪市市场监督管理局" in page and "个体工商户名称变更登记" in page
    assert "本月暂无评价" in client.get("/rate/?month=2026-08").text


def test_the_tablet_shows_the_clerks_last_completed_case_for_rating(ev, client):
    client.force_login(ev.clerk)
    page = client.get("/workbench/evaluation/tablet/")
    assert ev.case.number in page.text and "张*" in page.text
    client.post("/workbench/evaluation/tablet/", {"case": ev.case.pk, "level": "4", "tags": ["解答清楚"]})
    assert Rating.objects.get().channel == "tablet"
    assert "本件已评价" in client.get("/workbench/evaluation/tablet/").text
    client.force_login(ev.head)
    assert client.get("/workbench/evaluation/tablet/").status_code == 403  # not a window clerk


def test_the_department_works_the_rectification_from_the_workbench(ev, client):
    rating = services.rate(kind="case", pk=ev.case.pk, level=2, channel=RatingChannel.LINK, comment="太慢")
    client.force_login(ev.head)
    home = client.get("/workbench/evaluation/").text
    assert rating.subject_number in home and "2026-10-23" in home
    base = f"/workbench/evaluation/rectifications/{rating.rectification.pk}/"
    refused = client.post(base + "reply/", {"reply": "好了"}, follow=True)
    assert "不能反馈评价人" in refused.text
    client.post(base + "verify/", {"founded": "yes", "finding": "等候超时"})
    client.post(base + "rectify/", {"measures": "增开窗口"})
    done = client.post(base + "reply/", {"reply": "已增开窗口"}, follow=True)
    assert "已反馈评价人" in done.text and "待回访" in done.text
    client.force_login(ev.outsider)
    assert client.get(base).status_code == 404


def test_a_rectification_answered_after_its_due_day_is_not_shown_as_on_time(ev, client):
    rating = services.rate(kind="case", pk=ev.case.pk, level=2, channel=RatingChannel.LINK, comment="太慢")
    client.force_login(ev.head)
    base = f"/workbench/evaluation/rectifications/{rating.rectification.pk}/"
    client.post(base + "verify/", {"founded": "yes", "finding": "等候超时"})
    client.post(base + "rectify/", {"measures": "增开窗口"})
    clock.set_now(at("2026-10-27"))  # due 2026-10-23
    assert 'data-light="red"' in client.get(base).text
    late = client.post(base + "reply/", {"reply": "已增开窗口"}, follow=True).text
    assert "已反馈评价人" in late
    assert 'data-light="late"' in late and "逾期反馈" in late and 'data-light="green"' not in late


def test_appeals_are_filed_on_the_ratings_page_and_decided_by_the_centre(ev, client):
    rating = services.rate(
        kind="case", pk=ev.case.pk, level=1, comment="申请人误点", channel=RatingChannel.LINK
    )
    client.force_login(ev.clerk)
    client.post(f"/workbench/evaluation/ratings/{rating.pk}/appeal/", {"reason": "申请人误点"})
    client.force_login(ev.manager)
    queue = client.get("/workbench/evaluation/appeals/").text
    assert "申请人误点" in queue
    client.post(
        f"/workbench/evaluation/appeals/{rating.appeal.pk}/decide/", {"upheld": "yes", "note": "误评"}
    )
    rating.refresh_from_db()
    assert rating.excluded
    assert "本月暂无评价" in client.get("/rate/?month=2026-09").text


def test_the_appeals_waiting_count_leaves_out_a_managers_own_appeal(ev, client):
    """ "N 件申诉待审核" on the evaluation page counts what the person may decide: not an appeal they filed (the
    service refuses 不能审核自己提出的申诉), as a helper's pass of the homes found."""
    rating = services.rate(
        kind="case", pk=ev.case.pk, level=1, comment="申请人误点", channel=RatingChannel.LINK
    )
    client.force_login(ev.clerk)
    client.post(f"/workbench/evaluation/ratings/{rating.pk}/appeal/", {"reason": "申请人误点"})
    client.force_login(ev.manager)
    assert "1 件申诉待审核" in client.get("/workbench/evaluation/").text
    type(rating.appeal).objects.filter(pk=rating.appeal.pk).update(
        filed_by=ev.manager
    )  # as if the manager filed it
    assert "0 件申诉待审核" in client.get("/workbench/evaluation/").text


def test_an_appeal_returns_to_a_page_of_this_site_and_never_to_another_site(ev, client):
    rating = services.rate(kind="case", pk=ev.case.pk, level=1, tags=["态度恶劣"], channel=RatingChannel.LINK)
    client.force_login(ev.clerk)
    url = f"/workbench/evaluation/ratings/{rating.pk}/appeal/"
    away = client.post(url, {"reason": "申请人误点", "next": "https://evil.example/login"})
    assert away.status_code == 302 and away.url == "/workbench/evaluation/ratings/"
    rating.appeal.delete()
    back = client.post(url, {"reason": "申请人误点", "next": "/workbench/evaluation/ratings/?month=2026-09"})
    assert back.url == "/workbench/evaluation/ratings/?month=2026-09"


def test_an_appeal_filed_on_an_earlier_month_comes_back_to_that_month(ev, client):
    rating = services.rate(kind="case", pk=ev.case.pk, level=1, tags=["态度恶劣"], channel=RatingChannel.LINK)
    client.force_login(ev.clerk)
    clock.set_now(at("2026-11-20"))  # the rating is September's: the page of this month would not show it
    page = client.get("/workbench/evaluation/ratings/?month=2026-09")
    [next_url] = re.findall(r'name="next" value="([^"]*)"', page.text)
    assert next_url == "/workbench/evaluation/ratings/?month=2026-09"
    back = client.post(
        f"/workbench/evaluation/ratings/{rating.pk}/appeal/", {"reason": "误点", "next": next_url}
    )
    assert back.url == "/workbench/evaluation/ratings/?month=2026-09"


def test_a_clerk_records_an_inquiry_and_issues_a_printable_notice(ev, client):
    client.force_login(ev.clerk)
    bad = client.post(
        "/workbench/evaluation/ledger/", {"topic": "", "result": "answered", "channel": "visit"}
    )
    assert "请填写「咨询事由」" in bad.text
    done = client.post(
        "/workbench/evaluation/ledger/",
        {
            "topic": "食品经营许可要什么材料",
            "item": ev.item.pk,
            "result": "answered",
            "answer": "见告知书",
            "channel": "visit",
        },
    )
    entry = LedgerEntry.objects.get()
    assert done.url == f"/workbench/evaluation/ledger/{entry.pk}/"
    form = client.get(f"/workbench/evaluation/notices/new/?entry={entry.pk}").text
    assert "营业执照复印件" in form and "场所平面图" in form
    issued = client.post(
        "/workbench/evaluation/notices/new/", {"entry": entry.pk, "item": ev.item.pk, "lacking": ["2"]}
    )
    notice = OneTimeNotice.objects.get()
    assert issued.url == f"/workbench/evaluation/notices/{notice.pk}/" and notice.entry == entry
    pdf = client.get(f"/workbench/evaluation/notices/{notice.pk}/pdf/")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert notice.number in client.get(f"/workbench/evaluation/ledger/{entry.pk}/").text


def test_the_commitment_page_quotes_the_catalogue_and_keeps_the_history(ev, client):
    client.force_login(ev.head)
    fields = {
        "provides": "一窗受理",
        "discipline": "不推诿",
        "complaint_phone": "0701-3333333",
        "supervision_phone": "0701-12345",
    }
    client.post("/workbench/evaluation/commitments/", fields)
    client.post(
        "/workbench/evaluation/commitments/",
        {**fields, "discipline": "不推诿、不刁难", "change_note": "补充纪律"},
    )
    page = client.get(f"/rate/commitments/{ev.bureau.pk}/").text
    assert (
        "不推诿、不刁难" in page
        and "食品经营许可" in page
        and "10 个工作日" in page
        and "20 个工作日" in page
    )
    assert "第 2 版" in page and "补充纪律" in page
    old = client.get(f"/rate/commitments/{ev.bureau.pk}/v1/").text
    assert "历史版本" in old and "不推诿、不刁难" not in old
    assert ev.bureau.name in client.get("/rate/commitments/").text


def test_the_api_rates_by_link_and_answers_errors_with_code_message_and_field(ev, client):
    token = links.make_token("case", ev.case.pk)
    made = client.post(
        "/api/evaluation/ratings",
        {"token": token, "level": 2, "tags": ["态度冷淡"]},
        content_type="application/json",
    )
    assert made.status_code == 201
    body = made.json()
    assert (body["level_label"], body["good"], body["rater"], body["rectification"]["due"]) == (
        "不满意",
        False,
        "张*",
        "2026-10-23",
    )
    again = client.post(
        "/api/evaluation/ratings", {"token": token, "level": 5}, content_type="application/json"
    )
    assert again.status_code == 409 and again.json() == {
        "code": "already_rated",
        "message": "该办件已评价过,每次办理只能评价一次",
        "field": "level",
    }
    wrong = client.post(
        "/api/evaluation/ratings", {"token": "x", "level": 5}, content_type="application/json"
    )
    assert wrong.status_code == 404 and wrong.json()["field"] == "token"
    assert client.get("/api/evaluation/ratings?month=2026-09").status_code == 401
    client.force_login(ev.head)
    [listed] = client.get("/api/evaluation/ratings?month=2026-09").json()
    assert listed["number"] == ev.case.number and listed["staff"] == "王窗口"
    figures = client.get("/api/evaluation/figures?month=2026-09").json()
    assert figures[0]["bad_rate"] == 100.0


def test_the_api_records_and_follows_ledger_entries(ev, client):
    client.force_login(ev.general_clerk)
    made = client.post(
        "/api/evaluation/ledger",
        {"topic": "占道经营", "result": "handed_over", "hand_to": ev.bureau.pk, "asker_phone": "13700001234"},
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["asker_phone"] == "137****1234"
    entry_id = made.json()["id"]
    client.force_login(ev.head)
    answered = client.post(
        f"/api/evaluation/ledger/{entry_id}/answer", {"answer": "由我局处理"}, content_type="application/json"
    )
    assert (
        answered.json()["state"] == "answered" and answered.json()["handovers"][0]["answer"] == "由我局处理"
    )
    bad = client.post(
        "/api/evaluation/ledger", {"topic": "x", "result": "guided"}, content_type="application/json"
    )
    assert bad.status_code == 422 and bad.json()["field"] == "guided_to"
    assert [e["topic"] for e in client.get("/api/evaluation/ledger?q=占道").json()] == ["占道经营"]


def test_the_monthly_workbook_has_ratings_rectifications_figures_and_the_ledger(ev, client):
    services.rate(kind="case", pk=ev.case.pk, level=2, channel=RatingChannel.LINK, comment="慢")
    services.record_inquiry(by=ev.clerk, topic="问路", result="guided", guided_to="二楼", asker_name="赵六")
    client.force_login(ev.manager)
    response = client.get("/workbench/evaluation/export/?month=2026-09")
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["评价明细", "差评整改", "机构统计", "首问台账", "首问统计"]
    ratings = list(wb["评价明细"].values)
    assert ratings[1][1] == ev.case.number and ratings[1][7] == "不满意" and ratings[1][11] == "张*"
    assert list(wb["差评整改"].values)[1][4] == "2026-10-23"
    assert list(wb["机构统计"].values)[1][:4] == ("贵溪市市场监督管理局", 1, 0, 1)
    ledger = list(wb["首问台账"].values)
    assert ledger[1][7] == "问路" and ledger[1][5] == "赵*"


def test_the_workbench_menu_offers_evaluation(ev, client):
    client.force_login(ev.head)
    assert 'href="/workbench/evaluation/"' in client.get("/workbench/evaluation/").text


# ---- bad input on the rating pages: the refusal in words, nothing written


@pytest.mark.parametrize(
    ("level", "message"), [("9", "评价等级应为 1 至 5"), ("x", "请选择评价等级"), ("", "请选择评价等级")]
)
def test_a_rating_level_out_of_range_is_refused_on_the_portal(ev, client, level, message):
    path = links.rating_path("case", ev.case.pk)
    answer = client.post(path, {"action": "rate", "level": level, "comment": "还行"})
    assert answer.status_code == 200 and message in answer.text and "还行" in answer.text
    assert not Rating.objects.exists()


def test_a_tag_of_another_level_is_refused_on_the_portal(ev, client):
    answer = client.post(
        links.rating_path("case", ev.case.pk), {"action": "rate", "level": "5", "tags": ["办事拖延"]}
    )
    assert answer.status_code == 200 and "标签「办事拖延」不适用于「非常满意」" in answer.text
    assert not Rating.objects.exists()


def test_a_follow_up_without_an_answer_does_not_send_the_case_back_to_rectify(ev, client):
    rating = services.rate(kind="case", pk=ev.case.pk, level=1, tags=["推诿扯皮"], channel=RatingChannel.LINK)
    rect = services.verify(rectification=rating.rectification, by=ev.head, founded=True, finding="属实")
    rect = services.rectify(rectification=rect, by=ev.head, measures="约谈窗口人员")
    services.reply(rectification=rect, by=ev.head, text="已约谈并致歉")
    path = links.rating_path("case", ev.case.pk)
    for posted in ({"action": "follow_up"}, {"action": "follow_up", "satisfied": "maybe"}):
        answer = client.post(path, posted)
        assert answer.status_code == 200 and "请选择您现在是否满意" in answer.text
    rect.refresh_from_db()
    assert rect.state == "replied" and rect.round == 1  # before: taken as 仍不满意 and sent back to rectify


# ---- bad input on the evaluation workbench: a message, nothing written, never a 500


def test_a_tablet_rating_of_9_or_x_is_refused(ev, client):
    client.force_login(ev.clerk)
    for level, message in (("9", "评价等级应为 1 至 5"), ("x", "请选择评价等级")):
        page = client.post("/workbench/evaluation/tablet/", {"case": ev.case.pk, "level": level})
        assert page.status_code == 200 and message in page.text
    assert not Rating.objects.exists()


def test_an_appeal_decided_without_a_conclusion_stays_pending(ev, client):
    rating = services.rate(
        kind="case", pk=ev.case.pk, level=1, comment="误点了非常不满意", channel=RatingChannel.LINK
    )
    services.file_appeal(rating=rating, by=ev.clerk, reason="申请人误点")
    client.force_login(ev.manager)
    page = client.post(
        f"/workbench/evaluation/appeals/{rating.appeal.pk}/decide/", {"note": "误评"}, follow=True
    )
    assert "请选择申诉成立或不成立" in page.text
    rating.appeal.refresh_from_db()
    assert rating.appeal.state == "pending"  # before: taken as 申诉不成立


def test_a_staff_follow_up_without_a_result_is_not_taken_as_unsatisfied(ev, client):
    rating = services.rate(kind="case", pk=ev.case.pk, level=2, tags=["办事拖延"], channel=RatingChannel.LINK)
    rect = services.verify(rectification=rating.rectification, by=ev.head, founded=True, finding="属实")
    rect = services.rectify(rectification=rect, by=ev.head, measures="增开窗口")
    rect = services.reply(rectification=rect, by=ev.head, text="已增开窗口")
    client.force_login(ev.supervisor)
    base = f"/workbench/evaluation/rectifications/{rect.pk}/"
    page = client.post(base + "follow_up/", {"note": "电话回访"}, follow=True)
    assert "请选择回访结果" in page.text
    rect.refresh_from_db()
    assert rect.state == "replied" and rect.round == 1


def test_a_staff_follow_up_that_finds_the_rater_unsatisfied_says_why(ev, client):
    rating = services.rate(kind="case", pk=ev.case.pk, level=2, tags=["办事拖延"], channel=RatingChannel.LINK)
    rect = services.verify(rectification=rating.rectification, by=ev.head, founded=True, finding="属实")
    rect = services.rectify(rectification=rect, by=ev.head, measures="增开窗口")
    rect = services.reply(rectification=rect, by=ev.head, text="已增开窗口")
    client.force_login(ev.supervisor)
    base = f"/workbench/evaluation/rectifications/{rect.pk}/"
    page = client.post(base + "follow_up/", {"satisfied": "no", "note": " "}, follow=True)
    assert "请填写回访记录(评价人仍不满意的原因)" in page.text
    rect.refresh_from_db()
    assert rect.state == "replied"  # not sent back to rectify with nothing to act on
    client.post(base + "follow_up/", {"satisfied": "no", "note": "周六仍只开一个窗口"})
    rect.refresh_from_db()
    assert rect.state == "verified" and rect.follow_up_note == "周六仍只开一个窗口"


def test_an_inquiry_handed_to_an_organisation_that_is_not_a_number_is_refused(ev, client):
    entry = services.record_inquiry(
        by=ev.general_clerk, topic="门店门前占道经营谁管", result="handed_over", hand_to=ev.bureau
    )
    client.force_login(ev.head)
    page = client.post(f"/workbench/evaluation/ledger/{entry.pk}/hand_over/", {"hand_to": "abc"}, follow=True)
    assert page.status_code == 200 and "请选择转交机构" in page.text
    entry.refresh_from_db()
    assert entry.holder == ev.bureau


def test_a_commitment_page_for_an_organisation_that_is_not_a_number_is_not_found(ev, client):
    client.force_login(ev.head)
    assert client.get("/workbench/evaluation/commitments/", {"organisation": "abc"}).status_code == 404
    assert client.post("/workbench/evaluation/commitments/", {"organisation": "abc"}).status_code == 404


# ---- a bad rating says why (国办发〔2019〕51号: 差评 is rectified, so the rater states the problem)

REASON_NEEDED = "请至少选择一项原因标签或在评价内容中写明不满意的原因"


@pytest.mark.parametrize("level", ["1", "2"])
def test_a_bad_rating_without_tag_or_comment_is_refused_on_the_portal_and_the_short_link(ev, client, level):
    via_portal = client.post(
        links.rating_path("case", ev.case.pk, channel="portal"), {"action": "rate", "level": level}
    )
    assert via_portal.status_code == 200 and REASON_NEEDED in via_portal.text
    via_sms = client.get(f"/r/{links.short_code('case', ev.case.pk)}")
    answer = client.post(via_sms["Location"], {"action": "rate", "level": level, "comment": "   "})
    assert answer.status_code == 200 and REASON_NEEDED in answer.text
    assert not Rating.objects.exists()
    client.post(via_sms["Location"], {"action": "rate", "level": level, "comment": "材料交了两遍"})
    assert Rating.objects.get().comment == "材料交了两遍"


def test_a_bad_rating_without_tag_or_comment_is_refused_on_the_counter_tablet(ev, client):
    client.force_login(ev.clerk)
    page = client.post("/workbench/evaluation/tablet/", {"case": ev.case.pk, "level": "1"})
    assert page.status_code == 200 and REASON_NEEDED in page.text and "非常不满意" in page.text
    assert not Rating.objects.exists()
    client.post("/workbench/evaluation/tablet/", {"case": ev.case.pk, "level": "1", "tags": ["态度恶劣"]})
    assert Rating.objects.get().tags == ["态度恶劣"]


def test_a_bad_rating_without_tag_or_comment_is_refused_by_the_api_and_the_service(ev, client):
    token = links.make_token("case", ev.case.pk)
    refused = client.post(
        "/api/evaluation/ratings",
        {"token": token, "level": 2, "tags": [], "comment": ""},
        content_type="application/json",
    )
    assert refused.status_code in (400, 422)
    assert refused.json()["field"] == "comment" and REASON_NEEDED in refused.json()["message"]
    with pytest.raises(ValidationFailed, match=REASON_NEEDED):
        services.rate(kind="case", pk=ev.case.pk, level=1, channel=RatingChannel.LINK)
    assert not Rating.objects.exists() and not Rectification.objects.exists()
    good = services.rate(kind="case", pk=ev.case.pk, level=3, channel=RatingChannel.LINK)
    assert good.tags == [] and good.comment == ""  # a good rating needs no reason
