"""Evaluation and service discipline: 好差评 ratings and what a bad one obliges (rectification, follow-up), staff
appeals, the first-inquiry ledger with its hand-overs, one-time notices, service commitments and region settings.

This domain reads cases, tickets and the catalogue; it never writes their tables. A rating copies the names it
is counted under (item, organisation, window, staff) so the figures stay as they were when it was given.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhengwu.cases.models import Case
from zhengwu.catalog.models import ItemVersion, ServiceItem
from zhengwu.core.models import ImmutableEvent, Organisation, Region, Staff, Window
from zhengwu.evaluation.rules import DEFAULT_RECTIFICATION_DAYS
from zhengwu.tickets.models import Ticket


class Level(models.IntegerChoices):
    VERY_SATISFIED = 5, _("非常满意")
    SATISFIED = 4, _("满意")
    BASICALLY_SATISFIED = 3, _("基本满意")
    DISSATISFIED = 2, _("不满意")
    VERY_DISSATISFIED = 1, _("非常不满意")


class RatingChannel(models.TextChoices):
    PORTAL = "portal", _("政务服务网")
    LINK = "link", _("办结短信/邮件链接")
    TABLET = "tablet", _("窗口评价器")
    DEFAULT = "default", _("逾期未评默认")


class UnratedPolicy(models.TextChoices):
    LEAVE = "leave", _("保持未评价")
    SATISFIED = "satisfied", _("视为满意")


class EvaluationSettings(models.Model):
    """A region's rules for ratings; the nearest region up the tree that has a row decides (none: the defaults)."""

    region = models.OneToOneField(
        Region, models.CASCADE, related_name="evaluation_settings", verbose_name=_("行政区划")
    )
    rectification_days = models.PositiveSmallIntegerField(
        _("差评整改时限(工作日)"), default=DEFAULT_RECTIFICATION_DAYS
    )
    unrated_policy = models.CharField(
        _("逾期未评价的处理"), max_length=12, choices=UnratedPolicy.choices, default=UnratedPolicy.LEAVE
    )
    unrated_after_days = models.PositiveSmallIntegerField(_("办结后多少个工作日未评价"), default=5)
    # 国办发〔2019〕51号 sets up 差评申诉复核 but names no time limit: each is the region's own (blank: none)
    appeal_days = models.PositiveSmallIntegerField(_("差评申诉时限(评价后工作日)"), null=True, blank=True)
    appeal_review_days = models.PositiveSmallIntegerField(_("申诉复核时限(工作日)"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        verbose_name = verbose_name_plural = _("好差评设置")

    def __str__(self) -> str:
        return _("%(region)s 好差评设置") % {"region": self.region}


class Rating(models.Model):
    """One rating (好差评) of a completed case or a closed ticket: exactly one subject, rated once."""

    case = models.ForeignKey(
        Case, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("办件")
    )
    ticket = models.ForeignKey(
        Ticket, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("工单")
    )
    level = models.PositiveSmallIntegerField(_("评价等级"), choices=Level.choices)
    tags = models.JSONField(_("评价标签"), default=list, blank=True)
    comment = models.TextField(_("评价内容"), blank=True)
    channel = models.CharField(_("评价渠道"), max_length=10, choices=RatingChannel.choices)
    named = models.BooleanField(_("实名评价"), default=True)
    rater_name = models.CharField(_("评价人"), max_length=100, blank=True)
    rater_phone = models.CharField(_("评价人电话"), max_length=20, blank=True)
    subject_number = models.CharField(_("办件/工单编号"), max_length=24)
    subject_title = models.CharField(_("事项/诉求"), max_length=200)
    item = models.ForeignKey(
        ServiceItem, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("事项")
    )
    organisation = models.ForeignKey(
        Organisation, models.PROTECT, related_name="ratings", verbose_name=_("被评价机构")
    )
    window = models.ForeignKey(
        Window, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("窗口")
    )
    staff = models.ForeignKey(
        Staff, models.SET_NULL, null=True, blank=True, related_name="ratings", verbose_name=_("工作人员")
    )
    rated_at = models.DateTimeField(_("评价时间"), db_index=True)
    excluded = models.BooleanField(_("申诉成立,不计入统计"), default=False)

    class Meta:
        verbose_name = verbose_name_plural = _("好差评")
        ordering = ["-rated_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(case__isnull=False) & Q(ticket__isnull=True))
                | (Q(case__isnull=True) & Q(ticket__isnull=False)),
                name="rating_exactly_one_subject",
            ),
            models.UniqueConstraint(
                fields=["case"], condition=Q(case__isnull=False), name="rating_once_per_case"
            ),
            models.UniqueConstraint(
                fields=["ticket"], condition=Q(ticket__isnull=False), name="rating_once_per_ticket"
            ),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=5), name="rating_level_1_to_5"),
        ]
        indexes = [models.Index(fields=["organisation", "rated_at"])]

    def __str__(self) -> str:
        return f"{self.subject_number} {self.get_level_display()}"

    @property
    def is_bad(self) -> bool:
        from zhengwu.evaluation.rules import is_bad

        return is_bad(self.level)

    @property
    def is_good(self) -> bool:
        from zhengwu.evaluation.rules import is_good

        return is_good(self.level)


class RectificationState(models.TextChoices):
    OPEN = "open", _("待核实")
    VERIFIED = "verified", _("待整改")
    RECTIFIED = "rectified", _("待反馈")
    REPLIED = "replied", _("待回访")
    CLOSED = "closed", _("已办结")
    VOIDED = "voided", _("申诉成立,撤销")


class Rectification(models.Model):
    """What a bad rating obliges: verification, rectification, feedback to the rater and, for a named rating, the
    follow-up asking whether they are now satisfied. `due` counts working days from the rating."""

    rating = models.OneToOneField(Rating, models.PROTECT, related_name="rectification")
    organisation = models.ForeignKey(
        Organisation, models.PROTECT, related_name="+", verbose_name=_("责任机构")
    )
    state = models.CharField(
        _("状态"), max_length=10, choices=RectificationState.choices, default=RectificationState.OPEN
    )
    opened_on = models.DateField(_("差评日期"))
    limit_days = models.PositiveSmallIntegerField(_("整改时限(工作日)"))
    due = models.DateField(_("反馈期限"), db_index=True)
    due_provisional = models.BooleanField(default=False)
    founded = models.BooleanField(_("情况属实"), null=True)
    finding = models.TextField(_("核实情况"), blank=True)
    measures = models.TextField(_("整改措施"), blank=True)
    reply = models.TextField(_("反馈内容"), blank=True)
    replied_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    satisfied = models.BooleanField(_("回访满意"), null=True)
    follow_up_note = models.TextField(_("回访记录"), blank=True)
    followed_up_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    round = models.PositiveSmallIntegerField(_("整改轮次"), default=1)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("差评整改")
        ordering = ["due", "id"]

    def __str__(self) -> str:
        return _("整改 %(number)s") % {"number": self.rating.subject_number}


class RectificationEvent(ImmutableEvent):
    """One immutable step of a rectification; the state can be rebuilt from these."""

    rectification = models.ForeignKey(Rectification, models.CASCADE, related_name="events")
    action = models.CharField(max_length=24)  # narrower than the base's, as migrated
    to_state = models.CharField(max_length=10)

    immutable_name = "rectification events"
    hashed_fields = ("rectification", "seq", "at", "action", "to_state", "actor", "actor_label", "note")

    class Meta:
        verbose_name = verbose_name_plural = _("整改记录")
        ordering = ["rectification", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["rectification", "seq"], name="rectification_event_seq_unique")
        ]

    def __str__(self) -> str:
        return f"{self.rectification_id}#{self.seq} {self.action}"

    @property
    def action_label(self) -> str:
        from zhengwu.evaluation.rules import action_label

        return action_label(self.action)


class Appeal(models.Model):
    """Staff ask the centre to set aside a rating they believe malicious or mistaken; one appeal per rating."""

    class State(models.TextChoices):
        PENDING = "pending", _("待审核")
        UPHELD = "upheld", _("申诉成立")
        REJECTED = "rejected", _("申诉不成立")

    rating = models.OneToOneField(Rating, models.PROTECT, related_name="appeal")
    reason = models.TextField(_("申诉理由"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PENDING)
    filed_at = models.DateTimeField(_("申诉时间"))
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_note = models.TextField(_("审核意见"), blank=True)
    # the review's limit and due day, from the region's settings when filed (none set: no due day)
    review_days = models.PositiveSmallIntegerField(_("复核时限(工作日)"), null=True, blank=True)
    review_due = models.DateField(_("复核期限"), null=True, blank=True, db_index=True)
    review_due_provisional = models.BooleanField(_("复核期限为暂定"), default=False)

    class Meta:
        verbose_name = verbose_name_plural = _("差评申诉")
        ordering = ["-filed_at"]

    def __str__(self) -> str:
        return _("申诉 %(number)s") % {"number": self.rating.subject_number}


class InquiryResult(models.TextChoices):
    ANSWERED = "answered", _("当场解答")
    GUIDED = "guided", _("已导办")
    HANDED_OVER = "handed_over", _("已转交")
    PENDING = "pending", _("待答复")


class LedgerEntry(models.Model):
    """A first inquiry (首问负责制台账): whoever is first asked records it and stays responsible until answered."""

    class State(models.TextChoices):
        OPEN = "open", _("跟踪中")
        ANSWERED = "answered", _("已答复")

    class Channel(models.TextChoices):
        VISIT = "visit", _("现场")
        PHONE = "phone", _("电话")
        ONLINE = "online", _("网上")

    asked_at = models.DateTimeField(_("询问时间"), db_index=True)
    staff = models.ForeignKey(Staff, models.PROTECT, related_name="ledger_entries", verbose_name=_("首问人"))
    organisation = models.ForeignKey(
        Organisation, models.PROTECT, related_name="ledger_entries", verbose_name=_("首问机构")
    )
    window = models.ForeignKey(Window, models.SET_NULL, null=True, blank=True, related_name="+")
    channel = models.CharField(_("方式"), max_length=8, choices=Channel.choices, default=Channel.VISIT)
    asker_name = models.CharField(_("询问人"), max_length=40, blank=True)
    asker_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    topic = models.CharField(_("咨询事由"), max_length=200)
    item = models.ForeignKey(
        ServiceItem, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("事项")
    )
    answer = models.TextField(_("答复或导办情况"), blank=True)
    guided_to = models.CharField(_("导办去向"), max_length=200, blank=True)
    result = models.CharField(_("处理结果"), max_length=12, choices=InquiryResult.choices)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.ANSWERED)
    holder = models.ForeignKey(Organisation, models.PROTECT, related_name="+", verbose_name=_("当前负责机构"))
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("首问负责台账")
        ordering = ["-asked_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "asked_at"]),
            models.Index(fields=["holder", "state"]),
        ]

    def __str__(self) -> str:
        return _("首问#%(pk)s %(topic)s") % {"pk": self.pk, "topic": self.topic}


class Handover(models.Model):
    """The entry passed to another organisation; followed until that organisation answers or passes it on."""

    entry = models.ForeignKey(LedgerEntry, models.CASCADE, related_name="handovers")
    seq = models.PositiveSmallIntegerField()
    from_organisation = models.ForeignKey(Organisation, models.PROTECT, related_name="+")
    to_organisation = models.ForeignKey(
        Organisation, models.PROTECT, related_name="+", verbose_name=_("转交机构")
    )
    note = models.TextField(_("转交说明"), blank=True)
    handed_at = models.DateTimeField()
    handed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    answer = models.TextField(_("答复"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["entry", "seq"]
        constraints = [models.UniqueConstraint(fields=["entry", "seq"], name="handover_seq_unique")]

    def __str__(self) -> str:
        return f"{self.entry_id}#{self.seq} → {self.to_organisation_id}"


class OneTimeNotice(models.Model):
    """一次性告知书: the item's whole material list with what this person lacks, frozen in `essentials` at issue."""

    number = models.CharField(_("告知书编号"), max_length=40, unique=True)
    item = models.ForeignKey(ServiceItem, models.PROTECT, related_name="+", verbose_name=_("事项"))
    version = models.ForeignKey(ItemVersion, models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, models.PROTECT, related_name="+")
    entry = models.ForeignKey(
        LedgerEntry, models.PROTECT, null=True, blank=True, related_name="notices", verbose_name=_("首问台账")
    )
    case = models.ForeignKey(
        Case, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("办件")
    )
    person_name = models.CharField(_("告知对象"), max_length=100, blank=True)
    lacking = models.JSONField(_("尚缺材料序号"), default=list)
    essentials = models.JSONField(default=dict)
    issued_at = models.DateTimeField(_("告知时间"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    # The latest sending (发送告知书): to a mobile, an e-mail address or both; blank until sent.
    sent_to_phone = models.CharField(_("发送手机号"), max_length=11, blank=True)
    sent_to_email = models.EmailField(_("发送邮箱"), blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("一次性告知书")
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return self.number


class ServiceCommitment(models.Model):
    """One published version of an organisation's 优质服务承诺书. Its time-limit promises are the published item
    versions it points at, never retyped; every version is kept."""

    organisation = models.ForeignKey(Organisation, models.PROTECT, related_name="commitments")
    version = models.PositiveIntegerField(_("版本"))
    provides = models.TextField(_("服务内容与方式"))
    discipline = models.TextField(_("服务纪律"))
    complaint_phone = models.CharField(_("投诉电话"), max_length=32)
    supervision_phone = models.CharField(_("监督电话"), max_length=32)
    item_versions = models.ManyToManyField(ItemVersion, related_name="+", verbose_name=_("承诺时限事项"))
    published_at = models.DateTimeField(_("发布时间"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    change_note = models.CharField(_("修订说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("服务承诺")
        ordering = ["organisation", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "version"], name="commitment_version_unique")
        ]

    def __str__(self) -> str:
        return _("%(organisation)s 服务承诺 第%(version)s版") % {
            "organisation": self.organisation,
            "version": self.version,
        }
