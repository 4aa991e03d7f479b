"""Finding items: Chinese words (jieba), Traditional characters (OpenCC t2s), pinyin and pinyin initials.

The index (SearchEntry) holds one row per item's current published version, normalised once at publication, and
is queried with plain `contains` lookups and a scored CASE expression, so SQLite and PostgreSQL answer alike.
Matching: the whole query, or every word of it (in the name or the text); only if nothing matches so, any word.
Ranking: the code, then the whole query in the name, then words in the name, then words only in the text.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Length

from zhengwu.catalog.models import SearchEntry, ServiceItem

_lock = threading.Lock()
_KEEP = re.compile(r"[\w]+", re.UNICODE)
_ASCII_WORD = re.compile(r"^[a-z]+$")
_CODE = re.compile(r"^[0-9a-z]{6,30}$")
# Words too common to tell items apart; a query made only of them still matches as a whole.
_STOP = {
    "的",
    "和",
    "与",
    "及",
    "或",
    "在",
    "了",
    "办理",
    "申请",
    "怎么",
    "如何",
    "怎样",
    "去",
    "哪里",
    "我",
    "要",
}


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    with _lock:
        jieba.setLogLevel(60)
        jieba.initialize()
    return jieba


def normalise(text: str) -> str:
    """Simplified characters, lower case, full-width folded, spaces and punctuation removed."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _converter().convert(text).lower()
    return "".join(_KEEP.findall(text)).replace("_", "")


def pinyin_of(text: str) -> tuple[str, str]:
    """(full pinyin without tones or spaces, initials) of a normalised text."""
    from pypinyin import Style, lazy_pinyin

    syllables = lazy_pinyin(text, style=Style.NORMAL, errors="ignore")
    return "".join(syllables), "".join(s[0] for s in syllables if s)


def words(query: str) -> list[str]:
    """The words of a normalised query, longest first, without stop words (the whole query if nothing is left)."""
    found = {w for w in _jieba().cut_for_search(query) if w.strip() and w not in _STOP}
    found.discard(query)
    if any(len(w) > 1 for w in found):
        found = {w for w in found if len(w) > 1}
    # A word inside a longer one adds nothing to the match ("营业" in "营业执照"); each word costs a scan.
    found = {w for w in found if not any(w != other and w in other for other in found)}
    return sorted(found, key=lambda w: (-len(w), w))


def _listed(values) -> str:
    return "|" + "|".join(values) + "|" if values else ""


def refresh(item: ServiceItem) -> None:
    """Rebuild the item's index row from its current published version (or remove it if none is current)."""
    version = item.current_version
    if version is None or item.status != ServiceItem.Status.ACTIVE:
        SearchEntry.objects.filter(item=item).delete()
        return
    display = f"{version.name}({version.sub_name})" if version.sub_name else version.name
    name = normalise(display)
    organisation = item.organisation
    text_parts = [
        version.conditions,
        version.result_name,
        *version.themes,
        *version.life_events,
        *(m.name for m in version.materials.all()),
        *(b.get("law", "") for b in version.legal_basis),
        organisation.name if organisation else "",
        organisation.short_name if organisation else "",
    ]
    full, initials = pinyin_of(name)
    SearchEntry.objects.update_or_create(
        item=item,
        defaults={
            "version": version,
            "organisation": organisation,
            "code": item.code,
            "item_type": item.item_type,
            "display_name": display,
            "name": name,
            # "|" keeps the parts apart: a query never matches across two of them.
            "text": "|".join(filter(None, (normalise(part) for part in text_parts))),
            "pinyin": full,
            "initials": initials,
            "targets": _listed(version.targets),
            "themes": _listed(version.themes),
            "life_events": _listed(version.life_events),
            "online_depth": _listed(version.online_depth),
        },
    )


def search(query: str, entries: QuerySet[SearchEntry] | None = None) -> QuerySet[SearchEntry]:
    """Index rows matching the query, best first (annotated `score`); all rows, by code, for an empty query."""
    entries = SearchEntry.objects.all() if entries is None else entries
    q = normalise(query)
    if not q:
        return entries.order_by("code")
    whens: list[When] = []
    if _CODE.match(q) and any(c.isdigit() for c in q):
        whens.append(When(code=q.upper(), then=Value(1000)))
        whens.append(When(code__contains=q.upper(), then=Value(400)))
    if _ASCII_WORD.match(q):
        whens += [
            When(Q(initials=q) | Q(pinyin=q), then=Value(300)),
            When(Q(initials__startswith=q) | Q(pinyin__startswith=q), then=Value(200)),
            When(Q(initials__contains=q) | Q(pinyin__contains=q), then=Value(100)),
        ]
    whens += [
        When(name=q, then=Value(900)),
        When(name__contains=q, then=Value(500)),
        When(text__contains=q, then=Value(60)),
    ]
    whole = Q()
    for when in whens:
        whole |= when.condition
    score = Case(*whens, default=Value(0), output_field=IntegerField())
    every = Q()
    for w in words(q):
        # A word found in the name counts three times its length, in the text once: names rank first.
        score = (
            score
            + Case(When(name__contains=w, then=Value(3 * len(w))), default=Value(0))
            + Case(When(text__contains=w, then=Value(len(w))), default=Value(0))
        )
        every &= Q(name__contains=w) | Q(text__contains=w)
    ranked = entries.annotate(score=score, name_length=Length("name")).order_by(
        "-score", "name_length", "code"
    )
    # Rows holding the whole query or every word; only if there are none, rows holding some of the words.
    strict = ranked.filter(whole | every) if every else ranked.filter(whole)
    if every and not strict.exists():
        return ranked.filter(score__gt=0)
    return strict
