"""What the joint demo holds on any day: checked at each of tests/core/test_demo_dates.py's moments, where every
domain's demo is loaded once (its staff: tests/demo_site/test_joint_staff.py)."""

from zhengwu.joint import demo, selectors
from zhengwu.joint.models import JointCase, Phase


def check_the_joint_demo(lines: list[str]) -> None:
    """The joint demo, loaded with every domain's demo at a moment (tests/core/test_demo_dates.py loads them at New
    Year's Eve 23:30, during the 2027 Spring Festival and on 29 February 2028): bundles published, joint cases in every
    phase (one ended by a member's 不予许可, one withdrawn), one late because of one member (水利局), and a second
    load adds nothing."""
    line = next(line for line in lines if line.startswith("并联审批"))
    assert line.startswith("并联审批:一件事 3 个,联办件 8 件"), line
    phases = set(JointCase.objects.values_list("phase", flat=True))
    assert phases == {
        Phase.RECEIVED,
        Phase.NOTIFIED,
        Phase.SUPPLEMENT,
        Phase.HANDLING,
        Phase.FINISHED,
        Phase.DENIED,
        Phase.WITHDRAWN,
    }
    denied = JointCase.objects.get(phase=Phase.DENIED)
    summary = selectors.joint_summary(denied)
    assert summary["refusals"][0]["legal_basis"] and len(summary["refusals"][0]["stopped"]) == 3
    assert [m["state"] for m in summary["members"]].count("terminated") == 3
    withdrawn = JointCase.objects.get(phase=Phase.WITHDRAWN)
    assert {m.case.status for m in withdrawn.members.select_related("case")} == {"withdrawn"}
    organisations = {m["organisation"].name for row in selectors.directory() for m in row["members"]}
    assert len(organisations) >= 6
    late = [j for j in JointCase.objects.filter(phase=Phase.HANDLING) if selectors.joint_summary(j)["late"]]
    assert len(late) == 1
    red = [m for m in selectors.joint_summary(late[0])["members"] if m["level"] == "red"]
    assert [m["organisation"] for m in red] == ["贵溪市水利局"]
    assert demo.load_demo().endswith("未重复载入")
