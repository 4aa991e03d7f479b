"""A grant issues its licence inside the decision's transaction (cases send `case_decided` from decide_case), and
the cases that need that result (a joint case's members) take it from the library there too."""

from django.dispatch import receiver

from zhengwu.cases.signals import case_decided


@receiver(case_decided, dispatch_uid="zhengwu.licences.issue_on_grant")
def issue_on_grant(sender, case, grant: bool, by=None, **kwargs) -> None:
    if grant:
        from zhengwu.licences import reuse, services

        licence = services.issue_for_case(case, by=by)
        if licence is not None:
            reuse.pass_on(licence, case)  # a joint case's members needing this result take it, no upload
