"""Refunds approved before the fee window confirmed its payouts (0007, paid_out_by):

- a card refund whose POS voucher the window recorded then has no cashier on it: the cashier is the person the audit
  trail names for that voucher (fees.refund_card_paid_out), so the record says who ran the terminal;
- a cash refund was stamped 已退款 at the approver's click (paid_out_at = decided_at) without anyone at the window
  handing the cash back or being asked to. Nobody can tell now whether the payer got the money, so it goes back to
  the fee window's list (待收费窗口退还现金): the cashier checks the till and the payer's signature, hands the cash
  back if it is still owed, and confirms — only then is it 已退款 with the cashier's name. Its 说明 says why it is
  there again, and each one reopened is an audit record.

The label of the reconciliation difference refund_unpaid becomes 已批准退付,尚未退款 (a card or cash refund waits
at the fee window, not at a payment channel).
"""

from django.conf import settings
from django.db import migrations, models

from zhengwu.core import clock  # the project's clock (a test can fix it); the wall clock otherwise

REOPENED = (
    "【系统迁移】本退付批准时系统即记为已退还现金,收费窗口未经手确认;请核实是否已退还,未退还的当面退还后确认"
)


def forwards(apps, schema_editor):
    Refund = apps.get_model("fees", "Refund")
    AuditRecord = apps.get_model("core", "AuditRecord")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    cards = Refund.objects.filter(
        state="approved", channel="card", paid_out_at__isnull=False, paid_out_by__isnull=True
    )
    for refund in cards:
        record = (
            AuditRecord.objects.filter(
                action="fees.refund_card_paid_out", object_type="fees.refund", object_id=str(refund.pk)
            )
            .exclude(actor_id=None)
            .order_by("id")
            .first()
        )
        if record is not None and User.objects.filter(pk=record.actor_id).exists():
            refund.paid_out_by_id = record.actor_id
            refund.save(update_fields=["paid_out_by"])
    stamped = Refund.objects.filter(
        state="approved",
        channel="cash",
        paid_out_by__isnull=True,
        paid_out_at__isnull=False,
        paid_out_at=models.F("decided_at"),
    )
    now = clock.now()
    for refund in stamped:
        was = refund.paid_out_at
        refund.paid_out_at = None
        refund.explanation = f"{refund.explanation};{REOPENED}"[:500]
        refund.save(update_fields=["paid_out_at", "explanation"])
        AuditRecord.objects.create(
            at=now,
            actor_label="system",
            action="fees.refund_cash_reopened",
            object_type="fees.refund",
            object_id=str(refund.pk),
            summary={"was_paid_out_at": was.isoformat(), "amount": str(refund.amount), "migration": "0008"},
        )


def backwards(apps, schema_editor):
    """Reopened cash refunds not yet confirmed at the window read 已退款 at their approval again."""
    Refund = apps.get_model("fees", "Refund")
    for refund in Refund.objects.filter(
        state="approved", channel="cash", paid_out_at__isnull=True, explanation__contains=REOPENED
    ):
        refund.paid_out_at = refund.decided_at
        refund.explanation = refund.explanation.replace(f";{REOPENED}", "")
        refund.save(update_fields=["paid_out_at", "explanation"])


class Migration(migrations.Migration):
    dependencies = [
        ("fees", "0007_fees_refund_paid_out_by"),
        ("core", "0006_window_collects_fees"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="discrepancy",
            name="kind",
            field=models.CharField(
                choices=[
                    ("not_in_bank", "已登记缴款,银行未到账"),
                    ("not_ours", "银行到账,平台无缴款记录"),
                    ("amount", "金额不符"),
                    ("not_receipted", "已缴款未开票据"),
                    ("not_remitted", "已缴款未缴库"),
                    ("refund_unpaid", "已批准退付,尚未退款"),
                    ("refund_no_bank", "已退付,银行对账单无此笔退款"),
                ],
                max_length=16,
                verbose_name="差异类型",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
