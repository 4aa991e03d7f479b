"""Bundles (一件事) and joint approval (并联审批): a bundle lists member items of several organisations, in stages
(members of one stage run in parallel), with prerequisites between members, one merged form and one merged material
list. Versions are drafted, submitted and published by the centre like items (draft → submitted → published)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengwu.catalog.models import ServiceItem
from zhengwu.core.models import Organisation


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
