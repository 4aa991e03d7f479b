"""Disclosure records: catalogues, publications and their review ledger, requests and their events,
reconsideration and litigation, annual reports."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengwu.core.models import AppendOnly, Organisation
from zhengwu.disclosure import outcomes, workflow


class DisclosureProfile(models.Model):
    """An organisation's disclosure settings: the code in its index numbers, its guide, the approvals it requires."""

    organisation = models.OneToOneField(
        Organisation, models.CASCADE, related_name="disclosure_profile", verbose_name=_("机构")
    )
    index_code = models.CharField(
        _("索引号前缀"), max_length=32, blank=True, help_text=_("空则使用统一社会信用代码")
    )
    guide = models.TextField(_("政府信息公开指南"), blank=True)
    second_leader_for_all = models.BooleanField(_("所有公开文件均需第二位领导审批"), default=False)
    one_reviewer = models.BooleanField(
        _("初审与保密审查可由同一人签署"),
        default=False,
        help_text=_("只有一名审查人员的机构可勾选;签署时在审查台账中注明"),
    )

    class Meta:
        verbose_name = verbose_name_plural = _("政务公开设置")

    def __str__(self) -> str:
        return str(self.organisation)


# the catalogue nodes the platform makes and finds by key (disclosure.services.STATUTORY_CATALOGUE, disclosure.annual)
PLATFORM_KEYS = frozenset({"guide", "system", "interpretation", "annual_report"})


class Category(models.Model):
    """A node of an organisation's disclosure catalogue (公开目录)."""

    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="disclosure_categories")
    parent = models.ForeignKey("self", models.CASCADE, null=True, blank=True, related_name="children")
    code = models.CharField(_("编码"), max_length=32)
    name = models.CharField(_("名称"), max_length=100)
    statutory = models.CharField(
        _("法定公开内容"),
        max_length=40,
        blank=True,
        help_text=_("对应条例第二十条的项,例如“第二十条第(一)项”"),
    )
    position = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = verbose_name_plural = _("公开目录")
        ordering = ["organisation", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="disclosure_category_code")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def shown_code(self) -> str:
        """The code a person reads beside the name: the statutory catalogue's numbers (01–15) and the codes staff
        give, not the keys the platform gives its own nodes (guide, system, interpretation, annual_report)."""
        return "" if self.code in PLATFORM_KEYS else self.code


class IndexSequence(models.Model):
    """The last sequence number an organisation gave in a year, for publications' index numbers or requests."""

    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, default="publication")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "kind", "year"], name="disclosure_index_seq")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.kind}/{self.year}:{self.last}"


class Publication(models.Model):
    """A piece of proactively disclosed information (主动公开)."""

    class Genre(models.TextChoices):
        REGULATION = "regulation", _("规章")
        NORMATIVE = "normative", _("行政规范性文件")
        POLICY = "policy", _("其他政策文件")
        INTERPRETATION = "interpretation", _("政策解读")
        NOTICE = "notice", _("通知公告")
        PLAN = "plan", _("规划计划")
        LICENSING = "licensing", _("行政许可决定")
        PENALTY = "penalty", _("行政处罚决定")
        ENFORCEMENT = "enforcement", _("行政强制决定")
        FINANCE = "finance", _("财政预决算")
        ANNUAL_REPORT = "annual_report", _("政府信息公开年度报告")
        OTHER = "other", _("其他")

    class Validity(models.TextChoices):
        VALID = "valid", _("有效")
        AMENDED = "amended", _("已修订")
        REPEALED = "repealed", _("已废止")

    organisation = models.ForeignKey(
        Organisation, models.PROTECT, related_name="publications", verbose_name=_("发布机构")
    )
    index_number = models.CharField(_("索引号"), max_length=64, unique=True)
    title = models.CharField(_("标题"), max_length=300)
    document_number = models.CharField(_("文号"), max_length=100, blank=True, db_index=True)
    category = models.ForeignKey(
        Category, models.PROTECT, null=True, blank=True, related_name="publications", verbose_name=_("目录")
    )
    genre = models.CharField(_("体裁"), max_length=20, choices=Genre.choices, default=Genre.OTHER)
    subject = models.CharField(_("主题分类"), max_length=60, blank=True)
    written_on = models.DateField(_("成文日期"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布日期"), null=True, blank=True, db_index=True)
    status = models.CharField(
        _("状态"),
        max_length=24,
        choices=list(workflow.PUBLICATION_STATES.items()),
        default=workflow.DRAFT,
        db_index=True,
    )
    important = models.BooleanField(_("重要文件(需第二位领导审批)"), default=False)
    validity = models.CharField(_("效力"), max_length=12, choices=Validity.choices, default=Validity.VALID)
    replaced_by = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="replaces", verbose_name=_("替代文件")
    )
    interprets = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="interpretations",
        verbose_name=_("所解读的政策"),
    )
    body = models.TextField(_("正文"), blank=True)
    search_tokens = models.TextField(editable=False, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("起草人")
    )
    created_at = models.DateTimeField(_("创建时间"))
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = verbose_name_plural = _("主动公开信息")
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["status", "published_at"], name="disclosure_pub_public"),
            # Newest first, as lists and search show them: a common word reads the first page off this index.
            models.Index(fields=["-published_at", "-id"], name="disclosure_pub_newest"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def status_label(self) -> str:
        return workflow.publication_state_label(self.status)


class Attachment(models.Model):
    publication = models.ForeignKey(Publication, models.CASCADE, related_name="attachments")
    name = models.CharField(_("名称"), max_length=200)
    file = models.FileField(_("文件"), upload_to="disclosure/attachments/%Y/")
    content_type = models.CharField(_("文件类型"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("大小(字节)"), default=0)
    uploaded_at = models.DateTimeField(_("上传时间"), null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("附件")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class SubmittedVersion(models.Model):
    """What a publication said when it was sent into review (提交审核), as its reviewers read it
    (disclosure.versions.content_of): a later round's reviewers are shown what changed since."""

    publication = models.ForeignKey(Publication, models.CASCADE, related_name="submissions")
    number = models.PositiveIntegerField(_("第几次提交"))
    content = models.JSONField(_("提交时的内容"), default=dict)
    at = models.DateTimeField(_("提交时间"))

    class Meta:
        verbose_name = verbose_name_plural = _("提交审核的版本")
        ordering = ["publication", "number"]
        constraints = [
            models.UniqueConstraint(fields=["publication", "number"], name="disclosure_submitted_version")
        ]

    def __str__(self) -> str:
        return f"{self.publication_id} #{self.number}"


class ReviewEntry(AppendOnly):
    """One line of the review ledger (审查台账): an immutable event of the publication's review chain."""

    immutable_name = "review ledger entries"
    hashed_fields = ("publication", "action", "from_status", "to_status", "by", "by_name", "opinion", "at")

    publication = models.ForeignKey(Publication, models.CASCADE, related_name="ledger")
    action = models.CharField(_("操作"), max_length=24)
    from_status = models.CharField(_("原状态"), max_length=24)
    to_status = models.CharField(_("新状态"), max_length=24)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("审查人")
    )
    by_name = models.CharField(_("审查人"), max_length=60)
    opinion = models.TextField(_("意见"), blank=True)
    at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = verbose_name_plural = _("审查台账")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.publication_id} {self.action} {self.by_name}"

    @property
    def action_label(self) -> str:
        return workflow.action_label(self.action)

    @property
    def from_status_label(self) -> str:
        return workflow.publication_state_label(self.from_status)

    @property
    def to_status_label(self) -> str:
        return workflow.publication_state_label(self.to_status)


DESCRIPTION_LIMIT = 2000  # characters of 所需政府信息的描述 a request may carry


class DisclosureRequest(models.Model):
    """A request for government information (依申请公开)."""

    class Channel(models.TextChoices):
        IN_PERSON = "in_person", _("当面提交")
        LETTER = "letter", _("邮寄")
        ONLINE = "online", _("网络")
        FAX = "fax", _("传真")

    class RequesterKind(models.TextChoices):
        NATURAL_PERSON = "natural_person", _("自然人")
        COMMERCIAL = "commercial", _("商业企业")
        RESEARCH = "research", _("科研机构")
        PUBLIC_INTEREST = "public_interest", _("社会公益组织")
        LEGAL_SERVICE = "legal_service", _("法律服务机构")
        OTHER = "other", _("其他")

    class FeeMethod(models.TextChoices):
        ITEMS = "items", _("按件计收")
        PAGES = "pages", _("按量计收")

    organisation = models.ForeignKey(
        Organisation, models.PROTECT, related_name="disclosure_requests", verbose_name=_("受理机关")
    )
    number = models.CharField(_("申请编号"), max_length=32, unique=True)
    access_code = models.CharField(_("查询码"), max_length=16)
    channel = models.CharField(_("申请方式"), max_length=12, choices=Channel.choices)
    requester_kind = models.CharField(_("申请人类型"), max_length=20, choices=RequesterKind.choices)
    requester_name = models.CharField(_("申请人"), max_length=100)
    requester_id_number = models.CharField(_("证件号码"), max_length=32, blank=True)
    phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    address = models.CharField(_("通信地址"), max_length=200, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    description = models.TextField(_("所需政府信息的名称、文号或便于查询的其他特征性描述"))
    delivery = models.CharField(_("获取信息方式"), max_length=40, blank=True)
    submitted_on = models.DateField(_("提交日期"))
    received_on = models.DateField(_("收到申请日期"), db_index=True)
    supplement_received_on = models.DateField(_("收到补正日期"), null=True, blank=True)
    extension_days = models.PositiveSmallIntegerField(_("延长工作日"), default=0)
    # the officer's ask to extend, waiting for the head (第三十三条第一款: 经政府信息公开工作机构负责人同意); 0: none waits
    extension_asked_days = models.PositiveSmallIntegerField(_("申请延长工作日"), default=0)
    extension_asked_reason = models.TextField(_("申请延长理由"), blank=True)
    extension_asked_on = models.DateField(_("申请延长日期"), null=True, blank=True)
    extension_asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("申请延长人"),
    )
    due_on = models.DateField(_("答复期限"), null=True, blank=True, db_index=True)
    due_provisional = models.BooleanField(default=False)
    waiting_until = models.DateField(
        _("等待期限"), null=True, blank=True, help_text=_("补正或缴费的最后一天")
    )
    status = models.CharField(
        _("状态"), max_length=24, choices=list(workflow.REQUEST_STATES.items()), db_index=True
    )
    fee_method = models.CharField(_("计费方式"), max_length=8, choices=FeeMethod.choices, blank=True)
    fee_quantity = models.PositiveIntegerField(_("计费数量"), null=True, blank=True)
    fee_amount = models.PositiveIntegerField(_("信息处理费(元)"), null=True, blank=True)
    fee_paid_on = models.DateField(_("缴费日期"), null=True, blank=True)
    outcome = models.CharField(_("答复结果"), max_length=16, choices=outcomes.OUTCOME_CHOICES, blank=True)
    reason = models.CharField(_("具体理由"), max_length=32, choices=outcomes.REASON_CHOICES, blank=True)
    reply_text = models.TextField(_("答复内容"), blank=True)
    concluded_on = models.DateField(_("办结日期"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(_("登记时间"))
    imported = models.BooleanField(default=False)

    class Meta:
        verbose_name = verbose_name_plural = _("政府信息公开申请")
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return self.number

    @property
    def status_label(self) -> str:
        return workflow.request_state_label(self.status)


class RequestEvent(AppendOnly):
    """An immutable event of a request's handling; the state can be rebuilt from these."""

    immutable_name = "request events"
    hashed_fields = (
        "request", "action", "from_status", "to_status", "on", "at", "by", "by_name", "note", "data",
    )  # fmt: skip

    request = models.ForeignKey(DisclosureRequest, models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=32)
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24)
    on = models.DateField(_("日期"))
    at = models.DateTimeField(_("记录时间"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    by_name = models.CharField(max_length=60, blank=True)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(default=dict)

    class Meta:
        verbose_name = verbose_name_plural = _("申请处理记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.request_id} {self.action} {self.on}"

    @property
    def action_label(self) -> str:
        return workflow.action_label(self.action)


class Remedy(models.Model):
    """An administrative reconsideration or lawsuit about disclosure, with its result (for the annual report)."""

    class Kind(models.TextChoices):
        RECONSIDERATION = "reconsideration", _("行政复议")
        LITIGATION_DIRECT = "litigation_direct", _("行政诉讼(未经复议直接起诉)")
        LITIGATION_AFTER = "litigation_after", _("行政诉讼(复议后起诉)")

    class Result(models.TextChoices):
        UPHELD = "upheld", _("结果维持")
        CORRECTED = "corrected", _("结果纠正")
        OTHER = "other", _("其他结果")
        PENDING = "pending", _("尚未审结")

    organisation = models.ForeignKey(Organisation, models.PROTECT, related_name="disclosure_remedies")
    request = models.ForeignKey(
        DisclosureRequest, models.SET_NULL, null=True, blank=True, related_name="remedies"
    )
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    filed_on = models.DateField(_("提起日期"))
    result = models.CharField(_("结果"), max_length=12, choices=Result.choices, default=Result.PENDING)
    concluded_on = models.DateField(_("审结日期"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("行政复议和行政诉讼")
        ordering = ["-filed_on"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.filed_on}"


class AnnualReport(models.Model):
    """An organisation's annual report on its disclosure work (年度报告) for one year."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")

    organisation = models.ForeignKey(Organisation, models.PROTECT, related_name="disclosure_reports")
    year = models.PositiveSmallIntegerField(_("年度"))
    overview = models.TextField(_("一、总体情况"), blank=True)
    problems = models.TextField(_("五、存在的主要问题及改进情况"), blank=True)
    other_matters = models.TextField(_("六、其他需要报告的事项"), blank=True)
    figures = models.JSONField(_("人工填报数字"), default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    publication = models.ForeignKey(Publication, models.SET_NULL, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = verbose_name_plural = _("政府信息公开年度报告")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="disclosure_report_year")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.year}"
