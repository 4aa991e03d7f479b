"""Free text a person typed into a service: trimmed, required or not, at most so many characters — refused with a
Chinese message naming the field. One definition for every domain's services (cases, tickets, supervision,
evaluation)."""

import re
import unicodedata

from django.utils.translation import gettext as _

from zhengwu.core.errors import ValidationFailed


def whole(value) -> int | None:
    """A whole number as a page or a request writes it (ASCII digits, spaces around allowed), else None.
    str.isdigit() also says yes to ², ３ and ①, which int() refuses: a 500 wherever it guarded an int()."""
    value = str(value if value is not None else "").strip()
    return int(value) if value.isascii() and value.isdigit() else None


def is_whole(value) -> bool:
    return whole(value) is not None


def mobile(value, *, field: str = "phone", label: str = "手机号码", required: bool = True) -> str:
    """A mobile number (11 digits from 1[3-9], +86 allowed), typed with spaces, dashes or full-width digits as people
    type it, normalised; ValidationFailed naming the field otherwise (手机号码应为11位数字,以1开头)."""
    typed = re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", str(value or "")))
    if not typed:
        if required:
            raise ValidationFailed(_("请填写%(label)s") % {"label": label}, field=field)
        return ""
    if m := _MOBILE.fullmatch(typed):
        return m.group(1)
    raise ValidationFailed(_("%(label)s应为11位数字,以1开头") % {"label": label}, field=field)


def mobile_or_none(value) -> str:
    """The mobile number in `value` (normalised as `mobile` does), or "" when it holds none — a fixed line, a service
    number, nothing. For choosing where an SMS can go, where a number that is no mobile is no error."""
    try:
        return mobile(value, required=False)
    except ValidationFailed:
        return ""


def text(value, *, field: str, label: str, max_length: int | None = 2000, required: bool = True) -> str:
    """`value` trimmed; ValidationFailed on `field` when required and empty, or longer than `max_length`."""
    value = str(value or "").strip()
    if required and not value:
        raise ValidationFailed(_("请填写%(label)s") % {"label": label}, field=field)
    if max_length and len(value) > max_length:
        raise ValidationFailed(
            _("%(label)s最长 %(max_length)s 个字,现有 %(length)s 个字")
            % {"label": label, "max_length": max_length, "length": len(value)},
            field=field,
        )
    return value


# A contact number in China: a mobile (1[3-9] and 9 digits, +86 allowed) or a fixed line with its area code
# (010 and 02x are three digits, the others four: 0701; then 7–8 digits, an extension after a dash), or a 400/800 service number. Spaces and dashes
# between groups are allowed and removed.
_MOBILE = re.compile(r"(?:\+?86)?(1[3-9]\d{9})", re.ASCII)
_FIXED = re.compile(r"(0[12]\d|0[3-9]\d{2})(\d{7,8})(?:[-转](\d{1,6}))?", re.ASCII)
_SERVICE = re.compile(r"([48]00)(\d{7})", re.ASCII)


def phone(value, *, field: str, label: str, required: bool = True) -> str:
    """A telephone number as typed, normalised (mobile 13912345678, fixed line 0701-6221234[-12]), or
    ValidationFailed naming the field. Digits typed full-width (１３８…, a Chinese input method's) are read as digits."""
    typed = unicodedata.normalize("NFKC", str(value or "")).strip()
    if not typed:
        if required:
            raise ValidationFailed(_("请填写%(label)s") % {"label": label}, field=field)
        return ""
    compact = re.sub(r"[\s()()]", "", typed)
    digits = compact.replace("-", "")
    if m := _MOBILE.fullmatch(digits):
        return m.group(1)
    if m := _SERVICE.fullmatch(digits):
        return f"{m.group(1)}-{m.group(2)}"
    head, _sep, extension = compact.partition("转")
    parts = head.split("-")
    if len(parts) == 3 and not extension:  # 0701-6221234-12
        head, extension = "-".join(parts[:2]), parts[2]
    if m := _FIXED.fullmatch(head.replace("-", "") + (f"-{extension}" if extension else "")):
        return f"{m.group(1)}-{m.group(2)}" + (f"-{m.group(3)}" if m.group(3) else "")
    raise ValidationFailed(
        _("%(label)s应为11位手机号码或带区号的固定电话(如 0701-6221234),现为「%(typed)s」")
        % {"label": label, "typed": typed[:30]},
        field=field,
    )


def too_long(value, max_length: int | None, label) -> str:
    """Why `value` does not fit a column of `max_length` characters (「材料名称」最长 200 个字符,现有 230 个), or ""
    when it fits (or the column has no limit). Imports and forms refuse such a value where it is — never cut it."""
    length = len(str(value if value is not None else ""))
    if not max_length or length <= max_length:
        return ""
    return _("「%(label)s」最长 %(max_length)s 个字符,现有 %(length)s 个") % {
        "label": label,
        "max_length": max_length,
        "length": length,
    }


def column_length(model, name: str) -> int | None:
    """The max_length of a model's text column (None for a column without one)."""
    return getattr(model._meta.get_field(name), "max_length", None)
