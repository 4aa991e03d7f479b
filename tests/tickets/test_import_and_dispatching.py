"""Importing past tickets, the dispatch classifier trained on them, and hot topics."""

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command

from zhengwu.core import clock
from zhengwu.core.errors import ValidationFailed
from zhengwu.tickets import classifier, dispatching, hot, importer, services, workflow
from zhengwu.tickets.models import DispatchModel, Status, Ticket

pytestmark = pytest.mark.django_db

EXAMPLES = {
    "housing": [
        "小区物业不作为,电梯坏了没人修",
        "工地夜间施工噪音扰民",
        "燃气管道漏气",
        "小区违章搭建",
        "物业费乱收费",
    ],
    "transport": ["公交车不按站停靠", "出租车拒载绕路", "客运站班车晚点", "公交线路太少", "道路坑洼影响通行"],
    "hrss": ["公司拖欠工资三个月", "养老保险转移接续", "社保卡补办", "失业金怎么领取", "劳动合同纠纷"],
}


def line(world, org_key, content, n, **extra):
    org = getattr(world, org_key)
    category = {"housing": "city.noise", "transport": "traffic.bus", "hrss": "social"}[org_key]
    return json.dumps(
        {
            "kind": "complaint",
            "category": category,
            "content": content,
            "caller_name": "某某",
            "caller_phone": "13800000000",
            "received_at": f"2025-0{1 + n % 9}-1{n % 10}T09:00:00+08:00",
            "lead_organisation": org.uscc,
            "status": "closed",
            "reply": "已办理",
            "solved": True,
            **extra,
        },
        ensure_ascii=False,
    )


def history_lines(world, rounds=4):
    lines, n = [], 0
    for _ in range(rounds):
        for org_key, texts in EXAMPLES.items():
            for text in texts:
                lines.append(line(world, org_key, text, n))
                n += 1
    return lines


def test_import_writes_tickets_with_events_that_replay_to_their_status(world):
    report = importer.import_lines(history_lines(world, rounds=1))
    assert report.errors == [] and report.imported == 15
    for t in Ticket.objects.all():
        actions = list(t.events.order_by("seq").values_list("action", flat=True))
        assert workflow.replay(actions) == t.status == Status.CLOSED


def test_a_bad_line_stops_the_whole_import_and_is_reported_with_its_number(world):
    lines = history_lines(world, rounds=1)
    lines.insert(2, "{not json")
    lines.append(
        json.dumps({"kind": "complaint", "category": "nope", "content": "x", "received_at": "2025-01-01"})
    )
    lines.append(
        json.dumps(
            {
                "kind": "complaint",
                "category": "social",
                "content": "x",
                "received_at": "2025-01-01",
                "anonymous": True,
            }
        )
    )
    report = importer.import_lines(lines)
    assert report.imported == 0 and not Ticket.objects.exists()
    assert report.errors[0].startswith("第 3 行") and "JSON" in report.errors[0]
    assert "分类「nope」不存在" in report.errors[1]
    assert "只有举报可以匿名" in report.errors[2]


def test_a_value_too_long_for_its_column_stops_the_import_naming_line_and_field(world):
    """A caller's name, a phone, an address or a title longer than its column was cut to fit, silently: now the
    line is refused naming the field, and nothing of the file is written."""
    good = json.loads(history_lines(world, rounds=1)[0])
    lines = [
        json.dumps(good, ensure_ascii=False),
        json.dumps({**good, "caller_name": "欧阳" * 21}, ensure_ascii=False),
        json.dumps({**good, "address": "贵溪市" * 67}, ensure_ascii=False),
        json.dumps({**good, "title": "标题" * 61}, ensure_ascii=False),
    ]
    report = importer.import_lines(lines)
    assert report.imported == 0 and not Ticket.objects.exists()
    assert report.errors == [
        "第 2 行:「诉求人 caller_name」最长 40 个字符,现有 42 个",
        "第 3 行:「事发地点 address」最长 200 个字符,现有 201 个",
        "第 4 行:「标题 title」最长 120 个字符,现有 122 个",
    ]


def test_the_import_command(world, tmp_path):
    path = tmp_path / "past.jsonl"
    path.write_text("\n".join(history_lines(world, rounds=1)), encoding="utf-8")
    out = io.StringIO()
    call_command("tickets", "import", str(path), stdout=out)
    assert "已导入 15 件工单" in out.getvalue()
    path.write_text('{"kind": "x"}\n', encoding="utf-8")
    with pytest.raises(CommandError, match="未导入任何工单"):
        call_command("tickets", "import", str(path), stdout=io.StringIO(), stderr=io.StringIO())


@pytest.mark.parametrize("backend", ["naive_bayes", "sklearn"])
def test_the_classifier_beats_the_majority_baseline(world, backend):
    if backend == "sklearn" and not classifier.sklearn_available():
        pytest.skip("scikit-learn is not installed")
    importer.import_lines(history_lines(world))
    report = dispatching.train(backend=backend, shuffle_seed=7)
    assert report.samples == 60 and report.held_out == 12
    assert report.accuracy > report.baseline_accuracy
    t = services.file_ticket(
        kind="complaint",
        channel="hotline",
        category=world.social,
        content="老板拖欠我们农民工工资",
        caller_name="王五",
        caller_phone="13900000000",
    )
    ranked = dispatching.suggest(t)
    assert ranked[0].organisation == world.hrss
    assert ranked[0].score > ranked[1].score and sum(s.score for s in ranked) <= 1.001


def test_without_a_trained_model_suggestions_come_from_duty_descriptions(world):
    assert not DispatchModel.objects.exists()
    t = services.file_ticket(
        kind="complaint",
        channel="hotline",
        category=world.bus,
        content="公交车司机态度差",
        caller_name="王五",
        caller_phone="13900000000",
    )
    assert dispatching.suggest(t)[0].organisation == world.transport


def test_train_command_prints_accuracy_and_baseline(world):
    importer.import_lines(history_lines(world))
    out = io.StringIO()
    call_command("tickets", "train", stdout=out)
    assert "准确率" in out.getvalue() and "多数类基线" in out.getvalue()


def test_hot_topics_compare_with_the_previous_period(world):
    def file(day, content, region, category):
        with clock.frozen(f"{day}T10:00"):
            services.file_ticket(
                kind="complaint",
                channel="hotline",
                category=category,
                content=content,
                caller_name="王五",
                caller_phone="13900000000",
                region=region,
            )

    file("2025-11-14", "公交车晚点", world.town, world.bus)
    for day in ("2025-11-20", "2025-11-21", "2025-11-23"):
        file(day, "红都大道工地噪音扰民", world.town, world.noise)
    file("2025-11-22", "工地噪音", world.town2, world.noise)
    r = hot.report(period="week", until=dt.date(2025, 11, 23))
    assert r.total == 4 and r.previous_total == 1
    assert r.by_category[0] == ("城乡建设", 4, 0)
    assert r.heat[0] == ("象湖镇", [3], 3) and r.columns == ["城乡建设"]
    assert ("噪音", 4, 0) in r.rising
    day = hot.report(period="day", until=dt.date(2025, 11, 23))
    assert day.total == 1 and day.previous_total == 1
    for far in (dt.date(1, 1, 1), dt.date(9999, 12, 31)):  # the period before would leave the calendar
        with pytest.raises(ValidationFailed) as err:
            hot.report(period="week", until=far)
        assert err.value.field == "until"
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(hot.to_xlsx(r)))
    assert wb.sheetnames == ["分类", "乡镇", "热力表", "上升热词"]
    assert wb["热力表"]["A2"].value == "象湖镇"


def test_an_imported_ticket_without_a_title_is_titled_with_its_opening_words_and_an_ellipsis(world):
    """As on the call screen: cut bare at 30 characters the title read as if the caller had stopped there."""
    content = "我昨天在雄石街道建设路的好味道快餐店吃饭,饭菜里有苍蝇,吃完后拉肚子,要求查处。"
    report = importer.import_lines(
        [line(world, "housing", content, 1), line(world, "housing", "燃气管道漏气", 2)]
    )
    assert report.errors == []
    titles = set(Ticket.objects.values_list("title", flat=True))
    assert titles == {"我昨天在雄石街道建设路的好味道快餐店吃饭,饭菜里有苍蝇,吃…", "燃气管道漏气"}
