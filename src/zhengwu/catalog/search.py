"""Finding items: Chinese words (jieba), Traditional characters (OpenCC t2s), pinyin and pinyin initials.

The index (SearchEntry) holds one row per item's current published version, normalised once at publication.
Matching: the whole query, or every word of it (in the name or the text); only if nothing matches so, any word.
Ranking: the code, then the whole query in the name, then in the name of the result (营业执照), then words in the
name, then words only in the text. The result's pinyin and initials are searched after the name's.

Speed: scanning every row with LIKE '%…%' costs 35–110 ms at 10,000 items, so each row also has its n-grams in
SearchToken (an indexed table): "n" + every 2-character piece of the name, "t" + of each text part, "r" + of the
result's name, "p" + every 3-letter piece of the pinyin, "i" + every 2-letter piece of the initials. A text holds a
string only if it holds all of the string's pieces. A search is two statements and the page's read:
1. how many rows have each token the match needs (one grouped count on the index);
2. one ranked statement: each row's bits — one grouped read of the postings of every token the statement asks
   about, a bit per token (`_bits`) — then the candidates (rows with a few of the narrowing's rarest tokens), the
   exact conditions and the score computed once per candidate from the bits, and the ids back best first — so the
   count is their number and a page reads only its rows. (Until 2026-12-06 each token was an `IN (SELECT …)` per
   mention, a hash built each time: 营业执照's ranking built twelve of ~3,600 rows each.)
The name is checked with LIKE where its pieces are all there (a 2-character string by its piece alone); the long
text by its pieces. Strings too short to have a piece (one character; pinyin under three letters) and codes fall
back to scanning every row.
Measured by `make bench ARGS=catalog` (10,000 items on PostgreSQL; the query with the most matches — 营业执照, in a
third of all items' materials — is the slowest): docs/deploy.md, the sizing table.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce

from django.db import connection, transaction
from django.db.models import QuerySet

from zhengwu.catalog.models import SearchEntry, SearchToken, ServiceItem
from zhengwu.core import text as core_text

_TOKENS = SearchToken._meta.db_table
_TOKEN_COLUMNS = ", ".join(SearchToken._meta.get_field(f).column for f in ("entry", "token"))
_ENTRIES = SearchEntry._meta.db_table
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


def normalise(text: str) -> str:
    """Simplified characters, lower case, full-width folded, spaces and punctuation removed."""
    return core_text.normalise(text)


def pinyin_of(text: str) -> tuple[str, str]:
    """(full pinyin without tones or spaces, initials) of a normalised text."""
    return core_text.pinyin(text)


def words(query: str) -> list[str]:
    """The words of a normalised query, longest first, without stop words (the whole query if nothing is left)."""
    found = {w for w in core_text.cut_for_search(query) if w.strip() and w not in _STOP}
    found.discard(query)
    if any(len(w) > 1 for w in found):
        found = {w for w in found if len(w) > 1}
    # A word inside a longer one adds nothing to the match ("营业" in "营业执照"); each word costs a scan.
    found = {w for w in found if not any(w != other and w in other for other in found)}
    return sorted(found, key=lambda w: (-len(w), w))


_pieces = core_text.pieces


def tokens_for(*, name: str, text: str, pinyin: str, initials: str, result: str = "") -> set[str]:
    """The index tokens of one row, from its normalised columns (name, "|"-separated text, pinyin, initials) and
    the normalised name of what the item issues (营业执照): people search for the licence as often as the item."""
    tokens = {f"n{p}" for p in _pieces(name, 2)} | {f"r{p}" for p in _pieces(result, 2)}
    for part in text.split("|"):
        tokens |= {f"t{p}" for p in _pieces(part, 2)}
    tokens |= {f"p{p}" for p in _pieces(pinyin, 3)}
    tokens |= {f"i{p}" for p in _pieces(initials, 2)}
    return tokens


@dataclass(frozen=True)
class _Sql:
    """A condition or expression in SQL with its parameters, in the order they appear."""

    sql: str
    params: tuple = ()
    flags: frozenset[str] = frozenset()  # the tokens whose flag columns (see _flag) the SQL reads

    def __and__(self, other: _Sql) -> _Sql:
        return _Sql(f"({self.sql} AND {other.sql})", self.params + other.params, self.flags | other.flags)

    def __or__(self, other: _Sql) -> _Sql:
        return _Sql(f"({self.sql} OR {other.sql})", self.params + other.params, self.flags | other.flags)


def _joined(parts, separator: str) -> _Sql:
    parts = list(parts)
    return _Sql(
        separator.join(p.sql for p in parts),
        tuple(x for p in parts for x in p.params),
        frozenset().union(*(p.flags for p in parts)),
    )


def _case(pairs: list[tuple[_Sql, int]]) -> _Sql:
    """The value of the first condition that holds (0 if none)."""
    whens = _joined((_Sql(f"WHEN {c.sql} THEN {value}", c.params, c.flags) for c, value in pairs), " ")
    return _Sql(f"(CASE {whens.sql} ELSE 0 END)", whens.params, whens.flags)


def _flagged(narrow: Narrow, frequency: dict[str, int] | None = None, most: int | None = None) -> _Sql:
    """The condition "the row is in the narrowing", read from the row's token bits (see _bits); with `most`, only
    each leaf's `most` rarest tokens (by `frequency`) are asked: a wider condition, for bringing candidates in."""
    if narrow[0] == "all":
        tokens = frozenset(_rarest(narrow[1], frequency or {})[:most])
        return _Sql(_BITS_MARK.format(",".join(sorted(t.encode().hex() for t in tokens))), (), tokens)
    parts = _joined(
        (_flagged(part, frequency, most) for part in narrow[1]), " AND " if narrow[0] == "and" else " OR "
    )
    return _Sql(f"({parts.sql})", parts.params, parts.flags)


# Where a condition needs "the row has every one of these tokens": replaced, once every token the statement asks
# about is known, by a test of the row's bits (_bits).
_BITS_MARK = "\x00bits:{}\x00"
_BITS_FOUND = re.compile("\x00bits:([0-9a-f,]*)\x00")
_BITS_PER_COLUMN = 62  # a 64-bit signed integer on both databases, with room to spare


def _bits(tokens: list[str]) -> tuple[_Sql, Callable[[str], str]]:
    """The columns of a candidate's token bits, and how to turn the conditions' marks into tests of them.

    The row has a token's bit when it has the token: one grouped read of the postings of every token the statement
    asks about, each column the SUM of its tokens' bits (a row has a token once). Testing "has all of these" is then
    one AND and one comparison a column — where `e.id IN (SELECT …)` a token built one hash per mention and
    LIKE read the name of every candidate.
    """
    place = {t: divmod(i, _BITS_PER_COLUMN) for i, t in enumerate(tokens)}
    columns = []
    params: list = []
    for column in range(len(tokens) // _BITS_PER_COLUMN + 1):
        mine = [(t, bit) for t, (c, bit) in place.items() if c == column]
        if not mine:
            break
        columns.append(
            "CAST(SUM(CASE token "
            + " ".join(f"WHEN %s THEN {1 << bit}" for _t, bit in mine)
            + f" ELSE 0 END) AS BIGINT) AS m{column}"
        )
        params += [t for t, _bit in mine]

    def tests(sql: str) -> str:
        def replace(found) -> str:
            masks: dict[int, int] = {}
            for hexed in found.group(1).split(","):
                column, bit = place[bytes.fromhex(hexed).decode()]
                masks[column] = masks.get(column, 0) | 1 << bit
            return "(" + " AND ".join(f"(f.m{c} & {m}) = {m}" for c, m in sorted(masks.items())) + ")"

        return _BITS_FOUND.sub(replace, sql)

    return _Sql(", ".join(columns), tuple(params)), tests


# Which rows can match, by the token index: ("all", tokens) — rows having every one of the tokens; ("or", parts),
# ("and", parts). None: the index cannot tell (a string too short to have a piece, a code), every row is a candidate.
Narrow = tuple


def _either(*narrows: Narrow | None) -> Narrow | None:
    """Rows in any of the narrowings; None if one of them cannot narrow."""
    if any(n is None for n in narrows):
        return None
    return narrows[0] if len(narrows) == 1 else ("or", narrows)


def _both(*narrows: Narrow | None) -> Narrow | None:
    """Rows in all of the narrowings: those the index can tell are enough to narrow."""
    known = tuple(n for n in narrows if n is not None)
    return None if not known else known[0] if len(known) == 1 else ("and", known)


def _tokens_of(narrow: Narrow) -> set[str]:
    return set(narrow[1]) if narrow[0] == "all" else {t for part in narrow[1] for t in _tokens_of(part)}


# A condition built once the token frequencies are known (they order the index lookups, rarest first).
Condition = Callable[[dict], _Sql]


@dataclass(frozen=True)
class _Term:
    """A string looked up in one column: `holds` decides, `narrow` (by the index, or None) brings in the rows."""

    holds: Condition
    narrow: Narrow | None

    def __or__(self, other: _Term) -> _Term:
        return _Term(lambda f: self.holds(f) | other.holds(f), _either(self.narrow, other.narrow))

    def __and__(self, other: _Term) -> _Term:
        return _Term(lambda f: self.holds(f) & other.holds(f), _both(self.narrow, other.narrow))


def _any(terms) -> _Term:
    return reduce(operator.or_, terms)


def _every(terms) -> _Term:
    return reduce(operator.and_, terms)


def _leaf(kind: str, text: str, size: int = 2) -> Narrow | None:
    """Rows whose `kind` column has every piece of `text`; None when `text` is too short to have a piece."""
    tokens = frozenset(f"{kind}{p}" for p in _pieces(text, size))
    return ("all", tokens) if tokens else None


def _scan(sql: _Sql) -> _Term:
    return _Term(lambda _f: sql, None)


def _in_name(s: str) -> _Term:
    # Decided by the name itself (exact), read only where the row has every piece of the string: a 2-character
    # string is its own piece, so its flag alone decides.
    narrow = _leaf("n", s)
    if narrow is None:
        return _scan(_like("name", f"%{s}%"))
    if len(s) == 2:
        return _in_index(narrow)
    return _Term(lambda _f: _flagged(narrow) & _like("name", f"%{s}%"), narrow)


def _in_index(narrow: Narrow) -> _Term:
    return _Term(lambda _f: _flagged(narrow), narrow)


def _in_text(s: str) -> _Term:
    # The long text is judged by its pieces alone (a string's every 2-character piece within one text part):
    # a LIKE over it costs ~0.01 ms a row, too much for thousands of candidates.
    narrow = _leaf("t", s)
    return _scan(_like("text", f"%{s}%")) if narrow is None else _in_index(narrow)


def _in_pinyin(q: str) -> _Term:
    return _Term(
        lambda _f: _like("initials", f"%{q}%") | _like("pinyin", f"%{q}%"),
        _either(_leaf("p", q, 3), _leaf("i", q)),
    )


def _like(column: str, pattern: str) -> _Sql:
    # Normalised text has no "%", "_" or upper case (see normalise), so a plain LIKE is exact on both databases.
    return _Sql(f"e.{column} LIKE %s", (pattern,))


def _rarest(tokens, frequency: dict[str, int]) -> list[str]:
    return sorted(tokens, key=lambda t: (frequency.get(t, 0), t))


def _cost(narrow: Narrow, frequency: dict[str, int]) -> int:
    """About how many postings a drive through the narrowing reads."""
    if narrow[0] == "all":
        return min(frequency.get(t, 0) for t in narrow[1])
    costs = [_cost(part, frequency) for part in narrow[1]]
    return sum(costs) if narrow[0] == "or" else min(costs)


# The candidates are brought in by a few of each leaf's rarest tokens (the conditions decide): enough to narrow.
_CANDIDATE_TOKENS = 3


def _frequencies(narrows) -> dict[str, int]:
    """How many rows have each token of the narrowings (one grouped count on the index)."""
    tokens = sorted(set().union(*(_tokens_of(n) for n in narrows if n is not None)))
    if not tokens:
        return {}
    with connection.cursor() as cursor:
        marks = ", ".join(["%s"] * len(tokens))
        cursor.execute(
            f"SELECT token, COUNT(*) FROM {_TOKENS} WHERE token IN ({marks}) GROUP BY token", tokens
        )
        return dict(cursor.fetchall())


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
    tokens = sorted(tokens_for(name=name, text=text, pinyin=full, initials=initials, result=result))
    with transaction.atomic():
        entry.tokens.all().delete()
        # One prepared INSERT run for every token (an item has ~200): the same rows as bulk_create of model
        # instances, without building one for each.
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {_TOKENS} ({_TOKEN_COLUMNS}) VALUES (%s, %s)", [(entry.pk, t) for t in tokens]
            )


class Ranked:
    """The rows matching a query, best first.

    The ranking is one query returning the ordered ids, run once: the count is their number and a page (a slice)
    loads only its own rows, so a paginator costs the ranking and one read by primary key. Each row carries its
    `score` and whether it is a `direct` match (see DIRECT_TIER); the direct matches come first.
    """

    def __init__(self, entries: QuerySet[SearchEntry], ranked: list[tuple[int, int, bool]]) -> None:
        self.entries, self.ranked = entries, ranked

    def ids(self) -> list[int]:
        """The ids of the matching rows, best first."""
        return [pk for pk, _score, _direct in self.ranked]

    def direct_count(self) -> int:
        """How many rows are direct matches (they are the first ones)."""
        return sum(1 for _pk, _score, direct in self.ranked if direct)

    def count(self) -> int:
        return len(self.ranked)

    __len__ = count

    def exists(self) -> bool:
        return bool(self.ranked)

    def __iter__(self):
        return iter(self[:])

    def __getitem__(self, index):
        if not isinstance(index, slice):
            index = index + len(self.ranked) if index < 0 else index
            if not 0 <= index < len(self.ranked):
                raise IndexError(index)
            return self[index : index + 1][0]
        page = self.ranked[index]
        rows = {e.pk: e for e in self.entries.order_by().filter(pk__in=[pk for pk, _score, _direct in page])}
        for pk, score, direct in page:
            if pk in rows:
                rows[pk].score, rows[pk].direct = score, direct
        return [rows[pk] for pk, _score, _direct in page if pk in rows]


def search(query: str, entries: QuerySet[SearchEntry] | None = None) -> Ranked | QuerySet[SearchEntry]:
    """Index rows matching the query, best first (each with its `score`); all rows, by code, for an empty query."""
    entries = SearchEntry.objects.all() if entries is None else entries
    q = normalise(query)
    if not q:
        return entries.order_by("code")
    # The whole query: the code, the pinyin, the name, the name of the result, the text — the first that holds
    # gives the score.
    whens: list[tuple[Condition, int]] = []
    own: list[_Term] = []  # what the whole query matches that its words would not: the code, the pinyin
    if _CODE.match(q) and any(c.isdigit() for c in q):
        code = _scan(_like("code", f"%{q.upper()}%"))
        whens += [(lambda _f: _Sql("e.code = %s", (q.upper(),)), 1000), (code.holds, 400)]
        own.append(code)
    if _ASCII_WORD.match(q):
        pinyin = _in_pinyin(q)
        whens += [
            (lambda _f: _Sql("(e.initials = %s OR e.pinyin = %s)", (q, q)), 300),
            (lambda _f: _like("initials", f"{q}%") | _like("pinyin", f"{q}%"), 200),
            (pinyin.holds, 100),
        ]
        own.append(pinyin)
    name, text = _in_name(q), _in_text(q)
    whole = [name, text]
    whens += [(lambda _f: _Sql("e.name = %s", (q,)), 900), (name.holds, 500)]
    result = _leaf("r", q)
    if result is not None:
        # Between the name and the text: the item that issues what was asked for (营业执照 → 企业登记).
        whole.append(_in_index(result))
        whens.append((whole[-1].holds, 450))
    whens.append((text.holds, 60))
    # The score adds up the whole query's CASE (its tier), then each word's in the name and in the text.
    name_words: list[list[tuple[Condition, int]]] = []
    text_words: list[list[tuple[Condition, int]]] = []
    found = []
    query_words = words(q)
    for w in query_words:
        w_name, w_text = _in_name(w), _in_text(w)
        # A word found in the name counts three times its length, in the text once: names rank first.
        name_words.append([(w_name.holds, 3 * len(w))])
        text_words.append([(w_text.holds, len(w))])
        found.append(w_name | w_text)
    every_word_in_name = sum(3 * len(w) for w in query_words) if found else None

    def score(frequency: dict) -> _Score:
        def total(cases) -> _Sql:
            summed = _joined((_case([(c(frequency), v) for c, v in pairs]) for pairs in cases), " + ")
            return _Sql(f"({summed.sql})", summed.params, summed.flags) if cases else _Sql("0")

        return _Score(total([whens]), total(name_words), total(text_words), every_word_in_name)

    within = None
    if entries.query.where:
        sql, params = entries.order_by().values("pk").query.sql_with_params()
        within = _Sql(f"e.id IN ({sql})", tuple(params))
    if not found:
        return Ranked(entries, _ranked(_any([*own, *whole]), score, within))
    # Rows holding the code or pinyin, or every word; only if there are none, rows holding some of the words.
    ranked = _ranked(_any([*own, _every(found)]), score, within)
    if not ranked:
        ranked = _ranked(_any([*own, *whole, *found]), score, within, scored=True)
    return Ranked(entries, ranked)


@dataclass(frozen=True)
class _Score:
    """The parts of a row's score: the whole query's tier, the words found in the name, the words in the text."""

    tier: _Sql
    name_words: _Sql
    text_words: _Sql
    every_word_in_name: int | None  # the name words' total when every word is in the name


# A row is a direct match (listed first, in its own group) when the whole query is its code, its name or part of
# it, its result's name (营业执照 → 企业登记) or their pinyin — tiers of 100 and above — or every word of the query
# is in its name. Otherwise it matched only in its text: materials, conditions, legal basis, themes, organisation.
DIRECT_TIER = 100


def _ranked(
    match: _Term, score: Callable[[dict], _Score], within: _Sql | None, scored: bool = False
) -> list[tuple[int, int, bool]]:
    """The (id, score, direct) of the rows that match (and score above 0, if `scored`): direct matches first,
    then the rest, each best first."""
    frequency = _frequencies([match.narrow])
    conditions = [match.holds(frequency)]
    if match.narrow is not None:
        if _cost(match.narrow, frequency) == 0:
            return []  # a token no row has: nothing can match
        # the candidates: the rows with the narrowing's rarest tokens, read from their bits (the conditions decide)
        conditions.insert(0, _flagged(match.narrow, frequency, _CANDIDATE_TOKENS))
    if within is not None:
        conditions.append(within)
    where = _joined(conditions, " AND ")
    parts = score(frequency)
    flags = sorted(where.flags | parts.tier.flags | parts.name_words.flags | parts.text_words.flags)
    source, tests = _Sql(f"{_ENTRIES} e"), None
    if flags:
        columns, tests = _bits(flags)
        marks = ", ".join(["%s"] * len(flags))
        grouped = _Sql(
            f"(SELECT entry_id, {columns.sql} FROM {_TOKENS} WHERE token IN ({marks}) GROUP BY entry_id) f",
            (*columns.params, *flags),
        )
        # A candidate of a narrowing has some of its tokens, so bits; without one, a row may have none.
        join = "JOIN" if match.narrow is not None else "LEFT JOIN"
        source = _Sql(f"{source.sql} {join} {grouped.sql} ON f.entry_id = e.id", grouped.params)
    direct = f"tier >= {DIRECT_TIER}"
    if parts.every_word_in_name:
        direct += f" OR name_words = {int(parts.every_word_in_name)}"
    # The parts are computed once per candidate (inner select); the outer one adds them up and groups. The fence
    # (OFFSET 0) keeps the database from copying the parts' expressions into the outer select, where `tier` and
    # `name_words` appear twice and would be evaluated twice.
    fence = "OFFSET 0" if connection.vendor == "postgresql" else "LIMIT -1 OFFSET 0"
    statement = (
        f"SELECT id, tier + name_words + text_words AS score, CASE WHEN {direct} THEN 1 ELSE 0 END AS direct "
        f"FROM (SELECT e.id, e.name, e.code, {parts.tier.sql} AS tier, {parts.name_words.sql} AS name_words, "
        f"{parts.text_words.sql} AS text_words FROM {source.sql} WHERE {where.sql} {fence}) ranked "
        f"{'WHERE tier + name_words + text_words > 0 ' if scored else ''}"
        f"ORDER BY direct DESC, score DESC, LENGTH(name), code"
    )
    if tests is not None:
        statement = tests(statement)
    params = (
        parts.tier.params + parts.name_words.params + parts.text_words.params + source.params + where.params
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return [(pk, value, bool(is_direct)) for pk, value, is_direct in cursor.fetchall()]
