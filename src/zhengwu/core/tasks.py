"""Background work of the kernel, run by the task worker (`zhengwu db_worker`). Tasks take ids and are idempotent."""

from django_tasks import task


@task()
def send_outbox_message(message_id: int) -> str:
    """Send one outbox message; a failure schedules a bounded number of retries (see core.outbox.deliver)."""
    from zhengwu.core import outbox

    return outbox.deliver(message_id)


@task()
def seal_audit_chain() -> int:
    """Chain the audit records appended since the last seal (asked for after every audited write commits)."""
    from zhengwu.core import audit

    return audit.seal()
