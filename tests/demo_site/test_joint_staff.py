"""The joint demo in the whole demo: every member department has its own people to work its member cases."""

from zhengwu.joint.models import Phase


def test_every_open_member_case_has_demo_staff_to_work_it(demo_site, client):
    """Each member department of the demo's joint cases has its own people (not the administrator): someone to answer
    the 联办通知 and someone for every open step; they sign in and find the member case on the workbench."""
    from django.contrib.auth import get_user_model

    from zhengwu.cases import handling
    from zhengwu.cases.models import CaseStep
    from zhengwu.core import access
    from zhengwu.core.demo import demo_data
    from zhengwu.joint import permissions
    from zhengwu.joint.models import JointMember

    usernames = [row["username"] for row in demo_data()["staff"]]
    people = [
        u for u in get_user_model().objects.filter(username__in=usernames) if not access.is_administrator(u)
    ]
    members = JointMember.objects.filter(joint__phase__in=[Phase.NOTIFIED, Phase.HANDLING]).select_related(
        "joint", "case__organisation"
    )
    checked = set()
    for member in members:
        org = member.case.organisation.short_name
        if member.joint.phase == Phase.NOTIFIED and not member.answer:
            answering = []
            for person in people:
                try:
                    permissions.require_member_staff(person, member)
                except Exception:  # noqa: BLE001 — AccessDenied: not this department's window staff
                    continue
                answering.append(person.username)
            assert answering, f"nobody of {org} can answer the 联办通知 of {member.case.number}"
        step = member.case.steps.filter(state=CaseStep.State.OPEN).first()
        if step is None:
            continue
        takers = [p.username for p in people if handling.step_refusal(p, member.case, step) is None]
        assert takers, f"nobody of {org} can take 「{step.name}」 of {member.case.number}"
        checked.add(org)
    assert {"城管局", "卫健委", "水利局"} <= checked
    client.force_login(get_user_model().objects.get(username="water_head"))
    late = next(m for m in members if m.case.organisation.short_name == "水利局")
    page = client.get(f"/workbench/cases/{late.case.number}/")
    assert page.status_code == 200 and "决定" in page.content.decode()
