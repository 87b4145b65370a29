"""Managed asymmetric keys (the platform SM2 signing key, later others).

The private key is stored as an envelope token (SM4-GCM under the master key, bound to the
row's purpose and kid); the public key and its fingerprint stay readable so old signatures
can be verified after rotation. At most one active key per purpose.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tongban.core.crypto import envelope


class ManagedKey(models.Model):
    class Purpose(models.TextChoices):
        PLATFORM_SIGNING = "platform_signing", _("平台签名密钥")

    class Algorithm(models.TextChoices):
        SM2 = "sm2", "SM2"

    purpose = models.CharField(_("用途"), max_length=40, choices=Purpose.choices)
    algorithm = models.CharField(
        _("算法"), max_length=10, choices=Algorithm.choices, default=Algorithm.SM2
    )
    kid = models.CharField(_("密钥标识"), max_length=64, unique=True)
    fingerprint = models.CharField(_("公钥指纹 (SM3)"), max_length=64, unique=True)
    public_pem = models.TextField(_("公钥 (PEM)"))
    private_key_encrypted = models.TextField(_("私钥（加密）"))
    created_at = models.DateTimeField(_("创建时间"))
    is_active = models.BooleanField(_("启用"), default=True)
    retired_at = models.DateTimeField(_("停用时间"), null=True, blank=True)

    class Meta:
        ordering = ["purpose", "-created_at"]
        verbose_name = _("托管密钥")
        verbose_name_plural = _("托管密钥")
        constraints = [
            models.UniqueConstraint(
                fields=["purpose"],
                condition=Q(is_active=True),
                name="core_managedkey_one_active_per_purpose",
            ),
        ]

    def __str__(self) -> str:
        state = "active" if self.is_active else "retired"
        return f"{self.purpose} {self.kid} ({state})"

    def private_key_aad(self) -> bytes:
        return f"core.managedkey:{self.purpose}:{self.kid}".encode()


envelope.register(ManagedKey, "private_key_encrypted", aad=ManagedKey.private_key_aad)
