"""Accepting machine clients' Bearer tokens (client-credentials grant) in APIs.

django-ninja::

    from tongban.identity.oidc.auth import ClientCredentialsBearer

    @router.get("/codes/validate", auth=ClientCredentialsBearer(scopes=["codes:validate"]),
                operation_id="core_validate_code")
    def validate(request, ...):
        request.auth  # the oauth2_provider Application (the calling system)

Plain Django views::

    application = require_client_scope(request, "registries:read")

Failures raise ``DomainError`` with codes from ``identity.oidc.errors`` (401 for missing or
invalid tokens, 403 for a missing scope), which the API maps to ``{code, message, field}``.
"""

from django.utils import timezone
from ninja.security import HttpBearer

from tongban.core.exceptions import DomainError, PermissionDenied
from tongban.identity.oidc import errors
from tongban.identity.oidc.selectors import find_access_token
from tongban.identity.oidc.validators import active_policy


class Unauthorized(DomainError):
    status = 401


def _bearer_token(request) -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized(errors.TOKEN_MISSING, "缺少访问令牌（Authorization: Bearer …）。")
    return token.strip()


def check_client_token(token: str, scopes) -> object:
    """Return the Application behind a valid machine token holding every scope in ``scopes``."""
    access_token = find_access_token(token)
    if (
        access_token is None
        or access_token.expires <= timezone.now()
        or active_policy(access_token.application) is None
    ):
        raise Unauthorized(errors.TOKEN_INVALID, "访问令牌无效或已过期。")
    if access_token.user_id is not None:
        raise PermissionDenied(errors.NOT_MACHINE_TOKEN, "此接口只接受应用（客户端凭证）令牌。")
    missing = set(scopes or []) - set(access_token.scope.split())
    if missing:
        raise PermissionDenied(
            errors.INSUFFICIENT_SCOPE, "访问令牌缺少授权范围：" + " ".join(sorted(missing))
        )
    return access_token.application


def require_client_scope(request, scope) -> object:
    """Check the request's Bearer token carries ``scope`` (str or list); return the client."""
    scopes = [scope] if isinstance(scope, str) else list(scope)
    application = check_client_token(_bearer_token(request), scopes)
    request.oauth_client = application
    return application


class ClientCredentialsBearer(HttpBearer):
    """django-ninja auth: a machine client's access token with all of ``scopes``."""

    openapi_description = "Client-credentials access token from /o/token/ (Bearer)."

    def __init__(self, scopes=()):
        self.scopes = list(scopes)
        super().__init__()

    def authenticate(self, request, token):
        application = check_client_token(token, self.scopes)
        request.oauth_client = application
        return application
