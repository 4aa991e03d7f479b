"""Reads for evaluation: what may be rated and by whom, scoped queues and lists (through core.access), the public
figures, the region's settings, the tablet's case and the published commitments."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext as _

from zhengwu.cases import notify
from zhengwu.cases.models import Case, CaseEvent
from zhengwu.cases.models import Status as CaseStatus
from zhengwu.catalog.models import ServiceItem
from zhengwu.core import access, clock, personal, thresholds
from zhengwu.core.calendar import current_calendar
from zhengwu.core.errors import NotFound
from zhengwu.core.models import Organisation, Role, Staff
from zhengwu.evaluation import rules
from zhengwu.evaluation.models import (
    Appeal,
    EvaluationSettings,
    LedgerEntry,
    OneTimeNotice,
    Rating,
    Rectification,
    ServiceCommitment,
    UnratedPolicy,
)
from zhengwu.evaluation.shared import FOLLOW_UP_ROLES
from zhengwu.tickets.models import Status as TicketStatus
from zhengwu.tickets.models import Ticket


@dataclass(frozen=True)
class Subject:
    """What a rating is about and the names it is counted under."""

    kind: str
    case: Case | None
    ticket: Ticket | None
    number: str
    title: str
    organisation: Organisation
    item: ServiceItem | None
    window_id: int | None
    staff: Staff | None
    named: bool
    rater_name: str
    rater_phone: str
    finished_at: dt.datetime | None
    rateable: bool

    @property
    def pk(self) -> int:
        return (self.case or self.ticket).pk


def _service_staff(case: Case) -> Staff | None:
    """Who served: the staff member who took the case at the window, else whoever completed it."""
    staff = Staff.objects.filter(user_id=case.created_by_id).first() if case.created_by_id else None
    if staff is None:
        actor = (
            CaseEvent.objects.filter(case=case, action="complete").values_list("actor_id", flat=True).first()
        )
        staff = Staff.objects.filter(user_id=actor).first() if actor else None
    return staff


def subject(kind: str, pk: int) -> Subject:
    """The case or ticket to be rated, or NotFound."""
    if kind == "case":
        case = (
            Case.objects.select_related("item", "version", "organisation", "applicant").filter(pk=pk).first()
        )
        if case is None:
            raise NotFound(_("找不到该办件"), field="number")
        return Subject(
            kind="case",
            case=case,
            ticket=None,
            number=case.number or "",
            title=case.version.name,
            organisation=case.organisation,
            item=case.item,
            window_id=case.window_id,
            staff=_service_staff(case),
            named=True,
            rater_name=case.applicant.name,
            rater_phone=_rater_phone(case),
            finished_at=case.finished_at,
            rateable=case.status == CaseStatus.COMPLETED,
        )
    ticket = Ticket.objects.select_related("lead_organisation").filter(pk=pk).first()
    if ticket is None:
        raise NotFound(_("找不到该工单"), field="number")
    organisation = ticket.lead_organisation or _closing_organisation(ticket)
    return Subject(
        kind="ticket",
        case=None,
        ticket=ticket,
        number=ticket.number,
        title=ticket.title,
        organisation=organisation,
        item=None,
        window_id=None,
        staff=None,
        named=not ticket.anonymous and bool(ticket.caller_phone or ticket.caller_name),
        rater_name="" if ticket.anonymous else ticket.caller_name,
        rater_phone="" if ticket.anonymous else ticket.caller_phone,
        finished_at=ticket.closed_at,
        rateable=ticket.status == TicketStatus.CLOSED and organisation is not None,
    )


def _rater_phone(case: Case) -> str:
    """The number a case's rater is reached at: the mobile the case's own messages go to (cases.notify.sms_choice:
    the form's contact phone, the registered phone, the account's, the agent's), else the first number known (a
    fixed line staff may call back on; the outbox sends no SMS to it)."""
    mobile, other, _reason = notify.sms_choice(case)
    return mobile or other


def _closing_organisation(ticket: Ticket) -> Organisation | None:
    """For a ticket closed without dispatch (answered on the call): the organisation of whoever closed it."""
    event = ticket.events.filter(to_status=TicketStatus.CLOSED).order_by("-at", "-id").first()
    user_id = event.actor_id if event else ticket.created_by_id
    staff = Staff.objects.select_related("organisation").filter(user_id=user_id).first() if user_id else None
    return staff.organisation if staff else None


def rating_of(kind: str, pk: int) -> Rating | None:
    """The rating of a case or ticket, if it has one."""
    field = "case_id" if kind == "case" else "ticket_id"
    return Rating.objects.select_related("rectification", "organisation").filter(**{field: pk}).first()


def case_by_code(number: str, query_code: str) -> Case:
    """A case by its number and query code, as the applicant has them; NotFound for either wrong."""
    case = Case.objects.filter(number=str(number or "").strip()).first()
    if case is None or not query_code or case.query_code != str(query_code).strip().upper():
        raise NotFound(_("办件编号或查询码不正确"), field="query_code")
    return case


def ticket_by_code(number: str, query_code: str) -> Ticket:
    ticket = Ticket.objects.filter(number=str(number or "").strip()).first()
    if ticket is None or not query_code or ticket.query_code != str(query_code).strip().upper():
        raise NotFound(_("工单编号或查询码不正确"), field="query_code")
    return ticket


def settings_for(organisation: Organisation) -> EvaluationSettings:
    """The settings of the nearest region up from the organisation's that has any; else the national defaults."""
    region = organisation.region
    codes = [c for c in region.path.split("/") if c]
    found = (
        EvaluationSettings.objects.filter(region__code__in=codes)
        .select_related("region")
        .order_by("-region__level")
    ).first()
    if found is not None:
        return found
    return EvaluationSettings(
        region=region,
        rectification_days=rules.DEFAULT_RECTIFICATION_DAYS,
        unrated_policy=UnratedPolicy.LEAVE,
        updated_at=clock.now(),
    )


# ---- staff lists ---------------------------------------------------------------------------------------------


def visible_ratings(user) -> QuerySet[Rating]:
    """Ratings of the organisations in the user's scope."""
    qs = Rating.objects.select_related("organisation", "item", "staff", "window", "rectification", "appeal")
    return access.scope(user, qs, "organisation")


def rectifications(user, *, include_done: bool = False) -> QuerySet[Rectification]:
    """Rectifications in the user's scope (only those still to act on unless `include_done`), soonest due first."""
    qs = access.scope(user, Rectification.objects.select_related("rating", "organisation"), "organisation")
    if not include_done:
        qs = qs.filter(state__in=rules.ACTIVE)
    return qs.order_by("due", "id")


def with_lights(rows) -> list[Rectification]:
    """The rectifications, each with its light (green / yellow / red) as of today."""
    rows = list(rows)
    today, calendar = clock.today(), current_calendar()
    for r in rows:
        r.light = rules.light(
            today,
            r.due,
            calendar,
            done=r.state in rules.DONE or r.state == rules.VOIDED,
            answered_on=_answered_on(r),
        )
    return rows


def rectification_queue(user, *, include_done: bool = False) -> list[Rectification]:
    """Rectifications in the user's scope, soonest due first, each with its light (green / yellow / red)."""
    return with_lights(rectifications(user, include_done=include_done)[:500])


def rectification_for(user, pk: int) -> Rectification:
    r = rectification_queue_qs(user).filter(pk=pk).first()
    if r is None:
        raise NotFound(_("找不到该整改记录"))
    r.light = rules.light(
        clock.today(),
        r.due,
        current_calendar(),
        done=r.state in rules.DONE + (rules.VOIDED,),
        answered_on=_answered_on(r),
    )
    return r


def _answered_on(r: Rectification) -> dt.date | None:
    """The day the rater had the feedback (a voided rectification was never answered late)."""
    return clock.local_date(r.replied_at) if r.replied_at and r.state in rules.DONE else None


def rectification_queue_qs(user) -> QuerySet[Rectification]:
    return access.scope(
        user, Rectification.objects.select_related("rating", "organisation", "rating__staff"), "organisation"
    )


def overdue_rectifications(today: dt.date | None = None) -> QuerySet[Rectification]:
    """Every rectification whose feedback is past due (for supervision)."""
    return Rectification.objects.filter(state__in=(rules.OPEN, rules.VERIFIED, rules.RECTIFIED)).filter(
        due__lt=today or clock.today()
    )


def appeal_queue(user, *, state: str | None = Appeal.State.PENDING) -> QuerySet[Appeal]:
    """Appeals in scope, those due soonest first (none due last), then the oldest."""
    qs = Appeal.objects.select_related("rating", "rating__organisation", "rating__staff", "filed_by")
    qs = access.scope(user, qs, "rating__organisation")
    qs = qs.filter(state=state) if state else qs
    return qs.order_by(F("review_due").asc(nulls_last=True), "filed_at", "id")


def appeal_light(appeal: Appeal, *, today: dt.date | None = None, calendar=None) -> str:
    """The review's light by its due day (rules.light), or "" when the region set no limit for the review.
    `calendar`: current_calendar(), read once by a list."""
    if appeal.review_due is None:
        return ""
    decided_on = clock.local_date(appeal.decided_at) if appeal.decided_at else None
    return rules.light(
        today or clock.today(),
        appeal.review_due,
        calendar or current_calendar(),
        done=appeal.state != Appeal.State.PENDING,
        answered_on=decided_on,
    )


# ---- public figures ------------------------------------------------------------------------------------------


def _local_range(month: str) -> tuple[dt.datetime, dt.datetime]:
    first, nxt = rules.month_bounds(month)
    return (
        dt.datetime.combine(first, dt.time(0), tzinfo=clock.LOCAL),
        dt.datetime.combine(nxt, dt.time(0), tzinfo=clock.LOCAL),
    )


def counted_ratings(month: str) -> QuerySet[Rating]:
    """The ratings of a month that count in the figures (those set aside on appeal are kept but not counted)."""
    start, end = _local_range(month)
    return Rating.objects.filter(rated_at__gte=start, rated_at__lt=end, excluded=False)


_AGGREGATES = {
    "rated": Count("id"),
    "good": Count("id", filter=Q(level__gte=thresholds.GOOD_RATING_MIN)),
    "bad": Count("id", filter=Q(level__lte=thresholds.BAD_RATING_MAX)),
    "rectified": Count(
        "id", filter=Q(level__lte=thresholds.BAD_RATING_MAX, rectification__state__in=rules.DONE)
    ),
}


def figures(month: str, *, by: str = "organisation") -> list[tuple[str, rules.Figures]]:
    """Per organisation (or per item) for the month: number rated, good rate, bad rate, rectified share."""
    if by == "item":
        keys = ("item__current_version__name", "organisation__name")
        rows = counted_ratings(month).filter(item__isnull=False).values(*keys).annotate(**_AGGREGATES)
        named = [(f"{r['item__current_version__name']}({r['organisation__name']})", r) for r in rows]
    else:
        rows = counted_ratings(month).values("organisation__name").annotate(**_AGGREGATES)
        named = [(r["organisation__name"], r) for r in rows]
    result = [(name, rules.Figures(r["rated"], r["good"], r["bad"], r["rectified"])) for name, r in named]
    return sorted(result, key=lambda x: (-x[1].rated, x[0]))


def total_figures(month: str) -> rules.Figures:
    r = counted_ratings(month).aggregate(**_AGGREGATES)
    return rules.Figures(r["rated"], r["good"], r["bad"], r["rectified"])


def months_with_ratings(limit: int = 24) -> list[str]:
    """The months (YYYY-MM, newest first) that have any rating, for the month picker."""
    dates = Rating.objects.datetimes("rated_at", "month", order="DESC", tzinfo=clock.LOCAL)[:limit]
    return [d.strftime("%Y-%m") for d in dates]


# ---- tablet --------------------------------------------------------------------------------------------------


def tablet_case(user) -> Case | None:
    """The case this window clerk completed last at their window (the one the applicant at the counter rates)."""
    staff = access.staff_of(user)
    if staff is None or not staff.window_id:
        return None
    return (
        Case.objects.select_related("version", "organisation", "applicant")
        .filter(window_id=staff.window_id, status=CaseStatus.COMPLETED)
        .order_by("-finished_at", "-id")
        .first()
    )


# ---- ledger --------------------------------------------------------------------------------------------------


def visible_ledger(user) -> QuerySet[LedgerEntry]:
    """Entries first asked in the user's scope, or ever handed to an organisation in it."""
    base = LedgerEntry.objects.select_related("staff", "organisation", "holder", "item")
    if access.is_administrator(user):
        return base
    orgs = access.visible_organisations(user).values("pk")
    return base.filter(
        Q(organisation__in=orgs) | Q(holder__in=orgs) | Q(handovers__to_organisation__in=orgs)
    ).distinct()


# ---- personal data of raters and askers (docs/evaluation.md, "Personal data")

# A bad rating's rater may be revealed, with a reason, by the rated organisation's heads and approvers (they verify
# and answer) and by those who follow it up (回访) in the region: centre managers and supervisors (FOLLOW_UP_ROLES).
RATER_REVEAL_ROLES = (Role.DEPARTMENT_HEAD, Role.APPROVER)
RATER_REVEAL_OVERSEERS = FOLLOW_UP_ROLES
# A first inquiry's asker, by the staff of the organisation first asked or now holding it (they answer), and the
# region's supervisors.
ASKER_REVEAL_ROLES = tuple(r for r in Role.values if r != Role.ADMINISTRATOR)


def may_reveal_rater(user, rectification: Rectification) -> bool:
    org = rectification.organisation
    return rectification.rating.named and access.may_reveal_personal(
        user,
        organisations=[org],
        roles=RATER_REVEAL_ROLES,
        region=org.region,
        overseers=RATER_REVEAL_OVERSEERS,
    )


def rater_fields(rating) -> list[personal.Field]:
    return [
        personal.Field("rater", "name", _("评价人"), "name", rating.rater_name),
        personal.Field("rater", "phone", _("评价人电话"), "phone", rating.rater_phone),
    ]


def may_reveal_asker(user, entry: LedgerEntry) -> bool:
    return access.may_reveal_personal(
        user,
        organisations=[entry.organisation, entry.holder],
        roles=ASKER_REVEAL_ROLES,
        region=entry.holder.region,
    )


def asker_fields(entry: LedgerEntry) -> list[personal.Field]:
    return [
        personal.Field("asker", "name", _("询问人"), "name", entry.asker_name),
        personal.Field("asker", "phone", _("联系电话"), "phone", entry.asker_phone),
    ]


def ledger_entry_for(user, pk: int) -> LedgerEntry:
    entry = visible_ledger(user).filter(pk=pk).first()
    if entry is None:
        raise NotFound(_("找不到该台账记录"))
    return entry


def search_ledger(user, *, q: str = "", month: str = "", state: str = "") -> QuerySet[LedgerEntry]:
    """Search the ledger by words in the topic, answer, guidance or asker, by month (YYYY-MM) and state."""
    qs = visible_ledger(user)
    if month:
        start, end = _local_range(month)
        qs = qs.filter(asked_at__gte=start, asked_at__lt=end)
    if state:
        qs = qs.filter(state=state)
    for word in (q or "").split():
        qs = qs.filter(
            Q(topic__icontains=word)
            | Q(answer__icontains=word)
            | Q(guided_to__icontains=word)
            | Q(asker_name__icontains=word)
            | Q(item__current_version__name__icontains=word)
            | Q(staff__name__icontains=word)
        )
    return qs.order_by("-asked_at", "-id")


def ledger_counts(user, month: str) -> dict[str, list[dict]]:
    """First inquiries per staff member and per organisation in a month, with how many are still open."""
    start, end = _local_range(month)
    qs = LedgerEntry.objects.filter(asked_at__gte=start, asked_at__lt=end).filter(
        pk__in=visible_ledger(user).values("pk")
    )
    agg = {"total": Count("id"), "open": Count("id", filter=Q(state=LedgerEntry.State.OPEN))}
    by_staff = list(
        qs.values("staff__name", "organisation__name").annotate(**agg).order_by("-total", "staff__name")
    )
    by_org = list(qs.values("organisation__name").annotate(**agg).order_by("-total", "organisation__name"))
    return {"staff": by_staff, "organisations": by_org}


def notices_of(*, entry: LedgerEntry | None = None, case: Case | None = None) -> QuerySet[OneTimeNotice]:
    qs = OneTimeNotice.objects.select_related("item", "issued_by")
    return qs.filter(entry=entry) if entry is not None else qs.filter(case=case)


def notice_for(user, pk: int) -> OneTimeNotice:
    notice = access.scope(user, OneTimeNotice.objects.all(), "organisation").filter(pk=pk).first()
    if notice is None:
        staff = access.staff_of(user)
        notice = OneTimeNotice.objects.filter(pk=pk, issued_by=user).first() if staff else None
    if notice is None:
        raise NotFound(_("找不到该告知书"))
    return notice


def guide_items(q: str = "") -> QuerySet[ServiceItem]:
    """Items in force (with a published current version) for choosing in the ledger and notice forms."""
    qs = ServiceItem.objects.filter(status=ServiceItem.Status.ACTIVE, current_version__isnull=False)
    if q:
        qs = qs.filter(current_version__name__icontains=q)
    return qs.select_related("current_version", "organisation").order_by("organisation__name", "code")


# ---- commitments ---------------------------------------------------------------------------------------------


def current_commitment(organisation: Organisation) -> ServiceCommitment | None:
    return ServiceCommitment.objects.filter(organisation=organisation).order_by("-version").first()


def commitment_history(organisation: Organisation) -> QuerySet[ServiceCommitment]:
    return ServiceCommitment.objects.filter(organisation=organisation).order_by("-version")


def handover_targets(entry: LedgerEntry) -> QuerySet[Organisation]:
    """The organisations a first inquiry may be handed over to (首问负责: any active organisation but its holder)."""
    return Organisation.objects.filter(is_active=True).exclude(pk=entry.holder_id).order_by("name")


def handover_target(pk) -> Organisation | None:
    return Organisation.objects.filter(pk=pk or 0).first()


def active_organisation(pk: int) -> Organisation | None:
    """An active organisation by its id (where the API hands a first inquiry over to), or None."""
    return Organisation.objects.filter(pk=pk, is_active=True).first()


def rated(rating: Rating) -> Rating:
    """The rating just given, read again with what its answer shows (organisation, item, window, staff member)."""
    return Rating.objects.select_related("organisation", "item", "window", "staff").get(pk=rating.pk)


def committed_items(organisation: Organisation) -> QuerySet[ServiceItem]:
    """The organisation's items in force, which its service commitment covers."""
    return ServiceItem.objects.filter(
        organisation=organisation, status=ServiceItem.Status.ACTIVE, current_version__isnull=False
    ).select_related("current_version")


def commitment_version(organisation: Organisation, version: int) -> ServiceCommitment:
    found = ServiceCommitment.objects.filter(organisation=organisation, version=version).first()
    if found is None:
        raise NotFound(_("找不到该版本的服务承诺"))
    return found


def committed_organisations() -> QuerySet[Organisation]:
    """Organisations that have published a service commitment."""
    return Organisation.objects.filter(commitments__isnull=False).distinct().order_by("region__code", "name")


def commitment_limits(commitment: ServiceCommitment) -> list:
    """The item versions of a commitment, with the limits as the catalogue published them."""
    return list(commitment.item_versions.select_related("item").order_by("item__code"))
