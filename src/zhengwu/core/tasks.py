"""Background work of the kernel, run by the task worker (`zhengwu db_worker`). Tasks take ids and are idempotent."""

from collections.abc import Callable

from django.db import router, transaction
from django_tasks import task


@task()
def send_outbox_message(message_id: int) -> str:
    """Send one outbox message; a failure schedules a bounded number of retries (see core.outbox.deliver)."""
    from zhengwu.core import outbox

    return outbox.deliver(message_id)


@task()
def send_and_seal(message_ids: list[int]) -> list[str]:
    """What a write asks of the worker when it posted messages: send them (each retried as send_outbox_message),
    then seal the audit chain — one task row per write instead of one per message and one more for the seal."""
    from zhengwu.core import audit, outbox

    states = [outbox.deliver(message_id) for message_id in message_ids]
    audit.seal()
    return states


@task()
def seal_audit_chain() -> int:
    """Chain the audit records appended since the last seal (asked for after every audited write commits)."""
    from zhengwu.core import audit

    return audit.seal()


def with_write(enqueue: Callable[[bool], object], *, using: str | None = None) -> None:
    """Queue work a write asks for, as part of that write.

    With the database queue (django-tasks-db, the default) inside a transaction, `enqueue(True)` runs now: its task row is
    inserted in the write's own transaction, committed or rolled back with it, and no worker sees it before the
    write is committed — one commit for the write and its tasks instead of one more per task (each a WAL flush on
    PostgreSQL). Any other queue (Redis, the immediate backend) must not hear of a write that may still roll back:
    there `enqueue(False)` runs once the write commits. (Given True, `enqueue` lets a failure through: the write's
    transaction cannot go on after a failed statement, so the write fails whole; given False, the write is
    committed already and a failure to queue is only logged — what was written waits for the next sweep.)
    """
    connection = transaction.get_connection(using)
    if connection.in_atomic_block and _queued_in(connection.alias):
        enqueue(True)
    else:
        transaction.on_commit(lambda: enqueue(False), using=using)


def _queued_in(alias: str) -> bool:
    """Does the default task backend keep its queue in the database `alias`?"""
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    return isinstance(backend, DatabaseBackend) and router.db_for_write(DBTaskResult) == alias


def ask_seal() -> bool:
    """Note that the current transaction has asked for the audit chain to be sealed after it; False if it had
    already (once per transaction: the note goes with a rolled-back savepoint, so a later record asks again)."""
    connection = transaction.get_connection()
    if any(getattr(entry[1], "_zw_seal", False) for entry in connection.run_on_commit):
        return False
    transaction.on_commit(_seal_asked)
    return True


def _seal_asked() -> None:
    pass


_seal_asked._zw_seal = True
