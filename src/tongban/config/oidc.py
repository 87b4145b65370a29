"""django-oauth-toolkit settings for the OIDC provider (owned by identity.oidc).

Imported at the end of ``settings.py``: the names defined there before the import
(``VAR_DIR``, ``PRODUCTION``, ``OIDC_RSA_PRIVATE_KEY``...) are read from the partially
initialised settings module.

Signing key: ``TONGBAN_OIDC_RSA_PRIVATE_KEY`` (PEM, or ``*_FILE``). In development, when
it is empty, an RSA key is generated once and kept in ``$TONGBAN_VAR_DIR/oidc-rsa.pem`` so
ID tokens stay verifiable across restarts. Production refuses an empty key (settings.py).
Retired keys still published in the JWKS during rotation: ``TONGBAN_OIDC_RSA_PRIVATE_KEYS_OLD``
(a file path per entry, comma-separated).
"""

import os
from pathlib import Path

from tongban.config import settings as _settings
from tongban.config.env import env, env_int, env_list, env_secret

# Scopes a person can grant to a department system (authorization code flow).
# The consent screen shows these descriptions (Chinese, plain words).
PERSON_SCOPES = {
    "openid": "确认您的身份（每个应用看到的用户标识各不相同）",
    "profile": "您的姓名",
    "phone": "您的手机号码",
    "realname": "您的实名认证等级和脱敏的身份证号",
    "idcard": "您完整的身份证号码",
}
# Scopes for machine clients (client-credentials grant). Later apps add theirs here.
MACHINE_SCOPES = {
    "codes:validate": "调用编码校验接口",
    "registries:read": "读取基础库（人口、法人）数据",
    "introspection": "查询令牌状态（令牌内省）",
    "payments:orders": "开具和查询非税缴款单、登记状态推送地址",
    "sharing:gateway": "经共享交换网关查询已授权的政务数据",
    "sharing:datasets": "上传本部门数据集的新版本（CSV/XLSX 导入）",
    "servicedesk:open311": "通过 Open311 接口提交和查询 12345 工单",
}


def _load_private_key() -> str:
    key = getattr(_settings, "OIDC_RSA_PRIVATE_KEY", "")
    if key or getattr(_settings, "PRODUCTION", False):
        return key
    return ensure_development_key(Path(_settings.VAR_DIR) / "oidc-rsa.pem")


def ensure_development_key(path: Path) -> str:
    """Return the PEM at ``path``, generating a 2048-bit RSA key there the first time."""
    if path.exists():
        return path.read_text(encoding="utf-8")
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private_key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    ).decode()
    path.parent.mkdir(parents=True, exist_ok=True)
    # Create with 0600 and never overwrite a key another process wrote meanwhile.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="utf-8")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(pem)
    return pem


def _inactive_keys() -> list[str]:
    return [
        Path(p).read_text(encoding="utf-8") for p in env_list("TONGBAN_OIDC_RSA_PRIVATE_KEYS_OLD")
    ]


# Keyed material for pairwise subject identifiers. Empty → derived from SECRET_KEY
# (then rotating SECRET_KEY changes every `sub`: set this explicitly in production).
OIDC_PAIRWISE_SALT = env_secret("TONGBAN_OIDC_PAIRWISE_SALT")

# Department systems must use https redirect URIs in production; http is fine on a laptop.
_REDIRECT_SCHEMES = ["https"] if getattr(_settings, "PRODUCTION", False) else ["http", "https"]

OAUTH2_PROVIDER: dict = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": _load_private_key(),
    "OIDC_RSA_PRIVATE_KEYS_INACTIVE": _inactive_keys(),
    # Issuer: derived from the request (host + /o) unless set, e.g. https://gov.example.cn/o
    "OIDC_ISS_ENDPOINT": env("TONGBAN_OIDC_ISSUER"),
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OIDC_SUBJECT_TYPES_SUPPORTED": ["pairwise"],
    "OIDC_TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED": ["client_secret_basic", "client_secret_post"],
    "OAUTH2_GRANT_TYPES_SUPPORTED": ["authorization_code", "client_credentials", "refresh_token"],
    "OAUTH2_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    # Ask "退出登录？" only when the id_token_hint does not match the signed-in person.
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
    "OIDC_RP_INITIATED_LOGOUT_STRICT_REDIRECT_URIS": True,
    "OIDC_RP_INITIATED_LOGOUT_ACCEPT_EXPIRED_TOKENS": True,
    "OIDC_RP_INITIATED_LOGOUT_DELETE_TOKENS": True,
    "PKCE_REQUIRED": True,
    "SCOPES": {**PERSON_SCOPES, **MACHINE_SCOPES},
    "DEFAULT_SCOPES": ["openid"],
    "OAUTH2_VALIDATOR_CLASS": "tongban.identity.oidc.validators.TongbanOAuth2Validator",
    "REQUEST_APPROVAL_PROMPT": "force",  # consent is tracked by OidcConsent, not by live tokens
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": env_int("TONGBAN_OIDC_CODE_SECONDS", 60),
    "ACCESS_TOKEN_EXPIRE_SECONDS": env_int("TONGBAN_OIDC_ACCESS_TOKEN_SECONDS", 3600),
    "ID_TOKEN_EXPIRE_SECONDS": env_int("TONGBAN_OIDC_ID_TOKEN_SECONDS", 3600),
    "REFRESH_TOKEN_EXPIRE_SECONDS": env_int("TONGBAN_OIDC_REFRESH_TOKEN_SECONDS", 14 * 24 * 3600),
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": _REDIRECT_SCHEMES,
    "ALLOWED_SCHEMES": _REDIRECT_SCHEMES,
    # RFC 9700 (OAuth 2.0 Security BCP): adopt every compliant behaviour now.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": False,  # http allowed in development
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
}
