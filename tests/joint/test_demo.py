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
