"""The demo works for every role: each chain the demo shows can be finished by signing in as the people `zhengwu demo`
prints, each of them with what they are for — a publication through first review, confidentiality review, the
leader and the second leader to the portal; a request's extension; the catalogue's submission and publication by two
managers; decisions, extensions, 督办 answers and rectification in every department the demo's cases, ratings and
tickets reach."""

import json

import pytest
from django.contrib.auth import get_user_model

from tests.catalog.conftest import SPEC
from tests.worldcache import replayed
from zhengwu.cases import demo as cases_demo
from zhengwu.catalog import demo as catalog_demo
from zhengwu.catalog import services as catalog
from zhengwu.core import access
from zhengwu.core.demo import demo_data, load_demo
from zhengwu.core.errors import AccessDenied, Conflict
from zhengwu.core.models import Organisation, Role
from zhengwu.disclosure import services as disclosure
from zhengwu.disclosure import workflow
from zhengwu.evaluation.services import RECTIFY_ROLES
from zhengwu.supervision import services as supervision
from zhengwu.supervision.services import RESPONDER_ROLES

pytestmark = pytest.mark.django_db


def _county() -> None:
    load_demo()


# the demo county, loaded once per test process and replayed as rows for each test (tests/worldcache.py)
demo_county = replayed(_county, name="demo_county")


@pytest.fixture
def people(demo_county):
    return {u.username: u for u in get_user_model().objects.all()}


def _organisation(short_name: str) -> Organisation:
    return Organisation.objects.get(short_name=short_name, region__code=cases_demo.REGION)


def test_every_login_is_printed_with_what_it_is_for(capsys):
    summary = load_demo()
    usernames = {row["username"] for row in demo_data()["staff"]}
    assert set(demo_data()["login_purposes"]) == usernames  # no account without a purpose, none left over
    assert all(login.purpose for login in summary.logins)
    from zhengwu.core.management.commands.demo import login_table

    table = login_table(summary)
    assert table.splitlines()[0].split() == ["角色", "用户名", "姓名", "所在机构", "窗口", "用途"]
    for username in ("gov_review", "secrecy", "gov_head", "gov_deputy", "manager2"):
        login = next(x for x in summary.logins if x.username == username)
        assert f" {username} " in table and login.purpose in table


def test_a_publication_goes_through_every_review_with_the_demo_people(people):
    office = _organisation("政府办")
    drafter = people["disclosure"]
    pub = disclosure.create_draft(
        organisation=office, by=drafter, title="贵溪市政务服务事项清单(2027年版)", important=True
    )
    pub = disclosure.submit(publication=pub, by=drafter)
    with pytest.raises(AccessDenied):
        disclosure.approve(publication=pub, by=drafter)  # the drafter never reviews their own draft
    # issue 13: 钱国栋 (保密审查) signed 待初审 and 宋雅琴 (初审) 待保密审查 — each step is its own role's
    with pytest.raises(Conflict, match="「待初审」须由政务公开人员签署"):
        disclosure.approve(publication=pub, by=people["gov_head"])  # a leader does not do the first review
    with pytest.raises(Conflict, match="「待初审」须由政务公开人员签署") as refused:
        disclosure.approve(publication=pub, by=people["secrecy"], opinion="同意")
    assert refused.value.status == 409
    steps = [
        ("gov_review", workflow.FIRST_REVIEW),
        ("secrecy", workflow.CONFIDENTIALITY_REVIEW),
        ("gov_head", workflow.LEADER_APPROVAL),
        ("gov_deputy", workflow.SECOND_LEADER_APPROVAL),
    ]
    for username, step in steps:
        assert pub.status == step
        if step == workflow.CONFIDENTIALITY_REVIEW:
            with pytest.raises(Conflict, match="「待保密审查」须由保密审查人员签署"):
                disclosure.approve(publication=pub, by=people["gov_review"], opinion="同意")
        if step == workflow.SECOND_LEADER_APPROVAL:
            with pytest.raises(AccessDenied):  # an important document needs a second, different leader
                disclosure.approve(publication=pub, by=people["gov_head"])
        pub = disclosure.approve(publication=pub, by=people[username], opinion="同意")
    assert pub.status == workflow.APPROVED
    pub = disclosure.publish(publication=pub, by=drafter)
    assert pub.status == workflow.PUBLISHED
    assert [e.by.username for e in pub.ledger.order_by("at", "id")][-5:] == [
        "gov_review", "secrecy", "gov_head", "gov_deputy", "disclosure",
    ]  # fmt: skip


def test_a_request_s_extension_is_approved_by_the_office_s_head(people):
    request = disclosure.file_request(
        organisation=_organisation("政府办"),
        channel="in_person",
        requester_kind="natural_person",
        requester_name="叶建国",
        phone="13907015310",
        description="申请公开建设路拆迁项目的征收补偿方案",
        by=people["disclosure"],
    )
    request = disclosure.ask_extension(request=request, by=people["disclosure"], days=10, reason="需调取档案")
    with pytest.raises(AccessDenied):
        disclosure.approve_extension(request=request, by=people["disclosure"])
    request = disclosure.approve_extension(request=request, by=people["gov_head"])
    assert request.extension_days == 10


def test_one_manager_submits_and_the_other_publishes(people):
    item = catalog.create_item(
        spec=json.loads(json.dumps(SPEC)), organisation=_organisation("水利局"), user=people["manager"]
    ).item
    catalog.submit(item=item, user=people["manager"])
    with pytest.raises(AccessDenied):
        catalog.publish(item=item, user=people["manager"])
    assert catalog.publish(item=item, user=people["manager2"]).status == "published"


def _steps_needed() -> dict[str, set[str]]:
    """The roles the steps of each department's demo items name, plus department_head where an item can be extended
    (a head decides extensions)."""
    needed: dict[str, set[str]] = {}
    for path in catalog_demo.DEMO_DIR.glob("*.json"):
        data = json.loads(path.read_text("utf-8"))
        roles = needed.setdefault(data["organisation"], set())
        for item in data["items"]:
            if item.get("instant"):
                continue  # handled on the spot at the window
            roles |= {step["role"] for step in item.get("steps", [])}
            if item.get("extension_days"):
                roles.add(Role.DEPARTMENT_HEAD)
    return needed


@pytest.mark.parametrize("short_name", sorted(cases_demo.HANDLERS))
def test_each_department_of_the_demo_cases_has_its_people(people, short_name):
    """Whoever the demo names for a step holds its role and sees the department's cases; its head also answers
    督办 and rectifies bad ratings."""
    organisation = _organisation(short_name)
    handlers = cases_demo.HANDLERS[short_name]
    for role in _steps_needed().get(short_name, set()) & set(handlers):
        user = people[handlers[role]]
        assert access.has_role(user, role), (short_name, role, user.username)
        if role != Role.WINDOW_CLERK:  # general windows take applications for every department
            assert access.can_see_organisation(user, organisation), (short_name, user.username)
    if Role.DEPARTMENT_HEAD in _steps_needed().get(short_name, set()):
        head = people[handlers[Role.DEPARTMENT_HEAD]]
        assert access.has_role(head, *RESPONDER_ROLES) and access.has_role(head, *RECTIFY_ROLES)


def test_a_supervision_order_to_a_department_is_answered_by_its_head(people):
    order = supervision.issue_order(
        by=people["supervisor"],
        organisation=_organisation("公安局"),
        instruction="核查户籍窗口群众反映的重复提交材料问题",
        request_ref="GX-2026-1",
    )
    with pytest.raises(AccessDenied):
        supervision.respond_order(order=order, by=people["police"], response="已整改")  # not a head
    order = supervision.respond_order(order=order, by=people["police_head"], response="已整改并通报")
    order = supervision.close_order(order=order, by=people["supervisor"], outcome="整改到位")
    assert order.state == "closed"
