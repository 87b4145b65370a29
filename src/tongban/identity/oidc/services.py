"""Writes for the OIDC provider: client registration and policy, consents.

Every function takes a keyword-only ``actor``, runs in ``transaction.atomic`` and writes
its audit event in the same transaction. ``actor=None`` means the platform itself
(``tongban oidc`` run by an operator on the server, the demo seed).
"""

import hashlib
import hmac
from urllib.parse import urlparse

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from oauth2_provider.models import (
    get_access_token_model,
    get_application_model,
    get_grant_model,
    get_id_token_model,
    get_refresh_token_model,
)
from oauth2_provider.settings import oauth2_settings

from tongban.config.oidc import MACHINE_SCOPES, PERSON_SCOPES
from tongban.core import audit
from tongban.core.exceptions import DomainError, NotFound
from tongban.identity.models import ClientPolicy, OidcConsent
from tongban.identity.oidc import errors, selectors
from tongban.identity.oidc import secrets as client_secrets

Application = get_application_model()

DEMO_CLIENT_ID = "tongban-demo-dept"
DEMO_CLIENT_NAME = "示范部门业务系统（演示）"
DEMO_SCOPES = ["openid", "profile", "phone", "realname"]


# --- validation helpers ------------------------------------------------------------------
def _clean_uris(uris, *, field: str) -> list[str]:
    cleaned = []
    for uri in uris or []:
        uri = uri.strip()
        if not uri:
            continue
        parsed = urlparse(uri)
        if not parsed.scheme or not parsed.netloc or parsed.fragment:
            raise DomainError(
                errors.INVALID_REDIRECT_URI,
                f"回调地址无效：{uri}（需要完整的 http(s) 地址，不含 #）",
                field=field,
            )
        if parsed.scheme not in oauth2_settings.ALLOWED_REDIRECT_URI_SCHEMES:
            raise DomainError(
                errors.INSECURE_REDIRECT_URI, f"回调地址必须使用 https：{uri}", field=field
            )
        if uri not in cleaned:
            cleaned.append(uri)
    return cleaned


def _clean_scopes(scopes, kind: str) -> list[str]:
    scopes = [s for s in dict.fromkeys(scopes or []) if s]
    allowed = PERSON_SCOPES if kind == ClientPolicy.Kind.PERSON_SSO else MACHINE_SCOPES
    for scope in scopes:
        if scope not in PERSON_SCOPES and scope not in MACHINE_SCOPES:
            raise DomainError(errors.UNKNOWN_SCOPE, f"未知的授权范围：{scope}", field="scopes")
        if scope not in allowed:
            raise DomainError(
                errors.SCOPE_NOT_FOR_GRANT, f"授权范围 {scope} 不适用于此类应用", field="scopes"
            )
    if kind == ClientPolicy.Kind.PERSON_SSO and "openid" not in scopes:
        raise DomainError(
            errors.OPENID_REQUIRED, "单点登录应用必须包含 openid 范围", field="scopes"
        )
    if not scopes:
        raise DomainError(errors.UNKNOWN_SCOPE, "至少需要一个授权范围", field="scopes")
    return scopes


def _check_actor(actor) -> None:
    if actor is not None:
        selectors.require_operator(actor)


def _owner_unit(application):
    """The org unit owning the client (its policy's), for audit events; None without one."""
    return getattr(getattr(application, "policy", None), "org_unit", None)


def _client_data(application, policy) -> dict:
    return {
        "client_id": application.client_id,
        "name": application.name,
        "kind": policy.kind,
        "client_type": application.client_type,
        "scopes": list(policy.allowed_scopes),
        "redirect_uris": application.redirect_uris.split(),
        "post_logout_redirect_uris": application.post_logout_redirect_uris.split(),
        "require_otp": policy.require_otp,
        "sector_identifier": policy.sector_identifier,
        "status": policy.status,
    }


# --- clients -----------------------------------------------------------------------------
def register_client(
    *,
    actor,
    name: str,
    kind: str = ClientPolicy.Kind.PERSON_SSO,
    redirect_uris=(),
    post_logout_redirect_uris=(),
    scopes=("openid",),
    confidential: bool = True,
    org_unit=None,
    require_otp: bool = False,
    sector_identifier: str = "",
    skip_authorization: bool = False,
    description: str = "",
    contact: str = "",
    client_id: str | None = None,
    client_secret: str | None = None,
):
    """Register a department/city system (``person_sso``) or a machine client.

    Returns ``(application, client_secret)``; the secret is shown once and only its hash is
    stored (``None`` for public clients).
    """
    _check_actor(actor)
    name = (name or "").strip()
    if not name or len(name) > 255:
        raise DomainError(errors.INVALID_NAME, "请填写应用名称（不超过 255 字）", field="name")
    if kind not in ClientPolicy.Kind.values:
        raise DomainError(errors.SCOPE_NOT_FOR_GRANT, "未知的应用类型", field="kind")
    scopes = _clean_scopes(scopes, kind)
    redirect_uris = _clean_uris(redirect_uris, field="redirect_uris")
    post_logout_redirect_uris = _clean_uris(
        post_logout_redirect_uris, field="post_logout_redirect_uris"
    )
    if kind == ClientPolicy.Kind.PERSON_SSO and not redirect_uris:
        raise DomainError(
            errors.MISSING_REDIRECT_URI, "单点登录应用至少需要一个回调地址", field="redirect_uris"
        )
    if kind == ClientPolicy.Kind.MACHINE:
        confidential = True  # a machine client authenticates with its secret
        redirect_uris, post_logout_redirect_uris = [], []

    secret = (client_secret or client_secrets.generate_client_secret()) if confidential else None
    with transaction.atomic():
        application = Application(
            name=name,
            client_type=Application.CLIENT_CONFIDENTIAL
            if confidential
            else Application.CLIENT_PUBLIC,
            authorization_grant_type=(
                Application.GRANT_AUTHORIZATION_CODE
                if kind == ClientPolicy.Kind.PERSON_SSO
                else Application.GRANT_CLIENT_CREDENTIALS
            ),
            redirect_uris=" ".join(redirect_uris),
            post_logout_redirect_uris=" ".join(post_logout_redirect_uris),
            algorithm=Application.RS256_ALGORITHM if kind == ClientPolicy.Kind.PERSON_SSO else "",
            skip_authorization=skip_authorization,
            hash_client_secret=False,  # we store our own salted SHA-256 (see secrets.py)
            client_secret=client_secrets.hash_client_secret(secret) if secret else "",
        )
        if client_id:
            application.client_id = client_id
        application.save()
        policy = ClientPolicy.objects.create(
            application=application,
            kind=kind,
            org_unit=org_unit,
            allowed_scopes=scopes,
            sector_identifier=sector_identifier.strip() or application.client_id,
            require_otp=require_otp,
            description=description,
            contact=contact,
            approved_by=actor if getattr(actor, "pk", None) else None,
            approved_at=timezone.now(),
        )
        audit.record(
            "identity.oidc_client_registered",
            actor=actor,
            target=application,
            org_unit=org_unit,
            data=_client_data(application, policy),
        )
    return application, secret


def update_client(
    *,
    actor,
    application,
    scopes=None,
    redirect_uris=None,
    post_logout_redirect_uris=None,
    require_otp=None,
    status=None,
    name=None,
    description=None,
):
    """Change what an operator approved for a client; audited with old and new values."""
    _check_actor(actor)
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        policy = ClientPolicy.objects.select_for_update().get(application=application)
        old = _client_data(application, policy)
        if name is not None:
            name = name.strip()
            if not name or len(name) > 255:
                raise DomainError(
                    errors.INVALID_NAME, "请填写应用名称（不超过 255 字）", field="name"
                )
            application.name = name
        if scopes is not None:
            policy.allowed_scopes = _clean_scopes(scopes, policy.kind)
        if redirect_uris is not None and policy.kind == ClientPolicy.Kind.PERSON_SSO:
            cleaned = _clean_uris(redirect_uris, field="redirect_uris")
            if not cleaned:
                raise DomainError(
                    errors.MISSING_REDIRECT_URI,
                    "单点登录应用至少需要一个回调地址",
                    field="redirect_uris",
                )
            application.redirect_uris = " ".join(cleaned)
        if post_logout_redirect_uris is not None and policy.kind == ClientPolicy.Kind.PERSON_SSO:
            application.post_logout_redirect_uris = " ".join(
                _clean_uris(post_logout_redirect_uris, field="post_logout_redirect_uris")
            )
        if require_otp is not None:
            policy.require_otp = bool(require_otp)
        if status is not None:
            if status not in ClientPolicy.Status.values:
                raise DomainError(errors.CLIENT_NOT_FOUND, "未知的状态", field="status")
            policy.status = status
        if description is not None:
            policy.description = description
        policy.approved_by = actor if getattr(actor, "pk", None) else None
        policy.approved_at = timezone.now()
        application.save()
        policy.save()
        new = _client_data(application, policy)
        if policy.status == ClientPolicy.Status.SUSPENDED and old["status"] != new["status"]:
            _delete_tokens(application=application)
        audit.record(
            "identity.oidc_client_updated",
            actor=actor,
            target=application,
            org_unit=policy.org_unit,
            data={
                "old": {k: v for k, v in old.items() if old[k] != new[k]},
                "new": {k: v for k, v in new.items() if old[k] != new[k]},
                "client_id": application.client_id,
            },
        )
    return application


def rotate_client_secret(*, actor, application) -> str:
    """Issue a new secret (shown once); the old one stops working at once."""
    _check_actor(actor)
    if application.client_type != Application.CLIENT_CONFIDENTIAL:
        raise DomainError(errors.CLIENT_NOT_FOUND, "公开客户端没有密钥")
    secret = client_secrets.generate_client_secret()
    with transaction.atomic():
        Application.objects.filter(pk=application.pk).update(
            client_secret=client_secrets.hash_client_secret(secret), hash_client_secret=False
        )
        audit.record(
            "identity.oidc_client_secret_rotated",
            actor=actor,
            target=application,
            org_unit=_owner_unit(application),
            data={"client_id": application.client_id},
        )
    return secret


def _delete_tokens(*, application, user=None) -> int:
    """Delete tokens and pending codes of ``application`` (for ``user`` when given)."""
    filters = {"application": application}
    if user is not None:
        filters["user"] = user
    count = 0
    for model in (
        get_refresh_token_model(),
        get_access_token_model(),
        get_id_token_model(),
        get_grant_model(),
    ):
        deleted, _ = model.objects.filter(**filters).delete()
        count += deleted
    return count


# --- consents ----------------------------------------------------------------------------
def grant_consent(*, actor, application, scopes) -> OidcConsent:
    """Record that ``actor`` (the person) agreed to share ``scopes`` with ``application``.

    Idempotent: when an active consent already covers the scopes nothing is written.
    """
    scopes = sorted(set(scopes))
    with transaction.atomic():
        consent = (
            OidcConsent.objects.select_for_update()
            .filter(user=actor, application=application)
            .first()
        )
        if consent is not None and consent.covers(scopes):
            return consent
        now = timezone.now()
        if consent is None:
            consent = OidcConsent.objects.create(
                user=actor, application=application, scopes=scopes, granted_at=now
            )
        else:
            previous = consent.scopes if consent.is_active else []
            consent.scopes = sorted(set(previous) | set(scopes))
            consent.granted_at = now
            consent.revoked_at = None
            consent.save(update_fields=["scopes", "granted_at", "revoked_at"])
        audit.record(
            "identity.oidc_consent_granted",
            actor=actor,
            target=application,
            org_unit=_owner_unit(application),
            data={"client_id": application.client_id, "scopes": consent.scopes},
        )
    return consent


def revoke_consent(*, actor, application) -> OidcConsent:
    """The person withdraws consent: tokens of that application for them are deleted."""
    with transaction.atomic():
        consent = (
            OidcConsent.objects.select_for_update()
            .filter(user=actor, application=application, revoked_at__isnull=True)
            .first()
        )
        if consent is None:
            raise NotFound(errors.CONSENT_NOT_FOUND, "没有找到对该应用的授权。")
        consent.revoked_at = timezone.now()
        consent.save(update_fields=["revoked_at"])
        deleted = _delete_tokens(application=application, user=actor)
        audit.record(
            "identity.oidc_consent_revoked",
            actor=actor,
            target=application,
            org_unit=_owner_unit(application),
            data={
                "client_id": application.client_id,
                "scopes": consent.scopes,
                "tokens_deleted": deleted,
            },
        )
    return consent


# --- the demo department system -------------------------------------------------------
def demo_client_secret() -> str:
    """The demo relying party's secret, derived from SECRET_KEY (never stored in clear)."""
    return hmac.new(
        settings.SECRET_KEY.encode(), b"tongban.demo-dept.client-secret", hashlib.sha256
    ).hexdigest()


def demo_redirect_uri(base_url: str | None = None) -> str:
    return f"{(base_url or settings.SITE_URL).rstrip('/')}/demo-dept/callback/"


def demo_home_uri(base_url: str | None = None) -> str:
    return f"{(base_url or settings.SITE_URL).rstrip('/')}/demo-dept/"


def demo_client_redirect_uris() -> list[str]:
    """The registered demo client's redirect URIs (empty when it is not registered)."""
    uris = (
        Application.objects.filter(client_id=DEMO_CLIENT_ID)
        .values_list("redirect_uris", flat=True)
        .first()
    )
    return (uris or "").split()


def ensure_demo_client(*, base_url: str | None = None):
    """Register (or refresh) the demo department system's client; returns the Application.

    Idempotent: the seed calls it on every run. ``base_url`` defaults to ``SITE_URL``; its
    redirect URIs are added to the client's list so several hosts may coexist (tests).
    """
    redirect = demo_redirect_uri(base_url)
    home = demo_home_uri(base_url)
    application = Application.objects.filter(client_id=DEMO_CLIENT_ID).first()
    if application is None:
        application, _ = register_client(
            actor=None,
            name=DEMO_CLIENT_NAME,
            kind=ClientPolicy.Kind.PERSON_SSO,
            redirect_uris=[redirect],
            post_logout_redirect_uris=[home],
            scopes=DEMO_SCOPES,
            confidential=True,
            client_id=DEMO_CLIENT_ID,
            client_secret=demo_client_secret(),
            description="演示：部门业务系统通过统一身份认证单点登录",
        )
        return application
    if not client_secrets.check_client_secret(demo_client_secret(), application.client_secret):
        # SECRET_KEY changed since the demo client was registered: follow it.
        with transaction.atomic():
            Application.objects.filter(pk=application.pk).update(
                client_secret=client_secrets.hash_client_secret(demo_client_secret()),
                hash_client_secret=False,
            )
            audit.record(
                "identity.oidc_client_secret_rotated",
                actor=None,
                target=application,
                data={"client_id": application.client_id, "reason": "demo"},
            )
        application.refresh_from_db()
    redirects = application.redirect_uris.split()
    logouts = application.post_logout_redirect_uris.split()
    if redirect not in redirects or home not in logouts:
        update_client(
            actor=None,
            application=application,
            redirect_uris=redirects + [redirect],
            post_logout_redirect_uris=logouts + [home],
        )
        application.refresh_from_db()
    return application
