"""Written notices (待送达书面通知): a notice (文书) none of whose messages reached the applicant — no mobile or e-mail
known (kept 未发送), or every send failed — is served on paper by the office that holds the case, within the period of
its article (deadlines.written_notice_due). The queue is selectors.written_notices; print_notice records who printed
it for service and when (an audit record, the notice's last print shown on the queue); serve_notice records the
service (the way, the day, the tracking number) as an event with its audit record. Behind cases/services.py."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from zhengwu.cases import selectors
from zhengwu.cases.models import Notice, ServeWay
from zhengwu.cases.records import INTAKE_ROLES, _in_scope, _label, _locked, _record, _text
from zhengwu.core import access, audit, clock
from zhengwu.core.calendar import chinese_date
from zhengwu.core.errors import AccessDenied, Conflict, ValidationFailed

# the ways a notice is served after it was issued; 当场送达 is the issuing service's own (handed over at the counter)
PAPER_WAYS = tuple(way for way in ServeWay.values if way != ServeWay.ONSITE)


def print_notice(*, notice: Notice, by) -> Notice:
    """Record that `by` printed a notice waiting in the queue to serve it on paper (who, when: the notice's last
    print, and an audit record of each), so another clerk sees it is in hand; serving it is serve_notice."""
    _in_scope(by, notice.case)
    with transaction.atomic():
        notice = Notice.objects.select_for_update().get(pk=notice.pk)
        if notice.served_on:
            raise Conflict(
                _("该文书已于 %(day)s 送达,无须再打印送达") % {"day": chinese_date(notice.served_on)},
                code="written.already_served",
                field="notice",
            )
        notice.printed_at, notice.printed_by, notice.printed_by_label = clock.now(), by, _label(by)[:150]
        notice.save(update_fields=["printed_at", "printed_by", "printed_by_label"])
        audit.record(
            "cases.print_notice",
            notice,
            actor=by,
            summary={
                "case": notice.case.number,
                "kind": notice.kind,
                "document_number": notice.document_number,
            },
        )
    return notice


def serve_notice(
    *,
    notice: Notice,
    by,
    way: str,
    on: dt.date | None = None,
    tracking_number: str = "",
    note: str = "",
) -> Notice:
    """Record that a notice no message delivered was served on paper: how (ServeWay; 邮寄 with its tracking number,
    留置 with a note of what happened), on which day (not before it was issued, not after today)."""
    case = notice.case
    staff = _in_scope(by, case)
    if staff is not None and not (access.is_administrator(by) or staff.has_role(*INTAKE_ROLES)):
        raise AccessDenied(_("书面送达须由窗口人员、审批人员或部门负责人登记"), code="role_required")
    if way not in PAPER_WAYS:
        raise ValidationFailed(
            _("送达方式应为:%(ways)s") % {"ways": "、".join(str(ServeWay(w).label) for w in PAPER_WAYS)},
            field="way",
        )
    tracking_number = _text(
        tracking_number,
        field="tracking_number",
        label=_("邮件单号"),
        max_length=40,
        required=way == ServeWay.POST,
    )
    note = _text(
        note, field="note", label=_("备注(留置送达的见证情况)"), max_length=500, required=way == ServeWay.LEFT
    )
    today = clock.today()
    on = on or today
    issued_on = clock.local_date(notice.issued_at)
    if on > today:
        raise ValidationFailed(
            _("送达日期不能晚于今天(%(today)s)") % {"today": chinese_date(today)}, field="on"
        )
    if on < issued_on:
        raise ValidationFailed(
            _("送达日期不能早于文书出具日期 %(day)s") % {"day": chinese_date(issued_on)}, field="on"
        )
    with transaction.atomic():
        case = _locked(case)
        notice = selectors.with_paper(Notice.objects.filter(pk=notice.pk, case=case)).get()
        if notice.served_on:
            raise Conflict(
                _("该文书已于 %(day)s 书面送达,不能重复登记") % {"day": chinese_date(notice.served_on)},
                code="written.already_served",
                field="notice",
            )
        if not selectors.needs_paper(notice):
            raise Conflict(
                _("该文书的通知已经或正在发给申请人,无须书面送达"), code="written.not_needed", field="notice"
            )
        _record(
            case,
            "serve_notice",
            by=by,
            note=note,
            data={
                "notice": notice.pk,
                "kind": notice.kind,
                "document_number": notice.document_number,
                "way": way,
                "on": on,
                "tracking_number": tracking_number,
            },
        )
        notice.served_on, notice.served_way, notice.tracking_number = on, way, tracking_number
        notice.save(update_fields=["served_on", "served_way", "tracking_number"])
    return notice
