"""core.numbering: one counter per prefix for every number people read (cases, tickets, orders), continuing after
numbers written before the counter or by an import."""

import pytest
from django.db import transaction

from tests.factories import make_organisation, make_region
from zhengwu.core import numbering
from zhengwu.core.models import NumberSequence, Organisation

pytestmark = pytest.mark.django_db


def test_numbers_follow_one_another_under_each_prefix():
    with transaction.atomic():
        assert numbering.next_number("360681-2026", sep="-", width=6) == "360681-2026-000001"
        assert numbering.next_number("360681-2026", sep="-", width=6) == "360681-2026-000002"
        assert numbering.next_number("360681-2027", sep="-", width=6) == "360681-2027-000001"
    assert NumberSequence.objects.get(prefix="360681-2026").last == 2


def test_the_counter_continues_after_numbers_already_stored_and_imported():
    region = make_region("360681", "贵溪市")
    make_organisation("DB-2026-0007", region=region)  # a number given before the counter existed
    with transaction.atomic():
        got = numbering.next_number("DB-2026", sep="-", width=4, existing=Organisation.objects, field="name")
        assert got == "DB-2026-0008"
        numbering.given("DB-2026", 41)  # an import kept its own number
        assert numbering.next_number("DB-2026", sep="-", width=4) == "DB-2026-0042"
        numbering.given("DB-2026", 3)  # a lower one changes nothing
        assert numbering.next_number("DB-2026", sep="-", width=4) == "DB-2026-0043"
