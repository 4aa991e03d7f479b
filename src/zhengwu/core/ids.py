"""Identifiers: resident ID numbers (GB 11643) and unified social credit codes (GB 32100, with GB 11714 inside).

Validation answers in Chinese and says what is wrong. A resident ID is never rejected because its region code is
no longer in use (people keep their numbers for life); a USCC is never rejected because its registration-authority
character is a letter (N 农业, Y 其他 …). python-stdnum's cn.ric and cn.uscc do both, which is why this module exists.
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from zhengwu.core import clock

# GB 11643-1999: weights 2^(17-i) mod 11, check character from the remainder.
_RIC_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_RIC_CHECK = "10X98765432"
_RIC_SHAPE = re.compile(r"[0-9]{17}[0-9X]")
# Province-level codes of GB/T 2260 since 1980 (46 from 1988, 50 from 1997) and 83 (台湾居民居住证). This list is
# closed; the six-digit code below it is not checked because retired prefecture and county codes stay on IDs for life.
_RIC_PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82 83".split()
)

# GB 32100-2015: 31 characters (no I, O, Z, S, V), weights 3^i mod 31.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
# GB 32100-2015 表1: registration authorities and the organisation types each may issue.
# 民政 also issues 4 (村民委员会) and 5 (居民委员会) to 基层群众性自治组织; refusing a real village committee
# costs more than accepting a pair the table does not list.
USCC_AUTHORITIES = {
    "1": (_("机构编制"), "1239"),
    "2": (_("外交"), "19"),
    "3": (_("司法行政"), "123459"),
    "4": (_("文化"), "19"),
    "5": (_("民政"), "123459"),
    "6": (_("旅游"), "129"),
    "7": (_("宗教"), "129"),
    "8": (_("工会"), "19"),
    "9": (_("工商(市场监管)"), "123"),
    "A": (_("中央军委改革和编制办公室"), "19"),
    "N": (_("农业"), "1239"),
    "Y": (_("其他"), "1"),
}
# GB 11714-1997: organisation code of 8 characters and a check character. Every real USCC we checked satisfies it.
_ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]

# Full-width forms (０-９, Ａ-Ｚ) typed with a Chinese input method become their ASCII letters.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}


@dataclass(frozen=True)
class Check:
    """The outcome of a check: the value (normalised), whether it is valid, why not, and what kind it was checked as."""

    value: str
    valid: bool
    reason: str = ""
    kind: str | None = None

    def __str__(self) -> str:
        return f"{self.value} valid" if self.valid else f"{self.value} invalid: {self.reason}"


def normalise(value: str | None) -> str:
    """The form we store: surrounding blanks and inner spaces removed, full-width characters halved, upper case."""
    return re.sub(r"\s+", "", str(value or "").translate(_FULL_WIDTH)).upper()


def ric_check_character(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits of a resident ID number."""
    return _RIC_CHECK[sum(int(c) * w for c, w in zip(first17, _RIC_WEIGHTS, strict=True)) % 11]


def check_resident_id(value: str | None) -> Check:
    """Validate an 18-character resident ID number: digits, a province, a real birth date, the check character."""
    number = normalise(value)

    def invalid(reason: str) -> Check:
        return Check(number, False, str(reason), "resident_id")

    if not number:
        return invalid(_("请填写居民身份证号码"))
    if len(number) != 18:
        if len(number) == 15 and number.isascii() and number.isdigit():
            return invalid(_("长度应为18位,实际为15位(15位的一代身份证号码已停用,请提供18位号码)"))
        return invalid(_("长度应为18位,实际为%(n)d位") % {"n": len(number)})
    if not _RIC_SHAPE.fullmatch(number):
        if not (number[:17].isascii() and number[:17].isdigit()):
            return invalid(_("前17位必须是数字"))
        return invalid(_("第18位(校验位)只能是数字或X"))
    if number[:2] not in _RIC_PROVINCES:
        return invalid(_("前两位省级行政区划代码「%(code)s」不存在") % {"code": number[:2]})
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return invalid(
            _("出生日期无效:%(y)s年%(m)s月%(d)s日不存在")
            % {"y": number[6:10], "m": number[10:12], "d": number[12:14]}
        )
    if born.year < 1900:
        return invalid(_("出生日期无效:早于1900年"))
    if born > clock.today():
        return invalid(_("出生日期无效:晚于今天"))
    if number[17] != ric_check_character(number[:17]):
        return invalid(_("校验位错误"))
    return Check(number, True, "", "resident_id")


def org_code_check_character(first8: str) -> str:
    """The GB 11714 check character for an 8-character organisation code."""
    total = sum(_org_value(c) * w for c, w in zip(first8, _ORG_WEIGHTS, strict=True))
    rest = 11 - total % 11
    return "X" if rest == 10 else "0" if rest == 11 else str(rest)


def _org_value(c: str) -> int:
    return int(c) if c.isascii() and c.isdigit() else ord(c) - ord("A") + 10


def uscc_check_character(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters of a USCC."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def make_uscc(authority: str, kind: str, region: str, org8: str) -> str:
    """Assemble a valid USCC from its parts, computing both check characters (used by the demo and tests)."""
    body = f"{authority}{kind}{region}{org8}{org_code_check_character(org8)}"
    return body + uscc_check_character(body)


def check_uscc(value: str | None) -> Check:
    """Validate a USCC: 18 characters of the 31-character set, authority and type, region, organisation code, check."""
    code = normalise(value)

    def invalid(reason: str) -> Check:
        return Check(code, False, str(reason), "uscc")

    if not code:
        return invalid(_("请填写统一社会信用代码"))
    if len(code) != 18:
        return invalid(_("长度应为18位,实际为%(n)d位") % {"n": len(code)})
    bad = [c for c in code if c not in USCC_ALPHABET]
    if bad:
        return invalid(
            _("含有不允许的字符「%(chars)s」(只用数字和除I、O、Z、S、V以外的大写字母)")
            % {"chars": "".join(dict.fromkeys(bad))}
        )
    authority = USCC_AUTHORITIES.get(code[0])
    if authority is None:
        return invalid(_("第1位登记管理部门代码「%(c)s」不存在") % {"c": code[0]})
    if code[1] not in authority[1]:
        return invalid(
            _("第2位机构类别代码「%(c)s」不属于登记管理部门「%(authority)s」")
            % {"c": code[1], "authority": authority[0]}
        )
    if not code[2:8].isdigit():
        return invalid(_("第3至8位登记管理机关行政区划码必须是数字"))
    if code[16] != org_code_check_character(code[8:16]):
        return invalid(_("第9至17位组织机构代码的校验位错误"))
    if code[17] != uscc_check_character(code[:17]):
        return invalid(_("校验位错误"))
    return Check(code, True, "", "uscc")


def check_any(value: str | None) -> Check:
    """Validate a value as a resident ID number or a USCC, whichever it is; when neither, explain the likelier.

    `kind` is None when the value has the shape of neither (wrong length, characters neither may hold).
    """
    v = normalise(value)
    as_ric, as_uscc = check_resident_id(v), check_uscc(v)
    if as_ric.valid or as_uscc.valid:
        return as_ric if as_ric.valid else as_uscc
    if not v:
        return Check(v, False, str(_("请填写居民身份证号码或统一社会信用代码")), None)
    if _RIC_SHAPE.fullmatch(v) and v[6:8] in {"18", "19", "20"}:
        return as_ric
    if len(v) == 18 and all(c in USCC_ALPHABET for c in v):
        return as_uscc
    if len(v) == 18 and v[:17].isascii() and v[:17].isdigit():
        return as_ric
    return Check(v, False, as_ric.reason if len(v) != 18 else as_uscc.reason, None)


def validate_resident_id(value: str) -> None:
    """Django validator for model and form fields: raises ValidationError with the Chinese reason."""
    result = check_resident_id(value)
    if not result.valid:
        raise ValidationError(
            _("居民身份证号码无效:%(reason)s"), code="invalid_resident_id", params={"reason": result.reason}
        )


def validate_uscc(value: str) -> None:
    """Django validator for model and form fields: raises ValidationError with the Chinese reason."""
    result = check_uscc(value)
    if not result.valid:
        raise ValidationError(
            _("统一社会信用代码无效:%(reason)s"), code="invalid_uscc", params={"reason": result.reason}
        )
