"""Which window groups handle an item (事项) at a centre, derived from the catalogue's item → window mapping (the
current version's 办理窗口): a citizen books, and takes a number, for the item they need, and the group follows.

A group that lists its items (可办事项) handles those only. A group that lists none handles the items whose windows
include one of its windows, and — when it has a general window (综合窗口; 一窗受理, 国办发〔2018〕45号 "一网、一门、
一次"改革实施方案) — every item handled at a window of its centre."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from zhengwu.catalog.models import ServiceItem
from zhengwu.core.models import Window
from zhengwu.hall.models import Slot, WindowGroup


def _groups_handling(item: ServiceItem) -> Q:
    """The condition on WindowGroup for "handles the item"."""
    windows = Window.objects.filter(service_item_versions=item.current_version_id, is_active=True)
    unlisted = WindowGroup.objects.filter(items__isnull=True).values("pk")
    by_window = WindowGroup.objects.filter(windows__in=windows.values("pk")).values("pk")
    general = WindowGroup.objects.filter(
        windows__kind=Window.Kind.GENERAL, windows__is_active=True, centre__in=windows.values("centre")
    ).values("pk")
    return Q(pk__in=WindowGroup.objects.filter(items=item).values("pk")) | (
        Q(pk__in=unlisted) & (Q(pk__in=by_window) | Q(pk__in=general))
    )


def groups_for(item: ServiceItem, *, centre=None, bookable: bool = False) -> list[WindowGroup]:
    """The active groups that handle the item (at the centre, if given); with `bookable`, only those with a slot
    still to come that the item may use (a slot for all the group's items, or for this one)."""
    groups = WindowGroup.objects.filter(_groups_handling(item), is_active=True)
    if centre is not None:
        groups = groups.filter(centre=centre)
    if bookable:
        from zhengwu.core import clock

        slots = Slot.objects.filter(start__gt=clock.now()).filter(Q(item__isnull=True) | Q(item=item))
        groups = groups.filter(pk__in=slots.values("group_id"))
    return list(groups.select_related("centre").order_by("centre_id", "prefix"))


def handles(group: WindowGroup, item: ServiceItem) -> bool:
    return WindowGroup.objects.filter(_groups_handling(item), pk=group.pk).exists()


def bookable_items(*, centre=None) -> QuerySet[ServiceItem]:
    """The published items a person can book (at the centre, if given): handled by a group with slots to come."""
    from zhengwu.core import clock

    groups = WindowGroup.objects.filter(
        is_active=True, pk__in=Slot.objects.filter(start__gt=clock.now()).values("group_id")
    )
    if centre is not None:
        groups = groups.filter(centre=centre)
    unlisted = groups.filter(items__isnull=True)
    general_centres = unlisted.filter(windows__kind=Window.Kind.GENERAL, windows__is_active=True).values(
        "centre"
    )
    cond = (
        Q(pk__in=groups.values("items"))
        | Q(current_version__windows__in=unlisted.values("windows"))
        | Q(current_version__windows__centre__in=general_centres, current_version__windows__is_active=True)
    )
    live = ServiceItem.objects.filter(status=ServiceItem.Status.ACTIVE, current_version__isnull=False)
    return live.filter(pk__in=ServiceItem.objects.filter(cond).values("pk"))


def search(query: str, *, centre=None, limit: int = 20) -> list:
    """The bookable items matching the query, best first, as the portal's catalogue finds them (by name, pinyin,
    code, result …); the first by code for an empty query. Rows are the catalogue's index rows (item, display_name)."""
    from zhengwu.catalog import search as catalogue
    from zhengwu.catalog.models import SearchEntry

    entries = SearchEntry.objects.filter(item__in=bookable_items(centre=centre).values("pk")).select_related(
        "item", "organisation"
    )
    return list(catalogue.search(str(query or "").strip()[:60], entries)[:limit])


def find(query: str, *, centre=None, limit: int = 10) -> dict:
    """The items a person means by the query, for the desk, the kiosk and the booking pages: those whose name, code,
    pinyin or result matches it (the catalogue's direct matches, catalog.search); only when none does, those whose
    materials, conditions … mention it, and said so (`in_text`) — someone asking for 身份证 wants the ID card's items,
    not every item that asks for an ID card. {"found": rows, "in_text": bool}."""
    rows = search(query, centre=centre, limit=limit)
    named = [r for r in rows if getattr(r, "direct", True)]  # an empty query lists items by code: no `direct`
    if named or not rows:
        return {"found": named, "in_text": False}
    return {"found": rows, "in_text": True}


def label(item: ServiceItem | None) -> str:
    """What people call the item: its current version's name (and sub-item); "" for none."""
    if item is None:
        return ""
    version = item.current_version
    if version is None:
        return item.code
    return version.full_name


def booking_steps(
    *, query: str = "", item_id=None, group_id=None, day=None, centre=None
) -> dict:  # day: date or ISO
    """What a booking page shows, step by step, for the portal, the kiosk and the hotline desk: the items found for
    the query (until one is chosen); the chosen item and the groups that handle it with slots to come (the one
    group chosen at once when only one does; else the person chooses); the group's days with places for the item;
    the open slots of the day chosen."""
    import datetime as dt

    from zhengwu.hall import selectors, services

    if isinstance(day, str):
        try:
            day = dt.date.fromisoformat(day)
        except ValueError:
            day = None
    item = None
    if item_id:
        item = bookable_items(centre=centre).filter(pk=item_id).select_related("current_version").first()
    groups = groups_for(item, centre=centre, bookable=True) if item is not None else []
    group = next((g for g in groups if g.pk == group_id), None)
    if group is None and len(groups) == 1:
        group = groups[0]
    days = selectors.bookable_days(group, item=item) if group is not None else []
    day = day if day in {d["day"] for d in days} else None
    slots = list(services.open_slots(group=group, day=day, item=item)) if day is not None else []
    found = find(query, centre=centre, limit=20) if item is None else {"found": [], "in_text": False}
    return {
        "query": query,
        "found": found["found"],
        "found_in_text": found["in_text"],
        "item": item,
        "item_label": label(item),
        "groups": groups,
        "group": group,
        "days": days,
        "day": day,
        "slots": [{"slot": s, "label": selectors.slot_label(s)} for s in slots],
    }
