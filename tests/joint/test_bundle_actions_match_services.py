"""The bundle pages (一件事 list and detail) offer 修订/编辑草稿, 提交审核, 发布 and 退回 exactly when joint.bundles'
services accept them (bundles.refusal): for the two centre managers, another county's manager, the lead
department's head, a member department's head, a window clerk and the supervisor, at each state of a bundle."""

import pytest

from tests.allowed_actions import matrix
from tests.factories import make_organisation, make_region, make_staff
from zhengwu.core.models import Role
from zhengwu.joint import bundles
from zhengwu.joint.models import Bundle

pytestmark = pytest.mark.django_db


def _points(county) -> dict[str, Bundle]:
    published = county.bundle
    spec = bundles.spec_of(published.current_version)
    drafted = bundles.edit_bundle(bundle=published, spec=spec, user=county.market_head).bundle
    return {"published, no draft": published, "draft by the lead head": drafted}


def _submitted(county, by) -> Bundle:
    version = bundles.create_bundle(
        spec={**bundles.spec_of(county.bundle.current_version), "code": ""}, user=by
    )
    return bundles.submit(bundle=version.bundle, user=by).bundle


def _try(action, user, bundle):
    if action == "edit":
        return lambda: bundles.edit_bundle(
            bundle=bundle,
            spec=bundles.spec_of(bundles.open_draft(bundle) or bundle.current_version),
            user=user,
        )
    if action == "submit":
        return lambda: bundles.submit(bundle=bundle, user=user)
    if action == "publish":
        return lambda: bundles.publish(bundle=bundle, reason="调整材料", user=user)
    return lambda: bundles.return_to_draft(bundle=bundle, note="请补充", user=user)


def test_what_the_bundle_pages_offer_the_services_accept(restaurant, county):
    elsewhere = make_region("360602", "月湖区", parent=county.county.parent)
    their_manager = make_staff(
        "yh-manager",
        make_organisation("月湖区政务服务管理办公室", region=elsewhere),
        roles=[Role.CENTRE_MANAGER],
    ).user
    points = _points(county)
    points["submitted by the lead head"] = _submitted(county, county.market_head)
    points["submitted by a manager"] = _submitted(county, county.manager)
    people = {
        "中心主任": county.manager,
        "副主任": county.manager2,
        "外县中心主任": their_manager,
        "牵头部门负责人": county.market_head,
        "成员部门负责人": county.urban_head,
        "窗口人员": county.lead_clerk,
        "监察员": county.supervisor,
    }

    def refusal(user, bundle, action):
        return bundles.refusal(user, bundle, action, bundles.open_draft(bundle))

    disagreements, offered = matrix(
        points,
        people,
        bundles.BUNDLE_ACTIONS,
        reread=lambda bundle: Bundle.objects.select_related("lead_organisation").get(pk=bundle.pk),
        refusal=refusal,
        attempt=_try,
    )
    assert not disagreements, "\n".join(disagreements)
    # who is offered what, written out (a rule the page and the service share would widen both at once)
    offered_to = {
        who: sorted(
            f"{point}:{action}"
            for point, bundle in points.items()
            for action in bundles.BUNDLE_ACTIONS
            if refusal(user, Bundle.objects.get(pk=bundle.pk), action) is None
        )
        for who, user in people.items()
    }
    assert offered_to["外县中心主任"] == offered_to["窗口人员"] == offered_to["监察员"] == []
    assert "submitted by a manager:publish" not in offered_to["中心主任"]  # not their own submission
    assert "submitted by a manager:publish" in offered_to["副主任"]
    assert "draft by the lead head:submit" in offered_to["牵头部门负责人"]
    assert not any(a.endswith(("publish", "return")) for a in offered_to["牵头部门负责人"])
    assert offered >= 8


def test_the_editor_offers_only_the_lead_organisations_the_person_drafts_for(restaurant, county, client):
    """A stranger's pass: a department head was offered every organisation as 牵头部门 (saving another's failed with
    无权访问或操作该记录), and another department's bundle opened for editing by its address."""
    client.force_login(county.urban_head)
    page = client.get("/workbench/joint/bundles/new/").content.decode()
    assert f'<option value="{county.urban.pk}"' in page and f'<option value="{county.market.pk}"' not in page
    answer = client.get(f"/workbench/joint/bundles/{county.bundle.code}/edit/", follow=True)
    assert 'name="member_1_item"' not in answer.content.decode()  # back on the bundle's page, told why
    client.force_login(county.manager)
    page = client.get("/workbench/joint/bundles/new/").content.decode()
    assert f'<option value="{county.market.pk}"' in page and f'<option value="{county.urban.pk}"' in page
