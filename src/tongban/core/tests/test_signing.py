"""The signing core: canonical JSON, seal certificates, document signatures, tampering."""

import datetime as dt

import pytest

from tongban.core import signing
from tongban.core.crypto import asn1, keys, sm2, sm3
from tongban.core.exceptions import DomainError
from tongban.core.signing import ses

SIGNED_AT = dt.datetime(2027, 3, 4, 5, 6, 7, tzinfo=dt.UTC)
DATA = signing.canonical_json({"证照名称": "营业执照", "证照编号": "0001", "注册资本": "10万元"})


@pytest.fixture(autouse=True)
def _fresh_keys(db):
    keys.clear_cache()
    yield
    keys.clear_cache()


@pytest.fixture
def seal_key():
    return sm2.PrivateKey.generate()


def make_cert(seal_key, platform_key=None, **overrides):
    fields = {
        "esid": "44010020270001",
        "name": "广州市市场监督管理局电子证照专用章",
        "org_unit_name": "广州市市场监督管理局",
        "public_key": seal_key.public_key,
        "valid_from": dt.date(2027, 1, 1),
        "valid_to": dt.date(2031, 12, 31),
        "picture": b"<svg/>",
        "platform_key": platform_key or keys.platform_signing_key(),
    }
    fields.update(overrides)
    return signing.build_seal_certificate(**fields)


@pytest.fixture
def cert(seal_key):
    return make_cert(seal_key)


@pytest.fixture
def signature(seal_key, cert):
    return signing.sign_document(
        DATA, key=seal_key, seal_certificate_der=cert, property_info="LIC-1", signed_at=SIGNED_AT
    )


# --- canonical JSON ------------------------------------------------------------------------


def test_canonical_json_sorted_compact_utf8():
    assert signing.canonical_json({"b": [1, True, None], "a": "证照"}) == (
        '{"a":"证照","b":[1,true,null]}'.encode()
    )
    assert signing.canonical_json({"b": 1, "a": {"d": 2, "c": 3}}) == signing.canonical_json(
        {"a": {"c": 3, "d": 2}, "b": 1}
    )


@pytest.mark.parametrize("value", [1.5, dt.date(2024, 1, 1), {1: "x"}, {"a": {b"x"}}])
def test_canonical_json_refuses_ambiguous_values(value):
    with pytest.raises(TypeError):
        signing.canonical_json(value)


# --- seal certificates ---------------------------------------------------------------------


def test_seal_certificate_roundtrip(seal_key, cert):
    info = signing.parse_seal_certificate(cert)
    assert info.esid == "44010020270001"
    assert info.name == "广州市市场监督管理局电子证照专用章"
    assert info.org_unit_name == "广州市市场监督管理局"
    assert info.public_key == seal_key.public_key
    assert info.valid_from_date == dt.date(2027, 1, 1)
    assert info.valid_to_date == dt.date(2031, 12, 31)
    assert info.picture_type == "svg" and info.picture == b"<svg/>"
    assert (info.picture_width, info.picture_height) == (42, 42)
    assert info.platform_fingerprint == keys.platform_signing_key().public_key.fingerprint()
    assert signing.verify_seal_certificate(cert)
    # header {"ES", 4, Vid} and the SM2-with-SM3 algorithm OID are where GB/T 38540 puts them
    outer = asn1.children(asn1.read_all(cert, asn1.SEQUENCE))
    header = asn1.children(asn1.children(outer[0][1])[0][1])
    assert header[0] == (0x16, b"ES") and header[1] == (asn1.INTEGER, b"\x04")
    assert asn1.decode_oid(outer[2][1]) == "1.2.156.10197.1.501"


def test_rotated_platform_key_still_verifies_old_seal_certificates(seal_key, cert):
    old_fingerprint = keys.platform_signing_key().public_key.fingerprint()
    keys.rotate_platform_key(actor="cli")
    keys.clear_cache()
    ses._verified_certs.clear()
    assert keys.platform_signing_key().public_key.fingerprint() != old_fingerprint
    assert signing.verify_seal_certificate(cert)
    new_cert = make_cert(seal_key)
    assert signing.parse_seal_certificate(new_cert).platform_fingerprint != old_fingerprint
    assert signing.verify_seal_certificate(new_cert)


def test_seal_certificate_by_unknown_platform_key(seal_key):
    forged = make_cert(seal_key, platform_key=sm2.PrivateKey.generate())
    reason, info = signing.check_seal_certificate(forged)
    assert reason == "unknown_platform_key" and info.esid == "44010020270001"
    assert not signing.verify_seal_certificate(forged)


def test_tampered_seal_certificate_fails(cert):
    tampered = cert.replace("广州市".encode(), "深圳市".encode(), 1)
    assert tampered != cert
    assert signing.check_seal_certificate(tampered)[0] == "bad_seal_certificate"
    flipped = bytearray(cert)
    flipped[-5] ^= 0x01  # inside signedValue
    assert signing.check_seal_certificate(bytes(flipped))[0] in {
        "bad_seal_certificate",
        "malformed",
    }


@pytest.mark.parametrize(
    "junk",
    [b"", b"\x30\x00", b"garbage", b"\x30\x81\x05abc"],
)
def test_malformed_seal_certificate(junk):
    assert signing.check_seal_certificate(junk) == ("malformed", None)


def test_trailing_bytes_refused(cert):
    assert signing.check_seal_certificate(cert + b"\x00")[0] == "malformed"


# --- document signatures -------------------------------------------------------------------


def test_sign_and_verify_roundtrip(seal_key, signature):
    check = signing.verify_document(DATA, signature)
    assert check.ok and check.reason == "" and bool(check)
    assert check.signed_at == SIGNED_AT
    assert check.esid == "44010020270001"
    assert check.property_info == "LIC-1"
    assert check.public_key == seal_key.public_key
    assert check.seal_certificate_verified
    parsed = signing.parse_signature(signature)
    assert parsed.data_hash == sm3.digest(DATA)
    # the signature is a plain SM2 signature over the DER of TBS_Sign, default signer ID
    assert seal_key.public_key.verify(parsed.tbs, parsed.signature)
    assert signing.verify_document(DATA, signature, public_key=seal_key.public_key).ok


def test_tampered_data(signature):
    for data in (DATA + b" ", DATA.replace(b"0001", b"0002"), b""):
        check = signing.verify_document(data, signature)
        assert not check.ok and check.reason == "data_hash_mismatch"


def test_tampered_tbs_time(signature):
    tampered = signature.replace(b"20270304050607Z", b"20270304050608Z")
    assert tampered != signature
    assert signing.verify_document(DATA, tampered).reason == "bad_signature"


def test_tampered_property_info(signature):
    tampered = signature.replace(b"LIC-1", b"LIC-2")
    assert signing.verify_document(DATA, tampered).reason == "bad_signature"


def test_tampered_data_hash_with_matching_data(seal_key, signature):
    """Swap the dataHash for the hash of other data: the data matches, the signature not."""
    other = b'{"x":1}'
    tampered = signature.replace(sm3.digest(DATA), sm3.digest(other))
    check = signing.verify_document(other, tampered)
    assert check.reason == "bad_signature"


def test_tampered_signature_value(signature):
    parsed = signing.parse_signature(signature)
    r_start = parsed.signature.index(b"\x02", 2) + 2  # inside r of SEQUENCE{r, s}
    flipped = bytearray(parsed.signature)
    flipped[r_start + 5] ^= 0x01
    tampered = signature.replace(parsed.signature, bytes(flipped))
    assert signing.verify_document(DATA, tampered).reason == "bad_signature"


def test_tampered_seal_certificate_inside_signature(seal_key, cert):
    """Whoever holds a seal key cannot change what its certificate says (e.g. the name)."""
    forged_cert = cert.replace(
        "市场监督管理局电子".encode(), "税务局局长专用章电子".encode()[:27], 1
    )
    assert len(forged_cert) == len(cert) and forged_cert != cert
    forged = signing.sign_document(
        DATA, key=seal_key, seal_certificate_der=forged_cert, signed_at=SIGNED_AT
    )
    assert signing.verify_document(DATA, forged).reason == "bad_seal_certificate"


def test_platform_signature_by_unknown_key(seal_key):
    self_made = make_cert(seal_key, platform_key=sm2.PrivateKey.generate())
    der = signing.sign_document(
        DATA, key=seal_key, seal_certificate_der=self_made, signed_at=SIGNED_AT
    )
    assert signing.verify_document(DATA, der).reason == "unknown_platform_key"
    # a caller that trusts the seal key itself (trust list) still gets an answer
    check = signing.verify_document(DATA, der, public_key=seal_key.public_key)
    assert check.ok and not check.seal_certificate_verified
    # and a trusted foreign platform key verifies the certificate
    other_platform = sm2.PrivateKey.generate()
    foreign = signing.sign_document(
        DATA,
        key=seal_key,
        seal_certificate_der=make_cert(seal_key, platform_key=other_platform),
        signed_at=SIGNED_AT,
    )
    check = signing.verify_document(
        DATA, foreign, trusted_platform_keys=[other_platform.public_key]
    )
    assert check.ok and check.seal_certificate_verified


def test_signature_by_a_key_other_than_the_seals(seal_key, cert):
    intruder = sm2.PrivateKey.generate()
    with pytest.raises(DomainError) as exc:
        signing.sign_document(DATA, key=intruder, seal_certificate_der=cert)
    assert exc.value.code == "seal_key_mismatch"
    # build it by hand: TBS names the genuine seal, signed by another key
    tbs = asn1.sequence(
        asn1.integer(4),
        cert,
        ses._gtime(SIGNED_AT),
        asn1.octet_string(sm3.digest(DATA)),
        ses._ia5(""),
    )
    forged = asn1.sequence(
        tbs,
        asn1.octet_string(intruder.public_key.to_der()),
        asn1.oid(ses.OID_SM2_WITH_SM3),
        asn1.bit_string(intruder.sign(tbs)),
    )
    assert signing.verify_document(DATA, forged).reason == "seal_key_mismatch"
    assert (
        signing.verify_document(DATA, forged, public_key=intruder.public_key).reason
        == "seal_key_mismatch"
    )


def test_given_public_key_must_be_the_seals(signature):
    other = sm2.PrivateKey.generate().public_key
    assert signing.verify_document(DATA, signature, public_key=other).reason == "seal_key_mismatch"


def test_signing_outside_seal_validity(seal_key, cert):
    der = signing.sign_document(
        DATA,
        key=seal_key,
        seal_certificate_der=cert,
        signed_at=dt.datetime(2032, 1, 1, 0, 0, 0, tzinfo=dt.UTC),
    )
    assert signing.verify_document(DATA, der).reason == "seal_not_valid_at_signing_time"


@pytest.mark.parametrize("junk", [b"", b"\x30\x00", b"not der at all", b"\x30\x84\x00\x00\x00\x05"])
def test_malformed_signature_never_raises(junk):
    assert signing.verify_document(DATA, junk).reason == "malformed"


def test_truncated_or_extended_signature(signature):
    assert signing.verify_document(DATA, signature[:-1]).reason == "malformed"
    assert signing.verify_document(DATA, signature + b"\x00").reason == "malformed"


def test_other_algorithm_refused(signature):
    tampered = signature.replace(asn1.oid(ses.OID_SM2_WITH_SM3), asn1.oid("1.2.840.10045.4.3.2"))
    assert signing.verify_document(DATA, tampered).reason == "unsupported_algorithm"


def test_non_ascii_property_info(seal_key, cert):
    der = signing.sign_document(
        DATA, key=seal_key, seal_certificate_der=cert, property_info="发票", signed_at=SIGNED_AT
    )
    check = signing.verify_document(DATA, der)
    assert check.ok and check.property_info == "发票"
