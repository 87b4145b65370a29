"""SM3 hash (GB/T 32905-2016) and HMAC-SM3, from ``cryptography``.

>>> hexdigest(b"abc")
'66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0'
"""

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as _hmac

DIGEST_SIZE = 32
BLOCK_SIZE = 64


def digest(data: bytes) -> bytes:
    """SM3 digest of ``data`` (32 bytes)."""
    h = hashes.Hash(hashes.SM3())
    h.update(data)
    return h.finalize()


def hexdigest(data: bytes) -> str:
    """SM3 digest of ``data`` as 64 lower-case hex characters."""
    return digest(data).hex()


def hmac(key: bytes, data: bytes) -> bytes:
    """HMAC-SM3 (RFC 2104 with SM3) of ``data`` under ``key`` (32 bytes)."""
    h = _hmac.HMAC(key, hashes.SM3())
    h.update(data)
    return h.finalize()


def hasher():
    """An incremental SM3 hasher: ``h = hasher(); h.update(b"..."); h.finalize()``."""
    return hashes.Hash(hashes.SM3())
