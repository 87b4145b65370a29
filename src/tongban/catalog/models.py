"""Service catalogue (事项目录, "同源发布"): items, their versions and implementations.

* ``ServiceItem`` — one standard item of the province (基本编码, 名称, 类型...).
* ``ItemVersion`` — the standard elements of an item at one point in time. Department
  admins draft, submit and publish versions; a published version never changes (a case
  keeps the version it was filed under); publishing a new one supersedes the old.
* ``Material`` / ``ProcessStage`` / ``StageTask`` — belong to a version.
* ``Implementation`` — the item as implemented by one department unit (实施清单) with its
  implementation code and local time limits (≤ the legal limit, enforced).
* ``ThemeService`` — a "一件事" bundle of several items applied for together.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemType(models.TextChoices):
    LICENSING = "行政许可", _("行政许可")
    PAYMENT = "行政给付", _("行政给付")
    CONFIRMATION = "行政确认", _("行政确认")
    REWARD = "行政奖励", _("行政奖励")
    ADJUDICATION = "行政裁决", _("行政裁决")
    OTHER_POWER = "其他行政权力", _("其他行政权力")
    PUBLIC_SERVICE = "公共服务", _("公共服务")
    FILING = "行政备案", _("行政备案")


class Level(models.TextChoices):
    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县级")


class Audience(models.TextChoices):
    NATURAL = "natural", _("自然人")
    LEGAL = "legal", _("法人")
    BOTH = "both", _("自然人和法人")


class HandlingType(models.TextChoices):
    IMMEDIATE = "即办件", _("即办件")
    PROMISED = "承诺件", _("承诺件")


class ServiceItem(models.Model):
    key = models.SlugField(max_length=80, unique=True)  # stable slug from the data file
    basic_code = models.CharField(_("基本编码"), max_length=32, unique=True)
    name = models.CharField(_("事项名称"), max_length=200, db_index=True)
    item_type = models.CharField(_("事项类型"), max_length=16, choices=ItemType.choices)
    department_name = models.CharField(_("主管部门"), max_length=64)
    level = models.CharField(_("行使层级"), max_length=16, choices=Level.choices)
    audience = models.CharField(_("服务对象"), max_length=16, choices=Audience.choices)
    # The version citizens see and apply under; null until the first publication.
    current_version = models.ForeignKey(
        "ItemVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_withdrawn = models.BooleanField(_("已停止受理"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("政务服务事项")
        verbose_name_plural = _("政务服务事项")

    def __str__(self) -> str:
        return self.name


class ItemVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("待发布")
        PUBLISHED = "published", _("已发布")
        SUPERSEDED = "superseded", _("已被新版本替代")

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    handling_type = models.CharField(_("办件类型"), max_length=8, choices=HandlingType.choices)
    legal_days = models.PositiveIntegerField(_("法定办结时限（工作日）"))
    promised_days = models.PositiveIntegerField(_("承诺办结时限（工作日）"))
    basis = models.TextField(_("设定和实施依据"), blank=True)
    conditions = models.TextField(_("受理条件"), blank=True)
    process_description = models.TextField(_("办理流程"), blank=True)
    charges = models.BooleanField(_("是否收费"), default=False)
    fee_amount = models.DecimalField(
        _("收费标准（元）"), max_digits=12, decimal_places=2, default=0
    )
    fee_basis = models.TextField(_("收费依据"), blank=True)
    online = models.BooleanField(_("是否网上办理"), default=True)
    max_visits = models.PositiveSmallIntegerField(_("到现场次数"), default=0)
    consultation = models.TextField(_("咨询方式"), blank=True)
    complaint = models.TextField(_("监督投诉方式"), blank=True)
    halls_and_hours = models.TextField(_("办理地点与时间"), blank=True)
    # Application form: [{"name", "label", "type", "required", "source", "choices", "max_length"}]
    # where source = "person.<field>" / "entity.<field>" / "" (typed by the applicant).
    form_schema = models.JSONField(_("申请表单"), default=list, blank=True)
    # Licence-type keys issued on approval (shared/data/licence-types.yaml).
    outputs = models.JSONField(_("办理结果"), default=list, blank=True)
    change_note = models.CharField(_("变更说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["item", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="uniq_item_version"),
            models.CheckConstraint(
                condition=models.Q(promised_days__lte=models.F("legal_days")),
                name="promised_within_legal_days",
            ),
        ]
        verbose_name = _("事项版本")
        verbose_name_plural = _("事项版本")

    def __str__(self) -> str:
        return f"{self.item.name} v{self.number}"


class Material(models.Model):
    class Form(models.TextChoices):
        ORIGINAL = "original", _("原件")
        COPY = "copy", _("复印件")
        ELECTRONIC = "electronic", _("电子件")

    version = models.ForeignKey(ItemVersion, on_delete=models.CASCADE, related_name="materials")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("材料名称"), max_length=200)
    form = models.CharField(
        _("材料形式"), max_length=16, choices=Form.choices, default=Form.ELECTRONIC
    )
    copies = models.PositiveSmallIntegerField(_("份数"), default=1)
    required = models.BooleanField(_("是否必需"), default=True)
    # Licence type that can replace the upload (taken from the licence wallet with consent).
    licence_type_key = models.CharField(_("可用电子证照"), max_length=64, blank=True)
    blank_form = models.FileField(_("空白表格"), upload_to="catalog/forms/", blank=True)
    sample = models.FileField(_("示例样本"), upload_to="catalog/samples/", blank=True)

    class Meta:
        ordering = ["version", "position", "id"]
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")

    def __str__(self) -> str:
        return self.name


class ProcessStage(models.Model):
    """Stages run in order; the tasks of one stage run in parallel (并联审批)."""

    version = models.ForeignKey(ItemVersion, on_delete=models.CASCADE, related_name="stages")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(_("环节名称"), max_length=64)

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="uniq_stage_position")
        ]

    def __str__(self) -> str:
        return self.name


class StageTask(models.Model):
    """A task of a stage, done by a role in a department (resolved per implementation:
    the department unit of that name in the implementing region or its nearest ancestor)."""

    stage = models.ForeignKey(ProcessStage, on_delete=models.CASCADE, related_name="tasks")
    name = models.CharField(_("任务名称"), max_length=64)
    department_name = models.CharField(_("办理部门"), max_length=64)
    role = models.CharField(_("办理角色"), max_length=32, default="approver")

    class Meta:
        ordering = ["stage", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.department_name}）"


class Implementation(models.Model):
    """实施清单: the item implemented by one department unit."""

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="implementations")
    org_unit = models.ForeignKey("core.OrgUnit", on_delete=models.PROTECT, related_name="+")
    implementation_code = models.CharField(_("实施编码"), max_length=80, unique=True)
    legal_days = models.PositiveIntegerField(_("法定办结时限（工作日）"))
    promised_days = models.PositiveIntegerField(_("承诺办结时限（工作日）"))
    is_active = models.BooleanField(default=True)

    restrict_field = "org_unit"

    class Meta:
        ordering = ["item", "org_unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["item", "org_unit"], name="uniq_item_implementation"),
            models.CheckConstraint(
                condition=models.Q(promised_days__lte=models.F("legal_days")),
                name="impl_promised_within_legal_days",
            ),
        ]
        verbose_name = _("实施清单")
        verbose_name_plural = _("实施清单")

    def __str__(self) -> str:
        return f"{self.item.name} · {self.org_unit}"


class ThemeService(models.Model):
    """一件事: several items applied for together in one application."""

    key = models.SlugField(max_length=80, unique=True)
    name = models.CharField(_("主题名称"), max_length=200)
    description = models.TextField(blank=True)
    items = models.ManyToManyField(ServiceItem, related_name="themes")

    class Meta:
        verbose_name = _("主题服务")
        verbose_name_plural = _("主题服务")

    def __str__(self) -> str:
        return self.name


class CatalogRevision(models.Model):
    """One row whose ``token`` changes (in the same transaction) whenever published catalogue
    data changes: publication, withdrawal, implementation edits, imports. The search index
    (``tongban.catalog.search``) is rebuilt when the token it was built from is stale, so
    every process sees a publication right after it commits."""

    token = models.CharField(max_length=32)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("目录修订标记")
        verbose_name_plural = _("目录修订标记")

    def __str__(self) -> str:
        return self.token
