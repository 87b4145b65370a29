"""Payments models: fiscal electronic receipts (财政电子票据) and the finance seals that sign them.

* ``FinanceSeal`` — a collecting department's finance seal (财务专用章): an SM2 key pair whose
  private half is envelope-encrypted at rest, and its seal certificate (``SESeal``-like DER
  signed by the platform key, ``tongban.core.signing``). One active seal per department,
  created on first use (``services.finance_seals``).
* ``Receipt`` — one normal (蓝字) receipt per successfully paid order: 票据代码 + 票据号码 +
  校验码, the payer, the items, the amount, the collecting department, and the signed canonical
  JSON with its ``SES_Signature``-like DER; and one reversal (红字, 冲红) receipt per successful
  refund of the receipted payment, pointing at the original (its ``amount`` is the refunded
  amount, signed as a negative figure).
* ``ReceiptNumberSequence`` — the last 票据号码 given out under one 票据代码.
* ``ReceiptVerificationFailure`` — failed public look-ups per client IP (rate limit).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.core.models import OrgUnit
from tongban.core.permissions import RestrictedManager

__all__ = ["FinanceSeal", "Receipt", "ReceiptNumberSequence", "ReceiptVerificationFailure"]


class FinanceSeal(models.Model):
    org_unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="finance_seals",
        verbose_name=_("执收单位"),
    )
    esid = models.CharField(_("印章编码"), max_length=14, unique=True)
    name = models.CharField(_("印章名称"), max_length=120)
    valid_from = models.DateField(_("有效期起"))
    valid_to = models.DateField(_("有效期至"))
    fingerprint = models.CharField(_("公钥指纹 (SM3)"), max_length=64, unique=True)
    public_pem = models.TextField(_("公钥 (PEM)"))
    private_key_encrypted = models.TextField(_("私钥（加密）"))
    certificate_der = models.BinaryField(_("印章证书"))
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    retired_at = models.DateTimeField(_("停用时间"), null=True, blank=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["org_unit", "-created_at"]
        verbose_name = _("财务专用章")
        verbose_name_plural = _("财务专用章")
        constraints = [
            models.UniqueConstraint(
                fields=["org_unit"],
                condition=Q(is_active=True),
                name="payments_financeseal_one_active_per_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.esid}）"


class ReceiptNumberSequence(models.Model):
    code = models.CharField(_("票据代码"), max_length=8, unique=True)
    last_value = models.PositiveBigIntegerField(_("已用最大号码"), default=0)

    class Meta:
        verbose_name = _("票据号码序列")
        verbose_name_plural = _("票据号码序列")

    def __str__(self) -> str:
        return f"{self.code}: {self.last_value}"


class Receipt(models.Model):
    class Kind(models.TextChoices):
        NORMAL = "normal", _("蓝字票据")
        REVERSAL = "reversal", _("红字票据（冲红）")

    kind = models.CharField(_("票据类型"), max_length=10, choices=Kind.choices, default=Kind.NORMAL)
    # One normal receipt per order (constraint below); reversal receipts (冲红) of its refunds.
    order = models.ForeignKey(
        "payments.PaymentOrder",
        on_delete=models.PROTECT,
        related_name="receipts",
        verbose_name=_("缴款单"),
    )
    original = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversals",
        verbose_name=_("原票据"),
    )
    refund = models.OneToOneField(
        "payments.Refund",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversal_receipt",
        verbose_name=_("退款"),
    )
    org_unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="payment_receipts",
        verbose_name=_("执收单位"),
    )
    code = models.CharField(_("票据代码"), max_length=8)
    number = models.CharField(_("票据号码"), max_length=10)
    check_code = models.CharField(_("校验码"), max_length=6)
    payment_code = models.CharField(_("缴款码"), max_length=32)
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="payment_receipts",
        verbose_name=_("交款人账号"),
    )
    payer_name = models.CharField(_("交款人"), max_length=100)
    payer_id_number = models.CharField(_("交款人证件号码"), max_length=32, blank=True)
    payee_name = models.CharField(_("收款单位"), max_length=200)
    items = models.JSONField(_("收费项目"), default=list)
    amount = models.PositiveBigIntegerField(_("金额（分）"))
    issued_at = models.DateTimeField(_("开票时间"))
    finance_seal = models.ForeignKey(
        FinanceSeal,
        on_delete=models.PROTECT,
        related_name="receipts",
        verbose_name=_("财务专用章"),
    )
    signed_data = models.BinaryField(_("签名数据"))
    signature_der = models.BinaryField(_("电子签名"))

    objects = RestrictedManager()

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("财政电子票据")
        verbose_name_plural = _("财政电子票据")
        constraints = [
            models.UniqueConstraint(
                fields=["code", "number"], name="payments_receipt_unique_code_number"
            ),
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(kind="normal"),
                name="payments_receipt_one_normal_per_order",
            ),
        ]
        indexes = [
            models.Index(fields=["payer", "-issued_at"], name="payments_receipt_payer_idx"),
            models.Index(fields=["payer_id_number"], name="payments_receipt_payer_id_idx"),
            models.Index(fields=["org_unit", "-issued_at"], name="payments_receipt_unit_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.number}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("payments_receipts:receipt_detail", args=[self.code, self.number])

    @property
    def is_reversal(self) -> bool:
        return self.kind == self.Kind.REVERSAL

    @property
    def full_number(self) -> str:
        """票据代码 + 票据号码 (18 digits)."""
        return f"{self.code}{self.number}"


class ReceiptVerificationFailure(models.Model):
    client_ip = models.CharField(_("来源地址"), max_length=64, db_index=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("票据核验失败记录")
        verbose_name_plural = _("票据核验失败记录")

    def __str__(self) -> str:
        return f"{self.client_ip} {self.created_at:%Y-%m-%d %H:%M:%S}"
