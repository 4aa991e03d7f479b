"""Electronic supervision (电子监察): alerts raised by the rules, supervision orders with their steps, accountability
records, warnings pushed to people, the thresholds for yellow warnings, and a working-day index for SQL."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengwu.core.models import ImmutableEvent, Organisation
from zhengwu.core.thresholds import DUE_SOON_WORKDAYS


class Severity(models.TextChoices):
    NOTICE = "notice", _("提示")
    WARNING = "warning", _("一般")
    SERIOUS = "serious", _("严重")


class Level(models.TextChoices):
    NORMAL = "normal", _("正常")
    YELLOW = "yellow", _("预警(黄牌)")
    RED = "red", _("超期(红牌)")


class Thresholds(models.Model):
    """When a case turns yellow: within `warn_workdays` working days of its due date, or once the working days
    left are no more than (1 − `warn_share`) of its limit. One row (pk 1); absent means the defaults."""

    warn_workdays = models.PositiveSmallIntegerField(_("临期预警(工作日)"), default=DUE_SOON_WORKDAYS)
    warn_share = models.DecimalField(
        _("已用时限比例预警"),
        max_digits=3,
        decimal_places=2,
        default=0,
        help_text=_("0 表示不按比例预警;0.80 表示已用 80% 时限即黄牌"),
    )
    backdating_hours = models.PositiveSmallIntegerField(_("补录时间差(小时)"), default=24)
    updated_at = models.DateTimeField(_("修改时间"), null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("预警阈值")

    def __str__(self) -> str:
        return _("%(days)s 个工作日 / %(share)s") % {"days": self.warn_workdays, "share": self.warn_share}


class Alert(models.Model):
    """A rule broken by an event (or found by the scan), for supervisors to review."""

    class State(models.TextChoices):
        OPEN = "open", _("待审核")
        EXPLAINED = "explained", _("已说明")
        DISMISSED = "dismissed", _("已排除")
        ESCALATED = "escalated", _("已转督办")

    key = models.CharField(max_length=120, unique=True, help_text=_("同一规则对同一事件只报一次"))
    code = models.CharField(_("规则"), max_length=60, db_index=True)
    severity = models.CharField(_("严重程度"), max_length=8, choices=Severity.choices)
    title = models.CharField(_("异常"), max_length=100)
    explanation = models.TextField(_("说明"))
    data = models.JSONField(default=dict, blank=True)
    case = models.ForeignKey(
        "cases.Case", models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("办件")
    )
    event = models.ForeignKey("cases.CaseEvent", models.SET_NULL, null=True, blank=True, related_name="+")
    # The record a deadline rule found overdue, when it is not a case (one of these at most).
    ticket = models.ForeignKey(
        "tickets.Ticket", models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("工单")
    )
    request = models.ForeignKey(
        "disclosure.DisclosureRequest",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("依申请公开"),
    )
    rectification = models.ForeignKey(
        "evaluation.Rectification",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("差评整改"),
    )
    subject_order = models.ForeignKey(
        "SupervisionOrder",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("督办单"),
        help_text=_("逾期未反馈的督办单"),
    )
    organisation = models.ForeignKey(Organisation, models.PROTECT, related_name="+", verbose_name=_("机构"))
    raised_at = models.DateTimeField(_("发现时间"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.OPEN)
    review_note = models.TextField(_("审核意见"), blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = _("监察异常")
        ordering = ["-raised_at", "-id"]
        indexes = [models.Index(fields=["state", "organisation"])]

    def __str__(self) -> str:
        return f"{self.code} {self.case_id or ''}"


class SupervisionOrder(models.Model):
    """A supervision order (督办) to an organisation: act on a case, ticket, disclosure request or alert by a date."""

    class State(models.TextChoices):
        OPEN = "open", _("待反馈")
        RESPONDED = "responded", _("已反馈")
        CLOSED = "closed", _("已办结")

    class ResponseKind(models.TextChoices):
        """What the organisation's answer says: the matter put right, or how it stands (the record decides which
        it may say: permissions.rectified_refusal)."""

        RECTIFIED = "rectified", _("整改完成")
        EXPLANATION = "explanation", _("情况说明")

    class Subject(models.TextChoices):
        CASE = "case", _("办件")
        TICKET = "ticket", _("诉求工单")
        REQUEST = "request", _("依申请公开")
        ALERT = "alert", _("监察异常")

    number = models.CharField(_("督办编号"), max_length=24, unique=True)
    subject = models.CharField(_("督办对象"), max_length=8, choices=Subject.choices)
    subject_label = models.CharField(_("对象"), max_length=120)
    case = models.ForeignKey(
        "cases.Case", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("办件")
    )
    ticket = models.ForeignKey("tickets.Ticket", models.PROTECT, null=True, blank=True, related_name="+")
    request_ref = models.CharField(_("依申请公开编号"), max_length=40, blank=True)
    alert = models.ForeignKey(Alert, models.PROTECT, null=True, blank=True, related_name="orders")
    organisation = models.ForeignKey(
        Organisation, models.PROTECT, related_name="+", verbose_name=_("责任单位")
    )
    origin = models.ForeignKey(
        Organisation,
        models.PROTECT,
        related_name="+",
        verbose_name=_("原责任单位"),
        help_text=_("逐级督办前的单位"),
    )
    level = models.PositiveSmallIntegerField(_("督办层级"), default=1)
    instruction = models.TextField(_("督办要求"))
    response_days = models.PositiveSmallIntegerField(_("反馈时限(工作日)"))
    due_on = models.DateField(_("反馈期限"), db_index=True)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.OPEN)
    issued_at = models.DateTimeField(_("督办时间"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    response = models.TextField(_("整改反馈"), blank=True)
    response_kind = models.CharField(_("反馈类型"), max_length=12, choices=ResponseKind.choices, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(_("办结意见"), blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("督办单")
        ordering = ["-issued_at", "-id"]
        indexes = [models.Index(fields=["organisation", "state"])]

    def __str__(self) -> str:
        return self.number


# What each step of an order's life is called (OrderStep.action → label).
ORDER_ACTION_LABELS = {
    "issue": _("发出督办"),
    "respond": _("反馈整改情况"),
    "return": _("退回重新整改"),
    "close": _("办结督办"),
    "escalate": _("逾期升级督办"),
}


class OrderStep(ImmutableEvent):
    """One immutable step in an order's life: issued, responded, escalated, returned, closed."""

    order = models.ForeignKey(SupervisionOrder, models.CASCADE, related_name="steps")
    seq = models.PositiveSmallIntegerField()  # narrower than the base's, as migrated
    action = models.CharField(max_length=12)  # narrower than the base's, as migrated
    organisation = models.ForeignKey(Organisation, models.PROTECT, null=True, blank=True, related_name="+")
    data = models.JSONField(default=dict, blank=True)

    immutable_name = "order steps"
    hashed_fields = ("order", "seq", "at", "action", "actor", "actor_label", "organisation", "note", "data")

    class Meta:
        verbose_name = verbose_name_plural = _("督办记录")
        ordering = ["order", "seq"]
        constraints = [models.UniqueConstraint(fields=["order", "seq"], name="order_step_seq_unique")]

    def __str__(self) -> str:
        return f"{self.order_id}#{self.seq} {self.action}"

    @property
    def action_label(self) -> str:
        return str(ORDER_ACTION_LABELS.get(self.action, self.action))


class Accountability(models.Model):
    """An accountability record (问责) attached to an order's outcome."""

    class Kind(models.TextChoices):
        CRITICISM = "criticism", _("批评教育")
        CIRCULATED = "circulated", _("通报批评")
        ADMONITION = "admonition", _("诫勉谈话")
        ORGANISATIONAL = "organisational", _("组织处理")
        DISCIPLINARY = "disciplinary", _("党纪政务处分")

    order = models.ForeignKey(SupervisionOrder, models.PROTECT, related_name="accountabilities")
    organisation = models.ForeignKey(Organisation, models.PROTECT, related_name="+")
    person = models.CharField(_("责任人"), max_length=40)
    kind = models.CharField(_("问责方式"), max_length=16, choices=Kind.choices)
    reason = models.TextField(_("问责事由"))
    decided_on = models.DateField(_("决定日期"))
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = _("问责记录")
        ordering = ["-decided_on", "-id"]

    def __str__(self) -> str:
        return f"{self.person} {self.get_kind_display()}"


class WarningPush(models.Model):
    """A warning pushed to one person when a case turned yellow or red: at most one per case, level and person."""

    case = models.ForeignKey("cases.Case", models.CASCADE, related_name="+")
    level = models.CharField(max_length=8, choices=Level.choices)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    role = models.CharField(_("身份"), max_length=16)
    message = models.TextField()
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("预警推送")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "level", "recipient"], name="warning_push_once")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.level} → {self.recipient_id}"


class WorkdayIndex(models.Model):
    """Day → number of working days from 2000-01-01 up to and including it: working days between two dates become
    one subtraction the database can do (used days, 提速率). Rebuilt from the calendar by indicators.workday_index."""

    day = models.DateField(primary_key=True)
    n = models.IntegerField()

    class Meta:
        verbose_name = verbose_name_plural = _("工作日序号")

    def __str__(self) -> str:
        return f"{self.day} {self.n}"
