"""Full-text search over publications: one interface, two backends.

Text is folded to Simplified Chinese and segmented by jieba (see text.py) into `Publication.search_tokens`, a
space-separated token list. SQLite matches it through an FTS5 table kept in step by triggers; PostgreSQL through a
GIN index on a stored generated column to_tsvector('simple', search_tokens). Both are created by migration 0002.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from zhengwu.disclosure import text

SQLITE_SETUP = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS disclosure_publication_fts USING fts5("
    "search_tokens, content='disclosure_publication', content_rowid='id')",
    "CREATE TRIGGER IF NOT EXISTS disclosure_publication_fts_ai AFTER INSERT ON disclosure_publication BEGIN "
    "INSERT INTO disclosure_publication_fts(rowid, search_tokens) VALUES (new.id, new.search_tokens); END",
    "CREATE TRIGGER IF NOT EXISTS disclosure_publication_fts_ad AFTER DELETE ON disclosure_publication BEGIN "
    "INSERT INTO disclosure_publication_fts(disclosure_publication_fts, rowid, search_tokens) "
    "VALUES ('delete', old.id, old.search_tokens); END",
    "CREATE TRIGGER IF NOT EXISTS disclosure_publication_fts_au AFTER UPDATE OF search_tokens "
    "ON disclosure_publication BEGIN "
    "INSERT INTO disclosure_publication_fts(disclosure_publication_fts, rowid, search_tokens) "
    "VALUES ('delete', old.id, old.search_tokens); "
    "INSERT INTO disclosure_publication_fts(rowid, search_tokens) VALUES (new.id, new.search_tokens); END",
]
SQLITE_TEARDOWN = [
    "DROP TRIGGER IF EXISTS disclosure_publication_fts_au",
    "DROP TRIGGER IF EXISTS disclosure_publication_fts_ad",
    "DROP TRIGGER IF EXISTS disclosure_publication_fts_ai",
    "DROP TABLE IF EXISTS disclosure_publication_fts",
]
# A stored generated column, so matching rows are rechecked against the stored vector, not a recomputed one.
POSTGRES_SETUP = [
    "ALTER TABLE disclosure_publication ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_tokens)) STORED",
    "CREATE INDEX IF NOT EXISTS disclosure_publication_fts ON disclosure_publication USING gin (search_vector)",
]
POSTGRES_TEARDOWN = [
    "DROP INDEX IF EXISTS disclosure_publication_fts",
    "ALTER TABLE disclosure_publication DROP COLUMN IF EXISTS search_vector",
]


def tokens_for(*, title: str, document_number: str, body: str, subject: str = "") -> str:
    """The stored token list of a publication (title, number, subject and body text)."""
    return " ".join(text.index_tokens(" ".join([title, document_number, subject, text.plain(body)])))


def _expression(terms, *, sqlite: bool) -> str:
    quote = (lambda t: f'"{t}"') if sqlite else (lambda t: t)
    and_, or_ = (" AND ", " OR ") if sqlite else (" & ", " | ")
    parts = []
    for word, subs in terms:
        if subs:
            parts.append(f"({quote(word)}{or_}({and_.join(quote(s) for s in subs)}))")
        else:
            parts.append(quote(word))
    return and_.join(parts)


def matching(queryset: QuerySet, query: str) -> QuerySet:
    """The publications of `queryset` whose text holds every word of the query (Traditional or Simplified)."""
    terms = text.query_terms(query)
    if not terms:
        return queryset
    if connection.vendor == "postgresql":
        expr = _expression(terms, sqlite=False)
        return queryset.extra(
            where=["disclosure_publication.search_vector @@ to_tsquery('simple'::regconfig, %s)"],
            params=[expr],
        )
    expr = _expression(terms, sqlite=True)
    ids = RawSQL(
        "SELECT rowid FROM disclosure_publication_fts WHERE disclosure_publication_fts MATCH %s", [expr]
    )
    return queryset.filter(id__in=ids)


def setup(schema_editor) -> None:
    statements = {"sqlite": SQLITE_SETUP, "postgresql": POSTGRES_SETUP}.get(
        schema_editor.connection.vendor, []
    )
    for sql in statements:
        schema_editor.execute(sql)


def teardown(schema_editor) -> None:
    statements = {"sqlite": SQLITE_TEARDOWN, "postgresql": POSTGRES_TEARDOWN}.get(
        schema_editor.connection.vendor, []
    )
    for sql in statements:
        schema_editor.execute(sql)
