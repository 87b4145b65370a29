"""Stable error codes of the OIDC provider and client registration (identity.oidc).

Protocol errors at /o/ endpoints use the OAuth 2.0 / OIDC codes (``invalid_grant``,
``invalid_scope``, ``invalid_request``, ``access_denied``...); the codes below are raised
as ``DomainError`` by the services (console pages, CLI, ninja auth).
"""

INVALID_REDIRECT_URI = "invalid_redirect_uri"  # not an absolute http(s) URI without fragment
INSECURE_REDIRECT_URI = "insecure_redirect_uri"  # http outside development
MISSING_REDIRECT_URI = "missing_redirect_uri"  # SSO clients need at least one
UNKNOWN_SCOPE = "unknown_scope"  # not in OAUTH2_PROVIDER["SCOPES"]
SCOPE_NOT_FOR_GRANT = "scope_not_for_grant"  # person scope on a machine client or vice versa
OPENID_REQUIRED = "openid_required"  # SSO clients must be approved for "openid"
INVALID_NAME = "invalid_name"
CLIENT_NOT_FOUND = "client_not_found"
CONSENT_NOT_FOUND = "consent_not_found"
NOT_OPERATOR = "not_operator"  # only platform operators register clients
TOKEN_MISSING = "token_missing"  # no Bearer token on a machine API call
TOKEN_INVALID = "token_invalid"  # unknown, expired or revoked token, or suspended client
INSUFFICIENT_SCOPE = "insufficient_scope"  # token lacks the scope the API requires
NOT_MACHINE_TOKEN = "not_machine_token"  # a person's token where a client token is required
