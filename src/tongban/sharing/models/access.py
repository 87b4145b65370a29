"""The gateway's access log (共享调用日志): append-only, an SM3 hash chain like the audit log.

Every call to the gateway — granted or refused — appends one ``AccessLogEntry``; the chain is
kept by ``tongban.sharing.services.access_log`` with the audit log's canonical form and
locking (``tongban.core.audit``). Personal data read is indexed per subject
(``AccessSubject``: a keyed SM3 digest of the ID number, never the number itself) so a
citizen can see which departments read their data and why.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.core.models.audit import AppendOnlyModel

__all__ = ["AccessLogEntry", "AccessSubject"]


class AccessLogEntry(AppendOnlyModel):
    class Outcome(models.TextChoices):
        ALLOWED = "allowed", _("已提供")
        REFUSED = "refused", _("已拒绝")

    seq = models.BigIntegerField(unique=True)
    created_at = models.DateTimeField(db_index=True)
    outcome = models.CharField(_("结果"), max_length=16, choices=Outcome.choices)
    refusal_code = models.CharField(_("拒绝原因代码"), max_length=64, blank=True)
    consumer_system = models.ForeignKey(
        "sharing.ConsumerSystem",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    consumer_unit = models.ForeignKey(
        "core.OrgUnit",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    # Snapshots, so the record reads the same after renames.
    consumer_name = models.CharField(_("使用方"), max_length=200, blank=True)
    client_id = models.CharField(max_length=100, blank=True)
    resource = models.ForeignKey(
        "sharing.Resource",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    resource_code = models.CharField(_("资源代码"), max_length=64, blank=True)
    provider_unit = models.ForeignKey(
        "core.OrgUnit",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    grant = models.ForeignKey(
        "sharing.Grant",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    purpose = models.CharField(_("用途"), max_length=200, blank=True)
    reference = models.CharField(_("办件编号"), max_length=64, blank=True)
    items = models.JSONField(_("信息项"), default=list, blank=True)
    # The query with personal values masked ({"id_number": "440***********0049"}).
    query = models.JSONField(default=dict, blank=True)
    row_count = models.PositiveIntegerField(_("返回条数"), default=0)
    # Keyed SM3 digests of the ID numbers of the persons whose data was returned.
    subject_digests = models.JSONField(default=list, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-seq"]
        indexes = [models.Index(fields=["grant", "created_at"], name="sharing_access_grant_time")]
        verbose_name = _("共享调用日志")
        verbose_name_plural = _("共享调用日志")

    def __str__(self) -> str:
        return f"#{self.seq} {self.resource_code} {self.outcome}"


class AccessSubject(models.Model):
    """Index of an entry by data subject (derived from ``AccessLogEntry.subject_digests``,
    which the chain covers)."""

    entry = models.ForeignKey(
        AccessLogEntry, on_delete=models.DO_NOTHING, db_constraint=False, related_name="subjects"
    )
    subject_digest = models.CharField(max_length=64, db_index=True)
    subject_masked = models.CharField(max_length=32, blank=True)

    class Meta:
        verbose_name = _("共享调用涉及的个人")
        verbose_name_plural = _("共享调用涉及的个人")

    def __str__(self) -> str:
        return f"{self.subject_masked} @ #{self.entry_id}"
