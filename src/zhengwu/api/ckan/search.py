"""package_search over every kind of dataset: CKAN's q, fq, sort, rows, start and facets, answered by the database.

`q` and `fq` take the part of Solr's syntax that CKAN clients send: words, `field:value`, `field:"a value"`,
`field:(a OR b)`, `field:[from TO to]` (dates), `+`/`-`/`NOT`, `AND`/`OR` between clauses, `*:*`. Words are
searched by each kind's own search (the catalogue's ranked search, the disclosure full-text search). A page is one
SQL statement: the kinds' narrow rows (kind, id, key, modified, created, title) in a UNION ALL, ordered and cut by
the database; then only the page's records are loaded. With words and the default sort (score) the catalogue's
ranking comes first, then publications newest first, then statistics.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext as _

from zhengwu.api.ckan import datasets
from zhengwu.api.ckan.protocol import SearchQueryError
from zhengwu.core import clock

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<op>AND|OR|NOT|&&|\|\|)(?=[\s(]|$)
    | (?P<sign>[+-])?(?:(?P<field>[A-Za-z_][\w.]*):)?
      (?: "(?P<quoted>(?:[^"\\]|\\.)*)"
        | \((?P<group>[^)]*)\)
        | (?P<range>[\[{][^\]}]*[\]}])
        | (?P<bare>(?:[^\s"()\\]|\\.)+) )
    )""",
    re.X,
)
_RANGE = re.compile(r"^[\[{]\s*(\S+)\s+TO\s+(\S+)\s*[\]}]$")
_DATE_MATH = re.compile(r"^NOW(?:-(\d+)DAYS?)?$")
_DATE_FIELDS = ("metadata_modified", "metadata_created")
# sort field -> the column of the page statement (1 kind, 2 pk, 3 key, 4 modified, 5 created, 6 title)
_SORT_COLUMNS = {
    "metadata_modified": "4",
    "metadata_created": "5",
    "title_string": "6",
    "title": "6",
    "name": "1 {d}, 3",
    "id": "1 {d}, 3",
}
_COLUMN_TYPES = (
    "integer",
    "integer",
    "varchar",
    "timestamp with time zone",
    "timestamp with time zone",
    "varchar",
)


# ---- the query


@dataclass
class Query:
    """Words (searched as text) and a tree of field clauses: ("and"|"or", [...]), ("not", node), ("term", f, v)."""

    words: list[str] = field(default_factory=list)
    clauses: list = field(default_factory=list)


def _unescape(value: str) -> str:
    return re.sub(r"\\(.)", r"\1", value)


def _moment(value: str, *, end: bool = False) -> dt.datetime | None:
    if value == "*":
        return None
    math = _DATE_MATH.match(value.upper())
    if math:
        return clock.now() - dt.timedelta(days=int(math.group(1) or 0))
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise SearchQueryError(_("无法识别的时间:%(v)s") % {"v": value}, field="fq") from None
    if len(value) == 10 and end:  # a bare date as the upper bound includes that whole day
        parsed += dt.timedelta(days=1) - dt.timedelta(microseconds=1)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _value(name: str, raw: str, *, ranged: bool):
    if name in _DATE_FIELDS:
        if ranged:
            found = _RANGE.match(raw)
            if not found:
                raise SearchQueryError(_("无法识别的范围:%(v)s") % {"v": raw}, field="fq")
            return (_moment(found.group(1)), _moment(found.group(2), end=True))
        moment = _moment(raw)
        return (moment, moment)
    if ranged:
        raise SearchQueryError(_("字段 %(f)s 不能按范围检索") % {"f": name}, field="fq")
    return raw


def parse(text: str, query: Query | None = None) -> Query:
    """Add the words and clauses of `text` (a q or an fq) to `query`."""
    query = query or Query()
    groups: list[list] = [[]]
    joined_by_or = negate_next = False
    position = 0
    text = text.strip()
    while position < len(text):
        token = _TOKEN.match(text, position)
        if token is None or token.end() == position:
            raise SearchQueryError(_("无法解析的检索式:%(q)s") % {"q": text[position:]}, field="fq")
        position = token.end()
        op = token.group("op")
        if op:
            joined_by_or = op in ("OR", "||")
            negate_next = op == "NOT"
            continue
        name = token.group("field")
        negative = token.group("sign") == "-" or negate_next
        negate_next = False
        if name is None and token.group("group") is not None:  # (a OR b) without a field: a query of its own
            inner = parse(token.group("group"))
            query.words += inner.words
            node = ("and", inner.clauses)
        elif name is None:
            word = _unescape(token.group("quoted") or token.group("bare") or "")
            if word in ("*:*", "*"):
                continue
            if negative:
                raise SearchQueryError(_("不支持排除检索词:%(w)s") % {"w": word}, field="q")
            query.words.append(word)
            continue
        elif token.group("group") is not None:
            parts = [p for p in re.split(r"\s+", token.group("group").strip()) if p]
            kind = "and" if "AND" in parts else "or"
            values = [_unescape(p.strip('"')) for p in parts if p not in ("AND", "OR")]
            node = (kind, [("term", name, _value(name, v, ranged=False)) for v in values])
        elif token.group("range") is not None:
            node = ("term", name, _value(name, token.group("range"), ranged=True))
        else:
            raw = _unescape(
                token.group("quoted") if token.group("quoted") is not None else token.group("bare")
            )
            node = ("term", name, _value(name, raw, ranged=False))
        if negative:
            node = ("not", node)
        if joined_by_or and groups[-1]:
            groups[-1].append(node)
        else:
            groups.append([node])
        joined_by_or = False
    query.clauses += [("or", group) for group in groups if group]
    return query


def evaluate(node, clause):
    """A clause tree as one kind sees it: `clause(field, value)` gives a Q or True/False; the tree combines them."""
    kind = node[0]
    if kind == "term":
        return clause(node[1], node[2])
    if kind == "not":
        inner = evaluate(node[1], clause)
        return (not inner) if isinstance(inner, bool) else ~inner
    parts = [evaluate(child, clause) for child in node[1]]
    if kind == "and":
        if any(p is False for p in parts):
            return False
        qs = [p for p in parts if p is not True]
    else:
        if any(p is True for p in parts):
            return True
        qs = [p for p in parts if p is not False]
        if not qs:
            return False
    if not qs:
        return True
    combined = qs[0]
    for q in qs[1:]:
        combined = combined & q if kind == "and" else combined | q
    return combined


def _dataset_clause(package: dict):
    """The clauses a built dataset (statistics) answers, on its dictionary."""

    def clause(name: str, value):
        common = datasets.common_clause(name, value, type_=package["type"])
        if common is not None:
            return common
        if name in ("organization", "owner_org"):
            owner = package["owner_org"] or ""
            return bool(owner) if value == "*" else owner.upper() == datasets.uscc_of(value)
        if name == "tags":
            return value in {t["name"] for t in package["tags"]}
        if name == "res_format":
            return value.upper() in {r["format"] for r in package["resources"]}
        if name in _DATE_FIELDS:
            moment = dt.datetime.fromisoformat(package[name]).replace(tzinfo=dt.UTC)
            low, high = value
            return (low is None or moment >= low) and (high is None or moment <= high)
        if name in ("id", "name"):
            return package[name] == value
        if name == "title":
            return value.lower() in package["title"].lower()
        raise SearchQueryError(_("不支持按字段 %(f)s 检索") % {"f": name}, field="fq")

    return clause


def _holds_words(package: dict, words: list[str]) -> bool:
    haystack = " ".join([package["title"], package["notes"], *(t["name"] for t in package["tags"])]).lower()
    return all(w.lower() in haystack for w in " ".join(words).split())


# ---- the plan: what each kind contributes


@dataclass
class Part:
    source: object
    queryset: object
    ranked: list[int] | None

    def count(self) -> int:
        return len(self.ranked) if self.ranked is not None else self.queryset.count()


@dataclass
class Plan:
    parts: list[Part]
    built: list[dict]  # matching statistics datasets
    words: str

    def count(self) -> int:
        return sum(p.count() for p in self.parts) + len(self.built)


def plan(request, query: Query) -> Plan:
    """Which rows of each kind match the query (nothing is loaded yet)."""
    tree = ("and", query.clauses)
    words = " ".join(query.words)
    parts = []
    for source in datasets.SOURCES:
        where = evaluate(tree, source.clause)
        if where is False:
            continue
        queryset, ranked = source.matching(words, Q() if where is True else where)
        parts.append(Part(source, queryset, ranked))
    built = [
        package
        for package in datasets.STATISTICS.datasets(request)
        if evaluate(tree, _dataset_clause(package)) is True and _holds_words(package, query.words)
    ]
    return Plan(parts, built, words)


def sort_order(sort: str, *, words: bool) -> str | None:
    """The ORDER BY of the page statement for CKAN's `sort`; None for relevance (score) with words."""
    terms = [t.split() for t in sort.split(",") if t.strip()] or [["score", "desc"]]
    order = []
    for term in terms:
        name, direction = term[0], (term[1].lower() if len(term) > 1 else "asc")
        if direction not in ("asc", "desc") or len(term) > 2:
            raise SearchQueryError(_("无法识别的排序方向:%(s)s") % {"s": " ".join(term)}, field="sort")
        if name == "score":
            if words and not order:
                return None
            continue
        if name not in _SORT_COLUMNS:
            raise SearchQueryError(_("不能按 %(f)s 排序") % {"f": name}, field="sort")
        columns = _SORT_COLUMNS[name].format(d=direction.upper())
        order.append(f"{columns} {direction.upper()}")
    return ", ".join(order or ["4 DESC"]) + ", 1, 3"


def _cast(kind: str) -> str:
    return "%s" if connection.vendor == "sqlite" else f"CAST(%s AS {kind})"


def _row_of(package: dict) -> list:
    moment = connection.ops.adapt_datetimefield_value
    modified = dt.datetime.fromisoformat(package["metadata_modified"]).replace(tzinfo=dt.UTC)
    created = dt.datetime.fromisoformat(package["metadata_created"]).replace(tzinfo=dt.UTC)
    return [datasets.STATISTICS.rank, 0, package["id"], moment(modified), moment(created), package["title"]]


def ordered_keys(the_plan: Plan, order: str, start: int, rows: int) -> list[tuple[int, int, str]]:
    """(kind, pk, key) of one page over every kind, ordered and cut by the database in one statement."""
    selects, params = [], []
    for index, part in enumerate(the_plan.parts):
        try:
            sql, part_params = part.source.narrow(part.queryset).query.sql_with_params()
        except EmptyResultSet:  # a condition no row can meet (an empty ranking): nothing to add
            continue
        selects.append(f"SELECT * FROM ({sql}) ckan_part{index}")
        params += list(part_params)
    for package in the_plan.built:
        selects.append("SELECT " + ", ".join(_cast(kind) for kind in _COLUMN_TYPES))
        params += _row_of(package)
    if not selects:
        return []
    statement = f"SELECT * FROM ({' UNION ALL '.join(selects)}) ckan_all ORDER BY {order} LIMIT %s OFFSET %s"
    with connection.cursor() as cursor:
        cursor.execute(statement, params + [rows, start])
        return [(kind, pk, key) for kind, pk, key, *_rest in cursor.fetchall()]


def _relevance_page(the_plan: Plan, start: int, rows: int) -> list[tuple[int, int, str]]:
    """The catalogue's ranking, then publications newest first, then statistics."""
    found: list[tuple[int, int, str]] = []
    offset, wanted = start, rows
    for part in the_plan.parts:
        if wanted == 0:
            break
        total = part.count()
        if offset >= total:
            offset -= total
            continue
        if part.ranked is not None:
            pks = part.ranked[offset : offset + wanted]
        else:
            ordered = part.queryset.order_by(*part.source.unranked_order)
            pks = list(ordered.values_list("pk", flat=True)[offset : offset + wanted])
        found += [(part.source.rank, pk, "") for pk in pks]
        wanted -= len(pks)
        offset = 0
    for package in the_plan.built[offset : offset + wanted]:
        found.append((datasets.STATISTICS.rank, 0, package["id"]))
    return found


def packages(request, the_plan: Plan, *, sort: str, start: int, rows: int) -> list[dict]:
    """The page's datasets, in order, each loaded once."""
    if rows == 0:
        return []
    order = sort_order(sort, words=bool(the_plan.words))
    keys = (
        _relevance_page(the_plan, start, rows)
        if order is None
        else ordered_keys(the_plan, order, start, rows)
    )
    loaded: dict[tuple[int, object], dict] = {}
    for source in datasets.SOURCES:
        pks = [pk for kind, pk, _key in keys if kind == source.rank]
        if pks:
            loaded.update({(source.rank, pk): found for pk, found in source.load(request, pks).items()})
    built = {package["id"]: package for package in the_plan.built}
    return [
        built[key] if kind == datasets.STATISTICS.rank else loaded[(kind, pk)]
        for kind, pk, key in keys
        if kind == datasets.STATISTICS.rank or (kind, pk) in loaded
    ]


# ---- facets


FACET_FIELDS = ("organization", "type", "tags", "res_format", "groups", "license_id")


def facets(the_plan: Plan, fields: list[str], *, limit: int, mincount: int) -> tuple[dict, dict]:
    """CKAN's `facets` ({field: {value: count}}) and `search_facets` (with display names, most first)."""
    flat, described = {}, {}
    for name in fields:
        if name not in FACET_FIELDS:
            raise SearchQueryError(_("不支持按 %(f)s 统计分面") % {"f": name}, field="facet.field")
        counts: Counter = Counter()
        for part in the_plan.parts:
            if name == "license_id":
                counts[datasets.LICENSE["license_id"]] += part.count()
            else:
                counts.update(part.source.facet(part.queryset, name))
        for package in the_plan.built:
            counts.update(_built_values(package, name))
        items = [(value, n) for value, n in counts.most_common() if n >= mincount]
        if limit >= 0:
            items = items[:limit]
        titles = _facet_titles(name, [value for value, _n in items])
        flat[name] = dict(items)
        described[name] = {
            "title": name,
            "items": [{"name": v, "display_name": titles.get(v, v), "count": n} for v, n in items],
        }
    return flat, described


def _built_values(package: dict, name: str) -> list[str]:
    if name == "organization":
        return [package["organization"]["name"]] if package["organization"] else []
    if name == "type":
        return [package["type"]]
    if name == "tags":
        return [t["name"] for t in package["tags"]]
    if name == "res_format":
        return sorted({r["format"] for r in package["resources"]})
    if name == "license_id":
        return [package["license_id"]]
    return []


def _facet_titles(name: str, values: list[str]) -> dict[str, str]:
    if name != "organization":
        return {}
    usccs = [datasets.uscc_of(v) for v in values]
    return {
        datasets.org_name(org): org.name for org in datasets.active_organisations().filter(uscc__in=usccs)
    }
