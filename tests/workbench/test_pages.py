import pytest

from tests.factories import make_centre, make_organisation, make_region, make_staff, make_user, make_window
from zhengwu.core.models import Organisation, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def bureau():
    county = make_region("360681", "贵溪市", parent=make_region("360600", "鹰潭市"))
    return make_organisation("贵溪市市场监督管理局", region=county, short_name="市场监管局")


@pytest.fixture
def chief(bureau):
    centre = make_centre("贵溪市政务服务中心", bureau.region)
    window = make_window(centre, "9", "企业开办专窗", organisations=[bureau])
    return make_staff(
        "market", bureau, roles=[Role.WINDOW_CLERK, Role.APPROVER], window=window, name="邹丽娟",
        phone="18970016789", title="首席代表", window_authorised=True,
    )  # fmt: skip


@pytest.mark.parametrize("path", ["/workbench/", "/workbench/profile/"])
def test_workbench_requires_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={path}"


def test_home_greets_with_name_organisation_window_and_roles(client, chief):
    client.force_login(chief.user)
    html = client.get("/workbench/").content.decode()
    assert "您好,邹丽娟" in html
    assert "贵溪市市场监督管理局" in html
    assert "贵溪市政务服务中心 9号窗口 企业开办专窗" in html and "首席代表 · 窗口授权" in html
    assert "窗口工作人员" in html and "审批人员" in html
    assert 'action="/accounts/logout/"' in html and "csrfmiddlewaretoken" in html


def test_side_nav_follows_roles(client, chief, bureau):
    client.force_login(chief.user)
    html = client.get("/workbench/").content.decode()
    assert ">办件<" in html and ">事项<" in html
    assert ">公开<" not in html and ">监察<" not in html
    # the bureau handles 12345 tickets and any of its staff signs for and answers them: its 窗口+审批 staff find 热线
    assert ">热线<" in html
    # … staff of an organisation that handles no tickets (the 监察委员会, of kind 其他) do not
    commission = make_organisation("贵溪市监察委员会", region=bureau.region, kind=Organisation.Kind.OTHER)
    clerk = make_staff("commission", commission, roles=[Role.WINDOW_CLERK, Role.APPROVER], name="周文")
    client.force_login(clerk.user)
    assert ">热线<" not in client.get("/workbench/").content.decode()
    officer = make_staff("disclosure", bureau, roles=[Role.DISCLOSURE_OFFICER], name="李秀英")
    client.force_login(officer.user)
    html = client.get("/workbench/").content.decode()
    assert ">公开<" in html and ">办件<" not in html
    assert "系统管理" not in html


def test_administrator_sees_every_section_and_admin(client, bureau):
    admin = make_staff("admin", bureau, roles=[Role.ADMINISTRATOR], name="徐俊")
    client.force_login(admin.user)
    html = client.get("/workbench/").content.decode()
    for label in ("办件", "事项", "监察", "公开", "热线", "评价"):
        assert f">{label}<" in html, label
    assert 'href="/admin/"' in html


def test_profile_masks_the_phone_and_offers_second_factor(client, chief):
    client.force_login(chief.user)
    html = client.get("/workbench/profile/").content.decode()
    assert "189****6789" in html and "18970016789" not in html
    assert 'href="/accounts/otp/setup/"' in html and "启用两步验证" in html
    assert "market" in html and "企业开办专窗" in html


def test_account_without_staff_profile_is_told_why(client):
    client.force_login(make_user("someone"))
    response = client.get("/workbench/")
    assert response.status_code == 403
    assert "未关联工作人员档案" in response.content.decode()
