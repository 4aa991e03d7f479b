"""The cases' county (tests/cases/conftest.py) with licence types: the food business licence its bureau issues on
a grant, and the business licence (营业执照) that a food-licence application can take from the library."""

import pytest
from django.conf import settings

from tests.cases.conftest import ITEM, at, publish, resident_id, world  # noqa: F401 — fixtures and helpers
from tests.factories import paper_checklist
from zhengwu.cases import services as cases
from zhengwu.licences.models import LicenceType

FOOD_TYPE_CODE = "11100000MB0143234X001"
BUSINESS_TYPE_CODE = "11100000MB0143234X002"


@pytest.fixture(scope="session", autouse=True)
def licence_keys(tmp_path_factory):
    """One CA for the whole run (RSA keys take a moment to make), outside the database like in production."""
    settings.ZHENGWU_LICENCE_KEY_DIR = str(tmp_path_factory.mktemp("licence-keys"))
    yield settings.ZHENGWU_LICENCE_KEY_DIR


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """The kept signed files (and the cases' materials) go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def lworld(world):  # noqa: F811 — the cases fixture
    food = LicenceType.objects.create(
        code=FOOD_TYPE_CODE,
        name="食品经营许可证",
        data_items=[
            {"key": "subject", "label": "经营项目"},
            {"key": "legal_representative", "label": "法定代表人"},
            {"key": "address", "label": "经营场所"},
        ],
        validity_years=5,
    )
    food.organisations.add(world.bureau)
    food.items.add(world.item)
    business = LicenceType.objects.create(
        code=BUSINESS_TYPE_CODE,
        name="营业执照",
        material_names=["营业执照"],
        data_items=[
            {"key": "legal_representative", "label": "法定代表人"},
            {"key": "scope", "label": "经营范围"},
        ],
        validity_years=0,
        reminder_days=[30, 7],
    )
    business.organisations.add(world.bureau)
    business.items.add(world.instant_item)
    world.food_type, world.business_type = food, business
    return world


def granted(w, *, applicant=None, form=None):
    """A food-licence case of `applicant` (the company) taken through to a grant by the bureau."""
    case = cases.submit_case(
        item=w.item,
        applicant=applicant or w.company,
        by=w.clerk,
        channel="counter",
        window=w.dedicated,
        form=form or {"subject": "餐饮服务(热食类食品制售)"},
    )
    case = cases.accept_case(case=case, paper=paper_checklist(case), by=w.clerk)
    cases.claim_step(case=case, by=w.approver)
    cases.complete_step(case=case, by=w.approver, opinion="同意")
    return cases.decide_case(case=case, by=w.head, grant=True)
