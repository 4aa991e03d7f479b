import random
import subprocess
import sys

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from stdnum.cn import ric as stdnum_ric
from stdnum.cn import uscc as stdnum_uscc

from zhengwu.core import clock
from zhengwu.core.ids import (
    USCC_ALPHABET,
    check_any,
    check_resident_id,
    check_uscc,
    make_uscc,
    org_code_check_character,
    ric_check_character,
    uscc_check_character,
    validate_resident_id,
    validate_uscc,
)


def with_ric_check(first17: str) -> str:
    """A number whose check character is right, so that only the part under test can be wrong."""
    return first17 + ric_check_character(first17)


def with_uscc_check(first17: str) -> str:
    return first17 + uscc_check_character(first17)


# --- resident ID numbers (GB 11643) ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "normalised"),
    [
        ("11010519491231002X", "11010519491231002X"),  # the standard's own example, check character X
        ("11010519491231002x", "11010519491231002X"),  # lower-case x is accepted and stored upper-case
        (" 1101 0519 4912 3100 2X ", "11010519491231002X"),  # blanks around and inside
        (
            "１１０１０５１９４９１２３１００２Ｘ",
            "11010519491231002X",
        ),  # full-width, as typed with a Chinese IME
        ("342601198001010012", "342601198001010012"),  # 巢湖市 342601: abolished 2011, still on IDs
        ("510202197001010020", "510202197001010020"),  # 重庆 under 四川 (5102xx) before 1997
        (with_ric_check("44030120000229001"), with_ric_check("44030120000229001")),  # 29 February, leap year
    ],
)
def test_valid_resident_ids(value, normalised):
    result = check_resident_id(value)
    assert result.valid, result.reason
    assert result.value == normalised
    assert result.kind == "resident_id"


def test_retired_region_codes_are_valid_although_stdnum_refuses_them():
    for number in ("342601198001010012", "510202197001010020"):
        assert check_resident_id(number).valid
        assert not stdnum_ric.is_valid(number)


def test_check_character_agrees_with_stdnum_on_current_region_codes():
    rng = random.Random(11643)
    for _ in range(300):
        born = f"{rng.randint(1930, 2015)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        first17 = f"360681{born}{rng.randint(0, 999):03d}"
        assert stdnum_ric.calc_check_digit(first17 + "?") == ric_check_character(
            first17
        )  # stdnum drops the last
        assert check_resident_id(with_ric_check(first17)).valid


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("11010519491231002", "长度应为18位,实际为17位"),
        ("11010519491231002X1", "长度应为18位,实际为19位"),
        ("110105491231002", "15位的一代身份证号码已停用"),
        ("", "请填写居民身份证号码"),
        (None, "请填写居民身份证号码"),
        ("1101051949123A002X", "前17位必须是数字"),
        ("11010519491231002Y", "第18位(校验位)只能是数字或X"),
        (with_ric_check("00010519491231002"), "省级行政区划代码「00」不存在"),
        (with_ric_check("11010519490230002"), "出生日期无效:1949年02月30日不存在"),
        (with_ric_check("11010519491301002"), "出生日期无效:1949年13月01日不存在"),
        (with_ric_check("11010519000229002"), "出生日期无效"),  # 1900 was not a leap year
        (with_ric_check("11010518991231002"), "出生日期无效:早于1900年"),
        ("110105194912310021", "校验位错误"),
        ("110105194912310020", "校验位错误"),
    ],
)
def test_invalid_resident_ids_say_what_is_wrong(value, reason):
    result = check_resident_id(value)
    assert not result.valid
    assert reason in result.reason


def test_birth_date_in_the_future_is_invalid_and_today_is_valid():
    with clock.frozen("2024-06-01"):
        assert check_resident_id(with_ric_check("36068120240601001")).valid
        tomorrow = check_resident_id(with_ric_check("36068120240602001"))
    assert not tomorrow.valid
    assert tomorrow.reason == "出生日期无效:晚于今天"


def test_every_wrong_check_character_is_caught():
    first17 = "36068119850615123"
    right = ric_check_character(first17)
    for wrong in "0123456789X":
        assert check_resident_id(first17 + wrong).valid is (wrong == right)


# --- unified social credit codes (GB 32100) ------------------------------------------------------------------

REAL_USCCS = [
    "11140800558745220K",  # 1 机构编制 / 1 机关: a municipal culture and tourism bureau
    "11410182005291054B",  # 1 / 1: a county-level justice bureau
    "12100000470095016Q",  # 1 / 2 事业单位: a university
    "51310110501144395U",  # 5 民政 / 1 社会团体
    "53100000500019795A",  # 5 / 3 基金会
    "91350100M000100Y43",  # 9 工商 / 1 企业
    "91110000600037341L",  # 9 / 1
    "92340111MAD2LARQ9N",  # 9 / 2 个体工商户
]


@pytest.mark.parametrize("code", REAL_USCCS)
def test_real_usccs_are_valid_and_satisfy_the_organisation_code_check(code):
    result = check_uscc(code)
    assert result.valid, result.reason
    assert result.kind == "uscc"
    assert org_code_check_character(code[8:16]) == code[16]
    assert stdnum_uscc.calc_check_digit(code[:17]) == code[17]


@pytest.mark.parametrize(
    ("authority", "kind"),
    [("N", "2"), ("N", "3"), ("N", "1"), ("Y", "1"), ("A", "1"), ("3", "5"), ("6", "2"), ("5", "4")],
)
def test_letter_and_less_common_authorities_are_valid(authority, kind):
    code = make_uscc(authority, kind, "361127", "MA35X7RL")
    assert check_uscc(code).valid
    # stdnum agrees on the check character but refuses a letter in the first eight: why ids.py has its own check.
    assert stdnum_uscc.calc_check_digit(code[:17]) == code[17]
    if authority.isalpha():
        assert not stdnum_uscc.is_valid(code)


def test_lower_case_uscc_is_accepted_and_normalised():
    result = check_uscc("91350100m000100y43")
    assert result.valid
    assert result.value == "91350100M000100Y43"


@pytest.mark.parametrize("letter", list("IOZSV"))
def test_letters_outside_the_31_character_set_are_refused(letter):
    code = "91350100M000100Y43".replace("M", letter)
    result = check_uscc(code)
    assert not result.valid
    assert f"含有不允许的字符「{letter}」" in result.reason


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("91350100M000100Y4", "长度应为18位,实际为17位"),
        ("", "请填写统一社会信用代码"),
        ("91350100M000100Y44", "校验位错误"),
        (with_uscc_check("B1350100M000100Y4"), "第1位登记管理部门代码「B」不存在"),
        (with_uscc_check("94350100M000100Y4"), "第2位机构类别代码「4」不属于登记管理部门「工商(市场监管)」"),
        (with_uscc_check("Y2350100M000100Y4"), "第2位机构类别代码「2」不属于登记管理部门「其他」"),
        (with_uscc_check("A3350100M000100Y4"), "第2位机构类别代码「3」"),
        (with_uscc_check("913501A0M000100Y4"), "第3至8位登记管理机关行政区划码必须是数字"),
        (with_uscc_check("91350100M000100Y5"), "第9至17位组织机构代码的校验位错误"),
    ],
)
def test_invalid_usccs_say_what_is_wrong(code, reason):
    result = check_uscc(code)
    assert not result.valid
    assert reason in result.reason


def test_every_wrong_uscc_check_character_is_caught():
    first17 = "91350100M000100Y4"
    right = uscc_check_character(first17)
    assert [c for c in USCC_ALPHABET if check_uscc(first17 + c).valid] == [right]


# --- either kind, validators, API, command ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kind", "valid"),
    [
        ("11010519491231002x", "resident_id", True),
        ("91350100M000100Y43", "uscc", True),
        ("110105194912310021", "resident_id", False),  # looks like an ID: the ID's reason is given
        ("91350100M000100Y44", "uscc", False),
        ("hello", None, False),
        ("统一社会信用代码", None, False),
    ],
)
def test_check_any_recognises_the_kind(value, kind, valid):
    result = check_any(value)
    assert (result.kind, result.valid) == (kind, valid)
    assert result.valid or result.reason


def test_check_any_explains_the_likelier_kind():
    assert check_any("110105194912310021").reason == "校验位错误"
    assert "「O」" in check_any("91350100M000100Y4O").reason


def test_validators_raise_with_the_chinese_reason():
    validate_resident_id("11010519491231002X")
    validate_uscc("91350100M000100Y43")
    with pytest.raises(ValidationError) as ric_error:
        validate_resident_id("110105194912310021")
    assert ric_error.value.messages == ["居民身份证号码无效:校验位错误"]
    with pytest.raises(ValidationError) as uscc_error:
        validate_uscc("91350100M000100Y44")
    assert uscc_error.value.messages == ["统一社会信用代码无效:校验位错误"]


def test_validators_work_in_a_form():
    class ApplicantForm(forms.Form):
        id_number = forms.CharField(validators=[validate_resident_id])
        uscc = forms.CharField(validators=[validate_uscc])

    form = ApplicantForm({"id_number": with_ric_check("11010519490230002"), "uscc": "91350100M000100Y43"})
    assert not form.is_valid()
    assert form.errors["id_number"] == ["居民身份证号码无效:出生日期无效:1949年02月30日不存在"]
    assert "uscc" not in form.errors


def test_api_checks_a_value(client):
    ok = client.get("/api/ids/check", {"value": "11010519491231002x"})
    assert ok.status_code == 200
    assert ok.json() == {"value": "11010519491231002X", "kind": "resident_id", "valid": True, "reason": ""}
    bad = client.get("/api/ids/check", {"value": "91350100M000100Y44"}).json()
    assert bad == {"value": "91350100M000100Y44", "kind": "uscc", "valid": False, "reason": "校验位错误"}
    unknown = client.get("/api/ids/check", {"value": "abc"}).json()
    assert unknown["kind"] is None and unknown["valid"] is False


def test_api_without_a_value_answers_422_with_the_field(client):
    response = client.get("/api/ids/check")
    assert response.status_code == 422
    assert response.json()["field"] == "value"
    assert response.json()["code"] == "validation_failed"


def test_command_prints_one_line_per_value(capsys):
    call_command("ids", "check", "11010519491231002x", "91350100M000100Y43")
    assert capsys.readouterr().out.splitlines() == ["11010519491231002X valid", "91350100M000100Y43 valid"]


def test_command_reports_invalid_values_and_fails(capsys):
    with pytest.raises(CommandError) as failed:
        call_command("ids", "check", "91350100M000100Y43", "110105194912310021")
    assert failed.value.returncode == 1
    assert capsys.readouterr().out.splitlines() == [
        "91350100M000100Y43 valid",
        "110105194912310021 invalid: 校验位错误",
    ]


@pytest.mark.parametrize(
    ("values", "status"), [(["11010519491231002X"], 0), (["11010519491231002X", "123"], 1)]
)
def test_command_exit_status(values, status):
    done = subprocess.run(
        [sys.executable, "-m", "zhengwu.cli", "ids", "check", *values],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == status, done.stderr
    assert len(done.stdout.splitlines()) == len(values)
