"""The knowledge base's search: an inverted index of words, pinyin and initials, queried the same on both databases.

Terms are written once when an entry is saved; a search is one grouped query over the indexed `term` column.
"""

import datetime as dt

from django.db.models import Q, QuerySet, Sum

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


def search(
    query: str, *, today: dt.date, entries: QuerySet | None = None, limit: int = 10
) -> list[KnowledgeEntry]:
    """Published, unexpired entries matching the query, best first (score, then how often they were used)."""
    words, prefix = query_terms(query)
    if not words:
        return []
    cond = Q(term__in=words)
    if prefix and len(prefix) >= 2:
        cond |= Q(term__startswith=prefix)
    live = (entries if entries is not None else KnowledgeEntry.objects.all()).filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=today), state=KnowledgeEntry.State.PUBLISHED
    )
    scored = (
        KnowledgeTerm.objects.filter(cond, entry__in=live)
        .values("entry")
        .annotate(score=Sum("weight"))
        .order_by("-score", "entry")[:limit]
    )
    scores = {row["entry"]: row["score"] for row in scored}
    found = KnowledgeEntry.objects.in_bulk(list(scores))
    return sorted(found.values(), key=lambda e: (-scores[e.pk], -e.uses, e.pk))
