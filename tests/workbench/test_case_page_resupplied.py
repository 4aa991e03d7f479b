"""The case page of an application the applicant resupplied after a 补正 notice: its header says so beside 已收件
(what the clerk's lists say), and materials the department obtains by data sharing are never 未上传."""

import datetime as dt

import pytest

from tests.cases.conftest import ITEM, pdf_upload, publish, submitted, world  # noqa: F401
from zhengwu.cases import services
from zhengwu.core import clock


@pytest.fixture
def clerk_client(client, world):  # noqa: F811
    client.force_login(world.clerk)
    return client


def _header(html: str) -> str:
    """The page's header line: the number, the status and what goes with it (up to the item's line)."""
    start = html.index('id="case-number"')
    return html[start : html.index("</div>", start)]


def test_the_case_page_header_says_resupplied_awaiting_review(clerk_client, world, submitted):  # noqa: F811
    """Opened from 待受理's 已补正,待审核 · 12-07 10:15, the page said only 已收件 at the top; the resupply showed
    in the right-hand column alone, so the clerk had to look for why the case was back."""
    case = services.submit_case(
        item=world.item, applicant=world.citizen, by=world.citizen_user, form={"subject": "开一家面馆"}
    )
    services.upload_material(case=case, by=world.citizen_user, position=1, upload=pdf_upload())
    services.request_supplement(case=case, by=world.clerk, items=[{"position": 2, "problem": "缺营业执照"}])
    header = _header(clerk_client.get(f"/workbench/cases/{case.number}/").content.decode())
    assert "待补正" in header and "已补正" not in header  # waiting for the applicant: nothing to review yet

    clock.set_now(clock.now() + dt.timedelta(minutes=20))
    services.supply_with_uploads(case=case, by=world.citizen_user, uploads={2: pdf_upload("执照.pdf")})
    when = clock.now().astimezone(clock.LOCAL).strftime("%m-%d %H:%M")
    header = _header(clerk_client.get(f"/workbench/cases/{case.number}/").content.decode())
    assert "已收件" in header and f"已补正,待审核 · {when}" in header

    # an application nobody asked to supplement says only 已收件
    header = _header(clerk_client.get(f"/workbench/cases/{submitted.number}/").content.decode())
    assert "已收件" in header and "已补正" not in header

    # once accepted the review is done: the header no longer says it waits
    services.accept_case(case=case, by=world.clerk)
    header = _header(clerk_client.get(f"/workbench/cases/{case.number}/").content.decode())
    assert "已补正" not in header


SHARED = {
    **ITEM,
    "name": "存量房转移登记",
    "materials": [
        {"name": "不动产登记申请书", "required": True, "medium": "either"},
        {
            "name": "完税凭证",
            "required": True,
            "medium": "electronic",
            "source": "shared",
            "issuer": "税务部门",
            "rules": "通过“一窗受理”信息共享获取,无需另行提交",
        },
    ],
}


def test_a_material_the_department_obtains_by_data_sharing_is_never_missing(clerk_client, world):  # noqa: F811
    """完税凭证 comes by data sharing (catalogue source 部门共享获取): the applicant hands in nothing. The case page
    listed it 未提供 beside what the applicant really owed, ticked it on the 补正 form and on the paper checklist at
    acceptance, and a grant refused for want of it."""
    item = publish(SHARED, world.bureau)
    case = services.submit_case(
        item=item, applicant=world.citizen, by=world.citizen_user, form={"subject": "二手房过户"}
    )
    html = clerk_client.get(f"/workbench/cases/{case.number}/").content.decode()
    table = html[html.index('id="materials"') : html.index("</table>", html.index('id="materials"'))]
    rows = table.split("<tr")[2:]
    assert "不动产登记申请书" in rows[0] and "未上传" in rows[0]  # what the applicant owes is still asked for
    assert "完税凭证" in rows[1] and "未上传" not in rows[1] and "部门共享获取,无需提交" in rows[1]
    assert (
        'id="sup-2" checked' not in html and 'id="sup-1" checked' in html
    )  # 补正 asks only for the application
    assert 'id="paper-2"' not in html and 'id="paper-1"' in html  # nothing to receive on paper at the window

    # accepted with the application received on paper, the decision does not wait for the shared one
    services.accept_case(case=case, by=world.clerk, paper=[1])
    case.refresh_from_db()
    step = case.steps.get(state="open")
    services.claim_step(case=case, by=world.approver)
    services.complete_step(case=case, by=world.approver, opinion="材料齐全")
    services.claim_step(case=case, by=world.head)
    services.decide_case(case=case, by=world.head, grant=True, reasons="准予")
    case.refresh_from_db()
    assert step.position == 2 and case.decision == "grant"
