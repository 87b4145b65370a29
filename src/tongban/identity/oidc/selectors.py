"""Reads for the OIDC provider: clients, policies, consents."""

import hashlib

from django.db.models import QuerySet
from oauth2_provider.models import get_access_token_model, get_application_model

from tongban.core.exceptions import NotFound, PermissionDenied
from tongban.core.permissions import IDENTITY_MANAGE_OIDC_CLIENTS, has_perm
from tongban.identity.models import ClientPolicy, OidcConsent
from tongban.identity.oidc import errors


def require_operator(user) -> None:
    """Platform operators (平台运营) register and approve OIDC clients."""
    if not has_perm(user, IDENTITY_MANAGE_OIDC_CLIENTS):
        raise PermissionDenied(errors.NOT_OPERATOR, "只有平台运营人员可以管理接入应用。")


def list_clients(user) -> QuerySet:
    require_operator(user)
    return (
        get_application_model()
        .objects.filter(policy__isnull=False)
        .select_related("policy", "policy__org_unit")
        .order_by("-created")
    )


def access_client(user, client_id: str):
    """The application with ``client_id`` for an operator, or NotFound/PermissionDenied."""
    require_operator(user)
    try:
        return (
            get_application_model()
            .objects.select_related("policy", "policy__org_unit")
            .get(client_id=client_id, policy__isnull=False)
        )
    except get_application_model().DoesNotExist:
        raise NotFound(errors.CLIENT_NOT_FOUND, "接入应用不存在。") from None


def client_by_id(client_id: str):
    Application = get_application_model()
    try:
        return Application.objects.select_related("policy").get(client_id=client_id)
    except Application.DoesNotExist:
        raise NotFound(errors.CLIENT_NOT_FOUND, "接入应用不存在。") from None


def find_access_token(value: str):
    """The stored access token for a presented token value, or None (tokens are looked up
    by the SHA-256 checksum django-oauth-toolkit keeps beside them)."""
    checksum = hashlib.sha256(value.encode("utf-8")).hexdigest()
    return (
        get_access_token_model()
        .objects.select_related("user", "application", "application__policy")
        .filter(token_checksum=checksum)
        .first()
    )


def active_consent(user, application) -> OidcConsent | None:
    return OidcConsent.objects.filter(
        user=user, application=application, revoked_at__isnull=True
    ).first()


def consents_of(user) -> QuerySet:
    """Applications the person has authorised ("已授权的应用"), newest first."""
    return (
        OidcConsent.objects.filter(user=user, revoked_at__isnull=True)
        .select_related("application", "application__policy")
        .order_by("-granted_at")
    )


def policy_of(application) -> ClientPolicy | None:
    return ClientPolicy.objects.filter(application=application).first()
