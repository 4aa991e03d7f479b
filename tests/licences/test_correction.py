"""更正登记 and 带押过户 (不动产): their result is a 不动产权证书, so their forms record the property like the other
registrations' and their grants issue one; a correction names the certificate it corrects by the number printed on
it, and its grant 换发 that certificate — same number, next version, the old one 已被替换 — instead of a second one."""

import json

import pytest

from tests.licences.conftest import granted
from zhengwu.cases import forms as case_forms
from zhengwu.catalog.demo import DEMO_DIR
from zhengwu.licences.models import Licence, Status

FIRST, CORRECTED = "贵溪市建设路 18 号", "贵溪市建设路 18 号附 1 号"


def _demo_items() -> dict:
    items = json.loads((DEMO_DIR / "budongchan.json").read_text(encoding="utf-8"))["items"]
    return {item["name"]: item for item in items}


@pytest.mark.parametrize("name", ["更正登记", "存量房“带押过户”"])
def test_the_demo_registrations_whose_result_is_a_certificate_record_the_property(name):
    item = _demo_items()[name]
    assert item["result"]["name"].startswith("不动产权证书")
    fields = item["form_schema"]["properties"]
    # what licences.demo looks for to let the grant issue a 不动产权证书, and what the certificate prints
    assert {"unit_number", "location", "right_type", "area"} <= set(fields)
    assert fields["unit_number"]["minLength"] == 28


def test_the_correction_form_asks_the_number_of_the_certificate_it_corrects():
    fields = _demo_items()["更正登记"]["form_schema"]["properties"]
    assert fields["licence_number"]["title"] == "原不动产权证书编号"


@pytest.fixture
def correcting(lworld):
    """The item's form also asks the number of the licence it corrects (as the demo's 更正登记 form does)."""
    version = lworld.item.current_version
    schema = case_forms.schema_of(version)
    schema = {
        **schema,
        "properties": {
            **schema["properties"],
            "address": {"type": "string", "title": "坐落", "maxLength": 200},
            "licence_number": {"type": "string", "title": "原证书编号", "maxLength": 40},
        },
    }
    type(version).objects.filter(pk=version.pk).update(form_schema=schema)
    lworld.item.refresh_from_db()
    return lworld


def test_a_grant_naming_the_certificate_s_number_replaces_it_with_a_new_version(correcting):
    first = Licence.objects.get(case=granted(correcting, form={"subject": "登记", "address": FIRST}))
    case = granted(correcting, form={"subject": "更正", "address": CORRECTED, "licence_number": first.number})
    corrected = Licence.objects.get(case=case)
    first.refresh_from_db()
    assert (corrected.number, corrected.version, corrected.previous) == (first.number, 2, first)
    # what the form states anew (坐落) changes; the 申请事项说明 ("更正") is no 许可事项: that carries over
    assert corrected.data["address"] == CORRECTED and corrected.data["subject"] == first.data["subject"]
    assert first.status == Status.REPLACED
    assert Licence.objects.filter(holder_id=first.holder_id, status=Status.VALID).count() == 1


def test_a_number_not_held_by_the_applicant_issues_a_certificate_of_its_own(correcting):
    first = Licence.objects.get(case=granted(correcting, form={"subject": "登记", "address": FIRST}))
    other = Licence.objects.get(
        case=granted(
            correcting,
            applicant=correcting.citizen,
            form={"subject": "更正", "address": CORRECTED, "licence_number": first.number},
        )
    )
    first.refresh_from_db()
    assert other.number != first.number and other.version == 1 and first.status == Status.VALID
