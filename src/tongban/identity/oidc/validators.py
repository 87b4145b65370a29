"""Tongban's OAuth2/OIDC validator for django-oauth-toolkit.

On top of the toolkit's validator:

* a client is usable only while its ``ClientPolicy`` is active (suspended clients can
  neither obtain nor use tokens);
* requested scopes must be within the scopes the operator approved for the client,
  otherwise the request fails with ``invalid_scope`` (we refuse rather than silently
  dropping, so a misconfigured department system notices at once);
* ``sub`` is the pairwise subject identifier of the person for the client's sector, in the
  ID token, at userinfo and at introspection (see ``claims``);
* client secrets stored as salted SHA-256 (see ``secrets``) are checked here.
"""

from collections import OrderedDict

from oauth2_provider.oauth2_validators import OAuth2Validator

from tongban.identity.oidc import claims as oidc_claims
from tongban.identity.oidc import secrets as client_secrets


def active_policy(application):
    """The application's ClientPolicy if it is active, else None."""
    if application is None:
        return None
    try:
        policy = application.policy
    except Exception:  # noqa: BLE001 — RelatedObjectDoesNotExist: registered outside our services
        return None
    return policy if policy.is_active else None


class TongbanOAuth2Validator(OAuth2Validator):
    # Claims are filtered by scope in claims.claims_for, not by the toolkit's table.
    oidc_claim_scope = None

    # --- clients --------------------------------------------------------------------------
    def _load_application(self, client_id, request):
        application = super()._load_application(client_id, request)
        if application is not None and active_policy(application) is None:
            request.client = None
            return None
        return application

    def _check_secret(self, provided_secret, stored_secret):
        if client_secrets.is_our_hash(stored_secret):
            return client_secrets.check_client_secret(provided_secret, stored_secret)
        return super()._check_secret(provided_secret, stored_secret)

    # --- scopes ---------------------------------------------------------------------------
    def validate_scopes(self, client_id, scopes, client, request, *args, **kwargs):
        if not super().validate_scopes(client_id, scopes, client, request, *args, **kwargs):
            return False
        policy = active_policy(client)
        return policy is not None and set(scopes).issubset(set(policy.allowed_scopes))

    def get_default_scopes(self, client_id, request, *args, **kwargs):
        policy = active_policy(request.client)
        if policy is not None and policy.kind == policy.Kind.MACHINE:
            return list(policy.allowed_scopes)
        return ["openid"]

    # --- tokens ---------------------------------------------------------------------------
    def validate_bearer_token(self, token, scopes, request):
        if not super().validate_bearer_token(token, scopes, request):
            return False
        if active_policy(request.client) is None:
            request.oauth2_error = OrderedDict(
                [("error", "invalid_token"), ("error_description", "The client is suspended.")]
            )
            return False
        return True

    # --- claims ---------------------------------------------------------------------------
    def get_oidc_claims(self, token, token_handler, request):
        """Claims placed in the ID token (minimal: pairwise sub, real-name level)."""
        return oidc_claims.claims_for(request.user, request.client, request.scopes, id_token=True)

    def get_userinfo_claims(self, request):
        return oidc_claims.claims_for(request.user, request.client, request.scopes)

    def get_discovery_claims(self, request):
        return oidc_claims.supported_claims()

    # --- prompt=none -----------------------------------------------------------------------
    # Silent authentication is not offered: prompt=none is answered with login_required /
    # consent_required (redirected to the client) instead of an error page.
    def validate_silent_login(self, request):
        return False

    def validate_silent_authorization(self, request):
        return False
