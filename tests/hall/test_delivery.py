"""Delivery of results: the applicant's choice with an address checked for form, home delivery for the elderly and
disabled, posting with a tracking number, delivered or returned, and a 帮办代办 helper on the case."""

import pytest

from tests.cases.conftest import resident_id
from zhengwu.cases import services as cases
from zhengwu.cases.models import Case, OutboxMessage, Status
from zhengwu.core.errors import AccessDenied, Conflict, ValidationFailed
from zhengwu.hall import delivery, measures
from zhengwu.hall.models import Dispatch

ADDRESS = "江西省贵溪市雄石街道建设路12号"


def decided(world, case):
    cases.claim_step(case=case, by=world.approver)
    cases.complete_step(case=case, by=world.approver, opinion="审查通过")
    cases.claim_step(case=case, by=world.head)
    return cases.decide_case(case=case, by=world.head, grant=True, reasons="符合条件")


@pytest.mark.parametrize(
    "address, ok",
    [
        (ADDRESS, True),
        ("贵溪市志光镇上祝村3组15号", True),
        ("鹰潭市月湖区胜利西路8号2栋301室", True),
        ("贵溪市建设路", False),  # no number
        ("建设路12号", False),  # no county
        ("", False),
    ],
)
def test_addresses_are_checked_for_form(address, ok):
    if ok:
        assert delivery.check_address(address) == address
    else:
        with pytest.raises(ValidationFailed) as err:
            delivery.check_address(address)
        assert err.value.field == "address"


def test_the_applicant_chooses_post_and_the_result_is_posted_and_delivered(world, accepted):
    case = accepted
    assert delivery.offered(case) == ["window", "post", "home"]  # the guide offers window and post
    with pytest.raises(ValidationFailed, match="不提供「电子送达」"):
        delivery.choose(case=case, method="electronic", by=world.company.user)
    delivery.choose(case=case, method="post", address=ADDRESS, by=None)
    case.refresh_from_db()
    assert (case.requested_delivery, case.delivery_address) == ("post", ADDRESS)
    with pytest.raises(Conflict, match="尚未作出决定"):
        delivery.post(case=case, tracking_number="EA123456789CN", by=world.clerk)
    decided(world, case)
    with pytest.raises(ValidationFailed) as err:
        delivery.post(case=case, tracking_number="123", by=world.clerk)
    assert err.value.field == "tracking_number"
    with pytest.raises(AccessDenied):
        delivery.post(case=case, tracking_number="EA123456789CN", by=world.outsider)
    dispatch = delivery.post(case=case, tracking_number="ea 123456789 cn", by=world.clerk)
    assert (dispatch.tracking_number, dispatch.state) == ("EA123456789CN", Dispatch.State.POSTED)
    assert OutboxMessage.objects.filter(body__contains="邮件单号 EA123456789CN").exists()
    with pytest.raises(Conflict, match="不能再改送达方式"):
        delivery.choose(case=case, method="window", by=None)
    delivery.confirm(dispatch=dispatch, by=world.clerk)
    case.refresh_from_db()
    assert case.status == Status.DELIVERED and case.delivery == "post"
    assert case.events.filter(action="deliver").get().note == "EMS 邮件单号 EA123456789CN"


def test_a_returned_post_can_be_sent_again(world, accepted):
    delivery.choose(case=accepted, method="post", address=ADDRESS, by=None)
    decided(world, accepted)
    first = delivery.post(case=accepted, tracking_number="EA123456789CN", by=world.clerk)
    with pytest.raises(Conflict, match="已寄出"):
        delivery.post(case=accepted, tracking_number="EA123456780CN", by=world.clerk)
    with pytest.raises(ValidationFailed):
        delivery.returned(dispatch=first, reason="", by=world.clerk)
    delivery.returned(dispatch=first, reason="地址不详,退回", by=world.clerk)
    again = delivery.post(case=accepted, tracking_number="EA123456780CN", by=world.clerk)
    assert again.state == Dispatch.State.POSTED
    figures = measures.delivery_figures(cases=Case.objects.all())
    assert figures == {"post": {"chosen": 1, "posted": 2, "delivered": 0, "returned": 1}}


def test_home_delivery_is_for_the_elderly_and_disabled(world):
    young = world.citizen  # born 1990
    case = cases.submit_case(
        item=world.item,
        applicant=young,
        by=world.clerk,
        channel="counter",
        window=world.dedicated,
        form={"subject": "申请"},
    )
    with pytest.raises(ValidationFailed, match="60周岁以上"):
        delivery.choose(case=case, method="home", address=ADDRESS, reason="elderly", by=None)
    with pytest.raises(ValidationFailed) as err:
        delivery.choose(case=case, method="home", address=ADDRESS, by=None)
    assert err.value.field == "reason"
    assert (
        delivery.choose(
            case=case, method="home", address=ADDRESS, reason="disabled", by=None
        ).requested_delivery
        == "home"
    )
    old = cases.register_applicant(
        kind="natural", name="桂水泉", id_number=resident_id("19580911", "019"), phone="13607014369"
    )
    case = cases.submit_case(
        item=world.item,
        applicant=old,
        by=world.clerk,
        channel="counter",
        window=world.dedicated,
        form={"subject": "申请"},
    )
    assert (
        delivery.choose(
            case=case, method="home", address=ADDRESS, reason="elderly", by=None
        ).requested_delivery
        == "home"
    )


def test_a_helper_is_recorded_on_the_case(world, submitted):
    with pytest.raises(ValidationFailed):
        delivery.assign_helper(case=submitted, helper=world.citizen_user, by=world.clerk)
    delivery.assign_helper(case=submitted, helper=world.general_clerk, by=world.clerk)
    submitted.refresh_from_db()
    assert submitted.helper == world.general_clerk
