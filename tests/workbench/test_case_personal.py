"""Personal data on the workbench case page (issue 14, point 4): the applicant and agent blocks, the application
form's personal fields and the materials' file names are masked by default; the full values are shown in the answer
to a reveal with a reason, which writes one audit record; a role that does not handle the case is refused; the
notification outbox masks its recipients."""

import subprocess

import pytest

from tests.cases.conftest import AGENT_ID, ITEM, pdf_upload, personal_case, publish, world  # noqa: F401
from tests.factories import make_staff, paper_checklist
from zhengwu.cases import services
from zhengwu.cases.models import OutboxMessage
from zhengwu.core import personal
from zhengwu.core.models import AuditRecord, Role


@pytest.fixture
def case(personal_case):  # noqa: F811
    return personal_case


FULL = ("李秀英", "13912345678", "王建国", "13700001111", "13800138000", "张三申请书")


def _page(client, case):
    response = client.get(f"/workbench/cases/{case.number}/")
    assert response.status_code == 200
    return response.content.decode()


def _reveal(client, case, reason="联系申请人补正材料"):
    return client.post(f"/workbench/cases/{case.number}/personal/", {"reason": reason})


def test_the_case_page_masks_every_personal_field_and_writes_nothing(client, world, case):  # noqa: F811
    client.force_login(world.approver)
    html = _page(client, case)
    for full in (*FULL, world.citizen.id_number, AGENT_ID, "zhang@example.com"):
        assert full not in html, full
    assert 'data-field="contact_name">李**<' in html  # 联系人, by the default form's field name
    assert 'data-field="contact_phone">139****5678<' in html  # 联系电话
    assert 'data-field="subject">开一家小吃店<' in html  # not personal: shown as typed
    assert (
        "王**" in html and "137****1111" in html and f"{AGENT_ID[:6]}********{AGENT_ID[-4:]}" in html
    )  # agent
    assert "张*申请书.pdf" in html  # the file name
    assert "138****8000" in html and "z***@example.com" in html  # the applicant block as before
    assert 'id="reveal-reason"' in html  # the approver handles the case: offered the reveal
    assert not AuditRecord.objects.filter(action="personal_data.view").exists()


def test_a_reveal_with_a_reason_shows_everything_once_and_is_audited(client, world, case):  # noqa: F811
    client.force_login(world.clerk)
    response = _reveal(client, case, reason="  联系申请人补正材料 ")
    assert response.status_code == 200
    html = response.content.decode()
    for full in (*FULL, world.citizen.id_number, AGENT_ID, "zhang@example.com"):
        assert full in html, full
    assert "联系申请人补正材料" in html and 'id="revealed-note"' in html
    record = AuditRecord.objects.get(action="personal_data.view")
    assert record.actor == world.clerk
    assert (record.object_type, record.object_id) == ("cases.case", str(case.pk))
    assert record.summary["reason"] == "联系申请人补正材料"
    assert record.summary["record"] == case.number
    assert {
        "form.contact_name",
        "form.contact_phone",
        "applicant.phone",
        "agent.name",
        "materials.filename",
    } <= set(record.summary["fields"])
    assert "form.subject" not in record.summary["fields"]
    stored = str(record.summary)
    assert "13912345678" not in stored and world.citizen.id_number not in stored  # never the values
    # the next answer is masked again
    assert "13912345678" not in _page(client, case)
    assert AuditRecord.objects.filter(action="personal_data.view").count() == 1


@pytest.mark.parametrize("reason", ["", "   ", "看"])
def test_no_reason_is_an_error_at_the_field_and_shows_nothing(client, world, case, reason):  # noqa: F811
    client.force_login(world.approver)
    response = _reveal(client, case, reason=reason)
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="reveal-reason-error"' in html and 'aria-invalid="true"' in html
    assert ("请填写查看完整信息的理由" if not reason.strip() else "查看理由至少 2 个字") in html
    assert "13912345678" not in html and "李秀英" not in html
    assert not AuditRecord.objects.filter(action="personal_data.view").exists()


def test_who_may_reveal(client, world, case):  # noqa: F811
    """The item's organisation's handlers, the receiving window, supervisors of the region may; the centre's other
    general window, a centre manager and the bureau's disclosure officer see the case masked and are refused."""
    supervisor = make_staff("supervisor", world.bureau, roles=[Role.SUPERVISOR], name="监察员").user
    manager = make_staff("manager", world.bureau, roles=[Role.CENTRE_MANAGER], name="中心主任").user
    officer = make_staff("officer", world.bureau, roles=[Role.DISCLOSURE_OFFICER], name="公开专员").user
    for user in (world.clerk, world.approver, world.head, supervisor):
        client.force_login(user)
        assert _reveal(client, case).status_code == 200, user
    assert AuditRecord.objects.filter(action="personal_data.view").count() == 4
    for user in (manager, officer, world.general_clerk):
        client.force_login(user)
        html = _page(client, case)
        assert 'id="reveal-reason"' not in html and 'id="masked-note"' in html
        refused = _reveal(client, case)
        assert refused.status_code == 403, user
        text = refused.content.decode()
        assert "只有承办该办件的工作人员、收件窗口和监察人员可以查看" in text
        assert "13912345678" not in text
    assert AuditRecord.objects.filter(action="personal_data.view").count() == 4
    client.force_login(world.outsider)  # out of scope: the case does not exist for them
    assert _reveal(client, case).status_code == 404
    assert client.get(f"/workbench/cases/{case.number}/personal/").status_code == 405


def test_a_window_that_received_the_case_may_reveal_though_it_works_for_another_organisation(client, world):  # noqa: F811
    filed = services.submit_case(
        item=world.item,
        applicant=world.citizen,
        by=world.general_clerk,
        channel="counter",
        window=world.general,
        form={"subject": "开店", "contact_phone": "13912345678"},
    )
    client.force_login(world.general_clerk)
    assert "13912345678" in _reveal(client, filed).content.decode()


def test_the_materials_are_downloaded_only_by_those_who_may_reveal(client, world, case):  # noqa: F811
    row = case.materials.get()
    url = f"/workbench/cases/{case.number}/materials/{row.pk}/"
    client.force_login(world.approver)
    assert url in _page(client, case) and client.get(url).status_code == 200
    manager = make_staff("manager", world.bureau, roles=[Role.CENTRE_MANAGER]).user
    client.force_login(manager)
    html = _page(client, case)
    assert "张*申请书.pdf" in html and url not in html
    refused = client.get(url)
    assert refused.status_code == 403 and "可以下载申请材料" in refused.content.decode()


def _pdf_text(response) -> str:
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return subprocess.run(
        ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()


def test_a_notice_pdf_names_people_in_full_only_to_who_hands_it_over(client, world, case):  # noqa: F811
    """The 受理通知书 of 张三's case (agent 王建国), downloaded without a reason: the bureau's clerk, approver and head
    read the names in full; the region's supervisor (who reveals the page with a reason), a centre manager, the
    bureau's disclosure officer and the centre's general window see the page masked and read 张* / 王** — by the
    workbench's link, the API's and the portal's alike. The PDF gave them in full to anyone who could open the case."""
    services.accept_case(case=case, by=world.clerk, paper=paper_checklist(case))
    notice = case.notices.get()
    links = (
        f"/workbench/cases/{case.number}/notices/{notice.pk}.pdf",
        f"/api/cases/{case.number}/notices/{notice.pk}.pdf",
        f"/cases/mine/{case.number}/notices/{notice.pk}.pdf",
    )
    supervisor = make_staff("supervisor", world.bureau, roles=[Role.SUPERVISOR], name="监察员").user
    manager = make_staff("manager", world.bureau, roles=[Role.CENTRE_MANAGER], name="中心主任").user
    officer = make_staff("officer", world.bureau, roles=[Role.DISCLOSURE_OFFICER], name="公开专员").user
    for user in (world.clerk, world.approver, world.head):
        client.force_login(user)
        text = _pdf_text(client.get(links[0]))
        assert "张三(代办人:王建国):" in text, user
    for user in (supervisor, manager, officer, world.general_clerk):
        client.force_login(user)
        assert "张*(代办人:王**):" in _pdf_text(client.get(links[0])), user
    client.force_login(supervisor)
    for link in links[1:]:
        text = _pdf_text(client.get(link))
        assert "张*(代办人:王**):" in text and "张三" not in text and "王建国" not in text, link
    client.force_login(world.citizen_user)  # the applicant: the addressee, in full
    assert "张三(代办人:王建国):" in _pdf_text(client.get(links[2]))


def test_the_window_that_received_the_case_reads_its_notice_in_full(client, world):  # noqa: F811
    """The general window's clerk of the centre's office receives and accepts for the bureau and hands the 受理通知书
    over at the counter: the page lets them reveal the names, the PDF names the applicant in full."""
    filed = services.submit_case(
        item=world.item,
        applicant=world.citizen,
        by=world.general_clerk,
        channel="counter",
        window=world.general,
        form={"subject": "开店"},
    )
    services.accept_case(case=filed, by=world.general_clerk, paper=paper_checklist(filed))
    client.force_login(world.general_clerk)
    text = _pdf_text(client.get(f"/workbench/cases/{filed.number}/notices/{filed.notices.get().pk}.pdf"))
    assert "张三:" in text


def test_reveals_are_rate_limited(client, world, case, monkeypatch, one_rate_window):  # noqa: F811
    monkeypatch.setattr(personal, "REVEAL_RATE", "2/h")
    client.force_login(world.clerk)
    assert _reveal(client, case).status_code == 200
    assert _reveal(client, case).status_code == 200
    third = _reveal(client, case)
    assert third.status_code == 429
    html = third.content.decode()
    assert "查看完整个人信息过于频繁" in html and 'id="reveal-reason-error"' in html
    assert "13912345678" not in html
    assert AuditRecord.objects.filter(action="personal_data.view").count() == 2


def test_a_field_the_item_declares_personal_is_masked_and_one_it_declares_not_is_shown(client, world):  # noqa: F811

    schema = {
        "type": "object",
        "properties": {
            "shop": {"type": "string", "title": "店铺名称"},
            "owner": {"type": "string", "title": "经营者", "x-personal": "name"},
            "home": {"type": "string", "title": "经营者家庭住址"},
            "shop_address": {"type": "string", "title": "经营场所", "x-personal": False},
        },
        "required": ["shop"],
    }
    item = publish({**ITEM, "name": "小餐饮店登记", "form_schema": schema}, world.bureau)
    filed = services.submit_case(
        item=item,
        applicant=world.company,
        by=world.clerk,
        channel="counter",
        window=world.dedicated,
        form={
            "shop": "好味道小吃",
            "owner": "欧阳娜娜",
            "home": "江西省鹰潭市贵溪市雄石街道建设路18号3栋501室",
            "shop_address": "贵溪市建设路20号",
        },
    )
    client.force_login(world.approver)
    html = _page(client, filed)
    assert 'data-field="owner">欧***<' in html and "欧阳娜娜" not in html
    assert 'data-field="home">江西省鹰潭市贵溪市雄石街道****<' in html and "建设路18号" not in html
    assert 'data-field="shop_address">贵溪市建设路20号<' in html and "好味道小吃" in html
    assert "贵溪市好味道餐饮有限公司" in html  # a company's name is not personal data
    revealed = _reveal(client, filed).content.decode()
    assert "欧阳娜娜" in revealed and "建设路18号3栋501室" in revealed


def test_the_outbox_masks_its_recipients(client, world, case):  # noqa: F811
    rows = OutboxMessage.objects.filter(case=case)
    # the applicant is told by SMS at the contact mobile typed on the form (issue 13: it comes first)
    assert rows.filter(recipient="13912345678").exists()
    client.force_login(world.clerk)
    html = client.get("/workbench/cases/outbox/").content.decode()
    assert "13912345678" not in html and "139****5678" in html
    assert "zhang@example.com" not in html
