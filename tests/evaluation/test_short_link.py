"""The short rating link (/r/<code>) a person types from a phone screen: it opens the rating page of its own case,
reads the code however it was typed, and cannot be guessed or tried one code after another."""

import pytest
from django.core.cache import caches

from tests.evaluation.conftest import complete, submitted  # noqa: F401 — fixtures
from zhengwu.core.errors import NotFound
from zhengwu.evaluation import links
from zhengwu.evaluation.models import Rating


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    caches["default"].clear()
    yield
    caches["default"].clear()


def test_the_code_is_short_and_names_its_case(ev):
    code = links.short_code("case", ev.case.pk)
    assert code.isalnum() and code.isupper() and len(code) <= 12
    assert links.read_short_code(code) == ("case", ev.case.pk)
    assert links.read_short_code(links.short_code("ticket", 70000)) == ("ticket", 70000)
    assert links.short_rating_url("case", ev.case.pk, base_url="https://zw.example.cn/") == (
        f"https://zw.example.cn/r/{code}"
    )


def test_the_code_is_read_as_people_type_it(ev):
    code = links.short_code("case", ev.case.pk)
    typed = code.lower().replace("0", "o").replace("1", "l")  # lower case; O for zero, l for one
    assert links.read_short_code(f" {typed[:4]}-{typed[4:]} ") == ("case", ev.case.pk)


def test_a_changed_or_made_up_code_is_refused(ev):
    code = links.short_code("case", ev.case.pk)
    other_case = links.short_code("case", ev.case.pk + 1)
    forged = other_case[: -links.CHECK_LENGTH] + code[-links.CHECK_LENGTH :]  # another case with this check
    last = code[-1]
    for bad in (forged, code[:-1] + ("0" if last != "0" else "1"), "C1", "", "U" + code[1:], "X" + code[1:]):
        with pytest.raises(NotFound, match="评价码不正确"):
            links.read_short_code(bad)


def test_the_short_link_opens_the_rating_page_and_the_rating_counts_as_by_link(ev, client):
    response = client.get(f"/r/{links.short_code('case', ev.case.pk).lower()}")
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200 and ev.case.number in page.text and "提交评价" in page.text
    client.post(response["Location"], {"action": "rate", "level": "5", "tags": ["服务热情"]})
    assert Rating.objects.get(case=ev.case).channel == "link"


def test_a_wrong_code_is_not_found_and_trying_codes_is_stopped(ev, client, one_rate_window):
    code = links.short_code("case", ev.case.pk)
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    assert client.get(f"/r/{wrong}").status_code == 404
    statuses = [client.get(f"/r/C{n}ZZZZZZZZ").status_code for n in range(25)]
    assert set(statuses[:19]) == {404} and statuses[-1] == 429
    assert client.get(f"/r/{code}").status_code == 429  # the address waits, even with the right code


def test_a_case_not_completed_yet_has_no_rating_page_behind_its_code(ev, client, submitted):  # noqa: F811
    followed = client.get(f"/r/{links.short_code('case', submitted.pk)}")
    assert followed.status_code == 302
    page = client.get(followed["Location"]).text
    assert "提交评价" not in page


def test_the_completion_message_of_every_completed_case_has_its_own_code(ev, world):
    from zhengwu.cases.models import OutboxMessage

    second = complete(world)
    bodies = {
        case.pk: OutboxMessage.objects.filter(case=case, body__contains="/r/").values_list("body", flat=True)[
            0
        ]
        for case in (ev.case, second)
    }
    assert links.short_code("case", ev.case.pk) in bodies[ev.case.pk]
    assert links.short_code("case", second.pk) in bodies[second.pk]
    assert links.short_code("case", second.pk) not in bodies[ev.case.pk]
