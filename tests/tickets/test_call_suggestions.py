"""What the call screen suggests beside the form while the operator types (tickets/workbench/_knowledge.html): only
knowledge entries and 办事指南 with one of the caller's key words in their title, keywords or item name — a few,
best first, each saying which words brought it — and nothing for words every caller says (要求, 反映, 问题).
On the whole demo (its knowledge base and catalogue): tests/demo_site/test_call_suggestions.py."""

import re

import pytest

from zhengwu.tickets import services

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.tickets.urls")]

SEARCH = "/workbench/tickets/knowledge/search/"


def _titles(page: str) -> list[str]:
    return re.findall(r'<div class="fw-semibold">(.*?)</div>', page)


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
