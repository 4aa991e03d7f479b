"""The outbox's messages are sent by the task worker on every backend a deployment can choose: the database queue
(one server) and Redis/RQ (several servers) — `zhengwu worker` picks the backend's worker and job class.

The Redis tests use their own Redis database (ZHENGWU_TEST_REDIS_URL, default redis://127.0.0.1:6379/13), emptied
before each test; they are skipped when no Redis answers or the `redis` extra is not installed."""

import os
import subprocess
import sys

import pytest
from django.core import mail
from django.core.management import call_command

from zhengwu.cases import notify, services
from zhengwu.cases.models import OutboxMessage

TEST_REDIS_URL = os.environ.get("ZHENGWU_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


def _redis_or_skip():
    pytest.importorskip("django_tasks_rq")
    import redis

    connection = redis.Redis.from_url(TEST_REDIS_URL)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {TEST_REDIS_URL}")
    return connection


@pytest.fixture(params=["database", "redis"])
def task_backend(request, settings, transactional_db):
    """Each test runs once with the database queue and once with Redis/RQ. The workers commit and close their
    database connections as they would in production, so these tests really commit (transactional_db)."""
    if request.param == "redis":
        connection = _redis_or_skip()
        connection.flushdb()
        settings.RQ_QUEUES = {"default": {"URL": TEST_REDIS_URL}}
        settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
        yield request.param
        connection.flushdb()
    else:
        settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
        yield request.param
    drop_number_sequences()


def drop_number_sequences():
    """These tests commit: the case-number sequences they made (PostgreSQL) go, as the rolled-back tests' do."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relkind = 'S' AND relname LIKE 'zw_case_number_%%'"
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP SEQUENCE IF EXISTS "{name}"')


def _submit(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the messages are enqueued once the write commits
        return services.submit_case(
            item=world.item, applicant=world.citizen, by=world.citizen_user, form={"subject": "x"}
        )


@pytest.mark.xdist_group("redis")
def test_the_worker_sends_the_outbox_messages_of_a_submitted_case(
    world, settings, task_backend, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    notify.LoggingSmsProvider.sent.clear()
    case = _submit(world, django_capture_on_commit_callbacks)
    messages = OutboxMessage.objects.filter(case=case)
    assert {m.state for m in messages} == {"pending"} and messages.count() == 2

    call_command("worker", "--burst", "--no-fork", verbosity=0)

    assert {m.state for m in messages.all()} == {"sent"}
    assert mail.outbox[-1].to == ["zhang@example.com"] and case.number in mail.outbox[-1].body
    assert [text for _, text in notify.LoggingSmsProvider.sent] == [messages.get(channel="sms").body]


@pytest.mark.xdist_group("redis")
def test_a_failed_send_is_retried_by_the_worker(
    world, settings, task_backend, django_capture_on_commit_callbacks
):
    from tests.cases.test_import_notify import FlakySms

    settings.ZHENGWU_SMS_PROVIDER = "tests.cases.test_import_notify.FlakySms"
    FlakySms.calls = 0
    case = _submit(world, django_capture_on_commit_callbacks)
    sms = OutboxMessage.objects.get(case=case, channel="sms")
    with django_capture_on_commit_callbacks(execute=True):  # the retry is enqueued when the attempt commits
        call_command("worker", "--burst", "--no-fork", verbosity=0)
    sms.refresh_from_db()
    # each attempt goes through the worker and is counted; retries are queued with their run_after (the test clock
    # is fixed in 2026-11, so a backend comparing run_after with the real time may run them in the same burst)
    assert FlakySms.calls == sms.attempts >= 1 and "短信网关超时" in sms.last_error
    assert (sms.state, sms.next_attempt_at is None) in {("pending", False), ("failed", True)}
    assert sms.state == "pending" or sms.attempts == notify.MAX_ATTEMPTS


def test_the_documented_rqworker_uses_the_job_class_tasks_need():
    """`zhengwu rqworker default` (docs/deploy.md) runs tasks only with django-tasks-rq's job class."""
    pytest.importorskip("django_tasks_rq")
    code = "from django.conf import settings; print(settings.RQ['JOB_CLASS'])"
    env = {**os.environ, "ZHENGWU_TASKS": "redis", "DJANGO_SETTINGS_MODULE": "zhengwu.settings"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "django_tasks_rq.backend.Job"
