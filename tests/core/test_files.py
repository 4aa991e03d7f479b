"""core.files: one content check for every domain's uploads (issue 14.6, 15.1)."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import JPEG_BYTES, PDF_BYTES, PNG_BYTES
from zhengwu.core import files
from zhengwu.core.errors import ValidationFailed

HTML_AS_PDF = b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>\n"


def _zip(*names: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        for name in names:
            # a fixed entry date: the same bytes in every process (xdist's workers must collect the same test ids)
            package.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), "<x/>")
    return out.getvalue()


def upload(body: bytes, name: str = "a.pdf"):
    return SimpleUploadedFile(name, body)


@pytest.mark.parametrize(
    ("name", "body", "kind"),
    [
        ("a.pdf", PDF_BYTES, files.PDF),
        ("a.png", PNG_BYTES, files.PNG),
        ("a.jpg", JPEG_BYTES, files.JPEG),
        ("a.pdf", PNG_BYTES, files.PNG),  # the content decides, not the name
        ("a.ofd", _zip("OFD.xml"), files.OFD),
        ("a.docx", _zip("word/document.xml"), files.DOCX),
        ("a.xlsx", _zip("xl/workbook.xml"), files.XLSX),
        ("a.xls", files.OLE2 + b"\0" * 32, files.XLS),
        ("a.doc", files.OLE2 + b"\0" * 32, files.DOC),
    ],
)
def test_real_files_are_accepted_as_what_they_are(name, body, kind):
    data, found = files.check(upload(body, name), accept=files.DOCUMENTS)
    assert found == kind and data == body


@pytest.mark.parametrize(
    ("body", "label"),
    [
        (HTML_AS_PDF, "PDF"),
        (b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "PDF"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "PNG"),
        (b"\xff\xd8\xff\xe0" + b"<html></html>", "JPEG"),
    ],
)
def test_a_file_that_only_starts_like_a_pdf_or_image_is_refused(body, label):
    with pytest.raises(ValidationFailed, match=f"不是真正的 {label}") as err:
        files.check(upload(body), accept=files.MATERIALS, field="material")
    assert err.value.field == "material"


def test_a_kind_the_domain_does_not_accept_is_refused_naming_what_it_accepts():
    with pytest.raises(ValidationFailed, match="文件内容不是 PDF、JPEG、PNG 或 OFD"):
        files.check(upload(_zip("word/document.xml"), "a.docx"), accept=files.MATERIALS)


def test_size_and_emptiness():
    with pytest.raises(ValidationFailed, match="文件过大"):
        files.check(upload(PDF_BYTES), max_bytes=100)
    with pytest.raises(ValidationFailed, match="文件为空"):
        files.check(upload(b""))


def test_no_domain_keeps_its_own_sniffer_and_catalog_no_longer_imports_cases():
    import pathlib

    src = pathlib.Path(files.__file__).parents[1]
    assert not (src / "cases" / "uploads.py").exists() and not (src / "disclosure" / "files.py").exists()
    catalog = "\n".join(p.read_text() for p in (src / "catalog").rglob("*.py"))
    assert "zhengwu.cases" not in catalog and "_OLE2" not in catalog


LONG_CHINESE = "贵溪市某某餐饮管理有限公司食品经营许可申请材料" * 14  # 308 characters


@pytest.mark.parametrize(
    ("name", "max_length", "expected"),
    [
        ("营业执照.pdf", 200, "营业执照.pdf"),  # fits: as given
        ("甲" * 196 + ".pdf", 200, "甲" * 196 + ".pdf"),  # exactly 200
        ("甲乙丙丁戊己庚辛壬癸.pdf", 10, "甲乙丙…壬癸.pdf"),  # the middle gives way, the extension stays
        ("甲乙丙丁戊己庚辛壬癸.docx", 10, "甲乙…壬癸.docx"),
        ("甲乙丙丁戊己庚辛壬癸", 6, "甲乙丙…壬癸"),  # no extension: the middle only
        ("甲乙丙丁.戊己庚辛壬癸子丑寅卯辰巳", 8, "甲乙丙丁…卯辰巳"),  # a dot in the name, not an extension
    ],
)
def test_a_long_file_name_is_shortened_in_the_middle_keeping_its_extension(name, max_length, expected):
    assert files.fitting_name(name, max_length) == expected
    assert len(files.fitting_name(name, max_length)) <= max_length


def test_a_300_character_chinese_name_keeps_its_beginning_its_end_and_its_extension():
    name = LONG_CHINESE + "(盖章版).pdf"
    shortened = files.fitting_name(name, 200)
    assert len(shortened) == 200 and shortened.endswith("(盖章版).pdf") and "…" in shortened
    assert shortened.startswith("贵溪市某某餐饮管理有限公司")
