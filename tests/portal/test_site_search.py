"""Site search on the demo county, as a citizen reads it: 营业执照 first finds the items that issue or change the
licence, then — in their own group — the items that only ask for it among their materials (取水许可), each saying why
it matched; and the policy documents and frequently asked questions the search box promises."""

import re

import pytest

from tests.worldcache import replayed
from zhengwu.catalog import demo as catalog_demo
from zhengwu.core.demo import load_demo
from zhengwu.core.models import Organisation
from zhengwu.disclosure import demo as disclosure_demo
from zhengwu.tickets import services as ticket_services
from zhengwu.tickets.demo import KNOWLEDGE
from zhengwu.tickets.models import Category

pytestmark = pytest.mark.django_db


def _site() -> None:
    load_demo()
    report = catalog_demo.load_demo_catalogue(
        [catalog_demo.DEMO_DIR / "shichang.json", catalog_demo.DEMO_DIR / "shuili.json"]
    )
    assert not report.problems, report.problems[:3]
    disclosure_demo.load_demo()
    from django.contrib.auth import get_user_model

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


# the county, two departments' items, the disclosure demo and the hotline's answers: made once per test process and
# replayed as rows for each test (tests/worldcache.py)
demo_site = replayed(_site, name="demo_site")


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _section(html: str, testid: str) -> str:
    start = html.index(f'data-testid="{testid}"')
    return html[start : html.find("</section>", start) if "results" in testid else html.find("</ol>", start)]


def test_licence_items_come_first_and_material_matches_follow_with_their_reason(client, demo_site):
    html = client.get("/search/", {"q": "营业执照"}).content.decode()

    direct, mentioned = _section(html, "result-group-direct"), _section(html, "result-group-mentioned")
    assert html.index('data-testid="result-group-direct"') < html.index(
        'data-testid="result-group-mentioned"'
    )
    assert "名称或办理结果与“营业执照”相符的事项" in direct
    for name in ("企业登记(设立登记)", "企业登记(变更登记)", "个体工商户登记(设立登记)"):
        assert f">{name}</a>" in direct
    assert "匹配办理结果" in _text(direct) and "<mark>营业执照</mark>" in direct

    assert "申请材料、受理条件等内容中提到“营业执照”的事项" in mentioned
    water = mentioned[mentioned.index(">取水许可(新办)</a>") :]
    water = water[: water.index("</li>\n", water.index("match-reasons"))]
    assert "匹配申请材料" in _text(water) and "<mark>营业执照</mark>" in water
    assert ">取水许可(新办)</a>" not in direct and ">河道采砂许可</a>" not in direct


def test_policy_documents_and_questions_are_searched_too(client, demo_site):
    html = client.get("/search/", {"q": "营业执照"}).content.decode()

    policy = _section(html, "policy-results")
    assert "《贵溪市进一步优化营商环境若干措施》政策解读" in policy
    assert re.search(r'href="/disclosure/p/[^"]+/"', policy)
    assert "<mark>营业执照</mark>" in policy
    assert 'href="/disclosure/search/?q=%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7"' in policy

    faq = _section(html, "faq-results")
    assert "开办个体工商户需要什么材料?" in faq and "经营者居民身份证和经营场所使用证明" in faq
    assert 'href="/interaction/faq/"' in faq
    kinds = _text(html[html.index('data-testid="search-kinds"') :])
    assert re.search(r"办事事项 \d+ 个 政策文件 [1-9]\d* 篇 常见问题 [1-9] 条", kinds)


def test_nothing_found_says_so_in_each_group(client, demo_site):
    text = _text(client.get("/search/", {"q": "宇宙飞船"}).content.decode())
    assert "没有找到符合条件的事项" in text
    assert "政府信息公开中没有找到相关的政策文件" in text and "没有找到相关的常见问题" in text


def test_api_gives_each_result_its_group_and_reason(client, demo_site):
    items = client.get("/api/catalog/items", {"q": "营业执照", "limit": 100}).json()["items"]
    groups = [i["group"] for i in items]
    assert groups == sorted(groups)  # every "direct" before every "mentioned"
    first = next(i for i in items if i["name"] == "企业登记(设立登记)")
    assert first["group"] == "direct"
    assert {
        "field": "result",
        "label": "办理结果",
        "text": "营业执照",
        "start": 0,
        "end": 4,
        "others": 0,
    } in first["matches"]
    water = next(i for i in items if i["name"] == "取水许可(新办)")
    assert (
        water["group"] == "mentioned"
        and water["group_label"] == "申请材料、受理条件等内容中提到“营业执照”的事项"
    )
    material = next(m for m in water["matches"] if m["field"] == "materials")
    assert (
        material["label"] == "申请材料"
        and material["text"][material["start"] : material["end"]] == "营业执照"
    )
