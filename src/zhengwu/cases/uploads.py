"""Checking an uploaded material: its type read from its content (never its name), and its size."""

from __future__ import annotations

import io
import zipfile

from django.conf import settings
from django.utils.translation import gettext as _

from zhengwu.core.errors import ValidationFailed

ALLOWED = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG", "application/ofd": "OFD"}
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def max_bytes() -> int:
    return int(getattr(settings, "ZHENGWU_CASE_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def sniff(head: bytes, whole: bytes | None = None) -> str | None:
    """The content type the bytes really are (PDF, JPEG, PNG or OFD), or None."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"PK\x03\x04") and whole is not None:
        # GB/T 33190: an OFD file is a ZIP package with OFD.xml at its root.
        try:
            with zipfile.ZipFile(io.BytesIO(whole)) as package:
                if "OFD.xml" in package.namelist():
                    return "application/ofd"
        except zipfile.BadZipFile:
            return None
    return None


def check(upload, *, field: str = "file") -> tuple[bytes, str]:
    """The upload's bytes and real content type, or ValidationFailed saying what is wrong."""
    size = getattr(upload, "size", None)
    limit = max_bytes()
    if size is not None and size > limit:
        raise ValidationFailed(
            _("文件过大:%(size_kb)s KB,上限 %(limit_mb)s MB")
            % {"size_kb": size // 1024, "limit_mb": limit // (1024 * 1024)},
            field=field,
        )
    data = upload.read()
    if len(data) > limit:
        raise ValidationFailed(
            _("文件过大:%(size_kb)s KB,上限 %(limit_mb)s MB")
            % {"size_kb": len(data) // 1024, "limit_mb": limit // (1024 * 1024)},
            field=field,
        )
    if not data:
        raise ValidationFailed(_("文件为空"), field=field)
    kind = sniff(data[:16], data)
    if kind is None:
        raise ValidationFailed(
            _("文件内容不是 PDF、JPEG、PNG 或 OFD(按文件内容判断,与扩展名无关)"), field=field
        )
    return data, kind
