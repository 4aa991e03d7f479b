"""The decision step (决定环节) in the catalogue: an item names the one step where the decision is made, by which
role; 制证 and 送达 come after it. Steps given without kinds (older data) get them from their names."""

import copy
import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.catalog.conftest import SPEC
from zhengwu.catalog import excel, rules, specs
from zhengwu.catalog.demo import DEMO_DIR

W, A, H, C = "window_clerk", "approver", "department_head", "centre_manager"


def steps(*rows):
    return [{"name": name, "role": role, "days": 1} for name, role in rows]


@pytest.mark.parametrize(
    "rows, kinds",
    [
        # 食品经营许可(新办): the head decides at 决定; the window makes the licence afterwards
        (
            [("受理", W), ("审查", A), ("现场核查", A), ("决定", H), ("制证", W)],
            ["accept", "review", "review", "decide", "produce"],
        ),
        ([("受理", W), ("审查", A), ("决定", H)], ["accept", "review", "decide"]),
        # 不动产转移登记: 审核登簿 decides, 缮证 follows
        ([("受理", W), ("审核登簿", A), ("缮证", W)], ["accept", "decide", "produce"]),
        # 就业创业证申领: nothing between intake and 审核发证, so that step decides
        ([("受理", W), ("审核发证", A)], ["accept", "decide"]),
        # 社会保障卡申领: 制卡 is the only step after intake
        ([("受理", W), ("制卡", W)], ["accept", "decide"]),
        # 离婚登记: 审查 decides; 登记发证 follows
        (
            [("受理离婚登记申请", W), ("离婚冷静期", A), ("审查", A), ("登记发证", W)],
            ["accept", "review", "decide", "produce"],
        ),
        # a first step the window does not take by 受理 is an ordinary step
        ([("接收申请", W), ("立案审查", A), ("受理决定", H)], ["review", "review", "decide"]),
        ([("受理", W), ("审批", H), ("送达", W)], ["accept", "decide", "deliver"]),
        ([("受理", W), ("审批", H), ("制证", W), ("出件", W)], ["accept", "decide", "produce", "deliver"]),
        ([("受理即办", W)], ["accept"]),
        ([], []),
    ],
)
def test_kinds_read_from_names_for_steps_without_them(rows, kinds):
    assert rules.default_step_kinds(steps(*rows)) == kinds


def test_given_kinds_are_kept_and_a_step_left_without_one_is_a_review():
    given = [
        {"name": "受理", "role": W, "days": 0, "kind": "accept"},
        {"name": "核定", "role": A, "days": 1, "kind": "decide"},
        {"name": "开具缴款通知", "role": W, "days": 1, "kind": "produce"},
        {"name": "复核", "role": A, "days": 1},
    ]
    assert [s["kind"] for s in rules.with_step_kinds(given)] == ["accept", "decide", "produce", "review"]


def spec_with(steps_, **changes):
    spec = copy.deepcopy(SPEC)
    spec.update({"window_authorised": False, "steps": steps_, **changes})
    if spec["instant"]:
        for step in spec["steps"]:
            step["days"] = 0
    return spec


def kinded(*rows):
    return [{"name": name, "role": role, "days": 1, "kind": kind} for name, role, kind in rows]


@pytest.mark.parametrize(
    "steps_, changes, field, words",
    [
        (
            kinded(("受理", W, "accept"), ("审查", A, "review"), ("决定", H, "review")),
            {},
            "steps",
            "决定环节",
        ),
        (
            kinded(("受理", W, "accept"), ("审查", A, "decide"), ("决定", H, "decide")),
            {},
            "steps[2].kind",
            "只能有一个决定环节",
        ),
        (
            kinded(("受理", W, "accept"), ("决定", H, "decide"), ("复审", A, "review")),
            {},
            "steps[2].kind",
            "之后只能是制证或送达",
        ),
        (
            kinded(("受理", W, "accept"), ("制证", W, "produce"), ("决定", H, "decide")),
            {},
            "steps[1].kind",
            "应在决定环节「决定」之后",
        ),
        (
            kinded(
                ("受理", W, "accept"), ("决定", H, "decide"), ("送达", W, "deliver"), ("制证", W, "produce")
            ),
            {},
            "steps[2].kind",
            "应是最后一个环节",
        ),
        (
            kinded(("审查", A, "review"), ("受理", W, "accept"), ("决定", H, "decide")),
            {},
            "steps[1].kind",
            "只有第1个环节可以是受理环节",
        ),
        (
            kinded(("受理", W, "accept"), ("决定", H, "approve")),
            {},
            "steps[1].kind",
            "环节类型「approve」无效",
        ),
        # the centre's manager dispatches; the implementing organisation decides (行政许可法 第三十四条)
        (
            kinded(("受理", W, "accept"), ("推送", C, "decide")),
            {},
            "steps[1].role",
            "应由实施机构作出",
        ),
        # the window decides only where the item authorises it (窗口授权)
        (
            kinded(("受理", W, "accept"), ("审查", A, "review"), ("办结", W, "decide")),
            {},
            "steps[2].role",
            "未授权窗口办理",
        ),
    ],
)
def test_a_wrong_decision_step_is_refused_at_its_field(steps_, changes, field, words):
    errors = rules.check_item(spec_with(steps_, **changes))
    assert any(f == field and words in m for f, m in errors), errors


@pytest.mark.parametrize(
    "steps_, changes",
    [
        (
            kinded(("受理", W, "accept"), ("审查", A, "review"), ("办结", W, "decide")),
            {"window_authorised": True},
        ),
        (
            kinded(("受理", W, "accept"), ("审核", A, "review"), ("办结", W, "decide")),
            {"instant": True, "promised_limit": 0},
        ),
        (kinded(("受理即办", W, "accept")), {"instant": True, "promised_limit": 0}),
        (
            kinded(
                ("受理", W, "accept"), ("决定", H, "decide"), ("制证", W, "produce"), ("送达", W, "deliver")
            ),
            {},
        ),
    ],
)
def test_lawful_decision_steps_pass(steps_, changes):
    assert rules.check_item(spec_with(steps_, **changes)) == []


def demo_items():
    for path in sorted(Path(DEMO_DIR).glob("*.json")):
        for raw in json.loads(path.read_text("utf-8"))["items"]:
            yield path.name, raw


def test_every_demo_item_names_one_decision_step_and_only_certificate_and_delivery_after_it():
    checked = 0
    for name, raw in demo_items():
        spec = specs.complete(raw)
        where = f"{name} {spec['name']}{spec['sub_name']}"
        assert [e for e in rules.check_item(spec) if e[0].startswith("steps")] == [], where
        kinds = [s["kind"] for s in spec["steps"]]
        if not spec["instant"]:
            assert kinds.count("decide") == 1, where
            after = kinds[kinds.index("decide") + 1 :]
            assert set(after) <= {"produce", "deliver"}, where
        checked += 1
    assert checked > 150


def test_the_food_licence_is_decided_by_the_head_at_its_decision_step():
    raw = next(r for n, r in demo_items() if r["name"] == "食品经营许可" and r.get("sub_name") == "新办")
    spec = specs.complete(raw)
    decision = spec["steps"][rules.decision_position(spec["steps"])]
    assert (decision["name"], decision["role"]) == ("决定", "department_head")
    assert [s["name"] for s in spec["steps"] if s["kind"] == "produce"] == ["制证"]


def test_kinds_survive_saving_and_the_excel_round_trip(spec, water, publish_item):
    spec["steps"] = kinded(("受理", W, "accept"), ("核定", A, "decide"), ("开具缴款通知", W, "produce"))
    spec["promised_limit"] = 10
    item = publish_item(spec, water)
    saved = specs.from_version(item.current_version)
    assert [s["kind"] for s in saved["steps"]] == ["accept", "decide", "produce"]

    out = io.BytesIO()
    excel.export_workbook(out)
    out.seek(0)
    sheet = load_workbook(out)["步骤"]
    assert [row[4] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["受理", "决定", "制证"]
    out.seek(0)
    report = excel.import_workbook(out, publish=True)
    assert (report.created, report.revised) == ([], [])


def test_a_workbook_without_the_kind_column_reads_kinds_from_names(spec, water, publish_item):
    item = publish_item(spec, water)  # 受理, 审查, 决定: kinds from names
    assert [s.kind for s in item.current_version.steps.order_by("position")] == ["accept", "review", "decide"]
    out = io.BytesIO()
    excel.export_workbook(out)
    out.seek(0)
    workbook = load_workbook(out)
    workbook["步骤"].delete_cols(5)
    again = io.BytesIO()
    workbook.save(again)
    again.seek(0)
    report = excel.import_workbook(again, publish=True)
    assert (report.created, report.revised) == ([], [])  # the same kinds: nothing changed
