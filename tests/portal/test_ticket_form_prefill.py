"""The public 12345 form for a signed-in citizen: the name and phone their account holds are filled in (a stranger
signed in as a citizen was asked for both again); anyone not signed in gets an empty form, and what is typed wins."""

import pytest

from tests.cases.conftest import world  # noqa: F401 — fixtures

pytestmark = pytest.mark.django_db


def test_signed_in_citizen_finds_name_and_phone_filled_in(client, world):  # noqa: F811
    client.force_login(world.citizen_user)
    page = client.get("/interaction/new/").content.decode()
    assert f'value="{world.citizen.name}"' in page
    assert f'value="{world.citizen.phone}"' in page


def test_no_account_no_name(client, world):  # noqa: F811
    page = client.get("/interaction/new/").content.decode()
    assert f'value="{world.citizen.name}"' not in page and f'value="{world.citizen.phone}"' not in page
