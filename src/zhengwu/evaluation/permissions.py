"""What a person may do on a rectification (差评整改) and on an appeal (申诉) now, said once (issue 15): the workbench's
pages show the forms these allow, and the services check the same rules (tests/evaluation/
test_allowed_actions_match_services.py tries each action through its service).

- a rectification is verified (核实), rectified (整改) and answered (反馈) by the rated organisation's handlers
  (RECTIFY_ROLES, within their scope), each when the state table allows it (rules.next_state: a founded complaint
  is rectified before the reply, an unfounded one answered with the finding); the follow-up call (回访) of a named
  rating is the centre's (FOLLOW_UP_ROLES);
- an appeal (差评申诉, 国办发〔2019〕51号 "差评申诉复核") is filed against a bad rating by the staff of the rated
  organisation (or one above it) — not by the centre's people, who decide it — within the region's limit if it sets
  one (EvaluationSettings.appeal_days: the national text names none), and decided by a centre manager within
  the rated organisation's scope who did not file it, while it is pending.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from zhengwu.core import access, clock
from zhengwu.core.errors import AccessDenied, Conflict, DomainError
from zhengwu.evaluation import rules
from zhengwu.evaluation.models import Appeal, Rating, Rectification
from zhengwu.evaluation.shared import APPEAL_DECIDERS, FOLLOW_UP_ROLES, RECTIFY_ROLES

# the actions of the rectification page, each with its step in the state table
RECTIFICATION_ACTIONS = {"verify": "verify", "rectify": "rectify", "reply": "reply", "follow_up": "satisfied"}


def rectification_refusal(user, rect: Rectification, action: str) -> DomainError | None:
    """Why the user may not take `action` on the rectification now, or None."""
    roles = FOLLOW_UP_ROLES if action == "follow_up" else RECTIFY_ROLES
    if not access.may_act_as(user, *roles) or not access.can_see_organisation(user, rect.organisation):
        return AccessDenied(_("您不能办理该整改"))
    try:
        rules.next_state(rect.state, RECTIFICATION_ACTIONS[action], founded=rect.founded)
    except Conflict as refused:
        return refused
    return None


def rectification_actions(user, rect: Rectification) -> dict[str, bool]:
    return {action: rectification_refusal(user, rect, action) is None for action in RECTIFICATION_ACTIONS}


def appeal_refusal(user, appeal: Appeal, *, in_scope: bool | None = None) -> DomainError | None:
    """Why the user may not decide the appeal now, or None. `in_scope`: the caller read it from the user's scoped
    queue (selectors.appeal_queue: the same rule as access.can_see_organisation), so it is not asked again."""
    if in_scope is None:
        in_scope = access.can_see_organisation(user, appeal.rating.organisation)
    if not access.may_act_as(user, *APPEAL_DECIDERS) or not in_scope:
        return AccessDenied(_("您不能审核该申诉"))
    if appeal.state != Appeal.State.PENDING:
        return Conflict(_("该申诉已审核"), code="already_decided", field="state")
    if appeal.filed_by_id == getattr(user, "pk", None):
        return AccessDenied(_("不能审核自己提出的申诉"))
    return None


def appeal_filing_refusal(user, rating: Rating, *, settings_of=None, calendar=None) -> DomainError | None:
    """Why the user may not appeal against the rating, or None (whether it was appealed already is the service's
    to say, under its lock). `settings_of`: an organisation's region settings (default selectors.settings_for),
    read only for those who may appeal — a list passes one that remembers them, and the calendar read once."""
    staff = access.staff_of(user)
    if staff is None:
        return AccessDenied(_("需要工作人员账号"))
    if not access.acts_for(staff, rating.organisation):
        return AccessDenied(_("只有被评价机构的工作人员可以对评价提出申诉"))
    if not rules.is_bad(rating.level):
        return Conflict(_("只能对差评提出申诉"), code="not_bad", field="reason")
    return appeal_late_refusal(rating, settings_of=settings_of, calendar=calendar)


def appeal_late_refusal(rating: Rating, *, settings_of=None, calendar=None) -> Conflict | None:
    """Past the region's limit for appealing (EvaluationSettings.appeal_days; none set: never late)."""
    from zhengwu.core.calendar import current_calendar
    from zhengwu.evaluation import selectors

    settings = (settings_of or selectors.settings_for)(rating.organisation)
    if not settings.appeal_days:
        return None
    rated_on = clock.local_date(rating.rated_at)
    # 国办发〔2019〕51号 (差评申诉复核) with the region's limit: 评价之日起 N 个工作日内申诉
    last = rules.appeal_last_day(rated_on, settings.appeal_days, calendar or current_calendar())
    if clock.today() <= last.date:
        return None
    return Conflict(
        _(
            "差评申诉须在评价之日(%(rated_on)s)起 %(days)s 个工作日内提出,最迟 %(last)s,已超过申诉时限,"
            "不能再申诉"
        )
        % {"rated_on": rated_on.isoformat(), "days": settings.appeal_days, "last": last.date.isoformat()},
        code="appeal_late",
        field="reason",
    )
