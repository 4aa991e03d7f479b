"""The payment simulator's other half: what a payment platform does once the payer confirms — a transaction number,
then its signed callbacks delivered the way real platforms deliver them: a "pending" and the final "paid", the paid
one more than once, and the pending one after it (out of order). Each goes through the same entry point a real
callback does (services.receive_callback), so the simulator tests our handling, not a shortcut around it."""

import secrets

from django.utils.translation import gettext as _

from zhengwu.core import clock
from zhengwu.core.errors import Conflict
from zhengwu.fees import providers, services
from zhengwu.fees.models import Notice, Refund

ORDER = ("paid", "pending", "paid", "paid")  # how the simulator delivers its two messages


def messages(notice: Notice, reference: str) -> list[tuple[bytes, str]]:
    sim = providers.PROVIDERS["simulator"]
    paid_at = clock.now()
    bodies = {
        "pending": sim.message(
            notice_code=notice.code, reference=reference, status="pending", amount=notice.total, sequence=1
        ),
        "paid": sim.message(
            notice_code=notice.code,
            reference=reference,
            status="paid",
            amount=notice.total,
            sequence=2,
            paid_at=paid_at,
        ),
    }
    return [(bodies[status], providers.sign(bodies[status])) for status in ORDER]


def pay(notice: Notice) -> list:
    """Pay the notice through the simulator; returns the stored callbacks with their outcomes."""
    if notice.state != Notice.State.UNPAID:
        raise Conflict(_("该缴款通知书%(s)s,无需缴款") % {"s": notice.get_state_display()}, code="fee.paid")
    reference = f"SIM{clock.local_now().strftime('%Y%m%d%H%M%S')}{secrets.randbelow(10**6):06d}"
    return [
        services.receive_callback(provider="simulator", body=body, signature=signature)
        for body, signature in messages(notice, reference)
    ]


REFUND_ORDER = ("refunded", "processing", "refunded")


def settle_refund(reference: str) -> list:
    """The simulated platform pays an approved refund back and calls back: refunded, an older processing, refunded
    again — each through services.receive_callback. Returns the stored callbacks."""
    refund = Refund.objects.select_related("payment").filter(reference=reference).first()
    if refund is None:
        return []
    sim = providers.PROVIDERS["simulator"]
    paid_at = clock.now()
    bodies = {
        status: sim.refund_message(
            reference=reference,
            payment=refund.payment.reference,
            status=status,
            amount=refund.amount,
            sequence=2 if status == "refunded" else 1,
            paid_at=paid_at,
        )
        for status in ("refunded", "processing")
    }
    return [
        services.receive_callback(provider="simulator", body=bodies[s], signature=providers.sign(bodies[s]))
        for s in REFUND_ORDER
    ]
