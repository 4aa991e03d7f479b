"""退付方式: a refund records how the money goes back (原路退回) — card to the card, online through the channel, cash
in cash; approved refunds already made take their payment's method. 对账差异 name their notice, so a fee window sees
and clears only its centre's (and its 分中心's); differences already found are matched to their payment or refund."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Refund = apps.get_model("fees", "Refund")
    Payment = apps.get_model("fees", "Payment")
    Discrepancy = apps.get_model("fees", "Discrepancy")
    Refund.objects.filter(state="approved", channel="").update(
        channel=Subquery(Payment.objects.filter(pk=OuterRef("payment_id")).values("channel")[:1])
    )
    for row in Discrepancy.objects.filter(notice__isnull=True).exclude(kind="not_ours"):
        reference = row.reference.split("#")[0]
        payment = Payment.objects.filter(reference=reference).first()
        if payment is None:
            refund = Refund.objects.filter(reference=reference).select_related("payment").first()
            if refund is None and reference.startswith("refund-") and reference[7:].isdigit():
                refund = Refund.objects.filter(pk=int(reference[7:])).select_related("payment").first()
            payment = refund.payment if refund else None
        if payment is not None:
            row.notice_id = payment.notice_id
            row.save(update_fields=["notice"])


class Migration(migrations.Migration):
    dependencies = [("fees", "0005_fees_refund_payout")]

    operations = [
        migrations.AddField(
            model_name="refund",
            name="channel",
            field=models.CharField(
                blank=True,
                choices=[("online", "网上缴款"), ("cash", "窗口现金"), ("card", "窗口刷卡")],
                help_text="原路退回:网上缴款由缴款渠道退回,刷卡退回原卡(POS 退货凭证号),现金在收费窗口退还现金",
                max_length=8,
                verbose_name="退付方式",
            ),
        ),
        migrations.AddField(
            model_name="discrepancy",
            name="notice",
            field=models.ForeignKey(
                blank=True,
                help_text="差异所涉缴款的通知书(决定谁能看到和处理:其执收单位和收取它的收费窗口);银行到账而平台无缴款的为空",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="fees.notice",
                verbose_name="缴款通知书",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
