"""A grant issues its licence inside the decision's transaction (cases send `case_decided` from decide_case)."""

from django.dispatch import receiver

from zhengwu.cases.signals import case_decided


@receiver(case_decided, dispatch_uid="zhengwu.licences.issue_on_grant")
def issue_on_grant(sender, case, grant: bool, by=None, **kwargs) -> None:
    if grant:
        from zhengwu.licences import services

        services.issue_for_case(case, by=by)
