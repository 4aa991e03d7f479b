"""Two 食品经营许可证 for one company (a licence per premises): the grant fills each licence's 经营场所 from what the
application form states, and the wallet, the staff's library, the API and `zhengwu licences list` say which premises
each covers (issue 17: the two looked the same but for their numbers)."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from tests.licences.conftest import granted
from zhengwu.cases import forms as case_forms
from zhengwu.cases import services as cases
from zhengwu.core import clock
from zhengwu.licences.models import Licence, LicenceType

FIRST, SECOND = "贵溪市建设路 18 号", "贵溪市花园街道信江路 8 号"


@pytest.fixture
def two(lworld):
    """The food item's form asks 经营场所 (as the demo's does); the company is granted a licence for each shop."""
    version = lworld.item.current_version
    schema = case_forms.schema_of(version)
    schema = {
        **schema,
        "properties": {
            **schema["properties"],
            "address": {"type": "string", "title": "经营场所", "maxLength": 200},
        },
    }
    type(version).objects.filter(pk=version.pk).update(form_schema=schema)
    lworld.item.refresh_from_db()
    first = granted(lworld, form={"subject": "餐饮服务(热食类食品制售)", "address": FIRST})
    second = granted(lworld, form={"subject": "餐饮服务(热食类食品制售)", "address": SECOND})
    lworld.citizen.user = None  # 张三's account now acts for the company (its agent)
    lworld.citizen.save()
    lworld.company.user, lworld.company.verified_at = lworld.citizen_user, clock.now()
    lworld.company.save()
    lworld.first, lworld.second = Licence.objects.get(case=first), Licence.objects.get(case=second)
    return lworld


def test_each_licence_carries_the_premises_its_application_states(two):
    assert two.first.data["address"] == FIRST and two.second.data["address"] == SECOND
    assert two.first.distinguished_by == {"key": "address", "label": "经营场所", "value": FIRST}
    assert two.second.distinguished_by == {"key": "address", "label": "经营场所", "value": SECOND}


def _rows(page: str, table_id: str) -> list[str]:
    table = page[page.index(f'id="{table_id}"') :]
    table = table[: table.index("</table>")]
    return table.split("<tr>")[2:]  # the head's row first


def test_the_wallet_lists_each_licence_with_its_premises(two, client):
    client.force_login(two.citizen_user)  # the company's agent
    rows = _rows(client.get("/licences/").content.decode(), "wallet")
    food = [r for r in rows if "食品经营许可证" in r]
    assert len(food) == 2
    for licence, place in ((two.first, FIRST), (two.second, SECOND)):
        (row,) = [r for r in food if licence.number in r]
        assert f"经营场所:{place}" in row
        assert (SECOND if place == FIRST else FIRST) not in row


def test_the_api_lists_each_licence_with_its_premises(two, client):
    client.force_login(two.citizen_user)
    answer = client.get("/api/licences")
    assert answer.status_code == 200
    food = {row["number"]: row for row in answer.json() if row["type"] == "食品经营许可证"}
    assert food[two.first.number]["distinguished_by"] == {
        "key": "address",
        "label": "经营场所",
        "value": FIRST,
    }
    assert food[two.second.number]["distinguished_by"] == {
        "key": "address",
        "label": "经营场所",
        "value": SECOND,
    }


def test_staff_see_the_premises_in_the_library_and_before_a_third_grant(two, client):
    client.force_login(two.head)
    rows = _rows(client.get("/workbench/licences/").content.decode(), "licences")
    for licence, place in ((two.first, FIRST), (two.second, SECOND)):
        (row,) = [r for r in rows if licence.number in r]
        assert f"经营场所:{place}" in row
    # a third application: the deciding staff see which premises the two in force cover
    third = cases.submit_case(
        item=two.item,
        applicant=two.company,
        by=two.clerk,
        channel="counter",
        window=two.dedicated,
        form={"subject": "第三家门店", "address": "贵溪市雄石街道 3 号"},
    )
    page = client.get(f"/workbench/cases/{third.number}/").content.decode()
    assert "申请人已持有有效的食品经营许可证" in page
    assert f"经营场所:{FIRST}" in page and f"经营场所:{SECOND}" in page
    out = StringIO()
    call_command("licences", "list", "--holder", two.company.id_number, stdout=out)
    assert f"食品经营许可证(经营场所:{FIRST})" in out.getvalue()
    out = StringIO()
    call_command("licences", "list", "--holder", two.company.id_number, "--json", stdout=out)
    places = {r["number"]: r["distinguished_by"]["value"] for r in json.loads(out.getvalue())}
    assert places[two.first.number] == FIRST and places[two.second.number] == SECOND


def test_a_type_names_the_item_that_tells_its_licences_apart(lworld):
    estate = LicenceType(
        data_items=[{"key": "obligee", "label": "权利人"}, {"key": "location", "label": "坐落"}]
    )
    assert estate.distinguishing_item["label"] == "坐落"  # a place, by its key
    marked = LicenceType(
        data_items=[
            {"key": "address", "label": "住所"},
            {"key": "plate", "label": "车牌号", "distinguishes": True},
        ]
    )
    assert marked.distinguishing_item["label"] == "车牌号"  # the one the type marks wins
    assert LicenceType(data_items=[{"key": "scope", "label": "经营范围"}]).distinguishing_item is None


def _demo_form(file: str, name: str) -> dict:
    import json

    from zhengwu.catalog.demo import DEMO_DIR

    items = json.loads((DEMO_DIR / file).read_text(encoding="utf-8"))["items"]
    (found,) = [i for i in items if i["name"] == name and i.get("sub_name") == "新办"]
    return found["form_schema"]


@pytest.mark.parametrize(
    ("file", "name", "form"),
    [
        ("shichang.json", "食品经营许可", {"subject": "第二家门店申请食品经营许可"}),
        (
            "weijian.json",
            "公共场所卫生许可",
            {
                "premises_area": 120,
                "venue_type": "餐饮场所(饭馆、咖啡馆、酒吧、茶座)",
                "staff_count": 8,
                "opening_date": "2030-01-15",
                "contact_phone": "13900139001",
            },
        ),
    ],
)
def test_the_demo_per_premises_licence_forms_always_ask_the_premises(file, name, form):
    """The licence prints 经营场所 and a company's licences of the type (one per shop) are told apart by it: an
    application without it is refused, naming the field — it no longer falls back silently to the company's 住所
    (the 开办餐饮店 joint case's merged form asks it once for both)."""
    from zhengwu.core.errors import ValidationFailed

    schema = _demo_form(file, name)
    with pytest.raises(ValidationFailed) as refused:
        case_forms.validate(schema, form)
    assert str(refused.value.message) == "请填写「经营场所」" and refused.value.field == "form.address"
    assert case_forms.validate(schema, {**form, "address": SECOND})["address"] == SECOND
