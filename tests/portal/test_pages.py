import pytest
from django.test import override_settings

from tests.factories import make_centre, make_organisation, make_region

pytestmark = pytest.mark.django_db


@pytest.fixture
def centre():
    county = make_region("360681", "贵溪市", parent=make_region("360600", "鹰潭市"))
    government = make_organisation("贵溪市人民政府", region=county, kind="government")
    office = make_organisation("贵溪市政务服务管理办公室", parent=government, kind="centre_admin")
    return make_centre(
        "贵溪市政务服务中心", county, managed_by=office, address="贵溪市雄石街道民主路80号",
        phone="0701-3320000", opening_hours="周一至周五 9:00-12:00 13:30-17:00",
    )  # fmt: skip


def test_home_has_search_tiles_care_switch_and_staff_sign_in(client, centre):
    html = client.get("/").content.decode()
    assert 'role="search"' in html and 'action="/search/"' in html and 'name="q"' in html
    assert '<label for="portal-search"' in html
    assert "个人办事" in html and "法人办事" in html
    assert "data-care-toggle" in html and 'aria-pressed="false"' in html and "关怀模式" in html
    assert 'href="/accounts/login/"' in html and "工作人员登录" in html
    assert 'href="#main"' in html and 'id="main"' in html


def test_site_name_and_footer_come_from_the_county_centre(client, centre):
    html = client.get("/").content.decode()
    assert "贵溪市政务服务网" in html
    assert "贵溪市雄石街道民主路80号" in html and "0701-3320000" in html and "周一至周五 9:00-12:00" in html
    assert "主办单位:贵溪市人民政府" in html and "承办单位:贵溪市政务服务管理办公室" in html


def test_site_name_falls_back_without_a_centre(client):
    html = client.get("/").content.decode()
    assert "政务服务网" in html and "贵溪市" not in html


@override_settings(ZHENGWU_SITE_NAME="鹰潭市政务服务网")
def test_site_name_can_be_set(client, centre):
    assert "鹰潭市政务服务网" in client.get("/").content.decode()


def test_care_mode_cookie_renders_the_large_text_page(client, centre):
    client.cookies["care_mode"] = "1"
    html = client.get("/").content.decode()
    assert '<html lang="zh-Hans" class="care-mode">' in html
    assert '<body class="care-mode' in html and 'aria-pressed="true"' in html


def test_built_sections_are_linked_and_unbuilt_ones_marked(client, centre, monkeypatch):
    from zhengwu.portal import navigation

    monkeypatch.setattr(
        navigation, "PORTAL_SECTIONS", [*navigation.PORTAL_SECTIONS, ("数据开放", ("portal_opendata:index",))]
    )
    html = client.get("/").content.decode()
    assert 'aria-current="page">首页</a>' in html
    assert 'href="/disclosure/"' in html
    assert 'aria-disabled="true">数据开放<span class="zw-soon">建设中</span>' in html


def test_search_page_echoes_the_query_and_says_what_it_will_search(client, centre):
    response = client.get("/search/", {"q": "营业执照<script>"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "营业执照&lt;script&gt;" in html and "营业执照<script>" not in html
    assert "办事指南" in html and "政务公开" in html and "12345" in html
