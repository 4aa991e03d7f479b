import pytest
from django.template import Context, Template

from zhengwu.core.masking import mask_address, mask_email, mask_name, mask_phone, mask_resident_id


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("11010519491231002X", "110105********002X"),
        ("11010519491231002x", "110105********002X"),
        ("110105491231002", "110105******002"),  # a first-generation number on an old record
        ("12345", "1***5"),  # not an ID: masked harder, not shown
        ("", ""),
        (None, ""),
    ],
)
def test_mask_resident_id(value, masked):
    assert mask_resident_id(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("13812345678", "138****5678"),
        ("+86 138 1234 5678", "138****5678"),
        ("0701-1234567", "0701-****567"),
        ("0701 12345678", "0701-****5678"),
        ("(0701)1234567", "0701-****567"),
        ("010-12345678", "010-****5678"),
        ("07011234567", "0701-****567"),  # no separator: four-digit area code
        ("01012345678", "010-****5678"),  # Beijing's area code has three digits
        ("0701-1234567转801", "0701-****567"),
        ("1234567", "****567"),
        ("电话待补", "****"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_phone(value, masked):
    assert mask_phone(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("张三", "张*"),
        ("欧阳娜娜", "欧***"),
        ("李小明", "李**"),
        ("张", "*"),
        (" 王五 ", "王*"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_name(value, masked):
    assert mask_name(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("zhangsan@example.com", "z***@example.com"),
        ("a@wuyuan.gov.cn", "***@wuyuan.gov.cn"),
        ("not-an-email", "n***********"),
        ("", ""),
    ],
)
def test_mask_email(value, masked):
    assert mask_email(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("江西省上饶市婺源县紫阳镇文公南路123号", "江西省上饶市婺源县紫阳镇****"),
        ("北京市海淀区中关村街道知春路1号院2号楼", "北京市海淀区中关村街道****"),
        ("婺源县紫阳镇城东村3组", "婺源县紫阳镇****"),
        ("江西省上饶市婺源县文公南路12号", "江西省上饶市婺源县****"),  # no township: stop at the county
        ("河南省新乡市红旗区渠东街道新中大道88号", "河南省新乡市红旗区渠东街道****"),
        ("湖北省恩施土家族苗族自治州利川市都亭街道", "湖北省恩施土家族苗族自治州利川市都亭街道"),
        (
            "内蒙古自治区呼伦贝尔市鄂温克族自治旗巴彦托海镇1号",
            "内蒙古自治区呼伦贝尔市鄂温克族自治旗巴彦托海镇****",
        ),
        ("江西省上饶市城东社区5栋", "江西省上饶市****"),  # a community is not a district
        ("文公南路12号", "****"),  # nothing recognised: nothing shown
        ("", ""),
    ],
)
def test_mask_address(value, masked):
    assert mask_address(value) == masked


def test_template_filters_mask_and_escape():
    template = Template(
        "{% load zhengwu_mask %}{{ id|mask_id }}|{{ phone|mask_phone }}|{{ name|mask_name }}|"
        "{{ address|mask_address }}|{{ email|mask_email }}|{{ evil|mask_name }}"
    )
    rendered = template.render(
        Context(
            {
                "id": "11010519491231002X",
                "phone": "13812345678",
                "name": "张三",
                "address": "江西省上饶市婺源县紫阳镇文公南路123号",
                "email": "zhangsan@example.com",
                "evil": "<script>",
            }
        )
    )
    assert rendered == (
        "110105********002X|138****5678|张*|江西省上饶市婺源县紫阳镇****|z***@example.com|&lt;*******"
    )
