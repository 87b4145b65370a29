"""Data quality (数据治理): rules per resource, quality reports, and consumers' error reports
(数据纠错) with a closed loop and deadlines.

``QualityRule`` kinds: ``required`` (the item has a value), ``code`` (the value is a valid
ID number / credit code / division code, ``tongban.core.codes``), ``enum`` (one of the listed
values). Freshness against the update cycle is always checked. A ``QualityReport`` is one run
of the rules over a resource's rows.

``CorrectionReport`` lifecycle (every change audited)::

    reported ──accept──▶ accepted ──correct──▶ corrected ──confirm──▶ confirmed
        └─────reject (reason)──▶ rejected

The provider answers (accept/reject) by ``due_on`` and corrects an accepted report by a new
``due_on`` (working days, settings); past it the report is escalated to the platform
operator (``escalated_at``), and stays with the provider.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["CorrectionReport", "QualityReport", "QualityRule"]


class QualityRule(models.Model):
    class Kind(models.TextChoices):
        REQUIRED = "required", _("必填")
        CODE = "code", _("代码校验")
        ENUM = "enum", _("枚举值")

    CODE_KINDS = {
        "citizen-id": _("公民身份号码"),
        "uscc": _("统一社会信用代码"),
        "division": _("行政区划代码"),
    }

    resource = models.ForeignKey(
        "sharing.Resource", on_delete=models.CASCADE, related_name="quality_rules"
    )
    kind = models.CharField(_("规则类型"), max_length=16, choices=Kind.choices)
    item_key = models.CharField(_("信息项"), max_length=64)
    # code: {"code_kind": "citizen-id"}; enum: {"values": ["A", "B"]}
    params = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    restrict_field = "resource__provider"

    class Meta:
        ordering = ["resource", "item_key", "kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "kind", "item_key"], name="uniq_sharing_quality_rule"
            )
        ]
        verbose_name = _("数据质量规则")
        verbose_name_plural = _("数据质量规则")

    def __str__(self) -> str:
        return f"{self.resource_id}:{self.item_key}:{self.kind}"


class QualityReport(models.Model):
    resource = models.ForeignKey(
        "sharing.Resource", on_delete=models.CASCADE, related_name="quality_reports"
    )
    provider = models.ForeignKey("core.OrgUnit", on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField(default=timezone.now, db_index=True)
    rows_checked = models.PositiveIntegerField(_("检查行数"), default=0)
    rows_failed = models.PositiveIntegerField(_("有问题的行数"), default=0)
    # False when rows could not be read (provider interface): only freshness was checked.
    rows_checkable = models.BooleanField(default=True)
    # [{"kind", "item_key", "params", "failures", "samples": [record keys or line numbers]}]
    results = models.JSONField(default=list, blank=True)
    last_updated_at = models.DateTimeField(_("数据最近更新"), null=True, blank=True)
    # None: no fixed update cycle (不定期) or unknown
    fresh = models.BooleanField(_("按更新周期更新"), null=True, blank=True)

    restrict_field = "provider"

    class Meta:
        ordering = ["-checked_at", "-pk"]
        verbose_name = _("数据质量报告")
        verbose_name_plural = _("数据质量报告")

    def __str__(self) -> str:
        return f"quality {self.resource_id} @ {self.checked_at:%Y-%m-%d}"

    @property
    def pass_rate(self) -> float | None:
        if not self.rows_checkable or not self.rows_checked:
            return None
        return (self.rows_checked - self.rows_failed) / self.rows_checked


class CorrectionReport(models.Model):
    class Status(models.TextChoices):
        REPORTED = "reported", _("待提供方答复")
        ACCEPTED = "accepted", _("已受理，待更正")
        REJECTED = "rejected", _("不予更正")
        CORRECTED = "corrected", _("已更正，待确认")
        CONFIRMED = "confirmed", _("已确认")

    OPEN = (Status.REPORTED, Status.ACCEPTED)

    number = models.CharField(_("纠错编号"), max_length=32, unique=True)
    resource = models.ForeignKey(
        "sharing.Resource", on_delete=models.PROTECT, related_name="correction_reports"
    )
    provider = models.ForeignKey("core.OrgUnit", on_delete=models.PROTECT, related_name="+")
    reporter_unit = models.ForeignKey(
        "core.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("报告部门")
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    record_key = models.CharField(_("记录关键字"), max_length=64)
    item_key = models.CharField(_("信息项"), max_length=64, blank=True)
    description = models.TextField(_("错误说明"))
    suggested_value = models.CharField(_("建议值"), max_length=200, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.REPORTED, db_index=True
    )
    due_on = models.DateField(_("答复/更正期限"), null=True, blank=True, db_index=True)
    escalated_at = models.DateTimeField(_("逾期移交平台"), null=True, blank=True)
    answer_reason = models.TextField(_("答复理由"), blank=True)
    correction_note = models.TextField(_("更正说明"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    corrected_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    restrict_field = "provider"

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("数据纠错报告")
        verbose_name_plural = _("数据纠错报告")

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN
