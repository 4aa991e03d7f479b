"""Masking personal data for staff pages: one function per kind of field (`core.personal` decides which fields are
personal and shows them in full only after a reveal with a reason, which is logged).

Each helper accepts whatever a field holds (None, blanks, odd formats). A value whose shape is not recognised is
masked harder, never shown: showing too little is a nuisance, showing too much is a leak.
"""

import re

from zhengwu.core.ids import normalise

STAR = "*"


def _keep_ends(text: str, head: int, tail: int) -> str:
    """Keep `head` characters at the start and `tail` at the end, star the rest (all of it when too short)."""
    hidden = len(text) - head - tail
    if hidden <= 0:
        return STAR * len(text)
    return text[:head] + STAR * hidden + (text[-tail:] if tail else "")


def mask_resident_id(value: str | None) -> str:
    """Keep the region code and the last four: 110105********002X."""
    number = normalise(value)
    if len(number) == 18:
        return _keep_ends(number, 6, 4)
    if len(number) == 15:  # first-generation numbers still printed on old records
        return _keep_ends(number, 6, 3)
    return _keep_ends(number, 1, 1)


_MOBILE = re.compile(r"(?:\+?86|0086)?[\s-]*(1\d{2})[\s-]*(\d{4})[\s-]*(\d{4})")
_LANDLINE = re.compile(
    r"(?:\(?(?P<area>0\d{2,3})\)?[\s-]*)?(?P<local>\d{7,8})(?:\s*(?:-|转|ext\.?|x)\s*\d{1,6})?", re.IGNORECASE
)


def mask_phone(value: str | None) -> str:
    """Mobiles keep the first three and last four (138****5678); landlines the area code and last 3-4 (0701-****567)."""
    raw = str(value or "").strip()
    if not raw:
        return ""
    if mobile := _MOBILE.fullmatch(raw):
        return f"{mobile[1]}****{mobile[3]}"
    digits = re.sub(r"\D", "", raw)
    if raw.isdigit() and len(digits) in (10, 11, 12) and digits.startswith("0"):
        # Written without a separator: Beijing (010) and the 02x cities have three-digit area codes, others four.
        area = digits[:3] if digits[1] in "12" else digits[:4]
        return f"{area}-{_mask_local(digits[len(area) :])}"
    if line := _LANDLINE.fullmatch(raw):
        local = _mask_local(line["local"])
        return f"{line['area']}-{local}" if line["area"] else local
    return _keep_ends(digits, 0, 2) if digits else STAR * len(raw)


def _mask_local(local: str) -> str:
    return _keep_ends(local, 0, 4 if len(local) >= 8 else 3)


def mask_name(value: str | None) -> str:
    """Keep the first character: 张三 → 张*, 欧阳娜娜 → 欧***."""
    name = str(value or "").strip()
    return _keep_ends(name, 1, 0) if len(name) > 1 else STAR * len(name)


def mask_email(value: str | None) -> str:
    """Keep the first character of the mailbox and the whole domain: z***@example.com."""
    email = str(value or "").strip()
    local, at, domain = email.rpartition("@")
    if not at:
        return _keep_ends(email, 1, 0)
    return (local[0] + STAR * 3 if len(local) > 1 else STAR * 3) + "@" + domain


# A division's name: no digits, blanks or punctuation, and none of the words that start the street-level part.
_NAME = r"[^\s\d,，。;；:：()（）\-—#路街道巷弄号组栋楼室幢单元层]"
_DIVISION_LEVELS = [
    re.compile(
        rf"(?:北京市|天津市|上海市|重庆市|香港特别行政区|澳门特别行政区|{_NAME}{{2,8}}?(?:省|自治区))"
    ),
    re.compile(rf"{_NAME}{{1,12}}?(?:自治州|地区|盟|市)"),
    re.compile(rf"{_NAME}{{1,12}}?(?:自治县|自治旗|林区|特区|县|区|旗|市)"),
    re.compile(rf"{_NAME}{{1,12}}?(?:街道办事处|街道|民族乡|镇|乡|苏木)"),
]
# Places that end like a division but are not one.
_NOT_A_DIVISION = ("社区", "小区", "超市", "集市", "菜市", "门市")
ADDRESS_STARS = STAR * 4


def mask_address(value: str | None) -> str:
    """Keep the divisions down to the township or street (紫阳镇, 中关村街道) and star the rest.

    Divisions are recognised by their suffixes in order (province, city, county, township), each optional; what
    follows the last one recognised is hidden. With none recognised, all is hidden.
    """
    address = re.sub(r"\s+", "", str(value or ""))
    if not address:
        return ""
    kept = 0
    for level in _DIVISION_LEVELS:
        found = level.match(address, kept)
        if found and not found[0].endswith(_NOT_A_DIVISION):
            kept = found.end()
    rest = address[kept:]
    return address[:kept] + (ADDRESS_STARS if rest else "")
