"""When an administrator loads a calendar year, open cases whose dates touched it get their due dates rebuilt
(inside the same transaction as the load, so the calendar and the stored dates never disagree)."""

from django.db.models.signals import post_save
from django.dispatch import Signal, receiver

from zhengwu.core.calendar import calendar_year_loaded
from zhengwu.core.models import Organisation, Region


@receiver(calendar_year_loaded, dispatch_uid="zhengwu.cases.recompute_dues")
def recompute_dues(sender, year: int, **kwargs) -> None:
    from zhengwu.cases import services

    services.recompute_for_year(year)


@receiver(post_save, sender=Organisation, dispatch_uid="zhengwu.cases.copy_scope")
def organisation_moved(sender, instance: Organisation, created: bool, **kwargs) -> None:
    """An organisation moved (another parent or region): its cases' scope columns follow it (issue 20). Organisation
    .save() writes its new path after this signal, so the path is worked out here the same way."""
    if created or kwargs.get("raw"):
        return
    from zhengwu.cases.models import Case

    parent = Organisation.objects.filter(pk=instance.parent_id).values_list("path", flat=True).first()
    org_path = f"{parent or '/'}{instance.pk}/"
    region_path = Region.objects.filter(pk=instance.region_id).values_list("path", flat=True).first() or ""
    Case.objects.filter(organisation_id=instance.pk).exclude(
        org_path=org_path, region_path=region_path
    ).update(org_path=org_path, region_path=region_path)


# Sent by decide_case inside the decision's transaction (case, grant, by): the licence library issues the licence
# a grant yields in the same transaction.
case_decided = Signal()

# Sent by refuse_case inside the refusal's transaction (case, by, reason, legal_basis): a joint case ends or narrows
# when one of its member cases is not accepted (不予受理).
case_refused = Signal()
