"""Personal data in running text: one detector per kind, and `mask_text()` that hides it before text is published.

`core.masking` masks a field whose kind is known (the form staff pages show, 138****5678). This module finds personal
data inside free text — a citizen's message, an organisation's reply — and gives each finding its *published* form,
which keeps nothing that points to a person:

| kind | found | published form |
|---|---|---|
| name | after cues (我叫, 联系人, 举报人 …), before a form of address (女士, 同志), X某/X某某, 姓X, known names, jieba | 张* / 欧*** |
| name of an official | surname or full name with a title (王科长, 李建国局长, 局长李建国) | *科长 / ***局长 |
| id_number | 18 characters (with X, spaces), 15-digit first-generation numbers, earlier masked forms (6+4) | all starred |
| mobile | 1[3-9]x xxxx xxxx with +86, spaces or dashes | all digits starred |
| landline | area code + 7–8 digits, extensions; 400/800 numbers; a local number after 电话/座机 | area code kept |
| email | name@domain, also with ＠ | ***@*** |
| plate | province + letter + 5 (新能源 6), suffixes 学/警/领/港/澳/挂, 使 plates | province and letter kept |
| bank_card | 16–19 digits (grouped or not) passing Luhn, or after 卡号/账号 | all digits starred |
| address | house number, building, unit, room, village group after a road, estate or village | numerals starred |

Why these forms: a published text is read by anyone, forever. 法释〔2016〕19号 (最高人民法院关于人民法院在互联网公布裁判
文书的规定) 第十条 deletes home addresses, contact details, ID numbers, bank accounts and car plates of natural persons
from what the courts publish, and 第八条 keeps only the surname of a person's name; GB/T 35273-2020 3.14/3.15 calls
the result de-identified. The area code, the plate's province and letter, the road and the estate name are kept
because they name a place, not a person. An official's surname with the title, within a named office, points to one
person, so the surname goes and the title (the role the public needs to know) stays.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from zhengwu.core.masking import STAR, mask_name

KINDS = ("name", "id_number", "mobile", "landline", "email", "plate", "bank_card", "address")


@dataclass(frozen=True)
class Finding:
    """One piece of personal data: where it sits in the text and what is published in its place."""

    kind: str
    start: int
    end: int
    masked: str


def _star(text: str, keep=r"[^0-9０-９A-Za-zＸｘ一二三四五六七八九十百零〇两]") -> str:
    """Every digit and letter starred; separators (spaces, dashes, parentheses, units) kept."""
    return "".join(c if re.fullmatch(keep, c) else STAR for c in text)


# ---- identifiers -------------------------------------------------------------------------------------------------

_DATE8 = r"(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
_DATE6 = r"\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
_ID_NUMBER = re.compile(
    rf"(?<![0-9A-Za-z])(?:[1-9]\d{{5}}[ -]?{_DATE8}[ -]?\d{{3}}[\dXx]|[1-9]\d{{5}}{_DATE6}\d{{3}})(?![0-9A-Za-z])"
)
# A number someone masked the staff way (360781********4517) still gives away the region and the last four.
_ID_PARTLY_MASKED = re.compile(r"(?<![0-9A-Za-z*])\d{1,6}[*＊]{4,14}\d{0,4}[\dXx]?(?![0-9A-Za-z*])")


def find_id_numbers(text: str) -> Iterator[Finding]:
    """Resident ID numbers (GB 11643: 18 characters, or 15 digits on old records), and ones already partly masked."""
    for m in _ID_NUMBER.finditer(text):
        yield Finding("id_number", m.start(), m.end(), _star(m[0]))
    for m in _ID_PARTLY_MASKED.finditer(text):
        if len(re.sub(r"\s", "", m[0])) in (15, 18):
            yield Finding("id_number", m.start(), m.end(), STAR * len(m[0]))


def _luhn(digits: str) -> bool:
    total = 0
    for i, d in enumerate(int(c) for c in reversed(digits)):
        total += d if i % 2 == 0 else (d * 2 - 9 if d > 4 else d * 2)
    return total % 10 == 0


_CARD = re.compile(r"(?<![\d-])(?:\d{16,19}|\d{4}(?:[ -]\d{4}){3}(?:[ -]?\d{1,3})?)(?![\d-])")
_CARD_CUES = re.compile(r"(?:卡|卡号|账号|帐号|账户|帐户)[:：是为]?\s*$")


def find_bank_cards(text: str) -> Iterator[Finding]:
    """Bank card and account numbers: 16–19 digits passing the Luhn check, or any such number right after 卡号/账号."""
    for m in _CARD.finditer(text):
        digits = re.sub(r"\D", "", m[0])
        cued = _CARD_CUES.search(text, max(0, m.start() - 6), m.start())
        if 16 <= len(digits) <= 19 and (_luhn(digits) or cued):
            yield Finding("bank_card", m.start(), m.end(), _star(m[0]))


# ---- phones and e-mail -------------------------------------------------------------------------------------------

_SEP = "[ \\-－—]"  # people type the dash of their input method: -, －, —
_MOBILE = re.compile(
    rf"(?<![\d+])(?:(?:\+|00)?86{_SEP}?)?1[3-9]\d(?:{_SEP}?\d{{4}}){{2}}(?!\d)|(?<!\d)1[3-9]\d[*＊]{{4}}\d{{4}}(?!\d)"
)


def find_mobiles(text: str) -> Iterator[Finding]:
    """Mobile numbers (with +86/0086, spaces or dashes), and ones masked the staff way (139****2345)."""
    for m in _MOBILE.finditer(text):
        yield Finding("mobile", m.start(), m.end(), _star(m[0]))


_EXTENSION = rf"(?:\s*(?:{_SEP}|转|分机)\s*\d{{1,6}})?"
_LANDLINE = re.compile(
    rf"(?<![\d*])(?P<area>[(（]0\d{{2,3}}[)）]|0\d{{2,3}}){_SEP}?(?P<local>\d{{7,8}}){_EXTENSION}(?!\d)"
    rf"|(?<![\d*])(?P<service>[48]00){_SEP}?\d{{3}}{_SEP}?\d{{4}}(?!\d)"
)
# A local number without its area code is a phone only where the text says so.
_LOCAL_AFTER_CUE = re.compile(
    rf"(?:电话|座机|固话|拨打|致电|联系方式)(?:号码)?[:：是为]?\s*(?P<local>[2-8]\d{{6,7}}){_EXTENSION}(?!\d)"
)


def _area_length(digits: str) -> int:
    """Beijing (010) and the 02x cities have three-digit area codes, the others four."""
    return 3 if digits[1] in "12" else 4


def find_landlines(text: str) -> Iterator[Finding]:
    """Landlines with an area code (with or without separators, extensions), 400/800 numbers, local numbers after 电话."""
    for m in _LANDLINE.finditer(text):
        if m["service"]:
            yield Finding("landline", m.start(), m.end(), m["service"] + _star(m[0][3:]))
            continue
        area = m["area"]
        if not area.startswith(("(", "（")) and text[m.start() + len(area)].isdigit():
            digits = re.sub(r"\D", "", m[0])
            area = digits[: _area_length(digits)]
        yield Finding("landline", m.start(), m.end(), area + _star(m[0][len(area) :]))
    for m in _LOCAL_AFTER_CUE.finditer(text):
        yield Finding("landline", m.start("local"), m.end(), _star(text[m.start("local") : m.end()]))


_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9][A-Za-z0-9._%+\-]*\s*[@＠]\s*[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"
)


def find_emails(text: str) -> Iterator[Finding]:
    """E-mail addresses, also written with a full-width ＠ or spaces around it."""
    for m in _EMAIL.finditer(text):
        yield Finding("email", m.start(), m.end(), "***@***")


# ---- car plates --------------------------------------------------------------------------------------------------

_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_LETTER = "[A-HJ-NP-Za-hj-np-z]"  # plates use no I or O
_ALNUM = "[A-HJ-NP-Za-hj-np-z0-9]"
_PLATE = re.compile(
    rf"[{_PROVINCES}]{_LETTER}[ ·•.]?"
    rf"(?:[DFdf]{_ALNUM}\d{{4}}|\d{{5}}[DFdf]"  # 新能源: 8 characters in all (GA 36-2018)
    rf"|{_ALNUM}{{4}}[学警港澳领挂试超]|{_ALNUM}{{5}})"
    rf"(?![A-Za-z0-9])"
    rf"|使[ ·]?\d{{3}}[ ·]?\d{{3}}(?!\d)"  # embassies: 使 and six digits
)


def find_plates(text: str) -> Iterator[Finding]:
    """Car plates: ordinary (赣B12345), new-energy (赣BD12345), suffixed (学/警/领/港/澳/挂), embassy (使014578)."""
    for m in _PLATE.finditer(text):
        plate = m[0]
        kept = 1 if plate.startswith("使") else 2
        yield Finding("plate", m.start(), m.end(), plate[:kept] + _star(plate[kept:], keep=r"[ ·•.]"))


# ---- addresses ---------------------------------------------------------------------------------------------------

_NUMERAL = r"(?:[0-9０-９]+|[一二三四五六七八九十百零〇两]+)"
_STRONG_UNITS = r"号院|号楼|栋|幢|座|单元|室|组|期"
# One numbered part: 18号, 3栋, 2单元, 501室, 附3号; after a building or unit the room may go without 室 (1单元1201).
_ADDRESS_PART = (
    rf"{_NUMERAL}(?:(?:单元|号楼|栋|幢|座|楼)(?:\d{{3,4}}(?![\d])(?:室|房)?)?|号院|号|室|组|期|层|户|排|弄)"
    rf"|附{_NUMERAL}号"
)
_ADDRESS = re.compile(rf"(?:{_ADDRESS_PART})+")
_ADDRESS_DASHED = re.compile(r"(?<![\d:：.-])\d{1,4}(?:-\d{1,4}){1,3}(?:号|室)?(?![\d-])")  # 红都大道18-3-501
# The end of a place that numbers follow: roads, streets, estates, villages.
_PLACE_ENDS = re.compile(
    r"(?:路|街|大道|巷|弄|胡同|里|村|屯|庄|寨|社区|小区|园|苑|城|府|邸|湾|广场|公寓|大厦|新村|家园)$"
)
# Words after which a building number is someone's address ("我家在7幢", "住在5栋").
_LIVING_CUES = re.compile(r"(?:住在|家住|家在|住址[:：]?|地址[:：]?|住|在|于|到|寄到|邮寄到)$")
_NOT_NUMERAL = r"[^0-9０-９一二三四五六七八九十百零〇两]"


def find_addresses(text: str) -> Iterator[Finding]:
    """House numbers, buildings, units, rooms and village groups (…路18号3栋2单元501室, 洁源村3组): the road, estate
    or village they follow is kept, the numbers are hidden."""
    found: list[Finding] = []
    for pattern in (_ADDRESS, _ADDRESS_DASHED):
        for m in pattern.finditer(text):
            before = text[max(0, m.start() - 8) : m.start()]
            after_place = _PLACE_ENDS.search(before) is not None
            strong = pattern is _ADDRESS and re.search(_STRONG_UNITS, m[0])
            # 5栋和6栋: the second building of a pair belongs to the same place
            paired = strong and any(text[f.end : m.start()] in _JOINERS for f in found)
            if after_place or paired or (strong and _LIVING_CUES.search(before)):
                found.append(Finding("address", m.start(), m.end(), _star(m[0], keep=_NOT_NUMERAL)))
    yield from found


_JOINERS = ("和", "、", "及", "与", "或", "至", "到")


# ---- names -------------------------------------------------------------------------------------------------------

_COMPOUND_SURNAMES = (
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "端木", "夏侯", "司徒", "长孙",
    "宇文", "轩辕", "单于", "呼延", "闻人", "南宫",
)  # fmt: skip
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟"
    "谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤温康易乔饶"
    "常傅赖文欧甘左柳翟聂章鲁葛伍庞樊兰殷施洪翁安颜倪牛关祝包申单季盛耿焦尚柯邢骆凌宁滕裴鲍梅霍阮蒙詹卜"
    "车褚芦简蓝米麦宫邬岳华纪苗席荣晏屈祁全俞缪戚涂谷卓鞠蔺冉"
)
# Surnames that are also everyday words right before a title (关于局长…, 向科长反映): not taken as a surname there.
_WORDLIKE_SURNAMES = frozenset("于向和将从时能成经对把被给让常文安关全单车")
_HAN = r"[\u4e00-\u9fff]"
# Characters that do not occur in given names: where a name read after a cue ends.
_NOT_IN_NAME = frozenset(
    "的了在是和与及或等也都就还又再已因于称说讲问打找帮给把被对向从到去住请要让将为我你他她们这那有没不很个年月日岁号"
    "先女士老师傅阿姨爷妈姐哥公司属投诉举报其系男入现两位、"
)
# Words that follow a name and begin with a character names do have (张伟家住…, 李建国来电…).
_AFTER_NAME_WORDS = (
    "家住", "家在", "家里", "家门", "家属", "今年", "反映", "来电", "电话", "手机", "身份", "联系", "同志",
)  # fmt: skip
_OFFICIAL_TITLES = (
    "副局长", "局长", "副科长", "科长", "副所长", "所长", "副主任", "主任", "副书记", "书记", "副队长", "队长", "站长",
    "副镇长", "镇长", "乡长", "村长", "县长", "副市长", "市长", "院长", "校长", "园长", "处长", "厅长", "部长", "股长",
    "组长", "支书", "会计", "干事", "科员", "警官", "教练", "老师", "医生", "护士", "经理", "老板", "主管", "法官",
    "店长", "厂长", "同学",
)  # fmt: skip
# Words a name follows. After the first group a name is what comes next (我叫…, 联系人…); after the others a verb
# may come instead (局长关注…, 司机开车…), so there a reading that starts with an everyday word is not a name.
_NAMING_CUES = (
    "我叫", "名叫", "叫做", "姓名", "联系人", "被举报人", "举报人", "被投诉人", "投诉人", "反映人", "来电人", "诉求人",
    "申请人", "当事人", "经办人", "收件人", "开户人", "户名", "户主", "业主", "车主", "本人", "我是", "个体户",
)  # fmt: skip
_OFFICIAL_CUES = (
    "工作人员", "干部", "民警", "辅警", "协警", "城管", "执法人员", "局长", "科长", "所长", "主任", "书记", "镇长",
    "村主任", "队长", "站长", "会计", "司机", "法人", "法定代表人", "负责人", "老板", "经理", "医生", "教练", "老师",
    "班主任", "包工头", "店长", "厂长", "保安", "科员", "教师",
)  # fmt: skip
_RELATION_CUES = (
    "市民", "村民", "居民", "患者", "家属", "员工", "丈夫", "妻子", "父亲", "母亲", "儿子", "女儿", "公公", "婆婆",
    "爷爷", "奶奶", "哥哥", "姐姐", "弟弟", "妹妹", "孩子", "孙子", "孙女", "爸爸", "妈妈", "他爸", "他妈", "我爸",
    "我妈", "老公", "老婆", "爱人", "骑手", "学员", "学生", "网友", "来信人", "邻居",
)  # fmt: skip
_CIVIL_ADDRESS = r"女士|先生|小姐|同志|师傅|阿姨|大爷|大妈|大姐|大哥|奶奶|爷爷|叔叔"


def _surname_at(text: str, at: int) -> int:
    """The length of the surname starting at `at` (2 for 欧阳, 1 for 王), 0 if none."""
    if text.startswith(_COMPOUND_SURNAMES, at):
        return 2
    return 1 if at < len(text) and text[at] in SURNAMES else 0


def _name_after(text: str, at: int) -> int:
    """The end of a name starting at `at`, read up to the first character no given name has; 0 if none starts there."""
    surname = _surname_at(text, at)
    if not surname:
        return 0
    end = at + surname
    while end < len(text) and end - at < surname + 2 and re.fullmatch(_HAN, text[end]):
        if (
            text[end] in _NOT_IN_NAME
            or text.startswith(_AFTER_NAME_WORDS, end)
            or _FOLLOWS_NAME.match(text, end)
        ):
            break
        if text[end] in _PROVINCES and re.match(r"[A-Za-z*]", text[end + 1 : end + 2]):
            break  # the province of a car plate (教练车赣B0523学), masked or not
        end += 1
    return end if end - at >= 2 else 0


_CUE_WORDS = "|".join(sorted({*_NAMING_CUES, *_OFFICIAL_CUES, *_RELATION_CUES}, key=len, reverse=True))
_CUE = re.compile(rf"(?P<cue>{_CUE_WORDS})(?:[:：为是]|\s)*")
# Where a clause starts: at the start, after punctuation, or right after a cue (被举报人常队长).
_CLAUSE_START = re.compile(rf"(?:^|[^\u4e00-\u9fff]|{_CUE_WORDS})$")
_TITLE = re.compile("|".join(_OFFICIAL_TITLES))
_CIVIL = re.compile(_CIVIL_ADDRESS)
_FOLLOWS_NAME = re.compile(f"{_TITLE.pattern}|{_CIVIL.pattern}")
_PSEUDONYM = re.compile(r"([\u4e00-\u9fff])某某?")
_SURNAME_ONLY = re.compile(r"(?:我|他|她|其|对方|此人|该人)?姓([\u4e00-\u9fff])(?=[的,，。、;；\s]|$)")


def _official(start: int, end: int) -> Finding:
    return Finding("name", start, end, STAR * (end - start))


def _citizen(text: str, start: int, end: int) -> Finding:
    return Finding("name", start, end, mask_name(text[start:end]))


def _names_after_cues(text: str) -> Iterator[Finding]:
    for m in _CUE.finditer(text):
        end = _name_after(text, m.end())
        if not end or (m["cue"] not in _NAMING_CUES and _starts_with_everyday_word(text[m.end() : end])):
            continue
        official = m["cue"] in _OFFICIAL_CUES
        yield _official(m.end(), end) if official else _citizen(text, m.end(), end)
        # 白雪、白雨姐妹: a list of names after one cue
        while end + 1 < len(text) and text[end] == "、" and (following := _name_after(text, end + 1)):
            yield _official(end + 1, following) if official else _citizen(text, end + 1, following)
            end = following


def _name_before(text: str, end: int) -> int:
    """The start of the name just before `end` (a title or a form of address follows it); -1 if none.

    The longest reading wins (王建国局长 over 国局长), but not one that starts with an everyday word (关于欧阳局长) or
    with the last character of a title (班主任余老师)."""
    for length in (4, 3, 2, 1):
        start = end - length
        candidate = text[max(0, start) : end]
        if start < 0 or not re.fullmatch(f"{_HAN}+", candidate):
            continue
        surname = _surname_at(candidate, 0)
        if not surname or length > surname + 2:
            continue
        if candidate[0] in _WORDLIKE_SURNAMES and not _CLAUSE_START.search(text, 0, start):
            continue
        closes_a_title = text[: start + 1].endswith(_OFFICIAL_TITLES)
        if closes_a_title or any(c in _NOT_IN_NAME for c in candidate[surname:]):
            continue
        return start
    return -1


def _names_with_titles(text: str) -> Iterator[Finding]:
    """王科长, 李建国局长, 欧阳局长: the whole name of an official is hidden, the title stays."""
    for m in _TITLE.finditer(text):
        start = _name_before(text, m.start())
        if start >= 0:
            yield _official(start, m.start())


def _names_before_civil_forms(text: str) -> Iterator[Finding]:
    """欧阳娜娜女士, 贺建军同志: a full name before a form of address; a bare surname (王先生) says too little to hide."""
    for m in _CIVIL.finditer(text):
        start = _name_before(text, m.start())
        if start >= 0 and m.start() - start > _surname_at(text, start):
            yield _citizen(text, start, m.start())


def _pseudonyms_and_surnames(text: str) -> Iterator[Finding]:
    """王某某, 刘某 (a surname still narrows who it is) and 姓王 (a surname given alone)."""
    for m in _PSEUDONYM.finditer(text):
        if m[1] in SURNAMES and m[1] not in _WORDLIKE_SURNAMES:
            yield _citizen(text, m.start(1), m.end())
    for m in _SURNAME_ONLY.finditer(text):
        if m[1] in SURNAMES:
            yield _official(m.start(1), m.end(1))


# A word jieba's dictionary counts this often (阳光 3451, 高峰 1556) is an everyday word even when tagged as a name.
_EVERYDAY_WORD_FREQUENCY = 100


def _word_frequency() -> dict:
    import jieba  # loading the dictionary takes a second: only when text is masked

    jieba.initialize()
    return jieba.dt.FREQ


def _starts_with_everyday_word(reading: str) -> bool:
    frequency = _word_frequency()
    return any(
        (frequency.get(reading[:n]) or 0) >= _EVERYDAY_WORD_FREQUENCY for n in (2, 3) if n <= len(reading)
    )


def _names_by_segmentation(text: str) -> Iterator[Finding]:
    """Names jieba's tagger recognises (nr) that start with a known surname and are not everyday words."""
    import jieba.posseg

    frequency = _word_frequency()
    offset = 0
    for word, flag in jieba.posseg.lcut(text):
        surname = _surname_at(word, 0)
        if (
            flag == "nr"
            and 2 <= len(word) <= 4
            and surname
            and word[0] not in _WORDLIKE_SURNAMES
            and re.fullmatch(f"{_HAN}+", word)
            and not any(c in _NOT_IN_NAME for c in word[surname:])
            and not _FOLLOWS_NAME.search(word, surname)  # 陈医生, 王先生: the title decides, below
            and (frequency.get(word) or 0) < _EVERYDAY_WORD_FREQUENCY
        ):
            yield _citizen(text, offset, offset + len(word))
        offset += len(word)


def find_names_by_context(text: str) -> Iterator[Finding]:
    """Names the words around them show: after cues, with titles or forms of address, X某, 姓X."""
    yield from _names_after_cues(text)
    yield from _names_with_titles(text)
    yield from _names_before_civil_forms(text)
    yield from _pseudonyms_and_surnames(text)


def find_names(text: str, known: Iterable[str] = ()) -> Iterator[Finding]:
    """Names of people: by context, `known` names (the caller's), and those jieba's tagger recognises."""
    yield from find_names_by_context(text)
    for name in {n.strip() for n in known if n and len(n.strip()) >= 2}:
        for m in re.finditer(re.escape(name), text):
            yield _citizen(text, m.start(), m.end())
    yield from _names_by_segmentation(text)


# ---- all together ------------------------------------------------------------------------------------------------

DETECTORS: dict[str, Callable[[str], Iterable[Finding]]] = {
    "id_number": find_id_numbers,
    "bank_card": find_bank_cards,
    "mobile": find_mobiles,
    "landline": find_landlines,
    "email": find_emails,
    "plate": find_plates,
    "address": find_addresses,
    "name": find_names,
}
# Where two findings cover the same characters, the longer wins; at equal length, the earlier kind here.
_PRIORITY = {kind: i for i, kind in enumerate(DETECTORS)}


def detect(text: str, *, names: Iterable[str] = ()) -> list[Finding]:
    """Every piece of personal data in the text, without overlaps, in reading order."""
    if not text:
        return []
    found = [f for kind, find in DETECTORS.items() if kind != "name" for f in find(text)]
    found += find_names(text, names)
    chosen: list[Finding] = []
    for f in sorted(found, key=lambda f: (-(f.end - f.start), _PRIORITY[f.kind], f.start)):
        if all(f.end <= c.start or f.start >= c.end for c in chosen):
            chosen.append(f)
    return sorted(chosen, key=lambda f: f.start)


def mask_text(text: str, *, names: Iterable[str] = ()) -> str:
    """The text with every piece of personal data in its published form (see the table above)."""
    if not text:
        return ""
    out, last = [], 0
    for f in detect(text, names=names):
        out += [text[last : f.start], f.masked]
        last = f.end
    out.append(text[last:])
    return "".join(out)
