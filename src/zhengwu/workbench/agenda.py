"""What waits for a staff member, for the workbench home: one list per kind of work their roles give them — cases to
accept or handle, notices to serve on paper, extensions to approve, alerts, orders to answer, tickets, disclosure requests and reviews, ratings to
rectify, items to publish — each with its count, the most urgent few and the queue that holds the rest (opened on what
the person can act on).

Built only from the domains' selectors; a list appears only for the roles that have such work (empty or not), so a
person sees at once both what is waiting and that nothing else is. Each list costs a count and one page of rows.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from django.urls import reverse
from django.utils.translation import gettext as _

from zhengwu.cases import selectors as cases
from zhengwu.cases.models import Status
from zhengwu.catalog import selectors as catalog
from zhengwu.core import access, clock
from zhengwu.core.calendar import current_calendar
from zhengwu.core.masking import mask_name
from zhengwu.core.models import Role
from zhengwu.disclosure import deadlines as disclosure_deadlines
from zhengwu.disclosure import selectors as disclosure
from zhengwu.evaluation import rules as rating_rules
from zhengwu.evaluation import selectors as evaluation
from zhengwu.supervision import levels
from zhengwu.supervision import selectors as supervision
from zhengwu.supervision.models import Severity
from zhengwu.tickets import deadlines as ticket_deadlines
from zhengwu.tickets import permissions as ticket_permissions
from zhengwu.tickets import selectors as tickets
from zhengwu.tickets import text as ticket_text

SHOWN = 5  # rows per list: the most urgent; the queue behind the list holds the rest

# How urgent a row is, whatever the domain calls it: 正常, 临期 (yellow), 超期 (red).
NORMAL, YELLOW, RED = levels.NORMAL, levels.YELLOW, levels.RED


@dataclass(frozen=True)
class Row:
    title: str
    url: str
    detail: str = ""
    due: dt.date | dt.datetime | None = None
    due_label: str = ""  # what the date is: 受理期限, 环节期限, 反馈期限 …
    level: str = NORMAL
    flag: str = ""  # what the level means here, when not 已超期 / 即将到期 (an alert's 严重, a ticket's 紧急)
    news: str = ""  # what changed that the person should look at first (已补正,待审核 · 12-07 10:15)

    @property
    def with_time(self) -> bool:
        return isinstance(self.due, dt.datetime)

    @property
    def badge(self) -> str:
        if self.flag or self.level == NORMAL:
            return self.flag
        return _("已超期") if self.level == RED else _("即将到期")


@dataclass(frozen=True)
class WorkList:
    key: str
    title: str
    icon: str
    count: int
    rows: list[Row]
    url: str  # the queue with all of them, filtered to what the person can act on

    @property
    def more(self) -> int:
        """How many are not shown here."""
        return max(0, self.count - len(self.rows))


class _Today:
    """The moment, calendar and warning policy, read once per page and only if a list needs them."""

    def __init__(self):
        self.now = clock.now()
        self.date = clock.local_date(self.now)

    @cached_property
    def calendar(self):
        return current_calendar()

    @cached_property
    def policy(self) -> levels.Policy:
        return supervision.policy()

    def level(self, due: dt.date | None, limit: int | None = None) -> str:
        return levels.level(self.calendar, self.date, due, limit=limit, policy=self.policy)


def _listed(key: str, title: str, icon: str, queryset, build: Callable, url: str) -> WorkList:
    """A list from a selector's queryset: its count and its first SHOWN records, each made a Row by `build`."""
    count = queryset.count()
    return WorkList(key, title, icon, count, [build(obj) for obj in queryset[:SHOWN]] if count else [], url)


def _url(name: str, *args, query: str = "") -> str:
    return reverse(name, args=args) + (f"?{query}" if query else "")


# ---- the lists, one builder each -----------------------------------------------------------------------------


def _applicant_shown(applicant) -> str:
    return mask_name(applicant.name) if applicant.kind == "natural" else applicant.name


def _intake_row(title: str, url: str, detail: str, due, today: _Today) -> Row:
    """A row waiting for the decision to accept (受理决定期限, supervision's intake limit)."""
    level = today.level(due, supervision.INTAKE_LIMIT)
    return Row(title=title, url=url, detail=detail, due=due, due_label=_("受理决定期限"), level=level)


def _cases_to_accept(user, today: _Today) -> WorkList:
    # a 联办件's members at intake are not here (cases.selectors.queue): 待受理的联办件 lists their joint case
    def row(case) -> Row:
        at = case.received_at.astimezone(clock.LOCAL).strftime("%m-%d %H:%M") if case.received_at else "—"
        detail = _("申请人 %(name)s · 收件 %(at)s") % {"name": _applicant_shown(case.applicant), "at": at}
        url = _url("workbench_cases:case", case.number)
        row = _intake_row(
            f"{case.number} {case.version.name}", url, detail + _joint_of(case), case.intake_due, today
        )
        if case.resupplied_at is None:
            return row
        # the applicant answered a 补正 notice: the materials wait for review (cases.selectors.with_resupplied)
        at = case.resupplied_at.astimezone(clock.LOCAL).strftime("%m-%d %H:%M")
        return dataclasses.replace(row, news=_("已补正,待审核 · %(at)s") % {"at": at})

    return _listed(
        "cases_to_accept",
        _("待受理的办件"),
        "bi-inbox",
        cases.queue(user, "to_accept").select_related("joint_member__joint"),
        row,
        _url("workbench_cases:index", query="queue=to_accept"),
    )


def _written_notices(user, today: _Today) -> WorkList:
    """待送达书面通知: notices no message delivered to the applicant, to print and serve by the day of their article."""

    def row(notice) -> Row:
        due = cases.written_notice_due(notice)
        return Row(
            title=f"{notice.get_kind_display()} · {notice.case.number}",
            url=_url("workbench_cases:written") + f"#written-{notice.pk}",
            detail=_applicant_shown(notice.case.applicant),
            due=due,
            due_label=_("书面送达期限"),
            level=RED if due < today.date else NORMAL,
        )

    return _listed(
        "written_notices",
        _("待送达书面通知"),
        "bi-envelope-paper",
        cases.written_notices(user),
        row,
        _url("workbench_cases:written"),
    )


def _joint_to_accept(user, today: _Today) -> WorkList:
    """联办件 at intake for the user's window (their member cases are not in 待受理: the joint flow accepts them)."""
    from zhengwu.joint import services as joint_services

    def row(joint) -> Row:
        detail = _("%(phase)s · 申请人 %(name)s · 主办 %(lead)s") % {
            "phase": joint.get_phase_display(),
            "name": _applicant_shown(joint.applicant),
            "lead": joint.lead_organisation.name,
        }
        url = _url("workbench_joint:case", joint.number)
        return _intake_row(f"{joint.number} {joint.version.name}", url, detail, joint.intake_due, today)

    return _listed(
        "joint_to_accept",
        _("待受理的联办件(一件事)"),
        "bi-diagram-3",
        joint_services.intake_work(user),
        row,
        _url("workbench_joint:index", query="work=intake"),
    )


def _steps_to_handle(user, today: _Today) -> WorkList:
    def row(step) -> Row:
        case = step.case
        held = _("已认领") if step.assignee_id == user.pk else _("待认领")
        return Row(
            title=f"{case.number} {case.version.name}",
            url=_url("workbench_cases:case", case.number),
            detail=_("环节「%(step)s」· %(held)s") % {"step": step.name, "held": held},
            due=step.due_on,
            due_label=_("环节期限"),
            level=supervision.step_level(step, today.date, policy_=today.policy),
        )

    title = _("待我审批、决定的办件") if access.has_role(user, Role.DEPARTMENT_HEAD) else _("待我办理的办件")
    return _listed(
        "cases_to_handle",
        title,
        "bi-folder2-open",
        cases.open_steps_for(user),
        row,
        _url("workbench_cases:index", query="queue=to_handle"),
    )


def _extensions(user, today: _Today) -> WorkList:
    def row(extension) -> Row:
        case = extension.case
        return Row(
            title=f"{case.number} {case.version.name}",
            url=_url("workbench_cases:case", case.number) + "#extensions",
            detail=_("申请延期 %(days)s 个工作日:%(reason)s")
            % {"days": extension.days, "reason": extension.reason[:40]},
            due=case.legal_due,
            due_label=_("法定办结期限"),
            level=today.level(case.legal_due, case.version.legal_limit),
        )

    return _listed(
        "extensions",
        _("待审批的延期申请"),
        "bi-hourglass-split",
        cases.pending_extensions(user).order_by("case__legal_due", "requested_at"),
        row,
        _url("workbench_cases:index", query="queue=to_handle"),
    )


_SEVERITY_LEVEL = {Severity.SERIOUS: RED, Severity.WARNING: YELLOW}


def _alerts(user, today: _Today) -> WorkList:
    def row(alert) -> Row:
        return Row(
            title=alert.title,
            url=_url("workbench_supervision:case", alert.case_id)
            if alert.case_id
            else _url("workbench_supervision:alerts", query="state=open"),
            detail=alert.organisation.name,
            due=alert.raised_at,
            due_label=_("发现时间"),
            level=_SEVERITY_LEVEL.get(alert.severity, NORMAL),
            flag=alert.get_severity_display(),
        )

    reviewer = access.has_role(user, Role.SUPERVISOR)
    return _listed(
        "alerts",
        # the department sees its alerts while the supervisor reviews them (记录说明、排除、转督办 are the supervisor's)
        _("待审核的监察异常") if reviewer else _("本单位的监察异常(待监察审核)"),
        "bi-shield-exclamation",
        supervision.alerts_to_review(user),
        row,
        _url("workbench_supervision:alerts", query="state=open"),
    )


def _orders_to_answer(user, today: _Today) -> WorkList:
    def row(order) -> Row:
        return Row(
            title=f"{order.number} {order.subject_label}",
            url=_url("workbench_supervision:order", order.number),
            detail=order.instruction[:60],
            due=order.due_on,
            due_label=_("反馈期限"),
            level=today.level(order.due_on, order.response_days),
        )

    return _listed(
        "orders_to_answer",
        _("待反馈的督办"),
        "bi-flag",
        supervision.orders_to_answer(user),
        row,
        _url("workbench_supervision:orders", query="state=open"),
    )


def _orders_to_close(user, today: _Today) -> WorkList:
    def row(order) -> Row:
        return Row(
            title=f"{order.number} {order.subject_label}",
            url=_url("workbench_supervision:order", order.number),
            # 整改完成 or 情况说明: what the supervisor is asked to accept
            detail=(
                _("%(organisation)s已反馈(%(kind)s):%(response)s")
                if order.response_kind
                else _("%(organisation)s已反馈:%(response)s")
            )
            % {
                "organisation": order.organisation.name,
                "kind": order.get_response_kind_display(),
                "response": order.response[:40],
            },
            due=order.responded_at,
            due_label=_("反馈时间"),
        )

    return _listed(
        "orders_to_close",
        _("待审核的督办反馈"),
        "bi-flag",
        supervision.orders_to_close(user),
        row,
        _url("workbench_supervision:orders", query="state=responded"),
    )


def _joint_of(case) -> str:
    """ " · 联办件 L00001 成员" for a joint case's member (its supervision page links the joint case)."""
    joint = getattr(getattr(case, "joint_member", None), "joint", None)
    return str(_(" · 联办件 %(n)s 成员") % {"n": joint.number}) if joint is not None else ""


def _red_cases(user, today: _Today) -> WorkList:
    def row(case) -> Row:
        received = case.status == Status.RECEIVED
        due = case.intake_due if received else case.promised_due
        return Row(
            title=f"{case.number} {case.version.name}",
            url=_url("workbench_supervision:case", case.pk),
            detail=f"{case.organisation.name} · {case.get_status_display()}{_joint_of(case)}",
            due=due,
            due_label=_("受理决定期限") if received else _("承诺办结期限"),
            level=RED,
        )

    return _listed(
        "red_cases",
        _("超期(红牌)办件"),
        "bi-exclamation-octagon",
        supervision.cases_at_level(user, RED, today.date).select_related("joint_member__joint"),
        row,
        _url("workbench_supervision:cases", query="level=red"),
    )


def _ticket_level(now: dt.datetime, due: dt.datetime | None) -> str:
    state = ticket_deadlines.time_state(now, due)
    return {ticket_deadlines.TimeState.DUE_SOON: YELLOW, ticket_deadlines.TimeState.OVERDUE: RED}.get(
        state, NORMAL
    )


def _ticket_row(today: _Today, due_of: Callable, due_label: str) -> Callable:
    def row(ticket) -> Row:
        due = due_of(ticket)
        # the caller rang again (来电催办): said, not raised — an urge moves no limit and is no alert
        urged = _("催办 %(n)s 次 · ") % {"n": ticket.urge_count} if ticket.urge_count else ""
        # sent back by the caller's 回访 (未解决): answered before, not a new ticket
        reopened = _("重办 %(n)s 次 · ") % {"n": ticket.reopen_count} if ticket.reopen_count else ""
        return Row(
            title=f"{ticket.number} {ticket.title}",
            url=_url("workbench_tickets:ticket", ticket.number),
            detail=f"{reopened}{urged}{ticket.get_kind_display()} · {ticket.category.name if ticket.category_id else ''}",
            due=due,
            due_label=due_label,
            level=_ticket_level(today.now, due),
        )

    return row


def _tickets_to_acknowledge(user, today: _Today) -> WorkList:
    row = _ticket_row(today, lambda t: t.acknowledge_due, _("签收时限"))
    return _listed(
        "tickets_to_acknowledge",
        _("待签收的工单"),
        "bi-headset",
        tickets.to_acknowledge(user).select_related("category"),
        row,
        _url("workbench_tickets:queues", query="queue=to_acknowledge"),
    )


def _tickets_to_answer(user, today: _Today) -> WorkList:
    row = _ticket_row(today, lambda t: t.handle_due, _("办理时限"))
    return _listed(
        "tickets_to_answer",
        _("待答复的工单"),
        "bi-chat-left-text",
        tickets.to_answer(user).select_related("category"),
        row,
        _url("workbench_tickets:queues", query="queue=to_handle"),
    )


def _tickets_to_dispatch(user, today: _Today) -> WorkList:
    def row(ticket) -> Row:
        returned = _("退回 %(n)s 次 · ") % {"n": ticket.return_count} if ticket.return_count else ""
        return Row(
            title=f"{ticket.number} {ticket.title}",
            url=_url("workbench_tickets:ticket", ticket.number),
            detail=f"{returned}{ticket.get_kind_display()} · {ticket.get_status_display()}",
            due=ticket.received_at,
            due_label=_("登记时间"),
            level=YELLOW if ticket.urgent else NORMAL,
            flag=_("紧急") if ticket.urgent else "",
        )

    return _listed(
        "tickets_to_dispatch",
        _("待派单的工单"),
        "bi-send",
        tickets.dispatch_queue(user),
        row,
        _url("workbench_tickets:dispatch_queue"),
    )


def _tickets_to_follow_up(user, today: _Today) -> WorkList:
    def row(ticket) -> Row:
        return Row(
            title=f"{ticket.number} {ticket.title}",
            url=_url("workbench_tickets:ticket", ticket.number),
            detail=f"{ticket.get_kind_display()} · {ticket.lead_organisation.name if ticket.lead_organisation_id else ''}",
            due=ticket.replied_at,
            due_label=_("答复时间"),
            level=NORMAL,
        )

    return _listed(
        "tickets_to_follow_up",
        _("待回访的工单"),
        "bi-telephone-outbound",
        tickets.awaiting_follow_up(user).select_related("lead_organisation"),
        row,
        _url("workbench_tickets:dispatch_queue"),
    )


def _tickets_first_answer(user, today: _Today) -> WorkList:
    row = _ticket_row(today, lambda t: t.first_answer_due, _("首次答复时限"))
    return _listed(
        "tickets_first_answer",
        _("待首次答复的政民互动诉求(24小时内)"),
        "bi-stopwatch",
        tickets.first_answer_queue(user),
        row,
        _url("workbench_tickets:first_answer_queue"),
    )


_DISCLOSURE_LEVEL = {"warning": YELLOW, "overdue": RED}


def _requests_to_reply(user, today: _Today) -> WorkList:
    def row(request) -> Row:
        level = disclosure_deadlines.alert_level(request.due_on, today.date) if request.due_on else "normal"
        return Row(
            title=f"{request.number} {ticket_text.opening(request.description)}",
            url=_url("workbench_disclosure:request", request.pk),
            detail=_("申请人 %(name)s · %(organisation)s")
            % {"name": mask_name(request.requester_name), "organisation": request.organisation.name},
            due=request.due_on,
            due_label=_("答复期限"),
            level=_DISCLOSURE_LEVEL.get(level, NORMAL),
        )

    return _listed(
        "requests_to_reply",
        _("待答复的依申请公开"),
        "bi-envelope-open",
        disclosure.requests_in(user, disclosure.DEFAULT_QUEUE),
        row,
        _url("workbench_disclosure:requests", query=f"queue={disclosure.DEFAULT_QUEUE}"),
    )


def _extensions_to_decide(user, today: _Today) -> WorkList:
    """The department head's: the officers' asks to extend a reply period, waiting for them to agree or not (条例
    第三十三条第一款), each with its reply date and the days asked — the head was not told one waited."""
    found = disclosure.extensions_to_decide(user)
    rows = [
        Row(
            title=f"{r.number} {ticket_text.opening(r.description)}",
            url=_url("workbench_disclosure:request", r.pk),
            detail=_("%(organisation)s · 申请延长%(days)d个工作日:%(reason)s")
            % {
                "organisation": r.organisation.name,
                "days": r.extension_asked_days,
                "reason": ticket_text.opening(r.extension_asked_reason),
            },
            due=r.due_on,
            due_label=_("答复期限"),
            level=_DISCLOSURE_LEVEL.get(
                disclosure_deadlines.alert_level(r.due_on, today.date) if r.due_on else "normal", NORMAL
            ),
        )
        for r in found[:SHOWN]
    ]
    return WorkList(
        "extensions_to_decide",
        _("待审批的延长答复期限"),
        "bi-hourglass-split",
        len(found),
        rows,
        _url("workbench_disclosure:requests", query=f"queue={disclosure.EXTENSION_QUEUE}"),
    )


def _publications_to_review(user, today: _Today) -> WorkList:
    def row(publication) -> Row:
        return Row(
            title=publication.title,
            url=_url("workbench_disclosure:publication", publication.pk),
            detail=f"{publication.status_label} · {publication.organisation.name}",
        )

    return _listed(
        "publications_to_review",
        _("待审查的公开信息"),
        "bi-megaphone",
        disclosure.review_queue(user).order_by("id"),
        row,
        _url("workbench_disclosure:index"),
    )


_LIGHT_LEVEL = {"yellow": YELLOW, "red": RED}


def _rectifications(user, today: _Today) -> WorkList:
    def row(rectification) -> Row:
        light = rating_rules.light(today.date, rectification.due, today.calendar)
        return Row(
            title=f"{rectification.rating.subject_number} {rectification.rating.subject_title}",
            url=_url("workbench_evaluation:rectification", rectification.pk),
            detail=f"{rectification.get_state_display()} · {rectification.organisation.name}",
            due=rectification.due,
            due_label=_("反馈期限"),
            level=_LIGHT_LEVEL.get(light, NORMAL),
        )

    return _listed(
        "rectifications",
        _("待整改的差评"),
        "bi-star-half",
        evaluation.rectifications(user),
        row,
        _url("workbench_evaluation:index"),
    )


def _items_to_publish(user, today: _Today) -> WorkList:
    def row(version) -> Row:
        item = version.item
        return Row(
            title=version.name,
            url=_url("workbench_catalog:item", item.code),
            detail=_("%(organisation)s · 提交于 %(at)s")
            % {
                "organisation": item.organisation.name if item.organisation_id else _("基本目录"),
                "at": version.submitted_at.astimezone(clock.LOCAL).strftime("%m-%d %H:%M")
                if version.submitted_at
                else "—",
            },
        )

    return _listed(
        "items_to_publish",
        _("待审核发布的事项"),
        "bi-journal-check",
        catalog.review_queue(user).prefetch_related(None),  # the list shows no windows
        row,
        _url("workbench_catalog:review"),
    )


def _hall_waits(user, today: _Today) -> WorkList:
    """等候超时: the hall's wait warnings sent to this person, not yet acknowledged."""
    from zhengwu.hall import selectors as hall

    def row(notice) -> Row:
        return Row(
            title=notice.text,
            url=_url("workbench_hall:waits"),
            due=notice.created_at,
            level=RED,
            flag=_("等候超时"),
        )

    return _listed(
        "hall_waits",
        _("大厅等候超时提醒"),
        "bi-hourglass-split",
        hall.unread_wait_notices(user),
        row,
        _url("workbench_hall:waits"),
    )


def _has_hall_waits(user) -> bool:
    from zhengwu.hall import selectors as hall

    return hall.unread_wait_notices(user).exists()


def _fees_to_collect(user, today: _Today) -> WorkList:
    """收费窗口: the centre's payment notices waiting to be paid, the nearest due date first."""
    from zhengwu.fees import selectors as fees
    from zhengwu.fees.models import Notice

    def row(notice) -> Row:
        return Row(
            title=_("缴款码 %(code)s · 应缴 %(total)s 元") % {"code": notice.code, "total": notice.total},
            url=_url("fees_workbench:record", query=f"code={notice.code}"),
            detail=f"{notice.case.number} · {notice.organisation.name}",
            due=notice.due_on,
            due_label=_("缴款期限"),
            level=RED if notice.due_on < today.date else NORMAL,
        )

    return _listed(
        "fees_to_collect",
        _("待收款的缴款通知书"),
        "bi-cash-coin",
        fees.visible_notices(user).filter(state=Notice.State.UNPAID).order_by("due_on", "issued_at"),
        row,
        _url("fees_workbench:index", query="state=unpaid"),
    )


def _refunds_to_decide(user, today: _Today) -> WorkList:
    from zhengwu.fees import selectors as fees

    def row(refund) -> Row:
        notice = refund.payment.notice
        return Row(
            title=_("退付 %(amount)s 元 · 缴款码 %(code)s") % {"amount": refund.amount, "code": notice.code},
            url=_url("fees_workbench:notice", notice.code),
            detail=f"{refund.get_reason_display()} · {refund.explanation[:40]}",
            due=refund.requested_at,
            due_label=_("申请时间"),
        )

    return _listed(
        "refunds_to_decide",
        _("待审批的退付"),
        "bi-arrow-counterclockwise",
        fees.refunds_to_decide(user),
        row,
        _url("fees_workbench:index"),
    )


def _fee_differences(user, today: _Today) -> WorkList:
    from zhengwu.fees import selectors as fees

    # titled as a person reads it: reconcile's sentence names the notice (缴款码), the amounts and what is amiss
    # (银行对账单无此笔收款, 未见缴库 …); beneath it the kind, and last the payment's transaction reference, which
    # only the bank statement speaks of
    def row(discrepancy) -> Row:
        return Row(
            title=discrepancy.detail,
            url=_url("fees_workbench:reconcile", query=f"date={discrepancy.day.isoformat()}"),
            detail=_("%(kind)s · 流水号 %(reference)s")
            % {"kind": discrepancy.get_kind_display(), "reference": discrepancy.reference},
            due=discrepancy.day,
            due_label=_("对账日期"),
            level=YELLOW,
        )

    return _listed(
        "fee_differences",
        _("待处理的对账差异"),
        "bi-exclamation-diamond",
        fees.open_discrepancies(user),
        row,
        _url("fees_workbench:reconcile"),
    )


def _has_refunds_to_decide(user) -> bool:
    from zhengwu.fees import selectors as fees

    return fees.refunds_to_decide(user).exists()


# 收费窗口: a fee window takes no applications; its work is the centre's fees (access.collecting_window)
FEE_WINDOW_LISTS = (_fees_to_collect, _fee_differences)
CASE_WORK = (_cases_to_accept, _joint_to_accept, _written_notices, _steps_to_handle)


# (builder, the roles whose work it is, or a rule of the user). Order: what a person does first comes first.
LISTS: list[tuple[Callable[..., WorkList], tuple[str, ...] | Callable[..., bool]]] = [
    (_hall_waits, (Role.CENTRE_MANAGER,)),
    (_cases_to_accept, (Role.WINDOW_CLERK,)),
    (_joint_to_accept, (Role.WINDOW_CLERK,)),
    (_written_notices, (Role.WINDOW_CLERK,)),
    (_steps_to_handle, (Role.WINDOW_CLERK, Role.APPROVER, Role.DEPARTMENT_HEAD)),
    (_extensions, (Role.DEPARTMENT_HEAD,)),
    (_orders_to_answer, (Role.DEPARTMENT_HEAD, Role.CENTRE_MANAGER, Role.DISCLOSURE_OFFICER)),
    (_alerts, (Role.SUPERVISOR, Role.DEPARTMENT_HEAD)),
    (_orders_to_close, (Role.SUPERVISOR,)),
    (_red_cases, (Role.SUPERVISOR, Role.CENTRE_MANAGER)),
    (_tickets_to_dispatch, (Role.HOTLINE_OPERATOR,)),
    (_tickets_first_answer, (Role.HOTLINE_OPERATOR,)),
    (_tickets_to_follow_up, (Role.HOTLINE_OPERATOR,)),
    # whoever may sign for and answer tickets (any staff of a handling organisation), by the tickets' own rule
    (_tickets_to_acknowledge, ticket_permissions.handles_tickets),
    (_tickets_to_answer, ticket_permissions.handles_tickets),
    (_requests_to_reply, (Role.DISCLOSURE_OFFICER,)),
    (_extensions_to_decide, (Role.DEPARTMENT_HEAD,)),
    (_publications_to_review, (Role.DISCLOSURE_OFFICER, Role.CONFIDENTIALITY_REVIEWER, Role.DEPARTMENT_HEAD)),
    (_rectifications, (Role.DEPARTMENT_HEAD, Role.CENTRE_MANAGER)),
    (_items_to_publish, (Role.CENTRE_MANAGER,)),
]


def worklists(user) -> list[WorkList]:
    """The lists of work the user's roles give them, in the order they would take them up; those with nothing
    waiting after those with something."""
    today = _Today()
    collector = access.collecting_window(user) is not None
    rules: dict = {}  # a rule of the user asked once, however many lists follow it

    def wanted(roles) -> bool:
        if not callable(roles):
            return access.has_role(user, *roles)
        if roles not in rules:
            rules[roles] = roles(user)
        return rules[roles]

    lists = [
        build(user, today)
        for build, roles in LISTS
        if wanted(roles) and not (collector and build in CASE_WORK)
    ]
    if collector:
        lists += [build(user, today) for build in FEE_WINDOW_LISTS]
    # 退付 to approve go to whoever may approve them, when there are some
    if _has_refunds_to_decide(user):
        lists.append(_refunds_to_decide(user, today))
    # the hall's wait warnings go to named people (a group's lead, the duty manager) whatever their role
    if not access.has_role(user, Role.CENTRE_MANAGER) and _has_hall_waits(user):
        lists.insert(0, _hall_waits(user, today))
    return sorted(lists, key=lambda w: w.count == 0)
