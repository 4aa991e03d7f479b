"""Reads of the catalogue. The public sees published versions; staff also see the drafts of items in their scope."""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import reduce

from django.conf import settings
from django.db.models import Case, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Length
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengwu.catalog import rules, search, specs
from zhengwu.catalog.models import ChangeLogEntry, ItemVersion, Material, SearchEntry, ServiceItem, Step
from zhengwu.core import access
from zhengwu.core import text as core_text
from zhengwu.core.errors import AccessDenied, NotFound
from zhengwu.core.inputs import is_whole
from zhengwu.core.models import Organisation, Role, ServiceCentre, Window
from zhengwu.core.prepared import Prepared

_CHILDREN = ("materials", "steps", "fees")
_ENTRY_FIELDS = ("item_id", "version_id", "organisation_id", "code", "item_type", "display_name")
_VERSION_FIELDS = (
    "item_id",
    "number",
    "name",
    "sub_name",
    "legal_limit",
    "promised_limit",
    "instant",
    "onsite_visits",
    "online_depth",
    "targets",
    "themes",
    "life_events",
    "effective_on",
)


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
    # The database ranks every match: it reads only the narrow columns of the index rows, and the versions and
    # organisations are fetched afterwards for the one page shown (joining wide version rows for thousands of
    # matches before sorting them cost more than the search itself).
    entries = SearchEntry.objects.only(*_ENTRY_FIELDS).prefetch_related(
        Prefetch("version", queryset=ItemVersion.objects.only(*_VERSION_FIELDS)), "organisation"
    )
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


# Facts other domains read of an item, registered in their AppConfig.ready (name → a callable giving an expression on
# ServiceItem) and read with the item by item_by_code, so a submit asks no statement of its own for them (e.g. the
# licence type a grant of the item issues: licences). `item_fact` reads one; UNKNOWN for an item read otherwise.
ITEM_FACTS: dict = {}
UNKNOWN = object()


def add_item_fact(name: str, expression) -> None:
    ITEM_FACTS[name] = expression


def item_fact(item: ServiceItem, name: str, default=UNKNOWN):
    return item.__dict__.get(name, default)


def item_query(code) -> QuerySet[ServiceItem]:
    """The read of an item by its code, with its organisation and region, current version, basic item and the other
    domains' facts (ITEM_FACTS): the one statement of item_by_code, which a caller may extend (annotate) for a
    Prepared statement of its own (cases.submission.item_for_submit)."""
    return (
        ServiceItem.objects.select_related("organisation__region", "current_version", "basic_item")
        .annotate(**{name: expression() for name, expression in ITEM_FACTS.items()})
        .filter(code=code)
        .order_by("pk")[:1]
    )


# read by every submit and guide request: compiled once per connection (core.prepared)
_BY_CODE = Prepared(item_query, str)


def item_by_code(code: str, *, read: Callable[[str], ServiceItem | None] | None = None) -> ServiceItem:
    """The item with this code (implementation code, or basic code for a basic item), or NotFound. `read`: another
    statement reading the item by its code (item_query extended), used instead of the plain one."""
    item = (read or _BY_CODE.first)(code)
    if item is None:
        raise NotFound(_("找不到编码为%(c)s的事项") % {"c": code}, field="code")
    return item


def item_or_none(code: str) -> ServiceItem | None:
    """The item with this code (as typed on a form or sent to the API), or None: the caller says at which field."""
    return _BY_CODE.first(code)


def organisation_or_none(pk: int) -> Organisation | None:
    """An organisation by its id (the implementing organisation a new item names), or None. Not scoped: whether the
    user may edit the organisation's items is the service's question (services.require_editor answers 403)."""
    return Organisation.objects.filter(pk=pk).first()


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
    return queryset.select_related("item", "item__organisation").prefetch_related(
        *_CHILDREN, "windows__centre"
    )


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
    versions = item.versions.select_related("submitted_by__staff__organisation").order_by("-number")
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


def transfers(item: ServiceItem) -> list[rules.Transfer]:
    """The item's recorded 下放 and 收回, in the order they take effect."""
    rows = (
        ChangeLogEntry.objects.filter(item=item, kind__in=rules.TRANSFER_KINDS)
        .select_related("counterpart")
        .order_by("effective_on", "id")
    )
    return [
        rules.Transfer(
            kind=e.kind,
            organisation=e.counterpart_id,
            organisation_name=e.counterpart.name if e.counterpart else "",
            effective_on=e.effective_on,
        )
        for e in rows
    ]


def cancellation(item: ServiceItem) -> ChangeLogEntry | None:
    """The change-log line of the item's 取消, if it was cancelled."""
    return item.changes.filter(kind=ChangeLogEntry.Kind.CANCELLED).order_by("-id").first()


def recipient(item: ServiceItem, organisation: Organisation) -> rules.Recipient:
    """`organisation` as the delegation rule (rules.delegation_problem) reads it for this item."""
    return rules.Recipient(
        name=organisation.name,
        kind=organisation.kind,
        kind_label=str(organisation.get_kind_display()),
        is_active=organisation.is_active,
        implements_items=ServiceItem.objects.filter(
            organisation=organisation, status=ServiceItem.Status.ACTIVE
        ).exists(),
        is_own=organisation.pk == item.organisation_id,
    )


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


def items_in_scope(user, *, status: str | None = None, q: str | None = None) -> QuerySet[ServiceItem]:
    """Items whose drafts the user may see (their organisations'; basic items too for centre managers), by code.
    `status` is an item status, or "review" for items with a version waiting for review."""
    items = ServiceItem.objects.select_related("organisation", "current_version")
    scoped = access.scope(user, items)
    if access.has_role(user, Role.CENTRE_MANAGER) or access.is_administrator(user):
        scoped = scoped | items.filter(organisation__isnull=True)
    if status == "review":
        scoped = scoped.filter(versions__status=ItemVersion.Status.SUBMITTED)
    elif status:
        scoped = scoped.filter(status=status)
    if q:
        scoped = scoped.filter(Q(code__contains=q) | Q(versions__name__contains=q))
    return scoped.distinct().order_by("code")


def open_drafts(items) -> dict[int, ItemVersion]:
    """The open (draft or submitted) version of each of these items, by item id."""
    versions = ItemVersion.objects.filter(
        item__in=items, status__in=[ItemVersion.Status.DRAFT, ItemVersion.Status.SUBMITTED]
    )
    return {v.item_id: v for v in versions}


# Said on a version published by the manager who submitted it (allowed only by ZHENGWU_CATALOG_SELF_PUBLISH).
SELF_PUBLISH_NOTE = gettext_lazy("提交人与发布人为同一人(按设置允许)")


def self_publish_allowed() -> bool:
    """May a centre manager publish a version they submitted themselves? ZHENGWU_CATALOG_SELF_PUBLISH, default off."""
    return bool(getattr(settings, "ZHENGWU_CATALOG_SELF_PUBLISH", False))


def submitted_by(user, version: ItemVersion) -> bool:
    """Did this user submit the version? (Versions submitted by a command belong to no one.)"""
    return version.submitted_by_id is not None and getattr(user, "pk", None) == version.submitted_by_id


def self_publish_refusal(user, version: ItemVersion) -> AccessDenied | None:
    """A manager does not publish the version they submitted, unless the setting allows it (separation of duties)."""
    if submitted_by(user, version) and not self_publish_allowed():
        return AccessDenied(
            _("不能发布自己提交的版本:须由另一位中心管理人员审核发布"), code="catalog.self_publish"
        )
    return None


def may_publish(user, version: ItemVersion) -> bool:
    """Is 发布 offered to this user: a centre manager (or administrator) who did not submit the version, or did
    and the setting allows it. The publish service decides the same way."""
    if not (access.has_role(user, Role.CENTRE_MANAGER) or access.is_administrator(user)):
        return False
    return not submitted_by(user, version) or self_publish_allowed()


def submitter_label(version: ItemVersion) -> str:
    """Who submitted the version, as colleagues know them: 姓名(机构), the account name, or 系统 for a command."""
    user = version.submitted_by
    if user is None:
        return _("系统") if version.submitted_at else ""
    staff = access.staff_of(user)
    return f"{staff.name}({staff.organisation.name})" if staff else user.get_username()


def review_queue(user) -> QuerySet[ItemVersion]:
    """Submitted versions the user may review and publish (centre managers, within their scope), oldest first: never
    one they submitted themselves unless the setting allows it (may_publish, self_publish_refusal) — those wait for
    another manager, and are in `awaiting_another_manager`."""
    queue = _submitted_in_scope(user)
    if getattr(user, "pk", None) is not None and not self_publish_allowed():
        queue = queue.exclude(submitted_by=user.pk)  # a version submitted by a command belongs to no one
    return queue


def awaiting_another_manager(user) -> QuerySet[ItemVersion]:
    """The versions this manager submitted, waiting for another manager to review (not theirs to publish)."""
    if self_publish_allowed() or getattr(user, "pk", None) is None:
        return ItemVersion.objects.none()
    return _submitted_in_scope(user).filter(submitted_by=user.pk)


def _submitted_in_scope(user) -> QuerySet[ItemVersion]:
    if not (access.has_role(user, Role.CENTRE_MANAGER) or access.is_administrator(user)):
        return ItemVersion.objects.none()
    items = items_in_scope(user, status="review")
    return (
        ItemVersion.objects.filter(item__in=items.values("pk"), status=ItemVersion.Status.SUBMITTED)
        .select_related(
            "item",
            "item__organisation",
            "item__current_version",
            "submitted_by__staff__organisation",
        )
        .prefetch_related("windows__centre")
        .order_by("submitted_at", "pk")
    )


def window_details(version: ItemVersion) -> list[dict]:
    """The version's windows (办理窗口) as the guide, the review page and the API show them: centre, number and
    name, with the address, opening hours and phone of the window's centre (a window keeps none of its own)."""
    windows = sorted(
        version.windows.all(), key=lambda w: specs.window_order({"centre": w.centre.name, "number": w.number})
    )
    return [
        {
            "centre": w.centre.name,
            "number": w.number,
            "name": w.name,
            "kind": w.kind,
            "label": rules.window_label({"centre": w.centre.name, "number": w.number}),
            "address": w.centre.address,
            "opening_hours": w.centre.opening_hours,
            "phone": w.centre.phone,
        }
        for w in windows
    ]


def window_choices(organisation: Organisation | None, chosen=()) -> list[dict]:
    """The windows an item of this organisation may be handled at, grouped by centre for the editor: the windows in
    use in the centres of its region and the regions below that are general (综合窗口) or dedicated to it. Windows
    already chosen are listed too (marked `allowed=False` if the rule would now refuse them) so none vanishes
    unseen from a draft."""
    chosen_keys = {(r["centre"], r["number"]) for r in chosen or [] if isinstance(r, dict)}
    allowed = Q(pk__in=[])
    if organisation is not None:
        allowed = (
            Q(is_active=True)
            & access.in_region_q(organisation.region, "centre__region")
            & (Q(kind=Window.Kind.GENERAL) | Q(organisations=organisation))
        )
    picked = Q(pk__in=[])
    for centre, number in chosen_keys:
        picked |= Q(centre__name=centre, number=number)
    windows = Window.objects.filter(
        pk__in=Window.objects.filter(allowed | picked).values("pk")
    ).select_related("centre", "centre__region")
    allowed_pks = set(Window.objects.filter(allowed).values_list("pk", flat=True))
    groups: dict[int, dict] = {}
    for w in sorted(
        windows,
        key=lambda w: (
            (w.centre.region.code, w.centre.kind != ServiceCentre.Kind.CENTRE, w.centre.name)
            + specs.window_order({"centre": "", "number": w.number})[1:]
        ),
    ):
        group = groups.setdefault(w.centre_id, {"centre": w.centre, "windows": []})
        group["windows"].append(
            {
                "id": w.pk,
                "number": w.number,
                "name": w.name,
                "kind": w.get_kind_display(),
                "checked": (w.centre.name, w.number) in chosen_keys,
                "allowed": w.pk in allowed_pks,
            }
        )
    return list(groups.values())


def window_refs(ids) -> list[dict]:
    """The spec references of the windows with these ids (as an editor posts them); an id naming no window gives
    a reference without a centre, which the rules refuse."""
    numbers = [int(i) for i in ids if is_whole(i)]
    windows = {w.pk: w for w in Window.objects.filter(pk__in=numbers).select_related("centre")}
    return [
        {"centre": windows[i].centre.name, "number": windows[i].number}
        if i in windows
        else {"centre": "", "number": str(i)}
        for i in numbers
    ] + [{"centre": "", "number": str(i)} for i in ids if not is_whole(i)]


@dataclass(frozen=True)
class FieldChange:
    """One element of two versions side by side."""

    label: str
    old: str
    new: str

    @property
    def changed(self) -> bool:
        return self.old != self.new


def _lines(values) -> str:
    return "\n".join(values)


def _described(spec: dict) -> list[tuple[str, str]]:
    """A spec as (label, text) pairs a person reads, in the order of the guide."""
    labels = rules
    out = [
        (_("事项名称"), spec["name"]),
        (_("子项名称"), spec["sub_name"]),
        (_("服务对象"), "、".join(str(labels.TARGETS.get(t, t)) for t in spec["target"])),
        (_("人生事件"), "、".join(spec["life_events"])),
        (_("主题"), "、".join(spec["themes"])),
        (
            _("设定依据"),
            _lines(
                f"{b.get('law', '')} {b.get('article', '')}:{b.get('text', '')}" for b in spec["legal_basis"]
            ),
        ),
        (_("受理条件"), spec["conditions"]),
        (_("法定办结时限"), f"{spec['legal_limit']}"),
        (_("承诺办结时限"), f"{spec['promised_limit']}"),
        (_("法定延长时限"), f"{spec['extension_days']}"),
        (_("即办件"), _("是") if spec["instant"] else _("否")),
        (_("到办事现场次数"), f"{spec['onsite_visits']}"),
        (_("网上办理深度"), "、".join(str(labels.ONLINE_DEPTHS.get(d, d)) for d in spec["online_depth"])),
        (_("窗口授权"), _("是") if spec["window_authorised"] else _("否")),
        (_("联合审批"), _("是") if spec["joint"] else _("否")),
        (
            _("办理窗口"),
            _lines(
                rules.window_label(w) if isinstance(w, dict) else str(w) for w in spec.get("windows") or []
            ),
        ),
        (_("办理地点"), spec["address"]),
        (_("办公时间"), spec["opening_hours"]),
        (_("咨询电话"), spec["consultation_phone"]),
        (_("监督电话"), spec["supervision_phone"]),
        (
            _("申请材料"),
            _lines(
                _("%(name)s(%(required)s%(condition)s;%(form)s%(copies)s份;%(medium)s;%(source)s)")
                % {
                    "name": m["name"],
                    "required": _("必需") if m["required"] else _("非必需"),
                    "condition": _("、") + m["condition"] if m.get("condition") else "",
                    "form": labels.MATERIAL_FORMS.get(m["form"], m["form"]),
                    "copies": m["copies"],
                    "medium": labels.MATERIAL_MEDIA.get(m["medium"], m["medium"]),
                    "source": labels.MATERIAL_SOURCES.get(m["source"], m["source"]),
                }
                for m in spec["materials"]
            ),
        ),
        (
            _("办理环节"),
            _lines(
                _("%(position)s. %(name)s(%(role)s,%(days)s个工作日,%(kind)s)")
                % {
                    "position": i,
                    "name": s["name"],
                    "role": labels.STEP_ROLES.get(s["role"], s["role"]),
                    "days": s["days"],
                    "kind": labels.STEP_KINDS.get(s.get("kind") or "", s.get("kind") or ""),
                }
                for i, s in enumerate(spec["steps"], start=1)
            ),
        ),
        (
            _("收费"),
            _lines(
                _("%(name)s:%(standard)s(依据:%(basis)s)")
                % {"name": f["name"], "standard": f["standard"], "basis": f["basis"]}
                for f in spec["fees"]
            )
            or _("不收费"),
        ),
        (_("办理结果"), spec["result"].get("name") or ""),
        (_("结果类型"), str(labels.RESULT_KINDS.get(spec["result"].get("kind"), ""))),
        (
            _("送达方式"),
            "、".join(str(labels.DELIVERIES.get(d, d)) for d in spec["result"].get("delivery") or []),
        ),
        (
            _("常见问题"),
            _lines(
                _("问:%(q)s 答:%(a)s") % {"q": qa.get("q", ""), "a": qa.get("a", "")} for qa in spec["faq"]
            ),
        ),
        (_("申请表"), _form_fields(spec.get("form_schema") or {})),
    ]
    return [(str(label), str(text)) for label, text in out]


def _form_fields(schema: dict) -> str:
    """The application form's fields as a person reads them; the default form when the item has none."""
    properties = schema.get("properties") or {}
    if not properties:
        return str(_("通用申请表"))
    required = set(schema.get("required") or [])
    return _lines(
        f"{p.get('title', key)}({p.get('type', '')}{'、' + str(_('必填')) if key in required else ''})"
        for key, p in properties.items()
    )


def compare_versions(
    user, item: ServiceItem, old: int, new: int
) -> tuple[ItemVersion, ItemVersion, list[FieldChange]]:
    """Two versions of an item and every element side by side, changed ones marked."""
    a, b = version_of(user, item, old), version_of(user, item, new)
    old_rows = _described(specs.complete(specs.from_version(a)))
    new_rows = _described(specs.complete(specs.from_version(b)))
    return (
        a,
        b,
        [FieldChange(label, o, n) for (label, o), (_label, n) in zip(old_rows, new_rows, strict=True)],
    )


def catalogue_facets() -> dict:
    """What the public catalogue can be browsed by: organisations, life events and themes, each with its count."""
    rows = SearchEntry.objects.values_list(
        "organisation_id", "organisation__name", "themes", "life_events", "targets"
    )
    organisations: dict[int, list] = {}
    themes: dict[str, int] = {}
    events: dict[str, int] = {}
    targets: dict[str, int] = {}
    for org_id, org_name, theme_list, event_list, target_list in rows:
        if org_id is not None:
            organisations.setdefault(org_id, [org_name, 0])[1] += 1
        for bucket, listed in ((themes, theme_list), (events, event_list), (targets, target_list)):
            for value in filter(None, listed.split("|")):
                bucket[value] = bucket.get(value, 0) + 1
    return {
        "organisations": sorted(
            ((pk, name, n) for pk, (name, n) in organisations.items()), key=lambda o: (-o[2], o[1])
        ),
        "themes": sorted(themes.items(), key=lambda t: (-t[1], t[0])),
        "life_events": sorted(events.items(), key=lambda t: (-t[1], t[0])),
        "targets": {key: targets.get(key, 0) for key in rules.TARGETS},
    }


def entries_with_file_ending(ending: str) -> QuerySet[SearchEntry]:
    """The ids of the index rows whose version has a result sample, or a material a blank form or a sample, named
    with this ending (".pdf"): the CKAN API's search by a resource's format."""
    return SearchEntry.objects.filter(
        Q(version__result_sample__iendswith=ending)
        | Q(version__materials__blank_form__iendswith=ending)
        | Q(version__materials__sample__iendswith=ending)
    ).values("pk")


# How many rows items_naming reads for each one it returns: rows holding a word common to many names (许可, 证明)
# crowd the candidates, and the phrase that tells them apart is checked in Python.
_NAMING_CANDIDATES = 20


def items_naming(words: list[str], *, said: str = "", limit: int = 5) -> list[SearchEntry]:
    """Published items whose name holds some of the words (the hotline's call screen: what a caller says, not a
    search), best first: the longest phrase of the name the caller said whole (`core.text.said_phrase`: 食品经营许可 in
    「食品经营许可证怎么办」 before 经营许可证 of 药品经营许可证核发), then the most of the words in its name (by length;
    a word inside a longer one found with it not counted twice), then the shortest name. Once an item's name holds two
    of the words or more, an item naming only one of them (许可, and 许可证 inside it) is not offered beside it. Each
    row has `named`, the words of its name found, in the order given. A word only in an item's materials or
    conditions does not bring it, nor one straddling two words of the name (施工 in 市政基础设施工程).

    The catalogue's search ranks a query (the whole of it in a name, then every word); a caller's sentence is never a
    name whole, so the phrase is looked for the other way round: each name's runs of words in what was said."""
    words = [w for w in dict.fromkeys(search.normalise(w) for w in words) if w]
    if not words or limit <= 0:
        return []
    heard = search.normalise(said) if said else ""
    named = sum((Case(When(name__contains=w, then=Value(len(w))), default=Value(0)) for w in words), Value(0))
    candidates = (
        SearchEntry.objects.filter(reduce(operator.or_, (Q(name__contains=w) for w in words)))
        .select_related("organisation")
        .annotate(named_length=named, name_length=Length("name"))
        .order_by("-named_length", "name_length", "code")[: limit * _NAMING_CANDIDATES]
    )
    rows = []
    for row in candidates:
        own = set(core_text.cut_for_search(row.name))
        row.named = [w for w in words if w in own]
        if row.named:
            distinct = core_text.outermost(row.named)
            row.named_words = len(distinct)
            row.named_weight = sum(len(w) for w in distinct)
            row.phrase = core_text.said_phrase(row.name, heard) if heard else 0
            rows.append(row)
    if any(r.named_words > 1 for r in rows):
        rows = [r for r in rows if r.named_words > 1]
    rows.sort(key=lambda r: (-r.phrase, -r.named_weight, len(r.name), r.code))
    return rows[:limit]


def active_organisations() -> QuerySet[Organisation]:
    """Every active organisation: those the CKAN API lists, whether or not they hold datasets."""
    return Organisation.objects.filter(is_active=True)


def entries_with_files(ids) -> QuerySet[SearchEntry]:
    """Published index rows with what an open-data record of the item shows: its version, item, organisation and
    the materials that have a blank form or a sample (the CKAN API's packages)."""
    materials = Material.objects.exclude(blank_form="", sample="").order_by("position")
    return (
        SearchEntry.objects.filter(pk__in=ids)
        .select_related("version", "item", "organisation")
        .prefetch_related(Prefetch("version__materials", queryset=materials, to_attr="files"))
    )


# The steps and materials of a published version, kept in the process (issue 20: read on every acceptance and grant).
# Only a draft may be changed (ItemVersion), so what a published version lists is the same on every server for good.
# Keyed by the version's id and publication time; a test's rolled-back database gives ids out again, so each test
# starts with it empty (tests/conftest.py). Callers must not change the rows they get.
_PUBLISHED: dict[tuple, list] = {}
_PUBLISHED_MAX = 4096


def _published(version: ItemVersion, relation: str) -> list:
    prefetched = getattr(version, "_prefetched_objects_cache", {}).get(relation)
    if prefetched is not None:
        return sorted(prefetched, key=lambda row: row.position)
    if version.status != ItemVersion.Status.PUBLISHED or version.published_at is None:
        return list(getattr(version, relation).order_by("position"))
    key = (relation, version.pk, version.published_at)
    rows = _PUBLISHED.get(key)
    if rows is None:
        rows = list(getattr(version, relation).order_by("position"))
        if len(_PUBLISHED) >= _PUBLISHED_MAX:
            _PUBLISHED.clear()
        _PUBLISHED[key] = rows
    return rows


def published_steps(version: ItemVersion) -> list[Step]:
    """The version's handling steps in order (a published version's from the process's copy)."""
    return _published(version, "steps")


def published_materials(version: ItemVersion) -> list[Material]:
    """The version's materials in order (a published version's from the process's copy)."""
    return _published(version, "materials")


def forget_published() -> None:
    _PUBLISHED.clear()
