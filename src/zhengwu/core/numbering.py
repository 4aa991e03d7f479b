"""Numbers people read aloud (办件编号 360681-2026-000123, 工单 2026111800001, 督办 DB-2026-0001): one way to give the
next one, for every domain. A counter row per prefix (core.NumberSequence) is locked for the caller's transaction,
so two requests never get the same number on SQLite or PostgreSQL; the caller runs inside its transaction."""

from __future__ import annotations

from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet

from zhengwu.core.inputs import is_whole
from zhengwu.core.models import NumberSequence


def _counter(prefix: str) -> NumberSequence:
    row = NumberSequence.objects.select_for_update().filter(prefix=prefix).first()
    if row is None:
        try:
            with transaction.atomic():
                row = NumberSequence.objects.create(prefix=prefix, last=0)
        except IntegrityError:  # another transaction made it first
            row = NumberSequence.objects.select_for_update().get(prefix=prefix)
    return row


def _advance(prefix: str) -> int:
    """The counter under `prefix` moved on by one (made at 1 if there is none), in one statement that locks its row
    to the caller's commit as _counter does (an upsert with RETURNING: SQLite 3.35+, PostgreSQL; issue 20)."""
    table, prefix_column, last = map(
        connection.ops.quote_name, (NumberSequence._meta.db_table, "prefix", "last")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({prefix_column}, {last}) VALUES (%s, 1) "
            f"ON CONFLICT ({prefix_column}) DO UPDATE SET {last} = {table}.{last} + 1 RETURNING {last}",
            [prefix],
        )
        return cursor.fetchone()[0]


def highest(existing: QuerySet, prefix: str, *, field: str = "number") -> int:
    """The highest sequence already written under `prefix` in `existing` (numbers given before the counter, or
    written by an import that did not go through it); 0 when none."""
    last = (
        existing.filter(**{f"{field}__startswith": prefix})
        .order_by(f"-{field}")
        .values_list(field, flat=True)
        .first()
    )
    tail = str(last or "")[len(prefix) :]
    return int(tail) if is_whole(tail) else 0


def next_number(
    prefix: str, *, width: int, sep: str = "", existing: QuerySet | None = None, field: str = "number"
) -> str:
    """`prefix` + `sep` + the next sequence under `prefix`, zero-padded to `width` digits. With `existing`, the
    sequence also continues after the highest number already stored there (see `highest`)."""
    if existing is None:
        return f"{prefix}{sep}{_advance(prefix):0{width}d}"
    row = _counter(prefix)
    last = row.last
    if existing is not None:
        last = max(last, highest(existing, f"{prefix}{sep}", field=field))
    row.last = last + 1
    row.save(update_fields=["last"])
    return f"{prefix}{sep}{row.last:0{width}d}"


def next_sequence(prefix: str) -> int:
    """The next sequence under `prefix` alone (the caller formats the number: a licence's serial)."""
    return _advance(prefix)


def given(prefix: str, sequence: int) -> None:
    """A number was given outside the counter (an import keeps its own): never give it, or a lower one, again."""
    row = _counter(prefix)
    if row.last < sequence:
        row.last = sequence
        row.save(update_fields=["last"])
