"""The licence API, scoped like cases: a holder sees their own, staff what their organisation issued; the public
check by identifier and by file; the wallet's actions; staff change and end; issue for a grant missing its licence."""

import datetime as dt
import hashlib

import pytest

from tests.licences.conftest import granted
from zhengwu.core import clock
from zhengwu.licences import grants, services
from zhengwu.licences.models import Licence


@pytest.fixture
def issued(lworld):
    return Licence.objects.get(case=granted(lworld))


def _company_user(w):
    """The citizen's account as the company's agent (法人登录)."""
    w.citizen.user = None
    w.citizen.save()
    w.company.user = w.citizen_user
    w.company.save()
    return w.citizen_user


def company_login(client, w):
    client.force_login(_company_user(w))


def test_the_holder_lists_downloads_and_shows(client, lworld, issued):
    company_login(client, lworld)
    [row] = client.get("/api/licences").json()
    assert row["identifier"] == issued.identifier and row["status_label"] == "有效"
    assert row["metadata"]["持证主体代码类型"] == "统一社会信用代码"
    pdf = client.get(f"/api/licences/{issued.identifier}/pdf")
    assert pdf.status_code == 200 and services.check_file(pdf.content)["verdict"].ok
    shown = client.post(f"/api/licences/{issued.identifier}/show")
    assert shown.status_code == 201 and "/verify/licence/show/" in shown.json()["url"]
    purposes = [u["purpose"] for u in client.get(f"/api/licences/{issued.identifier}/uses").json()]
    assert set(purposes) == {"issue", "download", "show"}


def test_a_person_and_another_organisation_see_nothing(client, lworld, issued):
    client.force_login(lworld.citizen_user)
    assert client.get("/api/licences").json() == []
    assert client.get(f"/api/licences/{issued.identifier}").status_code == 404
    client.force_login(lworld.outsider)
    assert client.get(f"/api/licences?holder={lworld.company.id_number}").json() == []
    answer = client.post(
        f"/api/licences/{issued.identifier}/end", {"kind": "revoked", "basis": "x"}, "application/json"
    )
    assert answer.status_code == 404


def test_staff_end_with_basis_and_anyone_verifies(client, lworld, issued):
    client.force_login(lworld.head)
    [row] = client.get(f"/api/licences?holder={lworld.company.id_number}").json()
    assert row["number"] == issued.number
    bad = client.post(
        f"/api/licences/{issued.identifier}/end", {"kind": "revoked", "basis": ""}, "application/json"
    )
    assert bad.status_code == 422 and bad.json() == {
        "code": "validation_failed",
        "message": "请填写法律依据",
        "field": "basis",
    }
    ok = client.post(
        f"/api/licences/{issued.identifier}/end",
        {"kind": "withdrawn", "basis": "《食品安全法》第一百三十五条", "document": "贵市监罚〔2026〕12号"},
        "application/json",
    )
    assert ok.status_code == 200 and ok.json()["status_label"] == "已吊销"
    client.logout()
    public = client.get(f"/api/licences/{issued.identifier}/verify").json()
    assert public["status"] == "withdrawn" and public["issuer"] == "贵溪市市场监督管理局"
    assert public["end_basis"] == "《食品安全法》第一百三十五条"
    assert public["end_document"] == "贵市监罚〔2026〕12号"


def test_the_file_check_over_the_api(client, issued):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = services.signed_pdf(issued)
    answer = client.post("/api/licences/check", {"file": SimpleUploadedFile("l.pdf", data)}).json()
    assert answer["signature_ok"] and answer["licence"]["number"] == issued.number


def test_issue_repairs_a_grant_without_its_licence(client, lworld):
    lworld.food_type.items.remove(lworld.item)  # the type was linked to the item only after this grant
    case = granted(lworld)
    assert not Licence.objects.exists()
    lworld.food_type.items.add(lworld.item)
    client.force_login(lworld.head)
    made = client.post("/api/licences/issue", {"case": case.number}, "application/json")
    assert made.status_code == 201 and made.json()["case"] == case.number
    again = client.post("/api/licences/issue", {"case": case.number}, "application/json")
    assert again.status_code == 409 and again.json()["field"] == "case"


def test_the_signed_files_digest_and_download_address(client, lworld, issued):
    company_login(client, lworld)
    row = client.get(f"/api/licences/{issued.identifier}").json()
    # no file is made before anyone asks for it: no digest yet, but the address to get it
    assert row["file_sha256"] is None
    assert row["download_url"] == f"http://testserver/api/licences/{issued.identifier}/pdf"
    first = client.get(row["download_url"])
    digest = hashlib.sha256(first.content).hexdigest()
    # made once and kept: the API gives its digest, and every later download is those bytes
    [listed] = client.get("/api/licences").json()
    assert (
        listed["file_sha256"]
        == digest
        == client.get(f"/api/licences/{issued.identifier}").json()["file_sha256"]
    )
    assert hashlib.sha256(client.get(row["download_url"]).content).hexdigest() == digest
    # a new version (a change) has its own file and digest
    client.force_login(lworld.head)
    new = client.post(
        f"/api/licences/{issued.identifier}/change",
        {"data": {"address": "新址"}, "reason": "搬迁"},
        "application/json",
    ).json()
    assert new["file_sha256"] is None and new["download_url"].endswith(
        f"/api/licences/{new['identifier']}/pdf"
    )
    assert hashlib.sha256(client.get(new["download_url"]).content).hexdigest() != digest


def test_a_party_downloads_through_its_grant_at_the_address_the_api_gives(client, lworld, issued):
    grant = grants.authorise(
        licence=issued, by=_company_user(lworld), kind="organisation", organisation=lworld.other,
        purpose="核验", valid_until=clock.today() + dt.timedelta(days=5),
    )  # fmt: skip
    client.force_login(lworld.outsider)
    row = client.get(f"/api/licences/granted/{grant.pk}").json()
    assert row["download_url"] == f"http://testserver/api/licences/granted/{grant.pk}/pdf"
    pdf = client.get(row["download_url"])
    assert pdf.status_code == 200 and services.check_file(pdf.content)["verdict"].ok
    assert (
        client.get(f"/api/licences/granted/{grant.pk}").json()["file_sha256"]
        == hashlib.sha256(pdf.content).hexdigest()
    )
    assert client.get(f"/api/licences/{issued.identifier}/pdf").status_code == 404  # only through the grant
    assert "贵溪市水利局依授权下载:核验" in [u.note for u in issued.uses.all()]  # the holder's log shows it


def test_the_api_docs_describe_the_digest(client):
    schema = client.get("/api/openapi.json").json()["components"]["schemas"]["LicenceOut"]["properties"]
    assert "SHA-256" in schema["file_sha256"]["description"]
    assert "下载" in schema["download_url"]["description"]
