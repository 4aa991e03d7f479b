"""Django admin's read-only case page, as a centre manager reads it."""

from tests.factories import PASSWORD, make_staff
from zhengwu.core.models import Role, Staff


def test_the_case_page_names_who_registered_it_without_linking_to_accounts_the_manager_may_not_open(
    world, submitted, client
):
    """Django links a read-only foreign key to the related record's admin page without asking whether the reader
    may open it; accounts are the administrator's, so the link answered a centre manager 403 (found by the crawler)."""
    centre_admin = Staff.objects.get(user=world.general_clerk).organisation
    make_staff("manager", centre_admin, roles=[Role.CENTRE_MANAGER])
    client.post("/accounts/login/", {"username": "manager", "password": PASSWORD})

    page = client.get(f"/admin/cases/case/{submitted.pk}/change/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "登记人" in html and world.clerk.get_username() in html
    assert "/admin/auth/user/" not in html
