"""Slice 4: reminders before expiry at the type's days (90/30/7 by default, configurable), once each, through the
outbox; expiry stored by the scheduled job; both run from `zhengwu scheduled`."""

import datetime as dt

from django.core.management import call_command
from django.db import transaction

from tests.factories import make_user
from tests.licences.conftest import granted
from zhengwu.cases.models import OutboxMessage
from zhengwu.core import clock, outbox
from zhengwu.core.outbox import LoggingSmsProvider
from zhengwu.licences import services
from zhengwu.licences.models import Licence, Status


def on(day: str):
    clock.set_now(dt.datetime.combine(dt.date.fromisoformat(day), dt.time(9), tzinfo=clock.LOCAL))


def reminders(w):
    return list(
        OutboxMessage.objects.filter(recipient=w.company.phone, body__contains="到期")
        .order_by("id")
        .values_list("body", flat=True)
    )


def test_reminders_at_90_30_and_7_days_once_each(lworld):
    licence = Licence.objects.get(case=granted(lworld))  # valid until 2031-09-27
    for day, expected in [
        ("2031-06-28", 0),  # 91 days before
        ("2031-06-29", 1),  # 90 days before
        ("2031-07-01", 1),  # still only once
        ("2031-08-28", 2),  # 30 days
        ("2031-09-20", 3),  # 7 days
        ("2031-09-21", 3),
    ]:
        on(day)
        services.remind_expiring()
        assert len(reminders(lworld)) == expected, day
    assert (
        f"您的食品经营许可证(编号 {licence.number})将于 2031年9月27日 到期,还有 7 天" in reminders(lworld)[-1]
    )


def test_reminder_days_are_per_type(lworld):
    lworld.food_type.reminder_days = [14]
    lworld.food_type.save()
    granted(lworld)
    on("2031-08-28")
    assert services.remind_expiring() == 0
    on("2031-09-13")
    assert services.remind_expiring() == 1


def test_a_late_start_sends_one_reminder_not_three(lworld):
    granted(lworld)
    on("2031-09-25")  # the job did not run for months: one message, all earlier days marked
    services.remind_expiring()
    services.remind_expiring()
    assert len(reminders(lworld)) == 1


def test_the_scheduled_jobs_store_expiry(lworld):
    licence = Licence.objects.get(case=granted(lworld))
    on("2031-09-28")
    assert licence.effective_status == Status.EXPIRED  # on any day, before the job ran
    call_command("scheduled")
    licence.refresh_from_db()
    assert licence.status == Status.EXPIRED and licence.ended_at is not None


def test_the_reminder_reaches_the_holders_phone(lworld):
    granted(lworld)
    on("2031-08-28")
    LoggingSmsProvider.sent.clear()
    services.remind_expiring()
    outbox.send_due()  # what `zhengwu scheduled` does when the worker did not run
    [text] = [text for phone, text in LoggingSmsProvider.sent if "到期" in text]
    assert (
        lworld.company.phone,
        text,
    ) in LoggingSmsProvider.sent and "将于 2031年9月27日 到期,还有 30 天" in text
    assert OutboxMessage.objects.get(body=text).state == OutboxMessage.State.SENT


LANDLINE = "0701-3312876"


def reminder_to(w) -> list[tuple[str, str]]:
    rows = OutboxMessage.objects.filter(channel="sms", body__contains="到期").order_by("id")
    return list(rows.values_list("recipient", "state"))


def test_a_holder_registered_with_a_fixed_line_is_reminded_at_the_contact_mobile_of_its_case(lworld):
    """As every SMS about a case (cases.notify.sms_choice): the contact mobile typed on the form comes first — the
    reminder went to the registered fixed line, which the outbox never texts."""
    lworld.company.phone = LANDLINE
    lworld.company.save()
    granted(lworld, form={"subject": "餐饮服务(热食类食品制售)", "contact_phone": "13970013528"})
    on("2031-08-28")
    services.remind_expiring()
    assert reminder_to(lworld) == [("13970013528", "pending")]


def test_an_imported_licence_reminds_at_the_mobile_of_the_holders_account(lworld):
    lworld.company.phone = LANDLINE
    lworld.company.user = make_user("13970013528")
    lworld.company.save()
    with transaction.atomic():  # from another library: no case of ours
        services._create(
            licence_type=lworld.food_type,
            issuer=lworld.bureau,
            holder_kind="legal",
            holder_name=lworld.company.name,
            holder_id=lworld.company.id_number,
            data={"subject": "餐饮服务", "legal_representative": "李四", "address": "花园街道 8 号"},
            valid_until=dt.date(2026, 12, 31),
        )
    on("2026-12-24")
    services.remind_expiring()
    assert reminder_to(lworld) == [("13970013528", "pending")]


def test_a_holder_with_only_a_fixed_line_gets_no_sms_and_the_outbox_says_so(lworld):
    lworld.company.phone = LANDLINE
    lworld.company.save()
    granted(lworld)
    on("2031-08-28")
    services.remind_expiring()
    assert reminder_to(lworld) == [(LANDLINE, "not_sent")]
