"""A case that ends without its result (withdrawn, refused, terminated, denied) cancels its unpaid payment notice in
the same transaction: nothing stays due for a case that will never be delivered. A paid one stays, for a refund."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from zhengwu.cases.models import CaseEvent

ENDING = {"withdraw", "refuse", "terminate"}


@receiver(post_save, sender=CaseEvent, dispatch_uid="zhengwu.fees.cancel_on_end")
def cancel_unpaid_notice(sender, instance: CaseEvent, created: bool, **kwargs):
    if not created:
        return
    ends = instance.action in ENDING or (
        instance.action == "decide" and (instance.data or {}).get("decision") == "deny"
    )
    if not ends:
        return
    from zhengwu.core import audit
    from zhengwu.fees.models import Notice

    notice = Notice.objects.filter(case_id=instance.case_id, state=Notice.State.UNPAID).first()
    if notice is None:
        return
    from zhengwu.core import clock

    notice.state = Notice.State.CANCELLED
    notice.cancelled_at = clock.now()
    notice.cancel_reason = "办件终止办理,未缴款的缴款通知书随之作废"
    notice.save(update_fields=["state", "cancelled_at", "cancel_reason"])
    audit.record(
        "fees.cancel_notice",
        notice,
        summary={"code": notice.code, "because": instance.action},
        actor=instance.actor,
    )
