"""The supervision pages offer an action exactly when its service accepts it (supervision.permissions): every action on
an order (反馈、办结、退回、问责), on an alert (记录说明、排除、转督办) and issuing an order (on a case, a ticket, a
disclosure request), for every kind of person, at every point of an order's and an alert's life — each tried through
its service in a savepoint. A table written out says who is offered what, so that a rule widened for the page and the
service at once fails too."""

import pytest
from django.contrib.auth import get_user_model

from tests.allowed_actions import matrix, offered
from tests.factories import make_staff
from tests.supervision.conftest import a_request, a_ticket, accepted_case, at
from zhengwu.cases.models import Case
from zhengwu.core import clock
from zhengwu.core.models import Role
from zhengwu.disclosure.models import DisclosureRequest
from zhengwu.supervision import permissions, selectors, services
from zhengwu.supervision.models import Alert, SupervisionOrder
from zhengwu.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def _people(w) -> dict:
    return {
        "监察人员": w.supervisor,
        "外县监察人员": w.far_supervisor,
        "中心管理人员": w.manager,
        "责任单位负责人": w.head,
        "责任单位窗口人员": w.clerk,
        "他部门负责人": w.water_head,
        "公开专员": w.officer,
        "话务员": w.operator,
        "管理员(工作人员)": make_staff("admin", w.discipline, roles=[Role.ADMINISTRATOR], name="管理员").user,
        "超级用户(无工作人员档案)": get_user_model().objects.create_superuser(
            "root", password="pw-root-2026"
        ),
    }


def _offered(points, people, actions, *, reread) -> dict[str, dict[str, str]]:
    return offered(points, people, actions, refusal=permissions.refusal, reread=reread)


@pytest.fixture
def scene(more):
    """Cases accepted, a disclosure request and a ticket on Monday 2026-09-28 (the ticket 09-30); on 2026-11-02 the
    scan finds them all overdue, and the orders and alerts are brought to each point of their lives."""
    w = more
    request = a_request(w)
    other_request = a_request(w, description="2026年食品抽检结果")
    clock.set_now(at("2026-09-28"))
    cases = [accepted_case(w) for _ in range(8)]
    ticket = a_ticket(w)
    clock.set_now(at("2026-11-02"))
    services.scan()
    sup = w.supervisor

    def late(case):
        return Alert.objects.get(case=case, code="case.overdue.promised")

    alerts = {"待审核": late(cases[0])}
    alerts["已说明"] = services.explain_alert(alert=late(cases[1]), by=sup, note="申请人补充材料")
    alerts["已排除"] = services.dismiss_alert(alert=late(cases[2]), by=sup, reason="申请人申请暂缓")
    services.escalate_alert(alert=late(cases[3]), by=sup, instruction="说明超期原因")
    alerts["已转督办"] = late(cases[3])
    alerts["依申请公开·待审核"] = Alert.objects.get(code="disclosure.reply_overdue", request=other_request)
    disclosure_alert = Alert.objects.get(code="disclosure.reply_overdue", request=request)

    def issue(case, days=5):
        return services.issue_order(by=sup, case=case, instruction="加快办理", response_days=days)

    orders = {"待反馈": issue(cases[4])}
    o = issue(cases[5])
    orders["已反馈"] = services.respond_order(order=o, by=w.head, response="已安排专人办理")
    o = issue(cases[6])
    services.respond_order(order=o, by=w.head, response="已办结")
    orders["已办结"] = services.close_order(order=o, by=sup, outcome="整改到位")
    o = issue(cases[7])
    services.respond_order(order=o, by=w.head, response="知道了")
    orders["已退回"] = services.return_order(order=o, by=sup, reason="未说明措施")
    o = issue(cases[0])
    SupervisionOrder.objects.filter(pk=o.pk).update(due_on=clock.today().replace(day=1))
    (orders["逐级督办"],) = services.escalate_overdue_orders()
    o = issue(cases[1])
    SupervisionOrder.objects.filter(pk=o.pk).update(due_on=clock.today().replace(day=1))
    orders["逾期未反馈"] = o
    orders["依申请公开·待反馈"] = services.issue_order(
        by=sup, request_ref=request.number, organisation=request.organisation, instruction="按期答复"
    )
    o = services.escalate_alert(alert=disclosure_alert, by=sup, instruction="立即答复")
    orders["依申请公开异常·已反馈"] = services.respond_order(order=o, by=w.officer, response="已答复")
    alerts["依申请公开·已转督办"] = Alert.objects.get(pk=disclosure_alert.pk)
    orders["工单·待反馈"] = services.issue_order(by=sup, ticket=ticket, instruction="核查答复")
    subjects = {"办件": cases[2], "工单": ticket, "依申请公开": request}
    return w, orders, alerts, subjects


# ---------------------------------------------------------------- orders

# the department the order is addressed to answers for itself (core.access.acts_for): not the centre's manager, nor
# an administrator whose staff profile is the centre's, though both see the region's orders
RESPONDERS = ("责任单位负责人",)
REVIEWERS = ("监察人员", "管理员(工作人员)")


def _answering(*, extra=()) -> dict[str, str]:
    table = {who: "respond" for who in (*RESPONDERS, *extra)}
    table["监察人员"] = "accountability"
    table["管理员(工作人员)"] = "accountability"
    return table


def _answered() -> dict[str, str]:
    return {"监察人员": "close return accountability", "管理员(工作人员)": "close return accountability"}


ORDER_TABLE = {
    "待反馈": _answering(),
    "已反馈": _answered(),
    "已办结": {who: "accountability" for who in REVIEWERS},
    "已退回": _answering(),
    # escalated to the county government: the bureau still answers (its original organisation), and the centre
    "逐级督办": _answering(),
    "逾期未反馈": _answering(),
    # about a disclosure request: the office's disclosure officer answers it too
    "依申请公开·待反馈": _answering(extra=("公开专员",)),
    "依申请公开异常·已反馈": _answered(),
    "工单·待反馈": _answering(),
}


def _order_attempt(action, user, order):
    def call():
        if action == "respond":
            services.respond_order(order=order, by=user, response="已整改")
        elif action == "close":
            services.close_order(order=order, by=user, outcome="整改到位")
        elif action == "return":
            services.return_order(order=order, by=user, reason="未说明措施", response_days=3)
        elif action == "accountability":
            services.record_accountability(
                order=order, by=user, person="王窗口", kind="criticism", reason="超期未办"
            )

    return call


def _order(pk):
    return SupervisionOrder.objects.select_related("organisation", "origin", "alert").get(pk=pk)


def test_every_order_action_offered_is_accepted_and_none_refused_is_offered(scene):
    w, orders, _, _ = scene
    people = _people(w)
    points = {name: o.pk for name, o in orders.items()}
    disagreements, offered = matrix(
        points,
        people,
        permissions.ORDER_ACTIONS,
        reread=_order,
        refusal=permissions.refusal,
        attempt=_order_attempt,
    )
    assert not disagreements, "\n".join(disagreements)
    assert offered > 30
    assert _offered(points, people, permissions.ORDER_ACTIONS, reread=_order) == ORDER_TABLE
    # the workbench home's lists (待反馈的督办, 待审核的督办反馈) hold only orders the person may answer or close; the
    # supervisor's holds all of them; an answerer's holds exactly the orders they may answer (both acts_for)
    every = [_order(pk) for pk in points.values()]
    for who, user in people.items():
        answerable = {o for o in every if permissions.allowed(user, o, "respond")}
        listed = set(selectors.orders_to_answer(user)) & set(every)
        assert listed == answerable, who
        if who == "监察人员":
            assert set(selectors.orders_to_close(user)) & set(every) == {
                o for o in every if permissions.allowed(user, o, "close")
            }


# ---------------------------------------------------------------- alerts

REVIEWING = {who: "explain dismiss escalate" for who in REVIEWERS}
ALERT_TABLE = {
    "待审核": REVIEWING,
    "已说明": REVIEWING,
    "已排除": {},
    "已转督办": {},
    "依申请公开·待审核": REVIEWING,
    "依申请公开·已转督办": {},
}


def _alert_attempt(action, user, alert):
    def call():
        if action == "explain":
            services.explain_alert(alert=alert, by=user, note="已核实")
        elif action == "dismiss":
            services.dismiss_alert(alert=alert, by=user, reason="申请人原因")
        elif action == "escalate":
            services.escalate_alert(alert=alert, by=user, instruction="说明原因", response_days=3)

    return call


def _alert(pk):
    return Alert.objects.select_related("case", "organisation", "request").get(pk=pk)


def test_every_alert_action_offered_is_accepted_and_none_refused_is_offered(scene):
    w, _, alerts, _ = scene
    people = _people(w)
    points = {name: a.pk for name, a in alerts.items()}
    disagreements, offered = matrix(
        points,
        people,
        permissions.ALERT_ACTIONS,
        reread=_alert,
        refusal=permissions.refusal,
        attempt=_alert_attempt,
    )
    assert not disagreements, "\n".join(disagreements)
    assert offered > 10
    assert _offered(points, people, permissions.ALERT_ACTIONS, reread=_alert) == ALERT_TABLE


# ---------------------------------------------------------------- issuing an order


def _subject(point):
    kind, pk = point
    return {"办件": Case, "工单": Ticket, "依申请公开": DisclosureRequest}[kind].objects.get(pk=pk)


def _issue_attempt(action, user, subject):
    """As the pages issue: the case page on its case; 督办工单 and 督办依申请公开 by the number typed."""

    def call():
        common = {"by": user, "instruction": "核查并答复", "response_days": 3}
        if isinstance(subject, Case):
            services.issue_order(case=subject, **common)
            return
        permissions.require_issuer(user)
        if isinstance(subject, Ticket):
            services.issue_order(ticket=services.order_subject(user, ticket=subject.number), **common)
        else:
            found = services.order_subject(user, request=subject.number)
            services.issue_order(request_ref=found.number, organisation=found.organisation, **common)

    return call


def test_issuing_an_order_is_offered_exactly_where_it_is_accepted(scene):
    w, _, _, subjects = scene
    people = _people(w)
    points = {kind: (kind, s.pk) for kind, s in subjects.items()}
    disagreements, offered = matrix(
        points, people, ("issue",), reread=_subject, refusal=permissions.refusal, attempt=_issue_attempt
    )
    assert not disagreements, "\n".join(disagreements)
    issuing = {who: "issue" for who in REVIEWERS}
    assert _offered(points, people, ("issue",), reread=_subject) == {kind: issuing for kind in subjects}
    # the page-level question (督办工单, 督办依申请公开): supervisors (of any county: the number they type is looked up
    # in their scope), an administrator with a staff profile
    assert {who for who, user in people.items() if permissions.may_issue(user)} == {
        *REVIEWERS,
        "外县监察人员",
    }


# ---------------------------------------------------------------- the pages show what the rules allow


def _expected(user, obj, actions) -> dict[str, bool]:
    """What the page should offer: each action `refusal` allows (not allowed_actions, which the page reads)."""
    return {action: permissions.refusal(user, obj, action) is None for action in actions}


BUTTONS = {
    "respond": 'name="action" value="respond"',
    "close": 'name="action" value="close"',
    "return": 'name="action" value="return"',
    "accountability": 'name="action" value="accountability"',
}


@pytest.mark.engine_independent
def test_the_order_page_shows_each_form_exactly_where_allowed(scene, client):
    w, orders, _, _ = scene
    people = _people(w)
    shown = 0
    for name, order in orders.items():
        for who, user in people.items():
            client.force_login(user)
            page = client.get(f"/workbench/supervision/orders/{order.number}/")
            expected = _expected(user, _order(order.pk), permissions.ORDER_ACTIONS)
            if page.status_code != 200:  # not in the person's scope, or not a page of theirs
                assert not any(expected.values()), (name, who)
                continue
            html = page.content.decode()
            for action, allowed in expected.items():
                assert (BUTTONS[action] in html) == allowed, (name, who, action)
                shown += allowed
    assert shown > 30


@pytest.mark.engine_independent
def test_the_alert_list_and_the_case_page_show_each_form_exactly_where_allowed(scene, client):
    w, _, alerts, subjects = scene
    people = _people(w)
    for who, user in people.items():
        client.force_login(user)
        page = client.get("/workbench/supervision/alerts/?state=all")
        if page.status_code != 200:
            continue
        listed = {a.pk: a for a in page.context["alerts"]}
        html = page.content.decode()
        for a in alerts.values():
            allowed = _expected(user, _alert(a.pk), permissions.ALERT_ACTIONS)
            assert a.pk in listed or not any(allowed.values()), who
            form = f'action="/workbench/supervision/alerts/{a.pk}/review/"'
            assert (form in html) == any(allowed.values()), (who, a.pk)
            if a.pk in listed:
                assert (listed[a.pk].forms or {}) == (allowed if any(allowed.values()) else {}), (who, a.pk)
        case = subjects["办件"]
        page = client.get(f"/workbench/supervision/cases/{case.pk}/")
        if page.status_code == 200:
            assert ('aria-label="下达督办"' in page.content.decode()) == permissions.allowed(
                user, case, "issue"
            ), who
        listed = client.get("/workbench/supervision/orders/")
        if listed.status_code == 200:
            assert ("/orders/new/ticket/" in listed.content.decode()) == permissions.may_issue(user), who
