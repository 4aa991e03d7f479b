"""Notifying applicants: what each event tells the applicant (and their agent), written to the one outbox
(core.outbox) in the service's transaction; core.outbox sends it after commit through its channels, with bounded
retries. The outbox's names are re-exported here for the callers that knew them as cases'.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhengwu.cases import selectors
from zhengwu.cases.models import Case, CaseEvent, Channel, OutboxMessage, Status
from zhengwu.core import outbox
from zhengwu.core.masking import mask_name
from zhengwu.core.outbox import (  # noqa: F401 — the outbox's names, as callers of cases.notify knew them
    BACKOFF_MINUTES,
    MAX_ATTEMPTS,
    LoggingSmsProvider,
    SmsProvider,
    deliver,
    send_due,
    sms_provider,
)
from zhengwu.core.thresholds import INTAKE_WORKDAYS

log = logging.getLogger(__name__)

# What the applicant is told for each event that changes something they care about.
MESSAGES = {
    "submit": _(
        "您的申请已收件,办件编号 %(number)s,查询码 %(query_code)s。受理机关将在 %(intake_days)s 个工作日内作出受理决定。"
    ),
    "request_supplement": _("您的申请 %(number)s 需要补正材料,请按补正材料通知书一次性补齐后提交。"),
    "supply_supplement": _(
        "您的申请 %(number)s 已补齐材料,受理机关将在 %(intake_days)s 个工作日内作出受理决定。"
    ),
    "accept": _("您的申请 %(number)s 已受理,承诺办结期限 %(promised_due)s。"),
    "deem_accept": _(
        "您的申请 %(number)s 超过 %(intake_days)s 个工作日未作受理决定,依法自收件之日起视为受理,承诺办结期限 %(promised_due)s。"
    ),
    "refuse": _("您的申请 %(number)s 不予受理,理由见不予受理通知书。"),
    "suspend": _("您的申请 %(number)s 进入特别程序,期间不计入办理时限。"),
    "resume": _("您的申请 %(number)s 已恢复办理,承诺办结期限 %(promised_due)s。"),
    "approve_extension": _("您的申请 %(number)s 经批准延期,法定办结期限延至 %(legal_due)s。"),
    "withdraw": _("您的申请 %(number)s 已撤回。"),
    "terminate": _("您的申请 %(number)s 已终止办理。"),
    "decide": _("您的申请 %(number)s 已作出决定:%(decision)s。"),
    "deliver": _("您的申请 %(number)s 的办理结果已送达(%(delivery)s)。"),
    "complete": _("您的申请 %(number)s 已办结。"),
}


# The messages that say what was charged (收费), when something was: the decision and the completion.
FEE_LINE_ACTIONS = ("decide", "complete")
FEE_LINE = _("已收取费用：%(total)s 元（%(names)s）。")

# Lines other domains add to an applicant's message (e.g. evaluation's rating link on completion). Domains that
# build on cases register here from their AppConfig.ready(), so cases never imports them.
MESSAGE_ADDITIONS: list[Callable[[Case, CaseEvent], str | None]] = []


# Checks that hold an event's message back because another domain tells the applicant itself (joint approval sends
# one combined message for its member cases). Registered from AppConfig.ready(), like MESSAGE_ADDITIONS.
MESSAGE_HOLDS: list[Callable[[Case, CaseEvent], bool]] = []


def hold_messages(check: Callable[[Case, CaseEvent], bool]) -> None:
    """Register a function that returns True when the applicant's message for this event is sent elsewhere."""
    if check not in MESSAGE_HOLDS:
        MESSAGE_HOLDS.append(check)


def add_to_messages(addition: Callable[[Case, CaseEvent], str | None]) -> None:
    """Register a function whose text (when not None) is appended to the applicant's message for an event."""
    if addition not in MESSAGE_ADDITIONS:
        MESSAGE_ADDITIONS.append(addition)


def _text(case: Case, event: CaseEvent) -> str | None:
    template = MESSAGES.get(event.action)
    if template is None:
        return None
    text = template % {
        "number": case.number,
        "query_code": case.query_code,
        "intake_days": INTAKE_WORKDAYS,
        "promised_due": case.promised_due.isoformat() if case.promised_due else gettext("待定"),
        "legal_due": case.legal_due.isoformat() if case.legal_due else gettext("待定"),
        "decision": case.get_decision_display() if case.decision else "",
        "delivery": case.get_delivery_display() if case.delivery else "",
    }
    extras = [extra for addition in MESSAGE_ADDITIONS if (extra := addition(case, event))]
    return "".join([text, fee_line(case, event), *extras])


def fee_line(case: Case, event: CaseEvent) -> str:
    """ "已收取费用：60.00 元（工本费、检验费）。" on the decision and completion messages when fees were charged on
    the case; nothing otherwise (an item that charges nothing, 不收费, says nothing about fees)."""
    if event.action not in FEE_LINE_ACTIONS:
        return ""
    # the case's events, when the service that wrote this one has them at hand (cases.records._record)
    events = (getattr(event, "prepared_context", None) or {}).get("events")
    fees = selectors.fees_charged(case, events=events)
    if not fees["items"]:
        return ""
    return FEE_LINE % {"total": fees["total"], "names": "、".join(fees["names"])}


def addressee(case: Case) -> str:
    """Whom a message is addressed to, names masked: the applicant, and the agent who applied for them."""
    name = mask_name(case.applicant.name)
    if not case.agent_name:
        return name
    return gettext("%(name)s(代办人 %(agent)s)") % {"name": name, "agent": mask_name(case.agent_name)}


def agent_contacts(case: Case) -> list[tuple[str, str]]:
    """Where the agent (代办人) of a case is reached, as (channel, recipient): online, the signed-in portal account
    that filed the case (its applicant record's phone and e-mail, else the account's e-mail and the phone recorded
    on the case); at the counter, the agent phone the clerk recorded. Empty for a case without an agent."""
    if not case.agent_name:
        return []
    phone, email = case.agent_phone, ""
    account = case.created_by if case.created_by_id else None
    if (
        case.channel == Channel.ONLINE
        and account is not None
        and case.created_by_id != case.applicant.user_id
    ):
        profile = getattr(account, "applicant", None)  # the agent's own record, when the account has one
        phone = (profile.phone if profile else "") or phone
        email = (profile.email if profile else "") or account.email
    contacts = []
    if email.strip():
        contacts.append(("email", email.strip()))
    if phone.strip():
        contacts.append(("sms", phone.strip()))
    return contacts


def agent_text(case: Case, text: str) -> str:
    """The agent's copy of a message: "张*:您代办的李**的申请 …", names masked like the applicant's message."""
    own = gettext("您的申请")  # how the applicant's messages begin (MESSAGES)
    whose = gettext("您代办的%(applicant)s的申请") % {"applicant": mask_name(case.applicant.name)}
    rest = text.removeprefix(own) if text.startswith(own) else ":" + text
    return _to(mask_name(case.agent_name), whose + rest)


def _to(addressee: str, text: str) -> str:
    """A message headed by whom it is for: "张*:您的申请 …"."""
    return gettext("%(addressee)s:%(text)s") % {"addressee": addressee, "text": text}


def _subject(case: Case, what) -> str:
    return gettext("【政务服务】办件 %(number)s:%(what)s") % {"number": case.number, "what": what}


def tell_applicant(case: Case, text: str, *, subject: str) -> list[OutboxMessage]:
    """A message outside the case's events (a correction, a refund's decision) to the applicant: e-mail and SMS where
    known (the SMS to the agent's number when the applicant gave none), written to the outbox in the caller's
    transaction."""
    body = _to(addressee(case), text)
    messages = []
    if case.applicant.email:
        messages.append(
            OutboxMessage(
                case=case,
                channel="email",
                recipient=case.applicant.email,
                subject=_subject(case, subject),
                body=body,
            )
        )
    phone = case.applicant.phone or case.agent_phone
    if phone:
        messages.append(OutboxMessage(case=case, channel="sms", recipient=phone, body=body))
    return outbox.post_all(messages)


def queue(case: Case, event: CaseEvent) -> list[OutboxMessage]:
    """Write the messages for this event to the outbox (call inside the service's transaction): the applicant's,
    and a copy for the agent who applied for them (代办人) at the agent's own contact unless that contact already
    gets the applicant's message. The worker is asked to send them once the transaction commits."""
    if case.status == Status.DRAFT:
        return []
    if any(hold(case, event) for hold in MESSAGE_HOLDS):
        return []
    text = _text(case, event)
    if text is None:
        return []
    applicant = case.applicant
    subject = _subject(case, event.to_status and Status(event.to_status).label)
    body = _to(addressee(case), text)
    messages = []
    if applicant.email:
        messages.append(OutboxMessage(case=case, channel="email", recipient=applicant.email, body=body))
    phone = applicant.phone or case.agent_phone
    if phone:
        messages.append(OutboxMessage(case=case, channel="sms", recipient=phone, body=body))
    sent_to = {(m.channel, m.recipient.strip().lower()) for m in messages}
    copy = None
    for channel, recipient in agent_contacts(case):
        if (channel, recipient.lower()) in sent_to:
            continue  # the agent's number or address already gets the applicant's message: once is enough
        copy = copy or agent_text(case, text)
        messages.append(OutboxMessage(case=case, channel=channel, recipient=recipient, body=copy))
        sent_to.add((channel, recipient.lower()))
    for message in messages:
        if message.channel == "email":
            message.subject = subject
    return outbox.post_all(messages)
