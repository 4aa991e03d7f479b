"""受理 only with the materials complete (行政许可法 第三十二条, a stranger's finding: acceptance went through with a
required material 未提供): accept_case — and so the workbench, the API and 即办件 当场办结 — refuses, naming what is
missing and pointing to 一次性告知补正, unless every required material is provided in some way: uploaded, ticked on
the acceptance's paper checklist, handed in on paper with a supplement, taken from the licence library or a
prerequisite's result, or obtained by the department itself (免提交). A material asked only in some situations is
the clerk's to judge; a deemed acceptance (视为受理) happens whatever the materials."""

import re

import pytest

from tests.cases.conftest import at, pdf_upload
from zhengwu.cases import services
from zhengwu.cases.models import Status
from zhengwu.catalog.models import Material
from zhengwu.core import clock
from zhengwu.core.errors import ValidationFailed


def _at_counter(world, paper=()):
    return services.submit_case(
        item=world.item,
        applicant=world.company,
        by=world.clerk,
        channel="counter",
        window=world.dedicated,
        form={"subject": "申请食品经营许可(餐饮服务)"},
        paper=list(paper),
    )


def _refused(case, world, **kwargs):
    with pytest.raises(ValidationFailed) as refused:
        services.accept_case(case=case, by=world.clerk, **kwargs)
    case.refresh_from_db()
    assert case.status == Status.RECEIVED and not case.notices.exists()  # nothing half-written
    return refused.value


def test_acceptance_is_refused_naming_each_required_material_not_provided(world):
    case = _at_counter(world)
    refused = _refused(case, world, paper=[1])  # the applicant handed over the application form only
    assert refused.code == "intake.materials_missing" and refused.field == "paper"
    assert "必需材料尚未提供:2. 营业执照复印件" in refused.message
    assert "1. " not in refused.message and "场所平面图" not in refused.message  # provided; optional
    assert "一次性告知" in refused.message and "补正" in refused.message and "第三十二条" in refused.message
    assert services.accept_case(case=case, by=world.clerk, paper=[1, 2]).status == Status.ACCEPTED


def test_the_acceptance_checklist_replaces_what_the_counter_recorded(world):
    case = _at_counter(world, paper=[1, 2])
    refused = _refused(case, world, paper=[2])  # the clerk unticked the application form
    assert "1. 食品经营许可申请书" in refused.message and "2. " not in refused.message


def test_uploaded_materials_count_online_without_any_paper(world):
    case = services.submit_case(
        item=world.item,
        applicant=world.citizen,
        by=world.citizen_user,
        channel="online",
        form={"subject": "开店"},
    )
    services.upload_material(case=case, by=world.citizen_user, position=1, upload=pdf_upload())
    assert "2. 营业执照复印件" in _refused(case, world).message
    services.upload_material(case=case, by=world.citizen_user, position=2, upload=pdf_upload("执照.pdf"))
    assert services.accept_case(case=case, by=world.clerk).status == Status.ACCEPTED


def test_paper_handed_in_with_a_supplement_counts(world):
    case = _at_counter(world)
    services.request_supplement(case=case, by=world.clerk, items=[{"position": 2, "problem": "未提交"}])
    services.supply_supplement(case=case, by=world.clerk, paper=[2])
    assert services.accept_case(case=case, by=world.clerk, paper=[1]).status == Status.ACCEPTED


def test_materials_the_department_obtains_itself_or_asked_only_in_some_situations_do_not_hold_it_up(world):
    version = world.item.current_version
    Material.objects.filter(version=version, position=2).update(source=Material.Source.SHARED)  # 免提交
    Material.objects.filter(version=version, position=1).update(condition="选择告知承诺制办理的提供")
    from zhengwu.catalog.selectors import forget_published

    forget_published()
    case = _at_counter(world)
    assert services.accept_case(case=case, by=world.clerk, paper=[]).status == Status.ACCEPTED


def test_an_agents_application_needs_the_power_of_attorney(world, personal_case):
    refused = _refused(personal_case, world, paper=[2])  # the application form is uploaded
    assert "授权委托书" in refused.message and "2. " not in refused.message
    assert services.accept_case(case=personal_case, by=world.clerk, paper=[0, 2]).status == Status.ACCEPTED


def test_an_instant_item_is_not_settled_on_the_spot_without_its_materials(world):
    case = services.submit_case(
        item=world.instant_item,
        applicant=world.company,
        by=world.clerk,
        channel="counter",
        window=world.dedicated,
        form={"subject": "名称变更"},
    )
    with pytest.raises(ValidationFailed) as refused:
        services.handle_instantly(case=case, by=world.clerk, paper=[1])
    assert refused.value.code == "intake.materials_missing" and "2. 营业执照复印件" in refused.value.message
    case.refresh_from_db()
    assert case.status == Status.RECEIVED and case.decision == ""


def test_acceptance_is_deemed_by_law_whatever_the_materials(world):
    late = _at_counter(world)
    platform = _at_counter(world)
    clock.set_now(at("2026-10-13"))  # the five working days for the intake decision are over
    assert services.accept_case(case=late, by=world.clerk, paper=[]).deemed_accepted
    assert [c.pk for c in services.deem_accepted()] == [platform.pk]


def test_the_api_refuses_at_paper_and_accepts_with_the_checklist(client, world):
    case = _at_counter(world)
    client.force_login(world.clerk)
    url = f"/api/cases/{case.number}/accept"
    refused = client.post(url, {"paper": [1]}, content_type="application/json")
    body = refused.json()
    assert refused.status_code == 422 and (body["code"], body["field"]) == (
        "intake.materials_missing",
        "paper",
    )
    assert "2. 营业执照复印件" in body["message"]
    accepted = client.post(url, {"paper": [1, 2]}, content_type="application/json")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"


def _accept_form(page: str) -> str:
    start = page.index('id="accept-form"')
    return page[start : page.index("</form>", start)]


def test_the_workbench_names_what_is_missing_before_the_clerk_accepts(client, world):
    case = _at_counter(world, paper=[1])  # the counter received the application form on paper only
    client.force_login(world.clerk)
    form = _accept_form(client.get(f"/workbench/cases/{case.number}/").content.decode())
    missing = form[form.index('id="accept-missing"') :]
    assert "以下必需材料尚未提供" in missing and "2. 营业执照复印件" in missing[: missing.index("</div>")]
    assert 'data-confirm="以下必需材料尚未提供:2. 营业执照复印件。材料不齐全不能受理' in form
    assert (
        'data-needed="2. 营业执照复印件"' in form
        and "accept-check.js" in client.get(f"/workbench/cases/{case.number}/").content.decode()
    )

    refused = client.post(
        f"/workbench/cases/{case.number}/act/accept/", {"revision": case.revision, "paper": ["1"]}
    )
    page = refused.content.decode()
    assert refused.status_code == 422
    form = _accept_form(page)
    assert 'id="accept-paper-error">必需材料尚未提供:2. 营业执照复印件' in form
    case.refresh_from_db()
    assert case.status == Status.RECEIVED

    client.post(
        f"/workbench/cases/{case.number}/act/accept/", {"revision": case.revision, "paper": ["1", "2"]}
    )
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED


def test_a_refused_acceptance_says_what_is_missing_once_at_the_checklist(client, world):
    """受理 refused for a missing material: the page said it three times — the alert at the top, at the checklist and
    in the yellow box below it. Now the checklist says it in full; the top alert only points there, and the box that
    the page's script keeps up to date stays hidden until a tick changes."""
    case = _at_counter(world, paper=[1])
    client.force_login(world.clerk)
    page = client.post(
        f"/workbench/cases/{case.number}/act/accept/", {"revision": case.revision, "paper": ["1"]}
    ).content.decode()
    shown = re.sub(r'data-confirm[-\w]*="[^"]*"', "", page)  # the confirmation, not on the page until asked
    assert shown.count("营业执照复印件。材料不齐全") == 1
    form = _accept_form(page)
    assert 'id="accept-paper-error">必需材料尚未提供:2. 营业执照复印件' in form
    box = form[form.index('id="accept-missing"') :]
    assert " hidden" in box[: box.index(">")]
    top = page[page.index('id="case-error"') : page.index("</div>", page.index('id="case-error"'))]
    assert "材料不齐全,不能受理" in top and 'href="#accept-paper-error"' in top and "营业执照" not in top


def test_the_workbench_confirms_as_usual_when_the_checklist_is_complete(client, world):
    case = _at_counter(world, paper=[1, 2])
    client.force_login(world.clerk)
    form = _accept_form(client.get(f"/workbench/cases/{case.number}/").content.decode())
    assert 'data-confirm="确认受理该办件?将出具受理通知书,办理时限开始计算。"' in form
    box = form[form.index('id="accept-missing"') :]
    assert " hidden" in box[: box.index(">")]  # nothing missing: the warning stays hidden


def test_an_online_applications_checklist_comes_unticked_so_the_missing_material_is_named(client, world):
    """Online, nothing was handed in at a window: the checklist used to come ticked, and one click recorded the
    missing licence copy as received on paper with the usual confirmation (the stranger's case)."""
    case = services.submit_case(
        item=world.item,
        applicant=world.citizen,
        by=world.citizen_user,
        channel="online",
        form={"subject": "开店"},
    )
    services.upload_material(case=case, by=world.citizen_user, position=1, upload=pdf_upload())
    case.refresh_from_db()
    client.force_login(world.clerk)
    form = _accept_form(client.get(f"/workbench/cases/{case.number}/").content.decode())
    [box] = [line for line in form.split("<input") if 'id="paper-2"' in line]
    assert " checked" not in box and 'id="paper-1"' not in form  # uploaded: nothing to tick
    assert 'data-confirm="以下必需材料尚未提供:2. 营业执照复印件。' in form
    refused = client.post(f"/workbench/cases/{case.number}/act/accept/", {"revision": case.revision})
    assert refused.status_code == 422 and "必需材料尚未提供:2. 营业执照复印件" in refused.content.decode()
