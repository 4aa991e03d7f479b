"""The applicant's case page: the fees domain's panel (the payment notice, pay online, the receipt), registered
with cases.extensions from PortalConfig.ready()."""

from django.template.loader import render_to_string

from zhengwu.fees import selectors, services


def case_panel(request, case) -> str:
    notice = selectors.current_notice(case)
    if notice is None and not selectors.charges_fees(case.version):
        return ""
    payment = getattr(notice, "payment", None) if notice else None
    return render_to_string(
        "fees/portal/_case_panel.html",
        {
            "n": notice,
            "state": selectors.case_fee_state(case) if notice else None,
            "lines": list(notice.lines.all()) if notice else [],
            "receipt": services.current_receipt(payment) if payment else None,
            # each refund with what the payer does or waits for (cash: collect it at the fee window)
            "refunds": [
                (r, services.refund_next_step(r))
                for r in payment.refunds.select_related("payment__window__centre")
            ]
            if payment
            else [],
        },
        request=request,
    )
