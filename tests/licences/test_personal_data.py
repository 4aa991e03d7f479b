"""The staff licence page masks a person's data as the case page does (docs/masking.md): a natural person's licence
showed its holder masked but its 法定代表人(负责人) and home address in full beside it, around the case page's audited
reveal. Now the holder and the personal data items are masked, and shown in full only for one answer to a reveal
with a reason, which is audited; a company's name and registered address stay as they are."""

import pytest

from tests.factories import make_staff
from tests.licences.conftest import granted
from zhengwu.core.models import AuditRecord, Role
from zhengwu.licences.models import Licence, LicenceUse

HOME = "江西省鹰潭市贵溪市雄石街道胜利路26号3栋2单元501室"
SEAT = "江西省鹰潭市贵溪市花园街道解放路12号"


@pytest.fixture
def persons(lworld):
    lworld.citizen.address = HOME
    lworld.citizen.save()
    return Licence.objects.get(case=granted(lworld, applicant=lworld.citizen))


def _page(client, licence) -> str:
    response = client.get(f"/workbench/licences/{licence.identifier}/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_person_s_licence_page_masks_the_holder_the_responsible_person_and_the_home(
    client, lworld, persons
):
    assert persons.data["legal_representative"] == "张三" and persons.data["address"] == HOME
    client.force_login(lworld.approver)
    html = _page(client, persons)
    assert "张*" in html and "张三" not in html
    assert lworld.citizen.id_number not in html
    assert "雄石街道" in html and "胜利路" not in html  # the street kept, the house starred
    assert f"<td>{persons.data['subject']}</td>" in html  # 经营项目 is no one's personal data
    assert "显示完整个人信息" in html
    assert not AuditRecord.objects.filter(action="personal_data.view").exists()


def test_a_reveal_with_a_reason_shows_them_once_and_is_audited(client, lworld, persons):
    client.force_login(lworld.approver)
    url = f"/workbench/licences/{persons.identifier}/personal/"
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 422 and "请填写查看完整信息的理由" in refused.content.decode()
    assert "张三" not in refused.content.decode()
    assert not AuditRecord.objects.filter(action="personal_data.view").exists()

    shown = client.post(url, {"reason": "核对申请人身份"})
    html = shown.content.decode()
    assert shown.status_code == 200 and 'id="revealed-note"' in html
    assert "张三" in html and lworld.citizen.id_number in html and HOME in html
    record = AuditRecord.objects.get(action="personal_data.view")
    assert record.actor == lworld.approver and record.summary["reason"] == "核对申请人身份"
    assert record.summary["record"] == persons.number
    assert set(record.summary["fields"]) == {
        "holder.name",
        "holder.id_number",
        "data.legal_representative",
        "data.address",
    }
    assert HOME not in str(record.summary)  # the field names, never the values
    assert "张三" not in _page(client, persons)  # the next answer is masked again


def test_a_company_s_name_and_seat_stay_its_representative_is_masked(client, lworld):
    lworld.company.address = SEAT
    lworld.company.save()
    licence = Licence.objects.get(case=granted(lworld))
    client.force_login(lworld.head)
    html = _page(client, licence)
    assert "贵溪市好味道餐饮有限公司" in html and lworld.company.id_number in html and SEAT in html
    assert "李*" in html and "李四" not in html


def test_the_staff_api_masks_the_same_items_and_the_holder_reads_them_in_full(client, lworld, persons):
    client.force_login(lworld.approver)
    data = client.get(f"/api/licences/{persons.identifier}").json()["data"]
    assert data["legal_representative"] == "张*" and "胜利路" not in data["address"]
    assert data["subject"] == persons.data["subject"]
    client.force_login(lworld.citizen_user)  # the holder: their own data
    assert client.get(f"/api/licences/{persons.identifier}").json()["data"] == persons.data


def test_the_signed_file_is_downloaded_only_by_those_who_may_reveal_and_each_download_is_audited(
    client, lworld, persons
):
    """The signed PDF is the official document: it carries the holder's personal data in full and cannot be masked.
    The bureau's centre manager and disclosure officer see the licence in the library but may not reveal it: no link,
    403 with the reason, nothing written; the approver downloads it, logged with the fields it carried."""
    page, api = f"/workbench/licences/{persons.identifier}/pdf/", f"/api/licences/{persons.identifier}/pdf"
    manager = make_staff("manager", lworld.bureau, roles=[Role.CENTRE_MANAGER]).user
    officer = make_staff("officer", lworld.bureau, roles=[Role.DISCLOSURE_OFFICER]).user
    for user in (manager, officer):
        client.force_login(user)
        html = _page(client, persons)
        assert "下载签名文件" not in html and page not in html, user
        refused = client.get(page)
        assert refused.status_code == 403 and "可以下载" in refused.content.decode(), user
        assert "张三" not in refused.content.decode()
        answer = client.get(api)
        assert answer.status_code == 403 and "载有持证人的完整个人信息" in answer.json()["message"], user
        assert client.get(f"/api/licences/{persons.identifier}").json()["download_url"] is None
    assert not LicenceUse.objects.filter(licence=persons, purpose=LicenceUse.Purpose.DOWNLOAD).exists()
    assert not AuditRecord.objects.filter(action="licence.download").exists()

    client.force_login(lworld.approver)
    assert page in _page(client, persons)
    assert client.get(f"/api/licences/{persons.identifier}").json()["download_url"].endswith(api)
    for url in (page, api):
        got = client.get(url)
        assert got.status_code == 200 and got["Content-Type"] == "application/pdf", url
    records = AuditRecord.objects.filter(action="licence.download")
    assert records.count() == 2
    for record in records:
        assert record.actor == lworld.approver
        assert set(record.summary["personal_fields"]) == {
            "holder.name",
            "holder.id_number",
            "data.legal_representative",
            "data.address",
        }

    client.force_login(lworld.citizen_user)  # the holder downloads their own, as before
    assert client.get(api).status_code == 200
    assert client.get(f"/licences/{persons.identifier}/download/").status_code == 200
    assert AuditRecord.objects.filter(action="licence.download").count() == 4


def test_a_licence_without_personal_data_is_downloaded_by_any_staff_who_see_it(client, lworld):
    licence = Licence.objects.get(
        case=granted(lworld)
    )  # the company's: its name, USCC and seat are not personal
    Licence.objects.filter(pk=licence.pk).update(data={"subject": licence.data["subject"]})  # no 法定代表人
    manager = make_staff("manager", lworld.bureau, roles=[Role.CENTRE_MANAGER]).user
    client.force_login(manager)
    assert "下载签名文件" in _page(client, licence)
    assert client.get(f"/workbench/licences/{licence.identifier}/pdf/").status_code == 200


def test_the_api_reveals_a_licence_s_personal_data_with_a_reason_as_the_page_does(client, lworld, persons):
    url = f"/api/licences/{persons.identifier}/personal-data"
    manager = make_staff("manager", lworld.bureau, roles=[Role.CENTRE_MANAGER]).user
    client.force_login(manager)  # sees the licence, may not reveal it
    refused = client.post(url, {"reason": "核对申请人身份"}, content_type="application/json")
    assert refused.status_code == 403 and "可以查看持证人的完整个人信息" in refused.json()["message"]
    assert "张三" not in refused.content.decode()

    client.force_login(lworld.approver)
    empty = client.post(url, {"reason": ""}, content_type="application/json")
    assert empty.status_code == 422 and empty.json()["field"] == "reason"
    assert not AuditRecord.objects.filter(action="personal_data.view").exists()

    shown = client.post(url, {"reason": "核对申请人身份"}, content_type="application/json")
    assert shown.status_code == 200
    body = shown.json()
    assert body["revealed"] and body["may_reveal"] and body["number"] == persons.number
    assert body["holder"] == {"name": "张三", "id_number": lworld.citizen.id_number}
    data = {row["key"]: row for row in body["data"]}
    assert data["legal_representative"]["value"] == "张三" and data["legal_representative"]["personal"]
    assert data["address"]["value"] == HOME
    assert not data["subject"]["personal"]
    record = AuditRecord.objects.get(action="personal_data.view")
    assert record.actor == lworld.approver and record.summary["reason"] == "核对申请人身份"
    assert record.summary["record"] == persons.number
    assert "data.address" in record.summary["fields"] and HOME not in str(record.summary)
    # the licence's other answers stay masked
    assert client.get(f"/api/licences/{persons.identifier}").json()["data"]["legal_representative"] == "张*"


def test_the_licence_reveal_is_in_the_openapi_schema(client):
    operation = client.get("/api/openapi.json").json()["paths"]["/api/licences/{identifier}/personal-data"][
        "post"
    ]
    assert "凭理由查看" in operation["summary"] and "403" in operation["responses"]
    assert "requestBody" in operation and "422" in operation["responses"]
