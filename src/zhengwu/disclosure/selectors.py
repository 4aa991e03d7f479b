"""Disclosure reads: what the public may see, and staff queues scoped by core.access."""

from __future__ import annotations

import datetime as dt

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengwu.core import access, clock, personal
from zhengwu.core.errors import DomainError, NotFound
from zhengwu.core.models import Organisation, Role
from zhengwu.disclosure import deadlines, search, versions, workflow
from zhengwu.disclosure.models import (
    AnnualReport,
    Attachment,
    Category,
    DisclosureRequest,
    Publication,
    Remedy,
)

PAGE_SIZE = 20


def public_publications(at: dt.datetime | None = None) -> QuerySet[Publication]:
    """Publications the public may see: published, and their publication time has come."""
    return Publication.objects.filter(
        status=workflow.PUBLISHED, published_at__lte=at or clock.now()
    ).select_related("organisation", "category")


def public_publication(index_number: str) -> Publication:
    """A publication's public page: published ones, and withdrawn ones (shown as withdrawn, without the body)."""
    found = (
        Publication.objects.filter(index_number=index_number)
        .filter(
            Q(status=workflow.PUBLISHED, published_at__lte=clock.now())
            | Q(status=workflow.WITHDRAWN, published_at__isnull=False)
        )
        .select_related("organisation", "category", "replaced_by", "interprets")
        .first()
    )
    if found is None:
        raise NotFound(_("该信息不存在或尚未公开"))
    return found


def search_publications(
    *,
    query: str = "",
    organisation: int | None = None,
    category: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    document_number: str = "",
    genre: str = "",
) -> QuerySet[Publication]:
    """Public search: words (Traditional or Simplified), organisation, category, date range, document number."""
    qs = public_publications()
    if organisation:
        qs = qs.filter(organisation_id=organisation)
    if category:
        qs = qs.filter(Q(category_id=category) | Q(category__parent_id=category))
    if date_from:
        qs = qs.filter(published_at__gte=dt.datetime.combine(date_from, dt.time.min, tzinfo=clock.LOCAL))
    if date_to:
        qs = qs.filter(
            published_at__lt=dt.datetime.combine(
                date_to + dt.timedelta(days=1), dt.time.min, tzinfo=clock.LOCAL
            )
        )
    if document_number.strip():
        qs = qs.filter(document_number__icontains=document_number.strip())
    if genre:
        qs = qs.filter(genre=genre)
    if query.strip():
        qs = search.matching(qs, query)
    return qs.order_by("-published_at", "-id")


def disclosing_organisations() -> QuerySet[Organisation]:
    """Organisations with a catalogue or publications, for the portal's lists and filters."""
    return (
        Organisation.objects.filter(
            Q(disclosure_categories__isnull=False) | Q(publications__status=workflow.PUBLISHED)
        )
        .distinct()
        .order_by("region__code", "name")
    )


def request_organisations() -> QuerySet[Organisation]:
    """Organisations a request may be addressed to: every active one."""
    return Organisation.objects.filter(is_active=True).order_by("region__code", "name")


def catalogue(organisation: Organisation) -> list[dict]:
    """The organisation's catalogue as a tree: [{category, children: [...]}, ...]."""
    nodes = list(Category.objects.filter(organisation=organisation).order_by("position", "code"))
    by_parent: dict[int | None, list[Category]] = {}
    for node in nodes:
        by_parent.setdefault(node.parent_id, []).append(node)

    def tree(parent_id):
        return [{"category": c, "children": tree(c.pk)} for c in by_parent.get(parent_id, [])]

    return tree(None)


def staff_publications(user, *, status: str = "") -> QuerySet[Publication]:
    qs = access.scope(user, Publication.objects.select_related("organisation", "category", "created_by"))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-id")


def review_queue(user) -> QuerySet[Publication]:
    """Publications waiting for a step this user may sign (disclosure.permissions.review_refusal): the step's role,
    never their own drafts, 保密审查 never to the officer who signed the 初审 (unless the organisation allows one
    reviewer), and an important document's second approval never to the leader who gave the first."""
    from zhengwu.disclosure.models import ReviewEntry

    steps = [s for s, role in workflow.REVIEW_ROLE.items() if access.may_act_as(user, role)]
    first_leader = (
        ReviewEntry.objects.filter(
            publication=OuterRef("pk"), from_status=workflow.LEADER_APPROVAL, action="approve_important"
        )
        .order_by("-at", "-id")
        .values("by_id")[:1]
    )
    first_reviewer = (
        ReviewEntry.objects.filter(
            publication=OuterRef("pk"), from_status=workflow.FIRST_REVIEW, action="approve"
        )
        .order_by("-at", "-id")
        .values("by_id")[:1]
    )
    return (
        staff_publications(user)
        .filter(status__in=steps)
        .exclude(created_by=user)
        .annotate(first_leader=Subquery(first_leader), first_reviewer=Subquery(first_reviewer))
        .exclude(status=workflow.SECOND_LEADER_APPROVAL, first_leader=user.pk)
        .exclude(  # 保密审查 by another officer than the 初审's, unless the organisation allows one reviewer
            Q(status=workflow.CONFIDENTIALITY_REVIEW, first_reviewer=user.pk)
            & ~Q(organisation__disclosure_profile__one_reviewer=True)
        )
    )


def review_refusal(user, publication: Publication) -> DomainError | None:
    """Why this user may not sign the publication's current review step (disclosure.permissions.review_refusal)."""
    from zhengwu.disclosure import permissions

    return permissions.review_refusal(user, publication)


def reviewer_wanted(publication: Publication) -> str:
    """Who signs the publication's current review step, in words (empty when it is not in review)."""
    role = workflow.REVIEW_ROLE.get(publication.status)
    if role is None:
        return ""
    who = Role(role).label
    if publication.status == workflow.SECOND_LEADER_APPROVAL:
        return _("%(step)s:须由另一位%(who)s审批") % {"step": publication.status_label, "who": who}
    return _("%(step)s:由起草人以外的%(who)s办理") % {"step": publication.status_label, "who": who}


def changes_since_last_review(publication: Publication):
    """What changed in the publication since the previous round of review saw it (disclosure.versions), or None."""
    return versions.since_last_review(publication)


def staff_publication(user, pk: int) -> Publication:
    found = staff_publications(user).filter(pk=pk).prefetch_related("ledger", "attachments").first()
    if found is None:
        raise NotFound()
    return found


EXTENSION_QUEUE = "extension_asked"
QUEUES = {
    "to_reply": (gettext_lazy("待答复"), (workflow.PROCESSING,)),
    "open": (gettext_lazy("全部未办结"), workflow.OPEN_REQUEST_STATES),
    "waiting": (
        gettext_lazy("等待申请人或第三方"),
        (workflow.AWAITING_SUPPLEMENT, workflow.AWAITING_FEE, workflow.CONSULTING),
    ),
    "concluded": (gettext_lazy("已办结"), workflow.CONCLUDED_REQUEST_STATES),
    # the officers' asks to extend the reply period, waiting for the person in charge (第三十三条第一款)
    EXTENSION_QUEUE: (gettext_lazy("延长待审批"), workflow.OPEN_REQUEST_STATES),
}


DEFAULT_QUEUE = "to_reply"  # what the officer can act on: requests in handling, waiting for the reply


def requests_in(user, queue: str = DEFAULT_QUEUE) -> QuerySet[DisclosureRequest]:
    """Requests in the user's scope for a queue, soonest due first."""
    label, states = QUEUES.get(queue, QUEUES[DEFAULT_QUEUE])
    found = access.scope(user, DisclosureRequest.objects.select_related("organisation")).filter(
        status__in=states
    )
    if queue == EXTENSION_QUEUE:
        found = found.filter(extension_asked_days__gt=0)
    return found.order_by("due_on", "id")


# the office's own steps, not the requester's to see: an ask to extend and the head's refusal (an extension agreed
# is told to them, 第三十三条第一款)
INTERNAL_REQUEST_ACTIONS = ("ask_extension", "refuse_extension")


def requester_events(request: DisclosureRequest):
    """A request's history as its requester reads it on the portal."""
    return request.events.exclude(action__in=INTERNAL_REQUEST_ACTIONS)


EXTENSION_ASK_STATES = {
    "pending": gettext_lazy("待负责人审批"),
    "agreed": gettext_lazy("负责人同意"),
    "refused": gettext_lazy("负责人不同意"),
    "moot": gettext_lazy("未经审批即已办结"),
}


def extension_asks(request: DisclosureRequest, events=None) -> list[dict]:
    """The officer's asks to extend the reply period, oldest first, each with the head's decision (第三十三条第一款:
    one extension agreed; an ask refused may be followed by another): the request page's history of asks."""
    asks: list[dict] = []
    for e in events if events is not None else request.events.all():
        data = e.data or {}
        if e.action == "ask_extension":
            asks.append(
                {"asked_on": e.on, "asked_by": e.by_name, "days": data.get("days"), "reason": e.note}
                | {"state": "pending", "decided_on": None, "decided_by": "", "opinion": ""}
            )
        elif e.action in ("extend", "refuse_extension") and asks and asks[-1]["state"] == "pending":
            asks[-1] |= {
                "state": "agreed" if e.action == "extend" else "refused",
                "decided_on": e.on,
                "decided_by": e.by_name,
                "opinion": data.get("opinion", "") if e.action == "extend" else e.note,
            }
    if asks and asks[-1]["state"] == "pending" and request.status not in workflow.OPEN_REQUEST_STATES:
        asks[-1]["state"] = "moot"
    for ask in asks:
        ask["state_label"] = EXTENSION_ASK_STATES[ask["state"]]
    return asks


def extensions_to_decide(user, *, limit: int = 100) -> list[DisclosureRequest]:
    """Requests whose officer asked to extend the reply period and which this person may decide (条例 第三十三条第一款:
    the person in charge, never the officer who asked — disclosure.permissions), soonest due first: the head's list."""
    from zhengwu.disclosure import permissions

    asked = (
        access.scope(user, DisclosureRequest.objects.select_related("organisation", "extension_asked_by"))
        .filter(status__in=workflow.OPEN_REQUEST_STATES, extension_asked_days__gt=0)
        .order_by("due_on", "id")
    )
    return [r for r in asked[:limit] if permissions.refusal(user, r, "refuse_extension") is None]


def request_queue(user, queue: str = DEFAULT_QUEUE) -> list[DisclosureRequest]:
    """Requests in the user's scope for a queue, each with its alert level (normal, warning, overdue)."""
    rows = list(requests_in(user, queue)[:500])
    today = clock.today()
    for r in rows:
        r.alert = (
            deadlines.alert_level(r.due_on, today)
            if r.status == workflow.PROCESSING and r.due_on
            else "normal"
        )
    return rows


def staff_request(user, pk: int) -> DisclosureRequest:
    found = (
        access.scope(user, DisclosureRequest.objects.select_related("organisation"))
        .filter(pk=pk)
        .prefetch_related("events")
        .first()
    )
    if found is None:
        raise NotFound()
    return found


# Who may reveal a requester's personal data (docs/disclosure.md), with a reason: the disclosure officers of the
# organisation that answers the request (they write and send the reply), and supervisors of its region.
REVEAL_ROLES = (Role.DISCLOSURE_OFFICER,)


def may_reveal_requester(user, request: DisclosureRequest) -> bool:
    """May the user see the requester's personal data in full (with a reason)?"""
    org = request.organisation
    return access.may_reveal_personal(user, organisations=[org], roles=REVEAL_ROLES, region=org.region)


def requester_fields(request: DisclosureRequest) -> list[personal.Field]:
    """The requester's name, ID number and contact details as staff are shown them."""
    F = personal.Field
    return [
        F("requester", "name", _("申请人"), "name", request.requester_name),
        F("requester", "id_number", _("证件号码"), "id_number", request.requester_id_number),
        F("requester", "phone", _("联系电话"), "phone", request.phone),
        F("requester", "address", _("通信地址"), "address", request.address),
        F("requester", "email", _("电子邮箱"), "email", request.email),
    ]


def remedies_of(organisation: Organisation) -> QuerySet[Remedy]:
    return Remedy.objects.filter(organisation=organisation)


def remedies_for_year(organisation: Organisation, year: int) -> QuerySet[Remedy]:
    """The cases the year's report counts (section 四): concluded in the year, or still open at its end."""
    last = dt.date(year, 12, 31)
    return (
        remedies_of(organisation)
        .filter(
            Q(concluded_on__year=year)
            | Q(filed_on__lte=last, concluded_on__isnull=True)
            | Q(filed_on__lte=last, concluded_on__gt=last)
        )
        .select_related("request")
        .order_by("-filed_on", "-id")
    )


def staff_remedy(user, pk: int) -> Remedy:
    found = access.scope(user, Remedy.objects.select_related("organisation")).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def staff_attachment(user, publication_pk: int, pk: int):
    found = Attachment.objects.filter(
        publication__in=staff_publications(user).filter(pk=publication_pk), pk=pk
    ).first()
    if found is None:
        raise NotFound()
    return found


def public_attachment(pk: int):
    """An attachment of a publication the public may see (published and its time has come)."""
    found = Attachment.objects.filter(pk=pk, publication__in=public_publications()).first()
    if found is None:
        raise NotFound(_("该附件不存在或尚未公开"))
    return found


def publications_with_attachment_types(content_types) -> QuerySet[Attachment]:
    """The ids of the publications with an attachment of one of these content types (as `publication_id`): the
    CKAN API's search by a resource's format."""
    return Attachment.objects.filter(content_type__in=content_types).values("publication_id")


def reports_of(user) -> QuerySet[AnnualReport]:
    return access.scope(user, AnnualReport.objects.select_related("organisation")).order_by("-year")


def categories(*, organisation=None, organisations=None):
    """The catalogue's categories (公开目录) of one organisation or of several, in their order."""
    from zhengwu.disclosure.models import Category

    rows = Category.objects.all()
    if organisation is not None:
        rows = rows.filter(organisation=organisation)
    if organisations is not None:
        rows = rows.filter(organisation__in=organisations)
    return rows.order_by("position", "code")
