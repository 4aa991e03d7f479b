"""Reads for tickets: scoped querysets for staff, queues, tracking for citizens, duplicates, the public mailbox."""

import datetime as dt
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from zhengwu.core import access, clock, personal
from zhengwu.core.errors import AccessDenied, NotFound
from zhengwu.core.inputs import is_whole
from zhengwu.core.models import Organisation, Region, Role
from zhengwu.tickets import deadlines, knowledge, permissions, publication, text
from zhengwu.tickets.models import (
    INTERNAL_ACTIONS,
    OPEN_STATUSES,
    Assignment,
    Category,
    Extension,
    KnowledgeEntry,
    Mailbox,
    Status,
    Ticket,
)

CENTRE_ROLES = (Role.HOTLINE_OPERATOR, Role.CENTRE_MANAGER, Role.SUPERVISOR)


def is_centre(user) -> bool:
    """The hotline centre (operators, managers, supervisors) works every ticket of its region."""
    return access.is_administrator(user) or access.has_role(user, *CENTRE_ROLES)


def visible_tickets(user) -> QuerySet[Ticket]:
    """Tickets the user may see: for the hotline centre, those located in its region (or not located yet) and
    those dispatched within its scope; for an organisation, those ever dispatched to it."""
    qs = Ticket.objects.select_related("category", "lead_organisation", "region")
    if access.is_administrator(user):
        return qs
    assigned = access.scope(user, Assignment.objects.all(), "organisation").values("ticket_id")
    if is_centre(user):
        staff = access.staff_of(user)
        return qs.filter(
            Q(region__isnull=True) | access.in_region_q(staff.organisation.region) | Q(pk__in=assigned)
        )
    return qs.filter(pk__in=assigned)


# Who may reveal a caller's name and number (docs/tickets.md, "Personal data"), with a reason: the hotline operators
# and supervisors of the ticket's region, and the handlers of the organisations it is dispatched to.
REVEAL_ROLES = (Role.WINDOW_CLERK, Role.APPROVER, Role.DEPARTMENT_HEAD)
REVEAL_OVERSEERS = (Role.HOTLINE_OPERATOR, Role.SUPERVISOR)


def may_reveal_caller(user, ticket: Ticket) -> bool:
    """May the user see the caller's name and number in full (with a reason)?"""
    assigned = [a.organisation for a in ticket.assignments.filter(active=True).select_related("organisation")]
    return access.may_reveal_personal(
        user, organisations=assigned, roles=REVEAL_ROLES, region=ticket.region, overseers=REVEAL_OVERSEERS
    )


def caller_fields(ticket: Ticket) -> list[personal.Field]:
    """The caller's name and number as staff are shown them."""
    return [
        personal.Field("caller", "name", _("诉求人"), "name", ticket.caller_name),
        personal.Field("caller", "phone", _("联系电话"), "phone", ticket.caller_phone),
    ]


def ticket_for(user, pk: int) -> Ticket:
    ticket = visible_tickets(user).filter(pk=pk).first()
    if ticket is None:
        raise NotFound(_("找不到该工单,或您无权查看"))
    return ticket


def ticket_by_number(user, number: str) -> Ticket:
    ticket = visible_tickets(user).filter(number=number).first()
    if ticket is None:
        raise NotFound(_("找不到该工单,或您无权查看"))
    return ticket


def history(ticket: Ticket):
    return ticket.events.select_related("organisation").order_by("seq")


def my_organisations(user) -> QuerySet[Organisation]:
    """The organisations whose queues the user works (their own and its children)."""
    return access.own_organisations(user)


def dispatch_queue(user) -> QuerySet[Ticket]:
    """New and returned tickets waiting for the dispatcher, oldest first (returns show their count)."""
    if not is_centre(user):
        return Ticket.objects.none()
    return visible_tickets(user).filter(status__in=[Status.NEW, Status.RETURNED]).order_by("received_at")


def awaiting_follow_up(user) -> QuerySet[Ticket]:
    """Answered tickets the hotline still has to call back (回访), the earliest answered first: the follow-up
    closes or reopens them, and no list showed them to the operator."""
    if not is_centre(user):
        return Ticket.objects.none()
    return visible_tickets(user).filter(status=Status.REPLIED).order_by("replied_at", "id")


def awaiting_first_answer(qs: QuerySet[Ticket], level: str = "") -> QuerySet[Ticket]:
    """政民互动 tickets still waiting for their first answer (24 小时未答复), soonest limit first; `level` narrows to
    those due soon (within FIRST_ANSWER_WARN_HOURS) or overdue."""
    now = clock.now()
    qs = qs.filter(status__in=OPEN_STATUSES, first_answered_at=None, first_answer_due__isnull=False)
    if level == deadlines.FirstAnswerState.OVERDUE:
        qs = qs.filter(first_answer_due__lt=now)
    elif level == deadlines.FirstAnswerState.DUE_SOON:
        soon = now + dt.timedelta(hours=deadlines.FIRST_ANSWER_WARN_HOURS)
        qs = qs.filter(first_answer_due__gte=now, first_answer_due__lte=soon)
    return qs.order_by("first_answer_due", "id")


def first_answer_queue(user, level: str = "") -> QuerySet[Ticket]:
    """The dispatcher's "24小时未答复" queue: waiting tickets in the centre's scope."""
    if not is_centre(user):
        return Ticket.objects.none()
    return awaiting_first_answer(visible_tickets(user), level)


def first_answer_counts(user) -> dict:
    """How many waiting tickets in the user's view are due soon and overdue (for the queue tabs)."""
    base = (
        visible_tickets(user)
        if is_centre(user)
        else Ticket.objects.filter(lead_organisation__in=my_organisations(user))
    )
    return {
        level: awaiting_first_answer(base, level).count()
        for level in (deadlines.FirstAnswerState.DUE_SOON, deadlines.FirstAnswerState.OVERDUE)
    }


@dataclass
class Queues:
    to_acknowledge: list
    to_handle: list
    due_soon: list
    overdue: list
    returned: list
    first_answer: list


def to_acknowledge(user) -> QuerySet[Ticket]:
    """Tickets dispatched to the user's organisations and not yet signed for (签收) by them, soonest due first."""
    active = Assignment.objects.filter(organisation__in=my_organisations(user), active=True)
    return Ticket.objects.filter(
        pk__in=active.filter(acknowledged_at=None).values("ticket_id"),
        status__in=[Status.DISPATCHED, Status.ACKNOWLEDGED, Status.REOPENED],
    ).order_by("acknowledge_due", "id")


def to_answer(user) -> QuerySet[Ticket]:
    """Tickets the user's organisations lead and have still to answer (办理中, 重办中), soonest due first."""
    return Ticket.objects.filter(
        lead_organisation__in=my_organisations(user), status__in=[Status.ACKNOWLEDGED, Status.REOPENED]
    ).order_by("handle_due", "id")


def organisation_queues(user, *, warn_hours: int = 24) -> Queues:
    """An organisation's work: to acknowledge, to handle, due soon, overdue, and what it returned lately."""
    orgs = my_organisations(user)
    now = clock.now()
    to_ack = to_acknowledge(user)
    handling = to_answer(user)
    soon = handling.filter(handle_due__gte=now, handle_due__lte=now + dt.timedelta(hours=warn_hours))
    overdue = handling.filter(handle_due__lt=now)
    returned = Ticket.objects.filter(
        pk__in=Assignment.objects.filter(
            organisation__in=orgs, returned_at__gte=now - dt.timedelta(days=30)
        ).values("ticket_id")
    ).order_by("-received_at")
    first_answer = awaiting_first_answer(Ticket.objects.filter(lead_organisation__in=orgs))
    related = ("category", "lead_organisation")
    return Queues(
        *(
            list(q.select_related(*related)[:200])
            for q in (to_ack, handling, soon, overdue, returned, first_answer)
        )
    )


def return_counts(user) -> list[dict]:
    """Organisations by how many tickets they returned (for supervisors)."""
    if not is_centre(user):
        return []
    rows = (
        Assignment.objects.filter(returned_at__isnull=False)
        .values("organisation__name")
        .annotate(returns=Count("id"))
        .order_by("-returns")
    )
    return list(rows)


def caller_history(user, phone: str, *, limit: int = 20) -> list[Ticket]:
    """The caller's earlier tickets, newest first (shown to the operator while on the call)."""
    phone = (phone or "").strip()
    if not phone or not is_centre(user):
        return []
    return list(visible_tickets(user).filter(caller_phone=phone).order_by("-received_at")[:limit])


def track(number: str, query_code: str) -> Ticket:
    """The ticket a citizen follows with its number and query code; a merged ticket shows its primary's progress."""
    ticket = (
        Ticket.objects.select_related("category", "lead_organisation", "merged_into")
        .filter(number=(number or "").strip())
        .first()
    )
    code = (query_code or "").strip().upper()
    if ticket is None or not hmac.compare_digest(ticket.query_code.encode(), code.encode()):
        raise NotFound(_("工单编号或查询码不正确"), field="query_code")
    return ticket


def citizen_steps(ticket: Ticket):
    """The events shown on the tracking page: internal reminders left out."""
    return history(ticket).exclude(action__in=INTERNAL_ACTIONS)


def public_events(ticket: Ticket):
    """The steps a citizen sees: when and what, never who inside the administration (the text of an interim
    answer is public: it was written to the citizen)."""
    return (
        ticket.events.exclude(action__in=INTERNAL_ACTIONS)
        .order_by("seq")
        .values("at", "action", "to_status", "note")
    )


@dataclass
class Duplicate:
    ticket: Ticket
    score: float
    reason: str


def find_duplicates(
    *,
    content: str,
    caller_phone: str = "",
    region_id: int | None = None,
    address: str = "",
    exclude: int | None = None,
    window_days: int | None = None,
    threshold: float = 0.3,
    user=None,
) -> list[Duplicate]:
    """Open tickets from the same caller, whatever their age, or filed within the window from the same place with
    similar text; given a `user`, only those they may see (the call screen offers to open and urge each).

    A caller chases a ticket (来电催办) when its organisation is slow, a week or more after filing it: the window
    bounds the place's neighbours only."""
    window_days = window_days or getattr(settings, "ZHENGWU_TICKET_DUPLICATE_DAYS", 7)
    since = clock.now() - dt.timedelta(days=window_days)
    place = Q()
    if region_id:
        place |= Q(region_id=region_id)
    if address:
        place |= Q(address=address)
    cond = Q(received_at__gte=since) & place if place else Q()
    if caller_phone:
        cond |= Q(caller_phone=caller_phone)
    if not cond:
        return []
    tickets = (
        visible_tickets(user) if user is not None else Ticket.objects.select_related("lead_organisation")
    )
    candidates = tickets.filter(cond, status__in=OPEN_STATUSES).exclude(pk=exclude)
    found = []
    for t in candidates.order_by("-received_at")[:200]:
        score = text.similarity(content, f"{t.title} {t.content}")
        same_caller = bool(caller_phone) and t.caller_phone == caller_phone
        if score >= threshold:
            found.append(
                Duplicate(
                    t, round(score, 2), _("同一来电人、内容相近") if same_caller else _("同一地点、内容相近")
                )
            )
        elif same_caller:
            found.append(Duplicate(t, round(score, 2), _("同一来电人")))
    found.sort(key=lambda d: -d.score)
    return found


def search_knowledge(query: str, *, limit: int = 10) -> list[KnowledgeEntry]:
    return knowledge.search(query, today=clock.today(), limit=limit)


# What the call screen offers beside the form while the operator types: a few of each, or nothing.
CALL_ENTRIES, CALL_GUIDES = 3, 5


@dataclass(frozen=True)
class CallSuggestions:
    """Knowledge entries (knowledge.Suggestion) and service guides for what the operator has typed, each with the
    words that brought it (`matched`)."""

    entries: list
    guides: list[dict]


def call_suggestions(said: str) -> CallSuggestions:
    """Entries and 办事指南 for a caller's words: only those with one of its key words (not 要求, 反映, 问题 …) in
    their title, keywords or item name, the best few first; nothing for an empty or stop-word-only text."""
    if not said.strip():
        return CallSuggestions([], [])
    entries = knowledge.suggest(said, today=clock.today(), limit=CALL_ENTRIES)
    return CallSuggestions(entries, _guides_for(said))


def _guides_for(said: str) -> list[dict]:
    try:
        from zhengwu.catalog import search as catalog_search
        from zhengwu.catalog import selectors as catalog
    except ImportError:  # the catalogue is optional for the hotline
        return []
    try:
        if text.is_pinyin_query(said):
            # "sbk" typed in the search box: the catalogue's pinyin matches of the name or result, nothing in its text
            rows = [r for r in catalog_search.search(said)[:CALL_GUIDES] if r.direct]
            matched = [said.strip()]
        else:
            rows = catalog.items_naming(text.key_words(said), said=said, limit=CALL_GUIDES)
            matched = None
    except Exception:  # noqa: BLE001 — a broken guide search must not stop an operator's call
        return []
    return [
        {
            "code": r.code,
            "name": r.display_name,
            "organisation": r.organisation.name if r.organisation else "",
            "matched": matched or text.shown_words(r.named),
        }
        for r in rows
    ]


def faq(*, limit: int = 20) -> QuerySet[KnowledgeEntry]:
    """The most used published entries: the portal's FAQ."""
    today = clock.today()
    return (
        KnowledgeEntry.objects.filter(state=KnowledgeEntry.State.PUBLISHED, uses__gt=0)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
        .order_by("-uses", "id")[:limit]
    )


def knowledge_due_for_review(user) -> QuerySet[KnowledgeEntry]:
    """Entries of the user's organisations whose review date has come."""
    qs = KnowledgeEntry.objects.filter(review_due__lte=clock.today()).exclude(
        state=KnowledgeEntry.State.RETIRED
    )
    return qs if is_centre(user) else access.scope(user, qs, "owner")


def published_tickets() -> QuerySet[Ticket]:
    """What the public may read (publication.PUBLISHED): the portal's public replies, its API and Open311 all list
    these, newest publication first."""
    return (
        Ticket.objects.filter(publication.PUBLISHED)
        .select_related("category", "lead_organisation")
        .order_by("-published_at", "-id")
    )


def published_ticket(number: str) -> Ticket:
    """One published ticket; one that is not published is not found, exactly as a number that does not exist."""
    ticket = published_tickets().filter(number=(number or "").strip()).first()
    if ticket is None:
        raise NotFound(_("找不到该工单"))
    return ticket


def categories() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True).select_related("parent").order_by("path")


def acting_organisation(user, ticket: Ticket, *, lead_only: bool = False) -> Organisation:
    """The organisation the user acts for on this ticket: their own (or a child) holding an active assignment, the
    lead's before a co-handler's."""
    found = [
        a
        for a in permissions.active_assignments(user, ticket)
        if not lead_only or a.role == Assignment.Role.LEAD
    ]
    if not found:
        raise AccessDenied(_("该工单未派给本单位"))
    return found[0].organisation


def active_category(code: str) -> Category | None:
    """A category in use by its code, or None."""
    return Category.objects.filter(code=code, is_active=True).first()


def active_organisation(pk: int) -> Organisation | None:
    """An active organisation by its id (one a ticket is dispatched to), or None."""
    return Organisation.objects.filter(pk=pk, is_active=True).first()


def region(code: str) -> Region | None:
    """A region by its code (where a matter is located), or None."""
    return Region.objects.filter(code=code).first()


def open_mailbox(pk: int) -> Mailbox | None:
    """An open leader's mailbox (领导信箱) by its id, or None."""
    return Mailbox.objects.filter(pk=pk, is_active=True).first()


def extension_for(user, pk: int) -> Extension:
    """An extension request of a ticket the user may see (visible_tickets), or NotFound — the same for one that does
    not exist."""
    found = Extension.objects.filter(pk=pk, ticket__in=visible_tickets(user)).first()
    if found is None:
        raise NotFound()
    return found


def knowledge_entry(pk) -> KnowledgeEntry | None:
    """A knowledge-base entry by its id (as typed on a form), or None."""
    return KnowledgeEntry.objects.filter(pk=pk).first() if is_whole(pk) else None


def pending_extensions(user, *, limit: int = 100):
    """Extension requests waiting for a decision on tickets the user sees, the oldest first."""
    return (
        Extension.objects.filter(decision=Extension.Decision.PENDING, ticket__in=visible_tickets(user))
        .select_related("ticket", "organisation")
        .order_by("requested_at")[:limit]
    )
