"""The hall's records: each centre's settings, window groups, slot rules and the slots they make, bookings, and the
queue numbers taken and called."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhengwu.core.models import ServiceCentre, Window


class BookedPriority(models.TextChoices):
    """How checked-in bookings are called among walk-ins (the centre chooses)."""

    FIRST = "first", _("预约号优先叫号")
    ALTERNATE = "alternate", _("预约号与现场号交替叫号")
    NONE = "none", _("按取号先后叫号")


class HallSettings(models.Model):
    """A centre's rules for its hall; a centre without a row uses the defaults."""

    centre = models.OneToOneField(
        ServiceCentre, models.CASCADE, related_name="hall_settings", verbose_name=_("服务中心")
    )
    booked_priority = models.CharField(
        _("预约号叫号规则"), max_length=10, choices=BookedPriority.choices, default=BookedPriority.FIRST
    )
    early_check_in_minutes = models.PositiveSmallIntegerField(
        _("可提前签到(分钟)"), default=30, validators=[MaxValueValidator(240)]
    )
    late_check_in_minutes = models.PositiveSmallIntegerField(
        _("迟到宽限(分钟)"),
        default=15,
        validators=[MaxValueValidator(240)],
        help_text=_("超过时段开始后该时间未签到的预约计为爽约"),
    )
    no_show_limit = models.PositiveSmallIntegerField(
        _("爽约次数上限"),
        default=3,
        validators=[MinValueValidator(1)],
        help_text=_("统计期内爽约达到该次数,暂停网上预约"),
    )
    no_show_days = models.PositiveSmallIntegerField(
        _("爽约统计期(天)"), default=90, validators=[MinValueValidator(1)]
    )
    wait_limit_minutes = models.PositiveSmallIntegerField(
        _("等候时长上限(分钟)"),
        default=30,
        validators=[MinValueValidator(1)],
        help_text=_("等候超过该时长向中心管理人员预警"),
    )
    booking_days = models.PositiveSmallIntegerField(
        _("可预约天数"), default=14, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    duty_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("值班负责人"),
        help_text=_("接收等候超时预警(工作台提醒和短信);未指定时发给中心管理人员"),
    )

    class Meta:
        verbose_name = verbose_name_plural = _("大厅设置")

    def __str__(self) -> str:
        return str(self.centre)


class WindowGroup(models.Model):
    """Windows that serve the same items and share one queue, its numbers starting with the group's letter."""

    centre = models.ForeignKey(
        ServiceCentre, models.CASCADE, related_name="window_groups", verbose_name=_("服务中心")
    )
    name = models.CharField(_("名称"), max_length=60)
    prefix = models.CharField(
        _("号码字头"),
        max_length=2,
        validators=[RegexValidator(r"^[A-Z]{1,2}$", _("号码字头为一到两个大写字母"))],
    )
    windows = models.ManyToManyField(Window, blank=True, related_name="hall_groups", verbose_name=_("窗口"))
    items = models.ManyToManyField(
        "catalog.ServiceItem", blank=True, related_name="hall_groups", verbose_name=_("可办事项")
    )
    service_minutes = models.PositiveSmallIntegerField(
        _("平均办理时长(分钟)"),
        default=10,
        validators=[MinValueValidator(1)],
        help_text=_("尚无当日数据时用于估计等候时间"),
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("分组负责人"),
        help_text=_("接收本分组的等候超时预警"),
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = verbose_name_plural = _("窗口分组")
        ordering = ["centre", "prefix"]
        constraints = [models.UniqueConstraint(fields=["centre", "prefix"], name="hall_group_prefix_unique")]

    def __str__(self) -> str:
        return f"{self.prefix} {self.name}"


class OpeningHours(models.Model):
    """A centre's office hours on working days (办公时间), for the whole centre or one window group, from a day of the
    year (a season: 夏季作息 from 5月1日, 冬季作息 from 10月1日) until the next row's day; numbers are given and
    ordinary booking slots made within them. A centre without rows keeps the ordinary hours (hall.slots)."""

    centre = models.ForeignKey(
        ServiceCentre, models.CASCADE, related_name="hall_hours", verbose_name=_("服务中心")
    )
    group = models.ForeignKey(
        WindowGroup,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="hall_hours",
        verbose_name=_("窗口分组"),
        help_text=_("空表示全中心"),
    )
    name = models.CharField(_("名称"), max_length=20, help_text=_("如:夏季作息、冬季作息"))
    from_month = models.PositiveSmallIntegerField(
        _("起始月"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    from_day = models.PositiveSmallIntegerField(
        _("起始日"), validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    morning_open = models.TimeField(_("上午上班"))
    morning_close = models.TimeField(_("上午下班"))
    afternoon_open = models.TimeField(_("下午上班"))
    afternoon_close = models.TimeField(_("下午下班"))

    class Meta:
        verbose_name = verbose_name_plural = _("办公时间")
        ordering = ["centre", "group", "from_month", "from_day"]
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "group", "from_month", "from_day"], name="hall_hours_one_per_season"
            ),
            models.UniqueConstraint(
                fields=["centre", "from_month", "from_day"],
                condition=Q(group__isnull=True),
                name="hall_hours_one_per_season_centre",
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(season)s %(month)s月%(day)s日起") % {
            "season": self.name,
            "month": self.from_month,
            "day": self.from_day,
        }

    @property
    def periods(self) -> list:
        return [(self.morning_open, self.morning_close), (self.afternoon_open, self.afternoon_close)]

    @property
    def label(self) -> str:
        """上午 08:30–12:00,下午 14:30–17:30"""
        return gettext("上午 %(a)s–%(b)s,下午 %(c)s–%(d)s") % {
            "a": f"{self.morning_open:%H:%M}",
            "b": f"{self.morning_close:%H:%M}",
            "c": f"{self.afternoon_open:%H:%M}",
            "d": f"{self.afternoon_close:%H:%M}",
        }


class DayKinds(models.TextChoices):
    """Which days a slot rule serves; the kind of each day comes from the working-day calendar."""

    WORKDAYS = "workdays", _("工作日(含调休上班日)")
    WEEKENDS = "weekends", _("周末(法定节假日除外)")
    HOLIDAYS = "holidays", _("法定节假日")


# Slots line up with the clock: a length that divides the hour, or whole hours (a 7-minute slot drifts off the hour).
SLOT_LENGTHS = (5, 10, 15, 20, 30, 60, 120, 180, 240)


def validate_slot_minutes(value) -> None:
    """A slot's length in minutes: one of SLOT_LENGTHS, or ValidationError saying which may be chosen."""
    if value not in SLOT_LENGTHS:
        raise ValidationError(
            _("每时段分钟数应为 %(lengths)s 分钟之一(能整除一小时或为整小时),不能设为 %(value)s 分钟"),
            code="slot_minutes",
            params={"lengths": "、".join(str(n) for n in SLOT_LENGTHS), "value": value},
        )


class SlotRule(models.Model):
    """When a group (or one item of it) can be booked: the days, the hours, the length and the places of a slot."""

    group = models.ForeignKey(
        WindowGroup, models.CASCADE, related_name="slot_rules", verbose_name=_("窗口分组")
    )
    item = models.ForeignKey(
        "catalog.ServiceItem",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("事项"),
        help_text=_("空表示分组内所有事项"),
    )
    days = models.CharField(_("适用日期"), max_length=10, choices=DayKinds.choices, default=DayKinds.WORKDAYS)
    weekdays = models.CharField(
        _("星期"),
        max_length=7,
        default="12345",
        validators=[RegexValidator(r"^[1-7]{1,7}$", _("星期用数字 1–7 表示,如 12345"))],
        help_text=_("1 为星期一,7 为星期日;调休上班日按工作日计"),
    )
    extended = models.BooleanField(_("延时服务"), default=False, help_text=_("午间或下班后的延时服务时段"))
    start = models.TimeField(_("开始时间"))
    end = models.TimeField(_("结束时间"))
    slot_minutes = models.PositiveSmallIntegerField(
        _("每时段(分钟)"), default=30, validators=[validate_slot_minutes]
    )
    capacity = models.PositiveSmallIntegerField(
        _("每时段名额"), default=4, validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    valid_from = models.DateField(_("生效日期"), null=True, blank=True)
    valid_to = models.DateField(_("失效日期"), null=True, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = verbose_name_plural = _("预约时段规则")
        ordering = ["group", "days", "start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="slot_rule_end_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.group} {self.get_days_display()} {self.start:%H:%M}–{self.end:%H:%M}"

    @property
    def extended_label(self) -> str:
        """午间延时服务, 下班后延时服务 … for an extended rule, else ""."""
        from zhengwu.hall.slots import extended_label

        return extended_label(self.start, self.end) if self.extended else ""


class Slot(models.Model):
    """A bookable time with its places; `booked` counts live bookings and never exceeds `capacity`."""

    group = models.ForeignKey(WindowGroup, models.CASCADE, related_name="slots", verbose_name=_("窗口分组"))
    item = models.ForeignKey(
        "catalog.ServiceItem", models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("事项")
    )
    rule = models.ForeignKey(SlotRule, models.SET_NULL, null=True, blank=True, related_name="slots")
    day = models.DateField(_("日期"))
    start = models.DateTimeField(_("开始"))
    end = models.DateTimeField(_("结束"))
    extended = models.BooleanField(_("延时服务"), default=False)
    capacity = models.PositiveSmallIntegerField(_("名额"))
    booked = models.PositiveSmallIntegerField(_("已约"), default=0)

    class Meta:
        verbose_name = verbose_name_plural = _("预约时段")
        ordering = ["start", "group"]
        constraints = [
            models.UniqueConstraint(fields=["group", "item", "start"], name="hall_slot_unique"),
            models.UniqueConstraint(
                fields=["group", "start"], condition=Q(item__isnull=True), name="hall_slot_unique_group"
            ),
            models.CheckConstraint(
                condition=Q(booked__lte=models.F("capacity")), name="hall_slot_not_overbooked"
            ),
        ]
        indexes = [models.Index(fields=["group", "day"])]

    def __str__(self) -> str:
        return f"{self.group} {self.start:%Y-%m-%d %H:%M}"

    @property
    def left(self) -> int:
        return max(self.capacity - self.booked, 0)

    @property
    def extended_label(self) -> str:
        from zhengwu.core import clock
        from zhengwu.hall.slots import extended_label

        if not self.extended:
            return ""
        return extended_label(
            self.start.astimezone(clock.LOCAL).time(), self.end.astimezone(clock.LOCAL).time()
        )


class BookingChannel(models.TextChoices):
    ONLINE = "online", _("网上预约")
    HOTLINE = "hotline", _("电话预约")
    KIOSK = "kiosk", _("自助机预约")


class Booking(models.Model):
    """One person's appointment in a slot, for an item."""

    class State(models.TextChoices):
        BOOKED = "booked", _("已预约")
        CANCELLED = "cancelled", _("已取消")
        CHECKED_IN = "checked_in", _("已签到")
        NO_SHOW = "no_show", _("爽约")

    slot = models.ForeignKey(Slot, models.PROTECT, related_name="bookings", verbose_name=_("时段"))
    item = models.ForeignKey(
        "catalog.ServiceItem", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("事项")
    )
    channel = models.CharField(_("预约渠道"), max_length=8, choices=BookingChannel.choices)
    name = models.CharField(_("姓名"), max_length=40)
    id_number = models.CharField(_("证件号码"), max_length=18, blank=True)
    phone = models.CharField(_("手机号码"), max_length=20)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="hall_bookings",
        verbose_name=_("门户账号"),
    )
    green = models.CharField(_("绿色通道"), max_length=12, blank=True)
    code = models.CharField(_("预约码"), max_length=8, unique=True)
    token = models.CharField(max_length=43, unique=True, help_text=_("取消链接与手机取号的凭据"))
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.BOOKED)
    created_at = models.DateTimeField(_("预约时间"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记人"),
    )
    reminded_at = models.DateTimeField(_("提醒时间"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("预约")
        ordering = ["slot__start", "id"]
        indexes = [models.Index(fields=["state", "slot"]), models.Index(fields=["id_number", "state"])]

    def __str__(self) -> str:
        return self.code


class QueueSource(models.TextChoices):
    KIOSK = "kiosk", _("自助取号机")
    PHONE = "phone", _("手机取号")
    DESK = "desk", _("导服台")
    BOOKING = "booking", _("预约签到")


class QueueNumber(models.Model):
    """A number taken in the hall (取号) for a window group, from taking to being served."""

    class State(models.TextChoices):
        WAITING = "waiting", _("等候中")
        CALLED = "called", _("已叫号")
        SERVING = "serving", _("办理中")
        DONE = "done", _("已办结")
        ABSENT = "absent", _("过号未到")

    group = models.ForeignKey(WindowGroup, models.PROTECT, related_name="numbers", verbose_name=_("窗口分组"))
    taken_in = models.ForeignKey(
        WindowGroup, models.PROTECT, related_name="+", verbose_name=_("取号分组"), help_text=_("转窗后不变")
    )
    day = models.DateField(_("日期"))
    sequence = models.PositiveIntegerField(_("序号"))
    display = models.CharField(_("号码"), max_length=8)
    source = models.CharField(_("取号方式"), max_length=8, choices=QueueSource.choices)
    booking = models.OneToOneField(
        Booking, models.PROTECT, null=True, blank=True, related_name="number", verbose_name=_("预约")
    )
    item = models.ForeignKey(
        "catalog.ServiceItem",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("事项"),
    )
    phone = models.CharField(_("手机号码"), max_length=20, blank=True)
    green = models.CharField(_("绿色通道"), max_length=12, blank=True)
    token = models.CharField(max_length=43, unique=True, help_text=_("手机查看排队进度的凭据"))
    state = models.CharField(_("状态"), max_length=8, choices=State.choices, default=State.WAITING)
    taken_at = models.DateTimeField(_("取号时间"))
    queued_at = models.DateTimeField(_("排队时间"), help_text=_("过号重新排队时更新"))
    called_at = models.DateTimeField(_("首次叫号时间"), null=True, blank=True)
    announced_at = models.DateTimeField(_("最近叫号时间"), null=True, blank=True)
    calls = models.PositiveSmallIntegerField(
        _("呼叫次数"), default=0, help_text=_("叫号与重呼的次数,过号重新排队后重新计")
    )
    served_at = models.DateTimeField(_("开始办理时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    window = models.ForeignKey(
        Window, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("叫号窗口")
    )
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("叫号人"),
    )
    absences = models.PositiveSmallIntegerField(_("过号次数"), default=0)
    transferred_from = models.ForeignKey(
        WindowGroup, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("转自分组")
    )
    case = models.ForeignKey(
        "cases.Case", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("办件")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记人"),
    )

    class Meta:
        verbose_name = verbose_name_plural = _("排队号")
        ordering = ["day", "queued_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["taken_in", "day", "sequence"], name="hall_number_unique_in_day")
        ]
        indexes = [models.Index(fields=["group", "day", "state"]), models.Index(fields=["window", "state"])]

    def __str__(self) -> str:
        return self.display

    @property
    def booked(self) -> bool:
        return self.booking_id is not None


class QueueCounter(models.Model):
    """The last sequence number given in a group on a day."""

    group = models.ForeignKey(WindowGroup, models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "day"], name="hall_counter_unique")]

    def __str__(self) -> str:
        return f"{self.group_id} {self.day} {self.last}"


class Dispatch(models.Model):
    """A result sent to the applicant by post or carried to their home (寄递/上门送达), with its tracking number."""

    class State(models.TextChoices):
        POSTED = "posted", _("已寄出")
        DELIVERED = "delivered", _("已签收")
        RETURNED = "returned", _("已退回")

    case = models.ForeignKey(
        "cases.Case", models.PROTECT, related_name="hall_dispatches", verbose_name=_("办件")
    )
    method = models.CharField(_("送达方式"), max_length=12)
    carrier = models.CharField(_("寄递企业"), max_length=20, blank=True)
    tracking_number = models.CharField(_("邮件单号"), max_length=30, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.POSTED)
    posted_at = models.DateTimeField(_("寄出时间"))
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("寄出人"),
    )
    closed_at = models.DateTimeField(_("签收或退回时间"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("结果寄递")
        ordering = ["-posted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.tracking_number}"


class WaitNotice(models.Model):
    """A wait over the centre's limit told to a person (the duty manager, the group's lead): shown on their
    workbench until acknowledged, and sent by SMS; one per number and person."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="hall_wait_notices", verbose_name=_("接收人")
    )
    number = models.ForeignKey(
        QueueNumber, models.CASCADE, related_name="wait_notices", verbose_name=_("排队号")
    )
    alert = models.ForeignKey(
        "supervision.Alert", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("预警")
    )
    text = models.CharField(_("内容"), max_length=200)
    created_at = models.DateTimeField(_("时间"))
    read_at = models.DateTimeField(_("知悉时间"), null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("等候超时提醒")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["recipient", "number"], name="hall_wait_notice_once")]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.text
