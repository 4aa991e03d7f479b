"""The call screen's suggestions on the whole demo (its 12345 knowledge base and its catalogue), loaded once for
tests/demo_site: a food complaint is offered the food-safety answer, and no entry or guide that only shares a word
every caller says. The rules on small worlds: tests/tickets/test_call_suggestions.py."""

import re

from django.contrib.auth import get_user_model

SEARCH = "/workbench/tickets/knowledge/search/"
FOOD = "我在城东一家饭店吃饭,饭菜里有苍蝇,吃完肚子疼,要求市场监管部门查处"


def _titles(page: str) -> list[str]:
    return re.findall(r'<div class="fw-semibold">(.*?)</div>', page)


def test_a_food_complaint_is_offered_the_food_safety_answer_and_no_unrelated_entries_or_guides(
    demo_site, client
):
    client.force_login(get_user_model().objects.get(username="hotline"))
    page = client.get(SEARCH, {"content": FOOD}).content.decode()
    for noise in ("办公时间", "养老保险", "办不成", "税务登记", "公共场所卫生许可", "排污许可"):
        assert noise not in page, noise
    titles = _titles(page)
    assert titles[0] == "在饭店吃饭发现饭菜里有苍蝇等异物怎么投诉?", titles
    assert "<mark>饭店</mark>" in page and "<mark>苍蝇</mark>" in page  # why it is offered
    # a guide is shown by its name and organisation, its 30-character code only as a tooltip
    page = client.get(SEARCH, {"content": "超市卖过期食品,要求处理"}).content.decode()
    code = "11360681014500065F019004800000"
    assert ">食品经营许可(新办)</a>" in page and "贵溪市市场监督管理局" in page
    assert f'title="事项编码 {code}"' in page and f"({code})" not in page
    assert len(re.findall(r'<li class="mb-1"', page)) <= 5
    assert _titles(page)[0] == "买到过期食品怎么投诉、能否赔偿?"
    # a word of the item's name, not letters straddling two of its words (施工 in 市政基础设施工程)
    page = client.get(SEARCH, {"content": "晚上工地施工太吵"}).content.decode()
    assert "建筑工程施工许可证核发" in page and "竣工验收备案" not in page
