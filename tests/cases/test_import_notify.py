import contextlib
import datetime as dt
import json

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import transaction

from tests.cases.conftest import resident_id
from zhengwu.cases import history, notify, services
from zhengwu.cases.models import Case, OutboxMessage
from zhengwu.core import calendar, clock


def line(world, **changes):
    record = {
        "number": "360681-2025-000042",
        "item": {"code": world.item.code, "version": 1},
        "applicant": {
            "kind": "natural",
            "name": "陈六",
            "id_number": resident_id("19700505", "321"),
            "phone": "13600136000",
        },
        "channel": "counter",
        "events": [
            {"at": "2025-09-26T09:30:00+08:00", "action": "submit", "actor": "王窗口"},
            {"at": "2025-09-26T10:00:00+08:00", "action": "accept", "actor": "王窗口"},
            {"at": "2025-09-29T15:00:00+08:00", "action": "suspend", "kind": "testing", "expected_days": 3},
            {"at": "2025-10-10T09:00:00+08:00", "action": "resume"},
            {"at": "2025-10-13T09:00:00+08:00", "action": "complete_step", "opinion": "同意"},
            {
                "at": "2025-10-14T09:00:00+08:00",
                "action": "decide",
                "decision": "grant",
                "reasons": "符合条件",
            },
            {"at": "2025-10-15T09:00:00+08:00", "action": "deliver", "method": "window"},
            {"at": "2025-10-15T09:05:00+08:00", "action": "complete"},
        ],
    }
    record.update(changes)
    return json.dumps(record, ensure_ascii=False)


def test_a_file_with_bad_lines_imports_nothing_and_names_each_line_and_column(world, tmp_path, capsys):
    bad_order = json.loads(line(world, number="360681-2025-000043"))
    bad_order["events"].insert(
        1, {"at": "2025-09-26T09:45:00+08:00", "action": "decide", "decision": "grant"}
    )
    bad_id = json.loads(line(world, number="360681-2025-000044"))
    bad_id["applicant"]["id_number"] = "360681197005053210"
    path = tmp_path / "cases.jsonl"
    path.write_text(
        "\n".join(
            [
                line(world),
                json.dumps(bad_order, ensure_ascii=False),
                "{not json",
                json.dumps(bad_id, ensure_ascii=False),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="3 行有错误"):
        call_command("cases", "import", str(path))
    captured = capsys.readouterr()
    assert "导入 0 件" in captured.out
    assert captured.err.splitlines() == [
        "第 2 行「events[2].action」:第 2 个事件(decide):办件当前状态为「已收件」,不能作出决定",
        "第 3 行:不是有效的 JSON:第 2 列",
        "第 4 行「applicant.id_number」:申请人证件号码无效:校验位错误",
    ]
    assert not Case.objects.exists()  # the good line 1 neither: all or nothing

    path.write_text(line(world) + "\n", encoding="utf-8")  # corrected: the good line alone
    call_command("cases", "import", str(path))
    assert "导入 1 件" in capsys.readouterr().out
    assert list(Case.objects.values_list("number", flat=True)) == ["360681-2025-000042"]

    case = Case.objects.get()
    assert case.status == "completed" and case.accepted_on == dt.date(2025, 9, 26)
    # 20 working days from 09-26 plus 09-30, 10-09, 10-10 suspended (第四十五条); 09-28 and 10-11 are worked.
    assert case.legal_due == dt.date(2025, 11, 4)
    events = list(case.events.order_by("seq").values("action", "at", "data"))
    assert (
        history.snapshot(history.derive(events, calendar.current_calendar()))["legal_due"] == case.legal_due
    )

    call_command("cases", "show", "360681-2025-000042", "--json")
    shown = json.loads(capsys.readouterr().out)
    assert shown["status"] == "completed" and shown["legal_due"] == "2025-11-04"
    assert any(line["kind"] == "suspension" for line in shown["explanations"]["legal"]["explanation"])

    # Importing the same file again skips what is there and writes nothing twice.
    path.write_text(line(world) + "\n", encoding="utf-8")
    call_command("cases", "import", str(path))
    assert "跳过已存在 1 件" in capsys.readouterr().out and Case.objects.count() == 1
    # New numbers continue after the imported sequence of that year.
    clock.set_now(dt.datetime(2025, 11, 3, 9, tzinfo=clock.LOCAL))
    fresh = services.submit_case(
        item=world.item, applicant=world.citizen, by=world.citizen_user, form={"subject": "x"}
    )
    assert fresh.number == "360681-2025-000043"


def test_show_unknown_number_says_so(db):
    with pytest.raises(CommandError, match="找不到编号为 360681-2026-999999 的办件"):
        call_command("cases", "show", "360681-2026-999999", "--json")


class FlakySms:
    calls = 0

    def send(self, phone, text):
        FlakySms.calls += 1
        raise ConnectionError("短信网关超时")


def test_outbox_sends_email_and_sms_and_retries_a_bounded_number_of_times(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    case = services.submit_case(
        item=world.item, applicant=world.citizen, by=world.citizen_user, form={"subject": "x"}
    )
    messages = {m.channel: m for m in OutboxMessage.objects.filter(case=case)}
    assert set(messages) == {"email", "sms"}
    assert notify.deliver(messages["email"].pk) == "sent"
    assert mail.outbox[-1].to == ["zhang@example.com"] and case.number in mail.outbox[-1].body
    assert notify.deliver(messages["email"].pk) == "sent" and len(mail.outbox) == 1  # idempotent

    settings.ZHENGWU_SMS_PROVIDER = "tests.cases.test_import_notify.FlakySms"
    FlakySms.calls = 0
    sms = messages["sms"]
    for attempt in range(1, notify.MAX_ATTEMPTS + 1):
        clock.set_now(clock.now() + dt.timedelta(hours=3))
        state = notify.send_due()
        sms.refresh_from_db()
        assert sms.attempts == attempt
    assert sms.state == "failed" and "短信网关超时" in sms.last_error
    assert state == (0, 1) and FlakySms.calls == notify.MAX_ATTEMPTS
    clock.set_now(clock.now() + dt.timedelta(days=1))
    assert notify.send_due() == (0, 0)


def test_logging_sms_stand_in_sends_through_the_task(world, settings):
    from zhengwu.cases.tasks import send_outbox_message

    notify.LoggingSmsProvider.sent.clear()
    case = services.submit_case(
        item=world.item, applicant=world.company, by=world.clerk, channel="counter", form={"subject": "x"}
    )
    message = OutboxMessage.objects.get(case=case)
    assert send_outbox_message.call(message.pk) == "sent"
    assert notify.LoggingSmsProvider.sent == [("13900139000", message.body)]


def _task_paths(rows) -> list[str]:
    return sorted(row.task_path.rsplit(".", 1)[1] for row in rows)


def test_with_the_database_queue_the_tasks_are_rows_of_the_write_itself(world):
    """The default queue lives in the database: a write's task (send its messages, seal its audit records) is
    inserted in the write's own transaction, so a write that rolls back leaves no task, and one that commits
    leaves exactly its own, without a commit of its own."""
    from django_tasks_db.models import DBTaskResult

    before = set(
        DBTaskResult.objects.values_list("pk", flat=True)
    )  # the fixture's own writes asked for a seal

    def new_tasks():
        return DBTaskResult.objects.exclude(pk__in=before)

    with contextlib.suppress(RuntimeError), transaction.atomic():
        services.submit_case(
            item=world.item, applicant=world.citizen, by=world.citizen_user, form={"subject": "x"}
        )
        assert _task_paths(new_tasks()) == [
            "send_and_seal"
        ]  # one task: send the two messages, seal the records
        raise RuntimeError("rolled back")
    assert not new_tasks().exists() and not OutboxMessage.objects.exists()

    case = services.submit_case(
        item=world.item, applicant=world.citizen, by=world.citizen_user, form={"subject": "x"}
    )
    [task] = new_tasks()
    assert task.task_path.endswith("send_and_seal") and sorted(task.args_kwargs["args"][0]) == sorted(
        OutboxMessage.objects.filter(case=case).values_list("pk", flat=True)
    )


def test_any_other_queue_hears_of_a_write_only_after_it_commits(
    world, settings, django_capture_on_commit_callbacks
):
    from django_tasks import task_backends

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    backend = task_backends["default"]
    backend.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.submit_case(
            item=world.item, applicant=world.citizen, by=world.citizen_user, form={"subject": "x"}
        )
    assert backend.results == []  # nothing queued while the write could still roll back
    for callback in callbacks:
        callback()
    # one task sends the write's messages and seals its audit records
    assert [r.task.name for r in backend.results] == ["send_and_seal"]
