"""The knowledge base's search: an inverted index of words, pinyin and initials, queried the same on both databases.

Terms are written once when an entry is saved. A search is one statement (`ranked_sql`), written so that both
databases run it the same way whatever their statistics say:
1. the postings of the query's words (and, for pinyin, of the terms beginning with it: a range on the indexed
   `term` column, which SQLite's LIKE cannot use) are summed per entry, driven by the `term` index;
2. each entry found is then looked up once by primary key for whether it is live and its uses (a correlated
   subquery; the inner select is fenced off with OFFSET 0 so PostgreSQL does not look it up twice);
3. the best `limit` come back by score, then uses, then id.
Filtering by a join instead let both planners drive from every live entry and probe the (entry, term) index for each
(10,000 probes at 10,000 entries; up to 0.4 s on PostgreSQL before its statistics are gathered).
The cost is the number of postings of the query's words: a word found in every entry is the slowest case.
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet

from zhengwu.core import text as core_text
from zhengwu.tickets import text
from zhengwu.tickets.models import KnowledgeEntry, KnowledgeTerm

TITLE_WEIGHT, KEYWORD_WEIGHT, ANSWER_WEIGHT, PINYIN_WEIGHT = 3.0, 3.0, 1.0, 2.0
MAX_TERM = 64


def terms_of(title: str, keywords: str, answer: str) -> dict[str, float]:
    """The searchable terms of an entry with their weights (the highest weight wins when a term repeats)."""
    terms: dict[str, float] = {}

    def add(term: str, weight: float) -> None:
        if term and len(term) <= MAX_TERM:
            terms[term] = max(terms.get(term, 0.0), weight)

    for source, weight in ((title, TITLE_WEIGHT), (keywords, KEYWORD_WEIGHT), (answer, ANSWER_WEIGHT)):
        for word in text.words(source):
            add(word, weight)
            if weight > ANSWER_WEIGHT:
                full, initials = text.pinyin_terms(word)
                add(full, PINYIN_WEIGHT)
                if len(initials) >= 2:
                    add(initials, PINYIN_WEIGHT)
    full, initials = text.pinyin_terms(text.simplify(title))
    add(initials[:MAX_TERM], PINYIN_WEIGHT)  # initials of the whole question: "sbkzmbb" finds 社保卡怎么补办
    return terms


def reindex(entry: KnowledgeEntry) -> None:
    """Rewrite the entry's terms (inside the caller's transaction)."""
    KnowledgeTerm.objects.filter(entry=entry).delete()
    KnowledgeTerm.objects.bulk_create(
        KnowledgeTerm(entry=entry, term=t, weight=w)
        for t, w in terms_of(entry.title, entry.keywords, entry.answer).items()
    )


def query_terms(query: str) -> tuple[list[str], str | None]:
    """The words of a query, and the pinyin string to match by prefix when the query is in Latin letters."""
    if text.is_pinyin_query(query):
        q = text.simplify(query).replace(" ", "")
        return [q], q
    words = list(dict.fromkeys(text.words(query)))
    if not words and query.strip():
        words = [text.simplify(query.strip())]
    return words, None


def ranked_sql(
    query: str, *, today: dt.date, entries: QuerySet | None = None, limit: int = 10
) -> tuple[str, list] | None:
    """The statement giving the ids of the best `limit` matching entries, best first, with its parameters (None
    when the query has no words). See the module's docstring for why it is written so."""
    words, prefix = query_terms(query)
    return _ranked_sql(words, prefix, today=today, entries=entries, limit=limit)


def _ranked_sql(
    words: list[str],
    prefix: str | None,
    *,
    today: dt.date,
    entries: QuerySet | None = None,
    limit: int = 10,
    in_title: bool = False,
) -> tuple[str, list] | None:
    """`ranked_sql` for the given terms; `in_title`: only entries with one of them in the title or keywords (or
    their pinyin), not only in the answer."""
    if not words or limit <= 0:
        return None
    matches = [f"term IN ({', '.join(['%s'] * len(words))})"]
    params: list = list(words)
    if prefix and len(prefix) >= 2:
        # A range on the indexed column finds the terms by the index on both databases (SQLite's LIKE cannot);
        # the LIKE keeps the match exact under any collation.
        matches.append("(term >= %s AND term < %s AND term LIKE %s)")
        params += [prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1), prefix + "%"]
    having, having_params = "", []
    if in_title:
        having, having_params = " HAVING MAX(weight) > %s", [ANSWER_WEIGHT]
    live, live_params = "", []
    if entries is not None:
        sub, live_params = entries.values("pk").query.sql_with_params()
        live = f" AND e.id IN ({sub})"
    qn = connection.ops.quote_name
    fence = "OFFSET 0" if connection.vendor == "postgresql" else "LIMIT -1 OFFSET 0"
    sql = (
        f"SELECT x.entry_id FROM ("
        f"SELECT s.entry_id, s.score, (SELECT e.uses FROM {qn(KnowledgeEntry._meta.db_table)} e"
        f" WHERE e.id = s.entry_id AND e.state = %s AND (e.expires_on IS NULL OR e.expires_on >= %s){live}) AS uses"
        f" FROM (SELECT entry_id, SUM(weight) AS score FROM {qn(KnowledgeTerm._meta.db_table)}"
        f" WHERE {' OR '.join(matches)} GROUP BY entry_id{having}) s {fence}"
        f") x WHERE x.uses IS NOT NULL ORDER BY x.score DESC, x.uses DESC, x.entry_id LIMIT %s"
    )
    return sql, [KnowledgeEntry.State.PUBLISHED, today, *live_params, *params, *having_params, limit]


def _ids(statement: tuple[str, list] | None) -> list[int]:
    if statement is None:
        return []
    with connection.cursor() as cursor:
        cursor.execute(*statement)
        return [row[0] for row in cursor.fetchall()]


def search(
    query: str, *, today: dt.date, entries: QuerySet | None = None, limit: int = 10
) -> list[KnowledgeEntry]:
    """Published, unexpired entries matching the query, best first: the score (the sum of the weights of the terms
    matched), then the most used, then the oldest (lowest id) — the same order before and after the limit."""
    ids = _ids(ranked_sql(query, today=today, entries=entries, limit=limit))
    found = KnowledgeEntry.objects.in_bulk(ids)
    return [found[i] for i in ids]


@dataclass(frozen=True)
class Suggestion:
    """An entry offered beside what a caller says, with the words that brought it (found in its title or
    keywords, in the order said)."""

    entry: KnowledgeEntry
    matched: list[str]


# How many entries suggest reads for each one it offers: entries sharing one common word (许可证) with the caller may
# outscore one about the caller's matter, and the phrase and the words that tell them apart are weighed in Python.
SUGGEST_CANDIDATES = 20
_KEYWORD_SEPARATORS = re.compile(r"[\s,,、;;/]+")


def suggest(said: str, *, today: dt.date, limit: int = 3) -> list[Suggestion]:
    """Entries for what the operator types on the call screen, best first: only entries with one of its key words
    (`text.key_words`: not 要求, 反映, 问题 …) in their title or keywords — nothing rather than an entry that merely
    shares a word with its answer. As for the guides (catalog.selectors.items_naming): once an entry holds several of
    the words, those holding a single one (许可证 of 排污许可证) are set aside before the best `limit` are taken; the
    entry whose title or keyword the caller said the longest phrase of whole comes first (`core.text.said_phrase`:
    食品经营许可证 said, 食品经营许可证变更… before 药品经营许可证经营地址变更…), then by the sum of the words' weights,
    the most used, the oldest. Latin letters are read as pinyin or initials, as in `search`."""
    if text.is_pinyin_query(said):
        words, prefix = query_terms(said)
        return [Suggestion(e, [said.strip()]) for e in _found(words, prefix, today=today, limit=limit)]
    words = text.key_words(said)
    entries = _found(words, None, today=today, limit=limit * SUGGEST_CANDIDATES)
    if not entries:
        return []
    matched: dict[int, set[str]] = {}
    for entry_id, term in KnowledgeTerm.objects.filter(
        entry_id__in=[e.pk for e in entries], term__in=words, weight__gt=ANSWER_WEIGHT
    ).values_list("entry_id", "term"):
        matched.setdefault(entry_id, set()).add(term)
    order = {w: n for n, w in enumerate(words)}
    suggestions = [
        Suggestion(e, text.shown_words(sorted(matched.get(e.pk, ()), key=lambda w: order.get(w, len(order)))))
        for e in entries
    ]
    if any(len(s.matched) > 1 for s in suggestions):
        suggestions = [s for s in suggestions if len(s.matched) > 1]
    heard = core_text.normalise(said)
    rank = {s.entry.pk: n for n, s in enumerate(suggestions)}  # the summed weights, the uses, the id

    def phrase(s: Suggestion) -> int:
        names = [s.entry.title, *_KEYWORD_SEPARATORS.split(s.entry.keywords)]
        return max(core_text.said_phrase(core_text.normalise(n), heard, holding=words) for n in names if n)

    suggestions.sort(key=lambda s: (-phrase(s), rank[s.entry.pk]))
    return suggestions[:limit]


def _found(words: list[str], prefix: str | None, *, today: dt.date, limit: int) -> list[KnowledgeEntry]:
    """The live entries with one of the words (or the pinyin prefix) in their title or keywords, by summed weight."""
    ids = _ids(_ranked_sql(words, prefix, today=today, limit=limit, in_title=True))
    found = KnowledgeEntry.objects.in_bulk(ids)
    return [found[i] for i in ids]
