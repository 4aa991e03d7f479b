"""Staff pages added for remedies, masking, attachments, catalogue and guide (Django test client)."""

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import JPEG_BYTES, PDF_BYTES, PNG_BYTES
from zhengwu.core.models import AuditRecord, Role
from zhengwu.disclosure import services
from zhengwu.disclosure.models import Attachment, Category, Remedy

BASE = "/workbench/disclosure/"
PDF = PDF_BYTES


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _zip(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name in names:
            # a fixed entry date: the same bytes in every process (xdist's workers must collect the same test ids)
            package.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), "<x/>")
    return buffer.getvalue()


def _approve_and_publish(pub, people):
    pub = services.submit(publication=pub, by=people["drafter"])
    for who in ("reviewer", "secrecy", "leader"):
        pub = services.approve(publication=pub, by=people[who])
    return services.publish(publication=pub, by=people["drafter"])


# ---- 1. reconsideration and litigation -----------------------------------------------------------------------


def test_remedy_recorded_on_the_page_is_counted_in_report_section_four(client, org, people):
    client.force_login(people["drafter"])
    url = f"{BASE}remedies/?org={org.pk}&year=2025"
    response = client.post(
        url,
        {
            "kind": "reconsideration",
            "filed_on": "2025-03-02",
            "result": "corrected",
            "concluded_on": "2025-05-20",
        },
    )
    assert response.status_code == 302
    remedy = Remedy.objects.get(organisation=org)
    assert remedy.result == "corrected"
    assert AuditRecord.objects.filter(action="disclosure.remedy.record").exists()
    page = client.get(url).content.decode()
    assert "四、政府信息公开行政复议、行政诉讼情况" in page and "结果纠正" in page and "2025-03-02" in page

    report = client.get(reverse("workbench_disclosure:report", args=[org.pk, 2025]) + "?format=json")
    table = json.loads(report.content)["sections"]["remedies"]["table"]
    assert table["reconsideration"]["corrected"] == 1 and table["reconsideration"]["total"] == 1


def test_pending_remedy_is_concluded_from_the_list(client, org, people):
    client.force_login(people["drafter"])
    url = f"{BASE}remedies/?org={org.pk}&year=2025"
    client.post(url, {"kind": "litigation_direct", "filed_on": "2025-06-01", "result": "pending"})
    remedy = Remedy.objects.get()
    client.post(url, {"remedy": remedy.pk, "result": "upheld", "concluded_on": "2025-09-01"})
    remedy.refresh_from_db()
    assert remedy.result == "upheld" and str(remedy.concluded_on) == "2025-09-01"


def test_remedy_errors_are_shown_at_the_field(client, org, people):
    client.force_login(people["drafter"])
    response = client.post(
        f"{BASE}remedies/?org={org.pk}&year=2025",
        {"kind": "reconsideration", "filed_on": "2025-03-02", "result": "upheld"},
    )
    assert response.status_code == 422
    assert "已审结的须填写审结日期" in response.content.decode()
    assert not Remedy.objects.exists()


def test_remedies_of_other_organisations_are_out_of_reach(client, org, other_org, make_staff):
    client.force_login(make_staff(other_org, "outsider", Role.DISCLOSURE_OFFICER))
    assert client.get(f"{BASE}remedies/?org={org.pk}&year=2025").status_code == 404


# ---- 2. masking ----------------------------------------------------------------------------------------------


@pytest.fixture
def personal_request(org):
    return services.file_request(
        organisation=org,
        channel="in_person",
        requester_kind="natural_person",
        requester_name="张三丰",
        requester_id_number="11010519491231002X",
        phone="13812345678",
        address="江西省鹰潭市贵溪市雄石街道建设路18号",
        description="2025年土地出让信息",
    )


def test_request_pages_mask_personal_data_and_reveal_is_audited(client, org, people, personal_request):
    r = personal_request
    client.force_login(people["drafter"])
    page = client.get(f"{BASE}requests/{r.pk}/").content.decode()
    assert "13812345678" not in page and "138****5678" in page
    assert "11010519491231002X" not in page and "110105********002X" in page
    assert "张三丰" not in page and "张**" in page
    assert "建设路18号" not in page
    assert "显示完整个人信息" in page and 'id="reveal-reason"' in page
    assert "张三丰" not in client.get(f"{BASE}requests/").content.decode()  # the queue too

    assert not AuditRecord.objects.filter(action="personal_data.view").exists()
    missing = client.post(f"{BASE}requests/{r.pk}/reveal/", {"reason": " "})
    assert missing.status_code == 422 and 'id="reveal-reason-error"' in missing.content.decode()
    assert "13812345678" not in missing.content.decode()
    assert not AuditRecord.objects.filter(action="personal_data.view").exists()
    revealed = client.post(f"{BASE}requests/{r.pk}/reveal/", {"reason": "邮寄答复书"}).content.decode()
    assert "13812345678" in revealed and "11010519491231002X" in revealed and "张三丰" in revealed
    view = AuditRecord.objects.get(action="personal_data.view")
    assert view.actor == people["drafter"] and view.object_id == str(r.pk)
    assert view.summary["reason"] == "邮寄答复书"
    assert view.summary["fields"] == [
        "requester.address",
        "requester.id_number",
        "requester.name",
        "requester.phone",
    ]
    assert "13812345678" not in json.dumps(view.summary, ensure_ascii=False)


def test_reveal_needs_post_a_reason_scope_and_the_right_role(
    client, other_org, make_staff, personal_request, people
):
    client.force_login(people["drafter"])
    assert client.get(f"{BASE}requests/{personal_request.pk}/reveal/").status_code == 405
    client.force_login(make_staff(other_org, "outsider", Role.DISCLOSURE_OFFICER))
    assert client.post(f"{BASE}requests/{personal_request.pk}/reveal/", {"reason": "邮寄"}).status_code == 404
    client.force_login(people["leader"])  # the department head approves the reply; the officers send it
    page = client.get(f"{BASE}requests/{personal_request.pk}/").content.decode()
    assert 'id="masked-note"' in page and 'id="reveal-reason"' not in page
    refused = client.post(f"{BASE}requests/{personal_request.pk}/reveal/", {"reason": "邮寄"})
    assert refused.status_code == 403 and "只有答复该申请的政务公开人员和监察人员" in refused.content.decode()
    assert not AuditRecord.objects.filter(action="personal_data.view").exists()


# ---- 3. attachments ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "body"),
    [
        ("a.pdf", PDF),
        ("a.png", PNG_BYTES),
        ("a.jpg", JPEG_BYTES),
        ("a.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 20),
        ("a.docx", _zip("[Content_Types].xml", "word/document.xml")),
        ("a.xlsx", _zip("[Content_Types].xml", "xl/workbook.xml")),
        ("a.ofd", _zip("OFD.xml", "Doc_0/Document.xml")),
    ],
)
def test_accepted_attachment_kinds(client, org, people, filename, body):
    pub = services.create_draft(organisation=org, by=people["drafter"], title="附件测试")
    client.force_login(people["drafter"])
    response = client.post(
        f"{BASE}publications/{pub.pk}/attachments/", {"file": SimpleUploadedFile(filename, body)}
    )
    assert response.status_code == 302
    assert pub.attachments.get().name == filename


def test_an_attachment_named_by_a_300_character_file_name_keeps_its_extension(client, org, people):
    """Its name taken from the file (none typed): a name over the column's 200 characters was refused (附件名称最长200字,
    at a name input left empty); it is now shortened in the middle, its extension kept. A name typed too long is
    still refused at its input."""
    pub = services.create_draft(organisation=org, by=people["drafter"], title="附件测试")
    client.force_login(people["drafter"])
    name = "贵溪市人民政府关于印发政务服务事项实施清单的通知" * 13 + ".pdf"
    assert len(name) > 300
    response = client.post(
        f"{BASE}publications/{pub.pk}/attachments/", {"file": SimpleUploadedFile(name, PDF)}
    )
    assert response.status_code == 302
    kept = pub.attachments.get().name
    assert len(kept) == 200 and kept.endswith(".pdf") and kept.startswith("贵溪市人民政府关于印发")
    typed = client.post(
        f"{BASE}publications/{pub.pk}/attachments/",
        {"file": SimpleUploadedFile("a.pdf", PDF), "name": "通知" * 101},
    )
    assert typed.status_code == 422 and "附件名称最长200字" in typed.content.decode()
    assert pub.attachments.count() == 1


def test_an_html_page_dressed_as_a_pdf_is_refused(client, org, people):
    pub = services.create_draft(organisation=org, by=people["drafter"], title="附件测试")
    client.force_login(people["drafter"])
    disguised = b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>\n"
    response = client.post(
        f"{BASE}publications/{pub.pk}/attachments/", {"file": SimpleUploadedFile("公告.pdf", disguised)}
    )
    assert response.status_code == 422
    assert (
        'id="att-file-error"' in response.content.decode() and "不是真正的 PDF" in response.content.decode()
    )
    assert not Attachment.objects.exists()


def test_attachment_rejected_by_content_with_a_chinese_error_at_the_field(client, org, people):
    pub = services.create_draft(organisation=org, by=people["drafter"], title="附件测试")
    client.force_login(people["drafter"])
    response = client.post(
        f"{BASE}publications/{pub.pk}/attachments/",
        {"file": SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf")},
    )
    assert response.status_code == 422
    text = response.content.decode()
    assert 'id="att-file-error"' in text and "文件类型不支持" in text
    assert not Attachment.objects.exists()


def test_attachment_over_the_size_limit_is_refused(client, org, people, settings):
    settings.ZHENGWU_DISCLOSURE_ATTACHMENT_MAX_BYTES = 1024
    pub = services.create_draft(organisation=org, by=people["drafter"], title="附件测试")
    client.force_login(people["drafter"])
    response = client.post(
        f"{BASE}publications/{pub.pk}/attachments/",
        {"file": SimpleUploadedFile("big.pdf", PDF + b"0" * 2048)},
    )
    assert response.status_code == 422 and "文件过大" in response.content.decode()
    assert not Attachment.objects.exists()


def test_attachment_only_on_drafts_then_downloadable_on_the_portal(client, org, people):
    pub = services.create_draft(organisation=org, by=people["drafter"], title="关于土地出让的公告")
    client.force_login(people["drafter"])
    client.post(
        f"{BASE}publications/{pub.pk}/attachments/",
        {"file": SimpleUploadedFile("x.pdf", PDF), "name": "出让地块清单"},
    )
    attachment = pub.attachments.get()
    assert AuditRecord.objects.filter(action="disclosure.attachment.add").exists()
    assert "出让地块清单" in client.get(f"{BASE}publications/{pub.pk}/").content.decode()

    portal_url = reverse("portal_disclosure:attachment", args=[attachment.pk])
    client.logout()
    assert client.get(portal_url).status_code == 404  # not public before publication

    pub = _approve_and_publish(pub, people)
    page = client.get(reverse("portal_disclosure:publication", args=[pub.index_number])).content.decode()
    assert "出让地块清单" in page and portal_url in page
    download = client.get(portal_url)
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF

    client.force_login(people["drafter"])
    response = client.post(
        f"{BASE}publications/{pub.pk}/attachments/", {"file": SimpleUploadedFile("y.pdf", PDF)}
    )
    assert response.status_code == 409 and "只有草稿可以添加附件" in response.content.decode()
    assert pub.attachments.count() == 1


def test_attachment_removed_from_a_draft(client, org, people):
    pub = services.create_draft(organisation=org, by=people["drafter"], title="附件测试")
    client.force_login(people["drafter"])
    client.post(f"{BASE}publications/{pub.pk}/attachments/", {"file": SimpleUploadedFile("x.pdf", PDF)})
    attachment = pub.attachments.get()
    client.post(f"{BASE}publications/{pub.pk}/attachments/{attachment.pk}/remove/")
    assert not pub.attachments.exists()


# ---- 4. catalogue and guide ----------------------------------------------------------------------------------


def test_catalogue_edited_from_the_workbench_shows_on_the_portal(client, org, people):
    client.force_login(people["drafter"])
    url = f"{BASE}catalogue/?org={org.pk}"
    client.post(url, {"action": "statutory"})
    parent = Category.objects.get(organisation=org, code="01")
    response = client.post(url, {"code": "01-01", "name": "规范性文件", "parent": parent.pk})
    assert response.status_code == 302
    child = Category.objects.get(organisation=org, code="01-01")
    assert child.parent == parent
    assert "规范性文件" in client.get(url).content.decode()
    assert (
        "规范性文件" in client.get(reverse("portal_disclosure:organisation", args=[org.pk])).content.decode()
    )

    duplicate = client.post(url, {"code": "01-01", "name": "重复"})
    assert duplicate.status_code == 422 and "目录编码已存在" in duplicate.content.decode()


def test_catalogue_shows_the_statutory_numbers_but_not_the_platforms_own_keys(client, org, people):
    """A stranger saw "guide 政府信息公开指南", "annual_report 政府信息公开年度报告" on the catalogue page: the keys the
    platform finds its own nodes by are not codes a person reads; 01–15 and codes staff give still show."""
    client.force_login(people["drafter"])
    url = f"{BASE}catalogue/?org={org.pk}"
    client.post(url, {"action": "statutory"})
    client.post(url, {"code": "16", "name": "自设目录"})
    text = client.get(url).content.decode()
    assert "政府信息公开指南" in text and "政府信息公开年度报告" in text and "政策解读" in text
    for key in ("guide", "system", "interpretation", "annual_report"):
        assert f">{key}<" not in text
    assert '<code class="text-body-secondary">01</code> 法规文件' in text
    assert '<code class="text-body-secondary">16</code> 自设目录' in text


def test_guide_saved_from_the_workbench_shows_on_the_portal(client, org, people):
    client.force_login(people["drafter"])
    url = f"{BASE}profile/?org={org.pk}"
    response = client.post(
        url, {"guide": "本机关政府信息公开指南:工作时间周一至周五。", "index_code": "GXZR"}
    )
    assert response.status_code == 302
    assert services.profile_of(org).index_code == "GXZR"
    assert AuditRecord.objects.filter(action="disclosure.profile.save").exists()
    guide = client.get(reverse("portal_disclosure:guide", args=[org.pk])).content.decode()
    assert "工作时间周一至周五" in guide

    bad = client.post(url, {"guide": "x", "index_code": "A/B"})
    assert bad.status_code == 422 and "索引号前缀" in bad.content.decode()


@pytest.mark.parametrize("query", ["org=²", "year=²", "org=%EF%BC%93", "year=abc"])
def test_an_org_or_year_that_is_not_a_number_shows_the_own_organisation_this_year(client, org, people, query):
    """?org=² and ?year=² passed isdigit() and broke int(): a 500; now as if none was chosen."""
    client.force_login(people["drafter"])
    page = client.get(f"{BASE}remedies/?{query}")
    assert page.status_code == 200
