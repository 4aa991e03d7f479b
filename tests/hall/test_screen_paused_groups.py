"""The hall screen (大屏) says which groups are paused and when they open again, in the kiosk's words: at lunch
综合受理 (A) serves on (午间延时) while 市场监管 (B) breaks until 13:30 — someone holding B001 must see why nobody is
called, on the page as first drawn and in the feed the screen reads every few seconds (screen.js)."""

from django.urls import reverse

from zhengwu.core import clock
from zhengwu.hall import queue
from zhengwu.hall.models import QueueSource

from .conftest import at


def _row(page: str, name: str) -> str:
    """The screen's waiting row of a group, from <tr> to </tr>."""
    start = page.index(f"<tr><td>{name}")
    return page[start : page.index("</tr>", start)]


def test_at_lunch_the_screen_says_the_paused_group_opens_at_half_past_one(hall, client):
    clock.set_now(at("2026-11-18", 11, 0))
    queue.take_number(group=hall.dedicated, source=QueueSource.KIOSK)  # B001, taken in the morning
    clock.set_now(at("2026-11-18", 12, 30))

    page = client.get(reverse("hall:screen", args=[hall.centre.pk])).content.decode()
    paused = _row(page, "B 市场监管")
    assert "暂停取号 · 今天 13:30 开放" in paused and "<td>1</td>" in paused
    assert "暂停取号" not in _row(page, "A 综合受理")
    assert 'id="hall-closed"' not in page  # the hall as a whole is open: A calls at noon

    waiting = client.get(reverse("portal_hall:calls", args=[hall.centre.pk])).json()["waiting"]
    rows = {q["prefix"]: q for q in waiting}
    assert rows["B"]["paused"] == "暂停取号 · 今天 13:30 开放" and rows["B"]["waiting"] == 1
    assert rows["B"]["opens"] == "今天 13:30"
    assert rows["A"]["paused"] == "" and rows["A"]["opens"] == ""


def test_once_the_group_opens_again_the_screen_drops_the_notice(hall, client):
    clock.set_now(at("2026-11-18", 13, 45))
    page = client.get(reverse("hall:screen", args=[hall.centre.pk])).content.decode()
    assert "暂停取号" not in page
    waiting = client.get(reverse("portal_hall:calls", args=[hall.centre.pk])).json()["waiting"]
    assert all(q["paused"] == "" for q in waiting)
