"""The catalogue item page offers 修改, 提交审核, 发布, 退回, 取消 and 下放/收回 exactly when the services accept them
(catalog.permissions): for two centre managers, another county's manager, the item's department's approver, another
department's approver and a supervisor, at each state of an item."""

import datetime as dt

import pytest

from tests.allowed_actions import matrix
from zhengwu.catalog import permissions, services
from zhengwu.catalog.models import ItemVersion, ServiceItem
from zhengwu.core.models import Organisation, Region, Role

pytestmark = pytest.mark.django_db


def _draft(item):
    return item.versions.filter(status__in=[ItemVersion.Status.DRAFT, ItemVersion.Status.SUBMITTED]).first()


def _try(action, user, item, market):
    if action == "edit":
        spec = services.specs.from_version(_draft(item) or item.current_version)
        return lambda: services.edit_item(item=item, spec=spec, reason="调整", user=user)
    if action == "submit":
        return lambda: services.submit(item=item, user=user)
    if action == "publish":
        return lambda: services.publish(item=item, reason="调整材料", user=user)
    if action == "return":
        return lambda: services.return_to_draft(item=item, note="请补充", user=user)
    if action == "cancel":
        return lambda: services.cancel_item(item=item, reason="已取消", user=user)
    return lambda: services.record_transfer(
        item=item, kind="delegated", counterpart=market, reason="下放", user=user
    )


def test_what_the_item_page_offers_the_services_accept(
    spec, water, market, county, manager, approver, make_staff, centre_admin, publish_item
):
    manager2 = make_staff(centre_admin, Role.CENTRE_MANAGER, username="manager2")
    elsewhere = Region.objects.create(
        code="360602", name="月湖区", level=Region.Level.COUNTY, parent=county.parent
    )
    office = Organisation.objects.create(
        name="月湖区政务服务管理办公室", short_name="月湖政务办", uscc="11360602000020012X", region=elsewhere
    )
    people = {
        "中心主任": manager,
        "副主任": manager2,
        "外县中心主任": make_staff(office, Role.CENTRE_MANAGER, username="yh-manager"),
        "本部门审查": approver,
        "外部门审查": make_staff(market, Role.APPROVER, username="market-approver"),
        "监察员": make_staff(centre_admin, Role.SUPERVISOR, username="supervisor"),
    }

    def own(name):  # a local item of its own code
        return dict(spec, name=name, basic_code="")

    def revised(item):  # a draft that changes something (an unchanged one has nothing to review)
        return dict(services.specs.from_version(item.current_version), conditions="修订后的申请条件。")

    published = publish_item(own("取水许可(A)"), organisation=water)
    drafted = publish_item(own("取水许可(B)"), organisation=water)
    services.edit_item(item=drafted, spec=revised(drafted), reason="调整", user=approver)
    by_approver = publish_item(own("取水许可(C)"), organisation=water)
    services.edit_item(item=by_approver, spec=revised(by_approver), reason="调整", user=approver)
    services.submit(item=by_approver, user=approver)
    new = services.create_item(spec=own("取水许可(D)"), organisation=water, user=manager).item
    services.submit(item=new, user=manager)
    cancelled = publish_item(own("取水许可(E)"), organisation=water)
    services.cancel_item(item=cancelled, reason="已取消")
    pending = publish_item(own("取水许可(F)"), organisation=water)  # a 下放 announced for a later day
    services.record_transfer(
        item=pending, kind="delegated", counterpart=market, reason="下放", effective_on=dt.date(2026, 12, 1)
    )
    points = {
        "published": published,
        "draft": drafted,
        "submitted by the approver": by_approver,
        "new, submitted by a manager": new,
        "cancelled": cancelled,
        "delegation pending": pending,
    }

    def refusal(user, item, action):
        return permissions.refusal(user, item, action, _draft(item))

    disagreements, offered = matrix(
        points,
        people,
        permissions.ACTIONS,
        reread=lambda item: ServiceItem.objects.select_related("organisation").get(pk=item.pk),
        refusal=refusal,
        attempt=lambda action, user, item: _try(action, user, item, market),
    )
    assert not disagreements, "\n".join(disagreements)
    offered_to = {
        who: sorted(
            f"{point}:{action}"
            for point, item in points.items()
            for action in permissions.ACTIONS
            if refusal(user, ServiceItem.objects.get(pk=item.pk), action) is None
        )
        for who, user in people.items()
    }
    assert offered_to["外县中心主任"] == offered_to["外部门审查"] == offered_to["监察员"] == []
    assert "new, submitted by a manager:publish" not in offered_to["中心主任"]  # not their own submission
    assert "new, submitted by a manager:publish" in offered_to["副主任"]
    assert sorted(offered_to["本部门审查"]) == [
        "delegation pending:edit",
        "draft:edit",
        "draft:submit",
        "published:edit",
    ]
    assert "delegation pending:transfer" not in offered_to["中心主任"]
    assert "delegation pending:cancel" in offered_to["中心主任"]
    assert offered >= 15


def test_a_submitted_version_is_not_offered_for_editing(spec, water, approver, publish_item, client):
    """A stranger's pass: 修改草稿 was shown on a version waiting for review, and its form failed on save
    (第2版已提交审核,请先退回再修改)."""
    item = publish_item(dict(spec, basic_code=""), organisation=water)
    services.edit_item(
        item=item,
        spec=dict(services.specs.from_version(item.current_version), conditions="修订后的申请条件。"),
        reason="调整",
        user=approver,
    )
    services.submit(item=item, user=approver)
    client.force_login(approver)
    page = client.get(f"/workbench/catalog/{item.code}/").content.decode()
    assert f"/workbench/catalog/{item.code}/edit/" not in page
    answer = client.get(f"/workbench/catalog/{item.code}/edit/", follow=True)
    assert "已提交审核,请先退回再修改" in answer.content.decode()
