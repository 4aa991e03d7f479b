"""A county as a harvester finds it through the CKAN API: published items of two departments and one draft, public
publications beside a draft, a scheduled and a withdrawn one, a case in September (so two complete months of
indicators by 2026-11-18), an active organisation with nothing published and an inactive one."""

import copy

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import PDF_BYTES, make_centre, make_organisation, make_region, make_staff, make_window
from tests.supervision.conftest import ITEM, at, publish, submit
from zhengwu.cases import services as cases
from zhengwu.catalog import services as catalog
from zhengwu.core import clock, ids
from zhengwu.core.models import Organisation, Role
from zhengwu.disclosure import services as disclosure

PDF = PDF_BYTES
LAND_ITEM = {
    **copy.deepcopy(ITEM),
    "name": "不动产登记资料查询",
    "type": "20",
    "themes": ["不动产"],
    "fees": [],
    "result": {"name": "不动产登记资料查询结果", "kind": "certificate", "delivery": ["window"]},
}


class World:
    pass


def build() -> World:
    """Everything above, the clock left at 2026-11-18 10:00."""
    clock.set_now(at("2026-09-28", 9))
    county = make_region("360681", "贵溪市", parent=make_region("360600", "鹰潭市"))
    w = World()
    w.government = make_organisation("贵溪市人民政府", region=county, kind=Organisation.Kind.GOVERNMENT)
    w.centre_admin = make_organisation(
        "贵溪市政务服务管理局", region=county, kind=Organisation.Kind.SERVICE_CENTRE_ADMIN
    )
    w.bureau = make_organisation("贵溪市市场监督管理局", region=county)
    w.land = make_organisation("贵溪市自然资源局", region=county)
    w.quiet = make_organisation("贵溪市档案馆", region=county)
    w.closed = make_organisation("贵溪市撤并机构", region=county, is_active=False)
    w.centre = make_centre("贵溪市政务服务中心", county, managed_by=w.centre_admin)
    w.dedicated = make_window(w.centre, "8", organisations=[w.bureau])
    w.clerk = make_staff("clerk", w.bureau, roles=[Role.WINDOW_CLERK], window=w.dedicated).user
    w.item = publish(ITEM, w.bureau)
    w.land_item = publish(LAND_ITEM, w.land)
    w.draft_item = catalog.create_item(
        spec={**copy.deepcopy(LAND_ITEM), "name": "不动产抵押登记(未发布)"}, organisation=w.land
    ).item
    w.company = cases.register_applicant(
        kind="legal",
        name="贵溪市好味道餐饮有限公司",
        id_number=ids.make_uscc("9", "1", "360681", "MA35X7Q2"),
        legal_representative="李四",
        phone="13900139000",
    )
    submit(w)

    disclosure.ensure_catalogue(organisation=w.land)
    category = w.land.disclosure_categories.get(code="01")
    drafter = make_staff("drafter", w.land, roles=[Role.DISCLOSURE_OFFICER]).user
    reviewers = [
        make_staff(n, w.land, roles=[role]).user
        for n, role in (("reviewer", Role.DISCLOSURE_OFFICER), ("secrecy", Role.CONFIDENTIALITY_REVIEWER))
    ]
    leader = make_staff("leader", w.land, roles=[Role.DEPARTMENT_HEAD]).user

    def approved(title, attachment=False):
        pub = disclosure.create_draft(
            organisation=w.land,
            by=drafter,
            title=title,
            body=f"<p>{title}的全文。</p>",
            document_number="贵自然资发〔2026〕7号",
            category=category,
        )
        if attachment:
            disclosure.add_attachment(
                publication=pub, by=drafter, upload=SimpleUploadedFile("便民措施.pdf", PDF), name="便民措施"
            )
        pub = disclosure.submit(publication=pub, by=drafter)
        for who in (*reviewers, leader):
            pub = disclosure.approve(publication=pub, by=who)
        return pub

    w.pub = disclosure.publish(publication=approved("贵溪市不动产登记便民措施", attachment=True), by=drafter)
    w.draft_pub = disclosure.create_draft(organisation=w.land, by=drafter, title="不动产登记收费调整(草稿)")
    w.scheduled = disclosure.publish(
        publication=approved("不动产统一登记年度计划(定时发布)"), by=drafter, at=at("2026-12-01")
    )
    w.withdrawn = disclosure.withdraw(
        publication=disclosure.publish(publication=approved("不动产登记旧公告(已撤回)"), by=drafter),
        by=drafter,
        reason="内容已过时",
    )
    clock.set_now(at("2026-11-18", 10))
    return w
