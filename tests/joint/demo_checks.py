"""What the joint demo holds on any day: checked at each of tests/core/test_demo_dates.py's moments, where every
domain's demo is loaded once (its staff: tests/demo_site/test_joint_staff.py)."""

from zhengwu.core import clock
from zhengwu.joint import demo, selectors
from zhengwu.joint.models import JointCase, Phase


def check_the_joint_demo(lines: list[str]) -> None:
    """The joint demo, loaded with every domain's demo at a moment (tests/core/test_demo_dates.py loads them at New
    Year's Eve 23:30, during the 2027 Spring Festival and on 29 February 2028): bundles published, joint cases in every
    phase (one ended by a member's 不予许可, one not accepted because a member refused it at intake, one withdrawn),
    one late because of one member (水利局), and a second load adds nothing."""
    line = next(line for line in lines if line.startswith("并联审批"))
    assert line.startswith("并联审批:一件事 3 个,联办件 9 件"), line
    phases = set(JointCase.objects.values_list("phase", flat=True))
    assert phases == {
        Phase.RECEIVED,
        Phase.NOTIFIED,
        Phase.SUPPLEMENT,
        Phase.HANDLING,
        Phase.FINISHED,
        Phase.DENIED,
        Phase.REFUSED,
        Phase.WITHDRAWN,
    }
    denied = JointCase.objects.get(phase=Phase.DENIED)
    summary = selectors.joint_summary(denied)
    assert summary["refusals"][0]["legal_basis"] and len(summary["refusals"][0]["stopped"]) == 3
    assert [m["state"] for m in summary["members"]].count("terminated") == 3
    assert summary["refusals"][0]["legal_basis"] == "《企业名称登记管理规定》第十七条第(一)项"
    check_the_refusal_at_intake()
    withdrawn = JointCase.objects.get(phase=Phase.WITHDRAWN)
    assert {m.case.status for m in withdrawn.members.select_related("case")} == {"withdrawn"}
    organisations = {m["organisation"].name for row in selectors.directory() for m in row["members"]}
    assert len(organisations) >= 6
    late = [j for j in JointCase.objects.filter(phase=Phase.HANDLING) if selectors.joint_summary(j)["late"]]
    assert len(late) == 1
    red = [m for m in selectors.joint_summary(late[0])["members"] if m["level"] == "red"]
    assert [m["organisation"] for m in red] == ["贵溪市水利局"]
    # the stage order holds: 施工许可 (stage 2) waits on 水土保持 and has no dates until that result is made
    building = selectors.joint_summary(late[0])["members"][-1]
    assert building["stage"] == 2 and building["state"] == "accepted" and not building["promised_due"]
    assert "生产建设项目水土保持方案审批" in building["clock_waits_for"]
    # its joint due date is the bundle's overall limit meanwhile, and says so
    note = selectors.joint_summary(late[0])["due_note"]
    assert note.startswith("按一件事总时限") and f"「{building['item']}」待" in note
    check_the_stage_order()
    assert demo.load_demo().endswith("未重复载入")


def check_the_stage_order() -> None:
    """In every demo joint case no member is decided before the members it needs granted, and a member's limits
    count from its prerequisites' results (行政许可法 第二十六条第二款; the seeds' 并联审批)."""
    for joint in JointCase.objects.all():
        cases = {m.position: m for m in joint.members.select_related("case")}
        for m in cases.values():
            needed = [cases[n].case for n in m.needs if n in cases]
            if m.case.decision == "grant":
                assert all(c.decision == "grant" and c.decided_at <= m.case.decided_at for c in needed), joint
            if m.case.promised_due and needed:
                assert all(
                    c.decided_at and clock.local_date(c.decided_at) <= m.case.promised_due for c in needed
                ), joint


def check_the_refusal_at_intake() -> None:
    """The demo's 不予受理 at intake: 市场监管局 does not accept 企业登记 of a branch outside the county during the 联办通知
    stage, with its reasons and legal basis; the three members needing it are not accepted either, each with its own
    written decision; the applicant sees the whole application 不予受理 with that basis on the portal's summary."""
    from zhengwu.cases.models import Notice, Status

    refused = JointCase.objects.get(phase=Phase.REFUSED)
    assert refused.finished_at is not None
    summary = selectors.joint_summary(refused)
    [refusal] = summary["refusals"]
    assert refusal["at_intake"] and refusal["organisation"] == "贵溪市市场监督管理局"
    assert refusal["legal_basis"] == "《中华人民共和国行政许可法》第三十二条第一款第(二)项"
    assert "不属于本机关登记管辖范围" in refusal["reasons"] and "月湖区市场监督管理局" in refusal["reasons"]
    assert len(refusal["stopped"]) == 3 and refusal["continuing"] == []
    members = list(refused.members.select_related("case"))
    assert {m.case.status for m in members} == {Status.REFUSED}
    decisions = Notice.objects.filter(case__in=[m.case for m in members], kind=Notice.Kind.REFUSAL)
    assert decisions.count() == 4
