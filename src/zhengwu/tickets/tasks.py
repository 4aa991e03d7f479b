"""Background work for tickets, run by the task worker (`zhengwu db_worker`). Idempotent; schedule every few minutes."""

from django_tasks import task

from zhengwu.core.context import acting_as


@task()
def deem_acknowledged_task() -> int:
    """Tickets whose acknowledgement limit ran out count as acknowledged (late) by their lead organisation."""
    from zhengwu.tickets import services

    with acting_as(label="deem-acknowledged task"):
        return services.deem_overdue_acknowledged()


@task()
def first_answer_warnings_task() -> dict:
    """政民互动 messages near or past their 24-hour first answer get one warning event per level."""
    from zhengwu.tickets import services

    with acting_as(label="first-answer warnings task"):
        return services.flag_first_answers()
