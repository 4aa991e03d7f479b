"""Public interaction (政民互动 / 12345): categories, tickets, their events, dispatch, knowledge base, Open311 keys."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengwu.core.models import ImmutableEvent, Organisation, Region
from zhengwu.tickets.deadlines import DEFAULT_LIMITS


class Kind(models.TextChoices):
    CONSULT = "consult", _("咨询")
    HELP = "help", _("求助")
    COMPLAINT = "complaint", _("投诉")
    REPORT = "report", _("举报")
    SUGGESTION = "suggestion", _("建议")
    PRAISE = "praise", _("表扬")


# Only a report (举报) may be filed without a name: the reporter follows it with the query code.
ANONYMOUS_KINDS = frozenset({Kind.REPORT})


class Channel(models.TextChoices):
    PORTAL = "portal", _("门户网站")
    HOTLINE = "hotline", _("12345热线")
    MOBILE = "mobile", _("移动端")
    LETTER = "letter", _("来信")
    MAILBOX = "mailbox", _("领导信箱")
    OPEN311 = "open311", _("Open311 接口")
    IMPORT = "import", _("历史导入")


class Status(models.TextChoices):
    NEW = "new", _("已登记")
    DISPATCHED = "dispatched", _("已派单")
    RETURNED = "returned", _("已退单")
    ACKNOWLEDGED = "acknowledged", _("办理中")
    REPLIED = "replied", _("已答复")
    REOPENED = "reopened", _("重办中")
    CLOSED = "closed", _("已办结")
    MERGED = "merged", _("已合并")


OPEN_STATUSES = (
    Status.NEW,
    Status.DISPATCHED,
    Status.RETURNED,
    Status.ACKNOWLEDGED,
    Status.REPLIED,
    Status.REOPENED,
)


class Category(models.Model):
    """A node of the category tree (maintained by the centre), with the time limits its tickets get."""

    code = models.CharField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("上级分类")
    )
    description = models.TextField(_("说明"), blank=True)
    default_organisation = models.ForeignKey(
        Organisation, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("默认承办单位")
    )
    acknowledge_workdays = models.PositiveSmallIntegerField(
        _("签收/退单时限(工作日)"), default=DEFAULT_LIMITS.acknowledge_workdays
    )
    handle_workdays = models.PositiveSmallIntegerField(
        _("办理时限(工作日)"), default=DEFAULT_LIMITS.handle_workdays
    )
    max_extension_workdays = models.PositiveSmallIntegerField(
        _("最多延期(工作日)"), default=DEFAULT_LIMITS.max_extension_workdays
    )
    urgent_acknowledge_hours = models.PositiveSmallIntegerField(
        _("紧急件签收时限(小时)"), default=DEFAULT_LIMITS.urgent_acknowledge_hours
    )
    urgent_handle_hours = models.PositiveSmallIntegerField(
        _("紧急件办理时限(小时)"), default=DEFAULT_LIMITS.urgent_handle_hours
    )
    first_answer_hours = models.PositiveSmallIntegerField(
        _("政民互动首次答复时限(小时)"),
        default=DEFAULT_LIMITS.first_answer_hours,
        help_text=_("网站留言、领导信箱、移动端和 Open311 的诉求,自登记起按自然小时计算(节假日不顺延)"),
    )
    is_active = models.BooleanField(_("启用"), default=True)
    path = models.CharField(max_length=400, db_index=True, editable=False, default="/")

    class Meta:
        verbose_name = verbose_name_plural = _("诉求分类")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        self.path = f"{self.parent.path if self.parent else '/'}{self.code}/"
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return f"{self.parent.full_name} / {self.name}" if self.parent_id else self.name


class Mailbox(models.Model):
    """A public mailbox (领导信箱) of a named leader."""

    leader_name = models.CharField(_("领导姓名"), max_length=40)
    title = models.CharField(_("职务"), max_length=60)
    organisation = models.ForeignKey(
        Organisation, models.PROTECT, related_name="+", verbose_name=_("所在机构")
    )
    is_active = models.BooleanField(_("开放"), default=True)

    class Meta:
        verbose_name = verbose_name_plural = _("领导信箱")

    def __str__(self) -> str:
        return _("%(title)s%(leader_name)s信箱") % {"title": self.title, "leader_name": self.leader_name}


class Ticket(models.Model):
    """One citizen's matter (诉求 / 工单) from intake to follow-up."""

    number = models.CharField(_("工单编号"), max_length=20, unique=True)
    query_code = models.CharField(_("查询码"), max_length=8)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    channel = models.CharField(_("来源渠道"), max_length=16, choices=Channel.choices)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.NEW, db_index=True
    )
    category = models.ForeignKey(Category, models.PROTECT, related_name="tickets", verbose_name=_("分类"))
    title = models.CharField(_("标题"), max_length=120)
    content = models.TextField(_("诉求内容"))
    caller_name = models.CharField(_("诉求人"), max_length=40, blank=True)
    caller_phone = models.CharField(_("联系电话"), max_length=20, blank=True, db_index=True)
    anonymous = models.BooleanField(_("匿名"), default=False)
    public_allowed = models.BooleanField(_("同意公开答复"), default=False)
    address = models.CharField(_("事发地点"), max_length=200, blank=True)
    region = models.ForeignKey(
        Region, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("所属乡镇")
    )
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    mailbox = models.ForeignKey(Mailbox, models.PROTECT, null=True, blank=True, related_name="tickets")
    urgent = models.BooleanField(_("紧急"), default=False)
    received_at = models.DateTimeField(_("登记时间"), db_index=True)
    dispatched_at = models.DateTimeField(_("派单时间"), null=True, blank=True)
    acknowledge_due = models.DateTimeField(_("签收期限"), null=True, blank=True)
    handle_due = models.DateTimeField(_("办理期限"), null=True, blank=True, db_index=True)
    deadline_provisional = models.BooleanField(default=False)
    first_answer_due = models.DateTimeField(_("首次答复期限"), null=True, blank=True, db_index=True)
    first_answered_at = models.DateTimeField(_("首次答复时间"), null=True, blank=True)
    first_answer_warned = models.CharField(
        _("首次答复已预警"), max_length=12, blank=True, default="", help_text=_("已推送的最高预警级别")
    )
    extension_workdays = models.PositiveSmallIntegerField(_("已延期(工作日)"), default=0)
    lead_organisation = models.ForeignKey(
        Organisation,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="lead_tickets",
        verbose_name=_("主办单位"),
    )
    return_count = models.PositiveSmallIntegerField(_("退单次数"), default=0)
    reopen_count = models.PositiveSmallIntegerField(_("重办次数"), default=0)
    urge_count = models.PositiveSmallIntegerField(_("催办次数"), default=0)
    reply = models.TextField(_("答复内容"), blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    solved = models.BooleanField(_("已解决"), null=True)
    satisfied = models.BooleanField(_("满意"), null=True)
    merged_into = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="merged", verbose_name=_("并入工单")
    )
    published_content = models.TextField(_("公开诉求(已脱敏)"), blank=True)
    published_reply = models.TextField(_("公开答复(已脱敏)"), blank=True)
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记人"),
    )

    class Meta:
        verbose_name = verbose_name_plural = _("诉求工单")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["status", "handle_due"]),
            models.Index(fields=["lead_organisation", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def first_answer_state(self) -> str:
        """On time / due soon / overdue while the 24-hour first answer is awaited, answered (late) after it."""
        from zhengwu.core import clock
        from zhengwu.tickets.deadlines import first_answer_state

        return first_answer_state(
            clock.now(), self.first_answer_due, self.first_answered_at, is_open=self.is_open
        )

    @property
    def first_answer_state_label(self) -> str:
        return str(FIRST_ANSWER_STATE_LABELS.get(self.first_answer_state, ""))


class Assignment(models.Model):
    """An organisation's part in one dispatch round: the lead (主办) or a co-handler (协办)."""

    class Role(models.TextChoices):
        LEAD = "lead", _("主办")
        CO = "co", _("协办")

    ticket = models.ForeignKey(Ticket, models.CASCADE, related_name="assignments")
    organisation = models.ForeignKey(Organisation, models.PROTECT, related_name="ticket_assignments")
    role = models.CharField(_("角色"), max_length=8, choices=Role.choices)
    assigned_at = models.DateTimeField(_("派单时间"))
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    acknowledged_late = models.BooleanField(_("超时签收"), default=False)
    returned_at = models.DateTimeField(_("退单时间"), null=True, blank=True)
    return_reason = models.TextField(_("退单理由"), blank=True)
    active = models.BooleanField(default=True, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = _("派单")
        ordering = ["-assigned_at", "role"]

    def __str__(self) -> str:
        return f"{self.ticket_id}:{self.organisation_id}:{self.role}"


class TicketEvent(ImmutableEvent):
    """One immutable step in a ticket's life; the status can be rebuilt from these alone."""

    ticket = models.ForeignKey(Ticket, models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Status.choices)
    organisation = models.ForeignKey(Organisation, models.PROTECT, null=True, blank=True, related_name="+")
    data = models.JSONField(default=dict, blank=True)

    immutable_name = "ticket events"
    hashed_fields = (
        "ticket", "seq", "at", "action", "from_status", "to_status", "actor", "actor_label", "organisation", "note",
        "data",
    )  # fmt: skip

    class Meta:
        verbose_name = verbose_name_plural = _("工单记录")
        ordering = ["ticket", "seq"]
        constraints = [models.UniqueConstraint(fields=["ticket", "seq"], name="ticket_event_seq_unique")]

    def __str__(self) -> str:
        return f"{self.ticket_id}#{self.seq} {self.action}"

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))


ACTION_LABELS = {
    "file": _("登记"),
    "close_directly": _("直接办结"),
    "dispatch": _("派单"),
    "acknowledge": _("签收"),
    "deem_acknowledged": _("超时视为签收"),
    "co_acknowledge": _("协办签收"),
    "return": _("退单"),
    "request_extension": _("申请延期"),
    "decide_extension": _("审批延期"),
    "reply": _("答复"),
    "follow_up_solved": _("回访:已解决"),
    "follow_up_unsolved": _("回访:未解决,重办"),
    "close_unreached": _("回访未果办结"),
    "merge": _("合并"),
    "close_with_primary": _("随主工单办结"),
    "supervise": _("督办"),
    "publish": _("公开答复"),
    "interim_reply": _("受理回复"),
    "first_answer_warning": _("首次答复预警"),
    "urge": _("来电催办"),
}

# Actions the citizen never sees on the tracking page (internal reminders).
INTERNAL_ACTIONS = frozenset({"first_answer_warning"})

FIRST_ANSWER_STATE_LABELS = {
    "on_time": _("待首次答复"),
    "due_soon": _("首次答复即将到期"),
    "overdue": _("超时未首次答复"),
    "answered": _("已按时首次答复"),
    "answered_late": _("首次答复超时"),
}


class Extension(models.Model):
    """A request to extend the handling limit, decided by the centre."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("待审批")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("不批准")
        LAPSED = "lapsed", _("已答复,无需审批")  # the lead replied while it was pending

    ticket = models.ForeignKey(Ticket, models.CASCADE, related_name="extensions")
    organisation = models.ForeignKey(Organisation, models.PROTECT, related_name="+")
    workdays = models.PositiveSmallIntegerField(_("延期工作日"))
    reason = models.TextField(_("理由"))
    requested_at = models.DateTimeField()
    decision = models.CharField(max_length=12, choices=Decision.choices, default=Decision.PENDING)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.ticket_id} +{self.workdays}"


class SupervisionOrder(models.Model):
    """A supervision order (督办) issued on a ticket: act by a date."""

    ticket = models.ForeignKey(Ticket, models.CASCADE, related_name="supervision_orders")
    organisation = models.ForeignKey(Organisation, models.PROTECT, null=True, blank=True, related_name="+")
    issued_at = models.DateTimeField()
    due = models.DateTimeField()
    note = models.TextField(_("督办意见"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")

    def __str__(self) -> str:
        return _("督办 %(ticket_id)s") % {"ticket_id": self.ticket_id}


class KnowledgeEntry(models.Model):
    """An answer operators give directly (知识库); popular published entries become the portal's FAQ."""

    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")
        RETIRED = "retired", _("已停用")

    title = models.CharField(_("问题"), max_length=200)
    answer = models.TextField(_("答案"))
    keywords = models.CharField(_("关键词"), max_length=200, blank=True)
    category = models.ForeignKey(Category, models.SET_NULL, null=True, blank=True, related_name="+")
    owner = models.ForeignKey(Organisation, models.PROTECT, related_name="+", verbose_name=_("负责单位"))
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.PUBLISHED)
    review_due = models.DateField(_("复核日期"), null=True, blank=True)
    expires_on = models.DateField(_("失效日期"), null=True, blank=True)
    uses = models.PositiveIntegerField(_("引用次数"), default=0)
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = verbose_name_plural = _("知识库条目")
        ordering = ["-uses", "id"]

    def __str__(self) -> str:
        return self.title


class KnowledgeTerm(models.Model):
    """The inverted index of the knowledge base: one searchable term (word, pinyin, initials) of one entry."""

    entry = models.ForeignKey(KnowledgeEntry, models.CASCADE, related_name="terms")
    term = models.CharField(max_length=64, db_index=True)
    weight = models.FloatField(default=1.0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "term"], name="knowledge_term_unique")]

    def __str__(self) -> str:
        return self.term


class ApiKey(models.Model):
    """A key an Open311 client sends (api_key) to file requests; only its hash is stored."""

    name = models.CharField(_("客户端"), max_length=100)
    prefix = models.CharField(max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = verbose_name_plural = _("Open311 密钥")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class DispatchModel(models.Model):
    """A trained dispatch classifier (serialised), with how well it did on held-back tickets."""

    trained_at = models.DateTimeField()
    backend = models.CharField(max_length=20)
    samples = models.PositiveIntegerField()
    accuracy = models.FloatField(null=True)
    baseline_accuracy = models.FloatField(null=True)
    blob = models.BinaryField()

    class Meta:
        ordering = ["-trained_at", "-id"]

    def __str__(self) -> str:
        return f"{self.backend} {self.trained_at:%Y-%m-%d %H:%M}"
