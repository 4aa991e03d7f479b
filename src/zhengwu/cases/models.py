"""Cases (办件): applicants, cases and their immutable events, materials, steps, supplements, suspensions,
extensions, alerts for supervision, official notices and the notification outbox.

The events are the record: status and every stored due date on Case and CaseStep are copies, rebuilt from the
events by `history.derive` whenever an event is written (and whenever a calendar year is loaded).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhengwu.catalog.models import STEP_KIND_CHOICES, ItemVersion, ServiceItem
from zhengwu.core.models import ImmutableEvent, Organisation, OutboxBase, Role, Window


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    RECEIVED = "received", _("已收件")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("待补正")
    ACCEPTED = "accepted", _("办理中")
    SUSPENDED = "suspended", _("中止(特别程序)")
    DECIDED = "decided", _("已决定")
    DELIVERED = "delivered", _("已送达")
    COMPLETED = "completed", _("已办结")
    REFUSED = "refused", _("不予受理")
    WITHDRAWN = "withdrawn", _("已撤回")
    TERMINATED = "terminated", _("已终止")


OPEN_STATUSES = (
    Status.RECEIVED,
    Status.SUPPLEMENT_REQUESTED,
    Status.ACCEPTED,
    Status.SUSPENDED,
    Status.DECIDED,
    Status.DELIVERED,
)
CLOSED_STATUSES = (Status.COMPLETED, Status.REFUSED, Status.WITHDRAWN, Status.TERMINATED)


class Channel(models.TextChoices):
    ONLINE = "online", _("网上申请")
    COUNTER = "counter", _("窗口收件")
    IMPORT = "import", _("历史导入")


class Decision(models.TextChoices):
    GRANT = "grant", _("准予许可")
    DENY = "deny", _("不予许可")


class Delivery(models.TextChoices):
    WINDOW = "window", _("窗口领取")
    POST = "post", _("邮寄送达")
    ELECTRONIC = "electronic", _("电子送达")
    HOME = "home", _("上门送达")  # for the elderly and disabled (hall: delivery)


# An application made by an agent (代理人/代办人) carries the power of attorney (授权委托书). It is kept as material
# number 0 — outside the item's own list (1, 2, …) — so it is uploaded, checked by content, listed and asked for in a
# supplement like any other material. Online it is required before submitting; at the window the clerk sees the paper.
POWER_OF_ATTORNEY = 0
POWER_OF_ATTORNEY_NAME = _("授权委托书")  # str() where it is stored or sent (a material's name)


class Applicant(models.Model):
    """A natural person (resident ID) or a legal person (USCC); with a portal account when they signed up."""

    class Kind(models.TextChoices):
        NATURAL = "natural", _("自然人")
        LEGAL = "legal", _("法人或其他组织")

    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    name = models.CharField(_("姓名/名称"), max_length=100)
    id_number = models.CharField(
        _("证件号码"), max_length=18, help_text=_("居民身份证号码或统一社会信用代码")
    )
    legal_representative = models.CharField(_("法定代表人"), max_length=40, blank=True)
    phone = models.CharField(_("手机号码"), max_length=20, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="applicant",
        verbose_name=_("门户账号"),
    )
    verified_at = models.DateTimeField(_("实名核验时间"), null=True, blank=True)
    verified_by = models.CharField(_("核验渠道"), max_length=60, blank=True)
    created_at = models.DateTimeField(_("登记时间"))

    class Meta:
        verbose_name = verbose_name_plural = _("申请人")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["kind", "id_number"], name="applicant_id_unique")]

    def __str__(self) -> str:
        return self.name


class Case(models.Model):
    """One application and its whole handling (办件). Fields below `status` are copies derived from the events."""

    number = models.CharField(_("办件编号"), max_length=24, unique=True, null=True, blank=True)
    query_code = models.CharField(_("查询码"), max_length=8, blank=True)
    item = models.ForeignKey(ServiceItem, models.PROTECT, related_name="cases", verbose_name=_("事项"))
    version = models.ForeignKey(ItemVersion, models.PROTECT, related_name="cases", verbose_name=_("事项版本"))
    organisation = models.ForeignKey(
        Organisation, models.PROTECT, related_name="cases", verbose_name=_("实施机构")
    )
    applicant = models.ForeignKey(Applicant, models.PROTECT, related_name="cases", verbose_name=_("申请人"))
    agent_name = models.CharField(_("代办人"), max_length=40, blank=True)
    agent_id_number = models.CharField(_("代办人证件号码"), max_length=18, blank=True)
    agent_phone = models.CharField(_("代办人电话"), max_length=20, blank=True)
    channel = models.CharField(_("收件渠道"), max_length=10, choices=Channel.choices)
    window = models.ForeignKey(
        Window, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("收件窗口")
    )
    form = models.JSONField(_("申请表"), default=dict, blank=True)
    # What the applicant chose for receiving the result, and the helper (帮办代办) assigned to them (hall: delivery)
    requested_delivery = models.CharField(
        _("选择的送达方式"), max_length=12, choices=Delivery.choices, blank=True
    )
    delivery_address = models.CharField(_("送达地址"), max_length=200, blank=True)
    helper = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("帮办代办人"),
    )
    idempotency_key = models.CharField(max_length=80, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记人"),
    )
    created_at = models.DateTimeField(_("创建时间"))

    status = models.CharField(_("状态"), max_length=24, choices=Status.choices, default=Status.DRAFT)
    received_at = models.DateTimeField(_("收件时间"), null=True, blank=True)
    intake_start = models.DateField(_("受理审查起算日"), null=True, blank=True)
    intake_due = models.DateField(_("受理决定期限"), null=True, blank=True)
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    deemed_accepted = models.BooleanField(_("视为受理"), default=False)
    promised_due = models.DateField(_("承诺办结期限"), null=True, blank=True)
    legal_due = models.DateField(_("法定办结期限"), null=True, blank=True)
    due_provisional = models.BooleanField(_("期限暂定"), default=False)
    remaining_days = models.IntegerField(_("中止时剩余工作日"), null=True, blank=True)
    extension_days = models.PositiveIntegerField(_("已批准延期(工作日)"), default=0)
    current_step = models.PositiveSmallIntegerField(_("当前环节"), null=True, blank=True)
    decision = models.CharField(_("决定"), max_length=8, choices=Decision.choices, blank=True)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    # 现场办结's other half (the first: an instant item): decided by window-authorised staff stationed at a window of
    # the centre, as they were when deciding — stamped with the decision, so the monthly indicators count it from
    # the case's own row (issue 20) and a later change of the person's authorisation does not rewrite the past.
    decided_onsite = models.BooleanField(_("窗口现场决定"), default=False)
    delivery = models.CharField(_("送达方式"), max_length=12, choices=Delivery.choices, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    revision = models.PositiveIntegerField(_("修订号"), default=0, help_text=_("每次变更加一,用于并发检查"))
    # The organisation's path and its region's path, copied onto the case when it is made (and again if the
    # organisation moves, cases.signals): a member of staff's scope is a prefix of one of them, read from the case's
    # own indexed columns instead of an OR over joined organisations and regions (issue 20).
    org_path = models.CharField(max_length=400, blank=True, default="", editable=False)
    region_path = models.CharField(max_length=160, blank=True, default="", editable=False)

    class Meta:
        verbose_name = verbose_name_plural = _("办件")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="case_idempotency_key_unique",
            )
        ]
        indexes = [
            models.Index(fields=["status", "legal_due"]),
            models.Index(fields=["organisation", "status"]),
            models.Index(fields=["status", "intake_due"]),
            # the monthly indicators read one month of receipts, acceptances and completions
            models.Index(fields=["received_at"]),
            models.Index(fields=["accepted_on"]),
            models.Index(fields=["finished_at"]),
            # lists page by (created_at, id), newest first, by keyset (issue 20); a status filter keeps that order
            models.Index(fields=["created_at", "id"], name="case_created_id"),
            models.Index(fields=["status", "created_at", "id"], name="case_status_created_id"),
            # the scope: a prefix (LIKE 'path%') of either path; pattern ops so PostgreSQL uses them in any collation
            models.Index(fields=["org_path"], name="case_org_path", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["region_path"], name="case_region_path", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return self.number or _("草稿#%(pk)s") % {"pk": self.pk}

    def save(self, *args, **kwargs):
        if self.organisation_id and not self.org_path:
            self.copy_scope()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "org_path", "region_path"}
        super().save(*args, **kwargs)

    def copy_scope(self) -> None:
        """Copy the organisation's and its region's paths onto the case (the scope columns)."""
        organisation = self.organisation
        self.org_path = organisation.path
        self.region_path = organisation.region.path

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class CaseEvent(ImmutableEvent):
    """One immutable step in a case's life; the status and every due date can be rebuilt from these alone."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24)
    organisation = models.ForeignKey(Organisation, models.PROTECT, null=True, blank=True, related_name="+")
    data = models.JSONField(default=dict, blank=True)

    immutable_name = "case events"
    hashed_fields = (
        "case", "seq", "at", "action", "from_status", "to_status", "actor", "actor_label", "organisation", "note",
        "data",
    )  # fmt: skip

    class Meta:
        verbose_name = verbose_name_plural = _("办件记录")
        ordering = ["case", "seq"]
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="case_event_seq_unique")]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.seq} {self.action}"

    @property
    def action_label(self) -> str:
        from zhengwu.cases.workflow import action_label  # the workflow table imports this module

        return action_label(self.action)


def _material_path(instance, filename: str) -> str:
    return f"cases/{instance.case_id}/{filename}"


class CaseMaterial(models.Model):
    """A file the applicant (or the clerk for them) provided for one material of the item's list."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="materials")
    position = models.PositiveSmallIntegerField(_("材料序号"))
    name = models.CharField(_("材料名称"), max_length=200)
    file = models.FileField(_("文件"), upload_to=_material_path)
    filename = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=40)
    size = models.PositiveIntegerField(_("大小(字节)"))
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(_("上传时间"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = _("申请材料文件")
        ordering = ["case", "position", "uploaded_at"]

    def __str__(self) -> str:
        return f"{self.name}:{self.filename}"


class CaseStep(models.Model):
    """One handling step of a case (办理环节), copied from the item version at acceptance, with its kind: the
    decision is made at the step of kind 决定; 制证 and 送达 steps follow it (and are not needed after a denial)."""

    class State(models.TextChoices):
        PENDING = "pending", _("未开始")
        OPEN = "open", _("办理中")
        DONE = "done", _("已完成")
        SKIPPED = "skipped", _("无需办理")

    case = models.ForeignKey(Case, models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("顺序"))
    name = models.CharField(_("环节名称"), max_length=60)
    role = models.CharField(_("责任角色"), max_length=24, choices=Role.choices)
    days = models.PositiveSmallIntegerField(_("时限(工作日)"))
    kind = models.CharField(_("环节类型"), max_length=8, choices=STEP_KIND_CHOICES, default="review")
    state = models.CharField(_("状态"), max_length=8, choices=State.choices, default=State.PENDING)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("承办人"),
    )
    started_on = models.DateField(_("开始日期"), null=True, blank=True)
    due_on = models.DateField(_("环节期限"), null=True, blank=True, db_index=True)
    due_provisional = models.BooleanField(default=False)
    opinion = models.TextField(_("办理意见"), blank=True)
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("办件环节")
        ordering = ["case", "position"]
        constraints = [models.UniqueConstraint(fields=["case", "position"], name="case_step_unique")]
        indexes = [models.Index(fields=["state", "role"])]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.position} {self.name}"


class CaseAttachment(models.Model):
    """A file staff attach to a step's opinion or to the decision (the licence or document issued)."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="attachments")
    step_position = models.PositiveSmallIntegerField(_("环节"), null=True, blank=True)
    purpose = models.CharField(_("用途"), max_length=12, default="opinion")
    file = models.FileField(_("文件"), upload_to=_material_path)
    filename = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = _("办理附件")
        ordering = ["case", "uploaded_at"]

    def __str__(self) -> str:
        return self.filename


class SupplementRequest(models.Model):
    """A request to supplement the application (补正), naming every material and what is wrong with it."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="supplements")
    round = models.PositiveSmallIntegerField(_("轮次"))
    items = models.JSONField(_("补正内容"), help_text=_("[{position, name, problem}]"))
    reason = models.TextField(_("再次补正的书面理由"), blank=True)
    requested_at = models.DateTimeField(_("告知时间"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    supplied_at = models.DateTimeField(_("补齐时间"), null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("补正告知")
        ordering = ["case", "round"]
        constraints = [models.UniqueConstraint(fields=["case", "round"], name="supplement_round_unique")]

    def __str__(self) -> str:
        return _("%(case_id)s 第%(round)s次补正") % {"case_id": self.case_id, "round": self.round}


class Suspension(models.Model):
    """A special procedure (特别程序) during which the limit does not run."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="suspensions")
    kind = models.CharField(_("特别程序"), max_length=16)
    reason = models.TextField(_("理由"))
    expected_days = models.PositiveSmallIntegerField(_("预计时长(工作日)"))
    started_on = models.DateField(_("中止日期"))
    ended_on = models.DateField(_("恢复日期"), null=True, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = _("中止")
        ordering = ["case", "started_on", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.started_on}"


class ExtensionRequest(models.Model):
    """An extension (延期) requested by the handler and decided by the department head."""

    class State(models.TextChoices):
        PENDING = "pending", _("待审批")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("不批准")

    case = models.ForeignKey(Case, models.CASCADE, related_name="extensions")
    days = models.PositiveSmallIntegerField(_("延期工作日"))
    reason = models.TextField(_("理由"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PENDING)
    requested_at = models.DateTimeField()
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("审批意见"), blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("延期申请")
        ordering = ["case", "requested_at"]

    def __str__(self) -> str:
        return f"{self.case_id} +{self.days}"


class ServeWay(models.TextChoices):
    """How a written notice reached the applicant (书面送达)."""

    POST = "post", _("邮寄送达")
    PICKUP = "pickup", _("当面领取")
    LEFT = "left", _("留置送达")
    AGENT = "agent", _("交代办人")
    # handed to the applicant (or their agent) at the counter when it was issued, with them present (cases.notices)
    ONSITE = "onsite", _("当场送达")


class Notice(models.Model):
    """An official notice issued on a case; `essentials` is what it says, frozen at issue; `token` opens the
    public verification page."""

    class Kind(models.TextChoices):
        ACCEPTANCE = "acceptance", _("受理通知书")
        SUPPLEMENT = "supplement", _("补正材料通知书")
        REFUSAL = "refusal", _("不予受理通知书")
        GRANT = "grant", _("准予行政许可决定书")
        DENIAL = "denial", _("不予行政许可决定书")

    case = models.ForeignKey(Case, models.CASCADE, related_name="notices")
    kind = models.CharField(_("文书"), max_length=12, choices=Kind.choices)
    document_number = models.CharField(_("文号"), max_length=60)
    token = models.CharField(max_length=32, unique=True)
    issued_at = models.DateTimeField(_("出具时间"))
    essentials = models.JSONField(default=dict)
    # the event it was issued with, whose messages told the applicant of it (none: issued before we kept it)
    event = models.ForeignKey(CaseEvent, models.SET_NULL, related_name="+", null=True, blank=True)
    # 书面送达 (cases.written): a notice whose messages reached nobody is served on paper; copies of the
    # serve_notice event — or of the issuing event's `handed_over` (当场送达, cases.notices.issue) — for the queue
    served_on = models.DateField(_("书面送达日期"), null=True, blank=True)
    served_way = models.CharField(
        _("书面送达方式"), max_length=12, choices=ServeWay.choices, blank=True, default="", db_default=""
    )
    tracking_number = models.CharField(_("邮件单号"), max_length=40, blank=True, default="", db_default="")
    # printed from the queue to be served (cases.written.print_notice, with its audit record): the last print, so
    # a second clerk sees it is in hand
    printed_at = models.DateTimeField(_("打印时间"), null=True, blank=True)
    printed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("打印人"),
    )
    printed_by_label = models.CharField(_("打印人"), max_length=150, blank=True, default="", db_default="")

    class Meta:
        verbose_name = verbose_name_plural = _("文书")
        ordering = ["case", "issued_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.document_number}"


class OutboxMessage(OutboxBase):
    """The one outbox (core.outbox): every message the platform sends — an applicant's notification, a one-time
    notice, a supervision warning — with the case it is about, when there is one."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="messages", null=True, blank=True)
    # the case event the message tells of: when none of the messages of the event a notice was issued for could be
    # sent, the notice is served on paper (cases.written)
    event = models.ForeignKey(CaseEvent, models.CASCADE, related_name="messages", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("通知发件箱")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]
