"""Joint meetings and inspections (convened by the lead window; each member's opinion; the minutes close them) and
forwarding upward (上报) with its own period.

The seeds: "由主办窗口组织……召开审前集中告知会议,由各联合审批窗口共同一次性告知申请人……需要提交的全部材料": the
审前集中告知会议 is held after the 联办通知 and before acceptance, with every member; each member's opinion is its
answer to the 联办通知 (materials complete, or what it misses), and the minutes close it with its outcome — the one
联合一次性告知书 (or, nothing missing, 联合受理). "需要召开联审会议的,由主办窗口负责召集"; joint site inspection, drawing review and completion acceptance
across two or more departments are organised by the lead window. 上报: "需要上报省、市审批的投资项目,由县政务中心
并联审批窗口人员通过专门平台传递上报".
"""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengwu.cases.services import check_upload
from zhengwu.core import clock, inputs
from zhengwu.core.calendar import current_calendar
from zhengwu.core.errors import Conflict, NotFound, ValidationFailed
from zhengwu.joint import permissions, services
from zhengwu.joint.models import Forwarding, JointCase, JointMeeting, JointMember, MeetingOpinion, Phase

# 行政许可法 第三十五条: 依法应当先经下级行政机关审查后报上级行政机关决定的行政许可,下级行政机关应当在法定期限内将
# 初步审查意见和全部申请材料直接报送上级行政机关; 第四十三条: 下级行政机关应当自其受理行政许可申请之日起二十日内审查
# 完毕. The time the higher authority takes after that is its own period, shown apart from the member's clock.
FORWARD_CITATION = gettext_lazy("《中华人民共和国行政许可法》第三十五条、第四十三条")
FORWARD_REVIEW_DAYS = 20
FORWARDABLE = permissions.FORWARDABLE
# held at the applicant's premises (the applicant is there); the applicant attends these and the 审前集中告知会议
ON_SITE = (JointMeeting.Kind.INSPECTION, JointMeeting.Kind.ACCEPTANCE)
APPLICANT_ATTENDS = (
    *ON_SITE,
    JointMeeting.Kind.PRE_REVIEW,
)  # a member forwards what it has accepted and not yet decided


def _date(value, field: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise ValidationFailed(_("日期应为 YYYY-MM-DD"), field=field) from None


def _time(value, field: str) -> dt.time | None:
    """A time of day written 9:30 or 09:30 (what a time input sends); empty is None."""
    if isinstance(value, dt.time) or value is None:
        return value
    text = str(value).strip().replace("：", ":")
    if not text:
        return None
    try:
        hour, minute = (int(part) for part in text.split(":")[:2])
        return dt.time(hour, minute)
    except ValueError:
        raise ValidationFailed(_("时间应为 时:分,如 9:30"), field=field) from None


def convene(
    *,
    joint: JointCase,
    by,
    kind: str,
    scheduled_on,
    agenda: str,
    positions: list[int],
    place: str = "",
    holds_decision: bool = True,
    scheduled_at=None,
    applicant_attends: bool = False,
) -> JointMeeting:
    """The lead window convenes a joint meeting or inspection with the members named; the applicant is told by
    message when they take part (always at a site inspection or acceptance, which is at their premises, and at the
    审前集中告知会议, whose purpose is to tell them; at another meeting when the lead says so)."""
    permissions.require_lead(by, joint)
    if kind not in JointMeeting.Kind.values:
        raise ValidationFailed(
            _("请选择会议类型:%(k)s") % {"k": "、".join(str(label) for label in JointMeeting.Kind.labels)},
            field="kind",
        )
    # too long is refused at the field, not cut short without a word
    agenda = inputs.text(agenda, field="agenda", label=_("议题"), max_length=2000)
    place = inputs.text(place, field="place", label=_("地点"), max_length=200, required=False)
    day = _date(scheduled_on, "scheduled_on")
    if day < clock.today():
        raise ValidationFailed(_("会议日期不能早于今天"), field="scheduled_on")
    at = _time(scheduled_at, "scheduled_at")
    if at and dt.datetime.combine(day, at, tzinfo=clock.LOCAL) < clock.now():
        raise ValidationFailed(_("会议时间不能早于现在"), field="scheduled_at")
    known = set(joint.members.values_list("position", flat=True))
    pre_review = kind == JointMeeting.Kind.PRE_REVIEW
    applicant_attends = bool(applicant_attends) or kind in APPLICANT_ATTENDS
    if pre_review:
        positions, holds_decision = sorted(known), False  # every member window tells the applicant together
    positions = sorted({int(p) for p in positions or []})
    if len(positions) < 2 or not set(positions) <= known:
        raise ValidationFailed(_("请选择至少两个参加的成员事项"), field="positions")
    with transaction.atomic():
        joint = services._locked(joint)
        if pre_review and joint.phase != Phase.NOTIFIED:
            raise Conflict(_("审前集中告知会议在发出联办通知后、联合受理前召开"), field="phase")
        if pre_review and joint.meetings.filter(kind=kind, minutes_at__isnull=True).exists():
            raise Conflict(_("已有尚未归档的审前集中告知会议"), field="kind")
        if refused := permissions.convening_refusal(joint):
            raise refused
        meeting = JointMeeting.objects.create(
            joint=joint,
            kind=kind,
            scheduled_on=day,
            scheduled_at=at,
            place=place,
            agenda=agenda,
            positions=positions,
            holds_decision=bool(holds_decision),
            applicant_attends=applicant_attends,
            convened_at=clock.now(),
            convened_by=services._actor(by),
        )
        services._event(
            joint,
            "convene",
            by=by,
            organisation=joint.lead_organisation,
            data={
                "meeting": meeting.pk,
                "kind": kind,
                "on": day,
                "at": at and at.isoformat("minutes"),
                "positions": positions,
                "applicant_attends": applicant_attends,
            },
        )
        if applicant_attends:
            _tell_applicant(joint, meeting)
    return meeting


def _tell_applicant(joint: JointCase, meeting: JointMeeting) -> None:
    """The applicant's message: what, when, where, and what is asked of them."""
    words = {
        "name": joint.version.name,
        "number": joint.number,
        "k": meeting.get_kind_display(),
        "when": meeting.when_label(),
        "place": meeting.place or _("地点另行通知"),
    }
    if meeting.kind in ON_SITE:
        text = _(
            "您的一件事「%(name)s」(联办件 %(number)s):%(k)s定于%(when)s在%(place)s进行,请届时在场配合。"
        )
    else:
        text = _("您的一件事「%(name)s」(联办件 %(number)s):%(k)s定于%(when)s在%(place)s召开,请您届时参加。")
    services._message(joint, text % words)


def _meeting(joint: JointCase, meeting_id: int) -> JointMeeting:
    meeting = joint.meetings.filter(pk=meeting_id).first()
    if meeting is None:
        raise NotFound(_("找不到该联审会议"), field="meeting")
    return meeting


def record_opinion(
    *, joint: JointCase, meeting_id: int, position: int, by, opinion: str = "", items: list | None = None
) -> MeetingOpinion:
    """A member department records its opinion at the meeting; at a 审前集中告知会议, `items` are the materials it
    misses (none: complete), which become its answer to the 联办通知 when the minutes close the meeting."""
    meeting = _meeting(joint, meeting_id)
    member = services._member(joint, position)
    permissions.require_member_staff(by, member)
    if refused := permissions.opinion_member_refusal(meeting, member):
        raise refused
    missing: list[dict] = []
    opinion = inputs.text(opinion, field="opinion", label=_("意见"), max_length=2000, required=False)
    if meeting.kind == JointMeeting.Kind.PRE_REVIEW:
        if items:
            missing = services._missing_items(joint, member, items)
        elif refused := permissions.completeness_refusal(joint, member):
            # 材料齐全 as the member's answer is the joint acceptance's ground (行政许可法 第三十二条): only with
            # every material it asks for provided, as at a confirmation (services.confirm)
            raise refused
        opinion = opinion or (
            _("需补正:%(m)s") % {"m": "、".join(i["name"] for i in missing)} if missing else _("材料齐全")
        )
    elif items:
        raise ValidationFailed(_("只有审前集中告知会议记录需补正的材料"), field="items")
    if not opinion:
        raise ValidationFailed(_("请填写本部门意见"), field="opinion")
    with transaction.atomic():
        joint = services._locked(joint)
        if refused := permissions.opinion_open_refusal(meeting, position):
            raise refused
        row = MeetingOpinion.objects.create(
            meeting=meeting,
            position=position,
            opinion=opinion,
            missing=missing,
            recorded_at=clock.now(),
            recorded_by=services._actor(by),
        )
        services._event(
            joint,
            "opinion",
            by=by,
            organisation=member.case.organisation,
            data={"meeting": meeting.pk, "position": position, "opinion": row.opinion, "items": missing},
        )
    return row


def attach_minutes(*, joint: JointCase, meeting_id: int, by, upload) -> JointMeeting:
    """The lead window attaches the minutes once every member present recorded its opinion; the meeting closes."""
    permissions.require_lead(by, joint)
    meeting = _meeting(joint, meeting_id)
    data, content_type = check_upload(upload, field="minutes")
    with transaction.atomic():
        joint = services._locked(joint)
        if refused := permissions.minutes_refusal(meeting):
            raise refused
        extension = {
            "application/pdf": ".pdf",
            "image/jpeg": ".jpg",
            "image/png": ".png",
            "application/ofd": ".ofd",
        }[content_type]
        meeting.minutes.save(f"minutes-{meeting.pk}{extension}", ContentFile(data), save=False)
        meeting.minutes_at = clock.now()
        meeting.save(update_fields=["minutes", "minutes_at"])
        services._event(
            joint, "minutes", by=by, organisation=joint.lead_organisation, data={"meeting": meeting.pk}
        )
        if meeting.kind == JointMeeting.Kind.PRE_REVIEW and joint.phase == Phase.NOTIFIED:
            _pre_review_outcome(joint, meeting, by)
    return meeting


def _pre_review_outcome(joint: JointCase, meeting: JointMeeting, by) -> None:
    """The members' opinions become their answers; with every member answered, the one 联合一次性告知书 (or 联合受理)."""
    now = clock.now()
    opinions = {o.position: o for o in meeting.opinions.all()}
    for member in joint.members.filter(answer=""):
        opinion = opinions.get(member.position)
        if opinion is None:
            continue
        member.answer = JointMember.Answer.MISSING if opinion.missing else JointMember.Answer.CONFIRMED
        member.answered_at, member.missing = now, opinion.missing
        member.save(update_fields=["answer", "answered_at", "missing"])
    services._after_answers(joint, by, meeting=meeting)


def open_meeting_for(member) -> JointMeeting | None:
    """The open meeting (no minutes yet) that holds this member's decision, if any."""
    for meeting in member.joint.meetings.filter(minutes_at__isnull=True, holds_decision=True):
        if member.position in meeting.positions:
            return meeting
    return None


def forward_up(*, joint: JointCase, position: int, by, authority: str, note: str = "") -> Forwarding:
    """上报: the member forwards to a higher authority (its own period starts)."""
    member = services._member(joint, position)
    permissions.require_member_staff(by, member)
    if refused := permissions.forwarding_refusal(joint, member):
        raise refused
    authority = inputs.text(authority, field="authority", label=_("上级机关"), max_length=200)
    note = inputs.text(note, field="note", label=_("上报说明"), max_length=2000, required=False)
    with transaction.atomic():
        joint = services._locked(joint)
        if refused := permissions.pending_forward_refusal(member):
            raise refused
        row = Forwarding.objects.create(
            member=member,
            authority=authority,
            note=note,
            sent_on=clock.today(),
            sent_by=services._actor(by),
        )
        services._event(
            joint,
            "forward",
            by=by,
            organisation=member.case.organisation,
            data={"position": position, "authority": row.authority, "sent_on": row.sent_on},
        )
    return row


def record_reply(*, joint: JointCase, position: int, by, reply: str) -> Forwarding:
    member = services._member(joint, position)
    permissions.require_member_staff(by, member)
    reply = inputs.text(reply, field="reply", label=_("上级答复"), max_length=2000)
    with transaction.atomic():
        joint = services._locked(joint)
        if refused := permissions.reply_refusal(member):
            raise refused
        row = member.forwardings.filter(replied_on__isnull=True).order_by("-sent_on").first()
        row.reply, row.replied_on = reply, clock.today()
        row.save(update_fields=["reply", "replied_on"])
        services._event(
            joint,
            "forward_reply",
            by=by,
            organisation=member.case.organisation,
            data={"position": position, "replied_on": row.replied_on, "period": forward_period(row)},
        )
    return row


def forward_period(row: Forwarding) -> dict:
    """The forwarding as its own period: sent, replied (or still open), working days, the citation."""
    end = row.replied_on or clock.today()
    days = current_calendar().workdays_between(row.sent_on, end).value
    return {
        "authority": row.authority,
        "sent_on": row.sent_on.isoformat(),
        "replied_on": row.replied_on and row.replied_on.isoformat(),
        "workdays": days,
        "open": row.replied_on is None,
        "citation": str(FORWARD_CITATION),
    }
