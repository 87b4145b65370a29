"""Company accounts (法人) and their agents (经办人).

A company is not a login account of its own: ``CompanyAccount`` binds the USCC of a
registry entity to the natural person who controls it, its legal representative. The legal
representative authorises agents (``AgentAuthorisation``) with scopes and an expiry date.
Rows are never deleted: a revoked authorisation keeps ``revoked_at``/``revoked_by``.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AgentScope(models.TextChoices):
    """What an agent may do for the company. ``MANAGE_AGENTS`` belongs to the legal
    representative alone and is never granted to an agent."""

    APPLY = "apply", _("办理事项")
    PAY = "pay", _("缴费")
    LICENCES = "licences", _("证照")
    MANAGE_AGENTS = "manage_agents", _("管理经办人")


GRANTABLE_SCOPES = (AgentScope.APPLY, AgentScope.PAY, AgentScope.LICENCES)


class CompanyAccount(models.Model):
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    # Snapshots from the legal-entity registry at binding time (the registry stays the
    # source of truth; these keep lists readable without a join).
    name = models.CharField(_("名称"), max_length=200)
    entity_type = models.CharField(_("主体类型"), max_length=64, blank=True)
    legal_rep = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="companies_represented",
        verbose_name=_("法定代表人"),
    )
    bound_at = models.DateTimeField(_("绑定时间"), default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("法人账户")
        verbose_name_plural = _("法人账户")

    def __str__(self) -> str:
        return f"{self.name}（{self.uscc}）"


class AgentAuthorisationQuerySet(models.QuerySet):
    def active(self, today=None):
        today = today or timezone.localdate()
        return self.filter(revoked_at__isnull=True, expires_on__gte=today)


class AgentAuthorisation(models.Model):
    company = models.ForeignKey(
        CompanyAccount, on_delete=models.CASCADE, related_name="agent_authorisations"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="agent_authorisations",
        verbose_name=_("经办人"),
    )
    # A list of AgentScope values (never MANAGE_AGENTS).
    scopes = models.JSONField(_("授权范围"), default=list)
    expires_on = models.DateField(_("有效期至"))
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = AgentAuthorisationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # At most one unrevoked authorisation per (company, agent); to change scopes or
            # expiry the legal representative revokes and authorises again.
            models.UniqueConstraint(
                fields=["company", "agent"],
                condition=models.Q(revoked_at__isnull=True),
                name="uniq_open_agent_authorisation",
            )
        ]
        verbose_name = _("经办人授权")
        verbose_name_plural = _("经办人授权")

    def __str__(self) -> str:
        return f"{self.agent} → {self.company}"

    def is_active(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.revoked_at is None and self.expires_on >= today

    @property
    def status_label(self) -> str:
        if self.revoked_at is not None:
            return str(_("已撤销"))
        if self.expires_on < timezone.localdate():
            return str(_("已过期"))
        return str(_("有效"))

    @property
    def agent_id_number_masked(self) -> str:
        from tongban.core.masking import mask_id_number

        return mask_id_number(self.agent.id_number)

    def scope_labels(self) -> list[str]:
        labels = dict(AgentScope.choices)
        return [str(labels.get(scope, scope)) for scope in self.scopes]
