"""django-oauth-toolkit settings for the OIDC provider (owned by identity.oidc)."""

OAUTH2_PROVIDER: dict = {
    "OIDC_ENABLED": True,
    "PKCE_REQUIRED": True,
}
