"""Our public records as CKAN datasets (packages), their files as resources, our organisations as CKAN's.

Three kinds of dataset, each a `type`:
- `service-item`: every published item of the catalogue (the current version); resources: the guide page (HTML),
  the guide (PDF), the result sample and the materials' blank forms and samples where the item has them.
- `publication`: every publication the public may see (published, its time come); resources: its page (HTML)
  and its attachments.
- `statistics`: the efficiency indicators, one CSV per complete month, by organisation.
Organisations are every active organisation (named org-<USCC>), as CKAN lists organisations whether or not they
hold datasets. Only what the portal shows is here: never a draft, a withdrawn publication or a staff-only field.
"""

from __future__ import annotations

import datetime as dt
import mimetypes
import posixpath
import re
from collections import Counter

from django.db.models import Count, F, IntegerField, Q, QuerySet, Value
from django.urls import reverse
from django.utils.translation import gettext as _

from zhengwu.api.ckan.protocol import SearchQueryError
from zhengwu.catalog import rules as catalog_rules
from zhengwu.catalog import search as catalog_search
from zhengwu.catalog import selectors as catalog
from zhengwu.catalog.models import SearchEntry
from zhengwu.core import files
from zhengwu.core.context_processors import current_site
from zhengwu.core.models import Organisation
from zhengwu.disclosure import selectors as disclosure
from zhengwu.disclosure import text as disclosure_text
from zhengwu.disclosure.models import Publication
from zhengwu.supervision import open_data

LICENSE = {"license_id": "notspecified", "license_title": "未指定许可", "license_url": None}
_PUB_NAME = re.compile(r"^pub-([a-z0-9]+)-(\d{4})-(\d+)$")
_PUB_PK = re.compile(r"^pub-(\d{1,12})$")
_STANDARD_INDEX = re.compile(r"^([A-Za-z0-9]+)/(\d{4})-(\d+)$")


def iso(moment: dt.datetime | None) -> str | None:
    """A moment as CKAN writes it: UTC, without the zone."""
    return moment.astimezone(dt.UTC).replace(tzinfo=None).isoformat() if moment else None


# ---- organisations


def org_name(org: Organisation) -> str:
    return "org-" + org.uscc.lower()


def active_organisations() -> QuerySet[Organisation]:
    return catalog.active_organisations()


def find_organisation(ident: str) -> Organisation | None:
    """An active organisation by CKAN name (org-<uscc>), id (the USCC) or title."""
    ident = ident.strip()
    uscc = ident[4:] if ident.lower().startswith("org-") else ident
    return (
        active_organisations().filter(Q(uscc__iexact=uscc) | Q(name=ident)).select_related("region").first()
    )


def org_dict(org: Organisation, package_count: int | None = None) -> dict:
    found = {
        "id": org.uscc,
        "name": org_name(org),
        "title": org.name,
        "display_name": org.name,
        "description": org.duties,
        "image_url": "",
        "image_display_url": "",
        "type": "organization",
        "state": "active",
        "approval_status": "approved",
        "is_organization": True,
    }
    if package_count is not None:
        found["package_count"] = package_count
    return found


def uscc_of(value: str) -> str:
    return (value[4:] if value.lower().startswith("org-") else value).upper()


# ---- dataset and resource dictionaries


def _tags(names) -> list[dict]:
    unique = list(dict.fromkeys(n for n in names if n))
    return [{"name": n, "display_name": n, "state": "active", "vocabulary_id": None} for n in unique]


def _package(
    *, id, name, title, notes, url, type_, org, created, modified, tags, resources, extras, version=""
):
    tag_dicts = _tags(tags)
    for position, resource in enumerate(resources):
        resource.update(id=f"{id}#{resource['id']}", package_id=id, position=position)
    return {
        "id": id,
        "name": name,
        "title": title,
        "notes": notes,
        "url": url,
        "type": type_,
        "state": "active",
        "private": False,
        "isopen": False,
        **LICENSE,
        "author": org.name if org else "",
        "author_email": None,
        "maintainer": org.name if org else "",
        "maintainer_email": None,
        "version": version,
        "metadata_created": iso(created),
        "metadata_modified": iso(modified),
        "creator_user_id": None,
        "owner_org": org.uscc if org else None,
        "organization": org_dict(org) if org else None,
        "tags": tag_dicts,
        "num_tags": len(tag_dicts),
        "groups": [],
        "relationships_as_object": [],
        "relationships_as_subject": [],
        "resources": resources,
        "num_resources": len(resources),
        "extras": [{"key": k, "value": str(v)} for k, v in extras if v not in (None, "")],
    }


def _resource(
    request, *, part, name, path, fmt, mimetype, description="", size=None, created=None, modified=None
):
    return {
        "id": part,  # made "<package id>#<part>" by _package
        "name": name,
        "description": description,
        "format": fmt,
        "mimetype": mimetype,
        "url": request.build_absolute_uri(path),
        "url_type": None,
        "resource_type": None,
        "state": "active",
        "size": size,
        "hash": "",
        "created": iso(created),
        "last_modified": iso(modified),
    }


def _file_format(file_name: str) -> tuple[str, str]:
    ext = posixpath.splitext(file_name)[1].lstrip(".").lower()
    return ext.upper(), mimetypes.guess_type(file_name)[0] or "application/octet-stream"


# ---- search plans: a clause of a query becomes a Q (or True / False) for one kind of dataset


def _range_q(path: str, bounds) -> Q | bool:
    low, high = bounds
    found = Q()
    if low is not None:
        found &= Q(**{f"{path}__gte": low})
    if high is not None:
        found &= Q(**{f"{path}__lte": high})
    return found if (low is not None or high is not None) else True


def common_clause(field: str, value, *, type_: str) -> Q | bool | None:
    """What every kind answers alike; None when the kind must answer itself."""
    if field in ("type", "dataset_type"):
        # "dataset", CKAN's default type that its own search pages ask for, is every kind of ours.
        return value in (type_, "dataset")
    if field == "state":
        return value == "active"
    if field == "private":
        return value.lower() == "false"
    if field == "capacity":
        return value == "public"
    if field == "site_id":
        return True
    if field == "groups":  # no dataset is in a group
        return False
    if field == "license_id":
        return value in (LICENSE["license_id"], "*")
    return None


class ItemSource:
    """Published catalogue items (one index row each)."""

    type = "service-item"
    rank = 1
    unranked_order = ("code",)
    tag = "政务服务事项"

    def base(self) -> QuerySet[SearchEntry]:
        return catalog.published().prefetch_related(None)

    def clause(self, field: str, value) -> Q | bool:
        common = common_clause(field, value, type_=self.type)
        if common is not None:
            return common
        if field in ("organization", "owner_org"):
            return Q(organisation__isnull=False) if value == "*" else Q(organisation__uscc=uscc_of(value))
        if field == "tags":
            if value == self.tag:
                return True
            found = Q(themes__contains=f"|{value}|") | Q(life_events__contains=f"|{value}|")
            codes = [code for code, label in catalog_rules.ITEM_TYPES.items() if label == value]
            return found | Q(item_type__in=codes) if codes else found
        if field == "res_format":
            fmt = value.upper()
            if fmt in ("HTML", "PDF"):
                return True
            ending = "." + fmt.lower()
            return Q(pk__in=catalog.entries_with_file_ending(ending))
        if field in ("metadata_modified", "metadata_created"):
            path = "version__published_at" if field == "metadata_modified" else "item__created_at"
            return _range_q(path, value)
        if field == "id":
            return Q(code=value)
        if field == "name":
            return Q(code__iexact=value[5:]) if value.lower().startswith("item-") else False
        if field == "title":
            return Q(display_name__icontains=value)
        raise SearchQueryError(_("不支持按字段 %(f)s 检索") % {"f": field}, field="fq")

    def matching(self, words: str, where: Q) -> tuple[QuerySet[SearchEntry], list[int] | None]:
        """The rows that hold the words and pass `where`, and (for words) their ids best first, as the catalogue's
        own search ranks them."""
        entries = self.base().filter(where)
        if not words:
            return entries, None
        found = catalog_search.search(words, entries)
        if isinstance(found, QuerySet):
            return found, None
        ranked = found.ids()
        return entries.filter(pk__in=ranked), ranked

    def narrow(self, entries: QuerySet) -> QuerySet:
        return _narrow(
            entries, self.rank, "code", "version__published_at", "item__created_at", "display_name"
        )

    def find(self, ident: str) -> int | None:
        ident = ident.strip()
        code = ident[5:] if ident.lower().startswith("item-") else ident
        # Codes are upper case (a name holds them lower case): exact lookups use the item's unique index.
        found = self.base().filter(item__code__in={code, code.upper()})
        return found.values_list("pk", flat=True).first()

    def facet(self, entries: QuerySet, field: str) -> Counter:
        counts: Counter = Counter()
        if field == "organization":
            for uscc, n in _grouped(entries, "organisation__uscc"):
                if uscc:
                    counts["org-" + uscc.lower()] += n
        elif field == "type":
            counts[self.type] = entries.count()
        elif field == "res_format":
            total = entries.count()
            counts.update({"HTML": total, "PDF": total} if total else {})
        elif field == "tags":
            counts[self.tag] = entries.count()
            for code, n in _grouped(entries, "item_type"):
                counts[str(catalog_rules.ITEM_TYPES.get(code, code))] += n
            # Grouped by the stored list ("|a|b|"), then split: far fewer distinct lists than items.
            for column in ("themes", "life_events"):
                for listed, n in _grouped(entries, column):
                    for value in filter(None, (listed or "").split("|")):
                        counts[value] += n
        return +counts

    def load(self, request, pks) -> dict[int, dict]:
        return {entry.pk: self.package(request, entry) for entry in catalog.entries_with_files(pks)}

    def package(self, request, entry: SearchEntry) -> dict:
        version, item, org = entry.version, entry.item, entry.organisation
        code = item.code
        type_label = str(catalog_rules.ITEM_TYPES.get(item.item_type, ""))
        published = version.published_at
        resources = [
            _resource(
                request,
                part="guide",
                name=_("办事指南(网页)"),
                path=reverse("portal_catalog:guide", args=[code]),
                fmt="HTML",
                mimetype="text/html",
                modified=published,
            ),
            _resource(
                request,
                part="guide-pdf",
                name=_("办事指南(PDF)"),
                path=reverse("portal_catalog:guide_pdf", args=[code]),
                fmt="PDF",
                mimetype="application/pdf",
                description=_("可打印的办事指南,内容与网页一致"),
                modified=published,
            ),
        ]
        if version.result_sample:
            fmt, mime = _file_format(version.result_sample.name)
            resources.append(
                _resource(
                    request,
                    part="result-sample",
                    name=_("结果样本:%(n)s") % {"n": version.result_name or entry.display_name},
                    path=reverse("portal_catalog:attachment", args=[code, "result_sample"]),
                    fmt=fmt,
                    mimetype=mime,
                    modified=published,
                )
            )
        for material in getattr(version, "files", []):
            for kind, label in (("blank_form", _("空白表格")), ("sample", _("示例样表"))):
                file = getattr(material, kind)
                if file:
                    fmt, mime = _file_format(file.name)
                    resources.append(
                        _resource(
                            request,
                            part=f"{kind.replace('_', '-')}-{material.position}",
                            name=f"{material.name}({label})",
                            path=reverse("portal_catalog:attachment", args=[code, kind, material.position]),
                            fmt=fmt,
                            mimetype=mime,
                            modified=published,
                        )
                    )
        laws = "、".join(
            f"{b.get('law', '')}{b.get('article', '')}" for b in version.legal_basis if b.get("law")
        )
        lines = [
            _("事项类型:%(t)s") % {"t": type_label},
            _("实施机构:%(o)s") % {"o": org.name} if org else "",
            _("法定办结时限:%(l)d个工作日;承诺办结时限:%(p)d个工作日")
            % {"l": version.legal_limit, "p": version.promised_limit},
            _("受理条件:%(c)s") % {"c": version.conditions} if version.conditions else "",
            _("设定依据:%(b)s") % {"b": laws} if laws else "",
            _("办理结果:%(r)s") % {"r": version.result_name} if version.result_name else "",
        ]
        return _package(
            id=code,
            name="item-" + code.lower(),
            title=entry.display_name,
            notes="\n".join(filter(None, lines)),
            url=request.build_absolute_uri(reverse("portal_catalog:guide", args=[code])),
            type_=self.type,
            org=org,
            created=item.created_at,
            modified=published,
            tags=[self.tag, type_label, *version.themes, *version.life_events],
            resources=resources,
            version=str(version.number),
            extras=[
                ("item_code", code),
                ("basic_code", item.basic_code),
                ("item_type", type_label),
                ("legal_limit_workdays", version.legal_limit),
                ("promised_limit_workdays", version.promised_limit),
                ("instant", "是" if version.instant else "否"),
                ("onsite_visits", version.onsite_visits),
                ("targets", "、".join(str(catalog_rules.TARGETS.get(t, t)) for t in version.targets)),
                ("effective_on", version.effective_on.isoformat() if version.effective_on else ""),
            ],
        )


class PublicationSource:
    """Publications the public may see."""

    type = "publication"
    rank = 2
    unranked_order = ("-published_at", "-pk")
    tag = "政府信息公开"

    def base(self) -> QuerySet[Publication]:
        return disclosure.public_publications()

    def clause(self, field: str, value) -> Q | bool:
        common = common_clause(field, value, type_=self.type)
        if common is not None:
            return common
        if field in ("organization", "owner_org"):
            return True if value == "*" else Q(organisation__uscc=uscc_of(value))
        if field == "tags":
            if value == self.tag:
                return True
            genres = [code for code, label in Publication.Genre.choices if label == value]
            return Q(subject=value) | Q(category__name=value) | Q(genre__in=genres)
        if field == "res_format":
            fmt = value.upper()
            if fmt == "HTML":
                return True
            types = [t for t, ext in files.EXTENSIONS.items() if ext.upper() == fmt]
            return Q(pk__in=disclosure.publications_with_attachment_types(types))
        if field in ("metadata_modified", "metadata_created"):
            return _range_q("published_at" if field == "metadata_modified" else "created_at", value)
        if field == "id":
            return Q(index_number=value)
        if field == "name":
            pk = self._pk_of_name(value)
            return Q(pk=pk) if pk else _name_q(value)
        if field == "title":
            return Q(title__icontains=value)
        raise SearchQueryError(_("不支持按字段 %(f)s 检索") % {"f": field}, field="fq")

    @staticmethod
    def _pk_of_name(name: str) -> int | None:
        found = _PUB_PK.match(name.strip().lower())
        return int(found.group(1)) if found else None

    def matching(self, words: str, where: Q) -> tuple[QuerySet[Publication], None]:
        """The publications that hold the words (the portal's full-text search) and pass `where`, newest first."""
        found = disclosure.search_publications(query=words) if words else self.base()
        return found.filter(where), None

    def narrow(self, publications: QuerySet) -> QuerySet:
        return _narrow(publications, self.rank, "index_number", "published_at", "created_at", "title")

    def find(self, ident: str) -> int | None:
        ident = ident.strip()
        pk = self._pk_of_name(ident)
        if pk is not None:
            return self.base().filter(pk=pk).values_list("pk", flat=True).first()
        found = self.base().filter(index_number=ident).values_list("pk", flat=True).first()
        number = _number_of_name(ident)
        if found is None and number:
            # Exact first (USCCs are upper case), so the unique index answers; any case only if that finds none.
            for lookup in (Q(index_number__in={number, number.upper()}), Q(index_number__iexact=number)):
                found = self.base().filter(lookup).values_list("pk", flat=True).first()
                if found is not None:
                    break
        return found

    def facet(self, publications: QuerySet, field: str) -> Counter:
        counts: Counter = Counter()
        if field == "organization":
            for uscc, n in _grouped(publications, "organisation__uscc"):
                counts["org-" + uscc.lower()] += n
        elif field == "type":
            counts[self.type] = publications.count()
        elif field == "res_format":
            counts["HTML"] = publications.count()
            # A join, not a subquery: the full-text condition names the publication table, which a subquery renames.
            rows = (
                publications.order_by()
                .filter(attachments__isnull=False)
                .values("attachments__content_type")
                .annotate(n=Count("pk", distinct=True))
                .values_list("attachments__content_type", "n")
            )
            for content_type, n in rows:
                counts[files.EXTENSIONS.get(content_type, "").upper() or "FILE"] += n
        elif field == "tags":
            counts[self.tag] = publications.count()
            genres = dict(Publication.Genre.choices)
            for genre, n in _grouped(publications, "genre"):
                counts[genres.get(genre, genre)] += n
            for subject, n in _grouped(publications, "subject"):
                if subject:
                    counts[subject] += n
        return +counts

    def load(self, request, pks) -> dict[int, dict]:
        rows = self.base().filter(pk__in=pks).prefetch_related("attachments")
        return {pub.pk: self.package(request, pub) for pub in rows}

    def package(self, request, pub: Publication) -> dict:
        page = reverse("portal_disclosure:publication", args=[pub.index_number])
        resources = [
            _resource(
                request,
                part="page",
                name=pub.title,
                path=page,
                fmt="HTML",
                mimetype="text/html",
                description=_("信息公开页面(全文)"),
                modified=pub.published_at,
            )
        ]
        for attachment in pub.attachments.all():
            ext = files.EXTENSIONS.get(attachment.content_type, "")
            resources.append(
                _resource(
                    request,
                    part=f"attachment-{attachment.pk}",
                    name=attachment.name,
                    path=reverse("portal_disclosure:attachment", args=[attachment.pk]),
                    fmt=ext.upper(),
                    mimetype=attachment.content_type or "application/octet-stream",
                    size=attachment.size or None,
                    created=attachment.uploaded_at,
                    modified=attachment.uploaded_at,
                )
            )
        body = re.sub(r"\s+", " ", disclosure_text.plain(pub.body)).strip()
        summary = body[:500] + ("…" if len(body) > 500 else "")
        notes = "\n".join(
            filter(
                None, [_("文号:%(n)s") % {"n": pub.document_number} if pub.document_number else "", summary]
            )
        )
        return _package(
            id=pub.index_number,
            name=publication_name(pub),
            title=pub.title,
            notes=notes,
            url=request.build_absolute_uri(page),
            type_=self.type,
            org=pub.organisation,
            created=pub.created_at,
            modified=pub.published_at,
            tags=[self.tag, pub.get_genre_display(), pub.subject, pub.category.name if pub.category else ""],
            resources=resources,
            extras=[
                ("index_number", pub.index_number),
                ("document_number", pub.document_number),
                ("genre", pub.get_genre_display()),
                ("subject", pub.subject),
                ("category", pub.category.name if pub.category else ""),
                ("written_on", pub.written_on.isoformat() if pub.written_on else ""),
                ("validity", pub.get_validity_display()),
            ],
        )


def publication_name(pub: Publication) -> str:
    return publication_name_of(pub.pk, pub.index_number)


def publication_name_of(pk: int, index_number: str) -> str:
    """pub-<code>-<year>-<sequence> for the platform's index numbers; pub-<pk> for any other (an imported number
    may hold characters a CKAN name cannot)."""
    found = _STANDARD_INDEX.match(index_number)
    if found:
        return f"pub-{found.group(1).lower()}-{found.group(2)}-{found.group(3)}"
    return f"pub-{pk}"


def _number_of_name(name: str) -> str | None:
    """The index number a pub-<code>-<year>-<sequence> name stands for, its code in lower case."""
    found = _PUB_NAME.match(name.strip().lower())
    return f"{found.group(1)}/{found.group(2)}-{found.group(3)}" if found else None


def _name_q(name: str) -> Q | bool:
    number = _number_of_name(name)
    return Q(index_number__iexact=number) if number else False


class StatisticsSource:
    """The efficiency indicators: one dataset, one CSV a month (built, not stored)."""

    type = "statistics"
    rank = 3
    id = name = "stat-efficiency-indicators"
    tags = ("统计数据", "效能指标")

    def datasets(self, request) -> list[dict]:
        months = open_data.published_months()
        if not months:
            return []
        publisher = current_site().operator  # the body that runs the service centre, which keeps the figures
        resources = [
            _resource(
                request,
                part=f"{year:04d}-{month:02d}",
                name=_("%(y)d年%(m)d月效能指标(按机构)") % {"y": year, "m": month},
                path=reverse("portal_supervision:indicators_csv", args=[year, month]),
                fmt="CSV",
                mimetype="text/csv",
                description=_("统计期间 %(y)d年%(m)d月;每行一个机构(key 为统一社会信用代码),末行为合计")
                % {"y": year, "m": month},
                created=open_data.closed_at(year, month),
                modified=open_data.closed_at(year, month),
            )
            for year, month in months
        ]
        notes = _(
            "政务服务效能指标,按月、按机构统计:收件、受理、办结、按时办结率、超期、即办、现场办结、网上办理、"
            "好评率、差评率、投诉率、督办等;每月一个 CSV 文件,列与监察工作台导出的相同。"
        )
        return [
            _package(
                id=self.id,
                name=self.name,
                title=_("政务服务效能指标(按月)"),
                notes=notes,
                url=resources[0]["url"],
                type_=self.type,
                org=publisher,
                created=open_data.closed_at(*months[-1]),
                modified=open_data.closed_at(*months[0]),
                tags=list(self.tags),
                resources=resources,
                extras=[("frequency", "monthly")],
            )
        ]


def _narrow(queryset: QuerySet, rank: int, key: str, modified: str, created: str, title: str) -> QuerySet:
    """The columns every kind shares for one ordered page over all kinds: kind, pk, key, modified, created, title."""
    return (
        queryset.order_by()
        .annotate(
            ckan_r=Value(rank, IntegerField()),
            ckan_i=F("pk"),
            ckan_k=F(key),
            ckan_m=F(modified),
            ckan_c=F(created),
            ckan_t=F(title),
        )
        .values_list("ckan_r", "ckan_i", "ckan_k", "ckan_m", "ckan_c", "ckan_t")
    )


def _grouped(queryset: QuerySet, column: str):
    return queryset.order_by().values(column).annotate(n=Count("pk")).values_list(column, "n")


SOURCES = (ItemSource(), PublicationSource())
STATISTICS = StatisticsSource()
KINDS = {source.rank: source for source in SOURCES}
