"""The applicant's page of a joint case (/bundles/cases/<number>/) offers uploading and 撤回 exactly where the
services accept them (joint.permissions): 撤回 while a member case is still running, uploads until the joint
acceptance."""

import pytest

from tests.allowed_actions import accepted
from tests.joint.conftest import upload_all
from zhengwu.cases.models import Case, Status
from zhengwu.joint import endings, services
from zhengwu.joint.models import JointCase

pytestmark = pytest.mark.django_db


def _applied(restaurant, company):
    return services.apply(
        bundle=restaurant.bundle, applicant=company, by=company.user, form={"subject": "开餐馆"}
    )


def _offers(client, joint) -> dict[str, bool]:
    page = client.get(f"/bundles/cases/{joint.number}/").content.decode()
    return {"upload": f"/bundles/cases/{joint.number}/upload/" in page, "withdraw": 'id="withdraw"' in page}


def _accepts(joint, user) -> dict[str, bool]:
    fresh = JointCase.objects.get(pk=joint.pk)
    return {
        "upload": accepted(lambda: upload_all(fresh, user)),
        "withdraw": accepted(lambda: endings.withdraw(joint=fresh, by=user, reason="不开了")),
    }


def test_the_applicant_s_page_offers_what_the_services_accept(restaurant, county, company, client):
    received = _applied(restaurant, company)
    handling = _applied(restaurant, company)
    upload_all(handling, company.user)
    services.lead_accept(joint=handling, by=county.lead_clerk)
    for position in (1, 2, 3, 4):
        services.confirm(joint=handling, position=position, by=None)
    withdrawn = endings.withdraw(joint=_applied(restaurant, company), by=company.user, reason="不开了")
    # open, but every department has decided: nothing left to withdraw (the page used to offer it while open)
    decided = _applied(restaurant, company)
    Case.objects.filter(joint_member__joint=decided).update(status=Status.DECIDED)

    client.force_login(company.user)
    seen = {}
    for name, joint in {
        "received": received,
        "handling": handling,
        "withdrawn": withdrawn,
        "decided": decided,
    }.items():
        seen[name] = _offers(client, joint)
        assert seen[name] == _accepts(joint, company.user), name
    assert seen["received"] == {"upload": True, "withdraw": True}
    assert seen["decided"]["withdraw"] is False
