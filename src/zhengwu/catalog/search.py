"""Finding items: Chinese words (jieba), Traditional characters (OpenCC t2s), pinyin and pinyin initials.

The index (SearchEntry) holds one row per item's current published version, normalised once at publication, and
is queried with plain `contains` lookups and a scored CASE expression, so SQLite and PostgreSQL answer alike.
Matching: the whole query, or every word of it (in the name or the text); only if nothing matches so, any word.
Ranking: the code, then the whole query in the name, then in the name of the result (营业执照), then words in the
name, then words only in the text. The result's pinyin and initials are searched after the name's.

Speed: scanning every row with LIKE '%…%' costs 35–110 ms at 10,000 items, so each row also has its n-grams in
SearchToken (an indexed table): "c" + every 2-character piece of the name and of each text part, "p" + every
3-letter piece of the pinyin, "i" + every 2-letter piece of the initials. A text holds a string only if it holds all
of the string's pieces, so exact token lookups narrow the rows to a few candidates first; the `contains` checks and
the scoring then run on those alone and decide, so results are the same as a full scan. Strings too short to have a
piece (one character; pinyin under three letters) fall back to the scan.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from django.db import transaction
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Length

from zhengwu.catalog.models import SearchEntry, SearchToken, ServiceItem

_lock = threading.Lock()
_TOKENS = SearchToken._meta.db_table
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


def _pieces(text: str, size: int) -> set[str]:
    return {text[i : i + size] for i in range(len(text) - size + 1)}


def tokens_for(*, name: str, text: str, pinyin: str, initials: str, result: str = "") -> set[str]:
    """The index tokens of one row, from its normalised columns (name, "|"-separated text, pinyin, initials) and
    the normalised name of what the item issues (营业执照): people search for the licence as often as the item."""
    tokens = {f"n{p}" for p in _pieces(name, 2)} | {f"r{p}" for p in _pieces(result, 2)}
    for part in text.split("|"):
        tokens |= {f"t{p}" for p in _pieces(part, 2)}
    tokens |= {f"p{p}" for p in _pieces(pinyin, 3)}
    tokens |= {f"i{p}" for p in _pieces(initials, 2)}
    return tokens


# A narrowing: rows having all of some tokens ("all", tokens), or any of other narrowings ("or", narrowings).
Narrow = tuple


def _holding(kind: str, text: str, size: int = 2) -> Narrow | None:
    """Rows whose `kind` column has every piece of `text`; None when `text` is too short to have a piece."""
    tokens = frozenset(f"{kind}{p}" for p in _pieces(text, size))
    return ("all", tokens) if tokens else None


def _either(*narrows: Narrow | None) -> Narrow | None:
    """Rows in any of the narrowings; None (no narrowing) if one of them could not narrow."""
    if any(n is None for n in narrows):
        return None
    return narrows[0] if len(narrows) == 1 else ("or", narrows)


def _leaves(narrow: Narrow) -> list[frozenset]:
    return [narrow[1]] if narrow[0] == "all" else [leaf for part in narrow[1] for leaf in _leaves(part)]


def _narrow_sql(narrow: Narrow) -> tuple[str, list]:
    """One flat UNION of token lookups on the (token, entry) index: the entry ids having all tokens of a leaf."""
    sqls, params = [], []
    for tokens in _leaves(narrow):
        tokens = sorted(tokens)
        if len(tokens) == 1:
            sqls.append(f"SELECT entry_id FROM {_TOKENS} WHERE token = %s")
        else:
            marks = ", ".join(["%s"] * len(tokens))
            sqls.append(
                f"SELECT entry_id FROM {_TOKENS} WHERE token IN ({marks}) "
                f"GROUP BY entry_id HAVING COUNT(*) = {len(tokens)}"
            )
        params += tokens
    return " UNION ".join(sqls), params


def _rows(narrow: Narrow | None) -> Q:
    """The condition "row is in the narrowing" (for the score and the checks, not only the narrowing)."""
    sql, params = _narrow_sql(narrow)
    return Q(pk__in=RawSQL(sql, params))


@dataclass(frozen=True)
class _Match:
    """A string looked up in one column: `holds` decides, `narrow` (indexed, or None) keeps the rows to check."""

    holds: Q
    narrow: Narrow | None


def _in_name(s: str) -> _Match:
    return _Match(Q(name__contains=s), _holding("n", s))


def _in_text(s: str) -> _Match:
    # The long text is judged by its pieces alone (a string's every 2-character piece within one text part):
    # a LIKE over it costs ~0.01 ms a row, too much for thousands of candidates.
    narrow = _holding("t", s)
    return _Match(Q(text__contains=s) if narrow is None else _rows(narrow), narrow)


def _in_pinyin(q: str) -> _Match:
    narrow = _either(_holding("p", q, 3), _holding("i", q))
    return _Match(Q(initials__contains=q) | Q(pinyin__contains=q), narrow)


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
    result = normalise(version.result_name)
    if result:
        # The result's pinyin follows the name's, so "yyzz" finds the item that issues 营业执照.
        result_full, result_initials = pinyin_of(result)
        full, initials = f"{full}|{result_full}", f"{initials}|{result_initials}"
    text = "|".join(filter(None, (normalise(part) for part in text_parts)))
    entry, _created = SearchEntry.objects.update_or_create(
        item=item,
        defaults={
            "version": version,
            "organisation": organisation,
            "code": item.code,
            "item_type": item.item_type,
            "display_name": display,
            "name": name,
            # "|" keeps the parts apart: a query never matches across two of them.
            "text": text,
            "pinyin": full,
            "initials": initials,
            "targets": _listed(version.targets),
            "themes": _listed(version.themes),
            "life_events": _listed(version.life_events),
            "online_depth": _listed(version.online_depth),
        },
    )
    with transaction.atomic():
        entry.tokens.all().delete()
        SearchToken.objects.bulk_create(
            SearchToken(entry=entry, token=t)
            for t in sorted(tokens_for(name=name, text=text, pinyin=full, initials=initials, result=result))
        )


def search(query: str, entries: QuerySet[SearchEntry] | None = None) -> QuerySet[SearchEntry]:
    """Index rows matching the query, best first (annotated `score`); all rows, by code, for an empty query."""
    entries = SearchEntry.objects.all() if entries is None else entries
    q = normalise(query)
    if not q:
        return entries.order_by("code")
    whens: list[When] = []
    # What the whole query matches that its words would not: the code, the pinyin. Its name, result and text
    # matches are implied by its words (each word is a piece of the query), so the filter leaves them to the words.
    own, own_narrows = Q(), []
    if _CODE.match(q) and any(c.isdigit() for c in q):
        whens.append(When(code=q.upper(), then=Value(1000)))
        whens.append(When(code__contains=q.upper(), then=Value(400)))
        own |= Q(code__contains=q.upper())
        own_narrows.append(None)
    if _ASCII_WORD.match(q):
        pinyin = _in_pinyin(q)
        whens += [
            When(Q(initials=q) | Q(pinyin=q), then=Value(300)),
            When(Q(initials__startswith=q) | Q(pinyin__startswith=q), then=Value(200)),
            When(pinyin.holds, then=Value(100)),
        ]
        own |= pinyin.holds
        own_narrows.append(pinyin.narrow)
    name, text = _in_name(q), _in_text(q)
    result = _holding("r", q)
    whens += [When(name=q, then=Value(900)), When(name.holds, then=Value(500))]
    if result is not None:
        # Between the name and the text: the item that issues what was asked for (营业执照 → 企业登记).
        whens.append(When(_rows(result), then=Value(450)))
    whens.append(When(text.holds, then=Value(60)))
    score = Case(*whens, default=Value(0), output_field=IntegerField())
    every, every_narrow, some_narrow = Q(), (), None
    for w in words(q):
        w_name, w_text = _in_name(w), _in_text(w)
        word_narrow = _either(w_name.narrow, w_text.narrow)
        # A word found in the name counts three times its length, in the text once: names rank first.
        score = (
            score
            + Case(When(w_name.holds, then=Value(3 * len(w))), default=Value(0))
            + Case(When(w_text.holds, then=Value(len(w))), default=Value(0))
        )
        every &= w_name.holds | w_text.holds
        # The rows holding every word are among those holding the longest one (words come longest first).
        every_narrow = word_narrow if every_narrow == () else every_narrow
        some_narrow = word_narrow if some_narrow is None else _either(some_narrow, word_narrow)
    ranked = entries.annotate(score=score, name_length=Length("name")).order_by(
        "-score", "name_length", "code"
    )
    if not every:
        whole = own | name.holds | text.holds
        if result is not None:
            whole |= _rows(result)
        return _narrowed(ranked, _either(*own_narrows, name.narrow, text.narrow)).filter(whole)
    # Rows holding the code or pinyin, or every word; only if there are none, rows holding some of the words.
    strict = _narrowed(ranked, _either(*own_narrows, every_narrow)).filter(own | every)
    if not strict.exists():
        return _narrowed(ranked, _either(*own_narrows, some_narrow)).filter(score__gt=0)
    return strict


def _narrowed(entries: QuerySet[SearchEntry], narrow: Narrow | None) -> QuerySet[SearchEntry]:
    """Only the rows the token index lets through (one `id IN (SELECT …)`, so the database looks them up by key)."""
    return entries if narrow is None else entries.filter(_rows(narrow))
