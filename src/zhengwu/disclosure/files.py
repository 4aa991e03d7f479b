"""Checking a publication's attachment: its type read from its content (never its name), and its size."""

from __future__ import annotations

import io
import zipfile

from django.conf import settings
from django.utils.translation import gettext as _

from zhengwu.core.errors import ValidationFailed

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the compound file of Word 97-2003 and Excel 97-2003

# What a ZIP package holds at a known path tells which Office/OFD file it is.
_PACKAGES = (
    ("OFD.xml", "application/ofd"),
    ("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
)

EXTENSIONS = {
    "application/pdf": "pdf",
    "application/ofd": "ofd",
    "application/msword": "doc",
    "application/vnd.ms-excel": "xls",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "image/jpeg": "jpg",
    "image/png": "png",
}


def max_bytes() -> int:
    return int(getattr(settings, "ZHENGWU_DISCLOSURE_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def sniff(data: bytes, name: str = "") -> str | None:
    """The content type the bytes really are, or None when they are none of the accepted kinds."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(OLE2):
        # Word and Excel 97-2003 share the container; the name only chooses between the two accepted kinds.
        return "application/vnd.ms-excel" if name.lower().endswith(".xls") else "application/msword"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as package:
                names = set(package.namelist())
        except zipfile.BadZipFile:
            return None
        for path, kind in _PACKAGES:
            if path in names:
                return kind
    return None


def check(upload, *, field: str = "file") -> tuple[bytes, str]:
    """The upload's bytes and real content type, or ValidationFailed saying (in Chinese) what is wrong."""
    limit = max_bytes()
    too_big = _("文件过大(%(size_mb).1f MB),附件不能超过 %(limit_mb)s MB")
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ValidationFailed(
            too_big % {"size_mb": size / 1048576, "limit_mb": limit // 1048576}, field=field
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationFailed(
            too_big % {"size_mb": len(data) / 1048576, "limit_mb": limit // 1048576}, field=field
        )
    if not data:
        raise ValidationFailed(_("文件为空"), field=field)
    kind = sniff(data, getattr(upload, "name", "") or "")
    if kind is None:
        raise ValidationFailed(
            _(
                "文件类型不支持:附件只能是 PDF、OFD、Word、Excel(DOC/DOCX/XLS/XLSX)或 JPEG/PNG 图片(按文件内容判断,与扩展名无关)"
            ),
            field=field,
        )
    return data, kind
