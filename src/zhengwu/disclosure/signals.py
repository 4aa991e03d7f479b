"""When an administrator loads a calendar year, the requests' reply due dates that touched it are counted again, inside the
same transaction as the load (so the calendar and the stored dates never disagree)."""

from django.dispatch import receiver

from zhengwu.core.calendar import calendar_year_loaded


@receiver(calendar_year_loaded, dispatch_uid="zhengwu.disclosure.recompute_dues")
def recompute_dues(sender, year: int, **kwargs) -> None:
    from zhengwu.disclosure import services

    services.recompute_for_year(year)
