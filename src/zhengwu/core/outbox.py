"""The one outbox: every message the platform sends (an applicant's notification, a one-time notice, a supervision
warning) is written in the transaction of the change that causes it and sent after that transaction commits, by
the task worker or at once, through pluggable channels, with bounded retries. Nothing is sent for a change that
rolled back, and a channel that fails is tried again later (MAX_ATTEMPTS, BACKOFF_MINUTES), then marked failed.

Channels: "email" (Django's mail) and "sms" (the provider named by the setting ZHENGWU_SMS_PROVIDER, a dotted path
to a class with `send(phone, text)`; the default, LoggingSmsProvider, logs the message and sends nothing).

The table is core.models.OutboxBase's one concrete model, cases.OutboxMessage (it links a message to its case);
cases registers it in its AppConfig.ready() with `use()`, so core imports no domain. `zhengwu cases send-outbox`
and `zhengwu scheduled` send what the worker missed (`send_due`).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext

from zhengwu.core import clock, inputs, tasks
from zhengwu.core.masking import mask_phone
from zhengwu.core.models import OutboxBase

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# Minutes to wait before the 2nd, 3rd, 4th and 5th attempt.
BACKOFF_MINUTES = (1, 5, 30, 120)

_TABLE: list[type[OutboxBase]] = []


def use(model: type[OutboxBase]) -> None:
    """Register the outbox's table (once, from the owning app's ready())."""
    _TABLE[:] = [model]


def table() -> type[OutboxBase]:
    if not _TABLE:
        raise RuntimeError("no outbox table registered (cases.apps registers cases.OutboxMessage)")
    return _TABLE[0]


class SmsProvider(Protocol):
    """A way of sending a text message; raise any exception to mark the attempt failed."""

    def send(self, phone: str, text: str) -> None: ...


class LoggingSmsProvider:
    """The stand-in: logs the message (phone masked) and keeps it in `sent` for tests and demos."""

    sent: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        LoggingSmsProvider.sent.append((phone, text))
        log.info("SMS to %s: %s", phone[:3] + "****" + phone[-4:], text)


def sms_provider() -> SmsProvider:
    path = getattr(settings, "ZHENGWU_SMS_PROVIDER", "zhengwu.core.outbox.LoggingSmsProvider")
    return import_string(path)()


def _send(message: OutboxBase) -> None:
    if message.channel == "email":
        send_mail(message.subject, message.body, None, [message.recipient], fail_silently=False)
    elif message.channel == "sms":
        sms_provider().send(message.recipient, message.body)
    else:
        raise ValueError(f"unknown channel {message.channel}")


def post_all(messages: list[OutboxBase], *, now: bool = False) -> list[OutboxBase]:
    """Write the messages (unsaved rows of the outbox table) in the caller's transaction; once it commits, the
    worker is asked to send them — or, with `now`, one attempt is made at once and the worker retries a failure.
    An SMS goes only to a mainland mobile number: one addressed to anything else (a fixed line) is kept as not sent
    (NOT_SENT) with the reason, like a row the caller wrote not sent already (cases.notify: no mobile known) — never
    dropped silently, never handed to the SMS provider."""
    if not messages:
        return []
    moment = clock.now()
    model = table()
    for message in messages:
        if message.channel == "sms" and message.state == model.State.PENDING:
            if mobile := inputs.mobile_or_none(message.recipient):
                message.recipient = mobile
            else:
                message.state = model.State.NOT_SENT
                message.last_error = gettext("未发送短信:%(phone)s 不是手机号码,短信只发往手机") % {
                    "phone": mask_phone(message.recipient) or gettext("(空)")
                }
        pending = message.state == model.State.PENDING
        message.created_at, message.next_attempt_at = moment, moment if pending else None
    messages = model.objects.bulk_create(messages)
    ids = [m.pk for m in messages if m.state == model.State.PENDING]
    if not ids:
        return messages
    if now:
        transaction.on_commit(lambda: [deliver(pk) for pk in ids])
    elif _sealing() and tasks.ask_seal():
        # one task sends the messages and seals the write's audit records (which then ask for nothing more)
        tasks.with_write(lambda in_write: _enqueue_write(ids, in_write))
    else:
        tasks.with_write(lambda in_write: enqueue(ids, in_write=in_write))
    return messages


def post(
    channel: str, recipient: str, body: str, *, subject: str = "", now: bool = False, **links
) -> OutboxBase:
    """One message (see post_all); `links` are the table's own columns (cases.OutboxMessage: case=)."""
    [message] = post_all(
        [table()(channel=channel, recipient=recipient, subject=subject, body=body, **links)], now=now
    )
    return message


def enqueue(ids: list[int], run_after: dt.datetime | None = None, *, in_write: bool = False) -> None:
    """Ask the task worker to send these messages (after `run_after`); a queue that is down loses nothing: the
    message stays pending for `send_due`. `in_write`: queued in the write's own transaction (core.tasks.with_write),
    where a failure fails the write."""
    for message_id in ids:
        try:
            task = (
                tasks.send_outbox_message.using(run_after=run_after)
                if run_after
                else tasks.send_outbox_message
            )
            task.enqueue(message_id)
        except Exception:  # the outbox keeps the message; `zhengwu cases send-outbox` picks it up
            if in_write:
                raise
            log.exception("could not enqueue outbox message %s", message_id)


def _sealing() -> bool:
    return getattr(settings, "ZHENGWU_AUDIT_SEAL", "task") == "task"


def _enqueue_write(ids: list[int], in_write: bool) -> None:
    try:
        tasks.send_and_seal.enqueue(ids)
    except Exception:  # the outbox keeps the messages (`send_due`), the records wait for the next seal
        if in_write:
            raise
        log.exception("could not enqueue outbox messages %s", ids)


def deliver(message_id: int) -> str:
    """Try to send one message; on failure schedule the next attempt until MAX_ATTEMPTS, then mark it failed.
    Idempotent: a message already sent or given up is left alone. Returns the message's state."""
    model = table()
    with transaction.atomic():
        message = model.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.state != model.State.PENDING:
            return message.state if message else "missing"
        message.attempts += 1
        try:
            _send(message)
        except Exception as exc:
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if message.attempts >= MAX_ATTEMPTS:
                message.state, message.next_attempt_at = model.State.FAILED, None
            else:
                wait = BACKOFF_MINUTES[min(message.attempts, len(BACKOFF_MINUTES)) - 1]
                message.next_attempt_at = clock.now() + dt.timedelta(minutes=wait)
                run_after = message.next_attempt_at
                tasks.with_write(lambda in_write: enqueue([message_id], run_after, in_write=in_write))
        else:
            message.state, message.sent_at, message.last_error = model.State.SENT, clock.now(), ""
            message.next_attempt_at = None
        message.save(update_fields=["state", "attempts", "last_error", "next_attempt_at", "sent_at"])
        return message.state


def send_due(*, limit: int = 500) -> tuple[int, int]:
    """Send pending messages whose time has come (for operators and cron when the worker was down)."""
    model = table()
    ids = list(
        model.objects.filter(state=model.State.PENDING, next_attempt_at__lte=clock.now())
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    states = [deliver(pk) for pk in ids]
    return states.count(model.State.SENT), states.count(model.State.FAILED)
