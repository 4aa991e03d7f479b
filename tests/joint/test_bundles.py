"""The bundle catalogue: draft, submit, publish with the separation of duties; the cap refused; pages and PDFs."""

import pytest

from zhengwu.core.errors import AccessDenied, Conflict, ValidationFailed
from zhengwu.core.models import AuditRecord
from zhengwu.joint import bundles
from zhengwu.joint.models import BundleVersion

from .conftest import restaurant_spec


def test_published_bundle_has_limits_merged_materials_and_form(restaurant, county):
    assert restaurant.status == BundleVersion.Status.PUBLISHED
    assert (restaurant.legal_limit, restaurant.promised_limit) == (23, 6)  # 3 + max(10, 20, 20); 1 + 5
    names = {m["name"]: m for m in restaurant.merged_materials}
    assert names["营业执照"]["from_member"] == 1  # the result of 企业登记, not uploaded
    assert len(names["营业执照"]["members"]) == 3
    assert names["住所(经营场所)使用证明"]["shared"]
    assert names["法定代表人居民身份证"]["shared"]
    assert len(restaurant.merged_materials) == 8  # 12 materials asked by the four members, 8 once each
    subject = next(f for f in restaurant.merged_form if f["key"] == "subject")
    assert subject["shared"] and len(subject["members"]) == 4
    actions = list(
        AuditRecord.objects.filter(action__startswith="joint.bundle").values_list("action", flat=True)
    )
    assert actions == ["joint.bundle_create", "joint.bundle_submit", "joint.bundle_publish"]


def test_the_submitter_may_not_publish(county):
    version = bundles.create_bundle(spec=restaurant_spec(county), user=county.manager)
    bundles.submit(bundle=version.bundle, user=county.manager)
    with pytest.raises(AccessDenied):
        bundles.publish(bundle=version.bundle, user=county.manager)
    with pytest.raises(AccessDenied):
        bundles.publish(bundle=version.bundle, user=county.lead_clerk)


def test_a_draft_is_not_public_and_edits_open_a_new_version(restaurant, county, client):
    bundle = restaurant.bundle
    draft = bundles.edit_bundle(
        bundle=bundle, spec=restaurant_spec(county, name="开办餐饮店(含排水)"), user=county.manager
    )
    assert draft.number == 2 and draft.status == "draft"
    assert "开办餐饮店(含排水)" not in client.get(f"/bundles/{bundle.code}/").content.decode()
    bundles.submit(bundle=bundle, user=county.manager2)
    with pytest.raises(ValidationFailed) as exc:
        bundles.publish(bundle=bundle, user=county.manager)
    assert exc.value.field == "reason"
    bundles.publish(bundle=bundle, reason="名称调整", user=county.manager)
    restaurant.refresh_from_db()
    assert restaurant.status == "superseded"
    assert "开办餐饮店(含排水)" in client.get(f"/bundles/{bundle.code}/").content.decode()


def test_an_editor_of_another_organisation_may_not_draft(county):
    with pytest.raises(AccessDenied):
        bundles.create_bundle(spec=restaurant_spec(county), user=county.urban_approver)
    version = bundles.create_bundle(spec=restaurant_spec(county), user=county.market_approver)
    with pytest.raises(Conflict):
        bundles.publish(bundle=version.bundle, user=county.manager)  # not submitted


REFUSALS = [
    # what changes in the spec, the field named, a phrase of the message
    ({"members": "long"}, "members", "第四十二条"),
    ({"lead_organisation": "env"}, "lead_organisation", "至少一个成员事项"),
    ({"name": ""}, "name", "名称"),
    ({"category": "x"}, "category", "类别"),
    ({"stages": ["只有一个阶段"]}, "stages", "阶段名称有1个"),
]


@pytest.mark.parametrize(("change", "field", "phrase"), REFUSALS)
def test_bad_bundles_are_refused_naming_the_field(county, change, field, phrase):
    spec = restaurant_spec(county)
    if change.get("members") == "long":
        spec["members"].append({"item": county.long.code, "stage": 2})
    elif change.get("lead_organisation") == "env":
        spec["lead_organisation"] = county.env.pk
    else:
        spec.update(change)
    with pytest.raises(ValidationFailed) as exc:
        bundles.create_bundle(spec=spec, user=county.manager)
    fields = [f for f, _m in getattr(exc.value, "errors", [(exc.value.field, exc.value.message)])]
    messages = " ".join(m for _f, m in getattr(exc.value, "errors", [(exc.value.field, exc.value.message)]))
    assert field in fields and phrase in messages


def test_an_approved_extension_allows_up_to_sixty_days(county):
    spec = restaurant_spec(county)
    spec["members"] = [{"item": county.registration.code, "stage": 1}, {"item": county.long.code, "stage": 2}]
    with pytest.raises(ValidationFailed):
        bundles.create_bundle(spec=spec, user=county.manager)  # 3 + 60 = 63 even with approval
    spec["members"] = [
        {"item": county.drainage.code, "stage": 1},
        {"item": county.hygiene.code, "stage": 2},
        {"item": county.food.code, "stage": 3},
    ]
    spec["stages"] = ["一", "二", "三"]
    with pytest.raises(ValidationFailed):
        bundles.create_bundle(spec=spec, user=county.manager)  # 50 > 45
    version = bundles.create_bundle(
        spec={**spec, "extension_approval": "贵府办字〔2026〕12号"}, user=county.manager
    )
    assert version.legal_limit == 50


def test_public_pages_and_pdfs(restaurant, county, client):
    code = restaurant.bundle.code
    page = client.get("/bundles/").content.decode()
    assert "开办餐饮店" in page
    guide = client.get(f"/bundles/{code}/").content.decode()
    for text in (
        "贵溪市市场监督管理局",
        "贵溪市城市管理局",
        "贵溪市卫生健康委员会",
        "并联办理",
        "由「企业登记」的办理结果获取",
        "第四十二条",
    ):
        assert text in guide
    directory = client.get("/bundles/directory/").content.decode()
    assert "并联审批目录" in directory and "城镇污水排入排水管网许可" in directory
    manual = client.get(f"/bundles/{code}/manual/").content.decode()
    for text in ("审批依据", "文件清单", "审批权限", "审批程序", "审批时限", "服务承诺", "前置审批依据"):
        assert text in manual
    for url in (f"/bundles/{code}/guide.pdf", f"/bundles/{code}/manual.pdf", "/bundles/directory.pdf"):
        response = client.get(url)
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert client.get("/bundles/YJS9999/").status_code == 404


def test_materials_issued_by_government_are_in_the_merged_list_and_counted(county, client):
    """A 居民身份证 (issued by 公安) is still brought by the applicant; a 营业执照 marked 政府部门核发 comes from 企业登记:
    both in the merged list, and the guide counts the one obtained from the prerequisite's result."""
    from zhengwu.catalog.models import Material

    Material.objects.filter(version=county.registration.current_version, name="法定代表人居民身份证").update(
        source="government", issuer="公安机关"
    )
    Material.objects.filter(name="营业执照").update(source="government", issuer="市场监督管理部门")
    version = bundles.create_bundle(spec=restaurant_spec(county), user=county.manager)
    bundles.submit(bundle=version.bundle, user=county.manager)
    version = bundles.publish(bundle=version.bundle, user=county.manager2)
    names = {m["name"]: m for m in version.merged_materials}
    identity = names["法定代表人居民身份证"]
    assert identity["required"] and [u["key"] for u in identity["members"]] == [1, 4]
    assert names["营业执照"]["from_member"] == 1 and len(names["营业执照"]["members"]) == 3
    page = client.get(f"/bundles/{version.bundle.code}/").content.decode()
    assert "1项由前置事项的办理结果直接获取" in page


def test_a_field_several_members_ask_with_choices_offers_only_the_common_ones():
    from zhengwu.joint import rules

    a = {"key": 1, "schema": {"properties": {"kind": {"type": "string", "enum": ["餐饮", "住宿", "其他"]}}}}
    b = {"key": 2, "schema": {"properties": {"kind": {"type": "string", "enum": ["其他", "餐饮"]}}}}
    (field,) = rules.merged_form([a, b])
    assert field["schema"]["enum"] == ["餐饮", "其他"] and field["shared"]
