"""The application form of an item version: a JSON Schema from the catalogue, or the default form."""

import copy
import datetime as dt

import pytest

from tests.cases.conftest import ITEM, publish
from zhengwu.cases import forms, services
from zhengwu.cases.models import Case
from zhengwu.core import clock
from zhengwu.core.errors import ValidationFailed

SCHEMA = {
    "type": "object",
    "properties": {
        "area": {"type": "number", "title": "经营场所面积", "minimum": 1, "maximum": 5000},
        "scope": {"type": "string", "title": "经营项目", "enum": ["热食类", "冷食类", "糕点类"]},
        "online": {"type": "boolean", "title": "是否网络经营"},
        "opening": {"type": "string", "title": "拟开业日期", "format": "date"},
    },
    "required": ["area", "scope", "opening"],
}
VALID = {"area": 120.5, "scope": "热食类", "online": True, "opening": "2026-10-15"}


@pytest.fixture
def schema_item(world):
    spec = {**copy.deepcopy(ITEM), "name": "食品经营许可(网上)", "form_schema": SCHEMA}
    return publish(spec, world.bureau)


def submit(world, item, form):
    return services.submit_case(item=item, applicant=world.citizen, by=world.citizen_user, form=form)


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({**VALID, "scope": ""}, "form.scope", "请选择「经营项目」"),  # a select: chosen, not typed
        ({k: v for k, v in VALID.items() if k != "opening"}, "form.opening", "请填写「拟开业日期」"),
        ({**VALID, "area": 0}, "form.area", "「经营场所面积」不能小于 1"),
        ({**VALID, "area": 5000.5}, "form.area", "「经营场所面积」不能大于 5000"),
        ({**VALID, "area": "很大"}, "form.area", "「经营场所面积」应为数字"),
        ({**VALID, "scope": "生食类"}, "form.scope", "「经营项目」只能是:热食类、冷食类、糕点类"),
        ({**VALID, "opening": "2026-13-01"}, "form.opening", "「拟开业日期」应为日期 YYYY-MM-DD"),
        ({**VALID, "subject": "开店"}, "form.subject", "申请表中没有字段「subject」"),
    ],
)
def test_a_form_breaking_the_items_schema_is_refused_at_the_field(world, schema_item, form, field, message):
    with pytest.raises(ValidationFailed, match=message) as err:
        submit(world, schema_item, form)
    assert err.value.field == field
    assert not Case.objects.filter(item=schema_item).exists()


def test_every_bad_field_is_named_at_once(world, schema_item):
    with pytest.raises(ValidationFailed) as err:
        submit(world, schema_item, {"area": 0, "scope": "", "opening": "明天"})
    assert err.value.errors == [
        ("form.area", "「经营场所面积」不能小于 1"),
        ("form.scope", "请选择「经营项目」"),
        ("form.opening", "「拟开业日期」应为日期 YYYY-MM-DD"),
    ]
    assert err.value.field == "form.area" and len(err.value.as_dict()["errors"]) == 3


PHONE_AND_DAY = {
    "type": "object",
    "properties": {
        "opening": {"type": "string", "title": "拟开业日期", "format": "date", "x-not-before": "today"},
        "contact_phone": {"type": "string", "title": "联系电话", "format": "phone"},
    },
    "required": ["opening", "contact_phone"],
}


@pytest.mark.parametrize(
    ("days", "phone", "errors", "kept"),
    [
        (0, "139 1234 5678", [], "13912345678"),  # opening today
        (30, "0701-6221234", [], "0701-6221234"),
        (
            -1,
            "abc123",
            [
                ("form.opening", "「拟开业日期」不能早于今天({today})"),
                (
                    "form.contact_phone",
                    "「联系电话」应为11位手机号码或带区号的固定电话(如 0701-6221234),现为「abc123」",
                ),
            ],
            None,
        ),
    ],
)
def test_a_phone_number_and_a_day_not_before_today(world, days, phone, errors, kept):
    spec = {**copy.deepcopy(ITEM), "name": "公共场所卫生许可(新办)", "form_schema": PHONE_AND_DAY}
    item = publish(spec, world.bureau)
    today = clock.today()  # the world's clock (2026-09-28)
    form = {"opening": (today + dt.timedelta(days=days)).isoformat(), "contact_phone": phone}
    if errors:
        with pytest.raises(ValidationFailed) as err:
            submit(world, item, form)
        assert err.value.errors == [(f, m.format(today=today.isoformat())) for f, m in errors]
        return
    case = submit(world, item, form)
    case.refresh_from_db()
    assert case.form == {**form, "contact_phone": kept}


def test_the_default_forms_phone_is_checked(world):
    with pytest.raises(ValidationFailed, match="「联系电话」应为11位手机号码") as err:
        submit(world, world.item, {"subject": "开店", "contact_phone": "12345"})
    assert err.value.field == "form.contact_phone"


def test_a_valid_form_is_stored(world, schema_item):
    assert forms.schema_of(schema_item.current_version) == SCHEMA
    case = submit(world, schema_item, {**VALID, "scope": " 冷食类 "})
    case.refresh_from_db()
    assert case.form == {**VALID, "scope": "冷食类"}


def test_a_draft_may_leave_required_fields_empty_but_not_break_the_range(world, schema_item):
    draft = services.save_draft(
        item=schema_item, applicant=world.citizen, by=world.citizen_user, form={"area": 80}
    )
    assert draft.form == {"area": 80}
    with pytest.raises(ValidationFailed, match="不能大于") as err:
        services.save_draft(
            item=schema_item, applicant=world.citizen, by=world.citizen_user, form={"area": 9000}
        )
    assert err.value.field == "form.area"


def test_an_item_without_a_schema_uses_the_default_form(world):
    assert world.item.current_version.form_schema == {}
    assert forms.schema_of(world.item.current_version) is forms.DEFAULT_FORM
    with pytest.raises(ValidationFailed, match="申请表中没有字段「area」") as err:
        submit(world, world.item, {"area": 10})
    assert err.value.field == "form.area"
    with pytest.raises(ValidationFailed, match="请填写「申请事项说明」") as err:
        submit(world, world.item, {})
    assert err.value.field == "form.subject"
    case = submit(world, world.item, {"subject": "开一家小面馆", "contact_phone": "13800138000"})
    assert case.form == {"subject": "开一家小面馆", "contact_phone": "13800138000"}


def test_the_portal_renders_the_items_form(client, world, schema_item):
    client.force_login(world.citizen_user)
    html = client.get(f"/cases/apply/{schema_item.code}/").content.decode()
    assert "经营场所面积 *" in html and 'name="form.area"' in html
    assert 'type="date"' in html and "糕点类" in html and 'name="form.online"' in html
    assert 'name="form.subject"' not in html
