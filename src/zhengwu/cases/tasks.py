"""Background work for cases, run by the task worker (`zhengwu db_worker`). Tasks take ids and are idempotent."""

from django_tasks import task

from zhengwu.core.context import acting_as
from zhengwu.core.tasks import send_outbox_message  # noqa: F401 — the one outbox's task (queued rows name it here)


@task()
def deem_accepted_task() -> list[str]:
    """行政许可法 第三十二条: accept, as of receipt, every case whose 5 working days for an intake decision ran out.
    Safe to run any number of times (schedule it daily); returns the numbers of the cases it accepted."""
    from zhengwu.cases import services

    with acting_as(label="deem-accepted task"):
        return [case.number for case in services.deem_accepted()]
