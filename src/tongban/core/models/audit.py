"""Append-only audit events forming an SM3 hash chain (see tongban.core.audit).

The ORM refuses to change or delete an event (``save`` of an existing row, ``delete``,
``QuerySet.update``/``QuerySet.delete`` raise ``AuditImmutableError``). That guards against
mistakes in code, not against someone with database access: in production the application's
database role should have only INSERT/SELECT on ``core_auditevent`` (see docs/audit.md), and
``tongban audit verify`` detects any change made behind the ORM's back.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditImmutableError(Exception):
    """Raised when code tries to change or delete an audit event or checkpoint."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditImmutableError(f"{self.model.__name__} rows are append-only")

    def delete(self):
        raise AuditImmutableError(f"{self.model.__name__} rows are append-only")

    # bulk_update goes through update(); bulk_create is an append and stays allowed.


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditImmutableError(f"{type(self).__name__} rows are append-only")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditImmutableError(f"{type(self).__name__} rows are append-only")


class AuditEvent(AppendOnlyModel):
    # Position in the chain: 1, 2, 3... with no gaps; unique so two writers cannot fork it.
    seq = models.BigIntegerField(unique=True)
    created_at = models.DateTimeField(db_index=True)
    event_type = models.CharField(_("事件"), max_length=100, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_name = models.CharField(_("操作人"), max_length=100, blank=True)
    org_unit = models.ForeignKey(
        "core.OrgUnit",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=64, blank=True, db_index=True)
    target_label = models.CharField(max_length=200, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")

    def __str__(self) -> str:
        return f"#{self.seq} {self.event_type}"


class AuditCheckpoint(AppendOnlyModel):
    """The chain head (seq, hash) signed with the platform SM2 key, at most once a day.

    The signed message is ``checkpoint_message(seq, hash, signed_at)`` in tongban.core.audit.
    A checkpoint fixes everything up to ``seq``: removing events after it (truncation) or
    rewriting the chain and recomputing every hash no longer matches the signature.
    """

    seq = models.BigIntegerField(db_index=True)
    hash = models.CharField(max_length=64)
    signed_at = models.DateTimeField()
    # Local calendar day of the signature: one checkpoint per day (the task is idempotent).
    signed_on = models.DateField(unique=True)
    key_fingerprint = models.CharField(max_length=128)
    signature = models.BinaryField()

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("审计链签名检查点")
        verbose_name_plural = _("审计链签名检查点")

    def __str__(self) -> str:
        return f"checkpoint #{self.seq} {self.signed_on}"
