"""Reads of the catalogue. The public sees published versions; staff also see the drafts of items in their scope."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from zhengwu.catalog import rules, search, specs
from zhengwu.catalog.models import ChangeLogEntry, ItemVersion, SearchEntry, ServiceItem
from zhengwu.core import access
from zhengwu.core.errors import NotFound
from zhengwu.core.models import Role

_CHILDREN = ("materials", "steps", "fees")


def published(
    *,
    organisation: int | None = None,
    item_type: str | None = None,
    target: str | None = None,
    theme: str | None = None,
    life_event: str | None = None,
    online: str | None = None,
    q: str | None = None,
) -> QuerySet[SearchEntry]:
    """The published catalogue (one index row per current item), filtered, best match first when `q` is given."""
    entries = SearchEntry.objects.select_related("version", "organisation")
    if organisation:
        entries = entries.filter(organisation_id=organisation)
    if item_type:
        entries = entries.filter(item_type=item_type)
    for field, value in (
        ("targets", target),
        ("themes", theme),
        ("life_events", life_event),
        ("online_depth", online),
    ):
        if value:
            entries = entries.filter(**{f"{field}__contains": f"|{value}|"})
    return search.search(q or "", entries)


def item_by_code(code: str) -> ServiceItem:
    """The item with this code (implementation code, or basic code for a basic item), or NotFound."""
    item = (
        ServiceItem.objects.select_related("organisation", "current_version", "basic_item")
        .filter(code=code)
        .first()
    )
    if item is None:
        raise NotFound(_("找不到编码为%(c)s的事项") % {"c": code}, field="code")
    return item


def can_edit(user, item: ServiceItem) -> bool:
    """May this user see the item's drafts (staff of its organisation's scope; centre managers for basic items)?"""
    if item.organisation_id is None:
        return access.has_role(user, Role.CENTRE_MANAGER) or access.is_administrator(user)
    return (
        access.staff_of(user) is not None
        and access.can_see_organisation(user, item.organisation)
        or (access.is_administrator(user))
    )


def _with_children(queryset: QuerySet[ItemVersion]) -> QuerySet[ItemVersion]:
    return queryset.select_related("item", "item__organisation").prefetch_related(*_CHILDREN, "windows")


def version_of(user, item: ServiceItem, number: int | None = None) -> ItemVersion:
    """The current published version, or version `number` (drafts only for those who may edit the item)."""
    versions = _with_children(item.versions.all())
    if number is None:
        if item.current_version_id is None:
            raise NotFound(_("事项%(c)s尚未发布") % {"c": item.code}, field="code")
        return versions.get(pk=item.current_version_id)
    version = versions.filter(number=number).first()
    if version is None or (version.status != ItemVersion.Status.PUBLISHED and not can_edit(user, item)):
        raise NotFound(_("事项%(c)s没有第%(n)s版") % {"c": item.code, "n": number}, field="version")
    return version


def versions_of(user, item: ServiceItem) -> QuerySet[ItemVersion]:
    """The item's versions, newest first: published ones for everyone, drafts too for its editors."""
    versions = item.versions.order_by("-number")
    if not can_edit(user, item):
        versions = versions.filter(status=ItemVersion.Status.PUBLISHED)
    return versions


def change_log(
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    kind: str | None = None,
    code: str | None = None,
) -> QuerySet[ChangeLogEntry]:
    """The public change log, newest first."""
    entries = ChangeLogEntry.objects.select_related("item", "item__organisation", "counterpart", "version")
    if since:
        entries = entries.filter(effective_on__gte=since)
    if until:
        entries = entries.filter(effective_on__lte=until)
    if kind:
        entries = entries.filter(kind=kind)
    if code:
        entries = entries.filter(item__code=code)
    return entries


def differences_from_basic(item: ServiceItem) -> list[rules.Difference]:
    """Where the item's current (or latest) version differs from its basic item's current version."""
    basic = item.basic_item
    if basic is None or basic.current_version_id is None:
        return []
    version = item.current_version or item.versions.order_by("-number").first()
    return rules.differences(specs.from_version(basic.current_version), specs.from_version(version))


def current_versions() -> Iterator[ItemVersion]:
    """Every active item's current version with its children, in code order (for exports)."""
    items = ServiceItem.objects.filter(status=ServiceItem.Status.ACTIVE, current_version__isnull=False)
    versions = _with_children(ItemVersion.objects.filter(pk__in=items.values("current_version")))
    return versions.order_by("item__code").iterator(chunk_size=500)
