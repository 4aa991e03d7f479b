"""Payment providers (缴款渠道): the interface a bank or the province's unified public payment platform sits behind,
and the built-in simulator for development and the demo.

A provider does three things for us: `start(notice)` gives the URL where the payer pays, `start_refund(refund)`
asks it to pay an approved refund back the way the money came (原路退回) and returns its refund number, and
`parse(body, signature)` verifies a callback (异步通知, of a payment or of a refund) and reads it into a `Callback`. Everything else — recording the payment once, the
receipt, the ledger — is ours (services.receive_callback), whatever the provider. Callbacks may come more than once
and out of order: a paid status is final, a later "pending" is stale, the same transaction twice is one payment.

What a real provider needs (see docs/architecture.md, "Fees"): its merchant or agency number (执收单位编码 / 商户号),
the signing scheme and keys (SM2/SM3 or RSA certificates, in place of our HMAC), the callback URL registered with
it, its refund interface (退款申请 and 退款结果通知, or the finance department's 退付 procedure where the platform has
none), and a daily statement file in place of our CSV import.
"""

import dataclasses
import datetime as dt
import hashlib
import hmac
import json
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from zhengwu.core import clock
from zhengwu.core.errors import ValidationFailed

SIGNATURE_HEADER = "X-Zhengwu-Signature"


class Forged(Exception):
    """The callback's signature does not verify: refused, never recorded as a payment."""


@dataclasses.dataclass(frozen=True)
class Callback:
    notice_code: str
    reference: str  # the provider's transaction number
    status: str  # "paid", "pending" or "closed"
    amount: Decimal
    paid_at: dt.datetime | None
    sequence: int  # the provider's order of its own messages about this transaction
    kind: str = "payment"  # "payment", or "refund": then `reference` is the refund's, `status` "refunded" or
    # "processing", and `payment` the original payment's transaction
    payment: str = ""


class Provider:
    name = ""
    label = ""

    def start(self, notice) -> str:
        raise NotImplementedError

    def parse(self, body: bytes, signature: str) -> Callback:
        raise NotImplementedError

    def start_refund(self, refund) -> str:
        """Ask the provider to pay an approved refund back (原路退回) of one of its payments; returns the provider's
        refund transaction number. The money moving is told later by a refund callback. Called inside the approval's
        transaction."""
        raise NotImplementedError


def simulator_key() -> bytes:
    """The simulator's signing key: ZHENGWU_FEES_SIMULATOR_KEY, or a file beside the secret key made on first use
    (never in the database)."""
    if key := getattr(settings, "ZHENGWU_FEES_SIMULATOR_KEY", ""):
        return key.encode("utf-8")
    path = settings.VAR_DIR / "fees_simulator_key"
    if not path.exists():
        import secrets

        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip().encode("utf-8")


def sign(body: bytes, key: bytes | None = None) -> str:
    return hmac.new(key or simulator_key(), body, hashlib.sha256).hexdigest()


class Simulator(Provider):
    """模拟缴款渠道: a payment page on this site; on paying it sends callbacks signed with HMAC-SHA256 over the raw
    body, as a real platform would — the final one more than once and an earlier one after it."""

    name = "simulator"
    label = _lazy("模拟缴款渠道")

    def start(self, notice) -> str:
        return reverse("fees_portal:simulator", args=[notice.code])

    def message(
        self, *, notice_code: str, reference: str, status: str, amount, sequence: int, paid_at=None
    ) -> bytes:
        body = {
            "notice": notice_code,
            "transaction": reference,
            "status": status,
            "amount": f"{Decimal(amount):.2f}",
            "paid_at": (paid_at or clock.now()).isoformat() if status == "paid" else None,
            "seq": sequence,
        }
        return json.dumps(body, ensure_ascii=False, sort_keys=True).encode()

    def refund_message(
        self, *, reference: str, payment: str, status: str, amount, sequence: int, paid_at=None
    ) -> bytes:
        body = {
            "type": "refund",
            "refund": reference,
            "transaction": payment,
            "status": status,
            "amount": f"{Decimal(amount):.2f}",
            "paid_at": (paid_at or clock.now()).isoformat() if status == "refunded" else None,
            "seq": sequence,
        }
        return json.dumps(body, ensure_ascii=False, sort_keys=True).encode()

    def start_refund(self, refund) -> str:
        """The simulated platform takes the refund and, once our approval commits, calls back the way it does for
        payments: "refunded", an older "processing" after it, "refunded" again (simulator.settle_refund)."""
        import secrets

        from django.db import transaction

        reference = f"SIMR{clock.local_now().strftime('%Y%m%d%H%M%S')}{secrets.randbelow(10**6):06d}"

        def settle():
            from zhengwu.fees import simulator

            simulator.settle_refund(reference)

        transaction.on_commit(settle)
        return reference

    def parse(self, body: bytes, signature: str) -> Callback:
        if not signature or not hmac.compare_digest(sign(body), signature.strip().lower()):
            raise Forged(_("签名不符"))
        try:
            data = json.loads(body)
            status = data["status"]
            if not Decimal(str(data["amount"])).is_finite():  # "NaN" parses, and compares with nothing
                raise ValueError(data["amount"])
            if data.get("type") == "refund":
                if status not in ("refunded", "processing"):
                    raise ValueError(status)
                return Callback(
                    notice_code="",
                    reference=str(data["refund"])[:64],
                    status=status,
                    amount=Decimal(str(data["amount"])),
                    paid_at=dt.datetime.fromisoformat(data["paid_at"]) if data.get("paid_at") else None,
                    sequence=int(data.get("seq") or 0),
                    kind="refund",
                    payment=str(data["transaction"])[:64],
                )
            if status not in ("paid", "pending", "closed"):
                raise ValueError(status)
            return Callback(
                notice_code=str(data["notice"])[:20],
                reference=str(data["transaction"])[:64],
                status=status,
                amount=Decimal(str(data["amount"])),
                paid_at=dt.datetime.fromisoformat(data["paid_at"]) if data.get("paid_at") else None,
                sequence=int(data.get("seq") or 0),
            )
        except (ValueError, KeyError, TypeError, InvalidOperation):
            raise ValidationFailed(_("缴款通知内容无法识别"), field="body") from None


PROVIDERS: dict[str, Provider] = {Simulator.name: Simulator()}


def get(name: str) -> Provider:
    provider = PROVIDERS.get(name)
    if provider is None:
        raise ValidationFailed(_("没有该缴款渠道"), field="provider")
    return provider
