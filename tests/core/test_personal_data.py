"""The masking library (core.personal_data): one table of cases per kind of personal data (what is found, its published
form, and text that must be left alone), the issue's example, overlaps and idempotence.

Recall on the labelled texts is in test_masking_recall.py."""

import pytest

from zhengwu.core.personal_data import (
    detect,
    find_addresses,
    find_bank_cards,
    find_emails,
    find_id_numbers,
    find_landlines,
    find_mobiles,
    find_names_by_context,
    find_plates,
    mask_text,
)
from zhengwu.tickets.masking import mask_free_text


def spans(finder, text: str) -> list[tuple[str, str]]:
    """What a detector finds, as (found text, published form)."""
    return [(text[f.start : f.end], f.masked) for f in finder(text)]


# ---- the issue's example: a 举报 whose masking left the e-mail, the plate, 6+4 of the ID and 王科长

ISSUE_EXAMPLE = (
    "举报城管局王科长收受商户好处费,他开赣B12345的车。举报人邮箱jubao2026@163.com,"
    "身份证360781199003154517,电话13979712345。"
)


@pytest.mark.parametrize("mask", [mask_text, mask_free_text])
def test_the_issue_example_keeps_nothing_that_points_to_a_person(mask):
    masked = mask(ISSUE_EXAMPLE)
    for secret in ("jubao2026", "163.com", "B12345", "12345的车", "王科长", "360781", "4517", "13979712345"):
        assert secret not in masked, (secret, masked)
    assert "城管局*科长" in masked and "赣B*****" in masked and "******************" in masked
    assert "收受商户好处费" in masked  # the matter itself stays readable


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("身份证360781199003154517已核验", [("360781199003154517", "******************")]),
        ("证件号码11010519491231002X", [("11010519491231002X", "******************")]),
        ("号码36210219890701221x", [("36210219890701221x", "******************")]),
        ("身份证 360781 19900315 4517 丢失", [("360781 19900315 4517", "****** ******** ****")]),
        ("老身份证360102561105153", [("360102561105153", "***************")]),
        ("之前公开的360781********4517也要改", [("360781********4517", "******************")]),
        ("订单号202611180001已取消", []),  # twelve digits: not an ID
        ("工单编号2026111800123", []),
    ],
)
def test_id_numbers(text, found):
    assert spans(find_id_numbers, text) == found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("电话13979712345", [("13979712345", "***********")]),
        ("手机 139 7971 2345 ", [("139 7971 2345", "*** **** ****")]),
        ("号码186-7971-3344", [("186-7971-3344", "***-****-****")]),
        ("拨+86 138 7971 0001", [("+86 138 7971 0001", "+** *** **** ****")]),
        ("联系我+8613979717777", [("+8613979717777", "+*************")]),
        ("原来写的139****2345", [("139****2345", "***********")]),
        ("12345热线", []),
        ("身份证360781199003154517", []),  # digits inside a longer number are not a phone
    ],
)
def test_mobiles(text, found):
    assert spans(find_mobiles, text) == found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("座机0797-8221234", [("0797-8221234", "0797-*******")]),
        ("电话(0797)6228899", [("(0797)6228899", "(0797)*******")]),
        ("打0797 8556677", [("0797 8556677", "0797 *******")]),
        ("拨打07978221234咨询", [("07978221234", "0797*******")]),
        ("北京01062345678", [("01062345678", "010********")]),
        ("固话010-62345678", [("010-62345678", "010-********")]),
        ("0797－2533669", [("0797－2533669", "0797－*******")]),
        ("0797-2101234转8001", [("0797-2101234转8001", "0797-*******转****")]),
        ("0797-8221234-602", [("0797-8221234-602", "0797-*******-***")]),
        ("客服400-800-1234", [("400-800-1234", "400-***-****")]),
        ("客服8008208820", [("8008208820", "800*******")]),
        ("电话8226677找主任", [("8226677", "*******")]),
        ("共8226677元", []),  # seven digits with no 电话 before them: not a phone
        ("欢迎拨打12345", []),
    ],
)
def test_landlines(text, found):
    assert spans(find_landlines, text) == found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("邮箱chenxy1988@163.com,", [("chenxy1988@163.com", "***@***")]),
        ("发到test.user@company.com.cn联系", [("test.user@company.com.cn", "***@***")]),
        ("QQ邮箱123456789＠qq.com", [("123456789＠qq.com", "***@***")]),
        ("OuYangJH@163.com", [("OuYangJH@163.com", "***@***")]),
        ("@某某 你好", []),
    ],
)
def test_emails(text, found):
    assert spans(find_emails, text) == found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("车牌赣B12345的车", [("赣B12345", "赣B*****")]),
        ("赣F·A3821货车", [("赣F·A3821", "赣F·*****")]),
        ("新能源赣BD12345", [("赣BD12345", "赣B******")]),  # 8 characters (GA 36-2018)
        ("大型新能源赣B12345D", [("赣B12345D", "赣B******")]),
        ("赣b56789网约车", [("赣b56789", "赣b*****")]),
        ("教练车赣B0523学", [("赣B0523学", "赣B*****")]),
        ("警车赣B1234警", [("赣B1234警", "赣B*****")]),
        ("粤Z1234港", [("粤Z1234港", "粤Z*****")]),
        ("领事馆车辆沪A1234领", [("沪A1234领", "沪A*****")]),
        ("使馆车使014578", [("使014578", "使******")]),
        ("江西赣州市", []),
        ("G105国道", []),
    ],
)
def test_plates(text, found):
    assert spans(find_plates, text) == found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("卡号6222020365762303805", [("6222020365762303805", "*******************")]),  # Luhn
        ("6217 0005 0174 8663 177被冻结", [("6217 0005 0174 8663 177", "**** **** **** **** ***")]),
        ("4367-4292-7763-6726", [("4367-4292-7763-6726", "****-****-****-****")]),
        ("账号6222020365762303806", [("6222020365762303806", "*******************")]),  # not Luhn: cued
        ("流水6222020365762303806", []),  # not Luhn, no cue
        ("身份证360781199003154517", []),  # 18 digits, not Luhn
    ],
)
def test_bank_cards(text, found):
    assert spans(find_bank_cards, text) == found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("家住红都大道18号3栋2单元501室,", [("18号3栋2单元501室", "**号*栋*单元***室")]),
        ("金都小区8号楼1单元1201漏水", [("8号楼1单元1201", "*号楼*单元****")]),
        ("阳光路9号院2号楼3单元402室", [("9号院2号楼3单元402室", "*号院*号楼*单元***室")]),
        ("红旗路12号附3号", [("12号附3号", "**号附*号")]),
        ("解放路120-2号门面", [("120-2号", "***-*号")]),
        ("洁源村3组", [("3组", "*组")]),
        ("东升村2组15号", [("2组15号", "*组**号")]),
        ("城北社区3期5栋二楼", [("3期5栋二楼", "*期*栋*楼")]),
        ("我家在7幢1单元601室", [("7幢1单元601室", "*幢*单元***室")]),
        ("小区5栋和6栋之间", [("5栋", "*栋"), ("6栋", "*栋")]),
        ("11月18号上午", []),
        ("请到3号窗口", []),
        ("该小区共有18栋住宅,约1200户", []),
        ("3路、5路公交", []),
        ("9:00-17:00", []),
    ],
)
def test_addresses(text, found):
    assert spans(find_addresses, text) == found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("我叫张三,住在", [("张三", "张*")]),
        ("联系人:欧阳娜娜,电话", [("欧阳娜娜", "欧***")]),
        ("被举报人张某某,系", [("张某某", "张**")]),
        ("市民李建国来电", [("李建国", "李**")]),
        ("联系人李明13979712345", [("李明", "李*")]),
        ("请王科长回复", [("王", "*")]),
        ("举报李局长受贿", [("李", "*")]),
        ("张所长不在岗", [("张", "*")]),
        ("举报王建国局长", [("王建国", "***")]),
        ("局长王建国在办公室", [("王建国", "***")]),
        ("关于欧阳局长的问题", [("欧阳", "**")]),
        ("班主任余老师不管", [("余", "*")]),
        ("被举报人常队长收钱", [("常", "*")]),
        ("民警,姓刘,态度差", [("刘", "*")]),
        ("欧阳娜娜女士", [("欧阳娜娜", "欧***")]),
        ("贺建军同志:您好", [("贺建军", "贺**")]),
        ("白雪、白雨姐妹", []),  # no cue before them: left to the tagger below
        ("王先生您好", []),  # a surname with a form of address says too little to hide
        ("关于群众反映的问题", []),
        ("请局长关注一下", []),
    ],
)
def test_names_by_context(text, found):
    assert sorted(set(spans(find_names_by_context, text))) == sorted(found)


def test_names_the_tagger_finds_and_the_callers_own_name():
    assert mask_text("张伟来电反映工地噪音") == "张*来电反映工地噪音"
    assert mask_text("来电人反映:凤英家门口积水", names=["凤英"]) == "来电人反映:凤*家门口积水"
    assert mask_text("早高峰非常拥堵,阳光花园门口") == "早高峰非常拥堵,阳光花园门口"


def test_overlaps_keep_the_longest_finding_and_masking_twice_changes_nothing():
    text = "教练车赣B0523学在小区,车主张伟,电话13979712345,住红都大道18号"
    kinds = [f.kind for f in detect(text)]
    assert kinds == ["plate", "name", "mobile", "address"]
    once = mask_text(text)
    assert mask_text(once) == once
