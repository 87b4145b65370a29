# ruff: noqa: F811 (pytest fixtures imported from verification_support)
"""The compact signed QR payload: size, offline verification, tampering, unknown keys."""

import base64

import pytest
from django.conf import settings

from tongban.core.crypto import sm2
from tongban.core.exceptions import DomainError
from tongban.licences import offline
from tongban.licences.models import Licence
from tongban.licences.services import verification
from tongban.licences.tests.verification_support import (  # noqa: F401
    gz_seal,
    licence,
    openssl_verifies,
    permit_type,
)

pytestmark = pytest.mark.django_db


def _payload_of(url: str) -> str:
    prefix = settings.SITE_URL.rstrip("/") + "/verify/q/"
    assert url.startswith(prefix) and url.endswith("/")
    return url[len(prefix) : -1]


def test_qr_url_is_small_and_carries_masked_data_only(licence, citizen):
    url = verification.qr_url(licence)
    assert len(url) < 400
    decoded = offline.decode_payload(_payload_of(url))
    assert decoded.identifier == licence.identifier
    assert decoded.type_code == licence.licence_type.code
    assert decoded.masked_holder == "张*"
    assert decoded.valid_to == licence.valid_to and decoded.issued_on == licence.issued_on
    assert licence.seal_key.fingerprint.startswith(decoded.key_prefix)
    raw = base64.urlsafe_b64decode(_payload_of(url) + "==")
    assert citizen.id_number.encode() not in raw and "张三".encode() not in raw


def test_any_sm2_verifier_checks_the_payload_with_the_seal_public_key(licence):
    payload = _payload_of(verification.qr_url(licence))
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    message, signature = raw[:-64], raw[-64:]
    public = sm2.PublicKey.from_pem(licence.seal_key.public_pem)
    assert public.verify(message, offline.raw_to_der(signature))
    assert message.decode().startswith("TB1|" + licence.identifier + "|")


def test_offline_verification_with_the_public_key_only(licence):
    payload = _payload_of(verification.qr_url(licence))
    public = sm2.PublicKey.from_pem(licence.seal_key.public_pem)
    result = verification.verify_offline_payload(
        payload, trusted_keys=[public], lookup_status=False
    )
    assert result.status == "valid" and result.valid and result.signature_ok
    assert not result.online and "离线" in result.message
    # Offline means offline: a revocation made later is not seen without the lookup...
    Licence.objects.filter(pk=licence.pk).update(status="revoked", status_reason="x")
    offline_result = verification.verify_offline_payload(
        payload, trusted_keys=[public], lookup_status=False
    )
    assert offline_result.status == "valid"
    # ...and is with it (the QR page).
    online = verification.verify_offline_payload(payload)
    assert online.status == "revoked" and online.online and online.licence == licence


def test_another_key_is_an_unknown_issuer(licence):
    payload = _payload_of(verification.qr_url(licence))
    stranger = sm2.PrivateKey.generate().public_key
    result = verification.verify_offline_payload(
        payload, trusted_keys=[stranger], lookup_status=False
    )
    assert result.status == "unknown_issuer" and not result.valid
    assert result.reason == "unknown_issuer" and "信任列表" in result.message


def _tamper(payload: str, old: bytes, new: bytes) -> str:
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    assert old in raw[:-64]
    changed = raw[:-64].replace(old, new, 1) + raw[-64:]
    return base64.urlsafe_b64encode(changed).rstrip(b"=").decode()


@pytest.mark.parametrize("part", ["valid_to", "holder", "identifier"])
def test_tampered_payload_fails(licence, part):
    payload = _payload_of(verification.qr_url(licence))
    if part == "valid_to":
        old = licence.valid_to.strftime("%Y%m%d").encode()
        new = str(licence.valid_to.year + 10).encode() + old[4:]
    elif part == "holder":
        old, new = "张*".encode(), "李*".encode()
    else:
        old = licence.number.encode()
        new = str(int(licence.number) + 1).zfill(len(licence.number)).encode()
    tampered = _tamper(payload, old, new)
    for kwargs in ({}, {"lookup_status": False}):
        result = verification.verify_offline_payload(tampered, **kwargs)
        assert result.status == "invalid" and not result.valid, (part, kwargs)
        assert result.reason in ("signature_invalid", "data_mismatch")


def test_tampered_signature_fails(licence):
    payload = _payload_of(verification.qr_url(licence))
    raw = bytearray(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    raw[-1] ^= 0x01
    tampered = base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()
    result = verification.verify_offline_payload(tampered)
    assert result.status == "invalid" and result.reason == "signature_invalid"


@pytest.mark.parametrize("garbage", ["", "not base64 !!", "QUJD", "VEIxfHh8eXx6"])
def test_garbage_is_an_invalid_payload(db, garbage):
    with pytest.raises(DomainError) as caught:
        verification.verify_offline_payload(garbage)
    assert caught.value.code == "invalid_payload"


def test_raw_signature_round_trip():
    key = sm2.PrivateKey.generate()
    der = key.sign(b"abc")
    raw = offline.der_to_raw(der)
    assert len(raw) == 64
    assert key.public_key.verify(b"abc", offline.raw_to_der(raw))


def test_openssl_verifies_the_payload_as_the_guide_describes(licence, tmp_path):
    payload = _payload_of(verification.qr_url(licence))
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    (tmp_path / "qr.msg").write_bytes(raw[:-64])
    (tmp_path / "qr.sig").write_bytes(offline.raw_to_der(raw[-64:]))
    (tmp_path / "seal.pem").write_text(licence.seal_key.public_pem)
    files = {"public_key": "seal.pem", "signature": "qr.sig", "data": "qr.msg"}
    assert openssl_verifies(tmp_path, **files)
    (tmp_path / "qr.msg").write_bytes(raw[:-64].replace(b"TB1|", b"TB2|"))
    assert not openssl_verifies(tmp_path, **files)
