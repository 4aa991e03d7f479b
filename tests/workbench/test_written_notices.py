"""The 待送达书面通知 queue on the workbench: a window clerk sees the notices no message reached, with the day to serve
by, prints the notice the platform made and records it served; the home page counts them; the case page says a
written notice is waiting or was served."""

import re

from tests.cases.conftest import world  # noqa: F401
from tests.cases.test_sms_recipient import LANDLINE, company_with_landline, submit
from tests.factories import paper_checklist
from zhengwu.cases import services


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
    assert f"/workbench/cases/{case.number}/notices/{notice.pk}.pdf" in page
    pdf = client.get(f"/workbench/cases/{case.number}/notices/{notice.pk}.pdf")
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
