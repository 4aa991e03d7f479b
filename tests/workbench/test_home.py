"""The workbench home lists each person's work: what waits for them, how many, the most urgent first with its due
date and warning level, each list linking to the queue opened on what the role can act on — and only the lists
their roles call for. Built on the cases world (a market-regulation bureau with a 受理 → 审查 → 决定 item)."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.cases.conftest import accepted, submitted, world  # noqa: F401
from tests.factories import make_organisation, make_staff
from zhengwu.cases import services as cases
from zhengwu.core import clock
from zhengwu.core.models import Role
from zhengwu.supervision import services as supervision
from zhengwu.tickets import services as tickets
from zhengwu.tickets.models import Category


def _lists(html: str) -> list[str]:
    return re.findall(r'data-worklist="([a-z_]+)"', html)


def _section(html: str, key: str) -> str:
    """The HTML of one list on the home page."""
    start = html.index(f'data-worklist="{key}"')
    end = html.find("data-worklist=", start + 20)
    return html[start : end if end != -1 else len(html)]


def _count(html: str, key: str) -> int:
    return int(re.search(rf'data-count="{key}">(\d+)<', html).group(1))


def home(client, user) -> str:
    client.force_login(user)
    response = client.get("/workbench/")
    assert response.status_code == 200
    return response.content.decode()


def _operator(world):  # noqa: F811
    """A hotline operator, at the hotline's own centre (an organisation whose staff take calls handles no tickets)."""
    hotline = make_organisation(
        "贵溪市12345政务服务便民热线中心", region=world.bureau.region, kind="public_service_unit"
    )
    return make_staff("operator", hotline, roles=[Role.HOTLINE_OPERATOR], name="话务员").user


def test_a_window_clerk_sees_the_applications_waiting_at_their_window(client, world, submitted):  # noqa: F811
    html = home(client, world.clerk)
    assert _lists(html)[0] == "cases_to_accept"
    waiting = _section(html, "cases_to_accept")
    assert _count(html, "cases_to_accept") == 1 and "待受理的办件" in waiting
    assert submitted.number in waiting and submitted.intake_due.isoformat() in waiting
    assert "受理决定期限" in waiting and 'href="/workbench/cases/?queue=to_accept"' in waiting
    assert "待审批的延期申请" not in html and "待审核的监察异常" not in html
    # the sidebar's 办件 opens on what a window clerk acts on
    queue = client.get("/workbench/cases/").content.decode()
    assert (
        re.search(r'data-queue="to_accept"', queue) and 'aria-current="page" data-queue="to_accept"' in queue
    )


def test_an_approver_sees_the_step_to_claim_and_then_holds_it(client, world, accepted):  # noqa: F811
    html = home(client, world.approver)
    step = _section(html, "cases_to_handle")
    assert _count(html, "cases_to_handle") == 1 and accepted.number in step
    assert "环节「审查」· 待认领" in step and "环节期限" in step
    cases.claim_step(case=accepted, by=world.approver)
    assert "环节「审查」· 已认领" in _section(home(client, world.approver), "cases_to_handle")
    # claimed, it is no longer another approver's to take
    assert _count(home(client, world.approver2), "cases_to_handle") == 0
    assert _count(home(client, world.outsider), "cases_to_handle") == 0


@pytest.fixture
def at_decision(world, accepted):  # noqa: F811
    """The approver asked for 5 more working days, then finished 审查: the decision waits for the head."""
    cases.claim_step(case=accepted, by=world.approver)
    cases.request_extension(case=accepted, by=world.approver, days=5, reason="需要现场核查冷链设备")
    cases.complete_step(case=accepted, by=world.approver, opinion="材料齐全,符合条件")
    accepted.refresh_from_db()
    return accepted


def test_a_department_head_sees_the_decision_and_the_extension_waiting(client, world, at_decision):  # noqa: F811
    html = home(client, world.head)
    decision = _section(html, "cases_to_handle")
    assert "待我审批、决定的办件" in decision and at_decision.number in decision
    assert "环节「决定」· 待认领" in decision
    extension = _section(html, "extensions")
    assert _count(html, "extensions") == 1 and "申请延期 5 个工作日:需要现场核查冷链设备" in extension
    assert f"/workbench/cases/{at_decision.number}/#extensions" in extension
    assert at_decision.legal_due.isoformat() in extension
    # the head's 办件 opens on the decisions waiting for them
    queue = client.get("/workbench/cases/").content.decode()
    assert 'aria-current="page" data-queue="to_handle"' in queue and "待我审批、决定" in queue
    assert at_decision.number in queue
    # a window clerk has no extensions to approve
    assert "extensions" not in _lists(home(client, world.clerk))


def test_a_step_past_its_due_date_is_marked_overdue(client, world, at_decision):  # noqa: F811
    step = at_decision.steps.get(name="决定")
    with clock.frozen(
        dt.datetime.combine(step.due_on + dt.timedelta(days=3), dt.time(10), tzinfo=clock.LOCAL)
    ):
        decision = _section(home(client, world.head), "cases_to_handle")
    assert "已超期" in decision and "text-bg-danger" in decision
    assert "已超期" not in _section(home(client, world.head), "cases_to_handle")


def test_supervision_orders_wait_for_the_department_then_for_the_supervisor(client, world, accepted):  # noqa: F811
    watch = make_organisation("贵溪市监察委员会", region=world.county)
    supervisor = make_staff("watcher", watch, roles=[Role.SUPERVISOR], name="周监察").user
    order = supervision.issue_order(
        by=supervisor, case=accepted, instruction="请说明办理进度", response_days=3
    )
    html = home(client, world.head)
    answer = _section(html, "orders_to_answer")
    assert _count(html, "orders_to_answer") == 1 and order.number in answer
    assert "反馈期限" in answer and order.due_on.isoformat() in answer
    assert 'href="/workbench/supervision/orders/?state=open"' in answer
    assert _count(home(client, supervisor), "orders_to_close") == 0
    supervision.respond_order(order=order, by=world.head, response="已督促承办人本周内办结")
    assert _count(home(client, world.head), "orders_to_answer") == 0
    html = home(client, supervisor)
    close = _section(html, "orders_to_close")
    assert _count(html, "orders_to_close") == 1 and "已督促承办人本周内办结" in close
    assert "已反馈(情况说明)" in close  # the answer's kind: an explanation, the case not decided yet
    # the orders page opens on what the supervisor acts on: the orders reported back
    orders = client.get("/workbench/supervision/orders/").content.decode()
    assert 'active" aria-current="page" href="?state=responded"' in orders and order.number in orders


def test_an_organisation_sees_tickets_to_sign_for_and_the_hotline_those_to_dispatch(client, world):  # noqa: F811
    operator = _operator(world)
    category = Category.objects.create(code="market.food", name="食品安全")
    ticket = tickets.file_ticket(
        kind="complaint",
        channel="hotline",
        category=category,
        content="超市出售过期酸奶",
        caller_name="张伟",
        caller_phone="13979712345",
    )
    html = home(client, operator)
    assert _lists(html)[0] == "tickets_to_dispatch" and ticket.number in _section(html, "tickets_to_dispatch")
    tickets.dispatch_ticket(ticket=ticket, lead=world.bureau, by=operator)
    ticket.refresh_from_db()
    html = home(client, world.head)
    sign = _section(html, "tickets_to_acknowledge")
    assert _count(html, "tickets_to_acknowledge") == 1 and ticket.number in sign and "签收时限" in sign
    assert _count(home(client, operator), "tickets_to_dispatch") == 0
    assert "催办" not in sign
    tickets.urge_ticket(ticket=ticket, caller="诉求人本人", note="酸奶还在卖", by=operator)
    sign = _section(home(client, world.head), "tickets_to_acknowledge")
    assert "催办 1 次" in sign  # the caller rang again: the organisation sees the ticket chased
    tickets.acknowledge(ticket=ticket, organisation=world.bureau, by=world.head)
    tickets.reply_ticket(ticket=ticket, organisation=world.bureau, text="已责令下架", by=world.head)
    html = home(client, operator)  # the answered ticket waits for the operator's call back (回访)
    assert _count(html, "tickets_to_follow_up") == 1 and ticket.number in _section(
        html, "tickets_to_follow_up"
    )
    queue = client.get("/workbench/tickets/dispatch/").content.decode()
    assert ticket.number in queue.split('id="to-follow-up"')[1]
    tickets.record_follow_up(ticket=ticket, solved=True, satisfied=True, by=operator)
    assert _count(home(client, operator), "tickets_to_follow_up") == 0


def test_a_ticket_sent_back_by_the_follow_up_says_so_on_the_organisation_s_home(client, world):  # noqa: F811
    """回访 未解决 reopens the ticket: on the head's home it is listed to answer again, and its row says 重办 1 次 —
    it read like any ticket answered for the first time."""
    operator = _operator(world)
    category = Category.objects.create(code="market.food", name="食品安全")
    ticket = tickets.file_ticket(
        kind="complaint",
        channel="hotline",
        category=category,
        content="超市出售过期酸奶",
        caller_name="张伟",
        caller_phone="13979712345",
    )
    tickets.dispatch_ticket(ticket=ticket, lead=world.bureau, by=operator)
    tickets.acknowledge(ticket=ticket, organisation=world.bureau, by=world.head)
    tickets.reply_ticket(ticket=ticket, organisation=world.bureau, text="已责令下架", by=world.head)
    tickets.record_follow_up(ticket=ticket, solved=False, satisfied=False, note="酸奶还在卖", by=operator)
    answer = _section(home(client, world.head), "tickets_to_answer")
    assert ticket.number in answer and "重办 1 次 · 投诉 · 食品安全" in answer


@pytest.mark.parametrize(
    ("roles", "shown", "not_shown"),
    [
        (
            [Role.WINDOW_CLERK],
            {"cases_to_accept", "joint_to_accept", "written_notices", "cases_to_handle"},
            {"extensions", "alerts"},
        ),
        ([Role.APPROVER], {"cases_to_handle"}, {"cases_to_accept", "extensions", "orders_to_answer"}),
        (
            [Role.SUPERVISOR],
            {"alerts", "orders_to_close", "red_cases"},
            {"cases_to_handle", "orders_to_answer"},
        ),
        ([Role.DISCLOSURE_OFFICER], {"requests_to_reply", "publications_to_review"}, {"cases_to_handle"}),
        (
            [Role.CONFIDENTIALITY_REVIEWER],
            {"publications_to_review"},
            {"requests_to_reply", "orders_to_answer", "cases_to_handle"},
        ),
        (
            [Role.HOTLINE_OPERATOR],
            {"tickets_to_dispatch", "tickets_first_answer", "tickets_to_follow_up"},
            {"tickets_to_acknowledge"},
        ),
        (
            [Role.CENTRE_MANAGER],
            {"items_to_publish", "rectifications", "orders_to_answer"},
            {"cases_to_accept"},
        ),
        ([Role.ADMINISTRATOR], set(), {"cases_to_accept", "cases_to_handle", "alerts"}),
    ],
)
def test_each_list_appears_only_for_the_roles_that_have_such_work(client, world, roles, shown, not_shown):  # noqa: F811
    organisation = world.bureau
    if (
        Role.HOTLINE_OPERATOR in roles
    ):  # an operator works for the 12345 centre, to which no ticket is dispatched
        organisation = make_organisation(
            "贵溪市12345政务服务便民热线中心", region=world.bureau.region, is_hotline_centre=True
        )
    user = make_staff(f"u{len(roles)}{roles[0][:6]}", organisation, roles=roles).user
    listed = set(_lists(home(client, user)))
    assert shown <= listed and not listed & not_shown


def test_nothing_waiting_is_said_plainly(client, world):  # noqa: F811
    html = home(client, world.approver)
    assert "目前没有等您处理的工作" in html and "暂无" in _section(html, "cases_to_handle")


def test_the_home_page_stays_cheap_with_every_list(client, world, at_decision, django_assert_max_num_queries):  # noqa: F811
    everyone = make_staff("everyone", world.bureau, roles=[r for r in Role.values if r != Role.ADMINISTRATOR])
    client.force_login(everyone.user)

    def apply(n: int):
        for _ in range(n):
            cases.submit_case(
                item=world.item, applicant=world.company, by=world.clerk, channel="counter",
                window=world.dedicated, form={"subject": "申请食品经营许可"},
            )  # fmt: skip

    def queries() -> int:
        with CaptureQueriesContext(connection) as done:
            assert client.get("/workbench/").status_code == 200
        return len(done.captured_queries)

    apply(1)
    one = queries()
    apply(3)
    assert queries() == one  # the rows shown cost no query each
    with django_assert_max_num_queries(45):
        response = client.get("/workbench/")
    html = response.content.decode()
    # 20: the hall's wait warnings, the asks to extend a disclosure reply a head decides, the tickets to call back
    # (回访), and the tickets to sign for and answer — the bureau handles tickets: an operator's role no longer makes
    # it the hotline centre, which is marked as such (Organisation.is_hotline_centre, tickets.permissions) — and
    # the notices to serve on paper (待送达书面通知)
    assert len(_lists(html)) == 20 and _count(html, "cases_to_accept") == 4


def test_a_case_resupplied_after_a_supplement_notice_stands_out_for_the_clerk(client, world, submitted):  # noqa: F811
    """The applicant uploads what the 补正 notice asked for on the portal: on the clerk's home and in 待受理 the case
    says 已补正,待审核 with when, and comes before the case due the same day that nobody resupplied."""
    from tests.cases.conftest import pdf_upload

    resupplied = cases.submit_case(
        item=world.item, applicant=world.citizen, by=world.citizen_user, form={"subject": "开一家面馆"}
    )
    cases.upload_material(case=resupplied, by=world.citizen_user, position=1, upload=pdf_upload())
    cases.request_supplement(
        case=resupplied, by=world.clerk, items=[{"position": 2, "problem": "缺营业执照"}]
    )
    clock.set_now(clock.now() + dt.timedelta(minutes=20))
    cases.supply_with_uploads(case=resupplied, by=world.citizen_user, uploads={2: pdf_upload("执照.pdf")})
    resupplied.refresh_from_db()
    assert (
        resupplied.intake_due == submitted.intake_due and resupplied.pk > submitted.pk
    )  # same day, filed later
    when = clock.now().astimezone(clock.LOCAL).strftime("%m-%d %H:%M")

    waiting = _section(home(client, world.clerk), "cases_to_accept")
    rows = waiting.split("<li")[1:]
    assert resupplied.number in rows[0] and submitted.number in rows[1]
    assert f"已补正,待审核 · {when}" in rows[0] and "已补正" not in rows[1]

    queue = client.get("/workbench/cases/?queue=to_accept").content.decode()
    table = queue[queue.index('id="queue-table"') :].split("<tr>")[2:]
    assert resupplied.number in table[0] and f"已补正,待审核 · {when}" in table[0]
    assert submitted.number in table[1] and "已补正" not in table[1]
    # the next page by keyset follows the same order
    after = client.get(f"/workbench/cases/?queue=to_accept&after={resupplied.number}").content.decode()
    assert submitted.number in after and resupplied.number not in after


def test_on_a_phone_the_case_queue_lists_each_case_as_labelled_lines(client, world, submitted):  # noqa: F811
    """At 390 px the queue's six columns stood the item's name a character or three per line (one per line beside
    the 已补正 badge); each row is now a card (zw-stack) whose cells say what they are."""
    client.force_login(world.clerk)
    queue = client.get("/workbench/cases/?queue=to_accept").content.decode()
    table = queue[queue.index('<table class="') : queue.index("</table>")]
    assert 'zw-stack" id="queue-table"' in table and submitted.number in table
    assert f'<td data-label="事项">{submitted.version.name}<div' in table
    assert '<td data-label="期限">受理决定' in table


def _at(moment) -> str:
    return moment.astimezone(clock.LOCAL).strftime("%m-%d %H:%M")


def test_staff_who_are_not_the_head_find_the_tickets_to_sign_for_and_answer(client, world):  # noqa: F811
    """Any staff member of the organisation a ticket is dispatched to signs for (签收) and answers it
    (tickets.permissions); the home page listed those tickets to the 部门负责人 only, so an approver who answers
    the hotline for the bureau found none, nor 热线 in the menu."""
    operator = _operator(world)
    food = Category.objects.create(code="market.food", name="食品安全")
    ticket = tickets.file_ticket(
        kind="complaint",
        channel="hotline",
        category=food,
        content="超市出售过期酸奶",
        caller_name="张伟",
        caller_phone="13979712345",
    )
    tickets.dispatch_ticket(ticket=ticket, lead=world.bureau, by=operator)
    tickets.urge_ticket(ticket=ticket, caller="诉求人本人", note="酸奶还在卖", by=operator)
    ticket.refresh_from_db()
    html = home(client, world.approver)
    assert 'href="/workbench/tickets/"' in html and ">热线<" in html
    sign = _section(html, "tickets_to_acknowledge")
    assert _count(html, "tickets_to_acknowledge") == 1 and ticket.number in sign
    assert "签收时限" in sign and _at(ticket.acknowledge_due) in sign and "催办 1 次" in sign
    tickets.acknowledge(ticket=ticket, organisation=world.bureau, by=world.approver)
    tickets.reply_ticket(ticket=ticket, organisation=world.bureau, text="已责令下架", by=world.approver)
    tickets.record_follow_up(ticket=ticket, solved=False, satisfied=False, note="酸奶还在卖", by=operator)
    ticket.refresh_from_db()
    html = home(client, world.approver)
    answer = _section(html, "tickets_to_answer")
    assert _count(html, "tickets_to_answer") == 1 and "办理时限" in answer
    assert "重办 1 次 · 催办 1 次 · 投诉 · 食品安全" in answer and _at(ticket.handle_due) in answer
    # staff of an organisation no ticket is dispatched to (the 监察委员会, of kind 其他) get neither list
    commission = make_organisation("贵溪市监察委员会", region=world.bureau.region, kind="other")
    clerk = make_staff("commission", commission, roles=[Role.APPROVER], name="周文").user
    listed = set(_lists(home(client, clerk)))
    assert not listed & {"tickets_to_acknowledge", "tickets_to_answer"}


def test_a_disclosure_request_s_long_description_is_cut_with_an_ellipsis(client, world):  # noqa: F811
    """The row of a request to answer took the description's first 30 characters bare, as if the requester had
    stopped mid-word; it ends with "…" now, as a ticket's title from the call screen does."""
    from zhengwu.disclosure import services as disclosure

    officer = make_staff("disclosure", world.bureau, roles=[Role.DISCLOSURE_OFFICER], name="李秀英").user
    request = disclosure.file_request(
        organisation=world.bureau,
        channel="in_person",
        requester_kind="natural_person",
        requester_name="张伟",
        description="请公开2025年度本市食品生产经营许可的发放数量、抽检不合格企业名单及处罚决定书全文",
        phone="13979712345",
        by=officer,
    )
    row = _section(home(client, officer), "requests_to_reply")
    assert f"{request.number} 请公开2025年度本市食品生产经营许可的发放数量、抽检不合…" in row
