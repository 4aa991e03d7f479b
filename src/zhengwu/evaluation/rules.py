"""The rules of 好差评, pure: levels and their tags, good and bad, the rectification clock and its lights, the
rectification state table, and the rates the public figures show. No clock, no database: a Calendar is passed in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengwu.core import thresholds
from zhengwu.core.calendar import Calendar
from zhengwu.core.errors import Conflict, ValidationFailed

LEVEL_LABELS = {
    5: gettext_lazy("非常满意"),
    4: gettext_lazy("满意"),
    3: gettext_lazy("基本满意"),
    2: gettext_lazy("不满意"),
    1: gettext_lazy("非常不满意"),
}

# 国办发〔2019〕51号 二(二): the rater may choose what made the service good or bad; each level offers its own tags.
TAGS = {
    5: ("服务热情", "办事高效", "一次办好", "指引清晰", "材料精简"),
    4: ("服务规范", "办事较快", "解答清楚", "环境整洁"),
    3: ("等候时间较长", "流程还可简化", "指引不够清楚"),
    2: ("态度冷淡", "办事拖延", "多次跑动", "解释不清", "材料重复提交"),
    1: ("态度恶劣", "推诿扯皮", "吃拿卡要", "超时未办", "一次性告知不到位"),
}

# 国办发〔2019〕51号 三(一): the local limit for verifying, rectifying and answering a bad rating (EvaluationSettings' default).
DEFAULT_RECTIFICATION_DAYS = 15
# Warning (黄牌) with at most this many working days left, today not counted: the one "due soon" (core.thresholds).
YELLOW_WORKDAYS = thresholds.DUE_SOON_WORKDAYS
GOOD_LEVELS = tuple(lv for lv in thresholds.RATING_LEVELS if lv >= thresholds.GOOD_RATING_MIN)
BAD_LEVELS = tuple(lv for lv in thresholds.RATING_LEVELS if lv <= thresholds.BAD_RATING_MAX)


def is_good(level: int) -> bool:
    """好评: 非常满意, 满意 and 基本满意 (levels 3–5), per 国办发〔2019〕51号."""
    return level in GOOD_LEVELS


def is_bad(level: int) -> bool:
    """差评: 不满意 and 非常不满意 (levels 1–2), each of which opens a rectification."""
    return level in BAD_LEVELS


def check_rating(level, tags, comment: str) -> tuple[int, list[str], str]:
    """The level (1–5), the tags (only those offered for that level, no repeats) and the comment, or why not; a bad
    rating (不满意, 非常不满意) needs a reason: at least one tag or a comment."""
    try:
        level = int(level)
    except (TypeError, ValueError):
        raise ValidationFailed(_("请选择评价等级"), field="level") from None
    if level not in LEVEL_LABELS:
        raise ValidationFailed(_("评价等级应为 1 至 5"), field="level")
    chosen = []
    for tag in tags or []:
        if tag not in TAGS[level]:
            raise ValidationFailed(
                _("标签「%(tag)s」不适用于「%(level)s」") % {"tag": tag, "level": LEVEL_LABELS[level]},
                field="tags",
            )
        if tag not in chosen:
            chosen.append(tag)
    comment = (comment or "").strip()
    if len(comment) > 500:
        raise ValidationFailed(_("评价内容最多 500 字"), field="comment")
    # 国办发〔2019〕51号 二(二)、三(一): 差评须核实整改, so the rater of a bad rating says what went wrong.
    if is_bad(level) and not chosen and not comment:
        raise ValidationFailed(
            _("评价为「%(level)s」时,请至少选择一项原因标签或在评价内容中写明不满意的原因,以便整改")
            % {"level": LEVEL_LABELS[level]},
            field="comment",
        )
    return level, chosen, comment


@dataclass(frozen=True)
class Due:
    """When the feedback on a bad rating is due; provisional if the count crossed a year not yet known."""

    date: dt.date
    provisional: bool


def rectification_due(rated_on: dt.date, limit_days: int, calendar: Calendar) -> Due:
    """The day by which a bad rating must be verified, rectified and answered."""
    # 国办发〔2019〕51号 三(一): 差评由政务服务机构核实整改并反馈评价人,时限按地方规定(默认 15 个工作日),评价日不计。
    found = calendar.add_workdays(rated_on, limit_days)
    return Due(found.value, found.provisional)


def appeal_last_day(rated_on: dt.date, limit_days: int, calendar: Calendar) -> Due:
    """The last day the rated organisation may appeal against a bad rating, where the region sets a limit."""
    # 国办发〔2019〕51号 (差评申诉复核): no national limit; the region's working days from the rating, 评价日不计.
    found = calendar.add_workdays(rated_on, limit_days)
    return Due(found.value, found.provisional)


def appeal_review_due(filed_on: dt.date, limit_days: int, calendar: Calendar) -> Due:
    """The day by which the centre decides an appeal, where the region sets a limit."""
    # 国办发〔2019〕51号 (差评申诉复核): no national limit; the region's working days from the appeal, 申诉日不计.
    found = calendar.add_workdays(filed_on, limit_days)
    return Due(found.value, found.provisional)


def light(
    today: dt.date,
    due: dt.date,
    calendar: Calendar,
    *,
    done: bool = False,
    answered_on: dt.date | None = None,
) -> str:
    """ "green", "yellow" (≤ YELLOW_WORKDAYS working days left, today not counted) or "red" (past due); done is green,
    or "late" when the rater was answered after the due day (no longer a warning, but not 正常 either)."""
    # 国办发〔2019〕51号 三(一) with the county's 电子监察 practice: 预警 before the limit, 超期 after it, as for cases.
    if done:
        return "late" if answered_on is not None and answered_on > due else "green"
    if today > due:
        return "red"
    left = calendar.workdays_between(today, due).value
    return "yellow" if left <= YELLOW_WORKDAYS else "green"


def unrated_deadline(finished_on: dt.date, after_days: int, calendar: Calendar) -> dt.date:
    """The last day a completed case may still be rated before the region's unrated policy applies."""
    # 地方好差评实施细则 (e.g. 办结后 N 个工作日未评价视为满意); 国办发〔2019〕51号 leaves it to the region.
    return calendar.add_workdays(finished_on, after_days).value


# ---- rectification state table -------------------------------------------------------------------------------

OPEN, VERIFIED, RECTIFIED, REPLIED, CLOSED, VOIDED = (
    "open",
    "verified",
    "rectified",
    "replied",
    "closed",
    "voided",
)
ACTIVE = (OPEN, VERIFIED, RECTIFIED, REPLIED)
DONE = (REPLIED, CLOSED)  # the rater has had the feedback: counted as rectified in the figures

TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "verify": ((OPEN,), VERIFIED),
    "rectify": ((VERIFIED,), RECTIFIED),
    "reply": ((VERIFIED, RECTIFIED), REPLIED),
    "close_unnamed": ((REPLIED,), CLOSED),
    "satisfied": ((REPLIED,), CLOSED),
    "unsatisfied": ((REPLIED,), VERIFIED),
    "void": (ACTIVE, VOIDED),
}
ACTION_LABELS = {
    "open": gettext_lazy("差评生成整改"),
    "verify": gettext_lazy("核实"),
    "rectify": gettext_lazy("整改"),
    "reply": gettext_lazy("反馈评价人"),
    "close_unnamed": gettext_lazy("匿名评价,反馈后办结"),
    "satisfied": gettext_lazy("回访:满意"),
    "unsatisfied": gettext_lazy("回访:仍不满意,重新整改"),
    "void": gettext_lazy("申诉成立,撤销整改"),
}
STATE_LABELS = {
    OPEN: gettext_lazy("待核实"),
    VERIFIED: gettext_lazy("待整改"),
    RECTIFIED: gettext_lazy("待反馈"),
    REPLIED: gettext_lazy("待回访"),
    CLOSED: gettext_lazy("已办结"),
    VOIDED: gettext_lazy("申诉成立,撤销"),
}


def action_label(action: str) -> str:
    """The Chinese name of a rectification action, as its history shows it."""
    return str(ACTION_LABELS.get(action, action))


def next_state(state: str, action: str, *, founded: bool | None = None) -> str:
    """The state after `action`, or Conflict saying why not. A founded complaint is rectified before the reply;
    an unfounded one is answered with the finding."""
    sources, target = TRANSITIONS[action]
    if state not in sources:
        raise Conflict(
            _("整改当前为「%(state)s」,不能%(action)s")
            % {"state": STATE_LABELS.get(state, state), "action": action_label(action)},
            code="invalid_transition",
            field="state",
        )
    if action == "reply" and state == VERIFIED and founded:
        raise Conflict(_("情况属实的差评须先整改,再反馈评价人"), code="rectify_first", field="measures")
    return target


def replay(actions: list[tuple[str, bool | None]]) -> str:
    """Rebuild the state from the recorded (action, founded) pairs, checking each against the table."""
    state = OPEN
    for action, founded in actions:
        if action == "open":
            state = OPEN
            continue
        state = next_state(state, action, founded=founded)
    return state


# ---- figures -------------------------------------------------------------------------------------------------


def rate(part: int, whole: int) -> Decimal | None:
    """A percentage with one decimal, rounded half up; None when nothing was counted."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Figures:
    """The public figures of one organisation or item for a month (ratings set aside on appeal not counted)."""

    rated: int
    good: int
    bad: int
    rectified: int

    @property
    def good_rate(self) -> Decimal | None:
        return rate(self.good, self.rated)

    @property
    def bad_rate(self) -> Decimal | None:
        return rate(self.bad, self.rated)

    @property
    def rectified_rate(self) -> Decimal | None:
        return rate(self.rectified, self.bad)


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    """The first day of a month written YYYY-MM and the first day of the next, or ValidationFailed."""
    try:
        first = dt.date.fromisoformat(f"{month}-01")
    except (TypeError, ValueError):
        raise ValidationFailed(
            _("月份「%(month)s」应写作 YYYY-MM") % {"month": month}, field="month"
        ) from None
    nxt = dt.date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return first, nxt
