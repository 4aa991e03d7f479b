"""An applicant's phone is a phone: the counter registration, the portal's sign-up (and the first-inquiry ledger, tests/evaluation) stored
138abc, 139abc and abc (a stranger's pass) — the portal even made 139abc an account's user name."""

import pytest

from tests.cases.conftest import resident_id
from zhengwu.cases import services
from zhengwu.cases.models import Applicant
from zhengwu.core.errors import ValidationFailed

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("password", [None, "Zw-citizen-2026"])
def test_a_phone_of_letters_is_refused_at_its_field_and_nothing_is_registered(password):
    with pytest.raises(ValidationFailed) as refused:
        services.register_applicant(
            kind="natural", name="桂水泉", id_number=resident_id(), phone="138abc", password=password
        )
    assert refused.value.field == "phone" and "手机号码" in refused.value.message
    assert not Applicant.objects.exists()


def test_a_phone_typed_with_spaces_or_full_width_digits_is_stored_as_digits():
    applicant = services.register_applicant(
        kind="natural", name="桂水泉", id_number=resident_id(), phone="１３９ ０７０１ ２３４５"
    )
    assert applicant.phone == "13907012345"
