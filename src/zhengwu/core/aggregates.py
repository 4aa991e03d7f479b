"""Aggregates both engines know under different names."""

from django.db.models import Aggregate, CharField, DateTimeField, Expression, JSONField, TextField


class CommaList(Aggregate):
    """The values as one comma-separated text (group_concat on SQLite, string_agg on PostgreSQL); None for none."""

    function = "GROUP_CONCAT"
    template = "%(function)s(%(expressions)s, ',')"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, function="STRING_AGG", **extra)


def comma_list_of(queryset, field: str, group: str):
    """A subquery: `field` of the rows of `queryset` (already filtered on an OuterRef through `group`) as CommaList."""
    from django.db.models import Subquery

    return Subquery(queryset.order_by().values(group).annotate(_list=CommaList(field)).values("_list"))


class JSONRows(Expression):
    """A subquery: the rows of `model` whose `fk` column holds the outer row's id, as one JSON text — a list of
    objects of `columns` (their stored values; a JSON column as JSON) in no particular order, "[]" or None for
    none. Read with the outer row in the same statement (cases.records._locked reads a case's events and steps so);
    `rows_of` turns it back into Python values."""

    output_field = TextField()

    def __init__(self, model, fk: str, columns: tuple[str, ...], related: dict[str, str] | None = None):
        """`related`: a column of a row's foreign key's target, under a name of its own — {"organisation_name":
        "organisation__name"} — read with a scalar subquery on the target's primary key (None where the key is)."""
        super().__init__(output_field=TextField())
        self.model, self.fk, self.columns = model, fk, tuple(columns)
        self.related = dict(related or {})

    def _parts(self, compiler, connection, pair, aggregate, as_json):
        quote = connection.ops.quote_name
        outer = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        pk = quote(compiler.query.get_meta().pk.column)
        pairs = []
        for name in self.columns:
            field = self.model._meta.get_field(name)
            column = f"r.{quote(field.column)}"
            if isinstance(field, JSONField):
                column = as_json(column)
            pairs.append(pair(field.attname, column))
        for name, path in self.related.items():
            key, target = path.split("__", 1)
            foreign = self.model._meta.get_field(key)
            other = foreign.related_model._meta
            column = (
                f"(SELECT t.{quote(other.get_field(target).column)} FROM {quote(other.db_table)} t"
                f" WHERE t.{quote(other.pk.column)} = r.{quote(foreign.column)})"
            )
            pairs.append(pair(name, column))
        table = quote(self.model._meta.db_table)
        fk = quote(self.model._meta.get_field(self.fk).column)
        return f"(SELECT {aggregate(', '.join(pairs))} FROM {table} r WHERE r.{fk} = {outer}.{pk})", []

    def as_sql(self, compiler, connection):  # SQLite
        return self._parts(
            compiler,
            connection,
            lambda name, column: f"'{name}', {column}",
            lambda pairs: f"JSON_GROUP_ARRAY(JSON_OBJECT({pairs}))",
            lambda column: f"JSON({column})",
        )

    def as_postgresql(self, compiler, connection):
        return self._parts(
            compiler,
            connection,
            lambda name, column: f"'{name}', {column}",
            lambda pairs: f"JSON_AGG(JSON_BUILD_OBJECT({pairs}))::text",
            lambda column: column,
        )


def rows_of(model, text) -> list[dict]:
    """The rows JSONRows read, by column attribute name (assignee_id), each value as the model's field gives it
    (dates, times in UTC, booleans)."""
    import datetime as dt
    import json

    rows = json.loads(text) if isinstance(text, str) else (text or [])
    fields = {f.attname: f for f in model._meta.concrete_fields}
    out = []
    for row in rows:
        values = {}
        for name, value in row.items():
            field = fields.get(name)
            if field is None or value is None or isinstance(field, JSONField):  # a `related` column: as read
                values[name] = value
            elif isinstance(field, DateTimeField):
                moment = dt.datetime.fromisoformat(value)
                values[name] = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
            else:
                values[name] = field.to_python(value)
        out.append(values)
    return out
