"""Envelope encryption of secrets at rest: SM4-GCM under the platform master key.

Tokens are self-describing text, safe to store in a ``TextField``::

    v1:<kid>:<nonce, base64url>:<ciphertext‖tag, base64url>

``kid`` names the master key that encrypted the value. ``settings.MASTER_KEY``
(``TONGBAN_MASTER_KEY``) is the active key, ``"kid:32 hex chars"``; ``settings.MASTER_KEYS_OLD``
(``TONGBAN_MASTER_KEYS_OLD``) lists retired keys that still decrypt. ``rewrap`` moves a token
to the active key; ``tongban keys rotate-master`` re-wraps every registered field.

The version and kid are authenticated together with the caller's ``aad``, so a token cannot
be relabelled; use ``aad`` to bind a secret to its row (e.g. ``b"oidc.client:42"``) so a
ciphertext copied to another row does not decrypt.

Models holding envelope tokens register the field so rotation finds it::

    envelope.register("myapp.Client", "secret_encrypted", aad=lambda obj: f"client:{obj.pk}".encode())
"""

from __future__ import annotations

import base64
import binascii
import functools
import os
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from tongban.core.crypto import sm4
from tongban.core.crypto.errors import CryptoError
from tongban.core.exceptions import DomainError

VERSION = "v1"
KID_RE = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")
_KEY_RE = re.compile(r"^([A-Za-z0-9_.-]{1,32}):([0-9a-fA-F]{32})$")


# --- Master keys --------------------------------------------------------------------------


@dataclass(frozen=True)
class Keyring:
    active_kid: str
    keys: dict[str, bytes]  # kid -> 16-byte SM4 key, active and retired

    @property
    def retired_kids(self) -> list[str]:
        return [kid for kid in self.keys if kid != self.active_kid]


def parse_master_key(value: str, *, setting: str = "TONGBAN_MASTER_KEY") -> tuple[str, bytes]:
    """Parse ``"kid:32hex"``; raise ``ImproperlyConfigured`` with a clear message otherwise."""
    match = _KEY_RE.match((value or "").strip())
    if not match:
        raise ImproperlyConfigured(
            f"{setting} must look like 'kid:<32 hex characters>' (a key id of 1-32 letters, "
            "digits, '.', '_' or '-', a colon, then a 128-bit SM4 key in hex); "
            "generate one with `tongban keys generate-master-key`."
        )
    return match.group(1), bytes.fromhex(match.group(2))


@functools.lru_cache(maxsize=8)
def _build_keyring(active: str, old: tuple[str, ...]) -> Keyring:
    active_kid, active_key = parse_master_key(active)
    keys = {active_kid: active_key}
    for item in old:
        kid, key = parse_master_key(item, setting="TONGBAN_MASTER_KEYS_OLD")
        if kid in keys:
            raise ImproperlyConfigured(
                f"Master key id '{kid}' appears twice in TONGBAN_MASTER_KEY / "
                "TONGBAN_MASTER_KEYS_OLD; every key needs its own id."
            )
        keys[kid] = key
    return Keyring(active_kid, keys)


def keyring() -> Keyring:
    """The configured master keys (parsed once per distinct setting value)."""
    old = settings.MASTER_KEYS_OLD
    if isinstance(old, str):
        old = [item for item in old.split(",") if item.strip()]
    return _build_keyring(settings.MASTER_KEY, tuple(old or ()))


def generate_master_key(kid: str) -> str:
    """A new random master key setting value ``"kid:hex"``."""
    if not KID_RE.match(kid):
        raise ValueError("kid: 1-32 letters, digits, '.', '_' or '-'")
    return f"{kid}:{os.urandom(sm4.KEY_SIZE).hex()}"


@checks.register(checks.Tags.security, deploy=False)
def check_master_keys(app_configs=None, **kwargs):
    try:
        keyring()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="tongban.E101")]
    return []


# --- Tokens -------------------------------------------------------------------------------


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _associated_data(kid: str, aad: bytes) -> bytes:
    return f"{VERSION}:{kid}:".encode() + aad


def _malformed() -> DomainError:
    return DomainError(CryptoError.MALFORMED_TOKEN, _("加密数据格式错误。"))


def token_kid(token: str) -> str:
    """The master key id a token was encrypted under (no decryption)."""
    parts = token.split(":") if isinstance(token, str) else []
    if len(parts) != 4 or parts[0] != VERSION or not KID_RE.match(parts[1]):
        raise _malformed()
    return parts[1]


def encrypt(plaintext: bytes, *, aad: bytes = b"") -> str:
    """Encrypt ``plaintext`` under the active master key; returns a ``v1:`` token."""
    if not isinstance(plaintext, bytes | bytearray):
        raise TypeError("envelope.encrypt takes bytes; use encrypt_text for str")
    ring = keyring()
    kid = ring.active_kid
    nonce = os.urandom(sm4.GCM_NONCE_SIZE)
    sealed = sm4.gcm_encrypt(ring.keys[kid], nonce, bytes(plaintext), _associated_data(kid, aad))
    return f"{VERSION}:{kid}:{_b64encode(nonce)}:{_b64encode(sealed)}"


def decrypt(token: str, *, aad: bytes = b"") -> bytes:
    """Decrypt a token with the key its kid names (active or retired).

    Raises ``DomainError`` ``malformed_token``, ``unknown_key_id`` or ``decrypt_failed``.
    """
    kid = token_kid(token)
    _v, _k, nonce_text, sealed_text = token.split(":")
    try:
        nonce = _b64decode(nonce_text)
        sealed = _b64decode(sealed_text)
    except (binascii.Error, ValueError) as exc:
        raise _malformed() from exc
    if len(nonce) != sm4.GCM_NONCE_SIZE or len(sealed) < sm4.GCM_TAG_SIZE:
        raise _malformed()
    key = keyring().keys.get(kid)
    if key is None:
        raise DomainError(
            CryptoError.UNKNOWN_KEY_ID,
            _("加密数据使用的主密钥 %(kid)s 未配置。") % {"kid": kid},
        )
    try:
        return sm4.gcm_decrypt(key, nonce, sealed, _associated_data(kid, aad))
    except sm4.AuthenticationFailed as exc:
        raise DomainError(
            CryptoError.DECRYPT_FAILED, _("解密失败：密钥或关联数据不匹配，或数据已被篡改。")
        ) from exc


def rewrap(token: str, *, aad: bytes = b"") -> str:
    """Re-encrypt a token under the active master key (unchanged if already there)."""
    if token_kid(token) == keyring().active_kid:
        decrypt(token, aad=aad)  # still authenticate it
        return token
    return encrypt(decrypt(token, aad=aad), aad=aad)


def encrypt_text(plaintext: str, *, aad: bytes = b"") -> str:
    return encrypt(plaintext.encode("utf-8"), aad=aad)


def decrypt_text(token: str, *, aad: bytes = b"") -> str:
    return decrypt(token, aad=aad).decode("utf-8")


# --- Registry of model fields holding tokens ----------------------------------------------


@dataclass(frozen=True)
class EncryptedField:
    model: object  # model class or "app_label.ModelName"
    field: str
    aad: Callable[[object], bytes] | None = None

    def get_model(self):
        if isinstance(self.model, str):
            from django.apps import apps

            return apps.get_model(self.model)
        return self.model

    @property
    def label(self) -> str:
        model = self.get_model()
        return f"{model._meta.label}.{self.field}"

    def aad_for(self, instance) -> bytes:
        return self.aad(instance) if self.aad else b""


_registry: list[EncryptedField] = []


def register(model, field: str, *, aad: Callable[[object], bytes] | None = None) -> None:
    """Declare that ``model.field`` holds envelope tokens (re-wrapped on master-key rotation).

    ``aad`` computes the associated data used for a row, if any. Registering the same
    (model, field) twice is a no-op, so module reloads are harmless.
    """
    entry = EncryptedField(model, field, aad)
    for existing in _registry:
        if existing.model == model and existing.field == field:
            return
    _registry.append(entry)


def registered_fields() -> list[EncryptedField]:
    return list(_registry)
