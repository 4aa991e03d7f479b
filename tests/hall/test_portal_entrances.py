"""A citizen on the website finds both ways into the hall: 预约 (booking, which needs signing in with one's real name,
said on the link and on the sign-in page it leads to) and 现场取号 (taking a number on the phone, only of use at the
hall). The portal's 预约取号 went straight to a login page, and no portal page led to the phone's take-a-number page."""

import re

from django.urls import reverse

from zhengwu.core import clock

from .conftest import at


def _link(page: str, text: str) -> str:
    """The href of the link whose text is `text`."""
    found = re.search(rf'<a [^>]*href="([^"]+)"[^>]*>{re.escape(text)}</a>', page)
    assert found, text
    return found.group(1)


def test_the_home_page_offers_booking_with_sign_in_and_taking_a_number_at_the_hall(hall, client):
    clock.set_now(at("2026-11-18", 10))
    home = client.get("/").content.decode()
    assert _link(home, "网上预约(需实名登录)") == "/hall/book/"
    take = _link(home, "到大厅后扫码或在此取号")
    assert take == f"/hall/{hall.centre.pk}/take/"
    page = client.get(take)
    assert page.status_code == 200 and "A · 综合受理" in page.content.decode()


def test_the_portals_hall_section_offers_both_and_leads_to_each(hall, client):
    home = client.get("/").content.decode()
    section = _link(home, "预约取号")  # the portal's main navigation
    assert section == reverse("portal_hall:index")
    page = client.get(section).content.decode()
    assert _link(page, "预约办事(需实名登录)") == "/hall/book/"
    assert _link(page, "到大厅后扫码或在此取号") == f"/hall/{hall.centre.pk}/take/"
    assert hall.centre.name in page and _link(page, "查看实时排队叫号") == f"/hall/{hall.centre.pk}/"


def test_the_sign_in_page_reached_from_booking_says_why(hall, client):
    page = client.get("/hall/book/", follow=True)
    assert page.redirect_chain[-1][0].startswith(reverse("portal_cases:signin"))
    html = page.content.decode()
    assert "预约需实名登录" in html
    mine = client.get("/hall/mine/", follow=True).content.decode()
    assert "查看我的预约需实名登录" in mine and "预约需实名登录:" not in mine
