"""The licence library (电子证照库): licence types, licences with their version chain, and the log of every use.

A licence's identifier follows our reading of GB/T 36904-2018 (see `identifiers.py` and docs/data-formats.md); its
metadata are those of GB/T 36903-2018 (`metadata()`): name, type code, number, identifier, issuer and its code,
issue date, validity, holder's name, holder's code and its kind.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengwu.cases.models import Case
from zhengwu.catalog.models import ServiceItem
from zhengwu.core import clock
from zhengwu.core.calendar import chinese_date
from zhengwu.core.models import AppendOnly, Organisation


def _default_reminders() -> list[int]:
    return [90, 30, 7]


# data items naming a place, in the order looked for when a type marks none as telling its licences apart:
# 经营场所, 住所(经营场所), 坐落 (不动产权证书)
PLACE_KEYS = ("premises", "address", "location")


class LicenceType(models.Model):
    """A kind of licence (证照类型): who issues it, which data it carries, how long it is valid, which items grant it
    and which application materials it can stand in for."""

    code = models.CharField(
        _("证照类型代码"),
        max_length=21,
        unique=True,
        help_text=_("主管部门统一社会信用代码加三位顺序码(GB/T 36902 的读法,见 docs/data-formats.md)"),
    )
    name = models.CharField(_("证照名称"), max_length=100, unique=True)
    organisations = models.ManyToManyField(
        Organisation, related_name="licence_types", verbose_name=_("颁发机构")
    )
    items = models.ManyToManyField(
        ServiceItem, blank=True, related_name="licence_types", verbose_name=_("签发本证照的事项")
    )
    material_names = models.JSONField(
        _("可免提交的材料名称"),
        default=list,
        blank=True,
        help_text=_("申请材料名称含其中任一词时,持证人有效证照可代替上传"),
    )
    data_items = models.JSONField(
        _("照面信息项"),
        default=list,
        blank=True,
        help_text=_(
            '[{key, label}],如经营范围、经营场所;区分同一持证人多本证照的一项加 "distinguishes": true'
            "(未标明时取经营场所、住所或坐落)"
        ),
    )
    renewal_item = models.ForeignKey(
        ServiceItem,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="renewed_licence_types",
        verbose_name=_("延续事项"),
        help_text=_("到期提醒和「我的证照」链接到此事项的申请,申请材料预填该证照;准予后签发新版本"),
    )
    validity_years = models.PositiveSmallIntegerField(_("有效期(年)"), default=5, help_text=_("0 为长期有效"))
    reminder_days = models.JSONField(_("到期提醒(提前天数)"), default=_default_reminders, blank=True)
    template = models.CharField(_("版式"), max_length=40, default="standard", blank=True)
    one_per_holder = models.BooleanField(
        _("每个持证主体只持一本"),
        default=False,
        help_text=_(
            "如营业执照(一个市场主体一本,变更登记即换发):再次准予时换发持证人现有的证照,不另发一本;"
            "未勾选的(如食品经营许可证,每个经营场所分别取得)另发一本,决定前提示工作人员"
        ),
    )

    class Meta:
        verbose_name = verbose_name_plural = _("证照类型")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def item_names(self) -> list[str]:
        """The items that issue it, each name once with its sub-items: 「企业登记(设立登记、变更登记)」, not the same
        name twice."""
        names: dict[str, list[str]] = {}
        for item in self.items.all():
            version = item.current_version
            name = version.name if version else item.code
            subs = names.setdefault(name, [])
            if version and version.sub_name and version.sub_name not in subs:
                subs.append(version.sub_name)
        return [f"{name}({'、'.join(subs)})" if subs else name for name, subs in names.items()]

    @property
    def distinguishing_item(self) -> dict | None:
        """The data item that tells a holder's licences of this type apart, shown beside each in the wallet and the
        API (食品经营许可证: 经营场所 — one licence per premises; 不动产权证书: 坐落): the item marked
        `"distinguishes": true`, else the first naming a place (PLACE_KEYS); None when the type has neither."""
        items = [e for e in self.data_items or [] if isinstance(e, dict) and e.get("key")]
        marked = next((e for e in items if e.get("distinguishes")), None)
        if marked is not None:
            return marked
        return next((e for key in PLACE_KEYS for e in items if e["key"] == key), None)

    @property
    def reminders_apply(self) -> bool:
        """No expiry reminders for a type valid 长期 (validity 0): there is no last day to remind of."""
        return bool(self.validity_years and self.reminder_days)


class Status(models.TextChoices):
    VALID = "valid", _("有效")
    CANCELLED = "cancelled", _("已注销")
    REVOKED = "revoked", _("已撤销")
    WITHDRAWN = "withdrawn", _("已吊销")
    REPLACED = "replaced", _("已被替换")
    EXPIRED = "expired", _("已过期")


ENDING_STATUSES = {Status.CANCELLED, Status.REVOKED, Status.WITHDRAWN}
# computed, never stored: a valid version whose validity starts after today (a renewal decided before the old end
# runs on from the day after it, 行政许可法 第五十条) — shown and verified as 尚未生效(自 … 起有效), never 当前有效
NOT_YET_VALID = "not_yet_valid"
END_WORDS = {Status.CANCELLED: _("注销"), Status.REVOKED: _("撤销"), Status.WITHDRAWN: _("吊销")}


def _licence_path(instance, filename: str) -> str:
    return f"licences/{instance.issued_on:%Y}/{filename}"


class Licence(models.Model):
    """One version of one licence. A change or renewal issues a new version (same number, next version code) and marks
    this one replaced — a renewal decided ahead of the old end leaves this one valid until the new one starts (the
    nightly job marks it replaced then, `effective_status` says so on any day); the paper licence carries the same
    number and the QR code of the verification page."""

    class HolderKind(models.TextChoices):
        NATURAL = "natural", _("自然人")
        LEGAL = "legal", _("法人或其他组织")

    identifier = models.CharField(_("电子证照标识"), max_length=80, unique=True)
    number = models.CharField(_("证照编号"), max_length=40, db_index=True)
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    type = models.ForeignKey(LicenceType, models.PROTECT, related_name="licences", verbose_name=_("证照类型"))
    issuer = models.ForeignKey(
        Organisation, models.PROTECT, related_name="licences", verbose_name=_("颁发机构")
    )
    holder_kind = models.CharField(_("持证主体类型"), max_length=8, choices=HolderKind.choices)
    holder_name = models.CharField(_("持证主体"), max_length=100)
    holder_id = models.CharField(_("持证主体代码"), max_length=18, db_index=True)
    issued_on = models.DateField(_("颁证日期"))
    valid_from = models.DateField(_("有效期起始"))
    valid_until = models.DateField(_("有效期截止"), null=True, blank=True, help_text=_("空为长期"))
    data = models.JSONField(_("照面信息"), default=dict, blank=True)
    case = models.ForeignKey(
        Case, models.PROTECT, null=True, blank=True, related_name="licences", verbose_name=_("来源办件")
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.VALID)
    source = models.CharField(
        _("来源"),
        max_length=10,
        choices=[("issued", _("本平台签发")), ("imported", _("外部证照库导入"))],
        default="issued",
        help_text=_("导入的证照(如省级证照库共享的营业执照)没有本平台的准予许可决定"),
    )
    previous = models.OneToOneField(
        "self", models.PROTECT, null=True, blank=True, related_name="next_version", verbose_name=_("上一版本")
    )
    ended_at = models.DateTimeField(_("失效时间"), null=True, blank=True)
    end_basis = models.CharField(_("失效依据"), max_length=300, blank=True)
    # 撤销 / 吊销: the number of the issuing organisation's 决定文书 (or the decision is the case's, end_case)
    end_document = models.CharField(_("决定文书编号"), max_length=60, blank=True)
    end_case = models.ForeignKey(
        Case, models.PROTECT, null=True, blank=True, related_name="ended_licences", verbose_name=_("失效办件")
    )
    reminded = models.JSONField(_("已发到期提醒"), default=list, blank=True)
    created_at = models.DateTimeField(_("签发时间"))
    # The signed electronic file of this version, made once (services.stored_pdf) and served for every download;
    # a change or renewal is a new row with a file of its own, an ending leaves the file as it is.
    file = models.FileField(_("签名文件"), upload_to=_licence_path, max_length=200, blank=True)
    file_sha256 = models.CharField(_("签名文件 SHA-256"), max_length=64, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("电子证照")
        ordering = ["-issued_on", "-id"]
        indexes = [models.Index(fields=["holder_id", "type", "status"])]
        constraints = [
            models.UniqueConstraint(fields=["number", "version"], name="licence_number_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.type.name} {self.number}"

    @property
    def distinguished_by(self) -> dict | None:
        """{key, label, value} of what tells this licence apart from the holder's others of its type (its
        经营场所 …, `LicenceType.distinguishing_item`), as the grant filled it; None when the type has no such item
        or the licence leaves it blank."""
        item = self.type.distinguishing_item
        if item is None:
            return None
        value = str((self.data or {}).get(item["key"]) or "").strip()
        if not value:
            return None
        return {"key": item["key"], "label": str(item.get("label") or item["key"]), "value": value}

    def following(self) -> "Licence | None":
        """The next version (a change or renewal of this one), or None."""
        if self.pk is None:
            return None
        try:
            return self.next_version
        except Licence.DoesNotExist:
            return None

    @property
    def effective_status(self) -> str:
        """The stored status, computed on any date: a valid licence whose validity ended before today is 已被替换
        when it was renewed ahead of its end (the new version took effect the day after it, and the nightly job
        stores that, `services.mark_expired`), else 已过期; one whose validity starts after today is NOT_YET_VALID."""
        today = clock.today()
        if self.status == Status.VALID and self.valid_until and self.valid_until < today:
            following = self.following()
            if following is not None and following.status not in ENDING_STATUSES:
                return Status.REPLACED
            return Status.EXPIRED
        if self.status == Status.VALID and self.valid_from > today:
            return NOT_YET_VALID
        return self.status

    @property
    def renewed_by(self) -> "Licence | None":
        """For the version in force renewed ahead of its end: the version that takes over the day after it ends
        (尚未生效; the last of the chain, when that not-yet-valid version was itself changed), else None. The
        version in force stays 有效 until then (行政许可法 第五十条)."""
        if self.effective_status != Status.VALID:
            return None
        following = self.following()
        while following is not None and following.status == Status.REPLACED:
            following = following.following()
        if following is not None and following.effective_status == NOT_YET_VALID:
            return following
        return None

    @property
    def effective_status_label(self) -> str:
        status = self.effective_status
        if status == NOT_YET_VALID:
            return str(_("尚未生效(自 %(day)s 起有效)")) % {"day": chinese_date(self.valid_from)}
        if status == Status.VALID and (following := self.renewed_by) is not None:
            return str(_("有效,已延续(第 %(version)s 版自 %(day)s 起有效)")) % {
                "version": following.version,
                "day": chinese_date(following.valid_from),
            }
        return str(Status(status).label)

    @property
    def in_force_before(self) -> "Licence | None":
        """For a version not yet in force: the earlier version in force today (the licence renewed before its end stays
        valid on it until the new period starts, `services._replace`), else None."""
        if self.effective_status != NOT_YET_VALID or self.previous_id is None:
            return None
        previous = self.previous
        while (
            previous is not None
            and previous.status == Status.REPLACED
            and previous.valid_from > clock.today()
        ):
            previous = previous.previous  # a renewal changed before it started never was in force
        today = clock.today()
        if previous is not None and (
            previous.status == Status.VALID
            and previous.valid_from <= today
            and (previous.valid_until is None or previous.valid_until >= today)
        ):
            return previous
        return None

    @property
    def is_usable(self) -> bool:
        """In force today (亮证, 免提交, 授权用证): valid. A version renewed ahead of its start is not — until it
        starts, the version before it is the one in force (`in_force_before`)."""
        return self.effective_status == Status.VALID

    @property
    def days_left(self) -> int | None:
        """Days from the project clock's today to the last valid day (0 on that day, negative after it); None when
        长期."""
        if self.valid_until is None:
            return None
        return (self.valid_until - clock.today()).days

    @property
    def expiry(self) -> str:
        """ "soon" for a valid licence within its type's earliest reminder (90 days unless set) of its last day,
        "expired" once that day has passed (whether or not 已过期 has been stored yet), else ""."""
        left = self.days_left
        if left is None or self.status not in (Status.VALID, Status.EXPIRED):
            return ""
        if left < 0:  # a renewal took over the day after: replaced, not expired
            return "" if self.effective_status == Status.REPLACED else "expired"
        if (
            self.status == Status.VALID
            and left <= max(self.type.reminder_days or [90])
            and not self.renewed_by
        ):
            return "soon"  # not for one renewed ahead of its end: the new version takes over the next day
        return ""


class LicenceUse(AppendOnly):
    """One use of a licence, written once: taken into a case instead of an upload (免提交), shown (亮证), downloaded,
    or checked. The holder sees these in the wallet."""

    class Purpose(models.TextChoices):
        REUSE = "reuse", _("免提交调取")
        SHOW = "show", _("亮证")
        DOWNLOAD = "download", _("下载")
        ISSUE = "issue", _("签发")
        END = "end", _("注销撤销")
        AUTHORISE = "authorise", _("授权用证")
        UNAUTHORISE = "revoke", _("撤回授权")
        GRANTED = "granted", _("依授权查验")

    licence = models.ForeignKey(Licence, models.PROTECT, related_name="uses", verbose_name=_("证照"))
    purpose = models.CharField(_("用途"), max_length=10, choices=Purpose.choices)
    case = models.ForeignKey(
        Case, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("办件")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("使用人"),
    )
    user_label = models.CharField(_("使用人"), max_length=100, blank=True)
    at = models.DateTimeField(_("时间"))
    note = models.CharField(_("说明"), max_length=300, blank=True)

    @property
    def purpose_label(self) -> str:
        """The purpose in words: an ending says which one (注销, 撤销 or 吊销 — a licence ends once, so its status)."""
        if self.purpose == self.Purpose.END:
            word = END_WORDS.get(self.licence.status)
            if word is not None:
                return str(word)
        return str(self.get_purpose_display())

    immutable_name = "licence uses"
    hashed_fields = ("licence", "purpose", "case", "user", "user_label", "at", "note")

    class Meta:
        verbose_name = verbose_name_plural = _("证照使用记录")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.licence_id} {self.purpose}"


class ShowToken(models.Model):
    """A 亮证 code: opens the licence's check page for a few minutes, then says it has expired."""

    token = models.CharField(max_length=32, unique=True)
    licence = models.ForeignKey(Licence, models.CASCADE, related_name="show_tokens")
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = verbose_name_plural = _("亮证码")

    def __str__(self) -> str:
        return f"{self.licence_id} {self.expires_at}"


class LicenceGrant(models.Model):
    """授权用证: the holder lets a named party (a department, a company such as a bank, a person) view and verify one
    licence for a stated purpose until a date. The party sees it only through the grant, while it lasts and until the
    holder revokes it; each look is a `LicenceUse` (依授权查验)."""

    class GranteeKind(models.TextChoices):
        ORGANISATION = "organisation", _("政府部门")
        COMPANY = "company", _("单位(如银行)")
        PERSON = "person", _("个人")

    licence = models.ForeignKey(Licence, models.PROTECT, related_name="grants", verbose_name=_("证照"))
    grantee_kind = models.CharField(_("被授权方类型"), max_length=12, choices=GranteeKind.choices)
    organisation = models.ForeignKey(
        Organisation,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="licence_grants",
        verbose_name=_("被授权部门"),
    )
    grantee_id = models.CharField(
        _("被授权方代码"),
        max_length=18,
        blank=True,
        db_index=True,
        help_text=_("统一社会信用代码或居民身份证号码"),
    )
    grantee_name = models.CharField(_("被授权方"), max_length=100)
    purpose = models.CharField(_("用途"), max_length=200)
    valid_from = models.DateField(_("授权起始"))
    valid_until = models.DateField(_("授权截止"))
    created_at = models.DateTimeField(_("授权时间"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("授权人"),
    )
    revoked_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("用证授权")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.licence_id} → {self.grantee_name}"

    @property
    def state(self) -> str:
        """active, revoked, expired or pending (starts later), on the project clock's day."""
        today = clock.today()
        if self.revoked_at is not None:
            return "revoked"
        if self.valid_until < today:
            return "expired"
        if self.valid_from > today:
            return "pending"
        return "active"

    @property
    def state_label(self) -> str:
        return str(GRANT_STATES[self.state])

    @property
    def is_active(self) -> bool:
        return self.state == "active"


GRANT_STATES = {
    "active": _("授权有效"),
    "revoked": _("已撤回"),
    "expired": _("授权已到期"),
    "pending": _("尚未开始"),
}
