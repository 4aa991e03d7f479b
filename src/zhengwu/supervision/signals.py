"""Rules run on every case event and every ticket event, inside the transaction that writes it, so an alert commits with its event.
A loaded calendar year makes the working-day index stale: it is dropped and rebuilt when next needed; orders' response
dates that reached into the year are counted again."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from zhengwu.cases.models import CaseEvent
from zhengwu.core.calendar import calendar_year_loaded
from zhengwu.tickets.models import TicketEvent


@receiver(post_save, sender=CaseEvent, dispatch_uid="zhengwu.supervision.rules_on_event")
def run_rules(sender, instance: CaseEvent, created: bool, raw: bool = False, **kwargs) -> None:
    if not created or raw:
        return
    from zhengwu.supervision import rules

    rules.run_for_event(instance)


@receiver(post_save, sender=TicketEvent, dispatch_uid="zhengwu.supervision.rules_on_ticket_event")
def run_ticket_rules(sender, instance: TicketEvent, created: bool, raw: bool = False, **kwargs) -> None:
    if not created or raw:
        return
    from zhengwu.supervision import rules

    rules.run_for_ticket_event(instance)


@receiver(calendar_year_loaded, dispatch_uid="zhengwu.supervision.recompute_dues")
def recompute_dues(sender, year: int, **kwargs) -> None:
    from zhengwu.supervision import services

    services.recompute_for_year(year)


@receiver(calendar_year_loaded, dispatch_uid="zhengwu.supervision.forget_workday_index")
def forget_workday_index(sender, year: int, **kwargs) -> None:
    from zhengwu.supervision.models import WorkdayIndex

    WorkdayIndex.objects.all().delete()
