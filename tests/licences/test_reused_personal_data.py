"""A licence another department issued, taken into a case instead of a paper material (免提交), showed the reusing
department's clerk its holder's personal data in full: the case page linked the signed licence file as the material's
file, and the file (the official document, not maskable) carries the holder's name, ID number and home. The reusing
clerk needs to know the licence is valid and what it licenses: the case page now says so and links the licence's page,
masked as docs/masking.md says; the file downloads only for those who may reveal the licence
(licences.selectors.may_download: the issuer's staff), its reveal is theirs, with a reason, audited."""

import pytest
from django.db import transaction

from tests.licences.conftest import granted
from zhengwu.cases import library
from zhengwu.cases import services as cases
from zhengwu.core.models import AuditRecord
from zhengwu.licences import services
from zhengwu.licences.models import Licence, LicenceUse

HOME = "江西省鹰潭市贵溪市雄石街道胜利路26号3栋2单元501室"


def persons_business_licence(w, issuer):
    """张三's 营业执照 (个体工商户: a natural person's), issued by `issuer`, with the operator's home as its seat."""
    w.business_type.data_items = [*w.business_type.data_items, {"key": "address", "label": "经营场所"}]
    w.business_type.save()
    w.business_type.organisations.add(issuer)
    with transaction.atomic():
        return services._create(
            licence_type=w.business_type,
            issuer=issuer,
            holder_kind="natural",
            holder_name="张三",
            holder_id=w.citizen.id_number,
            data={"legal_representative": "张三", "scope": "餐饮服务", "address": HOME},
            valid_until=None,
        )


def food_case_taking(w):
    """张三 applies for the food licence at the bureau's window; the counter takes the 营业执照 from the library."""
    case = cases.submit_case(
        item=w.item,
        applicant=w.citizen,
        by=w.clerk,
        channel="counter",
        window=w.dedicated,
        form={"subject": "餐饮服务"},
    )
    [(material, _licence)] = library.fill(case, w.clerk)
    return case, material


@pytest.fixture
def reused(lworld):
    licence = persons_business_licence(lworld, issuer=lworld.other)  # 水利局 stands for another department
    case, material = food_case_taking(lworld)
    return licence, case, material


def test_the_reusing_clerk_sees_the_licence_is_valid_and_what_it_licenses_not_the_holder_s_data(
    client, lworld, reused
):
    licence, case, material = reused
    client.force_login(lworld.clerk)
    page = client.get(f"/workbench/cases/{case.number}/").content.decode()
    assert f"已从电子证照库调取营业执照(编号 {licence.number},现有效)作为申请材料「营业执照复印件」" in page
    assert f"/workbench/licences/{licence.identifier}/" in page  # 查看证照
    material_url = f"/workbench/cases/{case.number}/materials/{material.pk}/"
    assert material_url not in page and 'class="material-withheld' in page
    assert "显示完整个人信息" in page  # the case's own reveal stays the clerk's

    refused = client.get(material_url)
    assert refused.status_code == 403 and "从电子证照库调取的签名证照文件" in refused.content.decode()
    assert refused["Content-Type"].startswith("text/html")

    html = client.get(f"/workbench/licences/{licence.identifier}/").content.decode()
    assert "餐饮服务" in html and "有效" in html  # what it licenses, and that it is valid
    assert "张*" in html and "张三" not in html and lworld.citizen.id_number not in html
    assert "雄石街道" in html and "胜利路" not in html
    assert "显示完整个人信息" not in html and "下载签名文件" not in html

    api = client.get(f"/api/licences/{licence.identifier}").json()
    assert api["holder"] == "张*" and api["holder_id"] != lworld.citizen.id_number
    assert api["data"]["legal_representative"] == "张*" and "胜利路" not in api["data"]["address"]
    assert api["data"]["scope"] == "餐饮服务" and api["status"] == "valid" and api["download_url"] is None
    assert client.get(f"/api/licences/{licence.identifier}/pdf").status_code == 403
    assert client.get(f"/workbench/licences/{licence.identifier}/pdf/").status_code == 403

    answer = client.post(f"/workbench/licences/{licence.identifier}/personal/", {"reason": "核对申请人身份"})
    assert answer.status_code == 403 and "张三" not in answer.content.decode()
    api_reveal = client.post(
        f"/api/licences/{licence.identifier}/personal-data",
        {"reason": "核对申请人身份"},
        content_type="application/json",
    )
    assert api_reveal.status_code == 403
    assert not AuditRecord.objects.filter(action="personal_data.view").exists()
    assert not licence.uses.filter(purpose=LicenceUse.Purpose.DOWNLOAD).exists()


def test_the_issuer_reveals_it_with_a_reason_audited(client, lworld, reused):
    licence, _case, _material = reused
    client.force_login(lworld.outsider)  # the issuing department's approver
    shown = client.post(f"/workbench/licences/{licence.identifier}/personal/", {"reason": "核对申请人身份"})
    assert shown.status_code == 200 and lworld.citizen.id_number in shown.content.decode()
    record = AuditRecord.objects.get(action="personal_data.view")
    assert record.actor == lworld.outsider and record.summary["reason"] == "核对申请人身份"
    assert client.get(f"/workbench/licences/{licence.identifier}/pdf/").status_code == 200


def test_a_licence_of_the_case_s_own_department_downloads_as_before(client, lworld):
    licence = persons_business_licence(lworld, issuer=lworld.bureau)
    case, material = food_case_taking(lworld)
    client.force_login(lworld.clerk)
    url = f"/workbench/cases/{case.number}/materials/{material.pk}/"
    page = client.get(f"/workbench/cases/{case.number}/").content.decode()
    assert url in page and 'class="material-withheld' not in page
    got = client.get(url)
    assert got.status_code == 200 and got["Content-Type"] == "application/pdf"
    licence.refresh_from_db()
    assert licence.file_sha256 == material.sha256  # the signed file itself, the one the rule knows it by


def test_an_upload_of_the_applicant_s_own_stays_downloadable_beside_a_withheld_licence(
    client, lworld, reused
):
    from tests.cases.conftest import pdf_upload

    _licence, case, _material = reused
    own = cases.upload_material(case=case, by=lworld.clerk, position=1, upload=pdf_upload("申请书.pdf"))
    client.force_login(lworld.clerk)
    assert client.get(f"/workbench/cases/{case.number}/materials/{own.pk}/").status_code == 200


def test_the_decision_warning_quotes_a_held_licence_s_seat_masked(client, lworld):
    """The warning that the applicant already holds the type names each held licence by its 经营场所 — a person's
    home — masked as the licence's page shows it."""
    lworld.citizen.address = HOME
    lworld.citizen.save()
    held = Licence.objects.get(case=granted(lworld, applicant=lworld.citizen))
    assert held.data["address"] == HOME
    second = cases.submit_case(
        item=lworld.item,
        applicant=lworld.citizen,
        by=lworld.clerk,
        channel="counter",
        window=lworld.dedicated,
        form={"subject": "餐饮服务"},
    )
    client.force_login(lworld.approver)
    page = client.get(f"/workbench/cases/{second.number}/").content.decode()
    assert 'id="licence-held-warning"' in page and held.number in page
    assert "经营场所:" in page and "雄石街道" in page and "胜利路" not in page
