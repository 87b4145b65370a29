"""The per-process seal-key cache shared by licence and finance seals."""

import pytest

from tongban.core.crypto import envelope, seal_keys, sm2


@pytest.fixture(autouse=True)
def _fresh_cache():
    seal_keys.forget()
    yield
    seal_keys.forget()


def test_private_key_is_decrypted_once_and_checked_against_the_fingerprint(monkeypatch):
    key = sm2.PrivateKey.generate()
    fingerprint = key.public_key.fingerprint()
    token = envelope.encrypt(key.to_der(), aad=b"seal:1")
    assert seal_keys.private_key(fingerprint, token, aad=b"seal:1").to_der() == key.to_der()
    monkeypatch.setattr(envelope, "decrypt", lambda *a, **k: pytest.fail("decrypted twice"))
    assert seal_keys.private_key(fingerprint, token, aad=b"seal:1").to_der() == key.to_der()


def test_a_key_of_another_seal_is_refused():
    key, other = sm2.PrivateKey.generate(), sm2.PrivateKey.generate()
    token = envelope.encrypt(other.to_der(), aad=b"seal:2")
    with pytest.raises(seal_keys.KeyMismatch):
        seal_keys.private_key(key.public_key.fingerprint(), token, aad=b"seal:2")


def test_remembered_key_needs_no_decryption():
    key = sm2.PrivateKey.generate()
    seal_keys.remember(key)
    assert seal_keys.private_key(key.public_key.fingerprint(), "not a token", aad=b"") is key
