"""Browser: a citizen types 营业执照 into the home page's search box (desktop and a 390 px phone): the items that issue
or change the licence come first under their own heading, the items that only ask for it among their materials
(取水许可) follow in a second group, each saying where it matched with the words marked; the policy documents and
frequently asked questions the box promises are there too, and open."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from zhengwu.core.models import Organisation
from zhengwu.disclosure import demo as disclosure_demo
from zhengwu.tickets import services as ticket_services
from zhengwu.tickets.demo import KNOWLEDGE
from zhengwu.tickets.models import Category

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def site(demo_catalogue):
    """The demo catalogue with the demo's policy documents and its questions about 营业执照."""
    disclosure_demo.load_demo()
    hotline = get_user_model().objects.get(username="hotline2")
    for _code, org, title, answer, keywords in KNOWLEDGE:
        if "营业执照" in answer + keywords:
            ticket_services.save_knowledge_entry(
                title=title,
                answer=answer,
                owner=Organisation.objects.get(short_name=org, region__code="360681"),
                keywords=keywords,
                category=Category.objects.first(),
                by=hotline,
            )
    return demo_catalogue


def _search_from_home(page, visit):
    visit("/")
    page.get_by_role("searchbox", name="搜索办事事项、政策文件和常见问题").fill("营业执照")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("您搜索的是“营业执照”")


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_licence_items_first_then_material_matches_then_documents_and_questions(
    page, site, visit, shot, width
):
    if width == "phone":
        page.set_viewport_size(PHONE)
    _search_from_home(page, visit)

    direct = page.get_by_test_id("result-group-direct")
    expect(
        direct.get_by_role("heading", name=re.compile("名称或办理结果与“营业执照”相符的事项"))
    ).to_be_visible()
    licence = direct.get_by_test_id("catalog-result").filter(has_text="企业登记(设立登记)")
    expect(licence.get_by_test_id("match-reasons")).to_contain_text("匹配办理结果")
    expect(licence.locator("mark").first).to_have_text("营业执照")

    mentioned = page.get_by_test_id("result-group-mentioned")
    expect(
        mentioned.get_by_role("heading", name=re.compile("申请材料、受理条件等内容中提到“营业执照”的事项"))
    ).to_be_visible()
    water = mentioned.get_by_test_id("catalog-result").filter(has_text="取水许可(新办)")
    expect(water.get_by_test_id("match-reasons")).to_contain_text("匹配申请材料")
    expect(water.locator("mark").first).to_have_text("营业执照")
    expect(direct.get_by_text("取水许可(新办)")).to_have_count(0)
    # the licence items come before the material matches on the page
    assert direct.bounding_box()["y"] < mentioned.bounding_box()["y"]

    policy = page.get_by_test_id("policy-result").filter(has_text="政策解读")
    expect(policy.locator("mark")).to_have_text("营业执照")
    question = page.get_by_test_id("faq-result").filter(has_text="开办个体工商户需要什么材料?")
    question.locator("summary").click()
    expect(question).to_contain_text("经营者居民身份证和经营场所使用证明")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= page.viewport_size["width"]
    shot()

    with page.expect_navigation():
        policy.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "《贵溪市进一步优化营商环境若干措施》政策解读"
    )
