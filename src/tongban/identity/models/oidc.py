"""OIDC provider records beside django-oauth-toolkit's Application and tokens.

``ClientPolicy`` is what an operator approved for one registered client (department or
city system, or machine client): the scopes it may ask for, its pairwise sector, whether
its users need an SMS second factor. ``OidcConsent`` is a person's consent to share the
listed scopes with one client; it is what "已授权的应用" shows and what "撤销" ends.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ClientPolicy(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("启用")
        SUSPENDED = "suspended", _("停用")

    class Kind(models.TextChoices):
        PERSON_SSO = "person_sso", _("单点登录（授权码 + PKCE）")
        MACHINE = "machine", _("机器客户端（客户端凭证）")

    application = models.OneToOneField(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL, on_delete=models.CASCADE, related_name="policy"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    org_unit = models.ForeignKey(
        "core.OrgUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("所属单位"),
    )
    # Scopes the operator approved; requests for any other scope are refused (invalid_scope).
    allowed_scopes = models.JSONField(_("已批准的范围"), default=list)
    # Pairwise `sub` is computed per sector: by default the client id, so two clients never
    # share subjects; systems of one department may be put in one sector on purpose.
    sector_identifier = models.CharField(_("主体标识分区"), max_length=255)
    require_otp = models.BooleanField(_("要求短信验证码"), default=False)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    description = models.CharField(_("说明"), max_length=255, blank=True)
    contact = models.CharField(_("联系人"), max_length=100, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("接入应用策略")
        verbose_name_plural = _("接入应用策略")

    def __str__(self) -> str:
        return str(self.application)

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class OidcConsent(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="oidc_consents"
    )
    application = models.ForeignKey(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    scopes = models.JSONField(_("授权范围"), default=list)
    granted_at = models.DateTimeField(_("授权时间"))
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "application"], name="uniq_oidc_consent")
        ]
        verbose_name = _("应用授权")
        verbose_name_plural = _("应用授权")

    def __str__(self) -> str:
        return f"{self.user} → {self.application}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def covers(self, scopes) -> bool:
        return self.is_active and set(scopes).issubset(set(self.scopes))
