"""What the joint pages do with input they cannot read (a window, a number or a date that is not one, a material
number a checkbox never sends): a message naming the field, nothing done — never a 500, never the input dropped and
the rest done anyway."""

import datetime as dt

from django.contrib.auth import get_user_model

from tests.joint.test_front_desk import desk, registered  # noqa: F401 — fixtures
from tests.joint.test_joint_cases import pdf
from zhengwu.core import clock
from zhengwu.joint import services
from zhengwu.joint.models import Bundle, JointCase, JointMeeting


def _said(client, url: str, data: dict) -> list[str]:
    """The messages an action shows on the page it redirects to."""
    answer = client.post(url, data, follow=True)
    assert answer.status_code == 200 and answer.redirect_chain
    return [str(m) for m in answer.context["messages"]]


def test_a_lead_window_that_is_not_a_window_is_refused(registered, desk, client):  # noqa: F811
    client.force_login(desk)
    said = _said(
        client, f"/workbench/joint/{registered.number}/lead-window/", {"window": "abc", "reason": "x"}
    )
    assert said == ["请选择有成员部门进驻的窗口作为主办窗口"]  # was a 500: the id looked up as typed
    assert JointCase.objects.get(pk=registered.pk).lead_window_id == registered.lead_window_id


def test_a_meeting_member_that_is_not_a_number_is_refused_not_dropped(registered, county, client):  # noqa: F811
    client.force_login(county.lead_clerk)
    client.post(f"/workbench/joint/{registered.number}/notify/", follow=True)
    meeting = {
        "kind": "pre_review",
        "scheduled_on": (clock.today() + dt.timedelta(days=1)).isoformat(),
        "agenda": "审前集中告知",
    }
    url = f"/workbench/joint/{registered.number}/meetings/"
    said = _said(client, url, {**meeting, "positions": ["1", "2", "第三"]})
    assert said == ["参加的成员事项:应为序号"]  # the meeting was convened without it
    assert _said(client, url, {**meeting, "scheduled_on": "下周一"}) == [
        "会议日期「下周一」不是有效日期,应写作 YYYY-MM-DD"
    ]
    assert not JointMeeting.objects.exists()
    assert "已召集审前集中告知会议" in _said(client, url, {**meeting, "positions": ["1", "2"]})[0]


def test_missing_materials_written_oddly_are_refused_not_a_500(registered, county, client):  # noqa: F811
    client.force_login(county.lead_clerk)
    client.post(f"/workbench/joint/{registered.number}/notify/", follow=True)
    client.force_login(county.urban_clerk)
    url = f"/workbench/joint/{registered.number}/members/3/missing/"
    ticked = _said(client, url, {"material": ["3", "x"], "problem_3": "图纸未标注检测井"})
    assert ticked == ["需补正的材料:应为序号"]  # was: x dropped, 3 asked for
    assert services.JointCase.objects.get(pk=registered.pk).members.get(position=3).answer == ""
    # was a 500: ² is a digit to str.isdigit() that int() cannot read; it is taken as a material's name
    typed = _said(client, url, {"items": "²:图纸未标注检测井"})
    assert typed[0].startswith("已答复联办通知:城管局「城镇污水排入排水管网许可」需补正材料 1 项")


def test_the_lead_window_scan_with_a_material_number_that_is_not_one(registered, county, client):  # noqa: F811
    client.force_login(county.lead_clerk)
    url = f"/workbench/joint/{registered.number}/materials/"
    said = _said(client, url, {"position": "abc", "file": pdf()})
    assert said == ["材料序号:应填写整数"]  # was: 本一件事没有第 0 项材料
    answer = client.post(url, {"position": "1"})  # no file: said at the material's row, the page kept
    assert answer.status_code == 422
    assert [str(m) for m in answer.context["messages"]] == [
        "「企业设立登记申请书」未上传:请选择要上传的扫描件"
    ]


def test_a_refused_scan_is_said_at_its_material(registered, county, client):  # noqa: F811
    """On the workbench joint page a corrupt scan was answered at the top of the page with a banner naming no
    material, nothing at the row: as on the portal, the page stays, the message is at the material's row and the one
    above names it."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(county.lead_clerk)
    entry = next(e for e in registered.version.merged_materials if e["name"] == "排水管网图纸")
    corrupt = SimpleUploadedFile("图纸.pdf", b"%PDF-1.4\nnot really a pdf", content_type="application/pdf")
    answer = client.post(
        f"/workbench/joint/{registered.number}/materials/", {"position": entry["position"], "file": corrupt}
    )
    assert answer.status_code == 422
    page = answer.content.decode()
    row = page.split(f'id="upload-{entry["position"]}"')[1].split("</form>")[0]
    assert f'id="upload-error-{entry["position"]}"' in row and "PDF" in row and 'aria-invalid="true"' in row
    assert "「排水管网图纸」未上传:" in page
    # a scan that goes through still names the material
    done = client.post(
        f"/workbench/joint/{registered.number}/materials/",
        {"position": entry["position"], "file": pdf()},
        follow=True,
    )
    assert [str(m) for m in done.context["messages"]][0].startswith("已上传「排水管网图纸」的扫描件")


def test_the_applicant_uploading_with_a_material_number_that_is_not_one(registered, company, client):  # noqa: F811
    client.force_login(company.user)
    url = f"/bundles/cases/{registered.number}/upload/"
    said = _said(client, url, {"position": "abc", "file": pdf()})
    assert said == ["材料序号:应填写整数"]  # was Python's: invalid literal for int() with base 10
    answer = client.post(url, {"position": "1"})  # no file: said at the material's row, the page kept
    assert answer.status_code == 422
    assert [str(m) for m in answer.context["messages"]] == ["「企业设立登记申请书」未上传:请选择要上传的文件"]


def test_a_refused_upload_is_said_at_its_material(registered, company, client):  # noqa: F811
    """A corrupt PDF was answered at the top of the page without naming the material (shot j1f-00): the page stays,
    the message is at the material's row, and the one above names it."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(company.user)
    entry = next(e for e in registered.version.merged_materials if e["name"] == "排水管网图纸")
    corrupt = SimpleUploadedFile("图纸.pdf", b"%PDF-1.4\nnot really a pdf", content_type="application/pdf")
    answer = client.post(
        f"/bundles/cases/{registered.number}/upload/", {"position": entry["position"], "file": corrupt}
    )
    assert answer.status_code == 422
    page = answer.content.decode()
    row = page.split(f'id="upload-{entry["position"]}"')[1].split("</form>")[0]
    assert f'id="upload-error-{entry["position"]}"' in row and "PDF" in row and 'aria-invalid="true"' in row
    assert page.count('role="alert">') >= 1 and "「排水管网图纸」未上传:" in page


def test_the_bundle_editor_reads_a_prerequisite_it_cannot_number(restaurant, county, client):
    client.force_login(get_user_model().objects.get(username="manager"))
    data = {
        "rows": "²",  # was a 500 (int of a digit int() cannot read); now: no member rows posted
        "name": "开办旅馆",
        "category": "enterprise",
        "lead_organisation": str(county.market.pk),
        "member_1_item": county.registration.code,
    }
    assert client.post("/workbench/joint/bundles/new/", data).status_code == 422
    answer = client.post(
        "/workbench/joint/bundles/new/",
        {**data, "rows": "2", "member_2_item": county.hygiene.code, "member_2_needs": "²"},
    )
    assert (
        answer.status_code == 422
    )  # was a 500; ² is not a row: said at the row, as any unknown prerequisite
    assert "不是本一件事的成员" in answer.content.decode()
    assert Bundle.objects.count() == 1  # the restaurant only


def test_a_missing_material_s_problem_too_long_is_refused_not_cut(registered, county, client):  # noqa: F811
    """The service kept the first 500 characters of a problem without a word; the form and the service now say so."""
    client.force_login(county.lead_clerk)
    client.post(f"/workbench/joint/{registered.number}/notify/", follow=True)
    client.force_login(county.urban_clerk)
    url = f"/workbench/joint/{registered.number}/members/3/missing/"
    said = _said(client, url, {"material": ["3"], "problem_3": "缺" * 501})
    assert said == ["「第 3 项材料的问题说明」最长 500 个字,现有 501 个字"]
    typed = _said(client, url, {"items": "3:" + "缺" * 501})
    assert "存在的问题最长 500 个字,现有 501 个字" in typed[0]
    assert services.JointCase.objects.get(pk=registered.pk).members.get(position=3).answer == ""
