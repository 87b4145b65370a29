"""Service-desk models: logistics (物流) — the citizen's address book, delivery orders linked to
cases (pickup of original materials, delivery of results) and the courier's tracking events."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["Address", "DeliveryEvent", "DeliveryOrder"]


class Address(models.Model):
    """An address in a citizen's address book, entered once and reused."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="delivery_addresses"
    )
    name = models.CharField(_("收件人"), max_length=50)
    mobile = models.CharField(_("手机号码"), max_length=11)
    division_code = models.CharField(_("所在区县"), max_length=6)
    detail = models.CharField(_("详细地址"), max_length=200)
    is_default = models.BooleanField(_("默认地址"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_default", "-id"]
        verbose_name = _("收发地址")
        verbose_name_plural = _("收发地址")

    def __str__(self) -> str:
        return f"{self.name} {self.detail}"


class DeliveryOrder(models.Model):
    """One courier shipment for a case: the courier picks up the applicant's original materials
    (``pickup``) or delivers the result (``delivery``)."""

    class Kind(models.TextChoices):
        PICKUP = "pickup", _("上门取件（原件）")
        DELIVERY = "delivery", _("结果邮寄送达")

    class Status(models.TextChoices):
        AWAITING_DISPATCH = "awaiting_dispatch", _("待交寄")
        CREATED = "created", _("已下单")
        PICKED_UP = "picked_up", _("已揽收")
        IN_TRANSIT = "in_transit", _("运输中")
        DELIVERED = "delivered", _("已签收")
        FAILED = "failed", _("投递失败")
        CANCELLED = "cancelled", _("已取消")

    number = models.CharField(_("物流单号"), max_length=24, unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    org_unit = models.ForeignKey("core.OrgUnit", on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="delivery_orders"
    )
    # A snapshot of the address at ordering time: later edits of the address book never
    # change where a parcel goes.
    contact_name = models.CharField(_("联系人"), max_length=50)
    contact_mobile = models.CharField(_("手机号码"), max_length=11)
    division_code = models.CharField(_("所在区县"), max_length=6)
    address = models.CharField(_("地址"), max_length=260)
    fee = models.PositiveBigIntegerField(_("运费（分）"))
    courier = models.CharField(_("快递公司"), max_length=32)
    waybill_no = models.CharField(_("运单号"), max_length=40, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # one live order per case and kind: a second request is a mistake or a replay
            models.UniqueConstraint(
                fields=["case", "kind"],
                condition=~models.Q(status__in=["cancelled", "failed"]),
                name="uniq_live_delivery_per_case_kind",
            )
        ]
        verbose_name = _("物流订单")
        verbose_name_plural = _("物流订单")

    def __str__(self) -> str:
        return self.number

    @property
    def fee_yuan(self) -> str:
        return f"{self.fee / 100:.2f}"

    @property
    def is_cancellable(self) -> bool:
        """Until the courier has picked the parcel up."""
        return self.status in {self.Status.AWAITING_DISPATCH, self.Status.CREATED}

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DELIVERED, self.Status.FAILED, self.Status.CANCELLED}


class DeliveryEvent(models.Model):
    """A tracking event: our own steps (ordered, dispatched) and the courier's callbacks.
    ``event_id`` is unique per courier, so a repeated callback is recorded once."""

    order = models.ForeignKey(DeliveryOrder, on_delete=models.CASCADE, related_name="events")
    courier = models.CharField(max_length=32)
    event_id = models.CharField(max_length=64)
    status = models.CharField(max_length=20, choices=DeliveryOrder.Status.choices)
    description = models.CharField(max_length=200, blank=True)
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField(auto_now_add=True)
    # False when the event arrived after a later one (out of order): kept for the timeline,
    # without moving the order back.
    applied = models.BooleanField(default=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["courier", "event_id"], name="uniq_courier_event")
        ]
        verbose_name = _("物流轨迹")
        verbose_name_plural = _("物流轨迹")

    def __str__(self) -> str:
        return f"{self.order_id} {self.status}"
