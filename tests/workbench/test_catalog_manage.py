"""Managing a catalogue item from the workbench: attachments on a draft (空白表格、示例样表、结果样本), offered for
download by the public guide; cancelling (取消), delegating (下放) and taking back (收回), shown in the change log."""

import copy
import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.catalog.conftest import SPEC
from tests.factories import PDF_BYTES, make_organisation, make_region, make_staff
from zhengwu.catalog import services
from zhengwu.catalog.models import ChangeLogEntry, ServiceItem
from zhengwu.core.models import Role

pytestmark = pytest.mark.django_db

PDF = PDF_BYTES


@pytest.fixture(autouse=True)
def _files_in_tmp(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }


@pytest.fixture
def county():
    return make_region("360681", "贵溪市", parent=make_region("360600", "鹰潭市"))


@pytest.fixture
def water(county):
    return make_organisation("贵溪市水利局", region=county, short_name="水利局")


@pytest.fixture
def township(county):
    return make_organisation("贵溪市雷溪镇人民政府", region=county)


@pytest.fixture
def manager(county):
    office = make_organisation("贵溪市政务服务管理办公室", region=county, kind="centre_admin")
    return make_staff("manager", office, roles=[Role.CENTRE_MANAGER]).user


@pytest.fixture
def approver(water):
    return make_staff("approver", water, roles=[Role.APPROVER]).user


@pytest.fixture
def water_item(water):
    version = services.create_item(spec=copy.deepcopy(SPEC), organisation=water)
    services.submit(item=version.item)
    services.publish(item=version.item)
    version.item.refresh_from_db()
    return version.item


def _docx() -> bytes:
    """A minimal .docx; fixed entry dates, so two calls give the same bytes (a zip stamps the current time)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, text in (("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<w:document/>")):
            package.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), text)
    return buffer.getvalue()


def _error_at(html: str, place: str) -> str:
    match = re.search(rf'id="err-{re.escape(place)}"[^>]*>(.*?)</div>', html, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else ""


def _section(html: str, heading_id: str) -> str:
    """The text of the section a heading opens."""
    start = html.index(f'id="{heading_id}"')
    return re.sub(r"<[^>]+>", " ", html[start : html.find("</section>", start)])


def _draft(item):  # with a change: an unchanged draft has nothing to review and may not be submitted
    return services.edit_item(
        item=item, spec=dict(copy.deepcopy(SPEC), conditions="修订后的申请条件。"), reason="补充表格"
    )


def _upload(client, item, field, content, name, material=None):
    data = {"field": field, "file": SimpleUploadedFile(name, content)}
    if material is not None:
        data["material"] = str(material)
    return client.post(f"/workbench/catalog/{item.code}/attach/", data)


def test_files_uploaded_to_a_draft_are_offered_by_the_published_guide(client, approver, manager, water_item):
    _draft(water_item)
    client.force_login(approver)
    assert (
        'id="file-blank_form-1"' in client.get(f"/workbench/catalog/{water_item.code}/edit/").content.decode()
    )
    response = _upload(client, water_item, "blank_form", _docx(), "申请书.docx", material=1)
    assert response.status_code == 302
    assert _upload(client, water_item, "sample", PDF, "样表.pdf", material=1).status_code == 302
    assert _upload(client, water_item, "result_sample", PDF, "证照样本.pdf").status_code == 302
    assert "已上传" in client.get(f"/workbench/catalog/{water_item.code}/edit/").content.decode()

    services.submit(item=water_item)
    services.publish(item=water_item, reason="补充表格")
    client.logout()
    html = client.get(f"/services/{water_item.code}/").content.decode()
    blank = f"/services/{water_item.code}/files/blank_form/1/"
    sample = f"/services/{water_item.code}/files/sample/1/"
    result = f"/services/{water_item.code}/files/result_sample/"
    assert blank in html and sample in html and result in html and "/media/" not in html
    download = client.get(blank)
    assert download.status_code == 200 and b"".join(download.streaming_content) == _docx()
    assert "attachment" in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(client.get(result).streaming_content) == PDF
    assert client.get(f"/services/{water_item.code}/files/blank_form/2/").status_code == 404  # none uploaded


def test_a_file_that_is_not_what_it_claims_is_refused_at_its_field(client, approver, water_item):
    _draft(water_item)
    client.force_login(approver)
    response = _upload(client, water_item, "blank_form", b"MZ\x90\x00 not a pdf", "申请书.pdf", material=1)
    assert response.status_code == 422
    message = _error_at(response.content.decode(), "file-blank_form-1")
    assert "文件内容不是 PDF" in message
    assert not water_item.versions.get(status="draft").materials.get(position=1).blank_form


def test_upload_is_refused_on_a_published_version(client, approver, water_item):
    client.force_login(approver)
    response = _upload(client, water_item, "result_sample", PDF, "证照样本.pdf")
    assert response.status_code == 422
    assert "只能给草稿添加附件" in response.content.decode()
    water_item.current_version.refresh_from_db()
    assert not water_item.current_version.result_sample


def test_manager_cancels_a_published_item(client, manager, water_item):
    client.force_login(manager)
    page = client.get(f"/workbench/catalog/{water_item.code}/").content.decode()
    assert f"/workbench/catalog/{water_item.code}/cancel/" in page
    url = f"/workbench/catalog/{water_item.code}/cancel/"
    unconfirmed = client.post(url, {"reason": "法规废止", "effective_on": "2026-12-01"})
    assert unconfirmed.status_code == 422
    assert "请勾选确认" in _error_at(unconfirmed.content.decode(), "cancel-confirm")
    impossible = client.post(url, {"reason": "法规废止", "effective_on": "2026-02-30", "confirm": "on"})
    assert "「2026-02-30」不是有效日期" in _error_at(impossible.content.decode(), "cancel-effective_on")
    no_reason = client.post(url, {"reason": " ", "confirm": "on"})
    assert _error_at(no_reason.content.decode(), "cancel-reason") == "取消事项须写明理由"
    water_item.refresh_from_db()
    assert water_item.status == ServiceItem.Status.ACTIVE

    response = client.post(url, {"reason": "法规废止", "effective_on": "2026-12-01", "confirm": "on"})
    assert response.status_code == 302
    water_item.refresh_from_db()
    assert water_item.status == ServiceItem.Status.CANCELLED
    client.logout()
    assert client.get(f"/services/{water_item.code}/").status_code == 404
    assert water_item.code not in client.get("/services/", {"q": "取水许可"}).content.decode()
    changes = client.get("/services/changes/").content.decode()
    assert "取水许可" in changes and "法规废止" in changes and "取消" in changes
    assert ChangeLogEntry.objects.filter(item=water_item, kind="cancelled").count() == 1
    client.force_login(manager)  # the item's own page says it is cancelled, and no version is still in force
    item_page = client.get(f"/workbench/catalog/{water_item.code}/").content.decode()
    assert ">现行</span>" not in item_page and ">取消前现行</span>" in item_page
    assert "法规废止" in _section(item_page, "changes-title")


def test_an_approver_cannot_cancel(client, approver, water_item):
    client.force_login(approver)
    assert "/cancel/" not in client.get(f"/workbench/catalog/{water_item.code}/").content.decode()
    response = client.post(
        f"/workbench/catalog/{water_item.code}/cancel/", {"reason": "想取消", "confirm": "on"}
    )
    assert response.status_code == 403
    assert "只有政务服务中心管理人员可以取消事项" in response.content.decode()
    water_item.refresh_from_db()
    assert water_item.status == ServiceItem.Status.ACTIVE
    assert not ChangeLogEntry.objects.filter(kind="cancelled").exists()


def test_delegation_appears_in_the_change_log_with_the_other_organisation(
    client, manager, township, water_item
):
    client.force_login(manager)
    url = f"/workbench/catalog/{water_item.code}/transfer/"
    missing = client.post(url, {"kind": "delegated", "reason": "", "confirm": "on"})
    assert missing.status_code == 422
    html = missing.content.decode()
    assert "请选择承接或收回的机构" in _error_at(html, "transfer-counterpart")
    assert _error_at(html, "transfer-reason") == "下放或收回须写明理由"

    response = client.post(
        url,
        {
            "kind": "delegated",
            "counterpart": str(township.pk),
            "reason": "方便群众就近办理",
            "effective_on": "2026-12-01",
            "confirm": "on",
        },
    )
    assert response.status_code == 302
    entry = ChangeLogEntry.objects.get(item=water_item, kind="delegated")
    assert entry.counterpart == township
    client.logout()
    changes = client.get("/services/changes/").content.decode()
    assert "下放至贵溪市雷溪镇人民政府" in changes and "方便群众就近办理" in changes
    client.force_login(manager)  # and on the item's own page, where the manager recorded it
    recorded = _section(
        client.get(f"/workbench/catalog/{water_item.code}/").content.decode(), "changes-title"
    )
    assert "下放" in recorded and "贵溪市雷溪镇人民政府" in recorded and "方便群众就近办理" in recorded


def _transfer_post(client, item, kind, counterpart, effective_on="2026-12-01"):
    return client.post(
        f"/workbench/catalog/{item.code}/transfer/",
        {
            "kind": kind,
            "counterpart": str(counterpart.pk),
            "reason": "方便群众就近办理",
            "effective_on": effective_on,
            "confirm": "on",
        },
    )


def test_a_backdated_cancellation_is_refused_at_its_date(client, manager, water_item):
    """A stranger's pass: 取消 took an effective date years back."""
    client.force_login(manager)
    response = client.post(
        f"/workbench/catalog/{water_item.code}/cancel/",
        {"reason": "法规废止", "effective_on": "2023-05-01", "confirm": "on"},
    )
    assert response.status_code == 422
    message = _error_at(response.content.decode(), "cancel-effective_on")
    assert message.startswith("生效日期 2023-05-01 早于今天(2026-11-18)") and "不能倒签" in message
    water_item.refresh_from_db()
    assert water_item.status == ServiceItem.Status.ACTIVE


def test_a_backdated_publication_is_refused_and_the_version_waits(client, manager, water_item):
    _draft(water_item)
    services.submit(item=water_item)
    client.force_login(manager)
    page = client.post(
        f"/workbench/catalog/{water_item.code}/publish/",
        {"effective_on": "2024-03-01", "reason": "补充表格"},
        follow=True,
    )
    assert "生效日期 2024-03-01 早于今天(2026-11-18)" in page.content.decode()
    assert water_item.versions.get(number=2).status == "submitted"


def test_delegating_to_the_hotline_centre_is_refused_at_the_organisation(client, manager, county, water_item):
    """A stranger's pass: 下放 to the 12345 hotline centre was recorded and published."""
    hotline = make_organisation("贵溪市12345政务服务便民热线中心", region=county, kind="public_service_unit")
    client.force_login(manager)
    response = _transfer_post(client, water_item, "delegated", hotline)
    assert response.status_code == 422
    message = _error_at(response.content.decode(), "transfer-counterpart")
    assert "「贵溪市12345政务服务便民热线中心」是公共服务单位,不是行政机关" in message
    assert not ChangeLogEntry.objects.filter(item=water_item, kind="delegated").exists()


def test_taking_back_from_where_the_item_is_not_delegated_is_refused_naming_where_it_is(
    client, manager, county, township, water_item
):
    other = make_organisation("贵溪市志光镇人民政府", region=county, kind="government")
    client.force_login(manager)
    assert _transfer_post(client, water_item, "delegated", township, "2026-11-18").status_code == 302
    response = _transfer_post(client, water_item, "taken_back", other)
    assert response.status_code == 422
    assert _error_at(response.content.decode(), "transfer-counterpart") == (
        "本事项未下放至「贵溪市志光镇人民政府」,不能从它收回;本事项目前下放至:「贵溪市雷溪镇人民政府」"
    )
    assert not ChangeLogEntry.objects.filter(item=water_item, kind="taken_back").exists()


def test_while_a_delegation_is_pending_the_page_says_so_and_refuses_another(
    client, manager, county, township, water_item
):
    other = make_organisation("贵溪市志光镇人民政府", region=county, kind="government")
    client.force_login(manager)
    assert _transfer_post(client, water_item, "delegated", township).status_code == 302
    pending = "本事项已有待生效的变更:2026-12-01 起下放至「贵溪市雷溪镇人民政府」"
    page = client.get(f"/workbench/catalog/{water_item.code}/").content.decode()
    assert pending in page and f"/workbench/catalog/{water_item.code}/transfer/" not in page
    assert f"/workbench/catalog/{water_item.code}/cancel/" in page  # a cancellation is still possible
    response = _transfer_post(client, water_item, "delegated", other, "2026-12-15")
    assert response.status_code == 422 and pending in response.content.decode()
    assert ChangeLogEntry.objects.filter(item=water_item, kind="delegated").count() == 1
