"""The public catalogue pages: browse, search (Traditional, pinyin, initials), the guide with every element, its PDF,
and the change log."""

import copy
import datetime as dt
import re
import shutil
import subprocess

import pytest

from tests.catalog.conftest import SPEC
from tests.factories import make_organisation, make_region
from zhengwu.catalog import services
from zhengwu.core import clock

pytestmark = pytest.mark.django_db


def _publish(spec, organisation, **kwargs):
    version = services.create_item(spec=spec, organisation=organisation)
    services.submit(item=version.item)
    services.publish(item=version.item, **kwargs)
    version.item.refresh_from_db()
    return version.item


@pytest.fixture
def county():
    return make_region("360681", "贵溪市", parent=make_region("360600", "鹰潭市"))


@pytest.fixture
def water(county):
    return make_organisation("贵溪市水利局", region=county, short_name="水利局")


@pytest.fixture
def market(county):
    return make_organisation("贵溪市市场监督管理局", region=county, short_name="市场监管局")


@pytest.fixture
def licence(market):
    spec = copy.deepcopy(SPEC)
    spec.update(
        name="企业设立登记",
        basic_code="010100400000",
        target=["legal_person"],
        themes=["企业开办"],
        life_events=["设立变更"],
        materials=[{"name": "公司登记申请书", "required": True, "form": "original", "copies": 1}],
        fees=[],
        result={"name": "营业执照", "kind": "licence", "delivery": ["window", "electronic"]},
    )
    return _publish(spec, market)


@pytest.fixture
def water_item(water):
    spec = copy.deepcopy(SPEC)
    spec.update(
        address="贵溪市政务服务中心二楼",
        opening_hours="周一至周五 9:00-17:00",
        consultation_phone="0701-3321234",
        supervision_phone="0701-3325678",
        fees=[
            {
                "name": "水资源费",
                "standard": "按取水量计征",
                "amount": "0.10",
                "basis": "《取水许可和水资源费征收管理条例》第二十八条",
            }
        ],
    )
    with clock.frozen(
        "2026-01-05"
    ):  # in force since January (an effective date is never before its publication)
        return _publish(spec, water, effective_on=dt.date(2026, 1, 5))


def test_guide_shows_every_element(client, water_item):
    response = client.get(f"/services/{water_item.code}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "01 行政许可" not in html
    for text in (
        "取水许可",
        water_item.code,  # implementation code
        "010012300000",  # basic code
        "<td>行政许可</td>",  # the type in words: the standard's code 01 is not for the applicant (a stranger read 01 行政许可)
        "贵溪市水利局",
        "法人",
        "个人",
        "《中华人民共和国水法》 第四十八条",
        "直接从江河、湖泊或者地下取用水资源的",  # the article's text
        "申请人取水符合水资源规划。",
        "取水许可申请书",
        "加盖公章",  # a material's rule
        "水资源论证报告",
        "非必需",
        "情形:取水量较大的",
        "纸质或电子",
        "申请人自备",
        "20个工作日",  # legal limit
        "可依法延长10个工作日",
        "承诺件",
        "10个工作日",  # promised limit
        "1次",  # on-site visits
        "✔ 受理",
        "✘ 办理",
        "贵溪市政务服务中心二楼",
        "周一至周五 9:00-17:00",
        "0701-3321234",
        "0701-3325678",
        "已授权窗口办理",
        "水资源费",
        "按取水量计征",
        "《取水许可和水资源费征收管理条例》第二十八条",
        "取水许可证",
        "窗口领取、邮寄送达",
        "多久能办好?",
        "承诺10个工作日。",
        "2026年1月5日起施行",
    ):
        assert text in html, text
    # The flowchart is an accessible SVG, and the steps are a list too.
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="zw-flowchart" role="img"' in html
    assert '<title id="flow-title">取水许可 办理流程图</title>' in html
    assert (
        "受理(窗口工作人员,1个工作日) → 审查(审批人员,6个工作日) → 决定(部门负责人,3个工作日,作出决定)"
        in html
    )
    # each step names who takes it; the decision step is marked
    assert "<li>审查(贵溪市水利局 · 审批人员,6个工作日)</li>" in html
    assert re.search(r"<li>决定\(贵溪市水利局 · 部门负责人,3个工作日\) <span[^>]*>决定环节</span></li>", html)
    assert f'href="/services/{water_item.code}/guide.pdf"' in html


def test_guide_without_fees_says_free_and_unknown_code_is_404(client, licence):
    html = client.get(f"/services/{licence.code}/").content.decode()
    assert '<p data-testid="fees">不收费</p>' in html
    assert client.get("/services/000000000000000000010100400000/").status_code == 404


def test_draft_item_has_no_public_guide(client, market):
    spec = copy.deepcopy(SPEC)
    spec.update(basic_code="010100900000")
    version = services.create_item(spec=spec, organisation=market)
    assert client.get(f"/services/{version.item.code}/").status_code == 404


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils (pdffonts) missing")
def test_guide_pdf_is_a_pdf_with_an_embedded_cjk_font(client, water_item, tmp_path):
    response = client.get(f"/services/{water_item.code}/guide.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    path = tmp_path / "guide.pdf"
    path.write_bytes(response.content)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    cjk = [line for line in fonts.splitlines() if "CJK-SC" in line]
    assert cjk and all(" yes " in line for line in cjk), fonts  # embedded


@pytest.mark.parametrize("query", ["營業執照", "yyzz", "yingyezhizhao", "营业执照", "企业 设立"])
def test_search_finds_by_traditional_pinyin_and_initials(client, licence, water_item, query):
    html = client.get("/services/", {"q": query}).content.decode()
    assert f'href="/services/{licence.code}/">企业设立登记</a>' in html
    assert f"/services/{water_item.code}/" not in html


def test_site_search_shows_catalogue_results(client, licence):
    html = client.get("/search/", {"q": "營業執照"}).content.decode()
    assert "您搜索的是“營業執照”" in html
    assert f'href="/services/{licence.code}/">企业设立登记</a>' in html
    assert "找到 1 个事项" in html


def test_filters_and_browsing(client, licence, water_item, water):
    index = client.get("/services/").content.decode()
    assert "按部门" in index and "贵溪市水利局" in index and "企业开办" in index and "设立变更" in index
    by_org = client.get("/services/", {"organisation": water.pk}).content.decode()
    assert "取水许可" in by_org and "企业设立登记" not in by_org
    by_theme = client.get("/services/", {"theme": "企业开办"}).content.decode()
    assert "企业设立登记" in by_theme and ">取水许可<" not in by_theme
    person = client.get("/services/", {"target": "person"}).content.decode()
    assert "取水许可" in person and "企业设立登记" not in person
    online = client.get("/services/", {"online": "handle"}).content.decode()
    assert "没有找到符合条件的事项" in online
    fragment = client.get("/services/", {"q": "取水"}, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment and "取水许可" in fragment


def test_change_log_lists_additions_adjustments_and_cancellations(client, water_item, licence):
    spec = copy.deepcopy(SPEC)
    spec["promised_limit"] = 8
    spec["steps"][1]["days"] = 4
    services.edit_item(item=water_item, spec=spec, reason="压缩承诺时限")
    services.submit(item=water_item)
    services.publish(item=water_item, effective_on=dt.date(2026, 12, 1))
    services.cancel_item(item=licence, reason="并入企业开办一件事", effective_on=dt.date(2026, 12, 15))
    html = client.get("/services/changes/").content.decode()
    assert "2026年12月1日" in html and "调整" in html and "压缩承诺时限" in html
    assert "2026年1月5日" in html and "新增" in html
    assert "2026年12月15日" in html and "取消" in html and "并入企业开办一件事" in html
    only_cancelled = client.get("/services/changes/", {"kind": "cancelled"}).content.decode()
    assert "并入企业开办一件事" in only_cancelled and "压缩承诺时限" not in only_cancelled


def test_guide_offers_online_application_only_where_the_item_takes_applications_online(client, water_item):
    html = client.get(f"/services/{water_item.code}/").content.decode()
    assert f'href="/cases/apply/{water_item.code}/"' in html and "网上申请" in html


def test_guide_without_online_receipt_has_no_apply_button(client, water_item):
    from zhengwu.catalog.models import ItemVersion

    ItemVersion.objects.filter(pk=water_item.current_version_id).update(online_depth=["consult"])
    html = client.get(f"/services/{water_item.code}/").content.decode()
    assert "/cases/apply/" not in html
