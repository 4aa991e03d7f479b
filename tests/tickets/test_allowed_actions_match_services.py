"""The ticket page offers an action exactly when its service accepts it (tickets.permissions): every action of the
page, for every kind of person, at every point of a ticket's life — each tried through its service in a savepoint."""

import datetime as dt

import pytest

from tests.allowed_actions import matrix, offered
from tests.tickets.conftest import file
from zhengwu.core import access, clock
from zhengwu.core.errors import DomainError
from zhengwu.tickets import permissions, selectors, services
from zhengwu.tickets.models import Extension, Status, Ticket

pytestmark = pytest.mark.django_db
MOMENT = "2025-11-24T10:00"  # a Monday


def _points(world) -> dict[str, Ticket]:
    """One ticket at each point of its life that the page knows."""
    w, points = world, {}
    points["new"] = file(world, public_allowed=True)

    def dispatched():
        t = file(world, public_allowed=True)
        return services.dispatch_ticket(ticket=t, lead=w.housing, co_handlers=[w.transport], by=w.operator)

    points["dispatched"] = dispatched()
    t = dispatched()
    points["returned"] = services.return_ticket(
        ticket=t, organisation=w.housing, reason="不属本单位", by=w.housing_clerk
    )
    t = dispatched()
    points["acknowledged"] = services.acknowledge(ticket=t, organisation=w.housing, by=w.housing_clerk)
    t = services.acknowledge(ticket=dispatched(), organisation=w.housing, by=w.housing_clerk)
    services.request_extension(
        ticket=t, organisation=w.housing, workdays=1, reason="需要现场核实", by=w.housing_clerk
    )
    points["extension pending"] = t
    t = services.acknowledge(ticket=dispatched(), organisation=w.housing, by=w.housing_clerk)
    points["replied"] = services.reply_ticket(
        ticket=t, organisation=w.housing, text="已责令停工", by=w.housing_clerk
    )
    t = services.acknowledge(ticket=dispatched(), organisation=w.housing, by=w.housing_clerk)
    t = services.reply_ticket(ticket=t, organisation=w.housing, text="已责令停工", by=w.housing_clerk)
    points["reopened"] = services.record_follow_up(
        ticket=t, solved=False, satisfied=False, note="仍在施工", by=w.operator
    )
    t = services.acknowledge(ticket=dispatched(), organisation=w.housing, by=w.housing_clerk)
    t = services.reply_ticket(ticket=t, organisation=w.housing, text="已责令停工", by=w.housing_clerk)
    points["closed"] = services.record_follow_up(ticket=t, solved=True, satisfied=True, by=w.operator)
    return points


def _try(action, user, ticket, world, other):
    """The action through its service, as the page calls it."""
    lead = lambda: selectors.acting_organisation(user, ticket, lead_only=True)  # noqa: E731
    if action == "dispatch":
        services.dispatch_ticket(ticket=ticket, lead=world.hrss, by=user)
    elif action == "close":
        services.close_directly(ticket=ticket, answer="已电话解释", by=user)
    elif action == "merge":
        services.merge_tickets(duplicate=ticket, into=other, by=user)
    elif action == "interim_reply":
        desk = access.may_act_as(user, *permissions.DESK_ROLES)
        services.interim_reply(ticket=ticket, organisation=None if desk else lead(), by=user)
    elif action == "acknowledge":
        services.acknowledge(ticket=ticket, organisation=selectors.acting_organisation(user, ticket), by=user)
    elif action == "return":
        services.return_ticket(ticket=ticket, organisation=lead(), reason="不属本单位职责", by=user)
    elif action == "reply":
        services.reply_ticket(ticket=ticket, organisation=lead(), text="已处理", by=user)
    elif action == "extension":
        services.request_extension(ticket=ticket, organisation=lead(), workdays=1, reason="需要核实", by=user)
    elif action == "decide_extension":
        pending = ticket.extensions.filter(decision=Extension.Decision.PENDING).first()
        if pending is None:  # the page shows the buttons only beside a pending request
            raise DomainError("没有待审批的延期申请")
        services.decide_extension(extension=pending, approve=True, by=user)
    elif action == "follow_up":
        services.record_follow_up(ticket=ticket, solved=True, satisfied=True, by=user)
    elif action == "unreached":
        services.close_unreached(ticket=ticket, note="三次回访均未接通", by=user)
    elif action == "supervise":
        services.supervise_ticket(
            ticket=ticket, due=clock.now() + dt.timedelta(days=3), note="请加快", by=user
        )
    elif action == "publish":
        services.publish_reply(ticket=ticket, by=user)
    elif action == "urge":
        services.urge_ticket(ticket=ticket, caller="诉求人本人", note="再次来电询问进度", by=user)
    else:
        raise AssertionError(action)


def test_every_action_offered_is_accepted_and_every_action_refused_is_not_offered(world):
    people = {
        "话务员": world.operator,
        "中心主任": world.manager,
        "监察员": world.supervisor,
        "主办单位": world.housing_clerk,
        "协办单位": world.transport_clerk,
        "无关单位": world.hrss_clerk,
    }
    with clock.frozen(MOMENT):
        points = _points(world)
        other = file(world)
        disagreements, offered = matrix(
            points,
            people,
            permissions.ACTIONS,
            reread=lambda ticket: Ticket.objects.get(pk=ticket.pk),
            refusal=permissions.refusal,
            attempt=lambda action, user, ticket: (
                lambda: _try(action, user, ticket, world, Ticket.objects.get(pk=other.pk))
            ),
        )
    assert not disagreements, "\n".join(disagreements)
    assert offered > 30  # the matrix is not empty: each point offers its people something


def test_a_repeat_call_is_recorded_by_the_desk_while_an_organisation_is_handling_the_ticket(world):
    people = {
        "话务员": world.operator,
        "中心主任": world.manager,
        "监察员": world.supervisor,
        "主办单位": world.housing_clerk,
        "协办单位": world.transport_clerk,
    }
    with clock.frozen(MOMENT):
        points = _points(world)
        table = offered(
            points,
            people,
            ["urge"],
            refusal=permissions.refusal,
            reread=lambda ticket: Ticket.objects.get(pk=ticket.pk),
        )
    desk = {"话务员": "urge", "中心主任": "urge"}
    assert table == {
        "new": {},
        "dispatched": desk,
        "returned": {},
        "acknowledged": desk,
        "extension pending": desk,
        "replied": {},
        "reopened": desk,
        "closed": {},
    }


def test_the_page_shows_the_forms_the_rule_allows(client, world):
    with clock.frozen(MOMENT):
        points = _points(world)
    client.force_login(world.supervisor)
    html = client.get(f"/workbench/tickets/{points['dispatched'].number}/").content.decode()
    # a supervisor sees the centre's tickets and supervises them, but dispatching is the desk's
    assert "发出督办" in html and "派单</button>" not in html and "直接办结" not in html
    # 督办 orders the organisation the ticket went to: not before there is one
    html = client.get(f"/workbench/tickets/{points['new'].number}/").content.decode()
    assert "发出督办" not in html
    client.force_login(world.operator)
    html = client.get(f"/workbench/tickets/{points['dispatched'].number}/").content.decode()
    assert "派单</button>" not in html and "发出督办" not in html
    client.force_login(world.housing_clerk)
    html = client.get(f"/workbench/tickets/{points['extension pending'].number}/").content.decode()
    # an extension is waiting: the lead may answer but not ask again
    assert "答复</button>" in html and "申请延期</button>" not in html
    assert Ticket.objects.get(pk=points["closed"].pk).status == Status.CLOSED


def test_a_returned_ticket_is_not_dispatched_back_by_default(client, world):
    # the category's usual organisation returned it as not theirs: the form must not offer it again as chosen
    with clock.frozen(MOMENT):
        points = _points(world)
    client.force_login(world.operator)
    html = client.get(f"/workbench/tickets/{points['returned'].number}/").content.decode()
    assert f'<option value="{world.housing.pk}" selected>' not in html
    assert f'value="{world.housing.pk}"' in html  # still there to choose


def test_a_follow_up_without_an_answer_asks_whether_it_was_solved(client, world):
    with clock.frozen(MOMENT):
        points = _points(world)
    client.force_login(world.operator)
    response = client.post(
        f"/workbench/tickets/{points['replied'].number}/follow_up/", {"note": ""}, follow=True
    )
    assert "请选择是否解决" in response.content.decode()
    assert Ticket.objects.get(pk=points["replied"].pk).status == Status.REPLIED


def test_a_solved_follow_up_with_a_long_note_is_not_called_the_reason_it_was_not_solved(client, world):
    with clock.frozen(MOMENT):
        points = _points(world)
    client.force_login(world.operator)
    response = client.post(
        f"/workbench/tickets/{points['replied'].number}/follow_up/",
        {"solved": "yes", "satisfied": "yes", "note": "好" * 1001},
        follow=True,
    )
    html = response.content.decode()
    assert "回访意见最长 1000 个字" in html and "未解决的原因" not in html
    assert Ticket.objects.get(pk=points["replied"].pk).status == Status.REPLIED


def test_a_caller_who_cannot_be_reached_does_not_keep_the_ticket_open_for_ever(client, world):
    with clock.frozen(MOMENT):
        points = _points(world)
    replied = points["replied"]
    client.force_login(world.operator)
    page = client.get(f"/workbench/tickets/{replied.number}/").content.decode()
    assert "回访未果办结" in page
    empty = client.post(f"/workbench/tickets/{replied.number}/unreached/", {"note": ""}, follow=True)
    assert "请填写回访情况" in empty.content.decode()
    assert Ticket.objects.get(pk=replied.pk).status == Status.REPLIED
    done = client.post(
        f"/workbench/tickets/{replied.number}/unreached/",
        {"note": "11-25、11-26 两次致电均无人接听"},
        follow=True,
    )
    assert "已按回访未果办结" in done.content.decode()
    closed = Ticket.objects.get(pk=replied.pk)
    assert closed.status == Status.CLOSED and closed.solved is None and closed.satisfied is None
    assert (
        "回访未果办结"
        in client.get(
            "/interaction/track/", {"number": closed.number, "code": closed.query_code}
        ).content.decode()
    )


def test_an_extension_still_pending_lapses_with_the_reply(world):
    with clock.frozen(MOMENT):
        points = _points(world)
        ticket = services.reply_ticket(
            ticket=points["extension pending"],
            organisation=world.housing,
            text="已处理",
            by=world.housing_clerk,
        )
        ticket = services.record_follow_up(
            ticket=ticket, solved=False, satisfied=False, note="没解决", by=world.operator
        )
        assert ticket.status == Status.REOPENED
        # the old round's request is not put to the centre manager again
        assert ticket.extensions.get().decision == Extension.Decision.LAPSED
        assert (
            permissions.refusal(world.manager, Ticket.objects.get(pk=ticket.pk), "decide_extension")
            is not None
        )


def test_the_lead_is_told_why_it_can_no_longer_return_the_ticket(client, world):
    with clock.frozen(MOMENT):
        points = _points(world)
    ticket = Ticket.objects.get(pk=points["dispatched"].pk)
    client.force_login(world.housing_clerk)
    with clock.frozen(ticket.acknowledge_due + dt.timedelta(hours=1)):
        html = client.get(f"/workbench/tickets/{ticket.number}/").content.decode()
    assert "签收时限已过,不能退单" in html and "退单</button>" not in html
