import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from zhengwu.core import clock
from zhengwu.core.ids import make_uscc
from zhengwu.core.models import Organisation, Region, Role, Staff, StaffRole


@pytest.fixture
def region(db):
    return Region.objects.create(code="360681", name="贵溪市", level=Region.Level.COUNTY)


@pytest.fixture
def government(region):
    return Organisation.objects.create(
        name="贵溪市人民政府",
        uscc=make_uscc("1", "1", "360681", "MB123456"),
        kind="government",
        region=region,
    )


@pytest.fixture
def org(region, government):
    return Organisation.objects.create(
        name="贵溪市自然资源局",
        uscc=make_uscc("1", "1", "360681", "MB765432"),
        kind="department",
        region=region,
        parent=government,
    )


@pytest.fixture
def other_org(region):
    return Organisation.objects.create(
        name="鹰潭市教育局", uscc=make_uscc("1", "1", "360600", "MB111111"), kind="department", region=region
    )


@pytest.fixture
def make_staff(db):
    def make(organisation, username, *roles, name=None):
        user = get_user_model().objects.create_user(username=username, password="pw-Zhengwu-2026")
        staff = Staff.objects.create(user=user, name=name or username, organisation=organisation)
        for role in roles:
            StaffRole.objects.create(staff=staff, role=role)
        return user

    return make


@pytest.fixture
def people(org, make_staff):
    """A drafter, an officer who does the first review, a confidentiality reviewer, two leaders, for one department."""
    return {
        "drafter": make_staff(org, "drafter", Role.DISCLOSURE_OFFICER, name="起草人"),
        "reviewer": make_staff(org, "reviewer", Role.DISCLOSURE_OFFICER, name="审核人"),
        "secrecy": make_staff(org, "secrecy", Role.CONFIDENTIALITY_REVIEWER, name="保密员"),
        "leader": make_staff(org, "leader", Role.DEPARTMENT_HEAD, name="局长"),
        "leader2": make_staff(org, "leader2", Role.DEPARTMENT_HEAD, name="副局长"),
    }


@pytest.fixture
def at():
    """Fix the clock for a block: `with at("2026-03-02"): ...`."""
    return clock.frozen


def d(value: str) -> dt.date:
    return dt.date.fromisoformat(value)
