"""Aggregates both engines know under different names."""

from django.db.models import Aggregate, CharField


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
