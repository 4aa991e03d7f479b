"""Choosing an item's windows (办理窗口) in the editor: offered by centre, refused at the field when the window does
not serve the department, kept in the draft and in a new draft of a published item, compared and reviewed."""

import copy
import re

import pytest

from tests.catalog.conftest import SPEC
from tests.factories import make_centre, make_organisation, make_region, make_staff, make_window
from tests.workbench.test_catalog_pages import _error_at, _form
from zhengwu.catalog import services
from zhengwu.core.models import Role, Window

pytestmark = pytest.mark.django_db
CENTRE = "贵溪市政务服务中心"


@pytest.fixture
def county():
    return make_region("360681", "贵溪市", parent=make_region("360600", "鹰潭市"))


@pytest.fixture
def water(county):
    return make_organisation("贵溪市水利局", region=county, short_name="水利局")


@pytest.fixture
def market(county):
    return make_organisation("贵溪市市场监督管理局", region=county, short_name="市场监管局")


@pytest.fixture
def approver(water):
    return make_staff("approver", water, roles=[Role.APPROVER]).user


@pytest.fixture
def manager(county):
    office = make_organisation("贵溪市政务服务管理办公室", region=county, kind="centre_admin")
    return make_staff("manager", office, roles=[Role.CENTRE_MANAGER]).user


@pytest.fixture
def hall(county, water, market):
    centre = make_centre(CENTRE, county, address="民主路80号", opening_hours="周一至周五 9:00-17:00")
    township = make_centre("志光镇便民服务中心", make_region("360681005", "志光镇", parent=county))
    return {
        "general": make_window(centre, "1", "综合窗口"),
        "market": make_window(centre, "10", "市场监管专窗", [market]),
        "water": make_window(centre, "28", "水利专窗", [water]),
        "township": make_window(township, "4", "农业水利窗口", [water], kind=Window.Kind.DEDICATED),
    }


@pytest.fixture
def water_item(water, hall):
    spec = copy.deepcopy(SPEC)
    spec["windows"] = [{"centre": CENTRE, "number": "28"}]
    version = services.create_item(spec=spec, organisation=water)
    services.submit(item=version.item)
    services.publish(item=version.item)
    version.item.refresh_from_db()
    return version.item


def _checked(html: str) -> set[str]:
    return set(re.findall(r'name="windows" value="(\d+)" id="window-\d+" checked', html))


def _offered(html: str) -> set[str]:
    return set(re.findall(r'name="windows" value="(\d+)"', html))


def test_the_editor_offers_the_departments_windows_by_centre_and_keeps_the_choice(
    client, approver, water_item, hall
):
    client.force_login(approver)
    html = client.get(f"/workbench/catalog/{water_item.code}/edit/").content.decode()
    # General windows and the department's own, in every centre of its county; not another department's.
    assert _offered(html) == {str(hall[k].pk) for k in ("general", "water", "township")}
    assert html.index(CENTRE) < html.index("志光镇便民服务中心")
    # A new draft of the published item starts with the published windows.
    assert _checked(html) == {str(hall["water"].pk)}

    data = _form(copy.deepcopy(SPEC), reason="增加综合窗口受理")
    data["windows"] = [str(hall["water"].pk), str(hall["general"].pk)]
    assert client.post(f"/workbench/catalog/{water_item.code}/edit/", data).status_code == 302
    draft = water_item.versions.get(number=2)
    assert {w.number for w in draft.windows.all()} == {"1", "28"}
    assert {w.number for w in water_item.versions.get(number=1).windows.all()} == {"28"}
    html = client.get(f"/workbench/catalog/{water_item.code}/edit/").content.decode()
    assert _checked(html) == {str(hall["water"].pk), str(hall["general"].pk)}  # kept in the draft


def test_a_window_of_another_department_is_refused_at_the_field(client, approver, water_item, hall):
    client.force_login(approver)
    data = _form(copy.deepcopy(SPEC))
    data["windows"] = [str(hall["market"].pk)]
    message = (
        "窗口「贵溪市政务服务中心10号窗口(市场监管专窗)」是贵溪市市场监督管理局的专窗,不受理贵溪市水利局的事项;"
        "请选择本机构的专窗或综合窗口"
    )
    response = client.post(f"/workbench/catalog/{water_item.code}/edit/", data)
    html = response.content.decode()
    assert response.status_code == 422 and _error_at(html, "windows") == message
    assert (
        _checked(html) == {str(hall["market"].pk)} and "不受理本机构事项" in html
    )  # shown as chosen, marked
    assert water_item.versions.count() == 1
    # Checked as the form is filled in, too.
    checked = client.post(f"/workbench/catalog/{water_item.code}/check/", data).content.decode()
    assert _error_at(checked, "windows") == message


def test_compare_and_review_show_the_windows(client, approver, manager, water_item, hall):
    client.force_login(approver)
    data = _form(copy.deepcopy(SPEC), reason="增加综合窗口受理")
    data["windows"] = [str(hall["water"].pk), str(hall["general"].pk)]
    client.post(f"/workbench/catalog/{water_item.code}/edit/", data)
    html = client.get(f"/workbench/catalog/{water_item.code}/compare/", {"a": 1, "b": 2}).content.decode()
    changed = re.findall(r'<tr class="table-warning" data-changed="true">\s*<th scope="row">(\w+)', html)
    assert changed == ["办理窗口"]
    assert "贵溪市政务服务中心1号窗口<br>贵溪市政务服务中心28号窗口" in html

    client.post(f"/workbench/catalog/{water_item.code}/submit/")
    client.force_login(manager)
    queue = client.get("/workbench/catalog/review/").content.decode()
    assert "贵溪市政务服务中心1号窗口(综合窗口)、贵溪市政务服务中心28号窗口(水利专窗)" in queue


def test_new_item_offers_the_chosen_departments_windows(client, approver, water, hall):
    client.force_login(approver)
    html = client.get("/workbench/catalog/new/").content.decode()
    assert _offered(html) == {str(hall[k].pk) for k in ("general", "water", "township")}
    basic = client.get("/workbench/catalog/new/windows/", {"organisation": ""}).content.decode()
    assert "基本目录事项不设办理窗口" in basic and not _offered(basic)

    data = _form(copy.deepcopy(SPEC))
    data.update(
        organisation=str(water.pk), type="01", basic_code="010099900000", windows=[str(hall["water"].pk)]
    )
    assert client.post("/workbench/catalog/new/", data).status_code == 302
    version = water.service_items.get(basic_code="010099900000").versions.get()
    assert list(version.windows.all()) == [hall["water"]]
