"""Masking personal data in free text before a ticket is published (names, ID numbers, phones, addresses).

Built on core.masking's field helpers: this module only finds where the personal data sits in running text.
What it cannot tell apart it masks: a starred street name is a nuisance, a published phone number is a leak.
"""

import re

import jieba.posseg

from zhengwu.core.masking import mask_address, mask_name, mask_phone, mask_resident_id

_RESIDENT_ID = re.compile(
    r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])"
    r"|(?<!\d)[1-9]\d{14}(?!\d)"
)
_MOBILE = re.compile(r"(?<!\d)(?:(?:\+?86|0086)[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(?:\(?0\d{2,3}\)?[\s-]?)\d{7,8}(?:(?:-|转)\d{1,6})?(?!\d)")
_NUMERAL = r"[0-9０-９一二三四五六七八九十百零〇两]+"
_ADDRESS = re.compile(
    r"[\u4e00-\u9fff0-9]{0,24}?(?:路|街|巷|弄|大道|村|小区|社区|花园|苑|公寓|大厦|组)"
    rf"(?:{_NUMERAL}(?:号院|号楼|号|弄|组|栋|幢|单元|楼|层|室|户|排))+"
)
# Words that often sit right before an address and belong to the sentence, not to the address.
_ADDRESS_LEADS = (
    "家住在",
    "家住",
    "住在",
    "居住在",
    "住址",
    "地址",
    "位于",
    "地点",
    "来自",
    "在",
    "于",
    "是",
    "到",
)
_NAME_CUES = re.compile(
    r"(?:姓名|名叫|我叫|我是|本人|联系人|反映人|来电人|经办人)[:：为是]?\s*([\u4e00-\u9fff]{2,4}?)(?=[,，。;；、\s(（]|$)"
)

_COMPOUND_SURNAMES = (
    "欧阳",
    "司马",
    "上官",
    "诸葛",
    "东方",
    "皇甫",
    "尉迟",
    "公孙",
    "慕容",
    "令狐",
    "端木",
    "夏侯",
    "司徒",
    "长孙",
)
_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟"
    "谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤温康易乔饶"
)
_HONORIFIC = re.compile(r"女士|先生|同志|师傅|阿姨|大爷|大妈|老人|老师")


def _names_before_honorifics(text: str):
    """Full names written before a form of address ("欧阳娜娜女士", "李明同志"); a bare surname ("王先生") is kept."""
    for m in _HONORIFIC.finditer(text):
        end = m.start()
        for length in (4, 3, 2):
            start = end - length
            candidate = text[max(0, start) : end]
            if start < 0 or not re.fullmatch(r"[\u4e00-\u9fff]+", candidate):
                continue
            compound = candidate.startswith(_COMPOUND_SURNAMES) and length >= 3
            if compound or (candidate[0] in _SURNAMES and length <= 3):
                yield start, end
                break


def _address_start(text: str, start: int, end: int) -> int:
    span = text[start:end]
    for lead in _ADDRESS_LEADS:
        at = span.rfind(lead, 0, max(0, len(span) - 4))
        if at != -1 and lead in ("家住在", "家住", "住在", "居住在", "住址", "地址", "位于", "地点", "来自"):
            return start + at + len(lead)
    for lead in _ADDRESS_LEADS:
        if span.startswith(lead):
            return start + len(lead)
    return start


def _spans(text: str, names) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    for m in _RESIDENT_ID.finditer(text):
        found.append((m.start(), m.end(), mask_resident_id(m.group())))
    for pattern in (_MOBILE, _LANDLINE):
        for m in pattern.finditer(text):
            found.append((m.start(), m.end(), mask_phone(m.group())))
    for m in _ADDRESS.finditer(text):
        start = _address_start(text, m.start(), m.end())
        found.append((start, m.end(), mask_address(text[start : m.end()])))
    for name in {n.strip() for n in names if n and len(n.strip()) >= 2}:
        for m in re.finditer(re.escape(name), text):
            found.append((m.start(), m.end(), mask_name(name)))
    for m in _NAME_CUES.finditer(text):
        found.append((m.start(1), m.end(1), mask_name(m.group(1))))
    for start, end in _names_before_honorifics(text):
        found.append((start, end, mask_name(text[start:end])))
    offset = 0
    for word, flag in jieba.posseg.lcut(text):
        if flag == "nr" and 2 <= len(word) <= 4 and re.fullmatch(r"[\u4e00-\u9fff]+", word):
            found.append((offset, offset + len(word), mask_name(word)))
        offset += len(word)
    return found


def mask_free_text(text: str, *, names=()) -> str:
    """The text with every name, resident ID, phone number and street address in it masked."""
    if not text:
        return ""
    chosen: list[tuple[int, int, str]] = []
    # Longest first, so an address is masked whole rather than the name of its street alone.
    for start, end, replacement in sorted(_spans(text, names), key=lambda s: (-(s[1] - s[0]), s[0])):
        if all(end <= s or start >= e for s, e, _ in chosen):
            chosen.append((start, end, replacement))
    out, last = [], 0
    for start, end, replacement in sorted(chosen):
        out.append(text[last:start])
        out.append(replacement)
        last = end
    out.append(text[last:])
    return "".join(out)
