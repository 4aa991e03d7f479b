"""The information desk (导服台) finds the item a walk-in names: items whose name matches first and alone; the items
that only mention the words in their materials or conditions only when no name matches, and said so. Asked for
营业执照, the desk is not offered 食品经营许可 because it asks for a copy of one."""

import copy

from tests.cases.conftest import ITEM, publish
from zhengwu.hall import services
from zhengwu.hall.models import QueueNumber

LICENCE = {
    **copy.deepcopy(ITEM),
    "name": "个体工商户营业执照补领",
    "materials": [{"name": "补领申请书", "required": True, "medium": "either"}],
    "result": {"name": "个体工商户营业执照", "kind": "licence", "delivery": ["window"]},
}


def _desk(client, hall, query: str) -> str:
    client.force_login(hall.operator)
    return client.get("/workbench/hall/desk/", {"q": query}).content.decode()


def test_the_desk_lists_the_items_named_and_not_those_that_only_ask_for_the_thing(hall, client):
    licence = publish(LICENCE, hall.bureau)
    licence.current_version.windows.set([hall.w3])
    services.generate_slots(centre=hall.centre)  # the items found are those the hall serves
    page = _desk(client, hall, "营业执照")
    found = page.split('id="desk-items"')[1].split("</ul>")[0]
    assert f'href="?item={licence.pk}">个体工商户营业执照补领</a>' in found
    assert "食品经营许可" not in found  # its material 营业执照复印件 matched, its name did not
    assert "申请材料、受理条件等内容中提到" not in page


def test_an_item_found_only_by_its_materials_is_labelled_so(hall, client):
    services.generate_slots(centre=hall.centre)
    page = _desk(client, hall, "场所平面图")
    assert 'id="desk-items-in-text"' in page
    assert "没有名称含「场所平面图」的事项;以下事项的申请材料、受理条件等内容中提到它:" in page
    found = page.split('id="desk-items"')[1].split("</ul>")[0]
    assert f'href="?item={hall.item.pk}">食品经营许可</a>' in found


def test_booking_finds_items_the_same_way(hall, client):
    """The booking steps (portal, kiosk, hotline) use the same finding: by name first, materials labelled."""
    licence = publish(LICENCE, hall.bureau)
    licence.current_version.windows.set([hall.w3])
    services.generate_slots(centre=hall.centre)
    kiosk = f"/hall/{hall.centre.pk}/kiosk/"
    named = client.get(kiosk, {"book": "1", "q": "营业执照"}).content.decode()
    assert "个体工商户营业执照补领" in named and "食品经营许可" not in named and "找到的事项" in named
    mentioned = client.get(kiosk, {"book": "1", "q": "场所平面图"}).content.decode()
    assert (
        "没有名称含「场所平面图」的事项,以下事项的材料中提到它" in mentioned and "食品经营许可" in mentioned
    )
    client.force_login(hall.citizen_user)
    page = client.get("/hall/book/", {"q": "场所平面图"}).content.decode()
    assert 'id="items-in-text"' in page and "食品经营许可" in page


def test_the_desk_shows_the_number_taken_on_a_page_a_reload_does_not_take_again(hall, client):
    client.force_login(hall.operator)
    taken = client.post("/workbench/hall/desk/", {"group": hall.general.pk, "green": "elderly"})
    number = QueueNumber.objects.get()
    assert taken.status_code == 302 and taken["Location"] == f"/workbench/hall/desk/?taken={number.pk}"
    first = client.get(taken["Location"]).content.decode()
    assert "已取号 A001(综合受理)" in first  # said once, after taking
    again = client.get(taken["Location"]).content.decode()  # a reload
    for page in (first, again):
        assert '<p class="display-5 fw-bold" data-testid="taken">A001</p>' in page
    assert QueueNumber.objects.count() == 1


def test_the_api_finds_items_as_the_desk_does(hall, client):
    licence = publish(LICENCE, hall.bureau)
    licence.current_version.windows.set([hall.w3])
    services.generate_slots(centre=hall.centre)
    named = client.get("/api/appointments/items", {"q": "营业执照", "centre": hall.centre.pk}).json()
    assert [(i["name"], i["in_text"]) for i in named] == [("个体工商户营业执照补领", False)]
    mentioned = client.get("/api/appointments/items", {"q": "场所平面图", "centre": hall.centre.pk}).json()
    assert [(i["name"], i["in_text"]) for i in mentioned] == [("食品经营许可", True)]
