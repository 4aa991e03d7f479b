"""The service-item catalogue: items with their versions, materials, steps and fees; the change log; the search index.

An item's identity is its code (the implementation code, or the basic code for a basic item). What the item says
lives in versions: a draft is edited, submitted, and published by the centre manager; a published version row is
never changed again (services.py refuses), so a case keeps the exact version it was applied under.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengwu.catalog import rules
from zhengwu.core.models import Organisation, Role, Window

# The national item-type codes are the stored values; the labels are the national terms.
ITEM_TYPE_CHOICES = [(code, f"{code} {label}") for code, label in rules.ITEM_TYPES.items()]


class ServiceItem(models.Model):
    """One service item (政务服务事项): a basic item (no organisation) or an organisation's implementation."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("未发布")
        ACTIVE = "active", _("在用")
        CANCELLED = "cancelled", _("已取消")

    code = models.CharField(
        _("事项编码"), max_length=30, unique=True, help_text=_("实施编码;基本目录事项为基本编码")
    )
    basic_code = models.CharField(_("基本编码"), max_length=12, db_index=True)
    item_type = models.CharField(_("事项类型"), max_length=2, choices=ITEM_TYPE_CHOICES)
    organisation = models.ForeignKey(
        Organisation,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="service_items",
        verbose_name=_("实施机构"),
    )
    basic_item = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="implementations",
        verbose_name=_("基本目录事项"),
    )
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    current_version = models.ForeignKey(
        "ItemVersion", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("现行版本")
    )
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = verbose_name_plural = _("政务服务事项")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    @property
    def is_basic(self) -> bool:
        return self.organisation_id is None


ORDER_KEY = "x-order"


class FormSchemaField(models.JSONField):
    """An application form's JSON Schema, its fields kept in the order the item's author gave them. PostgreSQL's
    jsonb keeps an object's keys in its own order (shorter keys first), so an applicant would have met 地址, 场所类别,
    从业人员数 … in the order of their names' lengths; the order is stored beside the fields (`x-order`) and put back
    when the row is read, and the schema read carries no `x-order` of its own."""

    def get_prep_value(self, value):
        if isinstance(value, dict) and isinstance(value.get("properties"), dict):
            value = {**value, ORDER_KEY: list(value["properties"])}
        return super().get_prep_value(value)

    def from_db_value(self, value, expression, connection):
        value = super().from_db_value(value, expression, connection)
        if isinstance(value, dict) and ORDER_KEY in value:
            value = dict(value)
            order = value.pop(ORDER_KEY)
            properties = value.get("properties")
            if isinstance(properties, dict) and isinstance(order, list):
                keys = [k for k in order if k in properties] + [k for k in properties if k not in order]
                value["properties"] = {k: properties[k] for k in keys}
        return value


class ItemVersion(models.Model):
    """What an item says at one version. Only a draft may be changed."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("待审核")
        # Stays "published" for good; the item's current_version says which published version is in force.
        PUBLISHED = "published", _("已发布")

    class ResultKind(models.TextChoices):
        LICENCE = "licence", _("证照")
        APPROVAL_DOCUMENT = "approval_document", _("批文")
        CERTIFICATE = "certificate", _("证明")
        OTHER = "other", _("其他")
        NONE = "none", _("无")

    item = models.ForeignKey(ServiceItem, models.CASCADE, related_name="versions", verbose_name=_("事项"))
    number = models.PositiveIntegerField(_("版本号"))
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )

    name = models.CharField(_("事项名称"), max_length=200)
    sub_name = models.CharField(_("子项名称"), max_length=200, blank=True)
    legal_basis = models.JSONField(_("设定依据"), default=list, help_text=_("[{law, article, text}]"))
    conditions = models.TextField(_("受理条件"), blank=True)
    targets = models.JSONField(_("服务对象"), default=list)
    life_events = models.JSONField(_("人生事件"), default=list, blank=True)
    themes = models.JSONField(_("主题"), default=list, blank=True)

    legal_limit = models.PositiveIntegerField(_("法定办结时限(工作日)"))
    promised_limit = models.PositiveIntegerField(_("承诺办结时限(工作日)"))
    extension_days = models.PositiveIntegerField(_("法定延长时限(工作日)"), default=0)
    instant = models.BooleanField(_("即办件"), default=False)
    onsite_visits = models.PositiveSmallIntegerField(_("到办事现场次数"), default=0)
    online_depth = models.JSONField(_("网上办理深度"), default=list, blank=True)
    windows = models.ManyToManyField(
        Window, blank=True, related_name="service_item_versions", verbose_name=_("办理窗口")
    )
    address = models.CharField(_("办理地点"), max_length=200, blank=True)
    opening_hours = models.CharField(_("办公时间"), max_length=200, blank=True)
    consultation_phone = models.CharField(_("咨询电话"), max_length=64, blank=True)
    supervision_phone = models.CharField(_("监督电话"), max_length=64, blank=True)
    window_authorised = models.BooleanField(_("窗口授权"), default=False)
    joint = models.BooleanField(_("联合审批"), default=False)

    result_name = models.CharField(_("办理结果名称"), max_length=200, blank=True)
    result_kind = models.CharField(
        _("结果类型"), max_length=20, choices=ResultKind.choices, default=ResultKind.NONE
    )
    result_sample = models.FileField(_("结果样本"), upload_to="catalog/results/%Y/", blank=True)
    result_delivery = models.JSONField(_("送达方式"), default=list, blank=True)
    faq = models.JSONField(_("常见问题"), default=list, blank=True)
    form_schema = FormSchemaField(
        _("申请表"), default=dict, blank=True, help_text=_("JSON Schema;为空时使用默认申请表")
    )

    change_reason = models.CharField(_("调整理由"), max_length=500, blank=True)
    review_note = models.CharField(_("审核意见"), max_length=500, blank=True)
    effective_on = models.DateField(_("生效日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"))
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("提交人"),
        help_text=_("空:由系统命令(载入、导入)提交"),
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.CharField(_("发布人"), max_length=150, blank=True)
    self_published = models.BooleanField(
        _("提交人与发布人为同一人"),
        default=False,
        help_text=_("仅在设置 ZHENGWU_CATALOG_SELF_PUBLISH 允许时可能为真,发布记录注明"),
    )

    class Meta:
        verbose_name = verbose_name_plural = _("事项版本")
        ordering = ["item", "number"]
        constraints = [models.UniqueConstraint(fields=["item", "number"], name="item_version_number_unique")]

    def __str__(self) -> str:
        return f"{self.name} v{self.number}"

    @property
    def full_name(self) -> str:
        """The item's name as people say it, with its 办理项 (sub-item) where it has one: 食品经营许可(延续) — the
        新办, 延续 and 变更 of one licence share the name and are told apart by this."""
        return f"{self.name}({self.sub_name})" if self.sub_name else self.name

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT


class Material(models.Model):
    """A document the applicant provides (申请材料)."""

    class Form(models.TextChoices):
        ORIGINAL = "original", _("原件")
        COPY = "copy", _("复印件")
        ORIGINAL_AND_COPY = "original_and_copy", _("原件和复印件")

    class Medium(models.TextChoices):
        PAPER = "paper", _("纸质")
        ELECTRONIC = "electronic", _("电子")
        EITHER = "either", _("纸质或电子")

    class Source(models.TextChoices):
        APPLICANT = "applicant", _("申请人自备")
        GOVERNMENT = "government", _("政府部门核发")
        # the department obtains it itself by data sharing (数据共享, 免提交): the applicant hands in nothing
        SHARED = "shared", _("部门共享获取")

    version = models.ForeignKey(
        ItemVersion, models.CASCADE, related_name="materials", verbose_name=_("事项版本")
    )
    position = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("材料名称"), max_length=200)
    required = models.BooleanField(_("必需"), default=True)
    condition = models.CharField(_("提交条件"), max_length=300, blank=True, help_text=_("何种情形下需要提交"))
    form = models.CharField(_("形式"), max_length=20, choices=Form.choices, default=Form.ORIGINAL)
    copies = models.PositiveSmallIntegerField(_("份数"), default=1)
    medium = models.CharField(_("载体"), max_length=12, choices=Medium.choices, default=Medium.PAPER)
    source = models.CharField(_("来源"), max_length=12, choices=Source.choices, default=Source.APPLICANT)
    issuer = models.CharField(_("出具单位"), max_length=100, blank=True)
    rules = models.TextField(_("受理标准"), blank=True)
    blank_form = models.FileField(_("空白表格"), upload_to="catalog/forms/%Y/", blank=True)
    sample = models.FileField(_("示例样表"), upload_to="catalog/samples/%Y/", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("申请材料")
        ordering = ["version", "position"]

    def __str__(self) -> str:
        return self.name


STEP_KIND_CHOICES = list(rules.STEP_KINDS.items())


class Step(models.Model):
    """A stage of handling (办理环节) with its responsible role, its limit and what it is for (受理, 审查, 决定,
    制证, 送达): the implementing organisation's staff holding the role take it; the decision is made at the one
    step of kind 决定."""

    version = models.ForeignKey(ItemVersion, models.CASCADE, related_name="steps", verbose_name=_("事项版本"))
    position = models.PositiveSmallIntegerField(_("顺序"))
    name = models.CharField(_("环节名称"), max_length=60)
    role = models.CharField(_("责任角色"), max_length=24, choices=Role.choices)
    days = models.PositiveSmallIntegerField(_("时限(工作日)"))
    kind = models.CharField(_("环节类型"), max_length=8, choices=STEP_KIND_CHOICES, default="review")

    class Meta:
        verbose_name = verbose_name_plural = _("办理环节")
        ordering = ["version", "position"]

    def __str__(self) -> str:
        return self.name


class Fee(models.Model):
    """A fee charged for the item; an item with none is 不收费."""

    version = models.ForeignKey(ItemVersion, models.CASCADE, related_name="fees", verbose_name=_("事项版本"))
    position = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("收费项目"), max_length=200)
    standard = models.CharField(_("收费标准"), max_length=300)
    amount = models.DecimalField(_("金额(元)"), max_digits=12, decimal_places=2, null=True, blank=True)
    basis = models.CharField(_("收费依据"), max_length=500)
    # The fee catalogue entry (收费目录清单) this line charges; blank on lines typed before the catalogue existed.
    code = models.CharField(_("收费目录编码"), max_length=32, blank=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = _("收费")
        ordering = ["version", "position"]

    def __str__(self) -> str:
        return self.name


class ChangeLogEntry(models.Model):
    """One public line of the catalogue's change log (事项变更记录)."""

    class Kind(models.TextChoices):
        ADDED = "added", _("新增")
        ADJUSTED = "adjusted", _("调整")
        CANCELLED = "cancelled", _("取消")
        DELEGATED = "delegated", _("下放")
        TAKEN_BACK = "taken_back", _("收回")

    item = models.ForeignKey(ServiceItem, models.PROTECT, related_name="changes", verbose_name=_("事项"))
    version = models.ForeignKey(
        ItemVersion, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("版本")
    )
    kind = models.CharField(_("变更类型"), max_length=12, choices=Kind.choices)
    effective_on = models.DateField(_("生效日期"), db_index=True)
    reason = models.CharField(_("理由"), max_length=500)
    counterpart = models.ForeignKey(
        Organisation,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("承接/收回机构"),
        help_text=_("下放或收回时的对方机构"),
    )
    item_name = models.CharField(_("事项名称"), max_length=200)
    recorded_at = models.DateTimeField(_("记录时间"))

    class Meta:
        verbose_name = verbose_name_plural = _("事项变更记录")
        ordering = ["-effective_on", "-id"]

    def __str__(self) -> str:
        return f"{self.effective_on} {self.get_kind_display()} {self.item_name}"


class SearchEntry(models.Model):
    """The search index: one row per item's current published version, kept by the publish service.

    Text is normalised (Simplified, lower case, no spaces or punctuation); list fields are stored "|a|b|" so one
    `contains` finds a value on SQLite and PostgreSQL alike.
    """

    item = models.OneToOneField(ServiceItem, models.CASCADE, related_name="search_entry")
    version = models.ForeignKey(ItemVersion, models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, models.CASCADE, null=True, blank=True, related_name="+")
    code = models.CharField(max_length=30)
    item_type = models.CharField(max_length=2, db_index=True)
    display_name = models.CharField(max_length=420)
    name = models.CharField(max_length=420)
    text = models.TextField()
    pinyin = models.CharField(max_length=1000)
    initials = models.CharField(max_length=200)
    targets = models.CharField(max_length=100)
    themes = models.CharField(max_length=500)
    life_events = models.CharField(max_length=500)
    online_depth = models.CharField(max_length=200)

    class Meta:
        verbose_name = verbose_name_plural = _("事项检索索引")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.display_name


class SearchToken(models.Model):
    """The search index's postings: every n-gram of an index row, so a query finds its candidate rows by exact,
    indexed token lookups instead of scanning every row with LIKE '%…%' (see search.py for the token kinds)."""

    entry = models.ForeignKey(SearchEntry, models.CASCADE, related_name="tokens")
    token = models.CharField(max_length=8)

    class Meta:
        verbose_name = verbose_name_plural = _("事项检索词元")
        # Also the lookup index: a row's token appears once, so "has all n tokens" is COUNT(*) = n.
        constraints = [models.UniqueConstraint(fields=["token", "entry"], name="catalog_token_lookup")]

    def __str__(self) -> str:
        return self.token
