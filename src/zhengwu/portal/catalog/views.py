"""The public catalogue: browse and search items, read an item's guide (page and PDF), the change log."""

from __future__ import annotations

import datetime as dt
import posixpath

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from zhengwu.catalog import guide_pdf, matches, rules, selectors
from zhengwu.catalog.models import ChangeLogEntry, ServiceItem
from zhengwu.core.errors import NotFound
from zhengwu.core.inputs import is_whole

PAGE_SIZE = 20
FILTERS = ("organisation", "type", "target", "theme", "life_event", "online")


def _filters(request) -> dict:
    values = {key: request.GET.get(key, "").strip()[:60] for key in FILTERS}
    if not is_whole(values["organisation"]):
        values["organisation"] = ""
    return values


def search_results(request, query: str, filters: dict | None = None):
    """The page of matching published items for a query and filters (shared with the site search)."""
    filters = filters or {}
    entries = selectors.published(
        q=query,
        organisation=int(filters["organisation"]) if filters.get("organisation") else None,
        item_type=filters.get("type") or None,
        target=filters.get("target") or None,
        theme=filters.get("theme") or None,
        life_event=filters.get("life_event") or None,
        online=filters.get("online") or None,
    )
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    page.groups = result_groups(page, query)
    return page


def result_groups(page, query: str) -> list[dict]:
    """The page's rows in their groups (direct matches, then those mentioning the query in their materials, etc.),
    each row with why it matched; one group without a heading when nothing was searched for."""
    if not query or not hasattr(page.paginator.object_list, "direct_count"):
        return [{"key": "", "label": "", "count": page.paginator.count, "rows": list(page)}]
    matches.explain(page.object_list, query)
    ranked = page.paginator.object_list
    direct = ranked.direct_count()
    counts = {matches.DIRECT: direct, matches.MENTIONED: ranked.count() - direct}
    # The page on which each group begins, so the summary can lead to the other group.
    starts = {matches.DIRECT: 1, matches.MENTIONED: direct // PAGE_SIZE + 1}
    groups = []
    for key in (matches.DIRECT, matches.MENTIONED):
        rows = [row for row in page.object_list if row.group == key]
        if counts[key]:
            label = matches.group_label(key, query)
            groups.append(
                {"key": key, "label": label, "count": counts[key], "rows": rows, "start_page": starts[key]}
            )
    return groups


def index(request):
    """Browse by department, life event and theme (个人 / 法人), and search with filters."""
    query = request.GET.get("q", "").strip()[:100]
    filters = _filters(request)
    searching = bool(query or any(filters.values()))
    context = {
        "query": query,
        "filters": filters,
        "searching": searching,
        "facets": selectors.catalogue_facets(),
        "item_types": rules.ITEM_TYPES,
        "targets": rules.TARGETS,
        "online_depths": rules.ONLINE_DEPTHS,
    }
    if searching:
        context["page"] = search_results(request, query, filters)
        context["querystring"] = request.GET.copy()
        context["querystring"].pop("page", None)
    template = (
        "catalog/portal/_results.html" if request.headers.get("HX-Request") else "catalog/portal/index.html"
    )
    return render(request, template, context)


def _published_version(request, code: str):
    try:
        item = selectors.item_by_code(code)
        if item.status == ServiceItem.Status.CANCELLED:  # a cancelled item has left the public catalogue
            raise NotFound()
        return selectors.version_of(request.user, item)
    except NotFound:
        raise Http404(_("找不到该事项或事项尚未发布")) from None


def guide(request, code: str):
    """The guide: every element of the item's current published version."""
    version = _published_version(request, code)
    return render(request, "catalog/portal/guide.html", guide_pdf.guide_context(version))


def guide_pdf_view(request, code: str):
    """The guide as a printable PDF."""
    version = _published_version(request, code)
    pdf = guide_pdf.render(version, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="guide-{version.item.code}.pdf"'
    return response


def attachment(request, code: str, kind: str, material: int | None = None):
    """A file of the item's current published version: its result sample (结果样本), or a material's blank form
    (空白表格) or filled sample (示例样表). Served here, as uploaded files are not public under /media/."""
    version = _published_version(request, code)
    if kind == "result_sample" and material is None:
        target = version
    elif kind in ("blank_form", "sample") and material is not None:
        target = version.materials.filter(position=material).first()
    else:
        target = None
    file = getattr(target, kind, None) if target is not None else None
    if not file:
        raise Http404(_("没有该附件"))
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise Http404(_("没有该附件")) from None
    return FileResponse(handle, as_attachment=True, filename=posixpath.basename(file.name))


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def changes(request):
    """The public change log: items added, adjusted, cancelled, delegated (下放) or taken back, newest first."""
    kind = request.GET.get("kind", "")
    if kind not in ChangeLogEntry.Kind.values:
        kind = ""
    since, until = _date(request.GET.get("since", "")), _date(request.GET.get("until", ""))
    entries = selectors.change_log(since=since, until=until, kind=kind or None)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    querystring = request.GET.copy()
    querystring.pop("page", None)
    return render(
        request,
        "catalog/portal/changes.html",
        {
            "page": page,
            "kinds": ChangeLogEntry.Kind.choices,
            "kind": kind,
            "since": since,
            "until": until,
            "querystring": querystring,
        },
    )
