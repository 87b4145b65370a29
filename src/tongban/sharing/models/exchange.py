"""Exchange jobs (共享交换订阅): scheduled batch delivery of a resource's changes.

A consumer system holding a bulk (``filter``) grant subscribes to the resource's changes
(``ExchangeSubscription``). Every ``interval_minutes`` an ``ExchangeRun`` collects the rows
added, changed (and, for datasets, removed) since the subscription's ``cursor`` — within the
grant's items, rows and masking — writes them to a file in storage (CSV or JSON) and either
leaves it for the consumer to download (``file``) or POSTs it, signed, to the consumer's
webhook (``webhook``). The cursor advances only when a run is delivered::

    ExchangeRun:  running ──▶ delivered
                     ├──────▶ retrying ──▶ delivered | failed   (webhook, backoff)
                     └──────▶ failed                            (grant gone, source down)

    ExchangeSubscription:  active ──cancel──▶ cancelled
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

__all__ = ["ExchangeRun", "ExchangeSubscription"]


class ExchangeSubscription(models.Model):
    class Delivery(models.TextChoices):
        FILE = "file", _("文件（由使用方下载）")
        WEBHOOK = "webhook", _("签名推送（Webhook）")

    class FileFormat(models.TextChoices):
        CSV = "csv", "CSV"
        JSON = "json", "JSON"

    class Status(models.TextChoices):
        ACTIVE = "active", _("有效")
        CANCELLED = "cancelled", _("已取消")

    grant = models.ForeignKey(
        "sharing.Grant", on_delete=models.PROTECT, related_name="exchange_subscriptions"
    )
    resource = models.ForeignKey("sharing.Resource", on_delete=models.PROTECT, related_name="+")
    consumer_system = models.ForeignKey(
        "sharing.ConsumerSystem", on_delete=models.PROTECT, related_name="+"
    )
    consumer_unit = models.ForeignKey("core.OrgUnit", on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(_("用途"), max_length=200)
    delivery = models.CharField(_("交付方式"), max_length=16, choices=Delivery.choices)
    file_format = models.CharField(
        _("文件格式"), max_length=8, choices=FileFormat.choices, default=FileFormat.CSV
    )
    url = models.URLField(_("接收地址"), max_length=200, blank=True)
    secret_encrypted = models.TextField(blank=True)
    interval_minutes = models.PositiveIntegerField(_("交付间隔（分钟）"), default=1440)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    # Where the next run starts (services.changes cursor; "" = from the beginning).
    cursor = models.CharField(max_length=200, blank=True)
    next_run_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    restrict_field = "consumer_unit"

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["grant"],
                condition=Q(status="active"),
                name="uniq_sharing_active_subscription_per_grant",
            )
        ]
        verbose_name = _("共享交换订阅")
        verbose_name_plural = _("共享交换订阅")

    def __str__(self) -> str:
        return f"subscription {self.pk} ({self.delivery})"


class ExchangeRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("执行中")
        RETRYING = "retrying", _("等待重试")
        DELIVERED = "delivered", _("已交付")
        FAILED = "failed", _("失败")

    OPEN = (Status.RUNNING, Status.RETRYING)

    subscription = models.ForeignKey(
        ExchangeSubscription, on_delete=models.PROTECT, related_name="runs"
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.RUNNING, db_index=True
    )
    cursor_from = models.CharField(max_length=200, blank=True)
    cursor_to = models.CharField(max_length=200, blank=True)
    rows_added = models.PositiveIntegerField(_("新增"), default=0)
    rows_changed = models.PositiveIntegerField(_("变更"), default=0)
    rows_removed = models.PositiveIntegerField(_("删除"), default=0)
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)  # percent
    file = models.FileField(upload_to="sharing/exchange/%Y/%m/", max_length=255, blank=True)
    attempts = models.PositiveIntegerField(_("推送次数"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error_code = models.CharField(max_length=64, blank=True)
    error_message = models.CharField(_("错误"), max_length=300, blank=True)
    access_log_seq = models.BigIntegerField(null=True, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    restrict_field = "subscription__consumer_unit"

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            # one open run at a time per subscription (the cursor moves only on delivery)
            models.UniqueConstraint(
                fields=["subscription"],
                condition=Q(status__in=["running", "retrying"]),
                name="uniq_sharing_open_exchange_run",
            )
        ]
        verbose_name = _("共享交换记录")
        verbose_name_plural = _("共享交换记录")

    def __str__(self) -> str:
        return f"run {self.pk} ({self.status})"

    @property
    def rows(self) -> int:
        return self.rows_added + self.rows_changed + self.rows_removed
