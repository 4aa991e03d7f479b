"""The cases' county (tests.cases.conftest.build_world) with the fee catalogue's real entries under three collecting
organisations, and an item of the registration office that charges them."""

import copy

from tests.cases.conftest import ITEM, WORLD_START, build_world, publish
from tests.factories import make_organisation, make_staff, make_window, paper_checklist
from tests.worldcache import replayed
from zhengwu.cases import services as case_services
from zhengwu.core.models import Role
from zhengwu.fees import services, standards


def build_fees_world():
    w = build_world()
    w.land = make_organisation("贵溪市自然资源局", region=w.county, short_name="自然资源局")
    w.police = make_organisation("贵溪市公安局", region=w.county, short_name="公安局")
    w.centre_org = w.centre.managed_by
    w.fee_window = make_window(w.centre, "20", name="收费窗口", kind="dedicated")
    w.fee_window.collects_fees = True
    w.fee_window.save(update_fields=["collects_fees"])
    w.manager = make_staff("manager", w.centre_org, roles=[Role.CENTRE_MANAGER], name="周主任").user
    w.fees = standards.load(
        {standards.REGISTRATION: w.land, standards.POLICE: w.police, standards.MARKET: w.bureau}
    )
    spec = copy.deepcopy(ITEM)
    spec.update(
        name="不动产首次登记(住宅)",
        fees=[services.item_line("BDC-001"), services.item_line("BDC-003")],
    )
    w.land_item = publish(spec, w.land)
    w.land_clerk = make_staff(
        "landclerk", w.land, roles=[Role.WINDOW_CLERK], window=w.general, name="吴登记"
    ).user
    w.land_head = make_staff("landhead", w.land, roles=[Role.DEPARTMENT_HEAD], name="郑科长").user
    w.land_approver = make_staff("landapprover", w.land, roles=[Role.APPROVER], name="冯审核").user
    w.cashier = make_staff(
        "cashier", w.centre_org, roles=[Role.WINDOW_CLERK], window=w.fee_window, name="陈收费"
    ).user
    return w


# built once per test process and replayed as rows for each test (tests/worldcache.py)
fees_world = replayed(build_fees_world, name="fees_world", at=WORLD_START)


def land_case(w, applicant=None):
    """A case of the land item, received at the general window and accepted."""
    case = case_services.submit_case(
        item=w.land_item,
        applicant=applicant or w.citizen,
        by=w.land_clerk,
        channel="counter",
        window=w.general,
        form={"subject": "申请不动产首次登记(住宅)"},
    )
    return case_services.accept_case(case=case, paper=paper_checklist(case), by=w.land_clerk)


def decide(w, case):
    case_services.claim_step(case=case, by=w.land_approver)
    case_services.complete_step(case=case, by=w.land_approver, opinion="符合登记条件")
    return case_services.decide_case(case=case, by=w.land_head, grant=True)
