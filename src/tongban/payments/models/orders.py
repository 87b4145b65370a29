"""Payments models: orders (缴款单), payment attempts through a channel, callbacks received.

Order lifecycle (GOV.UK Pay's model; ``tongban.payments.services.orders`` is the only
writer)::

    created ──start──▶ started ──channel: paying──▶ submitted ──▶ success
       │                 │  ▲                          │
       │                 │  └──── start again ─────────┤──▶ failed ──start again──▶ started
       └─────────────────┴──────── cancel / expire ────┴──▶ cancelled | expired

``failed`` means the last attempt failed: the payer may start another one until the order
expires. ``success`` and ``cancelled`` are final; ``expired`` takes no new attempt, and only a
payment made before the deadline whose notice arrives late can still settle it. An order is settled by at
most one payment, ever: ``Payment.settles_order`` is unique per order (a partial unique
index) and the callback service holds the order row locked while it decides.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.core.permissions import RestrictedQuerySet

__all__ = [
    "CallbackRecord",
    "Channel",
    "Payment",
    "PaymentCodeSequence",
    "PaymentOrder",
    "PaymentWebhookDelivery",
    "PaymentWebhookEndpoint",
    "SimulatedCallback",
]


class Channel(models.TextChoices):
    WECHAT = "wechat", _("微信支付")
    ALIPAY = "alipay", _("支付宝")
    UNIONPAY = "unionpay", _("银联/银行柜台")


class PaymentCodeSequence(models.Model):
    """The running sequence of payment codes per (division, year)."""

    division_code = models.CharField(max_length=6)
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["division_code", "year"], name="payments_code_seq_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.division_code}/{self.year}: {self.last_value}"


class PaymentOrder(models.Model):
    class Status(models.TextChoices):
        CREATED = "created", _("待缴费")
        STARTED = "started", _("支付中")
        SUBMITTED = "submitted", _("支付确认中")
        SUCCESS = "success", _("已缴费")
        FAILED = "failed", _("支付失败")
        CANCELLED = "cancelled", _("已取消")
        EXPIRED = "expired", _("已过期")

    class Source(models.TextChoices):
        CASE = "case", _("办件缴费")
        API = "api", _("部门系统")

    # Orders that can still take money (a new attempt may start).
    PAYABLE = (Status.CREATED, Status.STARTED, Status.SUBMITTED, Status.FAILED)
    FINAL = (Status.SUCCESS, Status.CANCELLED, Status.EXPIRED)

    code = models.CharField(_("缴款码"), max_length=32, unique=True)
    org_unit = models.ForeignKey(
        "core.OrgUnit",
        on_delete=models.PROTECT,
        related_name="payment_orders",
        verbose_name=_("执收单位"),
    )
    title = models.CharField(_("缴费事项"), max_length=200, blank=True)
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payment_orders",
        verbose_name=_("缴款人账号"),
    )
    payer_name = models.CharField(_("缴款人"), max_length=100)
    payer_id_number = models.CharField(_("证件号码"), max_length=32, blank=True)
    # [{"name", "basis", "amount" (fen), "budget_account"}]
    items = models.JSONField(_("收费项目"), default=list)
    amount = models.PositiveBigIntegerField(_("应缴金额（分）"))
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.CREATED, db_index=True
    )
    reference = models.CharField(_("业务编号"), max_length=64, blank=True, db_index=True)
    source = models.CharField(_("来源"), max_length=8, choices=Source.choices)
    expires_at = models.DateTimeField(_("缴费期限"))
    paid_at = models.DateTimeField(_("缴费时间"), null=True, blank=True)
    paid_amount = models.PositiveBigIntegerField(_("实缴金额（分）"), default=0)
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    client_id = models.CharField(_("部门系统"), max_length=100, blank=True, db_index=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("缴款单")
        verbose_name_plural = _("缴款单")
        indexes = [models.Index(fields=["status", "expires_at"])]

    def __str__(self) -> str:
        return self.code

    @property
    def is_payable(self) -> bool:
        """It can take a new payment: a payable status and its deadline not passed (the
        periodic task may not have marked it expired yet)."""
        return self.status in self.PAYABLE and self.expires_at > timezone.now()

    @property
    def amount_yuan(self) -> str:
        return yuan(self.amount)


def yuan(fen: int) -> str:
    """Fen shown as yuan with two decimals (integer arithmetic, never floats)."""
    fen = int(fen or 0)
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100}.{fen % 100:02d}"


# The order state machine: {from: {to, ...}}.
_OS = PaymentOrder.Status
ORDER_TRANSITIONS: dict[str, frozenset[str]] = {
    _OS.CREATED: frozenset({_OS.STARTED, _OS.CANCELLED, _OS.EXPIRED}),
    _OS.STARTED: frozenset(
        {_OS.STARTED, _OS.SUBMITTED, _OS.SUCCESS, _OS.FAILED, _OS.CANCELLED, _OS.EXPIRED}
    ),
    _OS.SUBMITTED: frozenset({_OS.STARTED, _OS.SUCCESS, _OS.FAILED, _OS.CANCELLED, _OS.EXPIRED}),
    _OS.FAILED: frozenset({_OS.STARTED, _OS.SUCCESS, _OS.CANCELLED, _OS.EXPIRED}),
    _OS.SUCCESS: frozenset(),
    _OS.CANCELLED: frozenset(),
    # A payment made before the deadline whose notice arrived after the expiry task ran.
    _OS.EXPIRED: frozenset({_OS.SUCCESS}),
}


class Payment(models.Model):
    """One attempt to pay an order through a channel (our ``trade_no`` = out_trade_no)."""

    class Status(models.TextChoices):
        STARTED = "started", _("已下单")
        SUBMITTED = "submitted", _("支付中")
        SUCCESS = "success", _("支付成功")
        FAILED = "failed", _("支付失败")

    class Flag(models.TextChoices):
        NONE = "", _("无")
        AMOUNT_MISMATCH = "amount_mismatch", _("金额不符，待财务核查")
        LATE = "late", _("订单已不能收款，已自动退款")

    restrict_field = "order__org_unit"

    order = models.ForeignKey(PaymentOrder, on_delete=models.PROTECT, related_name="payments")
    channel = models.CharField(_("支付渠道"), max_length=16, choices=Channel.choices)
    trade_no = models.CharField(_("商户订单号"), max_length=32, unique=True)
    channel_trade_no = models.CharField(_("渠道交易号"), max_length=64, blank=True)
    amount = models.PositiveBigIntegerField(_("金额（分）"))
    # What the channel returned at start: the QR payload and the URL to open on a phone.
    qr_payload = models.CharField(max_length=500, blank=True)
    pay_url = models.CharField(max_length=500, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.STARTED, db_index=True
    )
    # The one payment that paid the order (unique per order: "one success, ever").
    settles_order = models.BooleanField(default=False)
    # What the channel reported on success (differs from ``amount`` when flagged).
    reported_amount = models.PositiveBigIntegerField(null=True, blank=True)
    flag = models.CharField(
        _("标记"), max_length=32, choices=Flag.choices, default=Flag.NONE, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("支付交易")
        verbose_name_plural = _("支付交易")
        constraints = [
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(settles_order=True),
                name="payments_one_settling_payment_per_order",
            )
        ]

    def __str__(self) -> str:
        return self.trade_no


class CallbackRecord(models.Model):
    """Every callback a channel sent us, verified or not (idempotency and evidence)."""

    class Outcome(models.TextChoices):
        APPLIED = "applied", _("已入账")
        SUBMITTED = "submitted", _("支付中")
        FAILED = "failed", _("支付失败")
        DUPLICATE = "duplicate", _("重复通知")
        STALE = "stale", _("过时通知（已忽略）")
        AMOUNT_MISMATCH = "amount_mismatch", _("金额不符")
        LATE_REFUNDED = "late_refunded", _("订单不能收款，自动退款")
        UNKNOWN_TRADE = "unknown_trade", _("未知交易")
        FORGED = "forged", _("签名无效")
        MALFORMED = "malformed", _("内容无法解析")

    channel = models.CharField(max_length=16)
    event_id = models.CharField(max_length=64)
    trade_no = models.CharField(max_length=32, blank=True, db_index=True)
    body = models.TextField(blank=True)
    signature_ok = models.BooleanField(default=False)
    outcome = models.CharField(max_length=32, choices=Outcome.choices, blank=True)
    payment = models.ForeignKey(
        Payment, on_delete=models.SET_NULL, null=True, blank=True, related_name="callbacks"
    )
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "event_id"], name="payments_callback_once_per_event"
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel}:{self.event_id}"


class SimulatedCallback(models.Model):
    """A callback the built-in channel simulator will send (delivered by a task)."""

    class State(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="+")
    event_id = models.CharField(max_length=64)
    reported_status = models.CharField(max_length=16)
    amount = models.PositiveBigIntegerField()
    channel_trade_no = models.CharField(max_length=64)
    due_at = models.DateTimeField()
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]

    def __str__(self) -> str:
        return f"{self.reported_status}:{self.event_id}"


class PaymentWebhookEndpoint(models.Model):
    """Where a department system (OAuth client) wants its orders' status changes."""

    client_id = models.CharField(max_length=100, unique=True)
    org_unit = models.ForeignKey("core.OrgUnit", on_delete=models.PROTECT, related_name="+")
    url = models.URLField(max_length=200)
    secret_encrypted = models.TextField()
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.client_id


class PaymentWebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        DELIVERED = "delivered", _("已送达")
        FAILED = "failed", _("发送失败")

    endpoint = models.ForeignKey(
        PaymentWebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    order = models.ForeignKey(PaymentOrder, on_delete=models.CASCADE, related_name="+")
    event_id = models.CharField(max_length=64, unique=True)
    payload = models.JSONField()
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.event_id
