"""The joint case follows its member cases: whenever a member case's stored copies are rebuilt (after each of its
events, by any service of cases), the joint dates and phase are refreshed in the same transaction."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from zhengwu.cases.models import Case
from zhengwu.cases.signals import case_decided, case_refused


@receiver(post_save, sender=Case, dispatch_uid="zhengwu.joint.follow_members")
def follow_members(sender, instance: Case, created: bool, update_fields=None, **kwargs) -> None:
    if created or not update_fields or "revision" not in update_fields:
        return  # only the rebuild after an event (cases.records._refresh saves the copies with the revision)
    from zhengwu.joint import services

    member = services.member_of(instance)
    if member is None:
        return
    services.refresh(member.joint)


@receiver(case_decided, dispatch_uid="zhengwu.joint.member_denied")
def member_denied(sender, case: Case, grant: bool, by=None, **kwargs) -> None:
    """A member department's 不予许可 (on the joint page or its own case page) ends or narrows the joint case; a grant
    asks nothing here (no query added to an ordinary case's decision)."""
    if grant:
        return
    from zhengwu.joint import endings

    endings.after_denial(case, by)


@receiver(case_refused, dispatch_uid="zhengwu.joint.member_refused")
def member_refused(sender, case: Case, by=None, reason: str = "", legal_basis: str = "", **kwargs) -> None:
    """A member department's 不予受理 during the 联办通知 stage ends or narrows the joint application."""
    from zhengwu.joint import endings

    endings.after_refusal(case, by, reason, legal_basis)


@receiver(case_decided, dispatch_uid="zhengwu.joint.member_granted")
def member_granted(sender, case: Case, grant: bool, by=None, **kwargs) -> None:
    """A member's 准予 starts the clocks of the members that waited on its result."""
    if not grant:
        return
    from zhengwu.joint import services

    services.start_clocks(case)
