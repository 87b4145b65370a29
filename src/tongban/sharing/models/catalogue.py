"""The government information resource catalogue (政务信息资源目录, STANDARDS §8).

A ``Resource`` is registered by its providing department (提供方, ``provider``) with the
catalogue metadata and its data items (信息项, ``DataItem``). What backs it — a base registry,
an uploaded dataset or the provider's HTTP API — decides how the gateway reads rows.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.core.permissions import RestrictedManager

__all__ = ["DataItem", "Resource"]


class Resource(models.Model):
    class ShareType(models.TextChoices):
        UNCONDITIONAL = "unconditional", _("无条件共享")
        CONDITIONAL = "conditional", _("有条件共享")
        NONE = "none", _("不予共享")

    class OpenType(models.TextChoices):
        OPEN = "open", _("无条件开放")
        CONDITIONAL = "conditional", _("有条件开放")
        CLOSED = "closed", _("不予开放")

    class UpdateCycle(models.TextChoices):
        REALTIME = "realtime", _("实时")
        DAILY = "daily", _("每日")
        WEEKLY = "weekly", _("每周")
        MONTHLY = "monthly", _("每月")
        QUARTERLY = "quarterly", _("每季度")
        YEARLY = "yearly", _("每年")
        IRREGULAR = "irregular", _("不定期")

    class Backing(models.TextChoices):
        PERSON_REGISTRY = "person_registry", _("人口基础库")
        ENTITY_REGISTRY = "entity_registry", _("法人基础库")
        DATASET = "dataset", _("上传的数据集")
        HTTP_API = "http_api", _("提供方接口")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")
        RETIRED = "retired", _("已停用")

    code = models.CharField(_("资源代码"), max_length=64, unique=True)
    name = models.CharField(_("资源名称"), max_length=200)
    # 类/项/目/细目: "1", "101", "101001", "10100101…" (digits only)
    classification = models.CharField(_("资源分类"), max_length=32, db_index=True)
    provider = models.ForeignKey(
        "core.OrgUnit",
        on_delete=models.PROTECT,
        related_name="sharing_resources",
        verbose_name=_("提供方"),
    )
    summary = models.TextField(_("摘要"), blank=True)
    format = models.CharField(_("资源格式"), max_length=32, blank=True)
    share_type = models.CharField(_("共享类型"), max_length=16, choices=ShareType.choices)
    share_conditions = models.TextField(_("共享条件"), blank=True)
    legal_basis = models.TextField(_("依据"), blank=True)
    open_type = models.CharField(
        _("开放类型"), max_length=16, choices=OpenType.choices, default=OpenType.CLOSED
    )
    update_cycle = models.CharField(
        _("更新周期"), max_length=16, choices=UpdateCycle.choices, default=UpdateCycle.IRREGULAR
    )
    released_on = models.DateField(_("发布日期"), null=True, blank=True)
    related_codes = models.JSONField(_("关联资源代码"), default=list, blank=True)
    backing = models.CharField(_("数据来源"), max_length=16, choices=Backing.choices)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    topic = models.CharField(_("主题"), max_length=64, blank=True)
    # The item a lookup (按关键字查询) is made by, e.g. ``id_number`` or ``uscc``.
    lookup_key = models.CharField(_("查询关键字信息项"), max_length=64, blank=True)
    # backing == http_api: the provider's interface the gateway calls (GET, JSON).
    api_url = models.URLField(_("提供方接口地址"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RestrictedManager()
    restrict_field = "provider"

    class Meta:
        ordering = ["code"]
        verbose_name = _("政务信息资源")
        verbose_name_plural = _("政务信息资源目录")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def item_keys(self) -> list[str]:
        return [item.key for item in self.items.all()]


class DataItem(models.Model):
    class Type(models.TextChoices):
        STRING = "string", _("字符串")
        INTEGER = "integer", _("整数")
        DECIMAL = "decimal", _("小数")
        DATE = "date", _("日期")
        BOOLEAN = "boolean", _("布尔")

    class Sensitivity(models.TextChoices):
        PUBLIC = "public", _("公开")
        INTERNAL = "internal", _("内部")
        SENSITIVE = "sensitive", _("敏感")
        PERSONAL = "personal", _("个人信息")

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="items")
    key = models.CharField(_("信息项标识"), max_length=64)
    name = models.CharField(_("信息项名称"), max_length=100)
    type = models.CharField(_("数据类型"), max_length=16, choices=Type.choices, default=Type.STRING)
    length = models.PositiveIntegerField(_("长度"), null=True, blank=True)
    sensitivity = models.CharField(
        _("敏感级别"), max_length=16, choices=Sensitivity.choices, default=Sensitivity.INTERNAL
    )
    required = models.BooleanField(_("必填"), default=False)
    position = models.PositiveIntegerField(_("顺序"), default=0)

    class Meta:
        ordering = ["resource", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "key"], name="uniq_sharing_item_key")
        ]
        verbose_name = _("信息项")
        verbose_name_plural = _("信息项")

    def __str__(self) -> str:
        return f"{self.name} ({self.key})"
