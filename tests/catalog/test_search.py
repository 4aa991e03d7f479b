"""Finding items the way people type: Chinese words, Traditional characters, pinyin, initials; names rank first."""

import pytest

from zhengwu.catalog import matches, search, selectors, services

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(make_spec, market, water, publish_item):
    items = {
        "licence": publish_item(
            make_spec(
                name="营业执照核发",
                type="01",
                basic_code="010100100000",
                conditions="依法设立的企业",
                themes=["开办企业"],
                target=["legal_person"],
                result={"name": "营业执照", "kind": "licence", "delivery": ["window"]},
            ),
            market,
        ),
        "food": publish_item(
            make_spec(
                name="食品经营许可",
                type="01",
                basic_code="010100200000",
                conditions="申请人应当持有营业执照",
                themes=["餐饮"],
                materials=[{"name": "营业执照复印件", "form": "copy"}],
                result={"name": "食品经营许可证", "kind": "licence", "delivery": ["window"]},
            ),
            market,
        ),
        "water": publish_item(make_spec(), water),
        "yingye": publish_item(
            make_spec(
                name="营运车辆年审",
                type="20",
                basic_code="200100300000",
                legal_basis=[],
                result={"name": "车辆年审合格标志", "kind": "certificate", "delivery": ["window"]},
            ),
            water,
        ),
    }
    return items


def names(query, **filters):
    return [e.display_name for e in selectors.published(q=query, **filters)]


def test_simplified_query_finds_name_before_text(catalogue):
    assert names("营业执照") == ["营业执照核发", "食品经营许可"]


def test_traditional_characters_find_simplified_names(catalogue):
    assert names("「營業執照」")[0] == "营业执照核发"
    assert names("食品經營許可") == ["食品经营许可"]


def test_pinyin_initials_and_full_pinyin(catalogue):
    assert names("yyzz") == ["营业执照核发"]
    assert names("YYZZ") == ["营业执照核发"]
    assert names("yingye")[0] == "营业执照核发"
    assert set(names("ying")) >= {"营业执照核发", "营运车辆年审"}
    assert names("qsxk") == ["取水许可"]
    assert names("qu shui xu ke") == ["取水许可"]


def test_words_of_a_phrase_are_matched_separately(catalogue):
    assert names("怎么办理取水许可证")[0] == "取水许可"
    assert names("开办企业营业执照")[0] == "营业执照核发"


def test_some_words_are_enough_when_no_item_has_them_all(catalogue):
    assert names("食品 殡葬") == ["食品经营许可"]


def test_no_match_and_empty_query(catalogue):
    assert names("殡葬") == []
    assert len(names("")) == 4


def test_code_finds_the_item(catalogue):
    code = catalogue["water"].code
    assert names(code) == ["取水许可"]


def test_filters_combine_with_search(catalogue, market):
    assert names("营业执照", organisation=market.pk) == ["营业执照核发", "食品经营许可"]
    assert names("", theme="餐饮") == ["食品经营许可"]
    assert set(names("", target="person")) == {"食品经营许可", "取水许可", "营运车辆年审"}
    assert names("", item_type="20") == ["营运车辆年审"]
    assert names("", online="handle") == []


def test_republished_item_is_found_by_its_new_name_only(catalogue, make_spec):
    item = catalogue["yingye"]
    services.edit_item(
        item=item,
        spec=make_spec(name="道路运输车辆年审", type="20", basic_code=item.basic_code, legal_basis=[]),
        reason="更名",
    )
    assert names("道路运输") == []  # the draft is not public yet
    services.submit(item=item)
    services.publish(item=item)
    assert names("道路运输") == ["道路运输车辆年审"]
    assert names("营运") == []


@pytest.mark.parametrize(
    "text, expected",
    [("「營業執照」", "营业执照"), ("ＹＹＺＺ", "yyzz"), ("取水 许可,证", "取水许可证"), ("", "")],
)
def test_normalise(text, expected):
    assert search.normalise(text) == expected


def test_pinyin_of_names():
    assert search.pinyin_of("营业执照") == ("yingyezhizhao", "yyzz")


def test_the_item_that_issues_a_licence_is_found_by_the_licence_name(make_spec, market, publish_item):
    """People search for what they need (营业执照), not for the item's name (企业设立登记)."""
    publish_item(
        make_spec(
            name="企业设立登记",
            type="01",
            basic_code="010100400000",
            result={"name": "营业执照", "kind": "licence", "delivery": ["window"]},
        ),
        market,
    )
    publish_item(
        make_spec(
            name="营业性演出许可",
            type="01",
            basic_code="010100500000",
            materials=[{"name": "营业执照", "form": "copy"}],
        ),
        market,
    )
    assert names("营业执照") == ["企业设立登记", "营业性演出许可"]
    assert names("營業執照")[0] == "企业设立登记"
    assert names("yyzz") == ["企业设立登记"]
    assert names("yingyezhizhao") == ["企业设立登记"]


def test_tokens_cover_every_piece_of_each_column():
    tokens = search.tokens_for(
        name="取水许可", text="水法|申请书", pinyin="qushuixuke", initials="qsxk", result="许可证"
    )
    assert {
        "n取水",
        "n水许",
        "n许可",
        "t水法",
        "t申请",
        "t请书",
        "r许可",
        "r可证",
        "pqus",
        "iqs",
        "ixk",
    } <= tokens
    assert "t法申" not in tokens  # no piece across two text parts


def test_long_queries_are_looked_up_in_the_index_and_short_ones_scanned(
    catalogue, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as long_query:
        assert names("取水许可")[0] == "取水许可"
    assert any("catalog_searchtoken" in q["sql"] for q in long_query.captured_queries)
    with CaptureQueriesContext(connection) as short_query:
        assert "取水许可" in names("水")
    assert not any("catalog_searchtoken" in q["sql"] for q in short_query.captured_queries)


def test_index_is_rebuilt_when_an_item_is_cancelled(catalogue):
    from zhengwu.catalog.models import SearchToken

    item = catalogue["water"]
    assert SearchToken.objects.filter(entry__item=item).exists()
    services.cancel_item(item=item, reason="取消")
    assert not SearchToken.objects.filter(entry__item=item).exists()
    assert "取水许可" not in names("取水许可")


def test_results_page_like_a_queryset(catalogue, django_assert_max_num_queries):
    from django.core.paginator import Paginator

    # The ranking runs once (token counts + one ranked statement); the page then reads its own rows and their
    # versions and organisations.
    with django_assert_max_num_queries(5):
        page = Paginator(selectors.published(q="营业执照"), 1).get_page(2)
        shown = [e.display_name for e in page]
    assert page.paginator.count == 2 and shown == ["食品经营许可"]
    results = selectors.published(q="营业执照")
    assert results[0].display_name == "营业执照核发" and results[-1].display_name == "食品经营许可"
    assert results[0].score > results[1].score
    with pytest.raises(IndexError):
        results[2]


def test_a_long_query_is_answered(catalogue):
    query = (
        "我想问一下在贵溪市开办一家餐饮店需要先办理营业执照还是先办理食品经营许可证以及需要准备哪些材料" * 2
    )
    assert names(query)[0] in {"食品经营许可", "营业执照核发"}


def _explained(query):
    rows = list(selectors.published(q=query))
    matches.explain(rows, query)
    return {row.display_name: row for row in rows}


def test_items_issuing_the_licence_are_a_group_before_those_needing_it(catalogue):
    rows = selectors.published(q="营业执照")
    assert [(e.display_name, e.direct) for e in rows] == [("营业执照核发", True), ("食品经营许可", False)]
    assert rows.direct_count() == 1


def test_each_result_says_where_it_matched_with_the_match_marked(catalogue):
    found = _explained("營業執照")  # Traditional characters are marked in the Simplified text
    licence, food = found["营业执照核发"], found["食品经营许可"]
    assert licence.group == matches.DIRECT and food.group == matches.MENTIONED
    assert [(m.label, m.marked) for m in licence.matches][:2] == [
        ("事项名称", "营业执照"),
        ("办理结果", "营业执照"),
    ]
    assert [(m.label, m.before, m.marked, m.after) for m in food.matches] == [
        ("申请材料", "", "营业执照", "复印件"),
        ("受理条件", "申请人应当持有", "营业执照", ""),
    ]


def test_a_word_match_is_shown_only_when_the_whole_query_is_nowhere(catalogue):
    food = _explained("营业执照复印件")["食品经营许可"]
    assert [(m.label, m.marked) for m in food.matches] == [
        ("申请材料", "营业执照复印件")
    ]  # not 受理条件's 营业执照
    food = _explained("餐饮 营业执照复印件")["食品经营许可"]  # the whole is nowhere: each field shows a word
    assert ("服务主题", "餐饮") in [(m.label, m.marked) for m in food.matches]


def test_pinyin_and_code_matches_are_explained(catalogue):
    assert [m.label for m in _explained("yyzz")["营业执照核发"].matches] == [
        "事项名称(拼音)",
        "办理结果(拼音)",
    ]
    code = catalogue["water"].code
    water = _explained(code)["取水许可"]
    assert (water.group, water.matches[0].label, water.matches[0].marked) == (
        matches.DIRECT,
        "事项编码",
        code,
    )


def test_every_word_in_the_name_is_a_direct_match(catalogue):
    rows = selectors.published(q="营业 核发")
    assert [(e.display_name, e.direct) for e in rows] == [("营业执照核发", True)]
