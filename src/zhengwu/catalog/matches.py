"""Why a search result matched: the fields of the item that hold the query, with the matching part to highlight.

The ranking (search.py) decides the order and the two groups in one statement over the index; this module only
explains the rows of the page shown (a few dozen texts), from the item's published version: two reads per page
(the versions' searched fields, their materials), whatever the number of matches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengwu.catalog import search
from zhengwu.catalog.models import ItemVersion, Material
from zhengwu.core import text as core_text

# The groups of a search's results: direct matches first (see search.DIRECT_TIER), then the rest.
DIRECT, MENTIONED = "direct", "mentioned"
LABELS = {
    "code": gettext_lazy("事项编码"),
    "name": gettext_lazy("事项名称"),
    "result": gettext_lazy("办理结果"),
    "name_pinyin": gettext_lazy("事项名称(拼音)"),
    "result_pinyin": gettext_lazy("办理结果(拼音)"),
    "materials": gettext_lazy("申请材料"),
    "conditions": gettext_lazy("受理条件"),
    "legal_basis": gettext_lazy("设定依据"),
    "themes": gettext_lazy("服务主题"),
    "life_events": gettext_lazy("人生事件"),
    "organisation": gettext_lazy("实施机构"),
}
_ASCII_WORD = re.compile(r"^[a-z]+$")
_AROUND = 24  # characters of a long text kept on each side of the match


@dataclass(frozen=True)
class Match:
    """One field of an item holding the query: its text, with the matched part at [start:end] (None: no span,
    e.g. a pinyin match), and how many more texts of the same field matched (materials)."""

    field: str
    text: str
    start: int | None = None
    end: int | None = None
    others: int = 0

    @property
    def label(self) -> str:
        return str(LABELS[self.field])

    @property
    def before(self) -> str:
        return self.text if self.start is None else self.text[: self.start]

    @property
    def marked(self) -> str:
        return "" if self.start is None else self.text[self.start : self.end]

    @property
    def after(self) -> str:
        return "" if self.start is None else self.text[self.end :]


def group_label(group: str, query: str) -> str:
    if group == DIRECT:
        return _("名称或办理结果与“%(q)s”相符的事项") % {"q": query}
    return _("申请材料、受理条件等内容中提到“%(q)s”的事项") % {"q": query}


def _needles(query: str) -> list[str]:
    q = search.normalise(query)
    return [q, *(w for w in search.words(q) if w != q)] if q else []


@lru_cache(maxsize=4096)
def _normalised(text: str) -> str:
    # Materials, organisations and themes repeat across items: each is folded once.
    return search.normalise(text)


def _find(field: str, texts: list[str], needles: list[str]) -> Match | None:
    """The first needle (the whole query, then its words) found in any of the texts, and how many texts hold it."""
    for needle in needles:
        holding = [t for t in texts if t and needle in _normalised(t)]
        if not holding:
            continue
        cut = core_text.excerpt(holding[0], "", around=_AROUND, look_for=[needle])
        if cut is None:  # folded differently as a whole than character by character: no highlight
            return Match(field, holding[0], others=len(holding) - 1)
        before, marked, after = cut
        return Match(field, before + marked + after, len(before), len(before) + len(marked), len(holding) - 1)
    return None


def explain(rows, query: str) -> None:
    """Give each search row (a SearchEntry of the page shown) its `matches` (list of Match, in the order of the
    fields above) and its `group` (DIRECT or MENTIONED)."""
    rows = list(rows)
    needles = _needles(query)
    if not rows or not needles:
        for row in rows:
            row.matches, row.group = [], ""
        return
    fields = ("id", "result_name", "conditions", "legal_basis", "themes", "life_events")
    versions = {
        v["id"]: v for v in ItemVersion.objects.filter(pk__in=[r.version_id for r in rows]).values(*fields)
    }
    materials: dict[int, list[str]] = {}
    for version_id, name in (
        Material.objects.filter(version_id__in=versions)
        .order_by("version_id", "position")
        .values_list("version_id", "name")
    ):
        materials.setdefault(version_id, []).append(name)
    q = needles[0]
    for row in rows:
        version = versions.get(row.version_id)
        row.group = DIRECT if getattr(row, "direct", False) else MENTIONED
        row.matches = (
            [] if version is None else _matches(row, version, materials.get(version["id"], []), needles, q)
        )


def _matches(row, version: dict, materials: list[str], needles: list[str], q: str) -> list[Match]:
    found: list[Match] = []
    if any(c.isdigit() for c in q) and q.upper() in row.code:
        at = row.code.index(q.upper())
        found.append(Match("code", row.code, at, at + len(q)))
    organisation = row.organisation
    texts = [
        ("name", [row.display_name]),
        ("result", [version["result_name"]]),
        ("materials", materials),
        ("conditions", [version["conditions"]]),
        ("legal_basis", [b.get("law", "") for b in version["legal_basis"] if isinstance(b, dict)]),
        ("themes", list(version["themes"])),
        ("life_events", list(version["life_events"])),
        ("organisation", [organisation.name, organisation.short_name] if organisation else []),
    ]
    # The whole query first, in every field; its words only where the whole query is in none of them (a word in
    # the name would otherwise hide that the licence asked for is among the materials).
    for looked_for in ([needles[0]], needles[1:]):
        for field, values in texts:
            match = _find(field, values, looked_for)
            if match is not None:
                found.append(match)
        if found:
            break
    if _ASCII_WORD.match(q):
        # Pinyin or initials ("yyzz"): the name's or the result's, whole words not highlighted.
        for field, value in (("name_pinyin", row.display_name), ("result_pinyin", version["result_name"])):
            full, initials = core_text.pinyin(search.normalise(value))
            if value and (q in full or q in initials):
                found.append(Match(field, value))
    return found
