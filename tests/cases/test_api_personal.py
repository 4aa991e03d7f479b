"""Personal data in the cases API (issue 14, point 4): staff get applicants' and agents' names masked in lists,
details and the answers to their actions; the personal fields in full only by POST /personal-data with a reason,
which writes one audit record; the applicant (the data subject) sees their own in full."""

import pytest

from tests.cases.conftest import AGENT_ID, personal_case, world  # noqa: F401
from tests.factories import make_staff
from zhengwu.cases import services
from zhengwu.core.models import AuditRecord, Role


@pytest.fixture
def case(personal_case):  # noqa: F811
    return personal_case


def _json(response, status=200):
    assert response.status_code == status, response.content.decode()
    return response.json()


def test_staff_lists_details_and_action_answers_carry_masked_names(client, world, case):  # noqa: F811
    client.force_login(world.clerk)
    listed = _json(client.get("/api/cases"))
    assert [row["applicant_name"] for row in listed] == ["张*"]
    detail = _json(client.get(f"/api/cases/{case.number}"))
    assert (detail["applicant_name"], detail["agent_name"]) == ("张*", "王**")
    accepted = _json(
        client.post(f"/api/cases/{case.number}/accept", {"paper": [0, 2]}, content_type="application/json")
    )  # the power of attorney and the licence copy received on paper
    assert (accepted["applicant_name"], accepted["agent_name"]) == ("张*", "王**")
    assert not AuditRecord.objects.filter(action="personal_data.view").exists()


def test_a_companys_name_is_not_masked(client, world):  # noqa: F811
    services.submit_case(
        item=world.item,
        applicant=world.company,
        by=world.clerk,
        channel="counter",
        window=world.dedicated,
        form={"subject": "开店"},
    )
    client.force_login(world.approver)
    assert [row["applicant_name"] for row in _json(client.get("/api/cases"))] == ["贵溪市好味道餐饮有限公司"]


def test_the_personal_data_endpoint_masks_and_reveals_with_a_reason(client, world, case):  # noqa: F811
    client.force_login(world.approver)
    url = f"/api/cases/{case.number}/personal-data"
    masked = _json(client.get(url))
    text = str(masked)
    for full in ("李秀英", "13912345678", "王建国", "13800138000", world.citizen.id_number, AGENT_ID):
        assert full not in text, full
    assert masked["revealed"] is False and masked["may_reveal"] is True
    assert {r["key"]: (r["value"], r["personal"]) for r in masked["form"]} == {
        "subject": ("开一家小吃店", False),
        "contact_name": ("李**", True),
        "contact_phone": ("139****5678", True),
    }
    assert masked["applicant"]["phone"] == "138****8000" and masked["agent"]["phone"] == "137****1111"

    missing = _json(client.post(url, {"reason": ""}, content_type="application/json"), 422)
    assert missing["field"] == "reason" and "请填写查看完整信息的理由" in missing["message"]
    assert not AuditRecord.objects.filter(action="personal_data.view").exists()

    full = _json(client.post(url, {"reason": "电话告知办理进度"}, content_type="application/json"))
    assert full["revealed"] is True
    assert full["applicant"]["id_number"] == world.citizen.id_number and full["agent"]["name"] == "王建国"
    assert {r["key"]: r["value"] for r in full["form"]}["contact_phone"] == "13912345678"
    record = AuditRecord.objects.get(action="personal_data.view")
    assert record.actor == world.approver and record.object_id == str(case.pk)
    assert record.summary["reason"] == "电话告知办理进度" and "form.contact_phone" in record.summary["fields"]
    assert "13912345678" not in _json(client.get(url)).__str__()  # the next answer is masked again


def test_a_role_that_does_not_handle_the_case_is_refused(client, world, case):  # noqa: F811
    manager = make_staff("manager", world.bureau, roles=[Role.CENTRE_MANAGER]).user
    client.force_login(manager)
    url = f"/api/cases/{case.number}/personal-data"
    assert _json(client.get(url))["may_reveal"] is False
    refused = _json(client.post(url, {"reason": "核对"}, content_type="application/json"), 403)
    assert refused["code"] == "forbidden" and "只有承办该办件的工作人员" in refused["message"]
    client.force_login(world.outsider)
    assert client.post(url, {"reason": "核对"}, content_type="application/json").status_code == 404
    assert not AuditRecord.objects.filter(action="personal_data.view").exists()


def test_the_applicant_sees_their_own_data_in_full_without_an_audit_record(client, world):  # noqa: F811
    client.force_login(world.citizen_user)
    created = _json(
        client.post(
            "/api/cases",
            {"item_code": world.item.code, "form": {"subject": "开店", "contact_phone": "13912345678"}},
            content_type="application/json",
        ),
        201,
    )
    assert created["applicant_name"] == "张三"
    assert [row["applicant_name"] for row in _json(client.get("/api/cases"))] == ["张三"]
    own = _json(client.get(f"/api/cases/{created['number']}/personal-data"))
    assert own["revealed"] is True and own["applicant"]["name"] == "张三"
    assert {r["key"]: r["value"] for r in own["form"]}["contact_phone"] == "13912345678"
    assert not AuditRecord.objects.filter(action="personal_data.view").exists()
