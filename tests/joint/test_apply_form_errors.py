"""Applying for a bundle with a bad form: every bad field said at once, at its field, in Chinese, on the page and in
the API, and nothing written; a good form is checked once per member, not again when each member case is submitted
(issue 16's read-through: joint.services checked the members' forms, then submit_case checked each again)."""

import json
import re

import pytest

from zhengwu.cases import forms as case_forms
from zhengwu.cases.models import Case
from zhengwu.core.errors import ValidationFailed
from zhengwu.joint import services
from zhengwu.joint.models import JointCase

BAD = {
    "subject": "",  # required by every member
    "contact_name": "名" * 41,  # at most 40
    "contact_phone": "12345",  # not a phone number
    "shop_sign": "好味道",  # no member asks it
}
SAID = {
    "form.subject": "请填写「申请事项说明」",
    "form.contact_name": "「联系人」最长 40 个字",
    "form.contact_phone": "联系电话",
    "form.shop_sign": "申请表中没有字段「shop_sign」",
}


def test_the_service_names_every_bad_field_once_and_writes_nothing(restaurant, company):
    cases_before = Case.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        services.apply(bundle=restaurant.bundle, applicant=company, by=company.user, form=BAD)
    said = dict(refused.value.errors)
    assert set(said) == set(SAID)  # a field the four members share is named once
    for field, words in SAID.items():
        assert words in said[field]
    assert not JointCase.objects.exists() and Case.objects.count() == cases_before


def test_the_api_answers_every_error_in_one_answer(restaurant, company, client):
    client.force_login(company.user)
    cases_before = Case.objects.count()
    answer = client.post(
        "/api/joint/cases",
        json.dumps({"bundle_code": restaurant.bundle.code, "form": BAD}),
        content_type="application/json",
    )
    assert answer.status_code == 422
    body = answer.json()
    said = {e["field"]: e["message"] for e in body["errors"]}
    assert set(said) == set(SAID) and body["field"] in SAID
    for field, words in SAID.items():
        assert words in said[field]
    assert not JointCase.objects.exists() and Case.objects.count() == cases_before


def _shown_errors(page: str) -> dict[str, str]:
    """Each field's error as the page shows it beneath the field (the form's invalid-feedback of that field)."""
    return dict(
        re.findall(r'<div class="invalid-feedback[^"]*" id="id_(form\.[a-z_]+)_error">([^<]*)</div>', page)
    )


def test_the_apply_page_shows_every_error_at_its_field(restaurant, company, client):
    client.force_login(company.user)
    cases_before = Case.objects.count()
    answer = client.post(
        f"/bundles/{restaurant.bundle.code}/apply/",
        {
            "form.subject": "",
            "form.contact_name": "名" * 41,
            "form.contact_phone": "12345",
            "delivery-method": "home",  # 上门送达 with neither address nor reason: said in the same answer
        },
    )
    page = answer.content.decode()
    assert answer.status_code == 422
    shown = _shown_errors(page)
    assert set(shown) == {"form.subject", "form.contact_name", "form.contact_phone"}
    for field in shown:
        assert SAID[field] in shown[field]
    assert 'id="id_delivery-address_error"' in page or 'id="id_delivery-reason_error"' in page
    assert not JointCase.objects.exists() and Case.objects.count() == cases_before


def test_a_value_the_page_cannot_read_is_said_with_every_other_error(county, company, client):
    """座位数 typed as words cannot be read as a number: said at its field, and the domain still names the rest."""
    from zhengwu.joint import bundles

    from .conftest import restaurant_spec

    version = county.hygiene.current_version
    schema = case_forms.schema_of(version)
    schema = {
        **schema,
        "properties": {**schema["properties"], "seats": {"type": "integer", "title": "座位数"}},
    }
    type(version).objects.filter(pk=version.pk).update(form_schema=schema)
    bundle = bundles.create_bundle(spec=restaurant_spec(county), user=county.manager).bundle
    bundles.submit(bundle=bundle, user=county.manager)
    bundles.publish(bundle=bundle, user=county.manager2)
    client.force_login(company.user)
    answer = client.post(
        f"/bundles/{bundle.code}/apply/",
        {"form.subject": "", "form.seats": "很多", "form.contact_phone": "12345"},
    )
    assert answer.status_code == 422
    shown = _shown_errors(answer.content.decode())
    assert set(shown) == {"form.subject", "form.seats", "form.contact_phone"}
    assert SAID["form.subject"] in shown["form.subject"] and "联系电话" in shown["form.contact_phone"]
    assert not JointCase.objects.exists()


def test_a_good_form_is_checked_once_per_member(restaurant, company, monkeypatch):
    checked = []
    original = case_forms._checked

    def counting(key, rule, value):
        checked.append(key)
        return original(key, rule, value)

    monkeypatch.setattr(case_forms, "_checked", counting)
    joint = services.apply(
        bundle=restaurant.bundle,
        applicant=company,
        by=company.user,
        form={"subject": "开办好味道餐馆", "contact_phone": "13900139000"},
    )
    members = joint.members.count()
    assert members == 4
    # each member's two filled fields, once each (it was twice: again in every member's submit_case)
    assert sorted(checked) == sorted(["subject", "contact_phone"] * members)
    forms = [m.case.form for m in joint.members.select_related("case")]
    assert all(f == {"subject": "开办好味道餐馆", "contact_phone": "13900139000"} for f in forms)


def test_a_select_left_empty_is_to_be_chosen_and_a_whole_number_stays_whole():
    """The 开办餐饮店 form said 请填写「场所类别」 of a select, and showed the area typed 120 as 120.0."""
    from zhengwu.cases.application import ApplicationForm

    schema = {
        "type": "object",
        "properties": {
            "venue": {"title": "场所类别", "type": "string", "enum": ["餐饮场所", "住宿场所"]},
            "area": {"title": "经营场所面积(平方米)", "type": "number"},
            "subject": {"title": "申请事项说明", "type": "string"},
        },
        "required": ["venue", "area", "subject"],
    }
    with pytest.raises(ValidationFailed) as refused:
        case_forms.validate(schema, {"area": 120})
    said = dict(refused.value.errors)
    assert said["form.venue"] == "请选择「场所类别」" and said["form.subject"] == "请填写「申请事项说明」"
    form = ApplicationForm(
        {"form.venue": "餐饮场所", "form.area": "120", "form.subject": "开店"}, schema=schema
    )
    assert form.is_valid()
    data = form.form_data()
    assert data["area"] == 120 and str(data["area"]) == "120"
    assert ApplicationForm({"form.area": "120.5"}, schema=schema).is_valid()
    from zhengwu.core.personal import mask

    assert (
        mask(None, 120.0) == "120" and mask(None, 120.5) == "120.5"
    )  # as stored by older forms, shown whole
