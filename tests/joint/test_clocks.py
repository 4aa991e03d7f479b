"""Clocks and supervision of joint cases over the real 2026 calendar (国庆 10-01..10-07, 10-10 a working Saturday):
each member keeps its own legal and promised due dates; the joint case is due when its last member is due and is
late as soon as one member is; 督办 to a member department; the joint rules."""

import datetime as dt

import pytest

from tests.joint.conftest import upload_all
from zhengwu.cases import services as case_services
from zhengwu.cases.models import CaseStep
from zhengwu.core import clock
from zhengwu.joint import selectors, services, supervision
from zhengwu.joint.models import Phase
from zhengwu.supervision.models import Alert

FORM = {"subject": "开餐馆"}


def at(day: str, hour: int = 10):
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=clock.LOCAL)


def accepted_on(day: str, bundle, company):
    with clock.frozen(at(day)):
        joint = services.apply(bundle=bundle, applicant=company, by=company.user, form=FORM)
        upload_all(joint, company.user)
        services.lead_accept(joint=joint, by=None)
        for position in (1, 2, 3, 4):
            services.confirm(joint=joint, position=position, by=None)
    joint.refresh_from_db()
    return joint


# accepted on, the day 企业登记 (everyone's prerequisite) granted its 营业执照, then each member's (legal, promised) due
# — 企业登记 3/1, 食品经营 10/5, 排水 20/5, 卫生 20/5 working days — and the joint (legal, promised) due: the latest
# member's. The three members needing 营业执照 count from the grant (行政许可法 第二十六条第二款; the seeds' 并联审批:
# the prerequisite's result is obtained by the department as the joint handling progresses), not from acceptance.
TABLE = [
    (
        "2026-09-28",  # Monday before 国庆: counting jumps the holiday, 10-10 (Saturday) is a working day
        "2026-09-30",
        [
            ("2026-10-08", "2026-09-29"),
            ("2026-10-20", "2026-10-13"),
            ("2026-11-03", "2026-10-13"),
            ("2026-11-03", "2026-10-13"),
        ],
        ("2026-11-03", "2026-10-13"),
    ),
    (
        "2026-12-28",  # granted 12-30: the members' limits run across 元旦 2027 (provisional calendar)
        "2026-12-30",
        [
            ("2026-12-31", "2026-12-29"),
            ("2027-01-13", "2027-01-06"),
            ("2027-01-27", "2027-01-06"),
            ("2027-01-27", "2027-01-06"),
        ],
        ("2027-01-27", "2027-01-06"),
    ),
    (
        "2026-11-18",
        "2026-11-19",
        [
            ("2026-11-23", "2026-11-19"),
            ("2026-12-03", "2026-11-26"),
            ("2026-12-17", "2026-11-26"),
            ("2026-12-17", "2026-11-26"),
        ],
        ("2026-12-17", "2026-11-26"),
    ),
]


@pytest.mark.parametrize(("day", "granted", "members", "joint_due"), TABLE, ids=[row[0] for row in TABLE])
def test_each_member_keeps_its_dates_and_waiting_members_count_from_the_prerequisite(
    restaurant, company, day, granted, members, joint_due, client
):
    from zhengwu.joint.demo import _handle

    joint = accepted_on(day, restaurant.bundle, company)
    client.force_login(company.user)
    page = client.get(f"/bundles/cases/{joint.number}/").content.decode()
    assert page.count("已受理,自「企业登记」的结果作出之日起计算办理期限") == 3
    rows = selectors.joint_summary(joint)["members"]
    assert [r["clock_waits_for"] for r in rows] == ["", "企业登记", "企业登记", "企业登记"]
    assert [r["legal_due"] for r in rows][1:] == [None, None, None]  # no date until 营业执照 exists
    assert (joint.legal_due, joint.promised_due) != (None, None)  # the bundle's plan meanwhile
    with clock.frozen(at(granted, 15)):
        registration = joint.members.get(position=1).case
        _handle(registration, decide=True)
    joint.refresh_from_db()
    got = [
        (m.case.legal_due.isoformat(), m.case.promised_due.isoformat())
        for m in joint.members.select_related("case").order_by("position")
    ]
    assert got == members
    assert (joint.legal_due.isoformat(), joint.promised_due.isoformat()) == joint_due
    assert selectors.joint_summary(joint)["due"] == joint_due[0]
    page = client.get(f"/bundles/cases/{joint.number}/").content.decode()
    # counted into 2027, whose holiday arrangement is not published yet: marked 暂定 as on a single case's page
    assert ("暂定" in page) == joint_due[0].startswith("2027")
    started = joint.members.get(position=2).case.events.get(action="start_clock")
    assert "第二十六条" in started.note and "营业执照" in started.note


# the day we look, and the joint level: 企业登记 (legal due 10-08) left undecided
LEVELS = [
    ("2026-09-28", "normal"),  # three working days left (09-29, 09-30, 10-08)
    ("2026-09-30", "yellow"),  # the 国庆 week does not count: one working day left
    ("2026-10-09", "red"),  # one member late: the joint case is late
]


@pytest.mark.parametrize(("today", "level"), LEVELS)
def test_the_joint_level_is_the_worst_member(restaurant, company, today, level):
    joint = accepted_on("2026-09-28", restaurant.bundle, company)
    assert (
        supervision.joint_level(
            list(joint.members.select_related("case__version")), today=dt.date.fromisoformat(today)
        )
        == level
    )


def test_a_member_missing_its_part_raises_joint_rules_and_is_supervised(restaurant, county, company):
    joint = accepted_on("2026-09-28", restaurant.bundle, company)
    registration = joint.members.get(position=1).case
    with clock.frozen(at("2026-10-12")):
        assert supervision.scan_open_members() == 1
        assert supervision.scan_open_members() == 0  # once
        alert = Alert.objects.get(code="joint.member_late")
        assert alert.case == registration and joint.number in alert.explanation
        step = registration.steps.get(state=CaseStep.State.OPEN)
        assert step.kind == "decide"
        case_services.decide_case(case=registration, by=county.market_approver, grant=True, reasons="符合")
        # 企业登记 is the prerequisite of three members, decided after its promised date
        late = Alert.objects.get(code="joint.prerequisite_late")
        assert "食品经营许可" in late.explanation and late.case == registration
        order = services.supervise_member(
            joint=joint, position=3, by=county.supervisor, instruction="请按期办结排水许可"
        )
    assert order.case == joint.members.get(position=3).case and order.organisation == county.urban
    assert joint.events.filter(action="supervise").exists()
    joint.refresh_from_db()
    assert joint.phase == Phase.HANDLING
