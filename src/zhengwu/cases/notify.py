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
from zhengwu.core import inputs, outbox
from zhengwu.core.calendar import chinese_date
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
        # the day as people write it (2026年11月20日), not ISO: the message is read, not parsed
        "promised_due": chinese_date(case.promised_due) if case.promised_due else gettext("待定"),
        "legal_due": chinese_date(case.legal_due) if case.legal_due else gettext("待定"),
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


# Why an applicant's SMS was not queued (kept in the outbox as 未发送 with the text it would have carried).
NO_MOBILE = _("未发送短信:申请人未登记手机号码")
NOT_A_MOBILE = _("未发送短信:申请人留下的电话不是手机号码,短信只发往手机")


def form_contacts(form: dict, version=None) -> list[str]:
    """The contact numbers typed on the application form (联系电话): its `contact_phone`, then any other field of the
    item's form titled 联系电话/联系人电话/联系手机 — the number the applicant asked to be reached at for this case."""
    from zhengwu.cases.forms import schema_of

    form = form or {}
    keys = ["contact_phone"]
    fields = (schema_of(version).get("properties") or {}) if version is not None else {}
    for key, field in fields.items():
        title = str(field.get("title", "")) if isinstance(field, dict) else ""
        if key not in keys and "联系" in title and ("电话" in title or "手机" in title):
            keys.append(key)
    typed = [str(form.get(key) or "").strip() for key in keys]
    return [number for number in typed if number]


def sms_choice(case: Case, form: dict | None = None) -> tuple[str, str, str]:
    """Where the applicant's SMS about the case goes, as (mobile, other, reason). An SMS goes only to a mainland
    mobile number (11 digits, 1[3-9]); the first mobile of: the contact number typed on the application form
    (`form`, by default the case's), the applicant's registered phone, the phone number the applicant's portal
    account signs in with, and — when an agent (代办人) filed the case and none of the applicant's own is a mobile —
    the agent's (who gets a copy of every message anyway: `agent_contacts`). With none, `mobile` is empty, `other`
    the first number known that is no mobile (a company's fixed line) and `reason` says why no SMS was sent. Every
    SMS to an applicant chooses by it: the case's messages, the rating's feedback to its rater (evaluation) and a
    licence's expiry reminder (licences)."""

    def candidates():  # in order, each read only when the ones before it gave no mobile
        for number in form_contacts(case.form if form is None else form, case.version):
            yield number, True
        yield from _own_numbers(case.applicant)
        for channel, number in agent_contacts(case, mobiles_only=False):
            if channel == "sms":
                yield number, True

    return _first_mobile(candidates())


def applicant_sms_choice(applicant) -> tuple[str, str, str]:
    """`sms_choice` for a message about no case of ours (a licence imported from another library): the first mobile
    of the applicant's registered phone and the phone their portal account signs in with; (mobile, other, reason)
    as `sms_choice` gives them."""
    return _first_mobile(_own_numbers(applicant))


def _own_numbers(applicant):
    """The applicant's own numbers, in `sms_choice`'s order, each with whether it is a phone number one may call."""
    yield applicant.phone or "", True
    if applicant.user_id:
        yield applicant.user.username, False  # an account is named by its phone (or its e-mail address)


def _first_mobile(candidates) -> tuple[str, str, str]:
    known = []
    for number, is_phone in candidates:
        if mobile := inputs.mobile_or_none(number):
            return mobile, "", ""
        if is_phone and (number or "").strip():
            known.append(number.strip())
    return "", known[0] if known else "", str(NOT_A_MOBILE if known else NO_MOBILE)


def sms_to_applicant(case: Case, body: str, *, form: dict | None = None) -> OutboxMessage:
    """The applicant's SMS (an unsaved outbox row) at the number `sms_choice` gives; with no mobile known, a row kept
    as not sent (未发送) with the reason, so the outbox shows what the applicant was not told and why."""
    mobile, other, reason = sms_choice(case, form)
    if mobile:
        return OutboxMessage(case=case, channel="sms", recipient=mobile, body=body)
    return OutboxMessage(
        case=case,
        channel="sms",
        recipient=other,
        body=body,
        state=OutboxMessage.State.NOT_SENT,
        last_error=reason,
    )


def agent_contacts(case: Case, *, mobiles_only: bool = True) -> list[tuple[str, str]]:
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
    if mobiles_only:
        phone = inputs.mobile_or_none(phone)  # an SMS goes only to a mobile (an agent's fixed line gets none)
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
    messages.append(sms_to_applicant(case, body))
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
    messages.append(sms_to_applicant(case, body))
    sent_to = {
        (m.channel, m.recipient.strip().lower()) for m in messages if m.state == OutboxMessage.State.PENDING
    }
    copy = None
    for channel, recipient in agent_contacts(case):
        if (channel, recipient.lower()) in sent_to:
            continue  # the agent's number or address already gets the applicant's message: once is enough
        copy = copy or agent_text(case, text)
        messages.append(OutboxMessage(case=case, channel=channel, recipient=recipient, body=copy))
        sent_to.add((channel, recipient.lower()))
    for message in messages:
        message.event = event
        if message.channel == "email":
            message.subject = subject
    return outbox.post_all(messages)
