"""Dispatch suggestions in the demo county: trained on a year of past tickets that read like real 12345 calls, a
food-safety complaint goes to 市场监管局 first, the service centre is no catch-all, and the operator sees the top three
organisations as words (很可能 / 可能 / 也可能), never as numbers."""

import re
from collections import Counter

import pytest
from django.db import connections, transaction

from tests.conftest import TEST_START
from zhengwu.core import clock
from zhengwu.core.demo import load_demo as load_county
from zhengwu.core.models import Organisation
from zhengwu.tickets import demo, demo_history, dispatching, services
from zhengwu.tickets.models import Category, Channel, DispatchModel, Ticket

# One worker takes the whole module, so its module fixture (the demo it loads) is set up once, not once per worker.
pytestmark = pytest.mark.xdist_group("hotline_demo")

FOOD_SAFETY = "某某超市出售过期食品,要求查处"


@pytest.fixture(scope="module")
def hotline_demo(django_db_setup, django_db_blocker):
    """The demo county and its 12345 activity (history imported, model trained), loaded once for the module inside
    a transaction rolled back at its end."""
    with django_db_blocker.unblock():
        atomics = [transaction.atomic(using=alias) for alias in connections]
        for atomic in atomics:
            atomic.__enter__()
        try:
            clock.run_from(TEST_START)
            load_county()
            yield demo.load_demo()
        finally:
            clock.set_now(None)
            for alias in connections:
                transaction.set_rollback(True, using=alias)
            for atomic in reversed(atomics):
                atomic.__exit__(None, None, None)


def _file(content: str, category: str) -> Ticket:
    from django.contrib.auth import get_user_model

    return services.file_ticket(
        kind="complaint",
        channel="hotline",
        category=Category.objects.get(code=category),
        content=content,
        caller_name="王建华",
        caller_phone="13907015281",
        by=get_user_model().objects.get(username="hotline"),
    )


def _first(content: str, category: str = demo_history.GENERIC_CATEGORY) -> str:
    return dispatching.suggest(_file(content, category))[0].organisation.short_name


@pytest.mark.parametrize(
    ("score", "word"),
    [
        (0.97, "很可能"),
        (0.5, "很可能"),
        (0.4999, "可能"),
        (0.2, "可能"),
        (0.1999, "也可能"),
        (0.0, "也可能"),
    ],
)
def test_the_words_for_a_score(score, word):
    assert dispatching.likelihood(score) == word


@pytest.mark.django_db
def test_the_history_reads_like_a_year_of_calls(hotline_demo):
    history = Ticket.objects.filter(channel=Channel.IMPORT)
    assert history.count() == demo.HISTORY_SIZE
    leads = Counter(history.values_list("lead_organisation__short_name", flat=True))
    assert len(leads) >= 12 and min(leads.values()) >= 5
    assert leads.most_common(1)[0][1] < history.count() / 4  # no department takes most calls
    contents = list(history.values_list("content", flat=True))
    assert len(set(contents)) > 0.9 * len(contents)  # phrasings, places and amounts vary
    assert len(set(history.values_list("title", flat=True))) >= 100
    oldest, newest = history.order_by("received_at").values_list("received_at", flat=True)[
        :: len(contents) - 1
    ]
    assert (newest - oldest).days > 300
    assert newest < demo.demo_tickets().order_by("received_at").first().received_at
    # Operators do not always pick a specific category: some past tickets are filed under 其他.
    assert history.filter(category__code=demo_history.GENERIC_CATEGORY).count() > 30
    model = DispatchModel.objects.get()
    assert model.samples > demo.HISTORY_SIZE and model.accuracy > 2 * model.baseline_accuracy
    assert "首选准确率" in hotline_demo and "前三" in hotline_demo


@pytest.mark.django_db
@pytest.mark.parametrize("category", ["GX99", "GX0701", "GX07", "GX0102"])
def test_a_food_safety_complaint_goes_to_market_regulation_first(hotline_demo, category):
    """Whatever category the operator picks (其他, even 办事咨询 of the service centre), the content decides."""
    ranked = dispatching.suggest(_file(FOOD_SAFETY, category))
    assert ranked[0].organisation.short_name == "市场监管局"
    assert ranked[0].likelihood in ("很可能", "可能")
    assert len(ranked) == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "lead"),
    [
        ("花园小区电梯坏了半个月物业一直不修", "住建局"),
        ("人民路夜市摊贩占道经营,盲道都被堵了", "城管局"),
        ("在一家电子厂干了三个月,老板拖欠工资不给", "人社局"),
        ("在外地住院回来医保报销不了", "医保局"),
        ("孩子在外地出生,回来怎么上户口", "公安局"),
        ("实验小学让学生统一买教辅资料乱收费", "教体局"),
        ("5路公交车司机开车打电话", "交通运输局"),
        ("一家化工厂晚上偷排废气,气味刺鼻", "生态环境局"),
        ("在政务服务中心窗口办事来回跑了三趟", "政务服务办"),
    ],
)
def test_each_department_s_matters_go_to_it_and_the_centre_is_no_catch_all(hotline_demo, content, lead):
    assert _first(content) == lead


@pytest.mark.django_db
def test_the_operator_sees_three_organisations_as_words_never_scores(hotline_demo, client):
    from django.contrib.auth import get_user_model

    ticket = _file(FOOD_SAFETY, "GX0701")
    client.force_login(get_user_model().objects.get(username="hotline"))
    html = client.get(f"/workbench/tickets/{ticket.number}/").content.decode()
    block = re.search(r'<ol[^>]*id="suggestions"[^>]*>(.*?)</ol>', html, re.S).group(1)
    items = re.findall(r"<li>(.*?)</li>", block, re.S)
    assert len(items) == 3
    assert "贵溪市市场监督管理局" in items[0] and "很可能" in items[0]
    assert all(re.search(r"(很可能|可能|也可能)</span>", item) for item in items)
    assert not re.search(r"\d", re.sub(r"<[^>]+>", "", block))  # no number in what the operator reads
    for s in dispatching.suggest(ticket):
        assert str(s.score) not in re.sub(r"<[^>]+>", " ", html)
    assert "仅供参考" in html  # what the words mean is said on the page
    # The lead starts at the 很可能 suggestion, not at the category's usual organisation (the service centre).
    market = Organisation.objects.get(short_name="市场监管局", region__code=demo.REGION)
    lead = re.search(r'<select[^>]*name="lead".*?</select>', html, re.S).group(0)
    assert re.search(rf'<option value="{market.pk}" selected>', lead)


@pytest.mark.django_db
def test_every_organisation_the_history_routes_to_has_someone_to_take_the_ticket(hotline_demo):
    """A ticket the operator dispatches where the suggestions point can be acknowledged and answered by a demo
    account of that organisation (printed by `zhengwu demo`)."""
    from django.contrib.auth import get_user_model

    routed = set(Ticket.objects.filter(channel=Channel.IMPORT).values_list("lead_organisation_id", flat=True))
    defaults = set(
        Category.objects.exclude(default_organisation=None).values_list("default_organisation", flat=True)
    )
    operator = get_user_model().objects.get(username="hotline")
    for organisation in Organisation.objects.filter(pk__in=routed | defaults):
        handler = get_user_model().objects.get(username=demo.HANDLERS[organisation.short_name])
        ticket = _file(f"{organisation.short_name}的工单", demo_history.GENERIC_CATEGORY)
        services.dispatch_ticket(ticket=ticket, lead=organisation, by=operator)
        services.acknowledge(ticket=ticket, organisation=organisation, by=handler)
        services.reply_ticket(ticket=ticket, organisation=organisation, text="已核实处理。", by=handler)
        ticket.refresh_from_db()
        assert ticket.status == "replied", organisation.short_name


@pytest.mark.django_db
def test_machines_get_the_score_and_the_same_word(hotline_demo, client):
    from django.contrib.auth import get_user_model

    ticket = _file(FOOD_SAFETY, demo_history.GENERIC_CATEGORY)
    client.force_login(get_user_model().objects.get(username="hotline"))
    ranked = client.get(f"/api/tickets/{ticket.number}/suggestions").json()
    assert len(ranked) == 5 and ranked[0]["organisation"] == "贵溪市市场监督管理局"
    assert [r["likelihood"] for r in ranked] == [dispatching.likelihood(r["score"]) for r in ranked]
    assert ranked[0]["score"] >= dispatching.LIKELY > ranked[1]["score"]
