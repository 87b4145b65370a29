"""Uploaded datasets (上传的数据集) and the open data portal (开放数据).

A resource backed by an uploaded dataset (``Resource.Backing.DATASET``) holds numbered
``DatasetVersion``s; each keeps its rows (``DatasetRow``) so every earlier version stays
downloadable. An ``ImportJob`` reads one CSV/XLSX file into a *staging* version; only when
every row is accepted does the staging version become the current one, in one transaction
(nothing half-imported)::

    ImportJob:  pending ──▶ running ──▶ accepted   (version becomes current)
                                   ├──▶ rejected   (rows refused; staging rows deleted)
                                   └──▶ failed     (file unreadable; staging rows deleted)
    DatasetVersion:  staging ──▶ accepted | discarded

An ``OpenDataset`` publishes a resource on the portal (and through the CKAN-compatible API);
``NegativeListEntry`` is the 不予开放 list; ``DatasetUsage`` counts views, downloads and API
calls per dataset and day.
"""

import os
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

__all__ = [
    "DatasetRow",
    "DatasetUsage",
    "DatasetVersion",
    "ImportJob",
    "NegativeListEntry",
    "OpenDataset",
]


class ImportFileStorage(FileSystemStorage):
    """Uploaded dataset files (they may hold personal data): under
    ``PRIVATE_MEDIA_ROOT/sharing``, outside the web root and without URLs; read from the
    settings each time so tests and deployments can move it. Files are deleted once their
    import has an outcome."""

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):  # type: ignore[override]
        root = getattr(settings, "PRIVATE_MEDIA_ROOT", None) or Path(settings.VAR_DIR) / "private"
        return str(Path(root) / "sharing")

    @property
    def location(self):  # type: ignore[override]
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("uploaded dataset files have no URL")


def import_file_storage() -> ImportFileStorage:
    return ImportFileStorage()


class DatasetVersion(models.Model):
    class Status(models.TextChoices):
        STAGING = "staging", _("导入中")
        ACCEPTED = "accepted", _("已生效")
        DISCARDED = "discarded", _("已放弃")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    resource = models.ForeignKey(
        "sharing.Resource", on_delete=models.PROTECT, related_name="dataset_versions"
    )
    # 1, 2, 3… per resource, given when the version is accepted (None while staging).
    number = models.PositiveIntegerField(_("版本号"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.STAGING
    )
    is_current = models.BooleanField(_("当前版本"), default=False)
    # The data items at import time: [{"key", "name", "type", "sensitivity"}, …]
    columns = models.JSONField(_("信息项"), default=list)
    row_count = models.PositiveIntegerField(_("行数"), default=0)
    source_name = models.CharField(_("来源文件"), max_length=200, blank=True)
    source_sha256 = models.CharField(max_length=64, blank=True)
    note = models.CharField(_("更新说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_constraint=False,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["resource", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "number"], name="uniq_sharing_dataset_version_number"
            ),
            models.UniqueConstraint(
                fields=["resource"],
                condition=Q(is_current=True),
                name="uniq_sharing_dataset_current_version",
            ),
        ]
        verbose_name = _("数据集版本")
        verbose_name_plural = _("数据集版本")

    def __str__(self) -> str:
        return f"{self.resource_id} v{self.number or '-'}"

    def column_keys(self) -> list[str]:
        return [column["key"] for column in self.columns]


class DatasetRow(models.Model):
    version = models.ForeignKey(DatasetVersion, on_delete=models.CASCADE, related_name="rows")
    line = models.PositiveIntegerField()  # 1-based position in the version (CKAN ``_id``)
    # The value of the resource's lookup item (``Resource.lookup_key``) as text, indexed so
    # gateway lookups by key do not scan the JSON.
    lookup_value = models.CharField(max_length=200, blank=True, db_index=True)
    data = models.JSONField()  # {item key: value}; decimals and dates as strings

    class Meta:
        ordering = ["version", "line"]
        indexes = [models.Index(fields=["version", "line"], name="sharing_dsrow_version_line")]

    def __str__(self) -> str:
        return f"{self.version_id}#{self.line}"


class ImportJob(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("导入中")
        ACCEPTED = "accepted", _("已导入")
        REJECTED = "rejected", _("已拒绝")
        FAILED = "failed", _("失败")

    ACTIVE = (Status.PENDING, Status.RUNNING)
    FINISHED = (Status.ACCEPTED, Status.REJECTED, Status.FAILED)

    resource = models.ForeignKey(
        "sharing.Resource", on_delete=models.PROTECT, related_name="import_jobs"
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    file = models.FileField(
        upload_to="imports/%Y/%m/", storage=import_file_storage, max_length=255, blank=True
    )
    file_name = models.CharField(_("文件名"), max_length=200)
    file_format = models.CharField(_("格式"), max_length=8)  # csv | xlsx
    file_size = models.PositiveBigIntegerField(default=0)
    note = models.CharField(_("更新说明"), max_length=200, blank=True)
    version = models.ForeignKey(
        DatasetVersion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)  # percent
    rows_read = models.PositiveIntegerField(_("已读行数"), default=0)
    rows_rejected = models.PositiveIntegerField(_("拒绝行数"), default=0)
    # The first rejected rows: [{"line": 3, "reasons": ["…"]}, …]
    rejections = models.JSONField(default=list, blank=True)
    error_code = models.CharField(max_length=64, blank=True)
    error_message = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_constraint=False,
        related_name="+",
    )
    # "system:<client id>" when a department system uploaded the file through the API
    submitted_by_system = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    restrict_field = "resource__provider"

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # one import at a time per resource
            models.UniqueConstraint(
                fields=["resource"],
                condition=Q(status__in=["pending", "running"]),
                name="uniq_sharing_active_import_job",
            )
        ]
        verbose_name = _("数据集导入任务")
        verbose_name_plural = _("数据集导入任务")

    def __str__(self) -> str:
        return f"import {self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED


class NegativeListEntry(models.Model):
    """不予开放清单: a resource on this list is never published on the portal."""

    resource = models.OneToOneField(
        "sharing.Resource", on_delete=models.CASCADE, related_name="negative_list_entry"
    )
    reason = models.CharField(_("不予开放理由"), max_length=200)
    legal_basis = models.CharField(_("依据"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_constraint=False,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["resource__code"]
        verbose_name = _("不予开放清单条目")
        verbose_name_plural = _("不予开放清单")

    def __str__(self) -> str:
        return f"{self.resource_id}: {self.reason}"


class OpenDataset(models.Model):
    """A resource published on the open data portal (a CKAN "package")."""

    class Status(models.TextChoices):
        PUBLISHED = "published", _("已开放")
        WITHDRAWN = "withdrawn", _("已撤回")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    resource = models.OneToOneField(
        "sharing.Resource", on_delete=models.PROTECT, related_name="open_dataset"
    )
    # CKAN package name: lower-case letters, digits, "-" and "_" (2–100 chars)
    name = models.SlugField(_("数据集标识"), max_length=100, unique=True, allow_unicode=False)
    tags = models.JSONField(_("标签"), default=list, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.PUBLISHED, db_index=True
    )
    published_at = models.DateTimeField(_("开放时间"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_constraint=False,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    restrict_field = "resource__provider"

    class Meta:
        ordering = ["-published_at", "pk"]
        verbose_name = _("开放数据集")
        verbose_name_plural = _("开放数据集")

    def __str__(self) -> str:
        return self.name


class DatasetUsage(models.Model):
    class Kind(models.TextChoices):
        VIEW = "view", _("浏览")
        DOWNLOAD = "download", _("下载")
        API_CALL = "api_call", _("接口调用")

    dataset = models.ForeignKey(OpenDataset, on_delete=models.CASCADE, related_name="usage")
    day = models.DateField()
    kind = models.CharField(max_length=16, choices=Kind.choices)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "day", "kind"], name="uniq_sharing_dataset_usage_day"
            )
        ]
        verbose_name = _("数据集使用统计")
        verbose_name_plural = _("数据集使用统计")

    def __str__(self) -> str:
        return f"{self.dataset_id} {self.day} {self.kind}={self.count}"
