"""Joint cases (联办件): one application for a bundle, a member case per member item.

The member cases ARE ordinary cases, made and moved through cases.services, each under its own item's steps, clock
and rules; this module only adds what joins them, in the seeds' words:
- 统一登记: `apply` (portal or window) makes the joint case and every member case (收件) in one transaction;
- 主办窗口 "对受理的事项向相关窗口发送联办通知,实行联合受理": `lead_accept` issues the 联办通知 to every member;
- each member window confirms (`confirm`) or names what it misses (`raise_missing`);
- "各联合审批窗口共同一次性告知申请人……需要提交的全部材料": once every member answered and one misses something, the
  applicant gets ONE 联合一次性告知书 listing everything; every member case is put to 补正 at the same time, so
  supplying (`supply`) restarts every member's intake (行政许可法 第三十二条); once all confirm, every member is
  accepted the same day (联合受理) and each one's legal and promised due dates start;
- a member waiting for a prerequisite member's result may not decide before it is in (cases.handling's decision
  check), and reads that result from the joint case, not from an upload.
Member-level actions are called as the platform (by=None) after the joint service checked who acts; the joint event
and its audit record name the person. The applicant's messages for member submit/补正/补齐/受理 are held back
(cases.notify.hold_messages) and the joint case sends one message instead.
"""

from __future__ import annotations

import datetime as dt
import secrets
from contextvars import ContextVar

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengwu.cases import forms as case_forms
from zhengwu.cases import handling as case_handling
from zhengwu.cases import notify as case_notify
from zhengwu.cases import selectors as case_selectors
from zhengwu.cases import services as case_services
from zhengwu.cases.models import (
    CLOSED_STATUSES,
    Applicant,
    Case,
    Channel,
    Decision,
    OutboxMessage,
    Status,
)
from zhengwu.core import access, actors, audit, clock, inputs, numbering, outbox
from zhengwu.core.calendar import chinese_date
from zhengwu.core.errors import AccessDenied, Conflict, NotFound, ValidationFailed
from zhengwu.core.models import Role, ServiceCentre, Window
from zhengwu.joint import bundles, permissions
from zhengwu.joint.models import Bundle, BundleVersion, JointCase, JointEvent, JointMember, JointNotice, Phase

INTAKE_ROLES = case_services.INTAKE_ROLES  # who receives applications: the cases domain's one list
# a member's 不予受理 is told to the applicant by the joint case too (endings.after_refusal), with the members it stops
HELD_ACTIONS = ("submit", "request_supplement", "supply_supplement", "accept", "refuse")
PROBLEM_LIMIT = 500  # characters for what is wrong with one material asked for (补正), as for a single case
QUERY_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_APPLYING: ContextVar[bool] = ContextVar("zhengwu_joint_applying", default=False)  # member submits in `apply`
# member actions whose messages the joint case sends itself while a joint service runs them (撤回, 终止 after a refusal)
HOLDING: ContextVar[tuple[str, ...]] = ContextVar("zhengwu_joint_holding", default=())


def _actor(by):
    return actors.acting_user(by)


def _label(by) -> str:
    return actors.acting_label(by, anonymous=actors.SYSTEM, system=actors.SYSTEM)


def _locked(joint: JointCase, revision: int | None = None) -> JointCase:
    fresh = (
        JointCase.objects.select_for_update(of=("self",))
        .select_related("bundle", "version", "lead_organisation", "applicant")
        .filter(pk=joint.pk)
        .first()
    )
    if fresh is None:
        raise NotFound(_("找不到该联办件"), field="number")
    if revision is not None and fresh.revision != revision:
        raise Conflict(_("该联办件已被他人更新,请刷新后再操作"), code="stale", field="revision")
    return fresh


def _event(joint: JointCase, action: str, *, by, note: str = "", data: dict | None = None, organisation=None):
    last = joint.events.order_by("-seq").values_list("seq", flat=True).first() or 0
    event = JointEvent(
        joint=joint,
        seq=last + 1,
        at=clock.now(),
        action=action,
        actor=_actor(by),
        actor_label=_label(by)[:150],
        organisation=organisation,
        note=note,
        data=case_services._jsonable(data or {}),
    )
    event.save(force_insert=True)
    joint.revision += 1
    joint.save(update_fields=["revision"])
    audit.record(
        f"joint.{action}",
        joint,
        actor=_actor(by),
        summary={"number": joint.number, "phase": joint.phase, "note": note[:200]},
        rows=[event],
    )
    return event


def _message(joint: JointCase, text: str) -> None:
    """One message to the applicant for the whole joint case (through the lead member's outbox)."""
    lead = joint.members.filter(case__organisation=joint.lead_organisation).select_related("case").first()
    lead = lead or joint.members.select_related("case").first()
    applicant = joint.applicant
    body = _("%(addressee)s:%(text)s") % {"addressee": applicant.name, "text": text}
    rows = []
    if applicant.email:
        rows.append(
            OutboxMessage(
                case=lead.case,
                channel="email",
                recipient=applicant.email,
                body=body,
                subject=_("【政务服务】联办件 %(number)s") % {"number": joint.number},
            )
        )
    # the SMS at the mobile the merged form gives, else the applicant's, else the agent's (cases.notify.sms_choice);
    # none known: kept in the outbox as not sent, with the reason
    rows.append(case_notify.sms_to_applicant(lead.case, body, form=joint.form))
    outbox.post_all(rows)


def member_of(case: Case) -> JointMember | None:
    """The case's membership of a joint case (its joint loaded), or None. That a case is no member is remembered on
    the case object for the rest of its write (issue 20: the hooks below asked up to three times per event); a
    membership is always read afresh."""
    if case.__dict__.get("_zw_no_joint"):
        return None
    member = JointMember.objects.filter(case_id=case.pk).select_related("joint").first()
    if member is None:
        case.__dict__["_zw_no_joint"] = True
    return member


def is_held(case: Case, event) -> bool:
    """cases.notify hold: the joint case tells the applicant about its members' submit/补正/补齐/受理 once."""
    if event.action in HOLDING.get():
        return True
    if event.action not in HELD_ACTIONS:
        return False
    return _APPLYING.get() or member_of(case) is not None


# ---- who may act ---------------------------------------------------------------------------------------------


def openable_numbers(user, numbers) -> set[str]:
    """Of these joint case numbers, those the user may open (a link shown must work), in one query."""
    numbers = set(numbers)
    if not numbers:
        return set()
    return set(visible_joint_cases(user).filter(number__in=numbers).values_list("number", flat=True))


def visible_joint_cases(user):
    """Staff: joint cases with a member in their scope (or led by it); applicants: their own."""
    qs = JointCase.objects.select_related("bundle", "version", "lead_organisation", "applicant")
    if access.is_administrator(user):
        return qs
    staff = access.staff_of(user)
    if staff is not None:
        orgs = access.visible_organisations(user)
        # and the front desk's own registrations (统一登记 at its window), to follow and reassign the lead window
        desk = Q(created_by=user) | (Q(window=staff.window_id) if staff.window_id else Q(pk__in=[]))
        return qs.filter(
            Q(members__case__organisation__in=orgs)
            | Q(lead_organisation__in=orgs)
            | desk
            | _front_desk_q(staff)
        ).distinct()
    if user is None or not getattr(user, "is_authenticated", False):
        return qs.none()
    return qs.filter(Q(applicant__user=user) | Q(created_by=user))


def _general_window_centre(staff):
    """The centre whose 总服务台 (a general window, 综合窗口) the staff member's window is, or None."""
    window = staff.window
    if window is None or window.kind != Window.Kind.GENERAL or not staff.has_role(Role.WINDOW_CLERK):
        return None
    return window.centre


def _front_desk_q(staff) -> Q:
    """A general window's clerk is the centre's 总服务台 (is_front_desk): they see every joint case of the centre's
    region, as its centre manager does, to register it and name or change its lead window — an online application
    arrives with its lead window 待指定."""
    centre = _general_window_centre(staff)
    if centre is None:
        return Q(pk__in=[])
    return access.in_region_q(centre.region, "lead_organisation__region")


def intake_work(user):
    """Joint cases at intake waiting for the user's window, soonest member intake due first (`intake_due`): the
    lead's 联办通知 (待主办窗口受理) and registration of the supply (待补正), each member department's answer to the
    联办通知, and the front desk's own registrations not yet taken by the lead window. Their member cases are not in
    the single-case 待受理 queue (cases.extensions intake_owned_filters)."""
    from django.db.models import OuterRef, Subquery

    staff = access.staff_of(user)
    if staff is None or not access.has_role(user, *INTAKE_ROLES):
        return JointCase.objects.none()
    orgs = access.visible_organisations(user)
    lead = Q(phase__in=(Phase.RECEIVED, Phase.SUPPLEMENT), lead_organisation__in=orgs)
    answer = Q(
        phase=Phase.NOTIFIED,
        members__answer=JointMember.Answer.PENDING,
        members__case__organisation__in=orgs,
        members__case__status__in=(Status.RECEIVED, Status.SUPPLEMENT_REQUESTED),
    )
    desk = Q(phase=Phase.RECEIVED, window=staff.window_id) if staff.window_id else Q(pk__in=[])
    # the 总服务台's: applications of its region whose lead window is still to be named (待指定)
    unassigned = Q(phase=Phase.RECEIVED, lead_window__isnull=True) & _front_desk_q(staff)
    ids = visible_joint_cases(user).filter(lead | answer | desk | unassigned).values("pk")
    first_due = (
        Case.objects.filter(joint_member__joint=OuterRef("pk"), intake_due__isnull=False)
        .order_by("intake_due")
        .values("intake_due")[:1]
    )
    return (
        JointCase.objects.filter(pk__in=ids)
        .select_related("version", "lead_organisation", "applicant", "lead_window")
        .annotate(intake_due=Subquery(first_due))
        .order_by("intake_due", "id")
    )


def joint_by_number(user, number: str) -> JointCase:
    joint = visible_joint_cases(user).filter(number=str(number).strip()).first()
    if joint is None:
        raise NotFound(_("找不到该联办件"), field="number")
    return joint


# ---- applying ------------------------------------------------------------------------------------------------


def _next_number(region_code: str, at: dt.datetime) -> str:
    return numbering.next_number(f"{region_code}-{clock.local_date(at).year}-L", width=5)


def member_forms(version: BundleVersion, form: dict | None, members) -> dict[int, dict]:
    """The merged form's values split per member (each gets the fields its own item's form asks), each member's part
    checked against its own item's form — once, before anything is written: the applicant sees every bad field of
    the merged form in one answer (a field no member asks, a field shared by several members named once), and each
    part goes to submit_case as checked (cases.forms.Checked), not to be checked again there."""
    form = form or {}
    if not isinstance(form, dict):
        raise ValidationFailed(_("申请表应为字段和取值的对象"), field="form")
    known = {f["key"] for f in version.merged_form}
    errors: dict[str, str] = {
        f"form.{k}": _("申请表中没有字段「%(k)s」") % {"k": k} for k in form if k not in known
    }
    parts: dict[int, dict] = {}
    for field in version.merged_form:
        for key in field["members"]:
            if field["key"] in form:
                parts.setdefault(key, {})[field["key"]] = form[field["key"]]
    out: dict[int, dict] = {}
    for m in members:
        try:
            out[m.position] = case_forms.checked(
                case_forms.schema_of(m.item.current_version), parts.get(m.position, {})
            )
        except ValidationFailed as err:
            for field, message in err.errors:
                errors.setdefault(field, message)
    if errors:
        first = next(iter(errors.items()))
        raise ValidationFailed(first[1], field=first[0], errors=list(errors.items()))
    return out


def _members(version: BundleVersion) -> list:
    return list(
        version.members.select_related("item__organisation", "item__current_version").order_by(
            "stage", "position"
        )
    )


def check_form(version: BundleVersion, form: dict | None) -> None:
    """The merged form checked as `apply` checks it, without applying: for a page whose own form could not read
    every value (a number that is not one), so the applicant still sees every other bad field in the same answer."""
    member_forms(version, form, _members(version))


def apply(
    *,
    bundle: Bundle,
    applicant: Applicant,
    by,
    form: dict | None = None,
    channel: str = Channel.ONLINE,
    window: Window | None = None,
    agent: dict | None = None,
    delivery: dict | None = None,
) -> JointCase:
    """统一登记: one application for the bundle in force → the joint case and a member case per member item (each
    received through cases.services.submit_case, under its own item's rules). `delivery` (the hall's 结果送达方式:
    method, address, reason) is recorded on every member case, each department sending its own result."""
    version = bundles.published(bundle.code)
    if channel not in (Channel.ONLINE, Channel.COUNTER):
        raise ValidationFailed(_("收件渠道应为 online 或 counter"), field="channel")
    at = clock.now()
    members = _members(version)
    forms = member_forms(version, form, members)
    with transaction.atomic():
        joint = JointCase(
            number=_next_number(bundle.lead_organisation.region.code, at),
            query_code="".join(secrets.choice(QUERY_CODE_ALPHABET) for _i in range(6)),
            bundle=bundle,
            version=version,
            lead_organisation=bundle.lead_organisation,
            applicant=applicant,
            channel=channel,
            window=window,
            form=form or {},
            created_by=_actor(by),
            created_at=at,
        )
        joint.save()
        token = _APPLYING.set(True)
        try:
            cases = [
                case_services.submit_case(
                    item=m.item,
                    applicant=applicant,
                    by=by,
                    form=forms.get(m.position, {}),
                    agent=agent,
                    channel=channel,
                    window=window,
                    at=at,
                )
                for m in members
            ]
        finally:
            _APPLYING.reset(token)
        for m, case in zip(members, cases, strict=True):
            JointMember.objects.create(
                joint=joint, case=case, position=m.position, stage=m.stage, needs=m.needs
            )
            case.__dict__.pop("_zw_no_joint", None)  # a member now (member_of)
        if delivery is not None:
            from zhengwu.cases import extensions

            for case in cases:
                try:
                    extensions.choose_delivery(case, **delivery, by=by)
                except ValidationFailed as err:
                    raise ValidationFailed(
                        _("「%(i)s」:%(m)s") % {"i": case.version.name, "m": err.message},
                        field=f"delivery.{err.field}" if err.field else "delivery",
                    ) from None
        _event(joint, "apply", by=by, data={"channel": channel, "members": len(members)})
        _message(
            joint,
            _(
                "您的一件事「%(name)s」已收件,联办件编号 %(number)s,查询码 %(code)s,涉及%(n)d个部门事项,由%(lead)s主办。"
            )
            % {
                "name": version.name,
                "number": joint.number,
                "code": joint.query_code,
                "n": len(members),
                "lead": joint.lead_organisation.name,
            },
        )
    return joint


def entry_at(joint: JointCase, position: int | None) -> dict | None:
    """The material of the merged list at `position` (as the member cases' versions say now whether it is obtained
    by data sharing: bundles.materials_now), or None."""
    return next(
        (m for m in bundles.materials_now(joint.version, joint=joint) if m["position"] == position), None
    )


def merged_entry(joint: JointCase, position: int) -> dict:
    entry = entry_at(joint, position)
    if entry is None:
        names = "、".join(f"{m['position']}.{m['name']}" for m in joint.version.merged_materials)
        raise ValidationFailed(
            _("本一件事没有第 %(p)s 项材料(材料清单:%(n)s)") % {"p": position, "n": names}, field="position"
        )
    return entry


def no_longer_needed(entry: dict, members: dict) -> str:
    """Why a material of the merged list is no longer asked for — every member case that uses it ended (不予受理,
    撤回, 终止: its department no longer takes materials) — as the pages and the refusal say it, or ""."""
    uses = [members.get(u["key"]) for u in entry["members"]]
    uses = [m for m in uses if m is not None]
    if not uses or any(m.case.status not in CLOSED_STATUSES for m in uses):
        return ""
    ended = []
    for m in uses:
        if (how := case_selectors.ended_as(m.case)) not in ended:
            ended.append(how)
    return case_selectors.no_longer_needed(*ended)


def upload_material(*, joint: JointCase, by, position: int, upload) -> int:
    """The applicant (or the lead window) uploads a material of the merged list once: it goes to every member case
    that asks for it. A material obtained from a prerequisite member's result, or by the departments themselves by
    data sharing (部门共享获取), is not uploaded."""
    permissions.require_applicant_or_lead(by, joint)
    if refused := permissions.upload_refusal(joint):  # after the joint acceptance no member takes materials
        raise refused
    entry = merged_entry(joint, position)
    if entry.get("from_member"):
        raise ValidationFailed(
            _("「%(m)s」由「%(n)s」的办理结果获取,无需上传")
            % {"m": entry["name"], "n": entry["from_member_name"]},
            field="position",
        )
    if entry.get("by_sharing"):
        raise ValidationFailed(
            _("「%(m)s」由部门共享获取,无需上传") % {"m": entry["name"]},
            field="position",
        )
    members = {m.position: m for m in joint.members.select_related("case__organisation", "case__version")}
    if why := no_longer_needed(entry, members):
        raise ValidationFailed(
            _("「%(m)s」%(why)s,无需上传") % {"m": entry["name"], "why": why},
            field="position",
        )
    if entry.get("paper_only") and permissions.is_applicant_side(by, joint):
        # taken on paper only (载体 纸质) by every member using it: the original is brought to the window, as on a
        # single item's application (cases.handling.paper_only_refusal); the lead window may still file a scan
        use = next((u for u in entry["members"] if u["key"] in members), None)
        if use is not None and (
            refused := case_handling.paper_only_refusal(
                members[use["key"]].case, use["position"], field="file"
            )
        ):
            raise refused
    data = upload.read()
    name = getattr(upload, "name", "") or "file"
    count = 0
    with transaction.atomic():
        for used in entry["members"]:
            member = members.get(used["key"])
            if member is None or member.case.status not in (Status.RECEIVED, Status.SUPPLEMENT_REQUESTED):
                continue
            case_services.upload_material(
                case=member.case, by=None, position=used["position"], upload=SimpleUploadedFile(name, data)
            )
            count += 1
        if count:
            _event(
                joint,
                "upload_material",
                by=by,
                data={"position": position, "name": entry["name"], "members": count},
            )
    return count


# ---- 总服务台: 统一登记, 指定主办窗口 --------------------------------------------------------------------------
# The seeds: 总服务台 "对需联合审批的申请事项进行统一登记后,指定主办窗口,将申请人的申请交付主办窗口办理". The front desk
# is the centre's 综合受理 desk: a window clerk at a general window (综合窗口) of a centre of the region, or a centre
# manager; the lead window is a window of the centre where a member department sits, and the joint case's lead
# organisation is that department (it sends the 联办通知, convenes meetings, withdraws for the applicant).


def is_front_desk(user, region) -> bool:
    staff = access.staff_of(user)
    if staff is None:
        return False
    if access.is_administrator(user):
        return True
    if staff.has_role(Role.CENTRE_MANAGER) and access.region_covers(staff.organisation.region, region):
        return True
    window = staff.window
    return (
        staff.has_role(Role.WINDOW_CLERK)
        and window is not None
        and window.kind == Window.Kind.GENERAL
        and access.region_covers(window.centre.region, region)
    )


def may_register(user) -> bool:
    """Whether the user works at a front desk at all (the 统一登记 menu link and page): a centre manager, an
    administrator, or a window clerk at a general window (综合窗口)."""
    staff = access.staff_of(user)
    if staff is None:
        return False
    if access.is_administrator(user) or staff.has_role(Role.CENTRE_MANAGER):
        return True
    return (
        staff.has_role(Role.WINDOW_CLERK)
        and staff.window is not None
        and staff.window.kind == Window.Kind.GENERAL
    )


def desk_centre(user, region) -> ServiceCentre | None:
    """The centre whose front desk the user works at: their window's, else the centre their organisation manages,
    else the region's own (county) centre."""
    staff = access.staff_of(user)
    if staff is not None and staff.window_id:
        return staff.window.centre
    centres = ServiceCentre.objects.filter(region=region)
    managed = centres.filter(managed_by=staff.organisation).first() if staff is not None else None
    return managed or centres.filter(kind=ServiceCentre.Kind.CENTRE).first() or centres.first()


def _number_key(window: Window) -> tuple:
    return (0, int(window.number)) if inputs.is_whole(window.number) else (1, window.number)


def register_windows(user, version: BundleVersion) -> tuple[list[Window], Window | None]:
    """The windows the front desk may hand a bundle application to (指定主办窗口): active windows of the desk's own
    centre where a member department sits (its 专窗; general windows only when no department has one there); and
    the one to preselect: the lead department's window that its member items name as their 办理窗口 in the catalogue,
    else its 专窗."""
    lead = version.bundle.lead_organisation
    centre = desk_centre(user, lead.region)
    if centre is None:
        return [], None
    members = list(version.members.select_related("item__current_version"))
    orgs = {m.item.organisation_id for m in members}
    windows = list(
        Window.objects.filter(is_active=True, centre=centre, organisations__in=orgs)
        .prefetch_related("organisations")
        .distinct()
    )
    dedicated = [w for w in windows if w.kind == Window.Kind.DEDICATED]
    windows = sorted(dedicated or windows, key=_number_key)
    return windows, _preferred(windows, version, lead)


def _preferred(windows: list[Window], version: BundleVersion, lead) -> Window | None:
    """Of `windows` (sorted by number), the lead department's window its member items name as their 办理窗口 in
    the catalogue (the most of them), else its 专窗, else any window it sits at; the lower number on a tie."""
    handling: dict[int, int] = {}
    for m in version.members.select_related("item__current_version"):
        if m.item.organisation_id == lead.pk and m.item.current_version is not None:
            for pk in m.item.current_version.windows.values_list("pk", flat=True):
                handling[pk] = handling.get(pk, 0) + 1
    serving_lead = [w for w in windows if any(o.pk == lead.pk for o in w.organisations.all())]
    order = {w.pk: i for i, w in enumerate(windows)}
    return max(
        serving_lead,
        key=lambda w: (handling.get(w.pk, 0), w.kind == Window.Kind.DEDICATED, -order[w.pk]),
        default=None,
    )


def home_window(joint: JointCase) -> Window | None:
    """The lead window when the platform accepts for the lead department (no clerk's window to take): the lead
    department's preferred window (_preferred) in its region's own centre."""
    lead = joint.lead_organisation
    windows = sorted(
        Window.objects.filter(
            is_active=True,
            organisations=lead,
            centre__region=lead.region,
            centre__kind=ServiceCentre.Kind.CENTRE,
        ).prefetch_related("organisations"),
        key=_number_key,
    )
    return _preferred(windows, joint.version, lead)


def _require_front_desk(by, region) -> None:
    if refused := permissions.front_desk_refusal(by, region):
        raise refused


def lead_window_choices(joint: JointCase):
    """Windows that may lead: active windows where a member department of the joint case sits."""
    orgs = joint.members.values_list("case__organisation", flat=True)
    return (
        Window.objects.filter(is_active=True, organisations__in=orgs)
        .select_related("centre")
        .distinct()
        .order_by("centre", "number")
    )


def lead_window_options(user, joint: JointCase) -> list[Window]:
    """lead_window_choices as the front desk's picker lists them: the windows of the desk's own centre first, then
    those of the other centres centre by centre (by name); within each centre the member departments' 专窗 before
    general windows, then by window number as a number (2 before 10)."""
    centre = desk_centre(user, joint.lead_organisation.region)
    own = centre.pk if centre else None
    return sorted(
        lead_window_choices(joint),
        key=lambda w: (
            w.centre_id != own,
            "" if w.centre_id == own else w.centre.name,
            w.centre_id,
            w.kind != Window.Kind.DEDICATED,
            _number_key(w),
        ),
    )


def assign_lead_window(
    *, joint: JointCase, by, window: Window | None, reason: str = "", revision: int | None = None
) -> JointCase:
    """指定主办窗口 (or change it, with the reason): the window's member department becomes the lead organisation."""
    _require_front_desk(by, joint.lead_organisation.region)
    reason = inputs.text(reason, field="reason", label=_("改派理由"), max_length=500, required=False)
    if window is None or not lead_window_choices(joint).filter(pk=window.pk).exists():
        raise ValidationFailed(_("请选择有成员部门进驻的窗口作为主办窗口"), field="lead_window")
    with transaction.atomic():
        joint = _locked(joint, revision)
        if refused := permissions.lead_window_open_refusal(joint):
            raise refused
        if joint.lead_window_id == window.pk:
            raise Conflict(_("该窗口已是主办窗口"), field="lead_window")
        if joint.lead_window_id and not reason:
            raise ValidationFailed(_("改派主办窗口须说明理由"), field="reason")
        served = set(window.organisations.values_list("pk", flat=True))
        members = list(joint.members.select_related("case__organisation").order_by("stage", "position"))
        orgs = [m.case.organisation for m in members if m.case.organisation_id in served]
        lead = next(
            (o for o in orgs if o.pk == joint.lead_organisation_id),
            next((o for o in orgs if o.pk == joint.bundle.lead_organisation_id), orgs[0]),
        )
        before = {
            "window": str(joint.lead_window) if joint.lead_window_id else "",
            "org": joint.lead_organisation.name,
        }
        joint.lead_window, joint.lead_organisation = window, lead
        joint.save(update_fields=["lead_window", "lead_organisation"])
        _event(
            joint,
            "assign_lead" if not before["window"] else "reassign_lead",
            by=by,
            note=reason,
            organisation=lead,
            data={
                "from_window": before["window"],
                "from_organisation": before["org"],
                "window": str(window),
                "organisation": lead.name,
                "reason": reason,
            },
        )
    return joint


def register(
    *,
    bundle: Bundle,
    applicant: Applicant,
    by,
    lead_window: Window | None,
    form: dict | None = None,
    agent: dict | None = None,
) -> JointCase:
    """统一登记 at the front desk: the joint application received at the counter and its lead window assigned, in one
    transaction."""
    _require_front_desk(by, bundle.lead_organisation.region)
    staff = access.staff_of(by) if by is not None else None
    with transaction.atomic():
        joint = apply(
            bundle=bundle,
            applicant=applicant,
            by=by,
            form=form,
            channel=Channel.COUNTER,
            window=staff.window if staff else None,
            agent=agent,
        )
        return assign_lead_window(joint=joint, by=by, window=lead_window)


# ---- 联办通知, answers, 联合告知, 联合受理 ----------------------------------------------------------------------


def lead_accept(*, joint: JointCase, by, note: str = "", revision: int | None = None) -> JointCase:
    """The lead window takes the application and sends the 联办通知 to every member window."""
    permissions.require_lead(by, joint)
    with transaction.atomic():
        joint = _locked(joint, revision)
        if refused := permissions.notification_refusal(joint):
            raise refused
        joint.phase, joint.notified_at = Phase.NOTIFIED, clock.now()
        fields = ["phase", "notified_at"]
        if not joint.lead_window_id:  # accepted online: the window that accepts leads (主办窗口)
            staff = access.staff_of(by) if by is not None else None
            joint.lead_window = staff.window if staff is not None and staff.window_id else home_window(joint)
            fields.append("lead_window")
        joint.save(update_fields=fields)
        members = [
            m
            for m in joint.members.select_related("case__organisation", "case__version")
            if m.case.status not in CLOSED_STATUSES
        ]
        recipients = [
            {
                "position": m.position,
                "organisation": m.case.organisation.name,
                "item": m.case.version.name,
                "case_number": m.case.number,
            }
            for m in members
        ]
        _notice(joint, JointNotice.Kind.NOTIFICATION, members=recipients, note=note)
        _event(
            joint,
            "notify",
            by=by,
            note=note,
            organisation=joint.lead_organisation,
            data={"members": recipients},
        )
    return joint


def _notice(joint: JointCase, kind: str, **details) -> JointNotice:
    now = clock.now()
    short = joint.lead_organisation.short_name or joint.lead_organisation.name
    letter = {
        JointNotice.Kind.NOTIFICATION: "联通",
        JointNotice.Kind.REFUSAL: "联否",
        JointNotice.Kind.NOT_ACCEPTED: "联拒",
        JointNotice.Kind.WITHDRAWAL: "联撤",
    }.get(kind, "联告")
    year = clock.local_date(now).year
    # a 文号 as offices number their documents: the issuer's word, the year in 〔〕, the sequence of that year
    sequence = numbering.next_sequence(f"JN-{joint.lead_organisation_id}-{letter}-{year}")
    return JointNotice.objects.create(
        joint=joint,
        kind=kind,
        document_number=f"{short}{letter}字〔{year}〕{sequence}号",
        token=secrets.token_urlsafe(18)[:24],
        issued_at=now,
        essentials={
            "joint_number": joint.number,
            "bundle_name": joint.version.name,
            "lead_organisation": joint.lead_organisation.name,
            "applicant_name": joint.applicant.name,
            "issued_on": clock.local_date(now).isoformat(),
            **details,
        },
    )


def _member(joint: JointCase, position) -> JointMember:
    member = (
        joint.members.select_related("case__organisation", "case__version").filter(position=position).first()
    )
    if member is None:
        raise NotFound(_("该联办件没有第 %(p)s 个成员事项") % {"p": position}, field="member")
    return member


def _answerable(joint: JointCase, member: JointMember) -> None:
    if refused := permissions.answer_refusal(joint, member):
        raise refused


def confirm(*, joint: JointCase, position: int, by, revision: int | None = None) -> JointCase:
    """A member window confirms its materials are complete."""
    with transaction.atomic():
        joint = _locked(joint, revision)
        member = _member(joint, position)
        permissions.require_member_staff(by, member)
        _answerable(joint, member)
        _require_complete(joint, member)
        member.answer, member.answered_at, member.missing = JointMember.Answer.CONFIRMED, clock.now(), []
        member.save(update_fields=["answer", "answered_at", "missing"])
        _event(joint, "confirm", by=by, organisation=member.case.organisation, data={"position": position})
        _after_answers(joint, by)
    return joint


def _require_complete(joint: JointCase, member: JointMember) -> None:
    """The member's materials are complete (permissions.completeness_refusal, 行政许可法 第三十二条第一款第(四)项)."""
    if refused := permissions.completeness_refusal(joint, member):
        raise refused


def _material_number(value, index: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationFailed(_("第 %(i)s 项的材料序号应为数字") % {"i": index}, field="items") from None


def _missing_items(joint: JointCase, member: JointMember, items) -> list[dict]:
    if not isinstance(items, list | tuple) or not items:
        raise ValidationFailed(_("请一次性列出本部门需要补正的全部材料及其问题"), field="items")
    materials = {m.position: m.name for m in member.case.version.materials.all()}
    from_results = {
        u["position"]: e["from_member_name"]
        for e in joint.version.merged_materials
        if e.get("from_member")
        for u in e["members"]
        if u["key"] == member.position
    }
    asked = {  # the member's materials on the applicant's merged list
        u["position"]
        for e in joint.version.merged_materials
        for u in e["members"]
        if u["key"] == member.position
    }
    own = {  # the applicant's merged-list number → this member's own material number
        e["position"]: u["position"]
        for e in joint.version.merged_materials
        for u in e["members"]
        if u["key"] == member.position
    }
    clean = []
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise ValidationFailed(_("第 %(i)s 项补正内容格式不正确") % {"i": index}, field="items")
        position = item.get("position")
        if item.get("material") is not None:  # the number the applicant sees (the API's `material`)
            merged = _material_number(item["material"], index)
            if merged not in own:
                raise ValidationFailed(
                    _(
                        "第 %(i)s 项:合并材料清单第 %(p)s 项不是「%(item)s」需要的材料(本部门的材料在清单中为:%(n)s)"
                    )
                    % {
                        "i": index,
                        "p": merged,
                        "item": member.case.version.name,
                        "n": "、".join(str(k) for k in sorted(own)),
                    },
                    field="items",
                )
            position = own[merged]
        if position is not None:
            position = _material_number(position, index)
            if position not in materials:
                raise ValidationFailed(
                    _("第 %(i)s 项:「%(item)s」的材料清单中没有第 %(p)s 项材料(本事项材料:%(n)s)")
                    % {
                        "i": index,
                        "p": position,
                        "item": member.case.version.name,
                        "n": "、".join(f"{k}.{v}" for k, v in sorted(materials.items())),
                    },
                    field="items",
                )
            if position not in asked:
                raise ValidationFailed(
                    _("「%(m)s」不在申请人的材料清单中(由部门自行获取),不能要求申请人补正")
                    % {"m": materials[position]},
                    field="items",
                )
            if position in from_results:
                raise ValidationFailed(
                    _("「%(m)s」由「%(n)s」的办理结果获取,不能要求申请人提交")
                    % {"m": materials[position], "n": from_results[position]},
                    field="items",
                )
            name = materials[position]
        else:
            name = inputs.text(
                item.get("name"),
                field="items",
                label=_("第 %(i)s 项的材料名称") % {"i": index},
                max_length=200,
                required=False,
            )
            if not name:
                raise ValidationFailed(_("请填写第 %(i)s 项的材料名称") % {"i": index}, field="items")
        problem = inputs.text(
            item.get("problem"),
            field="items",
            label=_("第 %(i)s 项「%(n)s」存在的问题") % {"i": index, "n": name},
            max_length=PROBLEM_LIMIT,
            required=False,
        )
        if not problem:
            raise ValidationFailed(
                _("请写明第 %(i)s 项「%(n)s」存在的问题") % {"i": index, "n": name}, field="items"
            )
        clean.append({"position": position, "name": name, "problem": problem})
    return clean


def merged_number(joint: JointCase, member_position: int, own_position: int | None) -> int | None:
    """The number the applicant sees in the merged material list for a member's own material (None: not listed)."""
    if own_position is None:
        return None
    return next(
        (
            e["position"]
            for e in joint.version.merged_materials
            for u in e["members"]
            if u["key"] == member_position and u["position"] == own_position
        ),
        None,
    )


def raise_missing(
    *, joint: JointCase, position: int, by, items: list[dict], revision: int | None = None
) -> JointCase:
    """A member window names everything it misses; the applicant is told with every other member's, once."""
    with transaction.atomic():
        joint = _locked(joint, revision)
        member = _member(joint, position)
        permissions.require_member_staff(by, member)
        _answerable(joint, member)
        clean = _missing_items(joint, member, items)
        member.answer, member.answered_at, member.missing = JointMember.Answer.MISSING, clock.now(), clean
        member.save(update_fields=["answer", "answered_at", "missing"])
        _event(
            joint,
            "raise_missing",
            by=by,
            organisation=member.case.organisation,
            data={"position": position, "items": clean},
        )
        _after_answers(joint, by)
    return joint


def _after_answers(joint: JointCase, by, meeting=None) -> None:
    members = [  # a member not accepted (不予受理) or withdrawn answers no more
        m
        for m in joint.members.select_related("case__organisation", "case__version").order_by(
            "stage", "position"
        )
        if m.case.status not in CLOSED_STATUSES
    ]
    if not members:
        return
    if any(not m.answer for m in members):
        return
    missing = [m for m in members if m.answer == JointMember.Answer.MISSING]
    if missing:
        _combined_notice(joint, members, missing, by, meeting=meeting)
    else:
        _accept_all(joint, members, by)


def _combined_notice(
    joint: JointCase, members: list[JointMember], missing: list[JointMember], by, meeting=None
) -> None:
    """联合一次性告知: one notice listing every member's missing materials; the member cases that asked go to 补正
    (行政许可法 第三十二条第一款第(四)项) and the supply restarts their intake; the members that confirmed their
    materials complete are not asked for anything and wait for the joint acceptance."""
    listing = [
        {
            "position": m.position,
            "organisation": m.case.organisation.name,
            "item": m.case.version.name,
            "case_number": m.case.number,
            "items": m.missing,
        }
        for m in missing
    ]
    held = {}
    if meeting is not None:  # the outcome of the 审前集中告知会议: the members told the applicant together
        held = {
            "meeting": {
                "kind_label": str(meeting.get_kind_display()),
                "scheduled_on": meeting.scheduled_on.isoformat(),
                "place": meeting.place,
            }
        }
    notice = _notice(
        joint,
        JointNotice.Kind.COMBINED,
        members=listing,
        round=joint.notices.filter(kind="combined").count() + 1,
        **held,
    )
    for m in missing:  # only the members that asked: the others confirmed their materials complete
        case_services.request_supplement(
            case=m.case,
            by=None,
            items=m.missing,
            reason=_("联合一次性告知 %(d)s") % {"d": notice.document_number}
            if m.case.supplements.exists()
            else "",
        )
    joint.phase = Phase.SUPPLEMENT
    joint.save(update_fields=["phase"])
    _event(
        joint,
        "combined_notice",
        by=by,
        organisation=joint.lead_organisation,
        data={"document_number": notice.document_number, "members": listing},
    )
    total = sum(len(m.missing) for m in missing)
    _message(
        joint,
        _(
            "您的一件事「%(name)s」(联办件 %(number)s)需要补正材料:%(n)d个部门共%(t)d项,已在联合一次性告知书 %(d)s 中一次列明,请一次补齐后提交。"
        )
        % {
            "name": joint.version.name,
            "number": joint.number,
            "n": len(missing),
            "t": total,
            "d": notice.document_number,
        },
    )


def _accept_all(joint: JointCase, members: list[JointMember], by) -> None:
    """联合受理: every member case accepted the same day; each one's own legal and promised limits start — except a
    member waiting on a prerequisite member's result, whose limits start when that result is made (start_clocks)."""
    for m in members:
        if m.case.status == Status.RECEIVED:
            waits = [r["item"] for r in prerequisite_results(m) if not r["ready"]]
            case_services.accept_case(
                case=m.case,
                by=None,
                note=_("联合受理(联办件 %(n)s)") % {"n": joint.number},
                clock_waits_for="、".join(waits),
            )
    joint.phase, joint.accepted_on = Phase.HANDLING, clock.today()
    joint.save(update_fields=["phase", "accepted_on"])
    refresh(joint)
    _event(
        joint,
        "accept",
        by=by,
        organisation=joint.lead_organisation,
        data={"legal_due": joint.legal_due, "promised_due": joint.promised_due},
    )
    _message(
        joint,
        _("您的一件事「%(name)s」(联办件 %(number)s)已联合受理,各部门并联办理,承诺%(due)s前全部办结。")
        % {
            "name": joint.version.name,
            "number": joint.number,
            "due": joint.promised_due and chinese_date(joint.promised_due),
        },
    )


def supply(*, joint: JointCase, by, paper: list[int] | tuple = (), revision: int | None = None) -> JointCase:
    """The applicant supplied everything the combined notice lists: every member's intake starts again and the
    members that missed something check again (the others keep their confirmation)."""
    permissions.require_applicant_or_lead(by, joint)
    if paper and (by is None or access.staff_of(by) is None):
        raise AccessDenied(_("纸质材料须由窗口工作人员登记收取"))
    with transaction.atomic():
        joint = _locked(joint, revision)
        if joint.phase != Phase.SUPPLEMENT:
            raise Conflict(_("联办件当前没有待补正的材料"), field="phase")
        members = [m for m in joint.members.select_related("case") if m.case.status not in CLOSED_STATUSES]
        paper_by_member: dict[int, list[int]] = {}
        for position in paper:
            for used in merged_entry(joint, int(position))["members"]:
                paper_by_member.setdefault(used["key"], []).append(used["position"])
        missing = []
        for m in members:
            for item in m.missing:
                if item["position"] is None:
                    continue
                request = m.case.supplements.filter(supplied_at__isnull=True).order_by("-round").first()
                done = m.case.materials.filter(
                    position=item["position"], uploaded_at__gte=request.requested_at
                ).exists()
                if not done and item["position"] not in paper_by_member.get(m.position, []):
                    missing.append((m.position, item["position"], item["name"]))
        if missing:
            message = _("以下材料尚未补交:%(m)s") % {
                "m": "、".join(dict.fromkeys(n for _k, _p, n in missing))
            }
            # each one named at its row of the merged list too (material_<position>), as an ordinary case's 补正
            # names it at its file input
            at_rows: dict[str, str] = {}
            for key, position, _name in missing:
                entry = next(
                    (
                        e
                        for e in joint.version.merged_materials
                        if any(u["key"] == key and u["position"] == position for u in e["members"])
                    ),
                    None,
                )
                if entry is not None:
                    at_rows.setdefault(
                        f"material_{entry['position']}", _("请上传「%(name)s」") % {"name": entry["name"]}
                    )
            raise ValidationFailed(
                message, field="materials", errors=[("materials", message), *at_rows.items()]
            )
        for m in members:
            if m.case.status == Status.SUPPLEMENT_REQUESTED:
                case_services.supply_supplement(
                    case=m.case, by=None, paper=paper_by_member.get(m.position, [])
                )
            elif m.case.status == Status.RECEIVED and m.answer == JointMember.Answer.CONFIRMED:
                # it waited for the others' 补正 (intake_held): its 5 working days start again with the supply
                case_services.restart_intake(
                    case=m.case,
                    reason=_("联办件 %(n)s 的联合一次性告知已补正,受理期限重新起算(行政许可法第三十二条)")
                    % {"n": joint.number},
                )
            if m.answer == JointMember.Answer.MISSING:
                m.answer, m.answered_at = JointMember.Answer.PENDING, None
                m.save(update_fields=["answer", "answered_at"])
        joint.phase = Phase.NOTIFIED
        joint.save(update_fields=["phase"])
        _event(joint, "supply", by=by, data={"paper": list(paper)})
        _message(
            joint,
            _("您的一件事(联办件 %(n)s)已补齐材料,各部门将重新审查并在5个工作日内作出受理决定。")
            % {"n": joint.number},
        )
    return joint


# ---- results flow, clocks ------------------------------------------------------------------------------------


def prerequisite_results(member: JointMember, *, members: dict[int, JointMember] | None = None) -> list[dict]:
    """The results of the members this one needs, read from their cases (no upload): name, decision, document.
    `members`: the joint case's members by position with their cases, organisations and versions, when the caller
    read them already."""
    out = []
    if not member.needs:
        return out
    others = members or {
        m.position: m for m in member.joint.members.select_related("case__organisation", "case__version")
    }
    for position in member.needs:
        other = others.get(position)
        if other is None:
            continue
        case = other.case
        notice = case.notices.filter(kind="grant").order_by("-issued_at").first()
        # the licence the grant issued (the licence library's `Licence.case`), cited by its own number — the decision
        # letter's number is not the licence's
        issued = getattr(case, "licences", None)
        licence = (
            issued.order_by("-version", "-id").first() if issued is not None and case.decided_at else None
        )
        out.append(
            {
                "position": position,
                "item": case.version.name,
                "organisation": case.organisation.name,
                "case_number": case.number,
                "result_name": case.version.result_name,
                "ready": case.decision == Decision.GRANT,
                "decided_at": case.decided_at,
                "document_number": notice.document_number if notice else "",
                "licence_type": licence.type.name if licence else "",
                "licence_number": licence.number if licence else "",
                "licence_identifier": licence.identifier if licence else "",
                "notice_token": notice.token if notice else "",
            }
        )
    return out


# 行政许可法 第二十六条第二款 (统一办理、联合办理) and the seeds' 并联审批 rule "同一阶段纳入并联审批的审批文件,也是其他
# 部门的前置审批依据,由审批部门根据并联审批的进度,通过网络平台获取": a member that needs another member's result
# counts its own limits from the day that result is made (as rules.finish_days plans the bundle's joint limit).
CLOCK_RULE = gettext_lazy(
    "《中华人民共和国行政许可法》第二十六条第二款;并联审批前置审批结果由审批部门通过网络平台获取"
)


def start_clocks(case: Case) -> None:
    """After `case` (a member) granted: every member needing it whose prerequisites are now all granted, accepted and
    waiting, starts its clock today."""
    member = member_of(case)
    if member is None:
        return
    for other in member.joint.members.select_related("case__version").order_by("stage", "position"):
        if member.position not in other.needs:
            continue
        waiting = other.case
        if waiting.accepted_on is None or waiting.legal_due is not None:
            continue
        if waiting.status not in (Status.ACCEPTED, Status.SUSPENDED):
            continue
        results = prerequisite_results(other)
        if not all(r["ready"] for r in results):
            continue
        case_services.start_clock(
            case=waiting,
            reason=_("已取得%(r)s,自此计算办理期限(%(rule)s)")
            % {
                "r": "、".join(
                    _("「%(item)s」的%(result)s") % {"item": r["item"], "result": r["result_name"]}
                    for r in results
                ),
                "rule": CLOCK_RULE,
            },
            # the 起算 line of its due dates: the day the prerequisite's result came, not 受理
            start_label=_("「%(items)s」的结果作出(行政许可法第二十六条第二款)")
            % {"items": "、".join(r["item"] for r in results)},
        )
    refresh(member.joint)


def results_taken_by_others(case: Case) -> list[dict]:
    """The materials of the members needing this member's result that are obtained from it, not uploaded (e.g. the
    营业执照 of 食品经营许可 from 企业登记): [{case, position, name}] — for the licence library to fill once the
    result exists (cases.library.dependants)."""
    member = JointMember.objects.filter(case_id=case.pk).select_related("joint__version").first()
    if member is None:
        return []
    others = {
        m.position: m for m in member.joint.members.select_related("case") if m.position != member.position
    }
    out = []
    for entry in member.joint.version.merged_materials:
        if entry.get("from_member") != member.position:
            continue
        for use in entry["members"]:
            other = others.get(use["key"])
            if other is not None and member.position in other.needs:
                out.append({"case": other.case, "position": use["position"], "name": entry["name"]})
    return out


def intake_held(case: Case) -> bool:
    """cases.intake hold: a member that confirmed its materials waits for the joint 联合受理 while the joint
    application is in 补正 for other members (not deemed accepted on its own meanwhile)."""
    member = JointMember.objects.filter(case_id=case.pk).select_related("joint").first()
    return (
        member is not None
        and member.joint.phase == Phase.SUPPLEMENT
        and member.answer == JointMember.Answer.CONFIRMED
    )


def intake_owner(case: Case) -> str | None:
    """cases.extensions intake owner: while its joint case is at intake, a member case is accepted (联办通知,
    联合受理), told to supply (联合一次性告知), registered supplied and refused only through the joint actions —
    never on its own case page (行政许可法 第二十六条、第三十二条)."""
    if case.status not in (Status.RECEIVED, Status.SUPPLEMENT_REQUESTED):
        return None
    member = member_of(case)
    if member is None or member.joint.phase not in INTAKE_PHASES:
        return None
    return _(
        "本办件是联办件 %(n)s 的成员办件,受理、补正和不予受理须在联办件页面办理"
        "(主办窗口发联办通知,各成员部门确认材料齐全或提出补正,或不予受理)"
    ) % {"n": member.joint.number}


INTAKE_PHASES = (Phase.RECEIVED, Phase.NOTIFIED, Phase.SUPPLEMENT)


def intake_owned_q() -> Q:
    """cases.extensions intake-owned filter: `intake_owner`'s cases as a query (the member cases at intake of a
    joint case at intake), so the single-case 待受理 queues leave them to the joint list."""
    return Q(
        status__in=(Status.RECEIVED, Status.SUPPLEMENT_REQUESTED),
        joint_member__joint__phase__in=INTAKE_PHASES,
    )


def obtained_materials(case: Case) -> dict[int, str]:
    """cases.handling material source: this member's materials obtained from a prerequisite member's result once
    that member granted it (no upload; the seeds: "由审批部门……通过网络平台获取"), each with how it was got
    (已获取「企业登记」的办理结果)."""
    # Asked by every material checklist and completeness check of a member case: read as values, the merged list
    # only once a prerequisite was granted (loading the joint case, the members' cases and their items' versions as
    # objects cost 2 ms a member case, this 0.7 ms; 4 of the joint case page's 90 ms)
    found = JointMember.objects.filter(case_id=case.pk).values_list("joint_id", "position", "needs").first()
    if found is None or not found[2]:
        return {}
    joint_id, position, needs = found
    prerequisites = {
        p: (name, decision)
        for p, name, decision in JointMember.objects.filter(
            joint_id=joint_id, position__in=needs
        ).values_list("position", "case__version__name", "case__decision")
    }
    merged = JointCase.objects.filter(pk=joint_id).values_list("version__merged_materials", flat=True).get()
    out = {}
    for entry in merged:
        found = prerequisites.get(entry.get("from_member"))
        if found is None:
            continue
        name, decision = found
        # not asked of the applicant: taken from the prerequisite's result once granted (the member may not decide
        # before: decision_check), so never 未上传 meanwhile
        label = (
            _("已获取(「%(item)s」的办理结果)") % {"item": name}
            if decision == Decision.GRANT
            else _("由「%(item)s」的结果获取,无需提交") % {"item": name}
        )
        for use in entry["members"]:
            if use["key"] == position:
                out[use["position"]] = label
    return out


def decision_check(case: Case):
    """cases.handling decision check: a member may not decide before the results it needs are granted."""
    member = member_of(case)
    if member is None:
        return None
    from zhengwu.joint import meetings

    meeting = meetings.open_meeting_for(member)
    if meeting is not None:
        return Conflict(
            _("本事项须待%(k)s(%(d)s)的会议纪要归档后再作决定")
            % {"k": meeting.get_kind_display(), "d": meeting.scheduled_on.isoformat()},
            code="joint.meeting_pending",
            field="step",
        )
    if not member.needs:
        return None
    waiting = [r["item"] for r in prerequisite_results(member) if not r["ready"]]
    if waiting:
        return Conflict(
            _(
                "本事项以「%(w)s」的审批结果为前置审批依据,须待其作出准予决定后再作决定(结果由平台获取,无需申请人提交)"
            )
            % {"w": "、".join(waiting)},
            code="joint.prerequisite_pending",
            field="step",
        )
    return None


def refresh(joint: JointCase) -> JointCase:
    """The joint dates and phase from the member cases: due when the last member is due (each member keeps its own
    legal and promised due dates); finished when every member is closed."""
    # every member's case after each of its events: only the columns the dates and the phase are made of
    cases = list(
        Case.objects.filter(joint_member__joint=joint).only(
            "legal_due", "promised_due", "accepted_on", "status", "decision"
        )
    )
    legal = [c.legal_due for c in cases if c.legal_due]
    promised = [c.promised_due for c in cases if c.promised_due]
    waiting = any(
        c.accepted_on and not c.legal_due and c.status in (Status.ACCEPTED, Status.SUSPENDED) for c in cases
    )
    if (
        waiting and joint.accepted_on
    ):  # a member's clock waits on a prerequisite: the bundle's plan, at the latest
        from zhengwu.cases import deadlines
        from zhengwu.core.calendar import current_calendar

        for dues, limit in ((legal, joint.version.legal_limit), (promised, joint.version.promised_limit)):
            dues.append(deadlines.due_date(current_calendar(), start=joint.accepted_on, limit=limit).due)
    joint.legal_due = max(legal) if legal else None
    joint.promised_due = max(promised) if promised else None
    fields = ["legal_due", "promised_due"]
    if joint.phase == Phase.HANDLING and cases and all(c.status in CLOSED_STATUSES for c in cases):
        # every department refused or stopped: the joint case ends as 不予许可; one grant or more: 办结
        granted = any(c.decision == Decision.GRANT for c in cases)
        joint.phase, joint.finished_at = (Phase.FINISHED if granted else Phase.DENIED), clock.now()
        fields += ["phase", "finished_at"]
    elif (
        joint.phase in (Phase.RECEIVED, Phase.NOTIFIED, Phase.SUPPLEMENT)
        and cases
        and all(c.status == Status.WITHDRAWN for c in cases)
    ):
        joint.phase, joint.finished_at = Phase.WITHDRAWN, clock.now()
        fields += ["phase", "finished_at"]
    joint.save(update_fields=fields)
    return joint


def supervise_member(*, joint: JointCase, position: int, by, instruction: str, response_days: int = 5):
    """督办 to a member department: a supervision order on the member's case (supervision.services.issue_order, which
    checks the supervisor's scope), recorded on the joint case too."""
    from zhengwu.supervision import services as supervision_services

    member = _member(joint, position)
    with transaction.atomic():
        order = supervision_services.issue_order(
            by=by, case=member.case, instruction=instruction, response_days=response_days
        )
        joint = _locked(joint)
        _event(
            joint,
            "supervise",
            by=by,
            note=instruction,
            organisation=member.case.organisation,
            data={"position": position, "order": order.number, "due_on": order.due_on},
        )
    return order
