"""The read actions of CKAN's action API (CKAN 2.10's parameters and answers), over datasets.py's records."""

from __future__ import annotations

from django.utils.translation import gettext as _

from zhengwu.api.ckan import datasets, search
from zhengwu.api.ckan.protocol import (
    MAX_ROWS,
    NotFoundError,
    ValidationError,
    boolean,
    integer,
    names,
    required,
    text,
)
from zhengwu.core.context_processors import current_site

CKAN_VERSION = "2.10.0"  # the CKAN API whose parameters and answers these follow
ACTIONS: dict = {}
HELP: dict[str, str] = {}


def action(help_text: str):
    def register(function):
        ACTIONS[function.__name__] = function
        HELP[function.__name__] = help_text
        return function

    return register


@action("站点是否可读:始终为 true。")
def site_read(request, data):
    return True


@action("站点状态:名称、地址、遵循的 CKAN 接口版本、语言。")
def status_show(request, data):
    return {
        "site_title": current_site().name,
        "site_description": _("政务服务事项目录、政府信息公开与政务服务统计数据"),
        "site_url": request.build_absolute_uri("/").rstrip("/"),
        "ckan_version": CKAN_VERSION,
        "error_emails_to": None,
        "locale_default": "zh_Hans_CN",
        "extensions": [],
    }


@action("说明某个操作:参数 name 为操作名。")
def help_show(request, data):
    name = required(data, "name")
    if name not in HELP:
        raise NotFoundError(_("未找到: 没有名为 %(n)s 的操作") % {"n": name})
    return HELP[name]


def _key_name(kind: int, pk: int, key: str) -> str:
    if kind == datasets.ItemSource.rank:
        return "item-" + key.lower()
    if kind == datasets.PublicationSource.rank:
        return datasets.publication_name_of(pk, key)
    return key


@action("数据集名称列表(事项、公开信息、统计数据):参数 limit、offset;按类型和编号排序。")
def package_list(request, data):
    limit = integer(data, "limit", 0)
    offset = integer(data, "offset", 0)
    the_plan = search.plan(request, search.Query())
    rows = limit or the_plan.count()
    return [_key_name(*key) for key in search.ordered_keys(the_plan, "1, 3", offset, rows)]


@action("数据集及其资源,按修改时间倒序:参数 limit(最多 1000)、offset、page。")
def current_package_list_with_resources(request, data):
    limit = integer(data, "limit", MAX_ROWS, maximum=MAX_ROWS)
    page = integer(data, "page", 0)
    offset = (page - 1) * limit if page else integer(data, "offset", 0)
    the_plan = search.plan(request, search.Query())
    return search.packages(request, the_plan, sort="metadata_modified desc", start=offset, rows=limit)


def find_package(request, ident: str) -> dict:
    """A dataset by id or name, or CKAN's Not Found."""
    for source in datasets.SOURCES:
        pk = source.find(ident)
        if pk is not None:
            return source.load(request, [pk])[pk]
    for package in datasets.STATISTICS.datasets(request):
        if ident.strip() in (package["id"], package["name"]):
            return package
    raise NotFoundError(_("未找到: 没有编号或名称为 %(i)s 的数据集") % {"i": ident})


@action("一个数据集:参数 id(编号或名称)。")
def package_show(request, data):
    return find_package(request, required(data, "id"))


@action("一个资源:参数 id(资源编号,形如 <数据集编号>#<部分>)。")
def resource_show(request, data):
    ident = required(data, "id")
    package_id, _sep, _part = ident.rpartition("#")
    if package_id:
        try:
            package = find_package(request, package_id)
        except NotFoundError:
            package = {"resources": []}
        for resource in package["resources"]:
            if resource["id"] == ident:
                return resource
    raise NotFoundError(_("未找到: 没有编号为 %(i)s 的资源") % {"i": ident})


def _facet_limit(data: dict) -> int:
    if str(data.get("facet.limit", "")).strip() == "-1":
        return -1
    return integer(data, "facet.limit", 50)


@action(
    "检索数据集:参数 q、fq(organization:、type:、tags:、res_format:、metadata_modified:[… TO …] 等)、"
    "rows(最多 1000)、start、sort、facet.field、facet.limit、facet.mincount。"
)
def package_search(request, data):
    query = search.parse(text(data, "q"))
    for fq in [text(data, "fq"), *names(data, "fq_list")]:
        search.parse(fq, query)
    rows = integer(data, "rows", 10, maximum=MAX_ROWS)
    start = integer(data, "start", 0)
    sort = text(data, "sort") or "score desc, metadata_modified desc"
    the_plan = search.plan(request, query)
    result = {
        "count": the_plan.count(),
        "results": search.packages(request, the_plan, sort=sort, start=start, rows=rows),
        "sort": sort,
        "facets": {},
        "search_facets": {},
    }
    fields = names(data, "facet.field")
    if fields and boolean(data, "facet", True):
        mincount = integer(data, "facet.mincount", 1)
        result["facets"], result["search_facets"] = search.facets(
            the_plan, fields, limit=_facet_limit(data), mincount=mincount
        )
    return result


def _package_counts(request) -> dict[str, int]:
    flat, _described = search.facets(
        search.plan(request, search.Query()), ["organization"], limit=-1, mincount=1
    )
    return flat["organization"]


_ORG_SORTS = {"name", "title", "package_count"}


@action(
    "机构列表(所有在用机构,有无数据集都列出):参数 all_fields、sort(name、title、package_count)、limit、offset、"
    "organizations、q。"
)
def organization_list(request, data):
    all_fields = boolean(data, "all_fields", False)
    limit = integer(data, "limit", MAX_ROWS, maximum=MAX_ROWS)
    offset = integer(data, "offset", 0)
    sort = text(data, "sort") or "title asc"
    field_name, _sep, direction = sort.partition(" ")
    direction = direction.strip().lower() or "asc"
    if field_name not in _ORG_SORTS or direction not in ("asc", "desc"):
        raise ValidationError(_("sort: 只能按 name、title 或 package_count 升序或降序排序"), field="sort")
    orgs = list(datasets.active_organisations())
    wanted = {n.lower() for n in names(data, "organizations")}
    if wanted:
        orgs = [o for o in orgs if datasets.org_name(o) in wanted or o.uscc.lower() in wanted]
    q = text(data, "q").lower()
    if q:
        orgs = [o for o in orgs if q in o.name.lower() or q in datasets.org_name(o)]
    counts = _package_counts(request) if (all_fields or field_name == "package_count") else {}
    keys = {
        "name": lambda o: datasets.org_name(o),
        "title": lambda o: o.name,
        "package_count": lambda o: (counts.get(datasets.org_name(o), 0), o.name),
    }
    orgs.sort(key=keys[field_name], reverse=direction == "desc")
    orgs = orgs[offset : offset + limit]
    if not all_fields:
        return [datasets.org_name(o) for o in orgs]
    with_count = boolean(data, "include_dataset_count", True)
    return [datasets.org_dict(o, counts.get(datasets.org_name(o), 0) if with_count else None) for o in orgs]


@action("一个机构:参数 id(名称 org-<统一社会信用代码>、代码或机构名称)、include_datasets(至多 1000 个)。")
def organization_show(request, data):
    ident = required(data, "id")
    org = datasets.find_organisation(ident)
    if org is None:
        raise NotFoundError(_("未找到: 没有名称或编号为 %(i)s 的机构") % {"i": ident})
    name = datasets.org_name(org)
    the_plan = search.plan(request, search.parse(f'organization:"{name}"'))
    result = datasets.org_dict(org, the_plan.count())
    result.update(users=[], groups=[], tags=[], extras=[])
    if boolean(data, "include_datasets", False):
        result["packages"] = search.packages(
            request, the_plan, sort="metadata_modified desc", start=0, rows=MAX_ROWS
        )
    return result


@action("分组列表:本站不设分组,始终为空。")
def group_list(request, data):
    return []


@action("标签列表:参数 query(包含的文字)、all_fields。")
def tag_list(request, data):
    flat, _described = search.facets(search.plan(request, search.Query()), ["tags"], limit=-1, mincount=1)
    query = text(data, "query")
    tags = sorted(t for t in flat["tags"] if query in t)
    if boolean(data, "all_fields", False):
        return [{"id": t, "name": t, "display_name": t, "vocabulary_id": None} for t in tags]
    return tags


@action("许可列表。")
def license_list(request, data):
    return [
        {
            "id": datasets.LICENSE["license_id"],
            "title": datasets.LICENSE["license_title"],
            "url": "",
            "status": "active",
        }
    ]
