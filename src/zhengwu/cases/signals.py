"""When an administrator loads a calendar year, open cases whose dates touched it get their due dates rebuilt
(inside the same transaction as the load, so the calendar and the stored dates never disagree)."""

from django.dispatch import Signal, receiver

from zhengwu.core.calendar import calendar_year_loaded


@receiver(calendar_year_loaded, dispatch_uid="zhengwu.cases.recompute_dues")
def recompute_dues(sender, year: int, **kwargs) -> None:
    from zhengwu.cases import services

    services.recompute_for_year(year)


# Sent by decide_case inside the decision's transaction (case, grant, by): the licence library issues the licence
# a grant yields in the same transaction.
case_decided = Signal()
