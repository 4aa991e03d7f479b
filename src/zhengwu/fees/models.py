"""Centralised fee collection (统一收费): the fee catalogue (收费目录清单), payment notices (缴款通知书), payments,
electronic receipts (财政电子票据), refunds (退付) and the daily reconciliation.

This domain reads cases and the catalogue. An item's fee names its catalogue entry by `catalog.Fee.code`; a notice
copies each line as computed (name, standard, quantity, amount, basis) so it reads the same whatever the catalogue
says later. Amounts are yuan with two decimals (Decimal), never floats.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengwu.cases.models import Case
from zhengwu.catalog.models import ServiceItem
from zhengwu.core.models import Organisation, Window


class RevenueKind(models.TextChoices):
    """非税收入 collected at the centre's fee window (the seed: 行政事业性收费、政府性基金和罚没收入)."""

    ADMIN_FEE = "admin_fee", _("行政事业性收费")
    FUND = "fund", _("政府性基金")
    FORFEIT = "forfeit", _("罚没收入")


class StandardKind(models.TextChoices):
    FIXED = "fixed", _("定额")
    PER_UNIT = "per_unit", _("按数量计收")
    BAND = "band", _("幅度(按下限执行)")


class CatalogueFee(models.Model):
    """One line of the fee catalogue (收费目录清单): a fee with its legal basis, approving document, standard,
    collecting organisation, revenue kind and validity. Removed on a date, it is charged on no item from that day.
    A changed standard is a new version of the same code from its effective date; the previous version ends the day
    before, so one version of a code is in force on any day (items name the code, notices the version)."""

    code = models.CharField(_("收费编码"), max_length=32)
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    name = models.CharField(_("收费项目"), max_length=200)
    organisation = models.ForeignKey(
        Organisation, models.PROTECT, related_name="catalogue_fees", verbose_name=_("执收单位")
    )
    revenue_kind = models.CharField(_("收入类别"), max_length=12, choices=RevenueKind.choices)
    basis = models.CharField(_("设立依据"), max_length=500)
    approval = models.CharField(_("批准文件"), max_length=300)
    standard_kind = models.CharField(_("标准类型"), max_length=12, choices=StandardKind.choices)
    amount = models.DecimalField(
        _("标准(元)"), max_digits=12, decimal_places=2, help_text=_("定额、单价或幅度下限")
    )
    upper = models.DecimalField(_("幅度上限(元)"), max_digits=12, decimal_places=2, null=True, blank=True)
    unit = models.CharField(_("计费单位"), max_length=20, default="件")
    valid_from = models.DateField(_("执行日期"))
    removed_on = models.DateField(_("取消日期"), null=True, blank=True, help_text=_("自该日起不再收取"))
    note = models.CharField(_("备注"), max_length=500, blank=True)
    choose_one = models.CharField(
        _("择一收取"),
        max_length=100,
        blank=True,
        help_text=_(
            "同一办件只能收取其中一项的收费写同一名称(如不动产登记费的住宅类与非住宅类都写「不动产登记费」);"
            "不填则可与其他收费同时收取"
        ),
    )

    class Meta:
        verbose_name = verbose_name_plural = _("收费目录")
        ordering = ["organisation", "code", "version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="fees_fee_code_version")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def in_force(self, day) -> bool:
        return self.valid_from <= day and (self.removed_on is None or day < self.removed_on)


class Waiver(models.Model):
    """A waiver or reduction by law (免收、减收) of one catalogue fee, with its basis."""

    class Kind(models.TextChoices):
        EXEMPT = "exempt", _("免收")
        PERCENT = "percent", _("按比例减收")

    fee = models.ForeignKey(CatalogueFee, models.CASCADE, related_name="waivers", verbose_name=_("收费项目"))
    code = models.CharField(_("减免编码"), max_length=32)
    name = models.CharField(_("减免情形"), max_length=200)
    kind = models.CharField(_("方式"), max_length=8, choices=Kind.choices)
    percent = models.PositiveSmallIntegerField(
        _("收取比例(%)"), default=0, help_text=_("按比例减收时实际收取的比例")
    )
    basis = models.CharField(_("减免依据"), max_length=500)

    class Meta:
        verbose_name = verbose_name_plural = _("收费减免")
        constraints = [models.UniqueConstraint(fields=["fee", "code"], name="fees_waiver_code")]

    def __str__(self) -> str:
        return self.name


class ItemFeeRule(models.Model):
    """When an item's fees are charged: the notice is issued after acceptance or after the grant decision, and the
    result waits for payment unless the item says payment follows delivery (先送达后缴费). No row: after acceptance,
    before delivery, due in 15 days."""

    class ChargeAt(models.TextChoices):
        ACCEPT = "accept", _("受理后")
        DECIDE = "decide", _("作出准予决定后")

    item = models.OneToOneField(ServiceItem, models.CASCADE, related_name="fee_rule", verbose_name=_("事项"))
    charge_at = models.CharField(_("开具缴款通知书的环节"), max_length=8, choices=ChargeAt.choices)
    after_delivery = models.BooleanField(_("先送达后缴费"), default=False)
    due_days = models.PositiveSmallIntegerField(_("缴款期限(日)"), default=15)

    class Meta:
        verbose_name = verbose_name_plural = _("事项收费规则")

    def __str__(self) -> str:
        return f"{self.item} {self.get_charge_at_display()}"


class Notice(models.Model):
    """缴款通知书: one in force per case, with its payment code (缴款码), payer, lines and due date. An unpaid one
    corrected is cancelled with its reason and replaced by a new one with a new code (the correction names it)."""

    class State(models.TextChoices):
        UNPAID = "unpaid", _("待缴费")
        WAIVED = "waived", _("免缴")
        PAID = "paid", _("已缴费")
        REFUNDED = "refunded", _("已退费")
        CANCELLED = "cancelled", _("已作废")

    case = models.ForeignKey(Case, models.PROTECT, related_name="fee_notices", verbose_name=_("办件"))
    organisation = models.ForeignKey(
        Organisation, models.PROTECT, related_name="fee_notices", verbose_name=_("执收单位")
    )
    window = models.ForeignKey(
        Window, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("收费窗口")
    )
    code = models.CharField(_("缴款码"), max_length=20, unique=True)
    payer = models.CharField(_("缴款人"), max_length=100)
    total = models.DecimalField(_("应缴金额(元)"), max_digits=12, decimal_places=2)
    issued_at = models.DateTimeField(_("开具时间"))
    due_on = models.DateField(_("缴款期限"))
    revision = models.PositiveIntegerField(_("修订号"), default=0)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.UNPAID)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("开具人"),
    )

    replaces = models.OneToOneField(
        "self", models.PROTECT, null=True, blank=True, related_name="correction", verbose_name=_("更正自")
    )
    cancelled_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("作废人"),
    )
    cancel_reason = models.CharField(_("作废原因"), max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("缴款通知书")
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=~models.Q(state="cancelled"), name="fees_one_notice_in_force"
            )
        ]

    def __str__(self) -> str:
        return self.code


class NoticeLine(models.Model):
    notice = models.ForeignKey(Notice, models.CASCADE, related_name="lines", verbose_name=_("缴款通知书"))
    position = models.PositiveSmallIntegerField(_("序号"))
    fee = models.ForeignKey(CatalogueFee, models.PROTECT, related_name="+", verbose_name=_("收费目录"))
    name = models.CharField(_("收费项目"), max_length=200)
    revenue_kind = models.CharField(_("收入类别"), max_length=12, choices=RevenueKind.choices)
    standard = models.CharField(_("收费标准"), max_length=200)
    quantity = models.PositiveIntegerField(_("数量"), default=1)
    standard_amount = models.DecimalField(_("按标准应收(元)"), max_digits=12, decimal_places=2)
    amount = models.DecimalField(_("应缴(元)"), max_digits=12, decimal_places=2)
    basis = models.CharField(_("收费依据"), max_length=800)
    waiver = models.CharField(_("减免及依据"), max_length=800, blank=True)
    decision = models.CharField(_("执行标准的决定"), max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("缴款项目")
        ordering = ["notice", "position"]

    def __str__(self) -> str:
        return f"{self.name} {self.amount}"


class Channel(models.TextChoices):
    ONLINE = "online", _("网上缴款")
    CASH = "cash", _("窗口现金")
    CARD = "card", _("窗口刷卡")


class Payment(models.Model):
    """A payment of a notice, recorded once: the provider's transaction reference is unique, and a notice has one
    payment whatever the provider says twice."""

    notice = models.OneToOneField(
        Notice, models.PROTECT, related_name="payment", verbose_name=_("缴款通知书")
    )
    provider = models.CharField(_("缴款渠道"), max_length=20)
    reference = models.CharField(_("交易流水号"), max_length=64, unique=True)
    channel = models.CharField(_("方式"), max_length=8, choices=Channel.choices)
    amount = models.DecimalField(_("实缴(元)"), max_digits=12, decimal_places=2)
    received = models.DecimalField(
        _("实收现金(元)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("收费窗口收取的现金,可多于应缴金额,多出部分当场找零;刷卡和网上缴款不填"),
    )
    paid_at = models.DateTimeField(_("缴款时间"))
    recorded_at = models.DateTimeField(_("登记时间"))
    window = models.ForeignKey(
        Window, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("收费窗口")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记人"),
    )
    remitted_on = models.DateField(_("缴库日期"), null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("缴款")
        ordering = ["-paid_at"]

    def __str__(self) -> str:
        return self.reference

    @property
    def change(self):
        """找零: the cash received beyond the amount due, handed back at the window (None when not cash)."""
        return self.received - self.amount if self.received is not None else None


class Callback(models.Model):
    """Every callback a provider sent, as it arrived, with what we did with it (the provider may send one twice)."""

    class Outcome(models.TextChoices):
        RECORDED = "recorded", _("已入账")
        DUPLICATE = "duplicate", _("重复通知")
        STALE = "stale", _("过期状态,忽略")
        FORGED = "forged", _("签名不符,拒绝")
        REJECTED = "rejected", _("内容不符,拒绝")
        PENDING = "pending", _("未支付状态,记录")

    provider = models.CharField(_("缴款渠道"), max_length=20)
    received_at = models.DateTimeField(_("收到时间"))
    body = models.TextField(_("通知内容"))
    signature = models.CharField(_("签名"), max_length=128, blank=True)
    outcome = models.CharField(_("处理结果"), max_length=10, choices=Outcome.choices)
    notice_code = models.CharField(_("缴款码"), max_length=20, blank=True)
    reference = models.CharField(_("交易流水号"), max_length=64, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("缴款通知回调")
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.provider} {self.reference or self.notice_code}"


class Receipt(models.Model):
    """财政电子票据 for a payment; a voided one stays, and its reissue names it."""

    payment = models.ForeignKey(Payment, models.PROTECT, related_name="receipts", verbose_name=_("缴款"))
    number = models.CharField(_("票据号码"), max_length=24, unique=True)
    payer = models.CharField(_("缴款人"), max_length=100)
    amount = models.DecimalField(_("金额(元)"), max_digits=12, decimal_places=2)
    issued_at = models.DateTimeField(_("开具时间"))
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    void_reason = models.CharField(_("作废原因"), max_length=300, blank=True)
    replaces = models.OneToOneField(
        "self", models.PROTECT, null=True, blank=True, related_name="reissue", verbose_name=_("换开自")
    )

    class Meta:
        verbose_name = verbose_name_plural = _("财政电子票据")
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return self.number


class Refund(models.Model):
    """退付: against the original payment, requested with a reason and approved by someone else before it is paid.
    Approved, it goes back the way the money came: an online payment through its provider (`reference`, the
    provider's refund transaction, and `paid_out_at` once its callback says the money is back); cash or card at the
    fee window, where the cashier confirms handing the cash back (pay_out_cash) or records the card terminal's
    refund voucher (pay_out_card) — `paid_out_at` and `paid_out_by` then; until then it is pending at the window."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("待审批")
        APPROVED = "approved", _("已批准退付")
        REJECTED = "rejected", _("不予退付")

    class Reason(models.TextChoices):
        OVERPAID = "overpaid", _("多缴")
        WITHDRAWN = "withdrawn", _("申请撤回或终止")
        OTHER = "other", _("其他")

    payment = models.ForeignKey(Payment, models.PROTECT, related_name="refunds", verbose_name=_("原缴款"))
    amount = models.DecimalField(_("退付金额(元)"), max_digits=12, decimal_places=2)
    reason = models.CharField(_("退付原因"), max_length=10, choices=Reason.choices)
    explanation = models.CharField(_("说明"), max_length=500)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.REQUESTED)
    requested_at = models.DateTimeField(_("申请时间"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("申请人")
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审批人"),
    )
    opinion = models.CharField(_("审批意见"), max_length=500, blank=True)
    channel = models.CharField(
        _("退付方式"),
        max_length=8,
        choices=Channel.choices,
        blank=True,
        help_text=_("原路退回:网上缴款由缴款渠道退回,刷卡退回原卡(POS 退货凭证号),现金在收费窗口退还现金"),
    )
    provider = models.CharField(_("退付渠道"), max_length=20, blank=True)
    reference = models.CharField(_("退付流水号"), max_length=64, blank=True)
    paid_out_at = models.DateTimeField(_("退款到账时间"), null=True, blank=True)
    paid_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("退款经办人"),
        help_text=_("收费窗口退还现金或退回原卡的经办人;网上缴款的退款由渠道回调确认,不填"),
    )

    class Meta:
        verbose_name = verbose_name_plural = _("退付")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.payment.reference} {self.amount}"

    @property
    def method_label(self) -> str:
        """How the money goes back, in words, for the refund record and the applicant."""
        if self.channel == Channel.CARD:
            return str(_("退回原银行卡"))
        if self.channel == Channel.CASH:
            return str(_("收费窗口退还现金"))
        if self.channel == Channel.ONLINE:
            from zhengwu.fees import providers

            name = self.provider or self.payment.provider
            source = providers.PROVIDERS.get(name)
            return str(_("原缴款渠道退回(%(p)s)") % {"p": source.label if source else name})
        return ""


class StatementLine(models.Model):
    """A line of an imported bank statement (银行对账单): what the bank says it received, and remitted."""

    imported_at = models.DateTimeField(_("导入时间"))
    booked_on = models.DateField(_("记账日期"))
    reference = models.CharField(_("交易流水号"), max_length=64)
    notice_code = models.CharField(_("缴款码"), max_length=20, blank=True)
    amount = models.DecimalField(_("金额(元)"), max_digits=12, decimal_places=2)
    kind = models.CharField(_("类型"), max_length=10)  # "receipt" (收款) or "remit" (缴库)
    source = models.CharField(_("文件"), max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("银行对账单明细")
        constraints = [models.UniqueConstraint(fields=["reference", "kind"], name="fees_statement_line_once")]

    def __str__(self) -> str:
        return self.reference


class Discrepancy(models.Model):
    """A difference the daily reconciliation found (对账差异), named, until a person clears it with a note."""

    class Kind(models.TextChoices):
        NOT_IN_BANK = "not_in_bank", _("已登记缴款,银行未到账")
        NOT_OURS = "not_ours", _("银行到账,平台无缴款记录")
        AMOUNT = "amount", _("金额不符")
        NOT_RECEIPTED = "not_receipted", _("已缴款未开票据")
        NOT_REMITTED = "not_remitted", _("已缴款未缴库")
        REFUND_NOT_PAID = "refund_unpaid", _("已批准退付,尚未退款")
        REFUND_NOT_IN_BANK = "refund_no_bank", _("已退付,银行对账单无此笔退款")

    day = models.DateField(_("对账日期"))
    organisation = models.ForeignKey(
        Organisation, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("执收单位")
    )
    kind = models.CharField(_("差异类型"), max_length=16, choices=Kind.choices)
    notice = models.ForeignKey(
        Notice,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("缴款通知书"),
        help_text=_(
            "差异所涉缴款的通知书(决定谁能看到和处理:其执收单位和收取它的收费窗口);银行到账而平台无缴款的为空"
        ),
    )
    reference = models.CharField(_("交易流水号"), max_length=64)
    detail = models.CharField(_("说明"), max_length=500)
    found_at = models.DateTimeField(_("发现时间"))
    cleared_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("处理人"),
    )
    cleared_note = models.CharField(_("处理说明"), max_length=500, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("对账差异")
        constraints = [
            models.UniqueConstraint(fields=["day", "kind", "reference"], name="fees_discrepancy_once")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.reference}"
