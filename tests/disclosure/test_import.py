"""`zhengwu disclosure import`: each line validated on its own; a bad line writes nothing."""

import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from zhengwu.core import clock
from zhengwu.disclosure import report, selectors
from zhengwu.disclosure.models import DisclosureRequest, Publication


def test_import_then_report_a_year_that_began_elsewhere(tmp_path, org):
    get_user_model().objects.create_superuser("admin", password="pw-Zhengwu-2026")
    lines = [
        {
            "type": "request",
            "organisation": org.uscc,
            "requester_kind": "natural_person",
            "requester_name": "甲",
            "description": "a",
            "received_on": "2024-12-20",
            "concluded_on": "2025-01-08",
            "outcome": "disclose",
        },
        {
            "type": "request",
            "organisation": org.uscc,
            "requester_kind": "research",
            "requester_name": "某研究所",
            "description": "b",
            "received_on": "2025-06-02",
            "concluded_on": "2025-06-30",
            "outcome": "unable",
            "reason": "needs_creation",
        },
        {
            "type": "request",
            "organisation": org.uscc,
            "requester_kind": "natural_person",
            "requester_name": "乙",
            "description": "c",
            "received_on": "2025-07-01",
            "concluded_on": "2025-07-09",
            "outcome": "withhold",
        },
        {
            "type": "publication",
            "organisation": org.uscc,
            "title": "2024年部门预算",
            "genre": "finance",
            "published_at": "2025-02-10",
            "body": "<p>预算<script>x</script></p>",
        },
        {
            "type": "remedy",
            "organisation": org.uscc,
            "kind": "litigation_direct",
            "filed_on": "2025-03-01",
            "result": "upheld",
            "concluded_on": "2025-08-01",
        },
        {"type": "unknown"},
    ]
    path = tmp_path / "history.jsonl"
    path.write_text(
        "\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\nnot json\n", encoding="utf-8"
    )
    err = io.StringIO()
    with clock.frozen("2026-01-05"), pytest.raises(SystemExit):
        call_command("disclosure", "import", str(path), stdout=io.StringIO(), stderr=err)
    messages = err.getvalue()
    assert "第 3 行" in messages and "须选择具体理由" in messages  # withhold without its sub-reason
    assert "第 6 行" in messages and "第 7 行" in messages
    assert DisclosureRequest.objects.count() == 2  # the bad line wrote nothing
    pub = Publication.objects.get()
    assert "script" not in pub.body and selectors.public_publications().filter(pk=pub.pk).exists()
    with clock.frozen("2026-01-05"):
        data = report.build(org, 2025)
    table = data["sections"]["requests"]
    assert {r["key"]: r["values"]["total"] for r in table["rows"] if r["values"]}["carried_in"] == 1
    assert table["check"]["ok"]
    assert data["sections"]["remedies"]["table"]["litigation_direct"]["upheld"] == 1
