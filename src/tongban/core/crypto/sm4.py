"""SM4 block cipher (GB/T 32907-2016) helpers, from ``cryptography``.

``gcm_encrypt``/``gcm_decrypt`` are the AEAD used for data at rest (see ``envelope``).
``ecb_encrypt_block`` exists for the standard test vector only; never use ECB for data.
"""

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

KEY_SIZE = 16
BLOCK_SIZE = 16
GCM_NONCE_SIZE = 12
GCM_TAG_SIZE = 16


class AuthenticationFailed(Exception):
    """GCM tag did not match: wrong key, wrong associated data or tampered ciphertext."""


def gcm_encrypt(key: bytes, nonce: bytes, plaintext: bytes, aad: bytes = b"") -> bytes:
    """SM4-GCM encrypt; returns ciphertext followed by the 16-byte tag."""
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    if aad:
        encryptor.authenticate_additional_data(aad)
    ciphertext = encryptor.update(plaintext) + encryptor.finalize()
    return ciphertext + encryptor.tag


def gcm_decrypt(key: bytes, nonce: bytes, ciphertext_and_tag: bytes, aad: bytes = b"") -> bytes:
    """SM4-GCM decrypt ``ciphertext‖tag``; raises ``AuthenticationFailed`` on any mismatch."""
    if len(ciphertext_and_tag) < GCM_TAG_SIZE:
        raise AuthenticationFailed("ciphertext shorter than the tag")
    ciphertext, tag = ciphertext_and_tag[:-GCM_TAG_SIZE], ciphertext_and_tag[-GCM_TAG_SIZE:]
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    if aad:
        decryptor.authenticate_additional_data(aad)
    try:
        return decryptor.update(ciphertext) + decryptor.finalize()
    except InvalidTag as exc:
        raise AuthenticationFailed("SM4-GCM tag mismatch") from exc


def ecb_encrypt_block(key: bytes, block: bytes) -> bytes:
    """Encrypt exactly one 16-byte block (test vectors only)."""
    if len(block) != BLOCK_SIZE:
        raise ValueError("SM4 block must be 16 bytes")
    encryptor = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()  # noqa: S305 - test vector
    return encryptor.update(block) + encryptor.finalize()
