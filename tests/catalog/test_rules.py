"""Every rule of an item, one table row each: a valid spec is clean; each broken rule names its field."""

import copy

import pytest

from tests.catalog.conftest import SPEC
from zhengwu.catalog import rules


def changed(**changes):
    spec = copy.deepcopy(SPEC)
    for path, value in changes.items():
        target = spec
        *parents, last = path.split("__")
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        if value is DELETE:
            del target[int(last) if last.isdigit() else last]
        else:
            target[int(last) if last.isdigit() else last] = value
    return spec


DELETE = object()


def test_valid_spec_has_no_errors():
    assert rules.check_item(copy.deepcopy(SPEC)) == []


@pytest.mark.parametrize(
    "changes, field, words",
    [
        ({"name": "  "}, "name", "事项名称"),
        ({"type": "11"}, "type", "事项类型"),
        ({"basic_code": "0100123000"}, "basic_code", "12位"),
        ({"basic_code": "01001230000A"}, "basic_code", "数字"),
        ({"basic_code": "020012300000"}, "basic_code", "与事项类型"),
        ({"basic_code": "990012300000"}, "basic_code", "不是有效的事项类型"),
        ({"basic_code": "010000000000"}, "basic_code", "主项编码"),
        ({"target": []}, "target", "服务对象"),
        ({"target": ["company"]}, "target", "company"),
        ({"online_depth": ["consult", "everything"]}, "online_depth", "everything"),
        ({"legal_basis": []}, "legal_basis", "设定依据"),
        ({"legal_basis__0__law": ""}, "legal_basis[0].law", "法律法规名称"),
        ({"legal_limit": None}, "legal_limit", "法定办结时限"),
        ({"legal_limit": -1}, "legal_limit", "负数"),
        ({"promised_limit": "ten"}, "promised_limit", "整数"),
        ({"promised_limit": 21}, "promised_limit", "不能超过法定办结时限"),
        ({"instant": True}, "promised_limit", "即办件"),
        (
            {"promised_limit": 0, "steps": [{"name": "受理", "role": "window_clerk", "days": 0}]},
            "promised_limit",
            "承诺件",
        ),
        ({"promised_limit": 9}, "steps", "超过承诺办结时限"),
        ({"steps": []}, "steps", "至少填写一个办理环节"),
        ({"steps__1__name": ""}, "steps[1].name", "名称"),
        ({"steps__1__role": "janitor"}, "steps[1].role", "责任角色"),
        ({"steps__2__days": -2}, "steps[2].days", "负数"),
        ({"extension_days": -1}, "extension_days", "延长"),
        ({"onsite_visits": -1}, "onsite_visits", "现场"),
        ({"materials__0__name": ""}, "materials[0].name", "名称"),
        ({"materials__1__name": "取水许可申请书"}, "materials[1].name", "重复"),
        ({"materials__0__form": "photo"}, "materials[0].form", "形式"),
        ({"materials__0__medium": "stone"}, "materials[0].medium", "载体"),
        ({"materials__0__source": "friend"}, "materials[0].source", "来源"),
        ({"materials__0__copies": 0}, "materials[0].copies", "份数"),
        ({"materials__0__source": "government"}, "materials[0].issuer", "出具单位"),
        (
            {"fees": [{"name": "工本费", "standard": "每证10元", "amount": "10.00", "basis": ""}]},
            "fees[0].basis",
            "收费依据",
        ),
        (
            {"fees": [{"name": "工本费", "standard": "", "amount": "10", "basis": "发改价格"}]},
            "fees[0].standard",
            "收费标准",
        ),
        (
            {"fees": [{"name": "工本费", "standard": "10元", "amount": "ten", "basis": "x"}]},
            "fees[0].amount",
            "不是数字",
        ),
        (
            {"fees": [{"name": "工本费", "standard": "10元", "amount": "-1", "basis": "x"}]},
            "fees[0].amount",
            "负数",
        ),
        ({"result__kind": "trophy"}, "result.kind", "结果类型"),
        ({"result__name": ""}, "result.name", "结果名称"),
        ({"result__delivery": ["pigeon"]}, "result.delivery", "pigeon"),
        ({"faq": [{"q": "问?", "a": ""}]}, "faq[0]", "解答"),
    ],
)
def test_each_broken_rule_is_reported_at_its_field(changes, field, words):
    errors = rules.check_item(changed(**changes))
    assert field in [f for f, _m in errors], errors
    assert any(words in m for f, m in errors if f == field), errors


@pytest.mark.parametrize(
    "changes",
    [
        {
            "type": "20",
            "basic_code": "200012300000",
            "legal_basis": [],
        },  # public services need no legal basis
        {
            "instant": True,
            "promised_limit": 0,
            "steps": [{"name": "受理即办", "role": "window_clerk", "days": 0}],
        },
        {"promised_limit": 20},  # promised may equal legal
        {
            "fees": [
                {"name": "工本费", "standard": "每证10元", "amount": None, "basis": "赣发改收费〔2017〕1号"}
            ]
        },
        {"result": {"name": "", "kind": "none", "delivery": []}},
        {"basic_code": ""},  # a local code is given by the service
    ],
)
def test_allowed_variations_pass(changes):
    assert rules.check_item(changed(**changes)) == []


@pytest.mark.parametrize(
    "code, item_type, ok",
    [
        ("010012300000", "01", True),
        ("200010100101", "20", True),
        ("100000100000", "10", True),
        ("010012300000", "07", False),
        ("01001230000", "01", False),
        ("0100123000000", "01", False),
        ("O10012300000", "01", False),
    ],
)
def test_basic_code_structure(code, item_type, ok):
    assert (rules.check_basic_code(code, item_type) is None) is ok


def test_implementation_code_is_uscc_then_basic_code():
    code = rules.implementation_code("11360681000010015X", "010012300000")
    assert len(code) == 30
    assert rules.split_implementation_code(code) == ("11360681000010015X", "010012300000")


def test_local_basic_code_is_valid_for_its_type():
    code = rules.local_basic_code("07", rules.LOCAL_MAIN_FROM + 1)
    assert code == "079000100000"
    assert rules.check_basic_code(code, "07") is None


@pytest.mark.parametrize(
    "changes, field, loosens",
    [
        (
            {"promised_limit": 5, "steps": [{"name": "审查", "role": "approver", "days": 5}]},
            "promised_limit",
            False,
        ),
        (
            {"promised_limit": 12, "steps": [{"name": "审查", "role": "approver", "days": 5}]},
            "promised_limit",
            True,
        ),
        ({"legal_limit": 30}, "legal_limit", True),
        ({"legal_limit": 15}, "legal_limit", False),
        ({"extension_days": 15}, "extension_days", True),
        ({"onsite_visits": 2}, "onsite_visits", True),
        ({"onsite_visits": 0}, "onsite_visits", False),
        ({"online_depth": ["consult"]}, "online_depth", True),
        ({"online_depth": ["consult", "receive", "pre_review", "accept", "handle"]}, "online_depth", False),
        ({"materials": [SPEC["materials"][0]]}, "materials[水资源论证报告]", False),
        (
            {"materials": [*SPEC["materials"], {"name": "营业执照", "required": True}]},
            "materials[营业执照]",
            True,
        ),
        ({"materials": [*SPEC["materials"], {"name": "照片", "required": False}]}, "materials[照片]", False),
        (
            {"materials": [SPEC["materials"][0], {**SPEC["materials"][1], "required": True}]},
            "materials[水资源论证报告].required",
            True,
        ),
        (
            {"materials": [{**SPEC["materials"][0], "copies": 3}, SPEC["materials"][1]]},
            "materials[取水许可申请书].copies",
            True,
        ),
        (
            {"fees": [{"name": "工本费", "standard": "10元", "amount": "10", "basis": "x"}]},
            "fees[工本费]",
            True,
        ),
    ],
)
def test_differences_from_the_basic_item(changes, field, loosens):
    found = {d.field: d for d in rules.differences(copy.deepcopy(SPEC), changed(**changes))}
    assert field in found, found
    assert found[field].loosens is loosens
    assert bool(rules.loosenings(copy.deepcopy(SPEC), changed(**changes))) is loosens


def test_lower_fee_tightens_higher_fee_loosens():
    basic = changed(fees=[{"name": "工本费", "standard": "10元", "amount": "10", "basis": "x"}])
    lower = changed(fees=[{"name": "工本费", "standard": "5元", "amount": "5", "basis": "x"}])
    higher = changed(fees=[{"name": "工本费", "standard": "20元", "amount": "20", "basis": "x"}])
    assert rules.loosenings(basic, lower) == []
    assert [f for f, _m in rules.loosenings(basic, higher)] == ["fees[工本费].amount"]
    assert [d.field for d in rules.differences(basic, changed(fees=[]))] == ["fees[工本费]"]


def test_identical_implementation_has_no_differences():
    assert rules.differences(copy.deepcopy(SPEC), copy.deepcopy(SPEC)) == []
