"""What the call screen suggests beside the form while the operator types (tickets/workbench/_knowledge.html): only
knowledge entries and 办事指南 with one of the caller's key words in their title, keywords or item name — a few,
best first, each saying which words brought it — and nothing for words every caller says (要求, 反映, 问题)."""

import re

import pytest
from django.contrib.auth import get_user_model

from zhengwu.catalog.demo import load_demo as load_catalogue
from zhengwu.core.demo import load_demo as load_county
from zhengwu.tickets import demo, services

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.tickets.urls")]

SEARCH = "/workbench/tickets/knowledge/search/"
FOOD = "我在城东一家饭店吃饭,饭菜里有苍蝇,吃完肚子疼,要求市场监管部门查处"


def _titles(page: str) -> list[str]:
    return re.findall(r'<div class="fw-semibold">(.*?)</div>', page)


def test_a_food_complaint_is_offered_the_food_safety_answer_and_no_unrelated_entries_or_guides(client):
    load_county()
    load_catalogue()
    demo.load_demo()
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


@pytest.fixture
def centre_entries(world):
    def add(title, answer, keywords=""):
        return services.save_knowledge_entry(
            title=title, answer=answer, keywords=keywords, owner=world.hrss, by=world.operator
        )

    return {
        "hours": add(
            "政务服务中心的办公时间和地址?",
            "周一至周五上午9:00-12:00、下午13:30-17:00办公。",
            "办公时间 地址",
        ),
        "pension": add(
            "灵活就业人员如何缴纳养老保险?",
            "持身份证到社保专窗办理灵活就业人员参保登记。",
            "灵活就业 养老保险",
        ),
        "housing": add(
            "公共租赁住房申请条件是什么?", "稳定就业的新就业无房职工可在综合窗口提出申请。", "公租房 保障房"
        ),
        "unresolved": add(
            "办事遇到“办不成”怎么办?",
            "可到41号“办不成事”反映窗口,工作人员当场登记,协调相关部门解决。",
            "办不成事 反映",
        ),
    }


def test_a_pension_question_finds_the_pension_entry_alone_and_says_why(client, world, centre_entries):
    client.force_login(world.operator)
    page = client.get(SEARCH, {"content": "我是灵活就业的,养老保险怎么交,要求答复"}).content.decode()
    assert _titles(page) == ["灵活就业人员如何缴纳养老保险?"]  # not 公租房, whose answer says 就业
    assert "命中:<mark>灵活</mark>、<mark>就业</mark>、<mark>养老保险</mark>" in page


def test_an_empty_text_or_words_every_caller_says_bring_no_suggestion(client, world, centre_entries):
    client.force_login(world.operator)
    for said in ("要求反映问题,请尽快处理", "我要投诉,希望有关部门核实回复", "", "  "):
        page = client.get(SEARCH, {"content": said}).content.decode()
        assert 'class="card mb-2 kb-entry"' not in page and "办事指南" not in page, said
