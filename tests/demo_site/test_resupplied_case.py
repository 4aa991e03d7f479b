"""The demo's 不动产 transfer resupplied after a 补正 notice (商品房转移登记, `estate`): what its page shows is true."""

from django.contrib.auth import get_user_model

from zhengwu.cases.demo import DEMO_PREFIX
from zhengwu.cases.models import Case


def test_the_resupplied_demo_case_says_so_and_lacks_no_material(client, demo_site):
    """The page said only 已收件, and listed 1, 2, 4 and 5 未提供 beside the 已补齐 of its 补正: the demo never
    recorded the papers scanned at the counter, and 5 完税凭证 comes by data sharing."""
    case = Case.objects.get(idempotency_key=f"{DEMO_PREFIX}case-36")
    client.force_login(get_user_model().objects.get(username="estate"))
    html = client.get(f"/workbench/cases/{case.number}/").content.decode()
    header = html[html.index('id="case-number"') : html.index('id="h-basic"')]
    assert "已收件" in header and "已补正,待审核 · " in header
    table = html[html.index('id="materials"') : html.index("</table>", html.index('id="materials"'))]
    rows = table.split("<tr")[2:]
    assert "未提供" not in table
    assert all("已上传" in rows[i] or ".pdf" in rows[i] for i in (0, 1, 3))  # scanned at the counter
    assert "窗口已收纸质材料" in rows[2]  # the certificate's original, brought with the 补正
    assert "完税凭证" in rows[4] and "部门共享获取,无需提交" in rows[4]
