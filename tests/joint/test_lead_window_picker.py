"""The 总服务台's lead-window picker on the joint case page: it starts with 请选择 (nothing preselected until a lead
window is named), lists the desk's own centre's 专窗 of the member departments first, and sorts window numbers as
numbers (2, 9, 10 — not 10, 2, 9) (issue 13)."""

import re

import pytest

from tests.factories import make_centre, make_window
from tests.joint.test_front_desk import desk, registered  # noqa: F401 (fixtures)
from zhengwu.core.models import ServiceCentre
from zhengwu.joint import services


def _options(html: str) -> list[tuple[str, bool]]:
    select = re.search(r'<select[^>]*id="lead-window-pick".*?</select>', html, re.S).group(0)
    return [
        (label.strip(), "selected" in attrs)
        for attrs, label in re.findall(r"<option([^>]*)>([^<]*)</option>", select)
    ]


@pytest.fixture
def more_windows(county):
    branch = make_centre("贵溪市政务服务中心不动产登记分中心", county.county, kind=ServiceCentre.Kind.BRANCH)
    make_window(branch, "1", name="不动产登记综合窗口", organisations=[county.market], kind="general")
    make_window(county.centre, "2", name="城管专窗", organisations=[county.urban])
    make_window(
        county.centre, "10", name="综合受理", organisations=[county.market, county.urban], kind="general"
    )


def test_the_picker_starts_with_choose_and_sorts_numbers(more_windows, restaurant, company, desk, client):  # noqa: F811
    joint = services.apply(
        bundle=restaurant.bundle, applicant=company, by=company.user, form={"subject": "开办好味道餐馆"}
    )
    joint.lead_window = None
    joint.save(update_fields=["lead_window"])  # an online application whose lead window is not named yet
    client.force_login(desk)
    options = _options(client.get(f"/workbench/joint/{joint.number}/").content.decode())
    assert options[0] == ("请选择", True)
    assert not any(selected for _, selected in options[1:])
    assert [label for label, _ in options[1:]] == [
        "贵溪市政务服务中心 2号窗口 城管专窗",
        "贵溪市政务服务中心 9号窗口",
        "贵溪市政务服务中心 12号窗口",
        "贵溪市政务服务中心 15号窗口",
        "贵溪市政务服务中心 10号窗口 综合受理",
        "贵溪市政务服务中心不动产登记分中心 1号窗口 不动产登记综合窗口",
    ]


def test_the_picker_keeps_the_lead_window_already_named(registered, county, desk, client):  # noqa: F811
    client.force_login(desk)
    options = _options(client.get(f"/workbench/joint/{registered.number}/").content.decode())
    assert options[0] == ("请选择", False)
    assert [label for label, selected in options if selected] == ["贵溪市政务服务中心 9号窗口"]


def test_other_centres_come_centre_by_centre(more_windows, restaurant, company, county, desk, client):  # noqa: F811
    """The other centres' windows came last but mixed: every centre's 专窗 first, then every centre's general windows,
    so one centre's windows were split around another's. Now centre by centre, each ordered as the desk's own centre
    is (专窗 first, numbers as numbers: 2 before 10)."""
    branch = ServiceCentre.objects.get(name="贵溪市政务服务中心不动产登记分中心")
    make_window(branch, "10", name="市场监管专窗", organisations=[county.market])
    make_window(branch, "2", name="城管专窗", organisations=[county.urban])
    town = make_centre("贵溪市雄石街道便民服务中心", county.county, kind=ServiceCentre.Kind.TOWNSHIP)
    make_window(town, "1", name="综合窗口", organisations=[county.market], kind="general")
    make_window(town, "3", name="卫健专窗", organisations=[county.health])
    joint = services.apply(
        bundle=restaurant.bundle, applicant=company, by=company.user, form={"subject": "开办好味道餐馆"}
    )
    client.force_login(desk)
    page = client.get(f"/workbench/joint/{joint.number}/").content.decode()
    assert [label for label, _ in _options(page)[1:]] == [
        "贵溪市政务服务中心 2号窗口 城管专窗",
        "贵溪市政务服务中心 9号窗口",
        "贵溪市政务服务中心 12号窗口",
        "贵溪市政务服务中心 15号窗口",
        "贵溪市政务服务中心 10号窗口 综合受理",
        "贵溪市政务服务中心不动产登记分中心 2号窗口 城管专窗",
        "贵溪市政务服务中心不动产登记分中心 10号窗口 市场监管专窗",
        "贵溪市政务服务中心不动产登记分中心 1号窗口 不动产登记综合窗口",
        "贵溪市雄石街道便民服务中心 3号窗口 卫健专窗",
        "贵溪市雄石街道便民服务中心 1号窗口 综合窗口",
    ]
