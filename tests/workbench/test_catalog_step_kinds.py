"""The item editor names the decision step (环节类型): a wrong choice is refused at that row's select, a right one is
saved and shown again."""

import copy

import pytest

from tests.catalog.conftest import SPEC
from tests.workbench.test_catalog_pages import _error_at, _form, approver, county, water, water_item  # noqa: F401

pytestmark = pytest.mark.django_db


def with_kinds(data: dict, kinds: dict[int, str]) -> dict:
    """The posted form with a kind chosen on the given input rows (row 1 is the blank row _form leaves)."""
    return {**data, **{f"steps-{row}-kind": kind for row, kind in kinds.items()}}


def test_the_kind_select_offers_the_kinds_and_shows_the_saved_one(client, approver, water_item):  # noqa: F811
    client.force_login(approver)
    html = client.get(f"/workbench/catalog/{water_item.code}/edit/").content.decode()
    assert 'name="steps-2-kind"' in html and "按环节名称判断" in html
    assert '<option value="decide" selected>决定</option>' in html  # 决定, read from its name


def test_a_review_step_after_the_decision_is_refused_at_its_kind(client, approver, water_item):  # noqa: F811
    client.force_login(approver)
    data = with_kinds(_form(copy.deepcopy(SPEC)), {0: "accept", 2: "decide", 3: "review"})
    html = client.post(f"/workbench/catalog/{water_item.code}/check/", data).content.decode()
    assert "决定环节「审查」之后只能是制证或送达环节,「决定」是审查环节" in _error_at(html, "steps-3-kind")

    response = client.post(f"/workbench/catalog/{water_item.code}/edit/", data)
    assert response.status_code == 422
    assert water_item.versions.count() == 1


def test_a_window_decision_without_window_authorisation_is_refused(client, approver, water_item):  # noqa: F811
    client.force_login(approver)
    spec = copy.deepcopy(SPEC)
    spec["window_authorised"] = False
    spec["steps"][2]["role"] = "window_clerk"
    data = _form(spec)
    data.pop("window_authorised", None)
    html = client.post(f"/workbench/catalog/{water_item.code}/check/", data).content.decode()
    assert "未授权窗口办理" in _error_at(html, "steps-3-role")


def test_chosen_kinds_are_saved(client, approver, water_item):  # noqa: F811
    client.force_login(approver)
    spec = copy.deepcopy(SPEC)
    spec["steps"][2]["name"] = "集体审议"  # a name that says nothing: the kind says it is the decision
    data = with_kinds(_form(spec), {0: "accept", 2: "review", 3: "decide"})
    data["reason"] = "写明决定环节"
    response = client.post(f"/workbench/catalog/{water_item.code}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:500]
    draft = water_item.versions.order_by("-number").first()
    assert [(s.name, s.kind) for s in draft.steps.order_by("position")] == [
        ("受理", "accept"),
        ("审查", "review"),
        ("集体审议", "decide"),
    ]
