"""The joint case page offers each of its forms exactly when the services accept it (joint.permissions): the lead's
(联办通知, scan, 召集联审, 撤回, minutes), the front desk's (主办窗口), each member's (answer the 联办通知, 不予受理,
不予许可, 上报 and its reply, a meeting opinion) — for the lead window, a member department, the centre's people and
the applicant, at each point of a joint case."""

import datetime as dt

import pytest

from tests.allowed_actions import matrix
from tests.cases.conftest import pdf_upload
from tests.joint.conftest import COUNTY_START, make_company, make_restaurant, notified_joint
from tests.worldcache import replayed
from zhengwu.core import clock
from zhengwu.core.errors import NotFound
from zhengwu.joint import endings, meetings, permissions, services
from zhengwu.joint.models import JointCase, JointMeeting

# both tests read the same 14 joint cases (`phased`, built once per process): one worker takes them
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("joint_phases")]

POSITIONS = (
    1,
    3,
)  # the lead organisation's own member (企业登记, 市场监管局) and another department's (排水, 城管局)
ACTIONS = (
    [(action, None) for action in permissions.ACTIONS]
    + [(action, p) for action in permissions.MEMBER_ACTIONS for p in POSITIONS]
    + [("minutes", None)]
    + [("opinion", p) for p in POSITIONS]
)


def _applied(restaurant, company):
    return services.apply(
        bundle=restaurant.bundle, applicant=company, by=company.user, form={"subject": "开餐馆"}
    )


def _notified(restaurant, county, company, *, materials=True):
    return notified_joint(restaurant, county, company, materials=materials)


def _handling(restaurant, county, company):
    joint = _notified(restaurant, county, company)
    for position in (1, 2, 3, 4):
        services.confirm(joint=joint, position=position, by=None)
    return joint


def _meeting(joint, kind, positions):
    return meetings.convene(
        joint=joint,
        by=None,
        kind=kind,
        scheduled_on=clock.today(),  # held today: opinions and minutes are taken
        agenda="联审",
        positions=positions,
    )


def _phases(restaurant, county, company) -> dict[str, JointCase]:
    out = {"received": _applied(restaurant, company)}
    out["notified"] = _notified(restaurant, county, company)
    out["notified, materials missing"] = _notified(restaurant, county, company, materials=False)
    joint = _notified(restaurant, county, company)
    services.confirm(joint=joint, position=1, by=None)  # member 1 answered, member 3 not yet
    out["notified, member 1 answered"] = joint
    joint = _notified(restaurant, county, company)
    _meeting(joint, JointMeeting.Kind.PRE_REVIEW, [1, 2, 3, 4])
    out["pre-review meeting convened"] = joint
    joint = _notified(restaurant, county, company)
    meeting = _meeting(joint, JointMeeting.Kind.PRE_REVIEW, [1, 2, 3, 4])
    for position in (1, 2, 3, 4):
        meetings.record_opinion(joint=joint, meeting_id=meeting.pk, position=position, by=None)
    out["pre-review meeting heard"] = joint
    joint = _notified(restaurant, county, company)
    for position in (1, 2, 4):
        services.confirm(joint=joint, position=position, by=None)
    services.raise_missing(
        joint=joint, position=3, by=None, items=[{"position": 3, "problem": "图纸未标注检测井"}]
    )
    out["supplement"] = joint  # 联合一次性告知: waiting for the applicant's 补正
    out["handling"] = _handling(restaurant, county, company)
    joint = _handling(restaurant, county, company)
    for position in POSITIONS:
        meetings.forward_up(joint=joint, position=position, by=None, authority="鹰潭市城市管理局")
    out["forwarded upward"] = joint
    joint = _handling(restaurant, county, company)
    meeting = _meeting(joint, JointMeeting.Kind.INSPECTION, [1, 3])
    meetings.record_opinion(joint=joint, meeting_id=meeting.pk, position=1, by=None, opinion="同意")
    out["inspection, member 1 heard"] = joint
    joint = _handling(restaurant, county, company)
    meeting = _meeting(joint, JointMeeting.Kind.INSPECTION, [1, 3])
    for position in POSITIONS:
        meetings.record_opinion(
            joint=joint, meeting_id=meeting.pk, position=position, by=None, opinion="同意"
        )
    out["inspection heard"] = joint
    joint = _handling(restaurant, county, company)
    meeting = _meeting(joint, JointMeeting.Kind.INSPECTION, [1, 3])
    for position in POSITIONS:
        meetings.record_opinion(
            joint=joint, meeting_id=meeting.pk, position=position, by=None, opinion="同意"
        )
    meetings.attach_minutes(joint=joint, meeting_id=meeting.pk, by=None, upload=pdf_upload("纪要.pdf"))
    out["inspection closed"] = joint
    out["withdrawn"] = endings.withdraw(joint=_applied(restaurant, company), by=company.user, reason="不开了")
    return out


def _build_phased(county):
    """On the county: the 开办餐饮店 bundle, the company and the joint case at each point (`_phases`), built through
    the services once per test process and replayed as rows in each test (tests/worldcache.py): both tests below
    ask about the same joint cases, and building them was a fifth of each test's CPU."""
    county.restaurant = make_restaurant(county)
    county.company = make_company()
    county.phases = _phases(county.restaurant, county, county.company)
    return county


phased = replayed(_build_phased, name="phased", at=COUNTY_START, on="county")


def _last_meeting(joint):
    return joint.meetings.order_by("-pk").first()


def _refusal(user, joint, action):
    name, position = action
    if name in permissions.MEETING_ACTIONS:
        meeting = _last_meeting(joint)
        if meeting is None:
            return NotFound("no meeting")
        return permissions.refusal(user, joint, name, meeting=meeting, position=position)
    return permissions.refusal(user, joint, name, position=position)


def _material(joint) -> int:
    return next(e["position"] for e in joint.version.merged_materials if not e.get("from_member"))


def _other_window(joint):
    return services.lead_window_choices(joint).exclude(pk=joint.lead_window_id or 0).first()


def _try(action, user, joint):
    name, position = action

    def meeting_id():  # read for the meeting actions only (12 of the 18 actions have no meeting)
        meeting = _last_meeting(joint)
        return meeting.pk if meeting is not None else 0

    calls = {
        "convene": lambda: meetings.convene(
            joint=joint,
            by=user,
            kind="inspection",
            scheduled_on=clock.today() + dt.timedelta(days=3),
            agenda="现场踏勘",
            positions=[1, 4],
        ),
        "withdraw": lambda: endings.withdraw(joint=joint, by=user, reason="申请人要求"),
        "lead_accept": lambda: services.lead_accept(joint=joint, by=user),
        "upload": lambda: services.upload_material(
            joint=joint, by=user, position=_material(joint), upload=pdf_upload("扫描件.pdf")
        ),
        "lead_window": lambda: services.assign_lead_window(
            joint=joint, by=user, window=_other_window(joint), reason="窗口调整"
        ),
        "confirm": lambda: services.confirm(joint=joint, position=position, by=user),
        "missing": lambda: services.raise_missing(
            joint=joint, position=position, by=user, items=[{"position": 1, "problem": "复印件不清晰"}]
        ),
        "refuse": lambda: endings.refuse_member(
            joint=joint,
            position=position,
            by=user,
            reason="申请事项不属于本机关职权范围",
            legal_basis="《中华人民共和国行政许可法》第三十二条",
        ),
        "deny": lambda: endings.deny_member(
            joint=joint,
            position=position,
            by=user,
            reasons="不符合法定条件",
            legal_basis="《中华人民共和国行政许可法》第三十八条",
        ),
        "forward": lambda: meetings.forward_up(
            joint=joint, position=position, by=user, authority="鹰潭市城市管理局"
        ),
        "forward_reply": lambda: meetings.record_reply(joint=joint, position=position, by=user, reply="同意"),
        "minutes": lambda: meetings.attach_minutes(
            joint=joint, meeting_id=meeting_id(), by=user, upload=pdf_upload("纪要.pdf")
        ),
        "opinion": lambda: meetings.record_opinion(
            joint=joint, meeting_id=meeting_id(), position=position, by=user, opinion="同意"
        ),
    }
    return calls[name]


def test_every_form_offered_is_accepted_and_none_refused_is_offered(phased):
    county, company = phased, phased.company
    people = {
        "主办窗口": county.lead_clerk,
        "主办部门审查": county.market_approver,
        "成员部门窗口": county.urban_clerk,
        "中心主任": county.manager,
        "监察员": county.supervisor,
        "申请人": company.user,
    }
    offered_where: dict[str, set[str]] = {}

    def refusal(user, joint, action):
        found = _refusal(user, joint, action)
        if found is None:
            offered_where.setdefault(action[0], set()).add(joint.phase)
        return found

    disagreements, offered = matrix(
        phased.phases,
        people,
        ACTIONS,
        reread=lambda joint: JointCase.objects.get(pk=joint.pk),
        refusal=refusal,
        attempt=_try,
    )
    assert not disagreements, "\n".join(disagreements)
    assert JointCase.objects.filter(phase="supplement").exists()
    # every form is offered to someone somewhere: the matrix holds each rule, not only its refusals
    assert set(offered_where) == set(permissions.ACTIONS) | set(permissions.MEMBER_ACTIONS) | {
        "minutes",
        "opinion",
    }, offered_where
    assert offered >= 100


def _form_urls(joint, action) -> set[str]:
    """The form addresses the page posts `action` to (a member action at its member, a meeting action at the last
    meeting)."""
    from django.urls import reverse

    name, position = action
    n = joint.number
    if name in permissions.ACTIONS:
        url = {"lead_accept": "notify", "upload": "upload"}.get(name, name)
        return {reverse(f"workbench_joint:{url}", args=[n])}
    meeting = _last_meeting(joint)
    if name == "minutes":
        return {reverse("workbench_joint:minutes", args=[n, meeting.pk])} if meeting else set()
    if name == "opinion":
        return {reverse("workbench_joint:opinion", args=[n, meeting.pk, position])} if meeting else set()
    return {reverse(f"workbench_joint:{name}", args=[n, position])}


@pytest.mark.engine_independent
def test_the_page_shows_the_forms_the_rules_allow(phased, client):
    """The template reads the rules: each form's address is on the page exactly when `refusal` allows it."""
    county = phased
    people = {"主办窗口": county.lead_clerk, "成员部门窗口": county.urban_clerk, "中心主任": county.manager}
    wrong = []
    for point, joint in phased.phases.items():
        joint = JointCase.objects.get(pk=joint.pk)
        for who, user in people.items():
            client.force_login(user)
            page = client.get(f"/workbench/joint/{joint.number}/").content.decode()
            for action in ACTIONS:
                allowed = _refusal(user, joint, action) is None
                shown = any(f'action="{url}"' in page for url in _form_urls(joint, action))
                if allowed != shown:
                    wrong.append(
                        f"{point} · {who} · {action}: {'允许' if allowed else '不允许'},页面{'显示' if shown else '不显示'}"
                    )
    assert not wrong, "\n".join(wrong)
