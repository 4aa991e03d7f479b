"""One gate for every workbench page (workbench.pages.staff_page): the sign-in page for visitors, the page saying an
account has no staff profile for accounts without one — superusers included, as on the workbench home — and each
page's roles for the rest."""

import pytest

from tests.factories import make_organisation, make_region, make_staff, make_user
from zhengwu.core.models import Role

pytestmark = pytest.mark.django_db

PAGES = [
    "/workbench/cases/",
    "/workbench/catalog/",
    "/workbench/supervision/",
    "/workbench/tickets/",
    "/workbench/evaluation/ratings/",
]


@pytest.mark.parametrize("path", PAGES)
def test_visitors_sign_in_first(client, path):
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("superuser", [False, True])
def test_an_account_without_a_staff_profile_is_told_why_on_every_page(client, path, superuser):
    client.force_login(make_user("someone", is_superuser=superuser, is_staff=superuser))
    response = client.get(path)
    assert response.status_code == 403 and "未关联工作人员档案" in response.content.decode()


def test_a_page_for_some_roles_refuses_other_staff_with_its_message(client):
    bureau = make_organisation("贵溪市市场监督管理局", region=make_region("360681", "贵溪市"))
    client.force_login(make_staff("clerk", bureau, roles=[Role.WINDOW_CLERK]).user)
    response = client.get("/workbench/supervision/")
    assert response.status_code == 403 and "所需的角色" in response.content.decode()
    assert client.get("/workbench/cases/").status_code == 200
