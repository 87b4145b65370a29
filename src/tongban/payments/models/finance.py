"""Payments models: finance — refunds (退款), channel statements and reconciliation (对账).

Refund lifecycle (four-eyes, ``tongban.payments.services.refunds``)::

    requested ──approve (another finance person)──▶ approved ──▶ submitted ──▶ succeeded
        │                                                              └────▶ failed
        └──reject──▶ rejected

Automatic refunds (money that arrived for an order that could no longer take it) start as
``approved`` by the system unless ``PAYMENTS_AUTO_REFUND_REQUIRES_APPROVAL`` is on.

Reconciliation: a ``StatementFile`` is one channel's daily statement (对账单) as delivered,
parsed into ``StatementLine`` rows; a ``ReconciliationRun`` matches those lines with the
platform's records of that channel and day and writes one ``ReconciliationItem`` per line or
platform record (matched, missing at platform, missing at channel, amount mismatch).
Differences stay ``open`` until a finance officer resolves them with a note.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tongban.core.permissions import RestrictedQuerySet
from tongban.payments.models.orders import Channel, yuan

__all__ = [
    "ReconciliationItem",
    "ReconciliationRun",
    "Refund",
    "StatementFile",
    "StatementLine",
]


class Refund(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("待复核")
        APPROVED = "approved", _("已复核")
        SUBMITTED = "submitted", _("已提交渠道")
        SUCCEEDED = "succeeded", _("退款成功")
        FAILED = "failed", _("退款失败")
        REJECTED = "rejected", _("已驳回")

    class Kind(models.TextChoices):
        MANUAL = "manual", _("人工申请")
        AUTOMATIC = "automatic", _("自动退款")

    # States whose amount counts against what may still be refunded.
    RESERVING = (Status.REQUESTED, Status.APPROVED, Status.SUBMITTED, Status.SUCCEEDED)
    OPEN = (Status.REQUESTED, Status.APPROVED, Status.SUBMITTED)

    refund_no = models.CharField(_("退款单号"), max_length=32, unique=True)
    order = models.ForeignKey(
        "payments.PaymentOrder", on_delete=models.PROTECT, related_name="refunds"
    )
    payment = models.ForeignKey(
        "payments.Payment", on_delete=models.PROTECT, related_name="refunds"
    )
    org_unit = models.ForeignKey(
        "core.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("执收单位")
    )
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices, default=Kind.MANUAL)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.REQUESTED, db_index=True
    )
    amount = models.PositiveBigIntegerField(_("退款金额（分）"))
    reason = models.CharField(_("退款原因"), max_length=200)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("申请人"),
    )
    requested_by_name = models.CharField(_("申请人"), max_length=100, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("复核人"),
    )
    decided_by_name = models.CharField(_("复核人"), max_length=100, blank=True)
    decided_at = models.DateTimeField(_("复核时间"), null=True, blank=True)
    decision_note = models.CharField(_("复核意见"), max_length=200, blank=True)
    channel_refund_no = models.CharField(_("渠道退款单号"), max_length=64, blank=True)
    failure_message = models.CharField(_("失败原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("申请时间"), db_index=True)
    submitted_at = models.DateTimeField(_("提交渠道时间"), null=True, blank=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("退款")
        verbose_name_plural = _("退款")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_refund_amount_gt_0"),
        ]

    def __str__(self) -> str:
        return self.refund_no

    @property
    def amount_yuan(self) -> str:
        return yuan(self.amount)


class StatementFile(models.Model):
    """One channel's statement of one day, as delivered (the raw file is kept with its SM3)."""

    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    statement_date = models.DateField(_("账单日期"))
    file_name = models.CharField(_("文件名"), max_length=200)
    content = models.BinaryField(_("原始文件"))
    sm3 = models.CharField(_("SM3 摘要"), max_length=64)
    row_count = models.PositiveIntegerField(_("笔数"), default=0)
    total_amount = models.BigIntegerField(_("总金额（分）"), default=0)
    total_fee = models.BigIntegerField(_("总手续费（分）"), default=0)
    fetched_at = models.DateTimeField(_("获取时间"))

    class Meta:
        ordering = ["-statement_date", "channel"]
        verbose_name = _("渠道对账单")
        verbose_name_plural = _("渠道对账单")
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "statement_date"], name="payments_statement_one_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.statement_date}"


class StatementLine(models.Model):
    class Kind(models.TextChoices):
        PAYMENT = "PAY", _("支付")
        REFUND = "REFUND", _("退款")

    statement = models.ForeignKey(StatementFile, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveIntegerField(_("行号"))
    kind = models.CharField(_("交易类型"), max_length=8, choices=Kind.choices)
    occurred_at = models.DateTimeField(_("交易时间"))
    trade_no = models.CharField(_("平台交易号"), max_length=64, db_index=True)
    channel_trade_no = models.CharField(_("渠道交易号"), max_length=64)
    payment_code = models.CharField(_("缴款码"), max_length=32, db_index=True)
    amount = models.BigIntegerField(_("金额（分）"))
    fee = models.BigIntegerField(_("手续费（分）"), default=0)

    class Meta:
        ordering = ["statement", "line_no"]
        verbose_name = _("对账单明细")
        verbose_name_plural = _("对账单明细")

    def __str__(self) -> str:
        return f"{self.statement_id}:{self.line_no}"


class ReconciliationRun(models.Model):
    class Status(models.TextChoices):
        COMPLETED = "completed", _("已完成")
        FAILED = "failed", _("失败")

    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    statement_date = models.DateField(_("账单日期"))
    statement = models.OneToOneField(
        StatementFile,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="run",
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices)
    error_code = models.CharField(_("错误代码"), max_length=64, blank=True)
    error_message = models.CharField(_("错误说明"), max_length=300, blank=True)
    started_by_name = models.CharField(_("发起人"), max_length=100, blank=True)
    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        ordering = ["-statement_date", "channel", "-pk"]
        verbose_name = _("对账批次")
        verbose_name_plural = _("对账批次")
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "statement_date"],
                condition=Q(status="completed"),
                name="payments_recon_one_completed_per_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.statement_date}"


class ReconciliationItem(models.Model):
    class Kind(models.TextChoices):
        MATCHED = "matched", _("一致")
        MISSING_AT_PLATFORM = "missing_at_platform", _("平台无记录（长款）")
        MISSING_AT_CHANNEL = "missing_at_channel", _("渠道无记录（短款）")
        AMOUNT_MISMATCH = "amount_mismatch", _("金额不符")

    class Status(models.TextChoices):
        MATCHED = "matched", _("无差异")
        OPEN = "open", _("待处理")
        RESOLVED = "resolved", _("已处理")

    DIFFERENCES = (Kind.MISSING_AT_PLATFORM, Kind.MISSING_AT_CHANNEL, Kind.AMOUNT_MISMATCH)

    run = models.ForeignKey(ReconciliationRun, on_delete=models.CASCADE, related_name="items")
    # The collecting department; for a line no platform record explains, the region of the
    # payment code's division (so that region's finance staff see it), or none.
    org_unit = models.ForeignKey(
        "core.OrgUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("结果"), max_length=24, choices=Kind.choices, db_index=True)
    status = models.CharField(_("处理状态"), max_length=16, choices=Status.choices, db_index=True)
    record_type = models.CharField(_("交易类型"), max_length=8, default="PAY")
    trade_no = models.CharField(_("交易号"), max_length=64, blank=True)
    payment_code = models.CharField(_("缴款码"), max_length=32, blank=True, db_index=True)
    payment = models.ForeignKey(
        "payments.Payment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    refund = models.ForeignKey(
        Refund, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    line = models.ForeignKey(
        StatementLine, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    platform_amount = models.BigIntegerField(_("平台金额（分）"), null=True, blank=True)
    channel_amount = models.BigIntegerField(_("渠道金额（分）"), null=True, blank=True)
    fee = models.BigIntegerField(_("手续费（分）"), default=0)
    resolution_note = models.CharField(_("处理说明"), max_length=500, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_by_name = models.CharField(_("处理人"), max_length=100, blank=True)
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["run", "pk"]
        verbose_name = _("对账结果")
        verbose_name_plural = _("对账结果")
        indexes = [models.Index(fields=["run", "kind"], name="payments_recon_item_run_kind")]

    def __str__(self) -> str:
        return f"{self.run_id}:{self.kind}:{self.trade_no or self.payment_code}"
