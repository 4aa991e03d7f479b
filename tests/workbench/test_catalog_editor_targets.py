"""The catalogue editor's inline check answers with out-of-band error places; each must be on the page it answers
(else htmx raises htmx:oobErrorNoTarget): the page carries a place for every field it has, and the check sends only
the places of that page (a new item's organisation, type and basic code; the rows the page posted)."""

import re
from html.parser import HTMLParser

import pytest

from tests.workbench.test_catalog_pages import approver, county, water, water_item  # noqa: F401 — fixtures

pytestmark = pytest.mark.django_db


class FormFields(HTMLParser):
    """The ids on a page, and what its item form posts as a browser would (checked boxes only)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.data: list[tuple[str, str]] = []
        self._in_form = False
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "form":
            self._in_form = attrs.get("id") == "item-form"
        if not self._in_form or not attrs.get("name") and tag != "option":
            return
        if tag == "input" and attrs.get("type") not in ("checkbox", "radio", "submit", "file"):
            self.data.append((attrs["name"], attrs.get("value") or ""))
        elif tag == "input" and attrs.get("type") in ("checkbox", "radio") and "checked" in attrs:
            self.data.append((attrs["name"], attrs.get("value") or "on"))
        elif tag == "select":
            self._select = attrs["name"]
            self.data.append((self._select, ""))
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[-1] = (self._select, attrs.get("value") or "")
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self.data.append((self._textarea, ""))

    def handle_data(self, data):
        if self._textarea:
            self.data[-1] = (self._textarea, self.data[-1][1] + data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def page(client, path):
    parser = FormFields()
    parser.feed(client.get(path).content.decode())
    return parser


def oob_targets(html: str) -> set[str]:
    return set(re.findall(r'id="([^"]+)"[^>]*hx-swap-oob="true"', html))


def posted(fields: FormFields, **changes) -> dict:
    data: dict[str, list[str]] = {}
    for name, value in fields.data:
        data.setdefault(name, []).append(value)
    for name, value in changes.items():
        data[name] = [value]
    return data


@pytest.mark.parametrize("change", [{}, {"promised_limit": "99", "steps-0-days": "x", "faq-0-q": "问?"}])
def test_the_check_of_an_item_answers_only_places_its_page_has(client, approver, water_item, change):  # noqa: F811
    client.force_login(approver)
    fields = page(client, f"/workbench/catalog/{water_item.code}/edit/")
    for place in ("err-window_authorised", "err-joint", "err-faq", "err-instant", "check-summary"):
        assert place in fields.ids
    answer = client.post(f"/workbench/catalog/{water_item.code}/check/", posted(fields, **change)).text
    targets = oob_targets(answer)
    assert targets and targets <= fields.ids, sorted(targets - fields.ids)
    assert not {"err-type", "err-basic_code", "err-organisation"} & targets  # not chosen on this page


def test_the_check_of_a_new_item_answers_only_places_its_page_has(client, approver):  # noqa: F811
    client.force_login(approver)
    fields = page(client, "/workbench/catalog/new/")
    answer = client.post("/workbench/catalog/new/check/", posted(fields, name="新事项", type="01")).text
    targets = oob_targets(answer)
    assert {"err-type", "err-basic_code", "err-organisation"} <= targets
    assert targets <= fields.ids, sorted(targets - fields.ids)
