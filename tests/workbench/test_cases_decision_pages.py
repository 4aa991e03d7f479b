"""The workbench case page offers at each step exactly what its viewer may do: the department head decides at the
decision step (作出决定, 准予 or 不予 with reasons), nobody else sees a decision form; the window makes the licence
after it; delivery waits for it. Whoever cannot act on the open step is told who can."""

import re

import pytest

from tests.cases.conftest import world  # noqa: F401
from tests.cases.test_handling import BUREAU, FOOD, OTHER_OFFICE, at_step, people  # noqa: F401
from zhengwu.cases import services
from zhengwu.cases.models import Case, Status
from zhengwu.core.errors import Conflict


@pytest.fixture
def page(client):
    def show(user, case, **kwargs):
        client.force_login(user)
        return client.get(f"/workbench/cases/{case.number}/", **kwargs).content.decode()

    return show


def step_note(html: str) -> str:
    match = re.search(r'<p[^>]*id="step-note"[^>]*>(.*?)</p>', html, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else ""


def test_the_head_decides_at_the_decision_step_and_nobody_else_is_offered_it(page, people):  # noqa: F811
    case = at_step(people, people.food, "决定")
    html = page(people.head, case)
    assert 'id="decide-form"' in html and "作出决定(准予或不予许可)" in html
    assert 'id="decide-deny"' in html and "决定意见(不予许可须写明理由)" in html
    assert "完成本环节" not in html  # the decision step is finished by the decision, not by 完成本环节
    assert "决定环节" in html

    for user in (people.approver, people.chief, people.clerk, people.general_clerk):
        html = page(user, case)
        assert 'id="decide-form"' not in html and 'id="decide-grant"' not in html, user.username
    assert step_note(page(people.approver, case)) == (
        f"「决定」环节由{BUREAU}的部门负责人办理,您没有部门负责人角色"
    )
    assert step_note(page(people.general_clerk, case)) == (
        f"「决定」环节由{BUREAU}的部门负责人办理;您是{OTHER_OFFICE}的工作人员,不能办理该机构的环节"
    )


def test_no_decision_form_before_the_decision_step(page, people):  # noqa: F811
    case = at_step(people, people.food_wa, "审查")
    for user in (people.head, people.chief):
        assert 'id="decide-form"' not in page(user, case)
    html = page(people.approver, case)
    assert "完成本环节" in html and 'id="decide-form"' not in html


def test_the_chief_representative_decides_only_where_the_item_is_authorised_to_the_window(page, people):  # noqa: F811
    assert 'id="decide-form"' in page(people.chief, at_step(people, people.food_wa, "决定"))
    assert 'id="decide-form"' not in page(people.chief, at_step(people, people.food, "决定"))


def test_a_decision_posted_by_someone_who_may_not_decide_is_refused_with_the_reason(client, people):  # noqa: F811
    case = at_step(people, people.food, "决定")
    client.force_login(people.general_clerk)
    response = client.post(
        f"/workbench/cases/{case.number}/act/decide/",
        {"revision": case.revision, "grant": "grant", "reasons": "同意"},
    )
    html = response.content.decode()
    assert response.status_code == 403
    assert f"您是{OTHER_OFFICE}的工作人员,不能办理该机构的环节" in html and 'id="case-error"' in html
    assert Case.objects.get(pk=case.pk).status == Status.ACCEPTED


def test_after_the_decision_the_window_makes_the_licence_and_then_delivery_is_offered(page, client, people):  # noqa: F811
    case = at_step(people, people.food, "制证")
    assert case.status == Status.DECIDED
    html = page(people.clerk, case)
    assert "完成本环节" in html and "确认已制证(制作办理结果)?" in html
    assert "登记送达" not in html and 'id="decide-form"' not in html

    html = page(people.general_clerk, case)
    assert "登记送达" not in html and ">办结</button>" not in html and "完成本环节" not in html
    assert step_note(html).startswith(
        f"「制证」环节由{BUREAU}的窗口工作人员办理;您是{OTHER_OFFICE}的工作人员"
    )

    client.force_login(people.clerk)
    response = client.post(
        f"/workbench/cases/{case.number}/act/complete_step/", {"revision": case.revision, "opinion": "已制证"}
    )
    assert response.status_code == 302
    html = page(people.general_clerk, case)
    assert "登记送达" in html and step_note(html) == ""


def test_a_refusal_is_served_before_the_case_is_completed(page, client, people):  # noqa: F811
    """行政许可法 第三十八条第二款、第四十条: the written refusal reaches the applicant (送达) before 办结."""
    case = at_step(people, people.food, "决定")
    client.force_login(people.head)
    client.post(
        f"/workbench/cases/{case.number}/act/decide/",
        {"revision": case.revision, "grant": "deny", "reasons": "经营场所与住宅未有效分隔"},
    )
    case.refresh_from_db()
    assert (case.status, case.decision) == (Status.DECIDED, "deny")
    html = page(people.clerk, case)
    assert "登记送达" in html and ">办结</button>" not in html  # before: 办结 offered beside 送达
    client.force_login(people.clerk)
    refused = client.post(f"/workbench/cases/{case.number}/act/complete/", {"revision": case.revision})
    assert (
        refused.status_code == 409
        and "不予许可决定书须先送达申请人,送达后才能办结" in refused.content.decode()
    )
    with pytest.raises(Conflict, match="须先送达"):
        services.complete_case(case=case, by=people.clerk)
    assert Case.objects.get(pk=case.pk).status == Status.DECIDED
    services.deliver_result(case=case, by=people.clerk, method="window")
    assert ">办结</button>" in page(people.clerk, case)
    services.complete_case(case=case, by=people.clerk)
    assert Case.objects.get(pk=case.pk).status == Status.COMPLETED
