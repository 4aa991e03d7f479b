"""The 待送达书面通知 queue on the workbench: a window clerk sees the notices no message reached, with the day to serve
by, prints the notice the platform made and records it served; the home page counts them; the case page says a
written notice is waiting or was served."""

import re

from tests.cases.conftest import accepted, submitted, world  # noqa: F401
from tests.cases.test_sms_recipient import LANDLINE, company_with_landline, submit
from tests.factories import paper_checklist
from zhengwu.cases import services
from zhengwu.core.models import AuditRecord


def landline_acceptance(world):  # noqa: F811
    company_with_landline(world)
    case = submit(world, {"contact_phone": LANDLINE})
    services.accept_case(case=case, paper=paper_checklist(case), by=world.clerk)
    return case, case.notices.get()


def test_the_clerk_prints_and_records_a_written_notice(client, world):  # noqa: F811
    case, notice = landline_acceptance(world)
    client.force_login(world.clerk)
    page = client.get("/workbench/cases/written/").content.decode()
    assert notice.document_number in page and case.number in page
    assert "2026-10-10" in page  # 第三十二条: 5 working days over National Day 2026
    assert "未发送短信:申请人留下的电话不是手机号码" in page  # why no message reached the company
    assert f"/workbench/cases/written/{notice.pk}/print/" in page
    pdf = client.post(f"/workbench/cases/written/{notice.pk}/print/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    shown = client.get(f"/workbench/cases/{case.number}/").content.decode()
    assert "待书面送达(期限 2026-10-10)" in shown

    refused = client.post(f"/workbench/cases/written/{notice.pk}/serve/", {"way": "post"}, follow=True)
    assert "未登记送达" in refused.content.decode() and "请填写邮件单号" in refused.content.decode()
    done = client.post(
        f"/workbench/cases/written/{notice.pk}/serve/",
        {"way": "post", "on": "2026-09-28", "tracking_number": "EMS1234567890CN"},
        follow=True,
    ).content.decode()
    assert f"已登记 {notice.document_number} 书面送达" in done
    assert f'id="written-{notice.pk}"' not in done and 'id="written-count">0<' in done
    served = client.get("/workbench/cases/written/?served=1").content.decode()
    assert f'id="written-{notice.pk}"' in served and "EMS1234567890CN" in served
    shown = client.get(f"/workbench/cases/{case.number}/").content.decode()
    assert "已书面送达 · 邮寄送达 · 2026-09-28" in shown and "书面送达文书" in shown  # the history's event


def test_the_home_page_counts_the_written_notices(client, world):  # noqa: F811
    case, notice = landline_acceptance(world)
    client.force_login(world.clerk)
    html = client.get("/workbench/").content.decode()
    assert re.search(r'data-count="written_notices">1<', html)
    start = html.index('data-worklist="written_notices"')
    assert case.number in html[start : start + 3000] and "书面送达期限" in html[start : start + 3000]
    client.force_login(world.outsider)  # another organisation's office
    assert not re.search(r'data-count="written_notices">1<', client.get("/workbench/").content.decode())


def test_an_acceptance_handed_over_at_the_counter_is_not_queued(client, world):  # noqa: F811
    # 行政许可法 第三十二条: the written 受理通知书, handed to the applicant standing at the counter, is served
    company_with_landline(world)
    case = submit(world, {"contact_phone": LANDLINE})
    client.force_login(world.clerk)
    form = client.get(f"/workbench/cases/{case.number}/").content.decode()
    assert "申请人(或代办人)在窗口,已当场领取通知书" in form
    data = {"revision": case.revision, "paper": paper_checklist(case), "handed_over": "on"}
    client.post(f"/workbench/cases/{case.number}/act/accept/", data)
    case.refresh_from_db()
    assert case.status == "accepted"
    queue = client.get("/workbench/cases/written/").content.decode()
    assert case.number not in queue and 'id="written-count">0<' in queue
    shown = client.get(f"/workbench/cases/{case.number}/").content.decode()
    assert "已在窗口当场送达 · 2026-09-28" in shown and "待书面送达" not in shown


def test_a_refusal_handed_over_at_the_counter_is_not_queued(client, world):  # noqa: F811
    company_with_landline(world)
    case = submit(world, {"contact_phone": LANDLINE})
    client.force_login(world.clerk)
    data = {
        "revision": case.revision,
        "reason": "申请事项不属于本机关职权范围",
        "legal_basis": "《中华人民共和国行政许可法》第三十二条第一款第(二)项",
        "handed_over": "on",
    }
    client.post(f"/workbench/cases/{case.number}/act/refuse/", data)
    notice = case.notices.get()
    assert (notice.kind, notice.served_way) == ("refusal", "onsite")
    assert case.number not in client.get("/workbench/cases/written/").content.decode()


def test_an_instant_item_done_at_the_counter_leaves_nothing_to_serve(client, world):  # noqa: F811
    # 即办件: accepted, decided and the result taken at the window — the applicant was handed both documents there
    company_with_landline(world)
    case = services.submit_case(
        item=world.instant_item,
        applicant=world.company,
        by=world.clerk,
        channel="counter",
        window=world.dedicated,
        form={"subject": "改名", "contact_phone": LANDLINE},
    )
    client.force_login(world.clerk)
    data = {"revision": case.revision, "paper": paper_checklist(case), "method": "window"}
    client.post(f"/workbench/cases/{case.number}/act/instant/", data)
    case.refresh_from_db()
    assert case.status == "completed"
    queue = client.get("/workbench/cases/written/").content.decode()
    assert case.number not in queue and 'id="written-count">0<' in queue
    shown = client.get(f"/workbench/cases/{case.number}/").content.decode()
    assert shown.count("已在窗口当场送达 · 2026-09-28") == 2  # the 受理通知书 and the 准予行政许可决定书


def test_printing_for_service_is_recorded_on_the_queue(client, world):  # noqa: F811
    # two clerks at one office: the second sees that the first has printed it (to post it), and who
    case, notice = landline_acceptance(world)
    client.force_login(world.clerk)
    queue = client.get("/workbench/cases/written/").content.decode()
    assert f'action="/workbench/cases/written/{notice.pk}/print/"' in queue and "已打印" not in queue
    pdf = client.post(f"/workbench/cases/written/{notice.pk}/print/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    record = AuditRecord.objects.get(action="cases.print_notice")
    assert record.summary["document_number"] == notice.document_number and record.actor == world.clerk

    client.force_login(world.head)  # the same bureau's department head looks at the queue afterwards
    row = re.search(
        rf'<tr id="written-{notice.pk}">.*?</tr>',
        client.get("/workbench/cases/written/").content.decode(),
        re.S,
    )
    assert re.search(r"已打印\(2026-09-28 \d\d:\d\d,王窗口\)", row.group(0))
    assert "再次打印" in row.group(0) and "登记已送达" in row.group(0)  # serving stays its own step


def test_a_notice_not_waiting_is_not_printed_for_service(client, world, accepted):  # noqa: F811
    client.force_login(world.clerk)
    notice = accepted.notices.get()  # the company was told by SMS
    assert client.post(f"/workbench/cases/written/{notice.pk}/print/").status_code == 404
    assert not AuditRecord.objects.filter(action="cases.print_notice").exists()


def test_a_supplement_notice_handed_over_at_the_counter_is_not_queued(client, world):  # noqa: F811
    # 行政许可法 第三十二条第一款第(四)项: 当场一次告知 — the applicant at the counter takes the 补正材料通知书
    company_with_landline(world)
    case = submit(world, {"contact_phone": LANDLINE})
    client.force_login(world.clerk)
    data = {"revision": case.revision, "sup_position": [1], "sup_problem_1": "未签字", "handed_over": "on"}
    client.post(f"/workbench/cases/{case.number}/act/supplement/", data)
    notice = case.notices.get()
    assert (notice.kind, notice.served_way) == ("supplement", "onsite")
    assert case.number not in client.get("/workbench/cases/written/").content.decode()
    # without the tick (the applicant not there), the next notice no message reached waits to be served on paper
    services.supply_supplement(case=case, by=world.clerk, paper=[1])
    services.accept_case(case=case, by=world.clerk, paper=paper_checklist(case))
    assert case.number in client.get("/workbench/cases/written/").content.decode()
