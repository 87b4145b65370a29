"""Claims a client receives about a person, and pairwise subject identifiers.

``sub`` is pairwise (OIDC Core §8.1): ``base32(HMAC-SHA256(key, sector_identifier ‖ user pk))``
so it is stable for one client (sector) and unrelated across clients. The key is
``OIDC_PAIRWISE_SALT`` (``TONGBAN_OIDC_PAIRWISE_SALT``), or material derived from
``SECRET_KEY`` when that is empty.

Which claims a client gets depends on the scopes granted for the token (already limited to
what the operator approved for the client):

========== =========================================================
scope      claims
========== =========================================================
openid     sub
profile    name
phone      phone_number, phone_number_verified
realname   realname_level, id_number (masked as everywhere: 440***********1235)
idcard     id_number in full (replaces the masked value)
========== =========================================================

ID tokens carry only ``sub`` and ``realname_level`` (when granted): personal data is
fetched from the userinfo endpoint, so it does not travel in tokens that get logged.
"""

import base64
import hashlib
import hmac
from functools import lru_cache

from django.conf import settings

from tongban.core.masking import mask_id_number

# Standard and Tongban claims, in the order a consent screen lists them.
CLAIMS_BY_SCOPE = {
    "openid": ["sub"],
    "profile": ["name"],
    "phone": ["phone_number", "phone_number_verified"],
    "realname": ["realname_level", "id_number"],
    "idcard": ["id_number"],
}
ID_TOKEN_CLAIMS = {"sub", "realname_level"}


@lru_cache(maxsize=4)
def _pairwise_key(salt: str, secret_key: str) -> bytes:
    if salt:
        return salt.encode()
    return hmac.new(secret_key.encode(), b"tongban.oidc.pairwise-subject", hashlib.sha256).digest()


def _salt() -> str:
    salt = getattr(settings, "OIDC_PAIRWISE_SALT", None)
    if salt is None:
        from tongban.config.oidc import OIDC_PAIRWISE_SALT as salt
    return salt or ""


def pairwise_subject(user_pk, sector_identifier: str) -> str:
    """Stable, per-sector subject identifier for a person (52 lowercase base32 chars)."""
    key = _pairwise_key(_salt(), settings.SECRET_KEY)
    digest = hmac.new(key, f"{sector_identifier}\x1f{user_pk}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode().rstrip("=").lower()


def sector_of(application) -> str:
    policy = getattr(application, "policy", None)
    if policy is not None and policy.sector_identifier:
        return policy.sector_identifier
    return application.client_id


def subject_for(user, application) -> str:
    return pairwise_subject(user.pk, sector_of(application))


def claims_for(user, application, scopes, *, id_token: bool = False) -> dict:
    """The claims ``application`` may see about ``user`` for the granted ``scopes``."""
    scopes = set(scopes or [])
    claims: dict = {}
    if "openid" in scopes:
        claims["sub"] = subject_for(user, application)
    if "profile" in scopes:
        claims["name"] = user.name
    if "phone" in scopes:
        claims["phone_number"] = user.mobile or None
        claims["phone_number_verified"] = bool(user.mobile) and user.realname_level >= 2
    if "realname" in scopes:
        claims["realname_level"] = int(user.realname_level)
        claims["id_number"] = mask_id_number(user.id_number or "")
    if "idcard" in scopes:
        claims["id_number"] = user.id_number or None
    if id_token:
        claims = {k: v for k, v in claims.items() if k in ID_TOKEN_CLAIMS}
    return claims


def supported_claims() -> list[str]:
    seen: list[str] = []
    for names in CLAIMS_BY_SCOPE.values():
        seen.extend(n for n in names if n not in seen)
    return seen
