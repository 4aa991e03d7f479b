"""Alerts name a case's actions in Chinese: new ones as the rules write them, old ones rewritten once by migration."""

import importlib

import pytest

from tests.supervision.conftest import accepted_case
from tests.supervision.test_rules import raw_event
from zhengwu.supervision.models import Alert

relabel = importlib.import_module("zhengwu.supervision.migrations.0003_alert_text_action_labels")._relabel


def test_an_outsiders_act_is_named_by_its_label(world):
    case = accepted_case(world)
    raw_event(case, "claim_step", by=world.water_head, data={"position": 2, "assignee": world.water_head.pk})
    (found,) = Alert.objects.filter(case=case)
    assert "执行了「认领环节」操作" in found.explanation and "claim_step" not in found.explanation
    assert found.data["action"] == "claim_step"  # the facts keep the code


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        (
            "张丽华(贵溪市政务服务管理办公室)对鹰潭市贵溪生态环境局的办件执行了「decide」操作,不属于本机构人员。",
            "张丽华(贵溪市政务服务管理办公室)对鹰潭市贵溪生态环境局的办件执行了「作出决定」操作,不属于本机构人员。",
        ),
        (
            "「claim_step」记为 2026-09-28 发生,却在 2026-10-08 才录入",
            "「认领环节」记为 2026-09-28 发生,却在 2026-10-08 才录入",
        ),
        ("「deem_accept」与「complete_step」", "「逾期视为受理」与「完成环节」"),
        (
            "中止类型「other」不是法定特别程序",
            "中止类型「other」不是法定特别程序",
        ),  # not an action: left alone
        ("环节「决定」尚未办理。", "环节「决定」尚未办理。"),
    ],
)
def test_stored_alert_texts_are_rewritten_code_by_code(stored, shown):
    assert relabel(stored) == shown
