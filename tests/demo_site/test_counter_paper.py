"""The demo's counter cases waiting for acceptance (issue 13): the paper the applicant handed over is recorded at the
counter's 收件, so their pages never list a material 未提供 the clerk has in hand — an agent's (代办人) power of
attorney included, which the item lists as its own material (授权委托书及受托人居民身份证)."""

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


def test_the_demo_agents_power_of_attorney_was_received_at_the_counter(client, demo_site):
    case = Case.objects.get(idempotency_key=f"{DEMO_PREFIX}case-05")
    assert case.agent_name and case.status == Status.RECEIVED  # brought by a friend, waiting for acceptance
    [row] = [row for row in selectors.material_checklist(case) if "委托书" in row["name"]]
    assert row["required"] and row["at_counter"] and not row["missing"]
    client.force_login(get_user_model().objects.get(username="clerk"))
    html = client.get(f"/workbench/cases/{case.number}/").content.decode()
    table = html[html.index('id="materials"') : html.index("</table>", html.index('id="materials"'))]
    row_html = table[table.index("授权委托书及受托人居民身份证") :]
    row_html = row_html[: row_html.index("</tr>")]
    assert "已收纸质件(收件时)" in row_html and "未提供" not in row_html
