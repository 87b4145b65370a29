"""Envelope encryption (SM4-GCM under the master key) and master-key configuration."""

import pytest
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from tongban.core.crypto import envelope
from tongban.core.exceptions import DomainError

KEY_A = "a2024:000102030405060708090a0b0c0d0e0f"
KEY_B = "b2025:f0e0d0c0b0a090807060504030201000"


@pytest.fixture
def master_a(settings):
    settings.MASTER_KEY = KEY_A
    settings.MASTER_KEYS_OLD = []
    return settings


def test_roundtrip_and_token_format(master_a):
    token = envelope.encrypt(b"private key bytes")
    version, kid, nonce, sealed = token.split(":")
    assert (version, kid) == ("v1", "a2024")
    assert b"private key bytes" not in token.encode()
    assert envelope.decrypt(token) == b"private key bytes"
    assert envelope.decrypt_text(envelope.encrypt_text("短信密钥")) == "短信密钥"


def test_same_plaintext_gives_different_tokens(master_a):
    assert envelope.encrypt(b"x") != envelope.encrypt(b"x")


def test_empty_plaintext_roundtrips(master_a):
    assert envelope.decrypt(envelope.encrypt(b"")) == b""


def test_tampered_ciphertext_fails(master_a):
    token = envelope.encrypt(b"secret")
    head, sealed = token.rsplit(":", 1)
    raw = envelope._b64decode(sealed)
    tampered = f"{head}:{envelope._b64encode(bytes([raw[0] ^ 1]) + raw[1:])}"
    with pytest.raises(DomainError) as err:
        envelope.decrypt(tampered)
    assert err.value.code == "decrypt_failed"


def test_wrong_aad_fails(master_a):
    token = envelope.encrypt(b"secret", aad=b"row:1")
    assert envelope.decrypt(token, aad=b"row:1") == b"secret"
    for aad in (b"row:2", b""):
        with pytest.raises(DomainError) as err:
            envelope.decrypt(token, aad=aad)
        assert err.value.code == "decrypt_failed"


def test_wrong_key_under_same_kid_fails(master_a, settings):
    token = envelope.encrypt(b"secret")
    settings.MASTER_KEY = "a2024:" + "ff" * 16
    with pytest.raises(DomainError) as err:
        envelope.decrypt(token)
    assert err.value.code == "decrypt_failed"


def test_relabelled_kid_fails(master_a, settings):
    token = envelope.encrypt(b"secret")
    settings.MASTER_KEY = "other:000102030405060708090a0b0c0d0e0f"  # same key bytes, new id
    relabelled = token.replace("v1:a2024:", "v1:other:", 1)
    with pytest.raises(DomainError) as err:
        envelope.decrypt(relabelled)
    assert err.value.code == "decrypt_failed"


@pytest.mark.parametrize(
    "token",
    [
        "",
        "plain text",
        "v1:a2024:abc",
        "v2:a2024:AAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAA",
        "v1:a2024:short:AAAAAAAAAAAAAAAAAAAAAA",
        "v1:a2024:AAAAAAAAAAAAAAAA:AAAA",
        "v1:bad kid:AAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAA",
        "v1:a2024:!!!!:????",
    ],
)
def test_malformed_tokens(master_a, token):
    with pytest.raises(DomainError) as err:
        envelope.decrypt(token)
    assert err.value.code == "malformed_token"


def test_rotation_old_kid_still_decrypts_and_rewrap_moves_to_new_kid(master_a, settings):
    old_token = envelope.encrypt(b"secret", aad=b"ctx")
    settings.MASTER_KEY = KEY_B
    settings.MASTER_KEYS_OLD = [KEY_A]
    assert envelope.decrypt(old_token, aad=b"ctx") == b"secret"
    new_token = envelope.rewrap(old_token, aad=b"ctx")
    assert envelope.token_kid(new_token) == "b2025"
    assert envelope.decrypt(new_token, aad=b"ctx") == b"secret"
    assert envelope.rewrap(new_token, aad=b"ctx") == new_token  # already current
    # once the old key is removed, only re-wrapped tokens still decrypt
    settings.MASTER_KEYS_OLD = []
    assert envelope.decrypt(new_token, aad=b"ctx") == b"secret"
    with pytest.raises(DomainError) as err:
        envelope.decrypt(old_token, aad=b"ctx")
    assert err.value.code == "unknown_key_id"


def test_rewrap_with_wrong_aad_fails_and_returns_nothing(master_a, settings):
    token = envelope.encrypt(b"secret", aad=b"ctx")
    settings.MASTER_KEY = KEY_B
    settings.MASTER_KEYS_OLD = [KEY_A]
    with pytest.raises(DomainError) as err:
        envelope.rewrap(token, aad=b"other")
    assert err.value.code == "decrypt_failed"


def test_old_keys_accept_comma_separated_string(master_a, settings):
    settings.MASTER_KEY = KEY_B
    settings.MASTER_KEYS_OLD = f"{KEY_A},"
    assert envelope.keyring().retired_kids == ["a2024"]


@pytest.mark.parametrize(
    "value",
    [
        "",
        "nokid",
        "a2024:0011",
        "a2024:" + "zz" * 16,
        ":" + "00" * 16,
        "bad kid:" + "00" * 16,
        "a2024:" + "00" * 32,
        "x" * 33 + ":" + "00" * 16,
    ],
)
def test_bad_master_key_format_is_a_clear_configuration_error(settings, value):
    settings.MASTER_KEY = value
    settings.MASTER_KEYS_OLD = []
    with pytest.raises(ImproperlyConfigured) as err:
        envelope.encrypt(b"x")
    assert "TONGBAN_MASTER_KEY" in str(err.value) and "32 hex" in str(err.value)
    assert [e.id for e in envelope.check_master_keys()] == ["tongban.E101"]


def test_bad_old_key_names_its_setting(master_a, settings):
    settings.MASTER_KEYS_OLD = ["broken"]
    with pytest.raises(ImproperlyConfigured) as err:
        envelope.keyring()
    assert "TONGBAN_MASTER_KEYS_OLD" in str(err.value)


def test_duplicate_kid_is_refused(master_a, settings):
    settings.MASTER_KEYS_OLD = ["a2024:" + "11" * 16]
    with pytest.raises(ImproperlyConfigured) as err:
        envelope.keyring()
    assert "a2024" in str(err.value)


def test_system_check_passes_with_valid_keys(master_a):
    assert envelope.check_master_keys() == []
    assert "tongban.E101" not in [m.id for m in checks.run_checks(tags=[checks.Tags.security])]


def test_generate_master_key_is_valid_and_random():
    first, second = envelope.generate_master_key("k1"), envelope.generate_master_key("k1")
    assert first != second
    assert envelope.parse_master_key(first)[0] == "k1"
    with pytest.raises(ValueError):
        envelope.generate_master_key("bad kid")


def test_encrypt_refuses_str():
    with pytest.raises(TypeError):
        envelope.encrypt("text")
