"""Typed input every domain shares: telephone numbers (core.inputs.phone)."""

import pytest

from zhengwu.core import inputs
from zhengwu.core.errors import ValidationFailed


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("13912345678", "13912345678"),
        ("+86 139 1234 5678", "13912345678"),
        ("139-1234-5678", "13912345678"),
        ("0701-6221234", "0701-6221234"),  # 鹰潭: four-digit area code, seven digits
        ("07016221234", "0701-6221234"),
        ("010-12345678", "010-12345678"),  # 北京: three-digit area code, eight digits
        ("021 6123 4567", "021-61234567"),
        ("0701-6221234-12", "0701-6221234-12"),  # an extension
        ("0701-6221234转8", "0701-6221234-8"),
        ("400-123-4567", "400-1234567"),
    ],
)
def test_a_phone_number_is_kept_normalised(typed, kept):
    assert inputs.phone(typed, field="phone", label="联系电话") == kept


@pytest.mark.parametrize(
    "typed", ["abc123", "12345", "1391234567", "12345678901", "0701-62212", "139123456789"]
)
def test_a_wrong_phone_number_is_refused_naming_the_field(typed):
    with pytest.raises(
        ValidationFailed, match=f"联系电话应为11位手机号码或带区号的固定电话.*「{typed}」"
    ) as err:
        inputs.phone(typed, field="form.contact_phone", label="联系电话")
    assert err.value.field == "form.contact_phone"


def test_an_empty_phone_number():
    assert inputs.phone("  ", field="phone", label="联系电话", required=False) == ""
    with pytest.raises(ValidationFailed, match="请填写联系电话"):
        inputs.phone("", field="phone", label="联系电话")


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("13907012345", "13907012345"),
        ("139 0701 2345", "13907012345"),
        ("+86 139-0701-2345", "13907012345"),
        ("１３９０７０１２３４５", "13907012345"),  # full-width, as a Chinese input method types it
        ("", ""),
    ],
)
def test_a_mobile_is_read_as_people_type_it(typed, read):
    assert inputs.mobile(typed, required=False) == read


@pytest.mark.parametrize("typed", ["138abc", "12345", "2381234567", "139070123456", "١٣٩٠٧٠١٢٣٤٥"])
def test_a_mobile_that_is_not_one_is_refused_naming_the_field(typed):
    with pytest.raises(ValidationFailed, match="应为11位数字") as refused:
        inputs.mobile(typed, field="caller_phone", label="来电号码")
    assert refused.value.field == "caller_phone" and "来电号码" in refused.value.message
