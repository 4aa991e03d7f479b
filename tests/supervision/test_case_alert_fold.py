"""cases.CaseAlert folded into supervision's alerts (migration 0006): each old row becomes the supervision alert of
the event that broke the rule, keeping when it was raised and what it said; an alert supervision's rule already
raised on that event stays as it is (with its review), never doubled."""

import datetime as dt
import importlib
from types import SimpleNamespace

import pytest

from tests.supervision.conftest import at, submit
from zhengwu.cases import services as cases
from zhengwu.cases.models import CaseEvent
from zhengwu.core import clock
from zhengwu.supervision.models import Alert

fold = importlib.import_module("zhengwu.supervision.migrations.0006_kernel_fold_case_alerts").fold


def old_row(pk, case, code, message, data, raised_at):
    return SimpleNamespace(
        pk=pk, case_id=case.pk, code=code, message=message, data=data, raised_at=raised_at,
        organisation_id=case.organisation_id,
    )  # fmt: skip


@pytest.mark.django_db
def test_old_case_alerts_become_the_supervision_alerts_of_their_events(world):
    case = submit(world)
    clock.set_now(at("2026-10-12", 8))
    cases.deem_accepted()
    deemed = CaseEvent.objects.get(case=case, action="deem_accept")
    ours = Alert.objects.get(case=case, code="case.intake.late")  # raised by the rule with the event
    ours.state, ours.review_note = Alert.State.EXPLAINED, "窗口人员病休,已说明"
    ours.save()
    other = submit(world)
    raised = dt.datetime(2026, 10, 9, 16, tzinfo=dt.UTC)
    rows = [
        old_row(1, case, "intake.deemed_accepted", f"办件 {case.number} 收件后 5 个工作日内未作受理决定,已视为受理", {}, raised),
        old_row(2, other, "supplement.repeated_new_materials", "第 2 次补正告知新增了首次未告知的材料:场所平面图",
                {"round": 2, "new_materials": ["场所平面图"]}, raised),
    ]  # fmt: skip

    assert fold(rows, Alert, CaseEvent) == 1
    ours.refresh_from_db()
    assert Alert.objects.filter(case=case, code="case.intake.late").get() == ours
    assert ours.event == deemed and ours.review_note == "窗口人员病休,已说明"
    moved = Alert.objects.get(case=other)
    assert moved.code == "case.supplement.repeated_new_materials" and moved.severity == "warning"
    assert moved.title == "再次补正新增首次未告知的材料" and moved.state == Alert.State.OPEN
    assert moved.raised_at == raised and moved.data["new_materials"] == ["场所平面图"]
    assert moved.explanation.endswith("场所平面图") and moved.organisation_id == other.organisation_id
    assert fold(rows, Alert, CaseEvent) == 0  # twice moves nothing twice
