"""受理并发送联办通知 asks first, naming what happens (the members told, what they do next) and, while required
materials are not uploaded yet, how many (issue 13: it went through without a confirmation)."""

import html
import re

from tests.joint.conftest import upload_all
from tests.joint.test_front_desk import desk, registered  # noqa: F401 (fixtures)
from zhengwu.joint import services


def _asked(client, number: str) -> str:
    page = client.get(f"/workbench/joint/{number}/").content.decode()
    form = re.search(r'<form[^>]*id="notify-form"[^>]*>', page).group(0)
    return html.unescape(re.search(r'data-confirm="([^"]*)"', form).group(1))


def test_sending_the_notification_asks_and_counts_what_is_not_uploaded(registered, county, company, client):  # noqa: F811
    client.force_login(county.lead_clerk)
    asked = _asked(client, registered.number)
    assert asked.startswith(
        "确认受理「开办餐饮店」并向4个成员部门发送联办通知?发出后各部门确认材料齐全或提出补正"
    )
    assert "尚有7项必需材料未上传,成员部门可能据此提出补正。" in asked
    # as many as the material table shows, in the same word (the portal's): 未上传, never 未提交 beside it
    page = client.get(f"/workbench/joint/{registered.number}/").content.decode()
    assert page.split('id="joint-materials"')[1].split("</section>")[0].count(">未上传<") == 7
    assert "未提交" not in page
    upload_all(registered, company.user)
    asked = _asked(client, registered.number)
    assert "发送联办通知" in asked and "未上传" not in asked


def test_a_joint_case_already_notified_offers_no_button(registered, county, client):  # noqa: F811
    services.lead_accept(joint=registered, by=county.lead_clerk)
    client.force_login(county.lead_clerk)
    assert 'id="notify-form"' not in client.get(f"/workbench/joint/{registered.number}/").content.decode()
