"""What the case pages show of the result's delivery (送达): the way chosen, and for a result sent by post or carried
home its carrier, tracking number and state; the 寄出 / 签收 / 退回 rows of the case's 办理经过; where the result
stands for the applicant's next step. Registered with cases.extensions in HallConfig.ready."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from zhengwu.cases.models import Case, Delivery, Status
from zhengwu.core.masking import mask_address
from zhengwu.hall.models import Dispatch


def _dispatches(case: Case) -> list[Dispatch]:
    return list(case.hall_dispatches.order_by("posted_at", "id"))


def _may_have_dispatches(case: Case) -> bool:
    """A result is sent only once the case is decided, by post or home delivery the applicant chose (which cannot be
    changed once it has left: delivery.post and delivery.choose)."""
    return case.status in (
        Status.DECIDED,
        Status.DELIVERED,
        Status.COMPLETED,
    ) and case.requested_delivery in (
        Delivery.POST,
        Delivery.HOME,
    )


def dispatch_state(case: Case) -> dict | None:
    """The latest dispatch of the case's result, or None before it leaves the centre."""
    latest = case.hall_dispatches.order_by("-posted_at", "-id").first()
    if latest is None:
        return None
    return {
        "state": latest.state,
        "label": latest.get_state_display(),
        "carrier": latest.carrier,
        "tracking_number": latest.tracking_number,
        "at": latest.posted_at,
    }


def timeline(case: Case, public: bool) -> list[dict]:
    """寄出 (with the carrier and tracking number), then 签收 or 退回, as rows of 办理经过."""
    rows = []
    if not _may_have_dispatches(case):  # no read for a case whose result cannot have left (issue 20)
        return rows
    dispatches = _dispatches(case)
    organisation = (
        (case.window.centre.name if case.window_id else case.organisation.name) if dispatches else ""
    )
    for d in dispatches:
        how = (
            _("%(carrier)s 邮件单号 %(number)s") % {"carrier": d.carrier, "number": d.tracking_number}
            if d.tracking_number
            else _("上门送达")
        )
        rows.append(
            {
                "at": d.posted_at.isoformat(),
                "action": "hall_posted",
                "label": _("结果寄出(%(how)s)") % {"how": how} if d.tracking_number else _("结果交上门送达"),
                "status": "",
                "organisation": organisation,
                **({} if public else {"actor": "", "note": how, "data": {}}),
            }
        )
        if d.closed_at is not None and d.state != Dispatch.State.POSTED:
            label = _("结果已签收") if d.state == Dispatch.State.DELIVERED else _("邮件退回")
            rows.append(
                {
                    "at": d.closed_at.isoformat(),
                    "action": f"hall_{d.state}",
                    "label": label
                    if d.state == Dispatch.State.DELIVERED or not d.note
                    else f"{label}:{d.note}",
                    "status": "",
                    "organisation": organisation,
                    **({} if public else {"actor": "", "note": d.note, "data": {}}),
                }
            )
    return rows


def portal_panel(request, case: Case) -> str:
    """结果送达 on the applicant's case page: the way chosen (with a link to change it while it can be), the address
    (masked), and each dispatch with its carrier, tracking number and state."""
    dispatches = _dispatches(case)
    changeable = case.status not in (Status.DELIVERED, Status.COMPLETED) and not dispatches
    closed = case.status in (Status.REFUSED, Status.WITHDRAWN, Status.TERMINATED)
    return render_to_string(
        "hall/portal/_case_delivery.html",
        {
            "case": case,
            "dispatches": dispatches,
            "address": mask_address(case.delivery_address) if case.delivery_address else "",
            "changeable": changeable and not closed,
            "closed": closed,
        },
        request=request,
    )
