"""The joint demo loads on any date: bundles published, joint cases in every phase, one late because of one member."""

import datetime as dt

import pytest
from django.db import connections, transaction
from django.test import override_settings

from zhengwu.catalog.demo import load_demo_catalogue
from zhengwu.core import clock
from zhengwu.core.demo import load_demo as load_county
from zhengwu.joint import demo, selectors
from zhengwu.joint.models import JointCase, Phase

MOMENTS = {
    "new-year-eve-23:30": dt.datetime(2026, 12, 31, 23, 30, tzinfo=clock.LOCAL),
    "spring-festival-2027": dt.datetime(2027, 2, 8, 10, 0, tzinfo=clock.LOCAL),
}


@pytest.fixture(scope="module")
def county_and_catalogue(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomics = [transaction.atomic(using=alias) for alias in connections]
        for atomic in atomics:
            atomic.__enter__()
        try:
            with (
                clock.frozen(dt.datetime(2026, 8, 1, 10, 0, tzinfo=clock.LOCAL)),
                override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
            ):
                load_county()
                assert load_demo_catalogue().problems == []
            yield
        finally:
            for alias in connections:
                transaction.set_rollback(True, using=alias)
            for atomic in reversed(atomics):
                atomic.__exit__(None, None, None)


@pytest.mark.django_db
@pytest.mark.parametrize("moment", list(MOMENTS.values()), ids=list(MOMENTS))
def test_the_joint_demo_on_any_day(county_and_catalogue, moment):
    clock.run_from(moment)
    line = demo.load_demo()
    assert line.startswith("并联审批:一件事 3 个,联办件 6 件"), line
    phases = set(JointCase.objects.values_list("phase", flat=True))
    assert phases == {Phase.RECEIVED, Phase.NOTIFIED, Phase.SUPPLEMENT, Phase.HANDLING, Phase.FINISHED}
    organisations = {m["organisation"].name for row in selectors.directory() for m in row["members"]}
    assert len(organisations) >= 6
    late = [j for j in JointCase.objects.filter(phase=Phase.HANDLING) if selectors.joint_summary(j)["late"]]
    assert len(late) == 1
    red = [m for m in selectors.joint_summary(late[0])["members"] if m["level"] == "red"]
    assert [m["organisation"] for m in red] == ["贵溪市水利局"]
    assert demo.load_demo().endswith("未重复载入")


@pytest.mark.django_db
def test_every_open_member_case_has_demo_staff_to_work_it(county_and_catalogue, client):
    """Each member department of the demo's joint cases has its own people (not the administrator): someone to answer
    the 联办通知 and someone for every open step; they sign in and find the member case on the workbench."""
    from django.contrib.auth import get_user_model

    from zhengwu.cases import handling
    from zhengwu.cases.models import CaseStep
    from zhengwu.core import access
    from zhengwu.core.demo import demo_data
    from zhengwu.joint import services
    from zhengwu.joint.models import JointMember

    clock.run_from(dt.datetime(2026, 9, 15, 10, 0, tzinfo=clock.LOCAL))
    demo.load_demo()
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
                    services._require_member_staff(person, member)
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
