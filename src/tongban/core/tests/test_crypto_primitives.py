"""SM3 / SM4 / SM2 primitives: standard test vectors, round trips and failure cases."""

import base64

import gmssl_pyx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from tongban.core.crypto import asn1, sm2, sm3, sm4
from tongban.core.exceptions import DomainError

# --- SM3 ---------------------------------------------------------------------------------


def test_sm3_standard_vector_abc():
    expected = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert sm3.hexdigest(b"abc") == expected
    assert sm3.digest(b"abc") == bytes.fromhex(expected)


def test_sm3_standard_vector_512_bits():
    # GB/T 32905-2016 example 2: "abcd" repeated 16 times.
    assert sm3.hexdigest(b"abcd" * 16) == (
        "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"
    )


def test_sm3_hmac_matches_gmssl_and_depends_on_key():
    mac = sm3.hmac(b"key", b"message")
    assert mac == gmssl_pyx.sm3_hmac(b"key", b"message")
    assert len(mac) == 32
    assert sm3.hmac(b"other key", b"message") != mac


# --- SM4 ---------------------------------------------------------------------------------


def test_sm4_ecb_standard_vector():
    key = bytes.fromhex("0123456789abcdeffedcba9876543210")
    assert sm4.ecb_encrypt_block(key, key).hex() == "681edf34d206965e86b3e94f536e4246"


def test_sm4_gcm_roundtrip_and_tamper():
    key, nonce = bytes(range(16)), bytes(12)
    sealed = sm4.gcm_encrypt(key, nonce, b"secret", b"aad")
    assert len(sealed) == len(b"secret") + sm4.GCM_TAG_SIZE
    assert sm4.gcm_decrypt(key, nonce, sealed, b"aad") == b"secret"
    # interoperates with GmSSL's SM4-GCM
    assert gmssl_pyx.sm4_gcm_decrypt(key, nonce, b"aad", sealed[:-16], sealed[-16:]) == b"secret"
    tampered = bytes([sealed[0] ^ 1]) + sealed[1:]
    with pytest.raises(sm4.AuthenticationFailed):
        sm4.gcm_decrypt(key, nonce, tampered, b"aad")
    with pytest.raises(sm4.AuthenticationFailed):
        sm4.gcm_decrypt(key, nonce, sealed, b"other aad")


# --- SM2 signatures ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def key():
    return sm2.PrivateKey.generate()


def test_sign_verify_roundtrip(key):
    signature = key.sign(b"message")
    assert signature[0] == 0x30  # DER SEQUENCE{r, s}
    assert key.public_key.verify(b"message", signature)


def test_signatures_are_randomised_and_both_verify(key):
    first, second = key.sign(b"m"), key.sign(b"m")
    assert first != second
    assert key.public_key.verify(b"m", first) and key.public_key.verify(b"m", second)


def test_verify_fails_for_wrong_message_key_or_signer_id(key):
    signature = key.sign(b"message")
    other = sm2.PrivateKey.generate()
    assert not key.public_key.verify(b"messagE", signature)
    assert not other.public_key.verify(b"message", signature)
    assert not key.public_key.verify(b"message", signature, signer_id=b"another-id")


def test_verify_rejects_garbage_signatures_without_raising(key):
    signature = key.sign(b"message")
    assert not key.public_key.verify(b"message", b"")
    assert not key.public_key.verify(b"message", b"\x30\x00")
    assert not key.public_key.verify(b"message", signature[:-1])
    assert not key.public_key.verify(b"message", signature + b"\x00")


def test_custom_signer_id(key):
    signature = key.sign(b"message", signer_id=b"alice@gd.gov.cn")
    assert key.public_key.verify(b"message", signature, signer_id=b"alice@gd.gov.cn")
    assert not key.public_key.verify(b"message", signature)


def test_z_and_signature_agree_with_gmssl_full_computation(key):
    """GmSSL's sm2_verify recomputes Z itself: an independent check of our Z."""
    for signer_id in (sm2.DEFAULT_SIGNER_ID, b"custom-id"):
        signature = key.sign(b"hello", signer_id=signer_id)
        assert gmssl_pyx.sm2_verify(key.public_key.raw, b"hello", signature, signer_id)
        theirs = gmssl_pyx.sm2_sign(key._secret, key.public_key.raw, b"hello", signer_id)
        assert key.public_key.verify(b"hello", theirs, signer_id=signer_id)


def test_z_is_cached_per_signer_id(key):
    public = sm2.PublicKey.from_raw(key.public_key.raw)
    z_default = public.z()
    assert public.z() is z_default
    assert public.z(b"other") != z_default
    entl = (16 * 8).to_bytes(2, "big")
    curve = b"".join(v.to_bytes(32, "big") for v in (sm2.A, sm2.B, sm2.GX, sm2.GY))
    assert z_default == sm3.digest(entl + sm2.DEFAULT_SIGNER_ID + curve + public.raw)


def test_sign_digest_matches_sign(key):
    e = key.public_key.message_digest(b"payload")
    assert key.public_key.verify(b"payload", key.sign_digest(e))
    with pytest.raises(ValueError):
        key.sign_digest(b"short")


# --- SM2 key encoding ----------------------------------------------------------------------


def test_private_key_pem_roundtrip(key):
    pem = key.to_pem()
    assert pem.startswith(b"-----BEGIN PRIVATE KEY-----\n")
    again = sm2.PrivateKey.from_pem(pem.decode())
    assert again == key
    assert again.public_key == key.public_key
    assert sm2.PrivateKey.from_der(key.to_der()) == key


def test_public_key_pem_der_raw_roundtrip(key):
    public = key.public_key
    assert sm2.PublicKey.from_pem(public.to_pem()) == public
    assert sm2.PublicKey.from_der(public.to_der()) == public
    assert sm2.PublicKey.from_raw(public.raw) == public
    assert sm2.PublicKey.from_raw(b"\x04" + public.raw) == public
    assert len(public.raw) == 64
    assert public.fingerprint() == sm3.hexdigest(public.to_der())


def test_private_key_derives_public_key_from_secret(key):
    d = int.from_bytes(key._secret, "big")
    assert sm2.PrivateKey.from_scalar(d).public_key == key.public_key


def test_sec1_ec_private_key_import(key):
    sec1 = asn1.sequence(
        asn1.integer(1),
        asn1.octet_string(key._secret),
        asn1.explicit(0, asn1.oid(sm2.OID_SM2_CURVE)),
        asn1.explicit(1, asn1.bit_string(b"\x04" + key.public_key.raw)),
    )
    pem = sm2._to_pem("EC PRIVATE KEY", sec1)
    assert (
        sm2.PrivateKey.from_pem(
            b"-----BEGIN EC PARAMETERS-----\nBggqgRzPVQGCLQ==\n-----END EC PARAMETERS-----\n" + pem
        )
        == key
    )
    # without the optional public key, it is derived
    sec1_no_public = asn1.sequence(
        asn1.integer(1),
        asn1.octet_string(key._secret),
        asn1.explicit(0, asn1.oid(sm2.OID_SM2_CURVE)),
    )
    assert sm2.PrivateKey.from_der(sec1_no_public).public_key == key.public_key


def test_mismatched_public_key_inside_private_key_is_rejected(key):
    other = sm2.PrivateKey.generate()
    forged = asn1.sequence(
        asn1.integer(1),
        asn1.octet_string(key._secret),
        asn1.explicit(0, asn1.oid(sm2.OID_SM2_CURVE)),
        asn1.explicit(1, asn1.bit_string(b"\x04" + other.public_key.raw)),
    )
    with pytest.raises(DomainError) as err:
        sm2.PrivateKey.from_der(forged)
    assert err.value.code == "invalid_key"


def test_non_sm2_keys_are_rejected():
    p256 = ec.generate_private_key(ec.SECP256R1())
    private_pem = p256.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public_pem = p256.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    for loader, pem in (
        (sm2.PrivateKey.from_pem, private_pem),
        (sm2.PublicKey.from_pem, public_pem),
    ):
        with pytest.raises(DomainError) as err:
            loader(pem)
        assert err.value.code == "invalid_key"


def test_encrypted_pem_is_refused_with_its_own_code(key):
    pem = b"-----BEGIN ENCRYPTED PRIVATE KEY-----\nMAA=\n-----END ENCRYPTED PRIVATE KEY-----\n"
    with pytest.raises(DomainError) as err:
        sm2.PrivateKey.from_pem(pem)
    assert err.value.code == "encrypted_key_unsupported"


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not a pem",
        b"-----BEGIN PUBLIC KEY-----\n!!!!\n-----END PUBLIC KEY-----\n",
    ],
)
def test_garbage_public_pem_is_invalid_key(data):
    with pytest.raises(DomainError) as err:
        sm2.PublicKey.from_pem(data)
    assert err.value.code == "invalid_key"


def test_der_with_trailing_bytes_or_off_curve_point_is_rejected(key):
    with pytest.raises(DomainError):
        sm2.PublicKey.from_der(key.public_key.to_der() + b"\x00")
    off_curve = key.public_key.raw[:-1] + bytes([key.public_key.raw[-1] ^ 1])
    with pytest.raises(DomainError) as err:
        sm2.PublicKey.from_raw(off_curve)
    assert err.value.code == "invalid_key"
    with pytest.raises(DomainError):
        sm2.PublicKey.from_raw(b"\x04" * 10)


def test_private_scalar_out_of_range_is_rejected():
    for d in (0, sm2.N - 1, sm2.N):
        with pytest.raises(DomainError) as err:
            sm2.PrivateKey.from_scalar(d)
        assert err.value.code == "invalid_key"


def test_private_key_repr_does_not_leak_secret(key):
    assert key._secret.hex() not in repr(key)
    assert base64.b64encode(key._secret).decode() not in repr(key)


# --- SM2 encryption ------------------------------------------------------------------------


def test_sm2_encrypt_decrypt_roundtrip_c1c3c2(key):
    ciphertext = sm2.encrypt(key.public_key, "机密".encode())
    assert sm2.decrypt(key, ciphertext) == "机密".encode()
    # DER SEQUENCE{INTEGER x, INTEGER y, OCTET STRING C3 (32), OCTET STRING C2}
    parts = asn1.children(asn1.read_all(ciphertext, asn1.SEQUENCE))
    assert [tag for tag, _ in parts] == [
        asn1.INTEGER,
        asn1.INTEGER,
        asn1.OCTET_STRING,
        asn1.OCTET_STRING,
    ]
    assert len(parts[2][1]) == 32 and len(parts[3][1]) == len("机密".encode())


def test_sm2_decrypt_with_wrong_key_fails(key):
    ciphertext = sm2.encrypt(key.public_key, b"secret")
    with pytest.raises(DomainError) as err:
        sm2.decrypt(sm2.PrivateKey.generate(), ciphertext)
    assert err.value.code == "decrypt_failed"


def test_sm2_encrypt_length_limit(key):
    with pytest.raises(DomainError) as err:
        sm2.encrypt(key.public_key, b"x" * 256)
    assert err.value.code == "plaintext_too_long"
    with pytest.raises(DomainError):
        sm2.encrypt(key.public_key, b"")
