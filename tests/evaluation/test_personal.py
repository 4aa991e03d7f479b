"""Personal data in evaluation (issue 14, point 4): a bad rating's rater on the rectification page and a first
inquiry's asker on the ledger entry are masked by default; a reveal with a reason shows them and writes one audit
record; roles that do not answer or follow up are refused; the monthly workbook stays masked."""

import io

import openpyxl
import pytest

from tests.factories import make_staff
from zhengwu.core.models import AuditRecord, Role
from zhengwu.evaluation import services
from zhengwu.evaluation.models import RatingChannel


def _views():
    return AuditRecord.objects.filter(action="personal_data.view")


@pytest.fixture
def rect(ev):
    return services.rate(
        kind="case", pk=ev.case.pk, level=2, channel=RatingChannel.LINK, comment="太慢"
    ).rectification


@pytest.fixture
def entry(ev):
    return services.record_inquiry(
        by=ev.general_clerk,
        topic="门店门前占道经营谁管",
        result="handed_over",
        hand_to=ev.bureau,
        asker_name="赵六六",
        asker_phone="13700001234",
        answer="先转市场监管局",
    )


def test_the_rater_is_masked_and_revealed_with_a_reason(ev, client, rect):
    url = f"/workbench/evaluation/rectifications/{rect.pk}/"
    client.force_login(ev.head)
    page = client.get(url).content.decode()
    assert "张三" not in page and "13800138000" not in page
    assert "张*" in page and "138****8000" in page and 'id="reveal-reason"' in page
    missing = client.post(url + "personal/", {"reason": ""})
    assert missing.status_code == 422 and 'id="reveal-reason-error"' in missing.content.decode()
    assert "13800138000" not in missing.content.decode() and not _views().exists()
    full = client.post(url + "personal/", {"reason": "电话核实差评情况"}).content.decode()
    assert "张三 13800138000" in full
    record = _views().get()
    assert (record.actor, record.object_type, record.object_id) == (
        ev.head,
        "evaluation.rating",
        str(rect.rating.pk),
    )
    assert record.summary["fields"] == ["rater.name", "rater.phone"]
    assert record.summary["reason"] == "电话核实差评情况"
    # who follows up (回访) may too; a clerk of the bureau, who neither answers nor follows up, may not
    client.force_login(ev.manager)
    assert "13800138000" in client.post(url + "personal/", {"reason": "回访"}).content.decode()
    client.force_login(ev.clerk)
    assert client.get(url).status_code == 200
    refused = client.post(url + "personal/", {"reason": "回访"})
    assert (
        refused.status_code == 403
        and "只有被评价单位的负责人、审批人员和回访人员" in refused.content.decode()
    )
    assert _views().count() == 2


def test_the_asker_is_masked_and_revealed_with_a_reason(ev, client, entry):
    url = f"/workbench/evaluation/ledger/{entry.pk}/"
    client.force_login(ev.head)  # the bureau holds the inquiry now
    page = client.get(url).content.decode()
    assert "赵六六" not in page and "13700001234" not in page
    assert "赵**" in page and "137****1234" in page and 'id="reveal-reason"' in page
    missing = client.post(url + "personal/", {"reason": "x"})
    assert missing.status_code == 422 and "查看理由至少 2 个字" in missing.content.decode()
    full = client.post(url + "personal/", {"reason": "回电答复询问人"}).content.decode()
    assert "赵六六 13700001234" in full
    record = _views().get()
    assert record.actor == ev.head and record.object_id == str(entry.pk)
    assert record.summary == {
        "fields": ["asker.name", "asker.phone"],
        "reason": "回电答复询问人",
        "record": f"首问台账 {entry.pk}",
    }
    client.force_login(ev.general_clerk)  # first asked: may call back too
    assert "13700001234" in client.post(url + "personal/", {"reason": "回电"}).content.decode()
    client.force_login(ev.outsider)  # the water bureau never held it
    assert client.post(url + "personal/", {"reason": "回电"}).status_code == 404
    assert _views().count() == 2


def test_a_notice_from_the_ledger_names_the_asker_only_for_those_who_may_see_them(ev, client, entry):
    client.force_login(ev.head)
    url = f"/workbench/evaluation/notices/new/?entry={entry.pk}&item={ev.item.pk}"
    assert 'value="赵六六"' in client.get(url).content.decode()
    outsider = make_staff("manager2", ev.other, roles=[Role.CENTRE_MANAGER]).user  # sees the region's ledger
    client.force_login(outsider)
    page = client.get(url)
    assert page.status_code == 200 and "赵六六" not in page.content.decode()


def test_the_monthly_workbook_keeps_raters_and_askers_masked(ev, client, rect, entry):
    client.force_login(ev.manager)
    response = client.get("/workbench/evaluation/export/", {"month": "2026-09"})
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    cells = " ".join(str(c) for ws in book for row in ws.iter_rows(values_only=True) for c in row if c)
    assert "张三" not in cells and "赵六六" not in cells and "13700001234" not in cells
    assert "张*" in cells and "137****1234" in cells
