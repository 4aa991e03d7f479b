"""Finding items the way people type: Chinese words, Traditional characters, pinyin, initials; names rank first."""

import pytest

from zhengwu.catalog import search, selectors, services

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
            ),
            market,
        ),
        "water": publish_item(make_spec(), water),
        "yingye": publish_item(
            make_spec(name="营运车辆年审", type="20", basic_code="200100300000", legal_basis=[]), water
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
