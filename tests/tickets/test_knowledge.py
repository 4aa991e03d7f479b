"""Knowledge-base search: Chinese words, Traditional characters, pinyin and initials; expiry and the FAQ."""

import datetime as dt

import pytest

from zhengwu.core import clock
from zhengwu.core.errors import AccessDenied
from zhengwu.tickets import selectors, services
from zhengwu.tickets.models import KnowledgeEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(world):
    def add(title, answer, owner, **kw):
        return services.save_knowledge_entry(title=title, answer=answer, owner=owner, by=world.operator, **kw)

    return {
        "card": add("社保卡丢失怎么补办", "携带身份证到人社局一楼窗口补办", world.hrss),
        "pension": add("城乡居民养老保险如何缴费", "可通过银行代扣或税务APP缴纳", world.hrss),
        "bus": add("公交车末班车几点", "城区公交末班车为晚上九点", world.transport),
        "old": add("旧版社保卡换领", "已停止办理", world.hrss, expires_on=dt.date(2020, 1, 1)),
    }


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("社保卡补办", "card"),
        ("社保卡遺失補辦", "card"),  # Traditional characters
        ("sbk", "card"),  # initials of 社保卡
        ("shebaoka", "card"),  # full pinyin
        ("养老保险缴费", "pension"),
        ("ylbx", "pension"),
        ("末班车", "bus"),
        ("公交", "bus"),
    ],
)
def test_search_finds_the_right_answer_first(entries, query, first):
    found = selectors.search_knowledge(query)
    assert found and found[0] == entries[first], [e.title for e in found]


def test_expired_and_retired_entries_are_not_offered(world, entries):
    assert entries["old"] not in selectors.search_knowledge("社保卡换领")
    services.save_knowledge_entry(
        entry=entries["bus"],
        title=entries["bus"].title,
        answer="x",
        owner=world.transport,
        state=KnowledgeEntry.State.RETIRED,
        by=world.operator,
    )
    assert selectors.search_knowledge("末班车") == []


def test_popular_entries_become_the_faq(world, entries):
    t = services.file_ticket(
        kind="consult",
        channel="hotline",
        category=world.social,
        content="社保卡丢了",
        caller_name="李四",
        caller_phone="13800000000",
    )
    services.close_directly(ticket=t, answer=entries["card"].answer, entry=entries["card"], by=world.operator)
    assert list(selectors.faq()) == [entries["card"]]


def test_review_due_entries_are_listed_for_their_owner(world):
    with clock.frozen("2025-11-24"):
        e = services.save_knowledge_entry(
            title="公积金提取",
            answer="……",
            owner=world.housing,
            review_due=dt.date(2025, 11, 1),
            by=world.housing_clerk,
        )
        assert list(selectors.knowledge_due_for_review(world.housing_clerk)) == [e]
        assert list(selectors.knowledge_due_for_review(world.transport_clerk)) == []


def test_an_organisation_edits_only_its_own_entries(world):
    with pytest.raises(AccessDenied):
        services.save_knowledge_entry(title="x", answer="y", owner=world.housing, by=world.transport_clerk)


def test_equal_scores_go_to_the_most_used_even_past_the_limit(world):
    """Ties are ordered by uses before the list is cut: the most used of many equal answers is offered first,
    even when older entries with the same score would fill the list."""
    same = [
        services.save_knowledge_entry(
            title=f"公积金提取{n}", answer="……", owner=world.housing, by=world.operator
        )
        for n in range(4)
    ]
    KnowledgeEntry.objects.filter(pk=same[-1].pk).update(uses=7)
    KnowledgeEntry.objects.filter(pk=same[-2].pk).update(uses=2)
    found = selectors.search_knowledge("公积金提取", limit=3)
    assert found == [same[-1], same[-2], same[0]]


def test_a_better_match_comes_before_a_more_used_one(world):
    popular = services.save_knowledge_entry(
        title="公积金怎么查询", answer="登录公积金中心网站", owner=world.housing, by=world.operator
    )
    KnowledgeEntry.objects.filter(pk=popular.pk).update(uses=50)
    exact = services.save_knowledge_entry(
        title="公积金提取条件", answer="购房、租房可提取", owner=world.housing, by=world.operator
    )
    assert selectors.search_knowledge("公积金提取", limit=1) == [exact]
    assert selectors.search_knowledge("公积金提取") == [exact, popular]


def test_pinyin_is_matched_by_its_beginning_only(world, entries):
    assert selectors.search_knowledge("sheba")[:1] == [entries["card"]]  # as the operator types 社保
    assert selectors.search_knowledge("gongj")[:1] == [entries["bus"]]
    assert selectors.search_knowledge("hebao") == []  # inside "shebao", not its beginning


def test_search_within_a_set_of_entries(world, entries):
    from zhengwu.tickets import knowledge

    only_transport = KnowledgeEntry.objects.filter(owner=world.transport)
    assert knowledge.search("社保卡", today=clock.today(), entries=only_transport) == []
    assert knowledge.search("公交", today=clock.today(), entries=only_transport) == [entries["bus"]]
