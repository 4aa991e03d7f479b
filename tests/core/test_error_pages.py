"""What a person sees when something is wrong: Chinese pages with the status, never Django's English ones or a 500."""

import pytest
from django.urls import path

from zhengwu.core.errors import AccessDenied, Conflict, NotFound


def _raises(error):
    def view(request):
        raise error

    return view


urlpatterns = [
    path("gone/", _raises(NotFound("找不到编号为 360681-2026-000999 的办件", field="number"))),
    path("forbidden/", _raises(AccessDenied())),
    path("conflict/", _raises(Conflict("该办件已被他人受理,请刷新后查看"))),
    path("api/gone/", _raises(NotFound())),
]


@pytest.mark.django_db
def test_unknown_address_gets_the_chinese_404_page(client):
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="zh-Hans"' in html and "页面不存在" in html and "返回首页" in html


@pytest.mark.django_db
def test_the_404_page_leads_staff_to_their_workbench_and_a_citizen_to_their_cases(client):
    from tests.cases.conftest import resident_id
    from tests.factories import make_organisation, make_region, make_staff
    from zhengwu.cases.services import register_applicant
    from zhengwu.core.models import Role

    bureau = make_organisation("贵溪市市场监督管理局", region=make_region("360681", "贵溪市"))
    client.force_login(make_staff("clerk", bureau, roles=[Role.WINDOW_CLERK]).user)
    staff_page = client.get("/no-such-page/").content.decode()
    assert "返回工作台" in staff_page and "我的办件" not in staff_page
    citizen = register_applicant(
        kind="natural",
        name="桂水泉",
        id_number=resident_id(),
        phone="13607014369",
        password="Zw-citizen-2026",
    )
    client.force_login(citizen.user)
    citizen_page = client.get("/no-such-page/").content.decode()
    assert "返回工作台" not in citizen_page and "我的办件" in citizen_page and 'href="/cases/' in citizen_page


@pytest.mark.django_db
@pytest.mark.urls("tests.core.test_error_pages")
@pytest.mark.parametrize(
    "url, status, shown",
    [
        ("/gone/", 404, "找不到编号为 360681-2026-000999 的办件"),
        ("/forbidden/", 403, "无权访问或操作该记录"),
        ("/conflict/", 409, "该办件已被他人受理,请刷新后查看"),
    ],
)
def test_a_domain_error_a_page_did_not_catch_is_shown_with_its_status(client, url, status, shown):
    response = client.get(url)
    assert response.status_code == status
    assert shown in response.content.decode()


@pytest.mark.django_db
@pytest.mark.urls("tests.core.test_error_pages")
def test_the_api_keeps_its_own_error_answers(client):
    with pytest.raises(NotFound):  # left to the API's handler, not turned into a page
        client.get("/api/gone/")


@pytest.mark.django_db
def test_a_nul_character_in_a_form_gets_the_400_page_not_a_500(client):
    response = client.get("/cases/lookup/", {"number": "360681-2026-\x00001", "query_code": "ABCDEF"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "不能包含空字符" in html and '<html lang="zh-Hans"' in html


def test_the_500_page_renders_without_a_request():
    from django.template import loader

    html = loader.get_template("500.html").render()
    assert '<html lang="zh-Hans"' in html and "系统暂时出错" in html and "12345" in html
