"""Company accounts (法人) and agents (经办人): writes, plus the reads other apps use.

Other apps ask "may this user act for this company?" through ``acting_for`` /
``require_agent_scope``; the legal representative holds every scope, an agent the scopes of
an unrevoked, unexpired authorisation.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from tongban.core import audit
from tongban.core.masking import mask_id_number
from tongban.identity.errors_companies import CompanyError, error, require_code
from tongban.identity.models import AgentAuthorisation, AgentScope, CompanyAccount, User

REQUIRED_LEVEL = User.Level.L2
MAX_AGENT_TERM_DAYS = 366  # an authorisation runs for at most one year (leap years included)


# --- reads -----------------------------------------------------------------------------------
def _registry_entity(uscc: str):
    from tongban.registries.selectors import find_entity

    return find_entity(uscc)


def bindable_entities(user) -> list:
    """Active registry entities the user represents that are not bound yet (suggestions on
    the bind page; binding itself re-checks everything)."""
    if not _user_active(user) or not user.id_number:
        return []
    from tongban.registries.selectors import entities_represented_by

    bound = set(CompanyAccount.objects.values_list("uscc", flat=True).filter(legal_rep=user))
    return [
        e
        for e in entities_represented_by(user.id_number, active_only=True)[:20]
        if e.uscc not in bound
    ]


def _is_operating(entity) -> bool:
    from tongban.registries.choices import EntityStatus

    return entity.status == EntityStatus.ACTIVE


def _user_active(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def companies_for(user) -> QuerySet[CompanyAccount]:
    """Companies the user controls (legal representative) or is an active agent of."""
    if not _user_active(user):
        return CompanyAccount.objects.none()
    today = timezone.localdate()
    return (
        CompanyAccount.objects.filter(
            Q(legal_rep=user)
            | Q(
                agent_authorisations__agent=user,
                agent_authorisations__revoked_at__isnull=True,
                agent_authorisations__expires_on__gte=today,
            )
        )
        .distinct()
        .select_related("legal_rep")
    )


def agent_authorisations_for(user) -> QuerySet[AgentAuthorisation]:
    """The user's own active authorisations as an agent (for the account page)."""
    if not _user_active(user):
        return AgentAuthorisation.objects.none()
    return AgentAuthorisation.objects.active().filter(agent=user).select_related("company")


def access_company(user, uscc: str) -> CompanyAccount:
    """The company if ``user`` is its legal representative or an active agent, else 404
    (another person's company is not revealed, not even its existence)."""
    uscc = (uscc or "").strip().upper()
    company = companies_for(user).filter(uscc=uscc).first()
    if company is None:
        raise error(CompanyError.COMPANY_NOT_FOUND, field="uscc")
    return company


def is_legal_rep(user, company: CompanyAccount) -> bool:
    return _user_active(user) and company.legal_rep_id == user.pk


def acting_for(user, company: CompanyAccount, scope: str) -> bool:
    """May ``user`` act for ``company`` within ``scope``? Never raises for a valid scope."""
    if scope not in AgentScope.values:
        raise ValueError(f"unknown agent scope {scope!r}")
    if not _user_active(user):
        return False
    if company.legal_rep_id == user.pk:
        return True
    if scope == AgentScope.MANAGE_AGENTS:
        return False
    for grant in (
        AgentAuthorisation.objects.active().filter(company=company, agent=user).only("scopes")
    ):
        if scope in grant.scopes:
            return True
    return False


def require_agent_scope(user, company: CompanyAccount, scope: str) -> None:
    """Raise ``agent_scope_exceeded`` (403) unless ``acting_for(user, company, scope)``."""
    if not acting_for(user, company, scope):
        raise error(CompanyError.AGENT_SCOPE_EXCEEDED)


def masked_id_number(value: str | None) -> str:
    """Other people's ID numbers are shown masked."""
    return mask_id_number(value or "")


def agents_of(
    company: CompanyAccount, *, include_inactive: bool = True
) -> QuerySet[AgentAuthorisation]:
    qs = company.agent_authorisations.select_related("agent")
    return qs if include_inactive else qs.active()


# --- writes ----------------------------------------------------------------------------------
def bind_company(user, uscc: str, *, actor) -> CompanyAccount:
    """Bind the registry entity ``uscc`` to ``user``, who must be its legal representative
    at real-name level L2 or above. One account per USCC."""
    uscc = require_code("uscc", uscc, field="uscc")
    if not _user_active(user) or user.kind != User.Kind.NATURAL:
        raise error(CompanyError.NOT_LEGAL_REP, field="uscc")
    if user.realname_level < REQUIRED_LEVEL:
        raise error(CompanyError.REALNAME_LEVEL_TOO_LOW, field="uscc")
    entity = _registry_entity(uscc)
    if entity is None:
        raise error(CompanyError.COMPANY_NOT_IN_REGISTRY, field="uscc")
    if not _is_operating(entity):
        raise error(CompanyError.COMPANY_NOT_OPERATING, field="uscc")
    rep_id = (getattr(entity, "legal_rep_id_number", "") or "").upper()
    if not user.id_number or user.id_number.upper() != rep_id:
        raise error(CompanyError.NOT_LEGAL_REP, field="uscc")
    try:
        with transaction.atomic():
            if CompanyAccount.objects.select_for_update().filter(uscc=uscc).exists():
                raise error(CompanyError.COMPANY_ALREADY_BOUND, field="uscc")
            company = CompanyAccount.objects.create(
                uscc=uscc,
                name=entity.name,
                entity_type=str(getattr(entity, "entity_type", "") or ""),
                legal_rep=user,
            )
            audit.record(
                "identity.company_bound",
                actor=actor,
                target=company,
                data={"uscc": uscc, "name": company.name, "legal_rep_id": user.pk},
            )
    except IntegrityError as exc:  # a concurrent bind won the unique constraint
        raise error(CompanyError.COMPANY_ALREADY_BOUND, field="uscc") from exc
    return company


def _clean_scopes(scopes) -> list[str]:
    chosen = {str(s) for s in (scopes or [])}
    allowed = {str(s) for s in (AgentScope.APPLY, AgentScope.PAY, AgentScope.LICENCES)}
    if not chosen or not chosen <= allowed:
        raise error(CompanyError.AGENT_SCOPE_INVALID, field="scopes")
    return [s for s in AgentScope.values if s in chosen]  # stable order


def _check_expiry(expires_on) -> datetime.date:
    today = timezone.localdate()
    if not isinstance(expires_on, datetime.date) or isinstance(expires_on, datetime.datetime):
        raise error(CompanyError.AGENT_EXPIRY_INVALID, field="expires_on")
    if expires_on <= today or (expires_on - today).days > MAX_AGENT_TERM_DAYS:
        raise error(CompanyError.AGENT_EXPIRY_INVALID, field="expires_on")
    return expires_on


def authorise_agent(
    company: CompanyAccount,
    *,
    agent_id_number: str,
    agent_name: str,
    scopes,
    expires_on: datetime.date,
    actor,
) -> AgentAuthorisation:
    """The legal representative authorises a registered, real-name-verified user (matched
    by ID number and name) as an agent with ``scopes`` until ``expires_on`` (≤ one year)."""
    require_agent_scope(actor, company, AgentScope.MANAGE_AGENTS)
    id_number = require_code("citizen-id", agent_id_number, field="agent_id_number")
    chosen = _clean_scopes(scopes)
    expires_on = _check_expiry(expires_on)
    agent = User.objects.filter(
        id_number__iexact=id_number,
        name=(agent_name or "").strip(),
        kind=User.Kind.NATURAL,
        is_active=True,
    ).first()
    if agent is None or agent.realname_level < REQUIRED_LEVEL:
        raise error(CompanyError.AGENT_NOT_FOUND, field="agent_id_number")
    if agent.pk == company.legal_rep_id:
        raise error(CompanyError.AGENT_IS_LEGAL_REP, field="agent_id_number")
    try:
        with transaction.atomic():
            CompanyAccount.objects.select_for_update().filter(pk=company.pk).first()
            open_grants = AgentAuthorisation.objects.filter(
                company=company, agent=agent, revoked_at__isnull=True
            )
            if open_grants.filter(expires_on__gte=timezone.localdate()).exists():
                raise error(CompanyError.AGENT_ALREADY_AUTHORISED, field="agent_id_number")
            # An expired, unrevoked grant is closed so the new one can take its place.
            open_grants.update(revoked_at=timezone.now(), revoked_by=None)
            grant = AgentAuthorisation.objects.create(
                company=company,
                agent=agent,
                scopes=chosen,
                expires_on=expires_on,
                created_by=actor,
            )
            audit.record(
                "identity.agent_authorised",
                actor=actor,
                target=grant,
                data={
                    "uscc": company.uscc,
                    "agent_id": agent.pk,
                    "scopes": chosen,
                    "expires_on": expires_on.isoformat(),
                },
            )
    except IntegrityError as exc:
        raise error(CompanyError.AGENT_ALREADY_AUTHORISED, field="agent_id_number") from exc
    return grant


def revoke_agent(company: CompanyAccount, authorisation_id: int, *, actor) -> AgentAuthorisation:
    """The legal representative revokes an agent's authorisation (kept for the record)."""
    require_agent_scope(actor, company, AgentScope.MANAGE_AGENTS)
    with transaction.atomic():
        grant = (
            AgentAuthorisation.objects.select_for_update()
            .filter(pk=authorisation_id, company=company)
            .first()
        )
        if grant is None:
            raise error(CompanyError.AUTHORISATION_NOT_FOUND)
        if grant.revoked_at is not None:
            raise error(CompanyError.AUTHORISATION_ALREADY_REVOKED)
        grant.revoked_at = timezone.now()
        grant.revoked_by = actor
        grant.save(update_fields=["revoked_at", "revoked_by"])
        audit.record(
            "identity.agent_revoked",
            actor=actor,
            target=grant,
            data={"uscc": company.uscc, "agent_id": grant.agent_id, "scopes": grant.scopes},
        )
    return grant


def bind_new_entity(user, entity, *, actor) -> CompanyAccount:
    """Bind a registry entity created for ``user`` (its legal representative or operator,
    e.g. a 个体工商户 registered on the conclusion of the user's application). Unlike
    ``bind_company`` no real-name level is required here: the registration itself was the
    check. Audited as ``identity.company_bound``."""
    if not _user_active(user) or user.kind != User.Kind.NATURAL:
        raise error(CompanyError.NOT_LEGAL_REP, field="uscc")
    if not user.id_number or user.id_number.upper() != (entity.legal_rep_id_number or "").upper():
        raise error(CompanyError.NOT_LEGAL_REP, field="uscc")
    with transaction.atomic():
        if CompanyAccount.objects.select_for_update().filter(uscc=entity.uscc).exists():
            raise error(CompanyError.COMPANY_ALREADY_BOUND, field="uscc")
        company = CompanyAccount.objects.create(
            uscc=entity.uscc,
            name=entity.name,
            entity_type=str(entity.entity_type or ""),
            legal_rep=user,
        )
        audit.record(
            "identity.company_bound",
            actor=actor,
            target=company,
            data={
                "uscc": entity.uscc,
                "name": company.name,
                "legal_rep_id": user.pk,
                "new_entity": True,
            },
        )
    return company
