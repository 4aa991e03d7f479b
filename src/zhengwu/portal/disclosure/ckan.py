"""A CKAN-compatible action API (read-only) over the published publications and the service catalogue.

Point a CKAN client or harvester at <site>/disclosure (it calls <site>/disclosure/api/3/action/<action>).
Publications are packages named "pub-<index number>"; service items are packages named "item-<code>";
organisations are named "org-<USCC>".
"""

import re

from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from zhengwu.core.models import Organisation
from zhengwu.disclosure import selectors
from zhengwu.disclosure.models import Publication

MAX_ROWS = 1000


def _slug(value: str) -> str:
    return re.sub(r"[^a-z0-9_-]+", "-", value.lower()).strip("-")


def _pub_name(pub: Publication) -> str:
    return "pub-" + _slug(pub.index_number)


def _org_name(org: Organisation) -> str:
    return "org-" + org.uscc.lower()


def _org_dict(org: Organisation) -> dict:
    return {
        "id": org.uscc,
        "name": _org_name(org),
        "title": org.name,
        "display_name": org.name,
        "description": org.duties,
        "type": "organization",
        "state": "active",
        "is_organization": True,
    }


def _pub_dict(request, pub: Publication) -> dict:
    url = request.build_absolute_uri(reverse("portal_disclosure:publication", args=[pub.index_number]))
    resources = [{"id": f"{pub.index_number}#page", "name": pub.title, "url": url, "format": "HTML"}]
    resources += [
        {
            "id": f"{pub.index_number}#{a.pk}",
            "name": a.name,
            "url": request.build_absolute_uri(a.file.url),
            "format": a.file.name.rsplit(".", 1)[-1].upper() if "." in a.file.name else "",
        }
        for a in pub.attachments.all()
    ]
    return {
        "id": pub.index_number,
        "name": _pub_name(pub),
        "title": pub.title,
        "notes": pub.document_number,
        "url": url,
        "type": "dataset",
        "state": "active",
        "private": False,
        "metadata_created": pub.published_at.isoformat(),
        "metadata_modified": pub.published_at.isoformat(),
        "organization": _org_dict(pub.organisation),
        "owner_org": pub.organisation.uscc,
        "tags": [{"name": pub.get_genre_display()}] + ([{"name": pub.subject}] if pub.subject else []),
        "resources": resources,
        "num_resources": len(resources),
        "extras": [
            {"key": "index_number", "value": pub.index_number},
            {"key": "document_number", "value": pub.document_number},
            {"key": "genre", "value": pub.genre},
            {"key": "validity", "value": pub.validity},
        ],
    }


def _items():
    try:
        from zhengwu.catalog import selectors as catalog
    except ImportError:
        return []
    return catalog.published()


def _item_dict(request, entry) -> dict:
    org = entry.organisation
    return {
        "id": entry.code,
        "name": "item-" + _slug(entry.code),
        "title": entry.display_name,
        "notes": "",
        "type": "dataset",
        "state": "active",
        "private": False,
        "organization": _org_dict(org) if org else None,
        "owner_org": org.uscc if org else None,
        "tags": [{"name": "政务服务事项"}],
        "resources": [],
        "num_resources": 0,
        "extras": [{"key": "item_type", "value": entry.item_type}],
    }


def _ok(request, result):
    return JsonResponse(
        {"help": request.build_absolute_uri(), "success": True, "result": result},
        json_dumps_params={"ensure_ascii": False},
    )


def _error(request, status: int, kind: str, message: str):
    return JsonResponse(
        {
            "help": request.build_absolute_uri(),
            "success": False,
            "error": {"__type": kind, "message": message},
        },
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


def _int(request, name: str, default: int) -> int:
    try:
        return max(0, int(request.GET.get(name, default)))
    except ValueError:
        return default


def _find_publication(ident: str) -> Publication | None:
    qs = selectors.public_publications().prefetch_related("attachments")
    found = qs.filter(index_number=ident).first()
    if found is None and ident.startswith("pub-"):
        m = re.fullmatch(r"pub-(.+)-(\d{4}-\d+)", ident)
        if m:
            found = qs.filter(index_number__iexact=f"{m.group(1)}/{m.group(2)}").first()
    return found


def action(request, action: str):
    """Dispatch one CKAN action (GET parameters as CKAN accepts them)."""
    limit = min(_int(request, "limit", MAX_ROWS), MAX_ROWS)
    offset = _int(request, "offset", 0)
    if action == "package_list":
        names = [
            _pub_name(p) for p in selectors.public_publications().order_by("id")[offset : offset + limit]
        ]
        if len(names) < limit:
            rest = limit - len(names)
            skip = max(0, offset - selectors.public_publications().count())
            names += ["item-" + _slug(e.code) for e in list(_items())[skip : skip + rest]]
        return _ok(request, names)
    if action == "package_show":
        ident = request.GET.get("id", "")
        pub = _find_publication(ident)
        if pub is not None:
            return _ok(request, _pub_dict(request, pub))
        for entry in _items():
            if ident in (entry.code, "item-" + _slug(entry.code)):
                return _ok(request, _item_dict(request, entry))
        return _error(request, 404, "Not Found Error", _("未找到"))
    if action == "package_search":
        rows = min(_int(request, "rows", 10), MAX_ROWS)
        start = _int(request, "start", 0)
        results = selectors.search_publications(query=request.GET.get("q", "").strip("*: "))
        fq = request.GET.get("fq", "")
        m = re.search(r"organization:(\S+)", fq)
        if m:
            uscc = m.group(1).strip('"').removeprefix("org-").upper()
            results = results.filter(organisation__uscc=uscc)
        page = results.prefetch_related("attachments")[start : start + rows]
        return _ok(
            request,
            {
                "count": results.count(),
                "results": [_pub_dict(request, p) for p in page],
                "sort": "metadata_modified desc",
                "facets": {},
                "search_facets": {},
            },
        )
    if action == "organization_list":
        orgs = selectors.disclosing_organisations()
        if request.GET.get("all_fields") in ("true", "True", "1"):
            return _ok(request, [_org_dict(o) for o in orgs])
        return _ok(request, [_org_name(o) for o in orgs])
    if action == "organization_show":
        ident = request.GET.get("id", "").removeprefix("org-").upper()
        org = Organisation.objects.filter(uscc=ident).first()
        if org is None:
            return _error(request, 404, "Not Found Error", _("未找到机构"))
        result = _org_dict(org)
        if request.GET.get("include_datasets") in ("true", "True", "1"):
            pubs = (
                selectors.public_publications()
                .filter(organisation=org)
                .prefetch_related("attachments")[:MAX_ROWS]
            )
            result["packages"] = [_pub_dict(request, p) for p in pubs]
        result["package_count"] = selectors.public_publications().filter(organisation=org).count()
        return _ok(request, result)
    return _error(request, 400, "Validation Error", _("不支持的操作:%(action)s") % {"action": action})
