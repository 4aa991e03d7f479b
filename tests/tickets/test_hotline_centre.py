"""The 12345 hotline centre is marked on its organisation (Organisation.is_hotline_centre), not guessed from who holds
the operator's role: a centre whose staff are not set up yet takes no ticket, and a department whose clerk also
helps on the phones (热线话务员) still handles its tickets. Existing data keeps what the guess said (migration)."""

import importlib

import pytest
from django.apps import apps

from tests.tickets.conftest import file, make_org
from zhengwu.core.errors import ValidationFailed
from zhengwu.core.models import Organisation, Role, Staff, StaffRole
from zhengwu.tickets import services
from zhengwu.tickets.models import Status, Ticket


def test_the_hotline_centre_takes_no_ticket_before_anyone_answers_its_phones(client, world):
    hotline = make_org("瑞金市12345政务服务便民热线中心", world.county, "12345热线", is_hotline_centre=True)
    t = file(world)
    client.force_login(world.operator)
    form = client.get(f"/workbench/tickets/{t.number}/").content.decode()
    form = form[form.index("/dispatch/") :]
    assert "瑞金市12345政务服务便民热线中心" not in form
    with pytest.raises(ValidationFailed, match="不是承办单位"):
        services.dispatch_ticket(ticket=t, lead=hotline, by=world.operator)
    assert Ticket.objects.get(pk=t.pk).status == Status.NEW


def test_a_department_whose_clerk_also_answers_the_phones_still_handles_tickets(client, world):
    helper = Staff.objects.get(user=world.housing_clerk)
    StaffRole.objects.create(staff=helper, role=Role.HOTLINE_OPERATOR)
    t = file(world)
    client.force_login(world.operator)
    form = client.get(f"/workbench/tickets/{t.number}/").content.decode()
    assert f'<option value="{world.housing.pk}"' in form[form.index("/dispatch/") :]
    services.dispatch_ticket(ticket=t, lead=world.housing, by=world.operator)
    assert Ticket.objects.get(pk=t.pk).lead_organisation == world.housing


def test_the_migration_marks_where_the_operators_work(world):
    Organisation.objects.update(is_hotline_centre=False)
    migration = importlib.import_module("zhengwu.core.migrations.0007_organisation_hotline_centre")
    migration.mark_hotline_centres(apps, None)
    assert list(Organisation.objects.filter(is_hotline_centre=True)) == [world.centre]
