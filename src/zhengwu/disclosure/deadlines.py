"""Time limits of the Regulations on Open Government Information (政府信息公开条例, 2019): pure functions over dates.

Every function takes plain dates and answers with the date and whether the calendar had to guess (provisional),
plus the lines that explain it, so the `zhengwu disclosure due` command and the request services say the same thing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from zhengwu.core import calendar
from zhengwu.core.errors import ValidationFailed

REPLY_WORKDAYS = 20
MAX_EXTENSION_WORKDAYS = 20
SUPPLEMENT_REQUEST_WORKDAYS = 7
DEFAULT_SUPPLEMENT_PERIOD_WORKDAYS = 15
THIRD_PARTY_WORKDAYS = 15
FEE_PAYMENT_WORKDAYS = 20
WARNING_WORKDAYS = 3

CHANNELS = ("in_person", "letter", "online", "fax")


@dataclass(frozen=True)
class Pause:
    """Time not counted toward the reply limit: the working days after `start` up to and including `end`."""

    start: dt.date
    end: dt.date
    reason: str = "third_party"


@dataclass(frozen=True)
class ReplyDue:
    due: dt.date
    provisional: bool
    start: dt.date
    limit: int
    paused: int
    lines: tuple[str, ...]


# 政府信息公开条例 第三十一条: the receipt date is the day submitted in person, the day the letter is signed for,
# the day both sides confirm an online or fax request.
def receipt_date(
    channel: str,
    *,
    submitted_on: dt.date,
    signed_on: dt.date | None = None,
    confirmed_on: dt.date | None = None,
) -> dt.date:
    """The date a request counts as received, by the channel it came through."""
    if channel == "in_person":
        return submitted_on
    if channel == "letter":
        if signed_on is None:
            raise ValidationFailed(_("邮寄申请须填写签收日期(第三十一条第二项)"), field="signed_on")
        if signed_on < submitted_on:
            raise ValidationFailed(_("签收日期不能早于寄出日期"), field="signed_on")
        return signed_on
    if channel in ("online", "fax"):
        if confirmed_on is None:
            raise ValidationFailed(
                _("网络或传真申请须填写双方确认日期(第三十一条第三项)"), field="confirmed_on"
            )
        if confirmed_on < submitted_on:
            raise ValidationFailed(_("确认日期不能早于提交日期"), field="confirmed_on")
        return confirmed_on
    raise ValidationFailed(_("未知的申请渠道「%(c)s」") % {"c": channel}, field="channel")


# 政府信息公开条例 第三十条: a supplement request goes out within 7 working days of receipt.
def supplement_request_deadline(received: dt.date) -> calendar.WorkdayDate:
    """The last day on which the office may ask the requester to supplement the request."""
    return calendar.add_workdays(received, SUPPLEMENT_REQUEST_WORKDAYS)


# 政府信息公开条例 第三十条: the office gives a reasonable period to supplement; none given means abandoned.
def supplement_due(
    requested_on: dt.date, workdays: int = DEFAULT_SUPPLEMENT_PERIOD_WORKDAYS
) -> calendar.WorkdayDate:
    """The last day on which the requester's supplement is accepted."""
    if not 1 <= workdays <= 60:
        raise ValidationFailed(_("补正期限应为1至60个工作日"), field="workdays")
    return calendar.add_workdays(requested_on, workdays)


# 政府信息公开条例 第三十二条: the third party answers within 15 working days of receiving the consultation.
def third_party_deadline(sent_on: dt.date) -> calendar.WorkdayDate:
    """The last day for the third party's opinion (counted from the day the letter is sent, as received)."""
    return calendar.add_workdays(sent_on, THIRD_PARTY_WORKDAYS)


# 国办函〔2020〕109号 第七条: the requester pays within 20 working days of the fee notice, else the request is abandoned.
def fee_payment_deadline(notified_on: dt.date) -> calendar.WorkdayDate:
    """The last day on which the processing fee may be paid."""
    return calendar.add_workdays(notified_on, FEE_PAYMENT_WORKDAYS)


def _check_extension(extension: int) -> None:
    if isinstance(extension, bool) or not isinstance(extension, int):
        raise ValidationFailed(_("延长工作日数必须是整数"), field="extension")
    if extension < 0:
        raise ValidationFailed(_("延长工作日数不能为负数"), field="extension")
    if extension > MAX_EXTENSION_WORKDAYS:
        raise ValidationFailed(
            _("延长答复期限最长不得超过%(n)d个工作日(第三十三条第一款),收到 %(e)d")
            % {"n": MAX_EXTENSION_WORKDAYS, "e": extension},
            field="extension",
        )


# 政府信息公开条例 第三十三条: reply within 20 working days of receipt; one extension of at most 20 working days;
# 第三十条: after a supplement the period runs from the day it arrives; 第三十三条第二款: third-party and other
# offices' consultation time is not counted; 国办函〔2020〕109号: neither is the time from fee notice to payment.
def reply_due(
    received: dt.date,
    *,
    supplement_received: dt.date | None = None,
    extension: int = 0,
    pauses: Iterable[Pause] = (),
) -> ReplyDue:
    """The last day to reply, with the explanation line by line."""
    _check_extension(extension)
    lines: list[str] = []
    provisional = False
    start = received
    lines.append(_("收到申请之日:%(d)s(当日不计入期限)") % {"d": received.isoformat()})
    if supplement_received is not None:
        if supplement_received < received:
            raise ValidationFailed(_("补正材料收到日期不能早于收到申请日期"), field="supplement_received")
        start = supplement_received
        lines.append(_("收到补正之日:%(d)s,答复期限自此重新计算(第三十条)") % {"d": start.isoformat()})
    limit = REPLY_WORKDAYS + extension
    lines.append(_("答复期限:%(n)d个工作日(第三十三条第一款)") % {"n": REPLY_WORKDAYS})
    if extension:
        lines.append(_("经负责人同意延长:%(n)d个工作日(第三十三条第一款)") % {"n": extension})
    paused_total = 0
    ordered = sorted(pauses, key=lambda p: (p.start, p.end))
    for pause in ordered:
        if pause.end < pause.start:
            raise ValidationFailed(
                _("不计时段 %(a)s 至 %(b)s 的结束日期早于开始日期")
                % {"a": pause.start.isoformat(), "b": pause.end.isoformat()},
                field="third_party",
            )
        begin = max(pause.start, start)
        if begin >= pause.end:
            continue
        due_so_far = calendar.add_workdays(start, limit + paused_total).value
        if begin > due_so_far:
            raise ValidationFailed(
                _("%(a)s 开始的不计时段晚于当时的答复期限 %(d)s,期限已届满,不能再中止计算")
                % {"a": begin.isoformat(), "d": due_so_far.isoformat()},
                field="third_party",
            )
        count = calendar.workdays_between(begin, pause.end)
        provisional |= count.provisional
        paused_total += count.value
        label = _("征求第三方意见") if pause.reason == "third_party" else _("等待缴纳信息处理费")
        note = ""
        if pause.reason == "third_party":
            limit_day = third_party_deadline(pause.start).value
            if pause.end > limit_day:
                note = _("(超过第三方15个工作日的答复期限 %(d)s)") % {"d": limit_day.isoformat()}
        lines.append(
            _("%(label)s %(a)s 至 %(b)s:%(n)d个工作日不计入(第三十三条第二款)%(note)s")
            % {
                "label": label,
                "a": begin.isoformat(),
                "b": pause.end.isoformat(),
                "n": count.value,
                "note": note,
            }
        )
    result = calendar.add_workdays(start, limit + paused_total)
    provisional |= result.provisional
    lines.append(
        _("自 %(s)s 起第 %(n)d 个工作日:%(d)s")
        % {"s": start.isoformat(), "n": limit + paused_total, "d": result.value.isoformat()}
    )
    special = calendar.special_days(start, result.value)
    if special.value:
        lines.append(_("期间的节假日与调休:") + ";".join(str(s) for s in special.value))
    if provisional:
        lines.append(_("注意:期间涉及尚未公布节假日安排的年份,结果为暂定"))
    return ReplyDue(result.value, provisional, start, limit, paused_total, tuple(lines))


def alert_level(due: dt.date, today: dt.date) -> str:
    """normal, warning (yellow: 3 working days or fewer left) or overdue (red: past the due date)."""
    if today > due:
        return "overdue"
    if calendar.workdays_between(today, due).value <= WARNING_WORKDAYS:
        return "warning"
    return "normal"


# 政府信息公开条例 第四十九条: departments report by 31 January, governments publish theirs by 31 March.
def annual_report_deadline(*, is_government: bool, year: int) -> dt.date:
    """The date by which the report on `year` must be submitted (departments) or published (governments)."""
    return dt.date(year + 1, 3, 31) if is_government else dt.date(year + 1, 1, 31)
