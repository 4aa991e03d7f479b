"""The hotline centre works the tickets of its own region; another county's centre does not see them."""

from tests.tickets.conftest import make_org, make_staff
from zhengwu.core.models import Region, Role
from zhengwu.tickets import selectors, services


def test_hotline_centre_sees_its_region_and_not_another_county(world):
    other_county = Region.objects.create(code="360782", name="南康区", level=Region.Level.COUNTY)
    other_centre = make_org("南康区12345热线", other_county)
    other_operator = make_staff("operator_nk", other_centre, Role.HOTLINE_OPERATOR)

    here = services.file_ticket(
        kind="complaint",
        channel="hotline",
        category=world.noise,
        content="夜间施工噪音扰民",
        caller_name="李先生",
        caller_phone="13907011234",
        region=world.town,
        by=world.operator,
    )
    unlocated = services.file_ticket(
        kind="consult",
        channel="hotline",
        category=world.bus,
        content="公交几点收班",
        caller_name="王女士",
        caller_phone="13907015678",
        by=world.operator,
    )

    mine = set(selectors.visible_tickets(world.operator).values_list("pk", flat=True))
    theirs = set(selectors.visible_tickets(other_operator).values_list("pk", flat=True))
    assert {here.pk, unlocated.pk} <= mine
    assert here.pk not in theirs
