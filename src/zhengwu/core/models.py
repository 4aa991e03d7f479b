"""The shared kernel's records: regions, organisations, centres and windows, staff and roles, the calendar, the audit chain,
and `AppendOnly`/`ImmutableEvent`, the abstract bases of the domains' append-only tables."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """An administrative division (行政区划), GB/T 2260 code; townships and villages use the 9/12-digit statistical code."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("省")
        CITY = 2, _("市")
        COUNTY = 3, _("县")
        TOWNSHIP = 4, _("乡镇")
        VILLAGE = 5, _("村(社区)")

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    level = models.PositiveSmallIntegerField(_("层级"), choices=Level.choices)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("上级")
    )
    # Materialised path of codes ("/360000/360600/360681/"): descendants are one indexed prefix query on any database.
    path = models.CharField(max_length=160, db_index=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.path = f"{self.parent.path if self.parent else '/'}{self.code}/"
        super().save(*args, **kwargs)


class Organisation(models.Model):
    """A government body or public service unit (机构 / 部门) with its USCC."""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("人民政府")
        DEPARTMENT = "department", _("政府工作部门")
        AGENCY = "agency", _("派出机构 / 直属机构")
        PUBLIC_SERVICE_UNIT = "public_service_unit", _("公共服务单位")
        SERVICE_CENTRE_ADMIN = "centre_admin", _("政务服务管理机构")
        OTHER = "other", _("其他")

    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=40, blank=True)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    kind = models.CharField(_("类型"), max_length=24, choices=Kind.choices, default=Kind.DEPARTMENT)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("上级机构")
    )
    region = models.ForeignKey(
        Region, models.PROTECT, related_name="organisations", verbose_name=_("行政区划")
    )
    duties = models.TextField(_("职能描述"), blank=True)
    phone = models.CharField(_("咨询电话"), max_length=32, blank=True)
    supervision_phone = models.CharField(_("监督电话"), max_length=32, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)
    # The 12345 hotline centre takes the calls and dispatches the tickets; it handles none (tickets.permissions)
    is_hotline_centre = models.BooleanField(
        _("12345热线中心"),
        default=False,
        help_text=_("受理12345热线来电并派单的机构;不作为承办单位接收派单"),
    )
    path = models.CharField(max_length=400, db_index=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = _("机构")
        ordering = ["region__code", "name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        path = f"{self.parent.path if self.parent else '/'}{self.pk}/"
        if path != self.path:
            self.path = path
            type(self).objects.filter(pk=self.pk).update(path=path)


class ServiceCentre(models.Model):
    """A hall where applications are taken: the centre, a branch, a township centre or a village service point."""

    class Kind(models.TextChoices):
        CENTRE = "centre", _("政务服务中心")
        BRANCH = "branch", _("分中心")
        TOWNSHIP = "township", _("便民服务中心")
        VILLAGE = "village", _("便民服务站")

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    region = models.ForeignKey(Region, models.PROTECT, related_name="centres", verbose_name=_("行政区划"))
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("上级中心")
    )
    managed_by = models.ForeignKey(
        Organisation,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="managed_centres",
        verbose_name=_("管理机构"),
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("电话"), max_length=32, blank=True)
    opening_hours = models.CharField(_("办公时间"), max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("服务中心")
        ordering = ["region__code", "kind", "name"]

    def __str__(self) -> str:
        return self.name


class Window(models.Model):
    """A counter (窗口) in a centre: general (综合窗口) or dedicated to one or more organisations (专窗)."""

    class Kind(models.TextChoices):
        GENERAL = "general", _("综合窗口")
        DEDICATED = "dedicated", _("专窗")

    centre = models.ForeignKey(
        ServiceCentre, models.PROTECT, related_name="windows", verbose_name=_("服务中心")
    )
    number = models.CharField(_("窗口号"), max_length=16)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="windows", verbose_name=_("进驻机构")
    )
    is_active = models.BooleanField(_("启用"), default=True)
    collects_fees = models.BooleanField(
        _("收费窗口"),
        default=False,
        help_text=_("财政部门在中心设的收费窗口:统一收取本中心各进驻部门的非税收入,不受理办件"),
    )

    class Meta:
        verbose_name = verbose_name_plural = _("窗口")
        ordering = ["centre", "number"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "number"], name="window_number_unique_in_centre")
        ]

    def __str__(self) -> str:
        """How people name a window: "1号窗口 综合受理窗口" (a name that already says its number is not repeated)."""
        label = _("%(number)s号窗口") % {"number": self.number}
        return self.name if self.name.startswith(label) else f"{label} {self.name}".strip()


class Role(models.TextChoices):
    """What a staff member may do; scope comes from their organisation (or region, for oversight roles)."""

    WINDOW_CLERK = "window_clerk", _("窗口工作人员")
    APPROVER = "approver", _("审批人员")
    DEPARTMENT_HEAD = "department_head", _("部门负责人")
    CENTRE_MANAGER = "centre_manager", _("中心管理人员")
    SUPERVISOR = "supervisor", _("监察人员")
    DISCLOSURE_OFFICER = "disclosure_officer", _("政务公开人员")
    CONFIDENTIALITY_REVIEWER = "confidentiality_reviewer", _("保密审查人员")
    HOTLINE_OPERATOR = "hotline_operator", _("热线话务员")
    ADMINISTRATOR = "administrator", _("系统管理员")


class Staff(models.Model):
    """A person who works for an organisation: the profile of a Django user, with their roles."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="staff", verbose_name=_("账号")
    )
    name = models.CharField(_("姓名"), max_length=40)
    organisation = models.ForeignKey(
        Organisation, models.PROTECT, related_name="staff", verbose_name=_("所在机构")
    )
    window = models.ForeignKey(
        Window,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("窗口"),
        help_text=_("空表示后台(不在窗口)"),
    )
    phone = models.CharField(_("手机号码"), max_length=20, blank=True)
    title = models.CharField(_("职务"), max_length=40, blank=True)
    window_authorised = models.BooleanField(
        _("窗口授权"), default=False, help_text=_("首席代表:本部门授权在窗口直接作出决定")
    )

    class Meta:
        verbose_name = verbose_name_plural = _("工作人员")
        ordering = ["organisation", "name"]

    def __str__(self) -> str:
        return f"{self.name}({self.organisation})"

    @property
    def role_codes(self) -> set[str]:
        if not hasattr(self, "_role_codes"):
            self._role_codes = {r.role for r in self.roles.all()}
        return self._role_codes

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_codes.intersection(roles))


class StaffRole(models.Model):
    staff = models.ForeignKey(Staff, models.CASCADE, related_name="roles")
    role = models.CharField(_("角色"), max_length=24, choices=Role.choices)

    class Meta:
        verbose_name = verbose_name_plural = _("角色")
        constraints = [models.UniqueConstraint(fields=["staff", "role"], name="staff_role_unique")]

    def __str__(self) -> str:
        return self.get_role_display()


class CalendarYear(models.Model):
    """A year's statutory holidays and adjusted working days loaded by an administrator (overrides chinesecalendar)."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    holidays = models.JSONField(_("法定节假日"), default=list)
    workdays = models.JSONField(_("调休上班日"), default=list)
    source = models.CharField(_("依据"), max_length=200, blank=True)
    loaded_at = models.DateTimeField(_("载入时间"))
    loaded_by = models.CharField(_("载入人"), max_length=150, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("节假日安排")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class AuditRecord(models.Model):
    """One append-only line of the audit chain; `hash` covers the line and the previous line's hash.

    A service appends the line without its place in the chain (`seq`, `prev_hash` and `hash` empty); the sealing
    step (`core.audit.seal`) gives each unsealed line, in id order, the next place and chains its hash onto the line
    before it, exactly once (the database refuses any other change, and any change once sealed)."""

    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    actor_label = models.CharField(_("操作人"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=64, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=64, blank=True)
    object_id = models.CharField(_("对象"), max_length=64, blank=True, db_index=True)
    summary = models.JSONField(_("摘要"), default=dict)
    ip = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    seq = models.PositiveBigIntegerField(_("链上序号"), null=True, blank=True, unique=True)
    prev_hash = models.CharField(max_length=64, null=True, blank=True)
    hash = models.CharField(max_length=64, unique=True, null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("审计记录")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["id"], condition=models.Q(seq__isnull=True), name="core_audit_unsealed")
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id}"


class ImmutableEventError(RuntimeError):
    """Someone tried to change or delete a stored event. A RuntimeError: it is a programming error, not a user's."""


class AppendOnly(models.Model):
    """The base of every append-only record the platform keeps besides the audit chain: case and ticket events, order
    steps, rectification events, the publication review ledger, disclosure request events.

    Such a row is written once and never changed: the model refuses a second `save()` and any `delete()`
    (`ImmutableEventError`), and the database refuses UPDATE and DELETE (triggers installed by each table's migration
    through `core.appendonly.protect`). The audit record its service writes in the same transaction carries the row's
    digest (`audit.record(..., rows=[row])`), so `zhengwu audit verify` finds a row that was altered, removed or
    written outside a service, whatever was done to the triggers (see docs/architecture.md).

    `hashed_fields` names the columns the digest covers, fixed per model: a field added later is not part of old
    rows' digests (tests/core/test_append_only.py makes adding one a decision).
    """

    hashed_fields: tuple[str, ...] = ()
    # Plural noun for the error message: "case events are immutable".
    immutable_name = "events"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ImmutableEventError(f"{self.immutable_name} are immutable")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableEventError(f"{self.immutable_name} are immutable")


class ImmutableEvent(AppendOnly):
    """The shape of an append-only event row (CaseEvent, TicketEvent, OrderStep, RectificationEvent).

    Holds what every event has: its number within its parent (`seq`), when, what (`action`), who (`actor`, and
    `actor_label` as shown at the time) and a note. A subclass adds the foreign key to its parent, its ordering and
    its (parent, seq) constraint, and overrides a field whose stored width differs (the migrations are the truth).
    An account that acted cannot be deleted (PROTECT): deactivate it instead.
    """

    seq = models.PositiveIntegerField()
    at = models.DateTimeField()
    action = models.CharField(max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        abstract = True


class IdempotentRequest(models.Model):
    """The first answer to an API create sent with an `Idempotency-Key` header (core.idempotency): a retry with the
    same key and the same request gets this answer again instead of making a second record."""

    scope = models.CharField(max_length=40)  # "user:<id>" or "anonymous"
    key = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64)  # sha256 of method, path and body
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=500)
    status = models.PositiveSmallIntegerField()
    content_type = models.CharField(max_length=100)
    body = models.BinaryField()
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="idempotent_request_scope_key")]

    def __str__(self) -> str:
        return f"{self.method} {self.path} [{self.key}]"


class NumberSequence(models.Model):
    """The last sequence number given under one prefix (a case's region and year, a ticket's day, an order's year):
    core.numbering locks this row for the transaction, so two services never hand out the same number."""

    prefix = models.CharField(max_length=40, unique=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = _("编号序列")

    def __str__(self) -> str:
        return f"{self.prefix}:{self.last}"


class OutboxBase(models.Model):
    """A message the platform sends (core.outbox): written with the change that caused it, sent after commit with
    bounded retries. Abstract: the one concrete table is cases.OutboxMessage, which adds the case a message is
    about (none for messages about no case); core.outbox works on whichever table registered."""

    class State(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")
        NOT_SENT = (
            "not_sent",
            _("未发送"),
        )  # kept with the reason (last_error): an SMS with no mobile number to go to

    channel = models.CharField(_("渠道"), max_length=8)
    recipient = models.CharField(_("接收方"), max_length=254)
    subject = models.CharField(_("主题"), max_length=200, blank=True)
    body = models.TextField(_("内容"))
    state = models.CharField(_("状态"), max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)
    created_at = models.DateTimeField()
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.channel}→{self.recipient} {self.state}"
