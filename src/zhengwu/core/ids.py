"""Identifiers: resident ID numbers (GB 11643) and unified social credit codes (GB 32100, with GB 11714 inside).

Validation answers in Chinese and says what is wrong. A resident ID is never rejected because its region code is
no longer in use (people keep their numbers for life); a USCC is never rejected because its registration-authority
character is a letter (N 农业, Y 其他 …).
"""

import datetime as dt
from dataclasses import dataclass

from zhengwu.core import clock

# GB 11643-1999: weights 2^(17-i) mod 11, check character from the remainder.
_RIC_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_RIC_CHECK = "10X98765432"

# GB 32100-2015: 31 characters (no I, O, Z, S, V), weights 3^i mod 31.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
# GB 32100 表1: registration authorities and the organisation types each may issue.
USCC_AUTHORITIES = {
    "1": ("机构编制", "1239"), "2": ("外交", "19"), "3": ("司法行政", "1239"), "4": ("文化", "19"),
    "5": ("民政", "1239"), "6": ("旅游", "19"), "7": ("宗教", "129"), "8": ("工会", "19"),
    "9": ("工商(市场监管)", "123"), "A": ("中央军委改革和编制办公室", "19"), "N": ("农业", "1239"),
    "Y": ("其他", "1"),
}
# GB 11714-1997: organisation code of 8 characters and a check character.
_ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]


@dataclass(frozen=True)
class Check:
    value: str
    valid: bool
    reason: str = ""

    def __str__(self) -> str:
        return f"{self.value} valid" if self.valid else f"{self.value} invalid: {self.reason}"


def ric_check_character(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits of a resident ID number."""
    return _RIC_CHECK[sum(int(c) * w for c, w in zip(first17, _RIC_WEIGHTS, strict=True)) % 11]


def check_resident_id(value: str) -> Check:
    """Validate an 18-character resident ID number: digits, a real birth date, the check character."""
    number = (value or "").strip().upper()
    if len(number) != 18:
        return Check(value, False, f"长度应为18位,实际为{len(number)}位")
    if not number[:17].isdigit():
        return Check(value, False, "前17位必须是数字")
    if not (number[17].isdigit() or number[17] == "X"):
        return Check(value, False, "第18位(校验位)只能是数字或X")
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return Check(value, False, "出生日期无效")
    if born.year < 1900 or born > clock.today():
        return Check(value, False, "出生日期无效")
    if number[17] != ric_check_character(number[:17]):
        return Check(value, False, "校验位错误")
    return Check(number, True)


def org_code_check_character(first8: str) -> str:
    """The GB 11714 check character for an 8-character organisation code."""
    total = sum(_org_value(c) * w for c, w in zip(first8, _ORG_WEIGHTS, strict=True))
    rest = 11 - total % 11
    return "X" if rest == 10 else "0" if rest == 11 else str(rest)


def _org_value(c: str) -> int:
    return int(c) if c.isdigit() else ord(c) - ord("A") + 10


def uscc_check_character(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters of a USCC."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def make_uscc(authority: str, kind: str, region: str, org8: str) -> str:
    """Assemble a valid USCC from its parts, computing both check characters (used by the demo and tests)."""
    body = f"{authority}{kind}{region}{org8}{org_code_check_character(org8)}"
    return body + uscc_check_character(body)


def check_uscc(value: str) -> Check:
    """Validate a USCC: 18 characters of the 31-character set, authority and type, region, organisation code, check."""
    code = (value or "").strip().upper()
    if len(code) != 18:
        return Check(value, False, f"长度应为18位,实际为{len(code)}位")
    bad = [c for c in code if c not in USCC_ALPHABET]
    if bad:
        return Check(value, False, f"含有不允许的字符「{''.join(dict.fromkeys(bad))}」(不使用I、O、Z、S、V)")
    authority = USCC_AUTHORITIES.get(code[0])
    if authority is None:
        return Check(value, False, f"第1位登记管理部门代码「{code[0]}」无效")
    if code[1] not in authority[1]:
        return Check(value, False, f"第2位机构类别代码「{code[1]}」与登记管理部门({authority[0]})不符")
    if not code[2:8].isdigit():
        return Check(value, False, "第3至8位登记管理机关行政区划码必须是数字")
    org = code[8:17]
    if org[8] != org_code_check_character(org[:8]):
        return Check(value, False, "第9至17位组织机构代码的校验位错误")
    if code[17] != uscc_check_character(code[:17]):
        return Check(value, False, "校验位错误")
    return Check(code, True)


def check_any(value: str) -> Check:
    """Validate a value as a resident ID number or a USCC, whichever it is; when neither, explain the likelier."""
    v = (value or "").strip().upper()
    as_ric, as_uscc = check_resident_id(v), check_uscc(v)
    if as_ric.valid or as_uscc.valid:
        return as_ric if as_ric.valid else as_uscc
    looks_like_ric = len(v) == 18 and v[:17].isdigit() and v[6:8] in {"18", "19", "20"}
    return as_ric if looks_like_ric else as_uscc
