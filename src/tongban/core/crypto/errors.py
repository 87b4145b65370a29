"""Stable error codes raised by ``tongban.core.crypto`` as ``DomainError(code, ...)``."""

from enum import StrEnum


class CryptoError(StrEnum):
    # Envelope tokens
    MALFORMED_TOKEN = "malformed_token"  # not a "v1:<kid>:<nonce>:<ciphertext>" token
    UNKNOWN_KEY_ID = "unknown_key_id"  # the token's master key id is not configured
    DECRYPT_FAILED = "decrypt_failed"  # wrong key, wrong aad or tampered ciphertext
    # SM2 keys and data
    INVALID_KEY = "invalid_key"  # not an SM2 key, malformed PEM/DER, point not on the curve
    ENCRYPTED_KEY_UNSUPPORTED = "encrypted_key_unsupported"  # password-protected PEM
    PLAINTEXT_TOO_LONG = "plaintext_too_long"  # SM2 public-key encryption limit (255 bytes)
    # Managed keys
    KEY_NOT_FOUND = "key_not_found"  # no managed key with that fingerprint
