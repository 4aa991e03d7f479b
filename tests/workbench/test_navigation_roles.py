"""Each role finds its sections in the workbench menu, and an applicant finds 我的证照, 我的一件事 and the fee
schedules in the portal: the links are on the page, not only reachable by typing an address."""

import pytest

from tests.cases.conftest import world  # noqa: F401
from tests.factories import make_staff
from zhengwu.core.models import Role


def _menu(client, user) -> str:
    client.force_login(user)
    html = client.get("/workbench/").content.decode()
    return html[html.index('id="wb-sidenav"') : html.index('id="main"')]


@pytest.mark.parametrize(
    ("role", "wants", "not_wanted"),
    [
        (Role.CENTRE_MANAGER, ["/workbench/licences/", "/workbench/joint/", "/workbench/cases/"], []),
        (Role.SUPERVISOR, ["/workbench/joint/", "/workbench/licences/", "/workbench/supervision/"], []),
        (Role.DEPARTMENT_HEAD, ["/workbench/licences/", "/workbench/joint/", "/workbench/cases/"], []),
        (Role.WINDOW_CLERK, ["/workbench/licences/", "/workbench/joint/", "/workbench/hall/"], []),
        (Role.APPROVER, ["/workbench/licences/", "/workbench/joint/"], ["/workbench/supervision/"]),
        (Role.HOTLINE_OPERATOR, ["/workbench/tickets/"], ["/workbench/licences/"]),
    ],
)
def test_each_role_finds_its_sections_in_the_menu(client, world, role, wants, not_wanted):  # noqa: F811
    staff = make_staff(f"nav-{role}", world.bureau, roles=[role], name="测试人员")
    menu = _menu(client, staff.user)
    for url in wants:
        assert f'href="{url}' in menu, (role, url)
    for url in not_wanted:
        assert f'href="{url}' not in menu, (role, url)


def test_the_menu_collapses_behind_a_menu_button_on_small_screens(client, world):  # noqa: F811
    client.force_login(world.head)
    html = client.get("/workbench/").content.decode()
    assert 'data-bs-toggle="offcanvas" data-bs-target="#wb-sidenav"' in html and "菜单" in html
    assert 'class="col-md-3 col-xl-2 zw-sidenav py-md-3 offcanvas-md offcanvas-start" id="wb-sidenav"' in html


def test_a_signed_in_applicant_finds_licences_bundles_and_fees(client, world):  # noqa: F811
    client.force_login(world.citizen_user)
    html = client.get("/cases/").content.decode()
    assert 'href="/licences/"' in html and "我的证照" in html
    assert 'href="/bundles/mine/"' in html and "我的一件事" in html
    assert 'href="/fees/"' in html and "收费公示" in html


def test_a_visitor_finds_the_fee_schedules_in_the_portal_nav(client, world):  # noqa: F811
    html = client.get("/").content.decode()
    nav = html[html.index('id="portal-nav"') :]
    assert 'href="/fees/"' in nav and 'href="/bundles/"' in nav
    assert 'href="/licences/"' not in html  # the wallet is offered to a signed-in applicant
