"""Checking an uploaded file, once for every domain: its type read from its content (never its name), the file
parsed by the library that reads that type (a PDF that pypdf opens, an image Pillow decodes, an OFD/Office ZIP
package that holds its root part), and its size against a limit.

Each domain says which kinds it accepts (`MATERIALS` for case materials, `DOCUMENTS` for publications and
catalogue attachments) and its limit (`limit(setting, default)`); the request itself is refused earlier, by its
Content-Length, in core.middleware.RequestSizeMiddleware (`request_limit()`).
"""

from __future__ import annotations

import io
import logging
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from zhengwu.core.errors import ValidationFailed

log = logging.getLogger(__name__)

PDF = "application/pdf"
OFD = "application/ofd"
JPEG = "image/jpeg"
PNG = "image/png"
DOC = "application/msword"
XLS = "application/vnd.ms-excel"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the compound file of Word 97-2003 and Excel 97-2003


@dataclass(frozen=True)
class Kind:
    label: str  # shown to people: "PDF", "Word"
    extension: str  # the stored file's extension


KINDS = {
    PDF: Kind("PDF", "pdf"),
    OFD: Kind("OFD", "ofd"),
    DOC: Kind("Word", "doc"),
    DOCX: Kind("Word", "docx"),
    XLS: Kind("Excel", "xls"),
    XLSX: Kind("Excel", "xlsx"),
    JPEG: Kind("JPEG", "jpg"),
    PNG: Kind("PNG", "png"),
}
EXTENSIONS = {kind: k.extension for kind, k in KINDS.items()}

# What each domain accepts.
MATERIALS = (PDF, JPEG, PNG, OFD)  # a case's materials and attachments
DOCUMENTS = (
    PDF,
    DOC,
    DOCX,
    XLS,
    XLSX,
    OFD,
    JPEG,
    PNG,
)  # publications' attachments, catalogue forms and samples

# A ZIP package is told by the part it holds at a known path (OFD: GB/T 33190; Office Open XML: ECMA-376).
_PACKAGES = (("OFD.xml", OFD), ("word/document.xml", DOCX), ("xl/workbook.xml", XLSX))

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_REQUEST_MAX_BYTES = 50 * 1024 * 1024  # a form may carry several materials at once
MAX_IMAGE_PIXELS = 100_000_000  # a scan at 600 dpi of an A3 page is ~70 million pixels


def limit(setting: str, default: int = DEFAULT_MAX_BYTES) -> int:
    """A domain's limit per file in bytes, from its setting."""
    return int(getattr(settings, setting, default))


def request_limit() -> int:
    """The largest request body (Content-Length) accepted at all, checked before the body is read."""
    return int(getattr(settings, "ZHENGWU_REQUEST_MAX_BYTES", DEFAULT_REQUEST_MAX_BYTES))


def sniff(data: bytes, name: str = "") -> str | None:
    """The content type the bytes really are, or None when they are none of the known kinds. A ZIP package needs
    the whole file; the name only chooses between Word and Excel 97-2003, which share one container."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(OLE2):
        return XLS if name.lower().endswith(".xls") else DOC
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as package:
                names = set(package.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        for path, kind in _PACKAGES:
            if path in names:
                return kind
    return None


def parses(data: bytes, kind: str) -> bool:
    """Whether the library that reads `kind` opens these bytes as that kind (a PDF with pages; an image whose
    pixels decode). OLE2 and ZIP packages were opened by sniff()."""
    if kind == PDF:
        import pypdf

        try:
            reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
            return len(reader.pages) > 0
        except Exception as exc:  # pypdf raises many kinds on a broken file; any of them means "not a PDF"
            log.info("upload refused: not a PDF pypdf can open (%s)", type(exc).__name__)
            return False
    if kind in (JPEG, PNG):
        from PIL import Image

        Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
        try:
            with Image.open(io.BytesIO(data)) as image:
                image.verify()
            with Image.open(io.BytesIO(data)) as image:  # verify() leaves the image unusable: open again
                image.load()
            return image.format in ("JPEG", "PNG")
        except Exception as exc:  # Pillow raises OSError, SyntaxError, DecompressionBombError...
            log.info("upload refused: not an image Pillow can decode (%s)", type(exc).__name__)
            return False
    return True


def _labels(accept) -> str:
    labels = list(dict.fromkeys(KINDS[kind].label for kind in accept))
    return labels[0] if len(labels) == 1 else "、".join(labels[:-1]) + " 或 " + labels[-1]


def check(
    upload, *, accept=MATERIALS, max_bytes: int = DEFAULT_MAX_BYTES, field: str = "file"
) -> tuple[bytes, str]:
    """The upload's bytes and real content type, or ValidationFailed saying (in Chinese) what is wrong."""
    too_big = _("文件过大(%(size_mb).1f MB),上限 %(limit_mb)s MB")
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise ValidationFailed(
            too_big % {"size_mb": size / 1048576, "limit_mb": max_bytes // 1048576}, field=field
        )
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(max_bytes + 1)
    if hasattr(upload, "seek"):
        upload.seek(0)
    if len(data) > max_bytes:
        raise ValidationFailed(
            too_big % {"size_mb": len(data) / 1048576, "limit_mb": max_bytes // 1048576}, field=field
        )
    if not data:
        raise ValidationFailed(_("文件为空"), field=field)
    kind = sniff(data, getattr(upload, "name", "") or "")
    if kind is None or kind not in accept:
        raise ValidationFailed(
            _("文件类型不支持:文件内容不是 %(kinds)s(按文件内容判断,与扩展名无关)")
            % {"kinds": _labels(accept)},
            field=field,
        )
    if not parses(data, kind):
        raise ValidationFailed(
            _("文件已损坏或不是真正的 %(kind)s:开头像 %(kind)s,但无法按 %(kind)s 打开,请重新导出后上传")
            % {"kind": KINDS[kind].label},
            field=field,
        )
    return data, kind


# the longest extension kept whole when a name is shortened (.docx, .jpeg, .ofd): a longer "extension" is a dot
# inside the name, not a type
_LONGEST_EXTENSION = 10


def fitting_name(name: str, max_length: int) -> str:
    """A file's name fitted to `max_length` characters by shortening its middle (…): its beginning and its end,
    which say what it is, and its extension kept whole, so it is still recognised and still opens with the right
    program. A name that fits is returned as it is."""
    name = str(name or "")
    if len(name) <= max_length:
        return name
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem or len(extension) > _LONGEST_EXTENSION or any(c.isspace() for c in extension):
        stem, extension = name, ""
    suffix = f".{extension}" if extension else ""
    room = max_length - len(suffix) - 1  # one character for the ellipsis
    head = (room + 1) // 2
    tail = room - head
    return f"{stem[:head]}…{stem[len(stem) - tail :] if tail else ''}{suffix}"
