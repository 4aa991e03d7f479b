"""The demo's counter cases waiting for acceptance (issue 13): the paper the applicant handed over is recorded at the
counter's 收件, so their pages never list a material 未提供 the clerk has in hand."""

from django.contrib.auth import get_user_model

from zhengwu.cases import selectors
from zhengwu.cases.demo import DEMO_PREFIX
from zhengwu.cases.models import Case, Status


def test_the_demo_counter_cases_waiting_for_acceptance_lack_no_material(client, demo_site):
    waiting = Case.objects.filter(
        idempotency_key__startswith=DEMO_PREFIX, channel="counter", status=Status.RECEIVED
    ).order_by("number")
    assert waiting.count() >= 4  # 05, 36, 45 and the licence library's two
    for case in waiting:
        missing = [row["name"] for row in selectors.material_checklist(case) if row["missing"]]
        assert missing == [], (case.idempotency_key, missing)
    case = Case.objects.get(idempotency_key=f"{DEMO_PREFIX}case-05")
    client.force_login(get_user_model().objects.get(username="clerk"))
    html = client.get(f"/workbench/cases/{case.number}/").content.decode()
    table = html[html.index('id="materials"') : html.index("</table>", html.index('id="materials"'))]
    assert "已收纸质件(收件时)" in table and "未提供" not in table
