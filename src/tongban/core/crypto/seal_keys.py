"""Per-process caches of seal keys (licence seals, finance seals): a seal's private key is
decrypted from its envelope once per process and checked against the registered fingerprint;
its public key is parsed once.

    key = seal_keys.private_key(row.fingerprint, row.private_key_encrypted, aad=aad)
    seal_keys.remember(private)             # a key just generated: no decryption needed
"""

from __future__ import annotations

import threading

from tongban.core.crypto import envelope, sm2

_lock = threading.Lock()
_private: dict[str, sm2.PrivateKey] = {}  # fingerprint -> decrypted key
_public: dict[str, sm2.PublicKey] = {}


class KeyMismatch(Exception):
    """The decrypted private key does not belong to the registered public key."""


def remember(key: sm2.PrivateKey) -> None:
    with _lock:
        _private[key.public_key.fingerprint()] = key


def private_key(fingerprint: str, encrypted: str, *, aad: bytes) -> sm2.PrivateKey:
    cached = _private.get(fingerprint)
    if cached is not None:
        return cached
    key = sm2.PrivateKey.from_der(envelope.decrypt(encrypted, aad=aad))
    if key.public_key.fingerprint() != fingerprint:
        raise KeyMismatch(fingerprint)
    with _lock:
        _private[fingerprint] = key
    return key


def public_key(fingerprint: str, pem: str) -> sm2.PublicKey:
    cached = _public.get(fingerprint)
    if cached is None:
        cached = sm2.PublicKey.from_pem(pem)
        with _lock:
            _public[fingerprint] = cached
    return cached


def forget() -> None:
    """Drop the cached keys (after a master-key rotation, and in tests)."""
    with _lock:
        _private.clear()
        _public.clear()
