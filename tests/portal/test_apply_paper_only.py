"""The online application form and a material the catalogue takes on paper only (载体 纸质): no file input, the form
says to bring the original to the window (where and when the guide says), a file posted for it anyway is refused at
that material and nothing of it kept; materials that may be uploaded (电子, 纸质或电子) keep their input."""

import re

import pytest

from tests.cases.conftest import pdf_upload, world  # noqa: F401 — fixtures
from zhengwu.cases.models import Case, Status
from zhengwu.catalog import selectors as catalog_selectors


@pytest.fixture
def citizen(client, world):  # noqa: F811
    client.force_login(world.citizen_user)
    return client


@pytest.fixture
def licence_on_paper(world):  # noqa: F811
    """营业执照复印件 (material 2) taken on paper only; the guide names the window's place and hours."""
    version = world.item.current_version
    version.materials.filter(position=2).update(medium="paper")
    version.address, version.opening_hours = "贵溪市政务服务中心二楼 12 号窗口", "工作日 9:00-17:00"
    version.save(update_fields=["address", "opening_hours"])
    catalog_selectors.forget_published()
    return version


def test_no_file_input_for_a_paper_only_material(citizen, world, licence_on_paper):  # noqa: F811
    """It says instead what to do with the original, where and when."""
    html = citizen.get(f"/cases/apply/{world.item.code}/").text
    assert 'name="material_1"' in html and 'name="material_3"' in html  # 纸质或电子: uploaded
    assert 'name="material_2"' not in html
    said = re.search(r'id="hand-in-2"[^>]*>(.*?)</p>', html, re.S).group(1)
    assert "此项只收纸质原件,不能网上上传:提交申请后请携带原件到受理窗口核验" in said
    assert "办理地点:贵溪市政务服务中心二楼 12 号窗口;办公时间:工作日 9:00-17:00" in said
    assert "2. 营业执照复印件 *" in html  # still listed, in its place


def test_a_file_posted_for_it_is_refused_there(citizen, world, licence_on_paper):  # noqa: F811
    """Refused at that material, nothing of it kept, nothing submitted."""
    response = citizen.post(
        f"/cases/apply/{world.item.code}/",
        {
            "form.subject": "开一家面馆",
            "idempotency_key": "k-paper-1",
            "action": "submit",
            "material_1": pdf_upload(),
            "material_2": pdf_upload("执照.pdf"),
        },
    )
    assert response.status_code == 422
    at_material = re.search(r'id="id_material_2_error"[^>]*>([^<]*)<', response.text)
    assert at_material and "「营业执照复印件」只收纸质原件,不能网上上传" in at_material.group(1)
    draft = Case.objects.get(applicant=world.citizen)  # not submitted: the draft keeps the file that passed
    assert draft.status == Status.DRAFT
    assert list(draft.materials.values_list("position", flat=True)) == [1]


def test_submitted_with_the_paper_one_left_for_the_window(citizen, world, licence_on_paper):  # noqa: F811
    done = citizen.post(
        f"/cases/apply/{world.item.code}/",
        {
            "form.subject": "开一家面馆",
            "idempotency_key": "k-paper-2",
            "action": "submit",
            "material_1": pdf_upload(),
        },
    )
    assert done.status_code == 302
    case = Case.objects.get(idempotency_key="k-paper-2")
    assert case.status == Status.RECEIVED and list(case.materials.values_list("position", flat=True)) == [1]
    page = citizen.get(f"/cases/mine/{case.number}/").text
    assert 'id="hand-in-2"' in page and 'id="upload-2"' not in page  # the case page says the same


def test_the_item_s_own_power_of_attorney_keeps_its_upload_even_on_paper(citizen, world):  # noqa: F811
    """An agent's online application must carry the power of attorney (submission._require_power_of_attorney): the
    item's own 委托书 material keeps its file input whatever its 载体."""
    version = world.item.current_version
    version.materials.filter(position=3).update(name="授权委托书", medium="paper")
    catalog_selectors.forget_published()
    html = citizen.get(f"/cases/apply/{world.item.code}/").text
    assert 'name="material_3"' in html and 'id="hand-in-3"' not in html


def test_the_api_refuses_an_applicant_s_file_for_it_too(client, world, licence_on_paper):  # noqa: F811
    client.force_login(world.citizen_user)
    body = {"item_code": world.item.code, "form": {"subject": "开小吃店"}, "idempotency_key": "k-paper-api"}
    number = client.post("/api/cases", body, content_type="application/json").json()["number"]
    refused = client.post(f"/api/cases/{number}/materials", {"position": "2", "file": pdf_upload()})
    assert refused.status_code == 422
    assert refused.json()["field"] == "file" and "「营业执照复印件」只收纸质原件" in refused.json()["message"]
    assert (
        client.post(f"/api/cases/{number}/materials", {"position": "1", "file": pdf_upload()}).status_code
        == 201
    )
    assert list(Case.objects.get(number=number).materials.values_list("position", flat=True)) == [1]
