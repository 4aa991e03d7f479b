"""What the fees domain adds to other domains' pages and flows (registered in FeesConfig.ready)."""

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from zhengwu.cases.models import Decision
from zhengwu.fees import selectors, services
from zhengwu.fees.models import Notice


def case_panel(request, case) -> str:
    """The applicant's case page: the payment notice, pay online, the receipt."""
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
            "refunds": list(payment.refunds.all()) if payment else [],
        },
        request=request,
    )


def delivery_refusal(case) -> str | None:
    """统一收费: a granted result is delivered once its fees are paid, unless the item says payment follows delivery."""
    if case.decision != Decision.GRANT or not selectors.charges_fees(case.version):
        return None
    if services.item_rule(case.item).after_delivery:
        return None
    notice = selectors.current_notice(case)
    if notice is None or notice.state == Notice.State.CANCELLED:
        return _("本事项收费:请先开具缴款通知书,缴款后方可送达办理结果")
    if notice.state == Notice.State.UNPAID:
        return _("缴款通知书 %(code)s 尚未缴款,缴款后方可送达办理结果") % {"code": notice.code}
    return None
