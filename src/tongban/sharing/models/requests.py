"""Consumer systems, share requests by legal duty (依职能按需共享) and the grants they lead to.

Lifecycle of a ``ShareRequest``::

    submitted ──approve──▶ granted          (provider, within 10 working days)
        │      ──refuse───▶ refused         (provider, with reasons)
        │      ──due_on passed──▶ escalated ──arbitrate──▶ granted | refused  (platform operator)
        └──────withdraw──▶ withdrawn        (consumer)

An unconditional resource's request is granted at once (``granted``, decided by the
platform). A ``Grant`` states what the consumer may read: items, row scope, masking per item,
rate limit and expiry; it can be revoked.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.core.permissions import RestrictedManager

__all__ = ["ConsumerSystem", "Grant", "ShareRequest"]


class ConsumerSystem(models.Model):
    """A consumer department's business system, calling the gateway with the machine
    credentials (OIDC client-credentials) of ``application``."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("启用")
        SUSPENDED = "suspended", _("停用")

    org_unit = models.ForeignKey(
        "core.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("使用部门")
    )
    name = models.CharField(_("系统名称"), max_length=100)
    application = models.OneToOneField(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL,
        on_delete=models.PROTECT,
        related_name="sharing_consumer",
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["org_unit", "name"]
        verbose_name = _("共享使用系统")
        verbose_name_plural = _("共享使用系统")

    def __str__(self) -> str:
        return self.name

    @property
    def client_id(self) -> str:
        return self.application.client_id


class ShareRequest(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待提供方审核")
        ESCALATED = "escalated", _("逾期，平台协调中")
        GRANTED = "granted", _("已同意")
        REFUSED = "refused", _("已拒绝")
        WITHDRAWN = "withdrawn", _("已撤回")

    OPEN_STATUSES = (Status.SUBMITTED, Status.ESCALATED)

    class DecidedBy(models.TextChoices):
        PLATFORM = "platform", _("无条件共享，自动同意")
        PROVIDER = "provider", _("提供方")
        ARBITRATION = "arbitration", _("平台协调仲裁")

    number = models.CharField(_("申请编号"), max_length=32, unique=True)
    resource = models.ForeignKey(
        "sharing.Resource", on_delete=models.PROTECT, related_name="requests"
    )
    consumer_unit = models.ForeignKey(
        "core.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("使用部门")
    )
    consumer_system = models.ForeignKey(
        ConsumerSystem, on_delete=models.PROTECT, related_name="requests"
    )
    items = models.JSONField(_("申请信息项"), default=list)
    legal_duty = models.CharField(_("权责事项"), max_length=200)
    legal_basis = models.TextField(_("法律依据"), blank=True)
    purpose = models.CharField(_("用途"), max_length=200)
    period_from = models.DateField(_("使用期限起"))
    period_to = models.DateField(_("使用期限止"))
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    # The provider answers by this day (10 working days after submission, core calendar).
    due_on = models.DateField(_("答复期限"), null=True, blank=True, db_index=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    decided_by_kind = models.CharField(max_length=16, choices=DecidedBy.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(_("理由"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("共享申请")
        verbose_name_plural = _("共享申请")

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def provider(self):
        return self.resource.provider


class Grant(models.Model):
    """What a consumer system may read of a resource, and how."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("有效")
        REVOKED = "revoked", _("已撤销")

    class RowScope(models.TextChoices):
        LOOKUP = "lookup", _("仅按关键字逐条查询（不可批量）")
        FILTER = "filter", _("可按条件批量查询")

    request = models.OneToOneField(ShareRequest, on_delete=models.PROTECT, related_name="grant")
    resource = models.ForeignKey(
        "sharing.Resource", on_delete=models.PROTECT, related_name="grants"
    )
    consumer_unit = models.ForeignKey("core.OrgUnit", on_delete=models.PROTECT, related_name="+")
    consumer_system = models.ForeignKey(
        ConsumerSystem, on_delete=models.PROTECT, related_name="grants"
    )
    items = models.JSONField(_("授权信息项"), default=list)
    row_scope = models.CharField(
        _("行范围"), max_length=16, choices=RowScope.choices, default=RowScope.LOOKUP
    )
    # Rows only of this division and below (e.g. the consumer's city "440100"); blank: all.
    row_division = models.CharField(_("限定行政区划"), max_length=12, blank=True)
    # {item_key: masking kind (core.masking: id_number, mobile, name, address, bank_account)}
    masking = models.JSONField(_("脱敏规则"), default=dict, blank=True)
    rate_limit_per_minute = models.PositiveIntegerField(_("每分钟调用上限"), default=60)
    require_reference = models.BooleanField(_("须提供办件编号"), default=False)
    expires_on = models.DateField(_("有效期至"))
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoke_reason = models.TextField(_("撤销理由"), blank=True)

    class Meta:
        ordering = ["-granted_at", "-pk"]
        verbose_name = _("共享授权")
        verbose_name_plural = _("共享授权")

    def __str__(self) -> str:
        return f"{self.request.number} → {self.consumer_system}"

    def is_usable_on(self, day) -> bool:
        return self.status == self.Status.ACTIVE and day <= self.expires_on
