"""The ticket lifecycle through the services: intake → dispatch → acknowledge/return → reply → follow-up."""

import datetime as dt

import pytest

from tests.tickets.conftest import file
from zhengwu.core import clock
from zhengwu.core.errors import AccessDenied, Conflict, ValidationFailed
from zhengwu.core.models import AuditRecord, Region, Role
from zhengwu.tickets import services, workflow
from zhengwu.tickets.models import Kind, KnowledgeEntry, Status, Ticket

pytestmark = pytest.mark.django_db


def statuses(ticket):
    return list(ticket.events.order_by("seq").values_list("action", flat=True))


def test_filing_gives_a_number_a_query_code_and_a_first_event(world):
    with clock.frozen("2025-11-24T10:00"):
        t1, t2 = file(world), file(world)
    assert t1.number == "2025112400001" and t2.number == "2025112400002"
    assert len(t1.query_code) == 6 and t1.status == Status.NEW
    assert statuses(t1) == ["file"]
    assert AuditRecord.objects.filter(action="tickets.file", object_id=str(t1.pk)).exists()


def test_only_a_report_may_be_anonymous(world):
    with pytest.raises(ValidationFailed) as err:
        file(world, anonymous=True)
    assert err.value.field == "anonymous"
    report = file(world, kind=Kind.REPORT, anonymous=True, caller_name="张伟", caller_phone="13979712345")
    assert report.caller_name == "" and report.caller_phone == "" and report.query_code


def test_a_named_ticket_needs_a_phone_to_answer_on(world):
    with pytest.raises(ValidationFailed) as err:
        file(world, caller_phone="")
    assert err.value.field == "caller_phone"


def test_the_whole_life_of_a_complaint_with_an_unsolved_follow_up(world):
    with clock.frozen("2025-09-30T10:00"):
        t = file(world)
        t = services.dispatch_ticket(
            ticket=t, lead=world.housing, co_handlers=[world.transport], by=world.operator
        )
    assert t.status == Status.DISPATCHED
    assert t.acknowledge_due.astimezone(clock.LOCAL).date() == dt.date(2025, 10, 10)
    assert t.handle_due.astimezone(clock.LOCAL).date() == dt.date(2025, 10, 14)
    with clock.frozen("2025-10-09T09:00"):
        services.acknowledge(ticket=t, organisation=world.transport, by=world.transport_clerk)
        t = services.acknowledge(ticket=t, organisation=world.housing, by=world.housing_clerk)
        assert t.status == Status.ACKNOWLEDGED
        t = services.reply_ticket(
            ticket=t, organisation=world.housing, text="已责令停止夜间施工", by=world.housing_clerk
        )
    with clock.frozen("2025-10-10T15:00"):
        t = services.record_follow_up(
            ticket=t, solved=False, satisfied=False, note="昨晚仍在施工", by=world.operator
        )
    assert t.status == Status.REOPENED and t.lead_organisation == world.housing and t.reopen_count == 1
    # A fresh handling limit from the reopening (Fri 10-10); Sat 10-11 is an adjusted working day.
    assert t.handle_due.astimezone(clock.LOCAL).date() == dt.date(2025, 10, 16)
    reopen_event = t.events.get(action="follow_up_unsolved")
    assert reopen_event.note == "昨晚仍在施工" and reopen_event.organisation == world.housing
    with clock.frozen("2025-10-13T10:00"):
        t = services.reply_ticket(
            ticket=t, organisation=world.housing, text="已查处,施工单位罚款", by=world.housing_clerk
        )
        t = services.record_follow_up(ticket=t, solved=True, satisfied=True, by=None)
    assert t.status == Status.CLOSED and t.solved and t.satisfied
    # The current state is rebuilt from the events alone.
    assert workflow.replay(statuses(t)) == Ticket.objects.get(pk=t.pk).status
    assert [e.to_status for e in t.events.order_by("seq")][-1] == Status.CLOSED


def test_only_the_assigned_organisation_acknowledges(world):
    t = services.dispatch_ticket(ticket=file(world), lead=world.housing, by=world.operator)
    with pytest.raises(AccessDenied):
        services.acknowledge(ticket=t, organisation=world.housing, by=world.transport_clerk)
    with pytest.raises(AccessDenied):
        services.acknowledge(ticket=t, organisation=world.transport, by=world.transport_clerk)


def test_a_clerk_cannot_dispatch(world):
    with pytest.raises(AccessDenied):
        services.dispatch_ticket(ticket=file(world), lead=world.housing, by=world.housing_clerk)


def test_return_before_the_limit_goes_back_to_the_dispatcher_and_is_counted(world):
    with clock.frozen("2025-11-24T10:00"):
        t = services.dispatch_ticket(ticket=file(world), lead=world.transport, by=world.operator)
    with clock.frozen("2025-11-26T23:00"):
        t = services.return_ticket(
            ticket=t, organisation=world.transport, reason="属住建部门职责", by=world.transport_clerk
        )
    assert t.status == Status.RETURNED and t.return_count == 1 and t.lead_organisation is None
    with clock.frozen("2025-11-27T09:00"):
        t = services.dispatch_ticket(ticket=t, lead=world.housing, by=world.operator)
        t = services.return_ticket(
            ticket=t, organisation=world.housing, reason="不是我们的", by=world.housing_clerk
        )
    assert t.return_count == 2


def test_return_after_the_limit_is_refused_and_the_ticket_counts_as_acknowledged(world):
    with clock.frozen("2025-11-24T10:00"):
        t = services.dispatch_ticket(ticket=file(world), lead=world.transport, by=world.operator)
    with clock.frozen("2025-11-27T00:00:01"):
        with pytest.raises(Conflict) as err:
            services.return_ticket(
                ticket=t, organisation=world.transport, reason="不是我们的", by=world.transport_clerk
            )
        assert err.value.code == "return_too_late"
        assert services.deem_overdue_acknowledged() == 1
    t.refresh_from_db()
    assert t.status == Status.ACKNOWLEDGED
    assert t.assignments.get(role="lead").acknowledged_late
    assert statuses(t)[-1] == "deem_acknowledged"
    # the platform signed for it, not the citizen: the history names the system
    assert t.events.order_by("seq").last().actor_label == "系统"


def test_acknowledging_late_is_recorded(world):
    with clock.frozen("2025-11-24T10:00"):
        t = services.dispatch_ticket(ticket=file(world), lead=world.housing, by=world.operator)
    with clock.frozen("2025-11-25T10:00"):
        services.acknowledge(ticket=t, organisation=world.housing, by=world.housing_clerk)
    assert not t.assignments.get(role="lead").acknowledged_late
    with clock.frozen("2025-11-24T10:00"):
        t2 = services.dispatch_ticket(ticket=file(world), lead=world.housing, by=world.operator)
    with clock.frozen("2025-11-27T10:00"):
        services.acknowledge(ticket=t2, organisation=world.housing, by=world.housing_clerk)
    assert t2.assignments.get(role="lead").acknowledged_late


def test_extension_approved_by_the_centre_moves_the_limit_up_to_ten_days(world):
    with clock.frozen("2025-11-24T10:00"):
        t = services.dispatch_ticket(ticket=file(world), lead=world.housing, by=world.operator)
        services.acknowledge(ticket=t, organisation=world.housing, by=world.housing_clerk)
        with pytest.raises(ValidationFailed):
            services.request_extension(
                ticket=t, organisation=world.housing, workdays=11, reason="需要检测", by=world.housing_clerk
            )
        ext = services.request_extension(
            ticket=t, organisation=world.housing, workdays=10, reason="需要噪声检测", by=world.housing_clerk
        )
        with pytest.raises(AccessDenied):
            services.decide_extension(extension=ext, approve=True, by=world.housing_clerk)
        services.decide_extension(extension=ext, approve=True, by=world.manager)
        t.refresh_from_db()
        assert t.handle_due.astimezone(clock.LOCAL).date() == dt.date(2025, 12, 15)
        with pytest.raises(ValidationFailed):
            services.request_extension(
                ticket=t, organisation=world.housing, workdays=1, reason="再延", by=world.housing_clerk
            )


def test_direct_closure_from_the_knowledge_base(world):
    entry = KnowledgeEntry.objects.create(
        title="社保卡怎么补办", answer="携带身份证到人社局窗口补办", owner=world.hrss, updated_at=clock.now()
    )
    t = file(world, kind=Kind.CONSULT, category=world.social, content="社保卡丢了怎么补办")
    t = services.close_directly(ticket=t, answer=entry.answer, entry=entry, by=world.operator)
    assert t.status == Status.CLOSED and t.reply == entry.answer
    entry.refresh_from_db()
    assert entry.uses == 1


def test_merged_duplicates_share_the_outcome(world):
    primary = services.dispatch_ticket(ticket=file(world), lead=world.housing, by=world.operator)
    dup = file(world, caller_name="李秀英", caller_phone="13807970001", content="红都大道工地晚上施工太吵")
    dup = services.merge_tickets(duplicate=dup, into=primary, by=world.operator)
    assert dup.status == Status.MERGED and dup.merged_into == primary
    services.acknowledge(ticket=primary, organisation=world.housing, by=world.housing_clerk)
    services.reply_ticket(
        ticket=primary, organisation=world.housing, text="已责令整改", by=world.housing_clerk
    )
    services.record_follow_up(ticket=primary, solved=True, satisfied=True, by=world.operator)
    dup.refresh_from_db()
    assert dup.status == Status.CLOSED and dup.reply == "已责令整改" and dup.solved
    assert workflow.replay(statuses(dup)) == Status.CLOSED


def test_cannot_merge_into_a_closed_ticket(world):
    closed = services.close_directly(
        ticket=file(world, kind=Kind.CONSULT), answer="已解答", by=world.operator
    )
    with pytest.raises(Conflict):
        services.merge_tickets(duplicate=file(world), into=closed, by=world.operator)


def test_actions_out_of_order_are_refused(world):
    t = file(world)
    with pytest.raises(Conflict) as err:
        services.record_follow_up(ticket=t, solved=True, satisfied=True, by=world.operator)
    assert "已登记" in err.value.message


def test_supervision_order_on_any_open_ticket(world):
    t = services.dispatch_ticket(ticket=file(world), lead=world.housing, by=world.operator)
    order = services.supervise_ticket(
        ticket=t, due=clock.now() + dt.timedelta(days=2), note="群众反映强烈,请加快办理", by=world.supervisor
    )
    assert order.organisation == world.housing
    assert statuses(t)[-1] == "supervise"
    with pytest.raises(AccessDenied):
        services.supervise_ticket(
            ticket=t, due=clock.now() + dt.timedelta(days=2), note="x", by=world.housing_clerk
        )


def test_a_supervision_due_time_without_zone_is_local_time(world):
    t = services.dispatch_ticket(ticket=file(world), lead=world.housing, by=world.operator)
    with clock.frozen("2026-11-25T09:00"):
        order = services.supervise_ticket(
            ticket=t, due=dt.datetime(2026, 11, 27, 17, 30), note="请于周五下班前答复", by=world.supervisor
        )
        assert order.due == dt.datetime(2026, 11, 27, 17, 30, tzinfo=clock.LOCAL)
        with pytest.raises(ValidationFailed) as err:
            services.supervise_ticket(
                ticket=t, due=dt.datetime(2026, 11, 25, 8, 0), note="x", by=world.supervisor
            )
    assert err.value.field == "due"


def test_publishing_masks_personal_data_and_needs_consent(world):
    t = file(
        world,
        public_allowed=True,
        content="我叫张伟,身份证360781199003154517,家住象湖镇红都大道18号3栋501室,电话13979712345",
    )
    t = services.dispatch_ticket(ticket=t, lead=world.housing, by=world.operator)
    services.acknowledge(ticket=t, organisation=world.housing, by=world.housing_clerk)
    services.reply_ticket(
        ticket=t,
        organisation=world.housing,
        text="张伟您好,已联系施工方,电话13979712345已回访。",
        by=world.housing_clerk,
    )
    services.record_follow_up(ticket=t, solved=True, satisfied=True, by=world.operator)
    t = services.publish_reply(ticket=t, by=world.housing_clerk)
    for secret in ("张伟", "360781199003154517", "13979712345", "红都大道18号"):
        assert secret not in t.published_reply and secret not in t.published_content
    assert "张*" in t.published_reply and "电话***********已回访" in t.published_reply
    private = file(world)
    private = services.close_directly(ticket=private, answer="已解答", by=world.operator)
    with pytest.raises(Conflict):
        services.publish_reply(ticket=private, by=world.operator)


def test_organisation_queues_by_time(world):
    from zhengwu.tickets import selectors

    with clock.frozen("2025-11-24T10:00"):  # handling limit: 2025-12-01 23:59:59
        t = services.dispatch_ticket(ticket=file(world), lead=world.housing, by=world.operator)
        assert [x.number for x in selectors.organisation_queues(world.housing_clerk).to_acknowledge] == [
            t.number
        ]
        services.acknowledge(ticket=t, organisation=world.housing, by=world.housing_clerk)
    for moment, soon, overdue in [
        ("2025-11-28T10:00", [], []),
        ("2025-12-01T09:00", [t.number], []),
        ("2025-12-02T09:00", [], [t.number]),
    ]:
        with clock.frozen(moment):
            q = selectors.organisation_queues(world.housing_clerk)
            assert [x.number for x in q.to_handle] == [t.number]
            assert [x.number for x in q.due_soon] == soon, moment
            assert [x.number for x in q.overdue] == overdue, moment
    assert selectors.organisation_queues(world.transport_clerk).to_handle == []


def test_the_dispatch_desk_lists_the_pending_extensions_of_its_own_region_only(world):
    """The dispatch queue's 待审批延期 are those on tickets the person sees: another county's hotline desk does not
    get this county's requests (it listed every region's)."""
    from tests.tickets.conftest import make_org, make_staff
    from zhengwu.tickets import selectors

    with clock.frozen("2025-11-24T10:00"):
        t = services.dispatch_ticket(ticket=file(world), lead=world.housing, by=world.operator)
        services.acknowledge(ticket=t, organisation=world.housing, by=world.housing_clerk)
        ext = services.request_extension(
            ticket=t, organisation=world.housing, workdays=5, reason="需要噪声检测", by=world.housing_clerk
        )
    elsewhere = Region.objects.create(code="360782", name="南康区", level=Region.Level.COUNTY)
    their_operator = make_staff(
        "operator-nk", make_org("南康区政务服务中心", elsewhere), Role.HOTLINE_OPERATOR
    )
    assert list(selectors.pending_extensions(world.operator)) == [ext]
    assert list(selectors.pending_extensions(their_operator)) == []


def _replied(world):
    t = services.dispatch_ticket(ticket=file(world), lead=world.housing, by=world.operator)
    t = services.acknowledge(ticket=t, organisation=world.housing, by=world.housing_clerk)
    return services.reply_ticket(
        ticket=t, organisation=world.housing, text="已责令停工", by=world.housing_clerk
    )


def test_a_caller_solved_but_not_satisfied_is_asked_why(world):
    with clock.frozen("2025-11-24T10:00"):
        t = _replied(world)
        with pytest.raises(ValidationFailed) as err:
            services.record_follow_up(ticket=t, solved=True, satisfied=False, note=" ", by=world.operator)
        assert err.value.field == "note" and err.value.message == "请填写不满意的原因"
        assert Ticket.objects.get(pk=t.pk).status == Status.REPLIED  # nothing recorded
        t = services.record_follow_up(
            ticket=t, solved=True, satisfied=False, note="解决了,但拖了两个月", by=world.operator
        )
    assert t.status == Status.CLOSED and t.solved and t.satisfied is False
    assert t.events.get(action="follow_up_solved").note == "解决了,但拖了两个月"


def test_a_citizen_not_satisfied_is_asked_why_too(world):
    t = _replied(world)
    with pytest.raises(ValidationFailed) as err:
        services.record_follow_up(ticket=t, solved=True, satisfied=False, note="")
    assert err.value.field == "note"
    # satisfied, or not said: the note stays an optional opinion
    assert services.record_follow_up(ticket=t, solved=True, satisfied=None).status == Status.CLOSED


def test_a_repeat_call_urges_the_organisation_without_moving_any_limit(world):
    with clock.frozen("2025-11-24T10:00"):
        t = services.dispatch_ticket(ticket=file(world), lead=world.housing, by=world.operator)
        t = services.acknowledge(ticket=t, organisation=world.housing, by=world.housing_clerk)
    before = Ticket.objects.get(pk=t.pk)
    with clock.frozen("2025-11-26T15:00"):
        t = services.urge_ticket(
            ticket=t, caller="诉求人本人", note="昨晚工地又施工到凌晨,问什么时候处理", by=world.operator
        )
        t = services.urge_ticket(ticket=t, caller="诉求人的妻子", note="再次询问进度", by=world.operator)
    t = Ticket.objects.get(pk=t.pk)
    assert t.urge_count == 2 and t.status == Status.ACKNOWLEDGED
    assert (t.acknowledge_due, t.handle_due, t.extension_workdays) == (
        before.acknowledge_due,
        before.handle_due,
        before.extension_workdays,
    )
    first, second = t.events.filter(action="urge").order_by("seq")
    assert first.action_label == "来电催办" and first.note == "昨晚工地又施工到凌晨,问什么时候处理"
    assert first.organisation == world.housing  # addressed to the organisation handling it
    assert second.data == {"caller": "诉求人的妻子", "urges": 2}
    assert AuditRecord.objects.filter(action="tickets.urge", object_id=str(t.pk)).count() == 2
    assert workflow.replay(statuses(t)) == Status.ACKNOWLEDGED


def test_a_repeat_call_is_recorded_by_the_desk_while_an_organisation_handles_the_ticket(world):
    new = file(world)
    with pytest.raises(Conflict, match="请先派单"):
        services.urge_ticket(ticket=new, caller="诉求人本人", note="催一下", by=world.operator)
    replied = _replied(world)
    with pytest.raises(Conflict, match="请进行回访"):
        services.urge_ticket(ticket=replied, caller="诉求人本人", note="催一下", by=world.operator)
    dispatched = services.dispatch_ticket(ticket=file(world), lead=world.housing, by=world.operator)
    with pytest.raises(AccessDenied):
        services.urge_ticket(ticket=dispatched, caller="诉求人本人", note="催一下", by=world.housing_clerk)
    with pytest.raises(ValidationFailed) as err:
        services.urge_ticket(ticket=dispatched, caller="诉求人本人", note="", by=world.operator)
    assert err.value.field == "note" and err.value.message == "请填写催办内容"
    with pytest.raises(ValidationFailed) as err:
        services.urge_ticket(ticket=dispatched, caller="", note="催一下", by=world.operator)
    assert err.value.field == "caller"
    assert Ticket.objects.get(pk=dispatched.pk).urge_count == 0
    assert (
        services.urge_ticket(
            ticket=dispatched, caller="诉求人本人", note="催一下", by=world.manager
        ).urge_count
        == 1
    )
