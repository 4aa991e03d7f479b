"""Ratings (rate) and the rectification of a bad rating: verification, measures, the reply and the follow-up
(verify, rectify, reply, follow_up). Behind evaluation/services.py."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from zhengwu.core import access, audit, clock, outbox
from zhengwu.core.calendar import current_calendar
from zhengwu.core.errors import AccessDenied, Conflict, NotFound, ValidationFailed
from zhengwu.core.models import Role
from zhengwu.evaluation import links, rules, selectors
from zhengwu.evaluation.models import (
    Rating,
    RatingChannel,
    Rectification,
    RectificationEvent,
)
from zhengwu.evaluation.shared import FOLLOW_UP_ROLES, RECTIFY_ROLES, _actor, _label, _require_in_scope, _text


def rate(
    *,
    kind: str,
    pk: int,
    level,
    tags=(),
    comment: str = "",
    channel: str,
    by=None,
    at: dt.datetime | None = None,
) -> Rating:
    """Rate a completed case or closed ticket once (一次一评、一事一评). A bad rating (1–2) opens a rectification due
    in the region's working days."""
    if channel not in RatingChannel.values:
        raise ValidationFailed(_("评价渠道无效"), field="channel")
    level, tags, comment = rules.check_rating(level, tags, comment)
    subject = selectors.subject(kind, pk)
    if not subject.rateable:
        what = _("办件办结后才能评价") if kind == "case" else _("工单办结后才能评价")
        raise Conflict(what, code="not_finished", field="level")
    if channel == RatingChannel.TABLET:
        staff = access.require_role(by, Role.WINDOW_CLERK)
        if subject.window_id is None or staff.window_id != subject.window_id:
            raise AccessDenied(_("窗口评价器只能评价本窗口办结的办件"))
    at = at or clock.now()
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                case=subject.case,
                ticket=subject.ticket,
                level=level,
                tags=tags,
                comment=comment,
                channel=channel,
                named=subject.named,
                rater_name=subject.rater_name,
                rater_phone=subject.rater_phone,
                subject_number=subject.number,
                subject_title=subject.title[:200],
                item=subject.item,
                organisation=subject.organisation,
                window_id=subject.window_id,
                staff=subject.staff,
                rated_at=at,
            )
            opened = _open_rectification(rating, at) if rules.is_bad(level) else None
            audit.record(
                "evaluation.rate",
                rating,
                actor=_actor(by),
                summary={"subject": f"{kind}:{subject.number}", "level": level, "channel": channel},
                rows=[opened] if opened else [],
            )
    except IntegrityError:
        raise Conflict(
            _("该办件已评价过,每次办理只能评价一次"), code="already_rated", field="level"
        ) from None
    return rating


def _open_rectification(rating: Rating, at: dt.datetime) -> RectificationEvent:
    """Open the rectification a bad rating obliges; its first event (for the rating's audit record)."""
    limit = selectors.settings_for(rating.organisation).rectification_days
    rated_on = clock.local_date(at)
    due = rules.rectification_due(rated_on, limit, current_calendar())
    rect = Rectification.objects.create(
        rating=rating,
        organisation=rating.organisation,
        opened_on=rated_on,
        limit_days=limit,
        due=due.date,
        due_provisional=due.provisional,
    )
    return _event(rect, "open", by=None, note=f"{rating.get_level_display()}:{rating.comment}"[:2000], at=at)


def _event(
    rect: Rectification, action: str, *, by, note: str = "", at: dt.datetime | None = None
) -> RectificationEvent:
    seq = (rect.events.aggregate(m=Max("seq"))["m"] or 0) + 1
    return RectificationEvent.objects.create(
        rectification=rect,
        seq=seq,
        at=at or clock.now(),
        action=action,
        to_state=rect.state,
        actor=_actor(by),
        actor_label=_label(by) if action != "open" else "系统",
        note=note,
    )


def _locked_rectification(rect: Rectification) -> Rectification:
    fresh = (
        Rectification.objects.select_for_update(of=("self",))
        .select_related("rating")
        .filter(pk=rect.pk)
        .first()
    )
    if fresh is None:
        raise NotFound(_("找不到该整改记录"))
    return fresh


def _transition(rect: Rectification, action: str, *, by, note: str = "", **changes) -> Rectification:
    rect.state = rules.next_state(rect.state, action, founded=rect.founded)
    for name, value in changes.items():
        setattr(rect, name, value)
    rect.save()
    event = _event(rect, action, by=by, note=note)
    audit.record(
        f"evaluation.rectification.{action}",
        rect,
        actor=_actor(by),
        summary={"rating": rect.rating.subject_number, "state": rect.state},
        rows=[event],
    )
    return rect


def verify(*, rectification: Rectification, by, founded: bool, finding: str) -> Rectification:
    """The organisation checks what happened (核实) and says whether the complaint is founded."""
    _require_in_scope(by, rectification.organisation, *RECTIFY_ROLES)
    finding = _text(finding, field="finding", label=_("核实情况"))
    with transaction.atomic():
        rect = _locked_rectification(rectification)
        rect.founded = bool(founded)
        return _transition(rect, "verify", by=by, note=finding, finding=finding)


def rectify(*, rectification: Rectification, by, measures: str) -> Rectification:
    """Record what was put right (整改措施)."""
    _require_in_scope(by, rectification.organisation, *RECTIFY_ROLES)
    measures = _text(measures, field="measures", label=_("整改措施"))
    with transaction.atomic():
        rect = _locked_rectification(rectification)
        return _transition(rect, "rectify", by=by, note=measures, measures=measures)


def reply(*, rectification: Rectification, by, text: str) -> Rectification:
    """Tell the rater what was found and done (反馈). An anonymous rating is closed with it; a named one awaits
    the follow-up."""
    _require_in_scope(by, rectification.organisation, *RECTIFY_ROLES)
    text = _text(text, field="reply", label=_("反馈内容"))
    with transaction.atomic():
        rect = _locked_rectification(rectification)
        rect = _transition(rect, "reply", by=by, note=text, reply=text, replied_at=clock.now())
        if not rect.rating.named:
            rect = _transition(rect, "close_unnamed", by=by, closed_at=clock.now())
        elif rect.rating.rater_phone:
            _tell_rater(rect.rating)
    return rect


def _tell_rater(rating: Rating) -> None:
    """The SMS that carries the feedback to a named rater (国办发〔2019〕51号: 差评整改结果反馈评价人): "发送反馈"
    recorded the text but sent nothing, so the rater never learned of it unless they opened their link again."""
    kind, pk = ("ticket", rating.ticket_id) if rating.ticket_id else ("case", rating.case_id)
    body = _(
        "您对 %(number)s「%(title)s」的评价,%(organisation)s已核实处理并反馈。"
        "请查看处理结果并告诉我们是否满意:%(url)s"
    ) % {
        "number": rating.subject_number,
        "title": rating.subject_title,
        "organisation": rating.organisation.name,
        "url": links.short_rating_url(kind, pk),
    }
    outbox.post("sms", rating.rater_phone, body)


def follow_up(*, rectification: Rectification, satisfied: bool, note: str = "", by=None) -> Rectification:
    """The follow-up of a named bad rating (实名差评回访): is the rater now satisfied? `by` None is the rater
    answering through their link; staff record a telephone follow-up. Not satisfied sends it back to rectify."""
    if by is not None:
        _require_in_scope(by, rectification.organisation, *FOLLOW_UP_ROLES)
    # Staff on the phone ask why the rater is still not satisfied: sent back to rectify without it, the department
    # would not know what to do again (the rater answering through their link may leave it out).
    still_unsatisfied = by is not None and not satisfied
    note = _text(
        note,
        field="note",
        label=_("回访记录(评价人仍不满意的原因)") if still_unsatisfied else _("回访记录"),
        max_length=1000,
        required=still_unsatisfied,
    )
    with transaction.atomic():
        rect = _locked_rectification(rectification)
        now = clock.now()
        if satisfied:
            return _transition(
                rect,
                "satisfied",
                by=by,
                note=note,
                satisfied=True,
                follow_up_note=note,
                followed_up_at=now,
                closed_at=now,
            )
        return _transition(
            rect,
            "unsatisfied",
            by=by,
            note=note,
            satisfied=False,
            follow_up_note=note,
            followed_up_at=now,
            round=rect.round + 1,
        )
