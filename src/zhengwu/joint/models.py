"""Bundles (一件事) and joint approval (并联审批): a bundle lists member items of several organisations, in stages
(members of one stage run in parallel), with prerequisites between members, one merged form and one merged material
list. Versions are drafted, submitted and published by the centre like items (draft → submitted → published)."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengwu.catalog.models import ServiceItem
from zhengwu.core import calendar, clock
from zhengwu.core.models import ImmutableEvent, Organisation


class Category(models.TextChoices):
    PERSON = "person", _("个人一件事")
    ENTERPRISE = "enterprise", _("企业一件事")
    CONSTRUCTION = "construction", _("工程建设项目")


class Bundle(models.Model):
    """A life-event bundle or a joint-approval stage: the stable identity of its versions."""

    code = models.CharField(_("一件事编码"), max_length=20, unique=True)
    lead_organisation = models.ForeignKey(
        Organisation, models.PROTECT, related_name="led_bundles", verbose_name=_("牵头(主办)部门")
    )
    current_version = models.ForeignKey(
        "BundleVersion", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("现行版本")
    )
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = verbose_name_plural = _("一件事")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class BundleVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("待审核")
        PUBLISHED = "published", _("已发布")
        SUPERSEDED = "superseded", _("历史版本")

    bundle = models.ForeignKey(Bundle, models.CASCADE, related_name="versions", verbose_name=_("一件事"))
    number = models.PositiveIntegerField(_("版本号"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    name = models.CharField(_("名称"), max_length=100)
    category = models.CharField(_("类别"), max_length=12, choices=Category.choices)
    description = models.TextField(_("说明"), blank=True)
    stage_names = models.JSONField(_("阶段名称"), default=list)
    extension_approval = models.CharField(
        _("延长时限批准文件"),
        max_length=200,
        blank=True,
        help_text=_("本级人民政府负责人批准可延长十五日的批准文件(行政许可法第四十二条第二款)"),
    )
    legal_limit = models.PositiveIntegerField(_("联办法定时限(工作日)"), default=0)
    promised_limit = models.PositiveIntegerField(_("联办承诺时限(工作日)"), default=0)
    merged_form = models.JSONField(_("合并申请表"), default=list, blank=True)
    merged_materials = models.JSONField(_("合并材料清单"), default=list, blank=True)
    change_reason = models.CharField(_("调整理由"), max_length=500, blank=True)
    review_note = models.CharField(_("审核意见"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("创建时间"))
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("提交人"),
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.CharField(_("发布人"), max_length=150, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("一件事版本")
        ordering = ["bundle", "-number"]
        constraints = [models.UniqueConstraint(fields=["bundle", "number"], name="bundle_version_unique")]

    def __str__(self) -> str:
        return f"{self.name} v{self.number}"


class BundleMember(models.Model):
    """One member item of a bundle version: its stage (1, 2, …) and the members whose results it needs."""

    version = models.ForeignKey(BundleVersion, models.CASCADE, related_name="members", verbose_name=_("版本"))
    position = models.PositiveSmallIntegerField(_("序号"))
    stage = models.PositiveSmallIntegerField(_("阶段"))
    item = models.ForeignKey(
        ServiceItem, models.PROTECT, related_name="bundle_memberships", verbose_name=_("事项")
    )
    needs = models.JSONField(_("前置事项"), default=list, blank=True, help_text=_("所需结果的成员序号"))

    class Meta:
        verbose_name = verbose_name_plural = _("成员事项")
        ordering = ["version", "stage", "position"]
        constraints = [models.UniqueConstraint(fields=["version", "position"], name="bundle_member_unique")]

    def __str__(self) -> str:
        return f"{self.version} #{self.position}"


class Phase(models.TextChoices):
    """Where a joint case (联办件) stands as a whole; each member case keeps its own status."""

    RECEIVED = "received", _("待主办窗口受理")
    NOTIFIED = "notified", _("已发联办通知")
    SUPPLEMENT = "supplement", _("待补正(已联合告知)")
    HANDLING = "handling", _("各部门并联办理中")
    FINISHED = "finished", _("已办结")
    REFUSED = "refused", _("不予受理")
    DENIED = "denied", _("不予许可(联办终止)")
    WITHDRAWN = "withdrawn", _("已撤回")


OPEN_PHASES = (Phase.RECEIVED, Phase.NOTIFIED, Phase.SUPPLEMENT, Phase.HANDLING)


class JointCase(models.Model):
    """One application for a bundle (联办件): its member cases (one per member item) are ordinary cases."""

    number = models.CharField(_("联办件编号"), max_length=24, unique=True)
    query_code = models.CharField(_("查询码"), max_length=8)
    bundle = models.ForeignKey(Bundle, models.PROTECT, related_name="joint_cases", verbose_name=_("一件事"))
    version = models.ForeignKey(
        BundleVersion, models.PROTECT, related_name="joint_cases", verbose_name=_("版本")
    )
    lead_organisation = models.ForeignKey(
        Organisation, models.PROTECT, related_name="led_joint_cases", verbose_name=_("主办部门")
    )
    applicant = models.ForeignKey(
        "cases.Applicant", models.PROTECT, related_name="joint_cases", verbose_name=_("申请人")
    )
    channel = models.CharField(_("收件渠道"), max_length=10)
    window = models.ForeignKey(
        "core.Window", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("登记窗口")
    )
    lead_window = models.ForeignKey(
        "core.Window",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("主办窗口"),
        help_text=_("总服务台统一登记后指定,可说明理由后改派"),
    )
    form = models.JSONField(_("合并申请表"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记人"),
    )
    created_at = models.DateTimeField(_("收件时间"))
    phase = models.CharField(_("状态"), max_length=12, choices=Phase.choices, default=Phase.RECEIVED)
    notified_at = models.DateTimeField(_("联办通知时间"), null=True, blank=True)
    accepted_on = models.DateField(_("联合受理日期"), null=True, blank=True)
    legal_due = models.DateField(_("联办法定期限"), null=True, blank=True)
    promised_due = models.DateField(_("联办承诺期限"), null=True, blank=True)
    finished_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    revision = models.PositiveIntegerField(_("修订号"), default=0)

    class Meta:
        verbose_name = verbose_name_plural = _("联办件")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["phase", "legal_due"])]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.phase in OPEN_PHASES


class JointMember(models.Model):
    """A member case of a joint case, with its answer to the 联办通知 (confirmed, or the materials it misses)."""

    class Answer(models.TextChoices):
        PENDING = "", _("待确认")
        CONFIRMED = "confirmed", _("已确认材料齐全")
        MISSING = "missing", _("需补正材料")

    joint = models.ForeignKey(JointCase, models.CASCADE, related_name="members", verbose_name=_("联办件"))
    case = models.OneToOneField(
        "cases.Case", models.PROTECT, related_name="joint_member", verbose_name=_("成员办件")
    )
    position = models.PositiveSmallIntegerField(_("序号"))
    stage = models.PositiveSmallIntegerField(_("阶段"))
    needs = models.JSONField(_("前置事项"), default=list, blank=True)
    answer = models.CharField(
        _("联办通知答复"), max_length=10, choices=Answer.choices, blank=True, default=""
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    missing = models.JSONField(_("需补正的材料"), default=list, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("成员办件")
        ordering = ["joint", "stage", "position"]
        constraints = [models.UniqueConstraint(fields=["joint", "position"], name="joint_member_unique")]

    def __str__(self) -> str:
        return f"{self.joint} #{self.position}"


class JointEvent(ImmutableEvent):
    """One immutable step of a joint case (the lead's acceptance, each 联办通知 answer, the 联合告知, the supply …)."""

    joint = models.ForeignKey(JointCase, models.PROTECT, related_name="events")
    organisation = models.ForeignKey(Organisation, models.PROTECT, null=True, blank=True, related_name="+")
    data = models.JSONField(default=dict, blank=True)

    hashed_fields = (
        "joint", "seq", "at", "action", "actor", "actor_label", "organisation", "note", "data",
    )  # fmt: skip

    class Meta:
        verbose_name = verbose_name_plural = _("联办件记录")
        ordering = ["joint", "seq"]
        constraints = [models.UniqueConstraint(fields=["joint", "seq"], name="joint_event_seq_unique")]

    def __str__(self) -> str:
        return f"{self.joint} #{self.seq} {self.action}"


class JointNotice(models.Model):
    """A document of the joint case: the 联办通知 to the member windows, and the one combined 联合告知 (一次性告知)
    listing every member's missing materials; `essentials` frozen at issue, `token` for the verification page."""

    class Kind(models.TextChoices):
        NOTIFICATION = "notification", _("联办通知")
        COMBINED = "combined", _("联合一次性告知书")
        REFUSAL = "refusal", _("成员不予许可通报")
        NOT_ACCEPTED = "not_accepted", _("成员不予受理通报")
        WITHDRAWAL = "withdrawal", _("撤回联办申请通知")

    joint = models.ForeignKey(JointCase, models.CASCADE, related_name="notices")
    kind = models.CharField(_("文书"), max_length=12, choices=Kind.choices)
    document_number = models.CharField(_("文号"), max_length=60)
    token = models.CharField(max_length=32, unique=True)
    issued_at = models.DateTimeField(_("出具时间"))
    essentials = models.JSONField(default=dict)

    class Meta:
        verbose_name = verbose_name_plural = _("联办文书")
        ordering = ["joint", "issued_at", "id"]

    def __str__(self) -> str:
        return self.document_number


class JointMeeting(models.Model):
    """A joint meeting or joint inspection the lead window convenes (联审会议, 联合踏勘/现场勘察, 图纸联审, 联合验收):
    date, members, agenda; each member records its opinion; the minutes close it. Members in an open meeting that
    holds their decision may not decide before the minutes are attached."""

    class Kind(models.TextChoices):
        PRE_REVIEW = "pre_review", _("审前集中告知会议")
        MEETING = "meeting", _("联审会议")
        INSPECTION = "inspection", _("联合现场勘察")
        DRAWINGS = "drawings", _("图纸联合审查")
        ACCEPTANCE = "acceptance", _("联合竣工验收")

    joint = models.ForeignKey(JointCase, models.CASCADE, related_name="meetings", verbose_name=_("联办件"))
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    scheduled_on = models.DateField(_("日期"))
    # the time of day (older meetings have a date only: they start with their day)
    scheduled_at = models.TimeField(_("时间"), null=True, blank=True)
    place = models.CharField(_("地点"), max_length=200, blank=True)
    agenda = models.TextField(_("议题"))
    positions = models.JSONField(_("参加的成员事项"), default=list)
    holds_decision = models.BooleanField(_("成员决定须待纪要"), default=True)
    # the applicant takes part (a site inspection or acceptance at their premises, the 审前集中告知会议, or a meeting
    # the lead asks them to): they are told when and where by message
    applicant_attends = models.BooleanField(_("申请人参加"), default=False)
    convened_at = models.DateTimeField(_("召集时间"))
    convened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("召集人"),
    )
    minutes = models.FileField(_("会议纪要"), upload_to="joint/minutes/%Y/", blank=True)
    minutes_at = models.DateTimeField(_("纪要时间"), null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("联审会议")
        ordering = ["joint", "scheduled_on", "id"]

    def __str__(self) -> str:
        return f"{self.joint} {self.get_kind_display()} {self.scheduled_on}"

    def starts_at(self) -> dt.datetime:
        """The moment it starts, in China time (the start of its day when it has no time)."""
        return dt.datetime.combine(self.scheduled_on, self.scheduled_at or dt.time(0), tzinfo=clock.LOCAL)

    def when_label(self) -> str:
        """As the hall says a day: 12月10日(星期四) 9:30 (with the year when it is not this year's)."""
        label = calendar.day_words(self.scheduled_on, clock.today())
        if self.scheduled_at:
            label += f" {self.scheduled_at.hour}:{self.scheduled_at.minute:02d}"
        return label

    def held(self) -> bool:
        """It took place: its start has passed (what the applicant is told as 已召开)."""
        return clock.now() >= self.starts_at()


class MeetingOpinion(models.Model):
    meeting = models.ForeignKey(JointMeeting, models.CASCADE, related_name="opinions")
    position = models.PositiveSmallIntegerField(_("成员序号"))
    opinion = models.TextField(_("意见"))
    missing = models.JSONField(_("需补正的材料"), default=list, blank=True)
    recorded_at = models.DateTimeField(_("记录时间"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = _("成员意见")
        ordering = ["meeting", "position"]
        constraints = [models.UniqueConstraint(fields=["meeting", "position"], name="meeting_opinion_unique")]

    def __str__(self) -> str:
        return f"{self.meeting} #{self.position}"


class Forwarding(models.Model):
    """上报: a member forwards the application to a higher authority (province or city decides) and records its
    reply; the period from sending to the reply is kept as its own period."""

    member = models.ForeignKey(
        JointMember, models.CASCADE, related_name="forwardings", verbose_name=_("成员办件")
    )
    authority = models.CharField(_("上级机关"), max_length=200)
    note = models.TextField(_("上报说明"), blank=True)
    sent_on = models.DateField(_("上报日期"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reply = models.TextField(_("上级答复"), blank=True)
    replied_on = models.DateField(_("答复日期"), null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("上报记录")
        ordering = ["member", "sent_on", "id"]

    def __str__(self) -> str:
        return f"{self.member} → {self.authority}"
