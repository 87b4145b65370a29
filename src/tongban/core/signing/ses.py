"""Electronic seals and document signatures in DER, modelled on GB/T 38540-2020 (v4).

Seal certificate (``SESeal``), signed by the platform root key::

    SESeal ::= SEQUENCE {
        eSealInfo    SES_SealInfo,
        cert         OCTET STRING,       -- platform key SubjectPublicKeyInfo (DER)
        signAlgID    OBJECT IDENTIFIER,  -- 1.2.156.10197.1.501 (SM2 with SM3)
        signedValue  BIT STRING }        -- SM2 signature (DER r,s) over
                                         --   SEQUENCE { eSealInfo, cert, signAlgID }
    SES_SealInfo ::= SEQUENCE {
        header    SEQUENCE { ID IA5String "ES", version INTEGER 4, Vid IA5String },
        esID      IA5String,
        property  SEQUENCE {
            type          INTEGER,          -- 1 = 单位印章
            name          UTF8String,
            certListType  INTEGER,          -- 1 = certificates
            certList      SEQUENCE OF OCTET STRING,  -- the seal key's SubjectPublicKeyInfo
            createDate    GeneralizedTime,
            validStart    GeneralizedTime,
            validEnd      GeneralizedTime },
        picture   SEQUENCE { type IA5String "svg", data OCTET STRING,
                             width INTEGER, height INTEGER },   -- millimetres
        extDatas  SEQUENCE OF SEQUENCE { extnID OBJECT IDENTIFIER,
                                         critical BOOLEAN DEFAULT FALSE,
                                         extnValue OCTET STRING } }

Document signature (``SES_Signature``)::

    SES_Signature ::= SEQUENCE {
        toSign          TBS_Sign,
        cert            OCTET STRING,       -- the seal key's SubjectPublicKeyInfo (DER)
        signatureAlgID  OBJECT IDENTIFIER,  -- 1.2.156.10197.1.501
        signature       BIT STRING }        -- SM2 (signer ID 1234567812345678) over DER(toSign)
    TBS_Sign ::= SEQUENCE {
        version       INTEGER 4,
        eseal         SESeal,
        timeInfo      GeneralizedTime,
        dataHash      OCTET STRING,         -- SM3(data)
        propertyInfo  IA5String (UTF8String when not ASCII),
        extDatas      [0] EXPLICIT ExtensionDatas OPTIONAL }

Deviations from the standard, on purpose: the certificate lists carry SM2
SubjectPublicKeyInfo DER instead of X.509 certificates (the platform is its own CA: the seal
certificate is what binds a seal key to a department); ``dataHash`` is an OCTET STRING (the
standard's BIT STRING) so ``openssl asn1parse`` prints it in hex next to
``openssl dgst -sm3``; the department's full name travels in an extension
(``OID_EXT_ORG_UNIT_NAME``). Times are UTC GeneralizedTime with seconds (``YYYYMMDDHHMMSSZ``);
seal validity dates are whole days in Beijing time (valid_to inclusive).

Verification answers with stable reason codes (``Reason``) instead of exceptions.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from tongban.core.crypto import asn1, sm2, sm3
from tongban.core.exceptions import DomainError

# --- constants ------------------------------------------------------------------------------

VERSION = 4
HEADER_ID = "ES"
VID = "Tongban"
SEAL_TYPE_ORGANISATION = 1  # 单位印章
CERT_LIST_TYPE_CERTS = 1
PICTURE_TYPE_SVG = "svg"
PICTURE_SIZE_MM = 42  # a standard round official seal is 42 mm across
OID_SM2_WITH_SM3 = sm2.OID_SM2_SIGN_WITH_SM3  # 1.2.156.10197.1.501

# Private OIDs live under a UUID arc (ITU-T X.667 "2.25.<uuid>", no registration needed).
OID_ARC = "2.25.277731511414460039891572696881497366316"
OID_EXT_ORG_UNIT_NAME = f"{OID_ARC}.1"  # extnValue: UTF-8 full name of the department

BEIJING = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")

IA5_STRING = 0x16
UTF8_STRING = 0x0C
GENERALIZED_TIME = 0x18
BOOLEAN = 0x01
CONTEXT_0 = 0xA0


class Reason(StrEnum):
    """Why a seal certificate or a document signature does not verify (stable codes)."""

    MALFORMED = "malformed"  # not the DER structure described above
    UNSUPPORTED_ALGORITHM = "unsupported_algorithm"  # not SM2 with SM3
    DATA_HASH_MISMATCH = "data_hash_mismatch"  # the data is not what was signed
    UNKNOWN_PLATFORM_KEY = "unknown_platform_key"  # seal certificate by a key we don't know
    BAD_SEAL_CERTIFICATE = "bad_seal_certificate"  # platform signature on the seal fails
    SEAL_KEY_MISMATCH = "seal_key_mismatch"  # signing key is not the seal's key
    SEAL_NOT_VALID_AT_SIGNING_TIME = "seal_not_valid_at_signing_time"
    BAD_SIGNATURE = "bad_signature"  # the SM2 signature over TBS_Sign fails


class SigningError(StrEnum):
    """DomainError codes raised while building structures (caller mistakes)."""

    SEAL_KEY_MISMATCH = "seal_key_mismatch"
    INVALID_SEAL_CERTIFICATE = "invalid_seal_certificate"


# --- DER helpers ------------------------------------------------------------------------------


def _ia5(text: str) -> bytes:
    return asn1.tlv(IA5_STRING, text.encode("ascii"))


def _utf8(text: str) -> bytes:
    return asn1.tlv(UTF8_STRING, text.encode("utf-8"))


def _text(text: str) -> bytes:
    """IA5String when ASCII, else UTF8String."""
    return _ia5(text) if text.isascii() else _utf8(text)


def _gtime(moment: dt.datetime) -> bytes:
    if moment.tzinfo is None:
        raise ValueError("aware datetimes only")
    utc = moment.astimezone(dt.UTC).replace(microsecond=0)
    return asn1.tlv(GENERALIZED_TIME, utc.strftime("%Y%m%d%H%M%SZ").encode("ascii"))


_GTIME_RE = re.compile(rb"^\d{14}Z$")


def _decode_gtime(value: bytes) -> dt.datetime:
    if not _GTIME_RE.match(value):
        raise ValueError("GeneralizedTime must be YYYYMMDDHHMMSSZ")
    return dt.datetime.strptime(value.decode("ascii"), "%Y%m%d%H%M%SZ").replace(tzinfo=dt.UTC)


def _decode_ia5(value: bytes) -> str:
    if not value.isascii():
        raise ValueError("IA5String with non-ASCII bytes")
    return value.decode("ascii")


def _decode_text(tag: int, value: bytes) -> str:
    if tag == IA5_STRING:
        return _decode_ia5(value)
    if tag == UTF8_STRING:
        return value.decode("utf-8")  # UnicodeDecodeError is a ValueError
    raise ValueError("expected IA5String or UTF8String")


def _start_of(day) -> dt.datetime:
    if isinstance(day, dt.datetime):
        return day if day.tzinfo else day.replace(tzinfo=BEIJING)
    return dt.datetime.combine(day, dt.time(0, 0, 0), tzinfo=BEIJING)


def _end_of(day) -> dt.datetime:
    if isinstance(day, dt.datetime):
        return day if day.tzinfo else day.replace(tzinfo=BEIJING)
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=BEIJING)


class _Reader:
    """Sequential reader over the children of a constructed DER value."""

    def __init__(self, value: bytes):
        self.items = asn1.children(value)
        self.index = 0

    def peek_tag(self) -> int | None:
        return self.items[self.index][0] if self.index < len(self.items) else None

    def take(self, tag: int) -> bytes:
        if self.index >= len(self.items) or self.items[self.index][0] != tag:
            raise ValueError(f"expected tag 0x{tag:02x}")
        value = self.items[self.index][1]
        self.index += 1
        return value

    def take_text(self) -> str:
        if self.index >= len(self.items):
            raise ValueError("missing string")
        tag, value = self.items[self.index]
        self.index += 1
        return _decode_text(tag, value)

    def done(self) -> None:
        if self.index != len(self.items):
            raise ValueError("unexpected trailing elements")


def _encode_extensions(extensions: Iterable[tuple[str, bytes]]) -> bytes:
    return asn1.sequence(
        *(asn1.sequence(asn1.oid(oid), asn1.octet_string(value)) for oid, value in extensions)
    )


def _decode_extensions(value: bytes) -> dict[str, bytes]:
    result: dict[str, bytes] = {}
    for tag, item in asn1.children(value):
        if tag != asn1.SEQUENCE:
            raise ValueError("bad ExtData")
        reader = _Reader(item)
        oid = asn1.decode_oid(reader.take(asn1.OID))
        if reader.peek_tag() == BOOLEAN:
            flag = reader.take(BOOLEAN)
            if flag not in (b"\x00", b"\xff"):
                raise ValueError("bad BOOLEAN")
        extn_value = reader.take(asn1.OCTET_STRING)
        reader.done()
        if oid in result:
            raise ValueError("duplicate extension")
        result[oid] = extn_value
    return result


_key_lock = threading.Lock()
_spki_cache: dict[bytes, sm2.PublicKey] = {}


def _public_key_from_spki(der: bytes) -> sm2.PublicKey:
    """Parsed SM2 key for SPKI DER, cached so its Z value is computed once per process."""
    key = _spki_cache.get(der)
    if key is None:
        key = sm2.PublicKey.from_der(der)  # DomainError("invalid_key") when malformed
        with _key_lock:
            if len(_spki_cache) > 4096:
                _spki_cache.clear()
            _spki_cache[der] = key
    return key


# --- seal certificate -------------------------------------------------------------------------


@dataclass(frozen=True)
class SealCertificateInfo:
    esid: str
    name: str
    org_unit_name: str
    seal_type: int
    public_key: sm2.PublicKey
    created_at: dt.datetime
    valid_start: dt.datetime  # aware, UTC
    valid_end: dt.datetime
    picture_type: str
    picture: bytes
    picture_width: int
    picture_height: int
    platform_key_der: bytes  # SubjectPublicKeyInfo of the platform key that signed it
    signed_bytes: bytes  # DER SEQUENCE {eSealInfo, cert, signAlgID}: what the platform signed
    signature: bytes  # DER SM2 signature
    vid: str = VID
    extensions: dict = field(default_factory=dict)
    der: bytes = b""

    @property
    def platform_fingerprint(self) -> str:
        return sm3.hexdigest(self.platform_key_der)

    @property
    def fingerprint(self) -> str:
        """Fingerprint of the seal's public key (SM3 of its SubjectPublicKeyInfo)."""
        return self.public_key.fingerprint()

    @property
    def valid_from_date(self) -> dt.date:
        return self.valid_start.astimezone(BEIJING).date()

    @property
    def valid_to_date(self) -> dt.date:
        return self.valid_end.astimezone(BEIJING).date()

    def valid_at(self, moment: dt.datetime) -> bool:
        return self.valid_start <= moment <= self.valid_end


def build_seal_certificate(
    *,
    esid: str,
    name: str,
    org_unit_name: str,
    public_key: sm2.PublicKey,
    valid_from,
    valid_to,
    picture: bytes,
    platform_key: sm2.PrivateKey,
    created_at: dt.datetime | None = None,
    picture_type: str = PICTURE_TYPE_SVG,
    picture_size_mm: tuple[int, int] = (PICTURE_SIZE_MM, PICTURE_SIZE_MM),
) -> bytes:
    """The seal certificate (``SESeal``-like DER) for ``public_key``, signed by ``platform_key``.

    ``valid_from``/``valid_to`` are dates (whole days, Beijing time, inclusive) or aware
    datetimes. ``esid`` must be ASCII.
    """
    if not esid or not esid.isascii():
        raise ValueError("esid must be a non-empty ASCII string")
    created = created_at or dt.datetime.now(dt.UTC)
    start, end = _start_of(valid_from), _end_of(valid_to)
    if end < start:
        raise ValueError("valid_to is before valid_from")
    header = asn1.sequence(_ia5(HEADER_ID), asn1.integer(VERSION), _ia5(VID))
    prop = asn1.sequence(
        asn1.integer(SEAL_TYPE_ORGANISATION),
        _utf8(name),
        asn1.integer(CERT_LIST_TYPE_CERTS),
        asn1.sequence(asn1.octet_string(public_key.to_der())),
        _gtime(created),
        _gtime(start),
        _gtime(end),
    )
    width, height = picture_size_mm
    pict = asn1.sequence(
        _ia5(picture_type), asn1.octet_string(picture), asn1.integer(width), asn1.integer(height)
    )
    extensions = _encode_extensions([(OID_EXT_ORG_UNIT_NAME, org_unit_name.encode("utf-8"))])
    seal_info = asn1.sequence(header, _ia5(esid), prop, pict, extensions)
    cert = asn1.octet_string(platform_key.public_key.to_der())
    alg = asn1.oid(OID_SM2_WITH_SM3)
    to_sign = asn1.sequence(seal_info, cert, alg)
    signature = platform_key.sign(to_sign)
    return asn1.sequence(seal_info, cert, alg, asn1.bit_string(signature))


def parse_seal_certificate(der: bytes) -> SealCertificateInfo:
    """Decode a seal certificate (no signature check); ``ValueError`` when malformed."""
    try:
        return _parse_seal_certificate(bytes(der))
    except DomainError as exc:  # an invalid embedded key
        raise ValueError(f"bad key in seal certificate: {exc.code}") from exc
    except (IndexError, UnicodeDecodeError) as exc:
        raise ValueError("malformed seal certificate") from exc


def _parse_seal_certificate(der: bytes) -> SealCertificateInfo:
    outer = _Reader(asn1.read_all(der, asn1.SEQUENCE))
    seal_info_value = outer.take(asn1.SEQUENCE)
    platform_key_der = outer.take(asn1.OCTET_STRING)
    alg = asn1.decode_oid(outer.take(asn1.OID))
    signature = asn1.decode_bit_string(outer.take(asn1.BIT_STRING))
    outer.done()
    if alg != OID_SM2_WITH_SM3:
        raise ValueError("unsupported signature algorithm")

    info = _Reader(seal_info_value)
    header = _Reader(info.take(asn1.SEQUENCE))
    if _decode_ia5(header.take(IA5_STRING)) != HEADER_ID:
        raise ValueError("header ID is not ES")
    if asn1.decode_integer(header.take(asn1.INTEGER)) != VERSION:
        raise ValueError("unsupported seal version")
    vid = _decode_ia5(header.take(IA5_STRING))
    header.done()
    esid = _decode_ia5(info.take(IA5_STRING))

    prop = _Reader(info.take(asn1.SEQUENCE))
    seal_type = asn1.decode_integer(prop.take(asn1.INTEGER))
    name = prop.take_text()
    if asn1.decode_integer(prop.take(asn1.INTEGER)) != CERT_LIST_TYPE_CERTS:
        raise ValueError("unsupported certListType")
    cert_list = _Reader(prop.take(asn1.SEQUENCE))
    seal_key_der = cert_list.take(asn1.OCTET_STRING)
    cert_list.done()
    created = _decode_gtime(prop.take(GENERALIZED_TIME))
    start = _decode_gtime(prop.take(GENERALIZED_TIME))
    end = _decode_gtime(prop.take(GENERALIZED_TIME))
    prop.done()

    pict = _Reader(info.take(asn1.SEQUENCE))
    picture_type = _decode_ia5(pict.take(IA5_STRING))
    picture = pict.take(asn1.OCTET_STRING)
    width = asn1.decode_integer(pict.take(asn1.INTEGER))
    height = asn1.decode_integer(pict.take(asn1.INTEGER))
    pict.done()

    extensions = _decode_extensions(info.take(asn1.SEQUENCE)) if info.peek_tag() else {}
    info.done()

    org_unit_name = extensions.get(OID_EXT_ORG_UNIT_NAME, b"").decode("utf-8")
    return SealCertificateInfo(
        esid=esid,
        name=name,
        org_unit_name=org_unit_name,
        seal_type=seal_type,
        public_key=_public_key_from_spki(seal_key_der),
        created_at=created,
        valid_start=start,
        valid_end=end,
        picture_type=picture_type,
        picture=picture,
        picture_width=width,
        picture_height=height,
        platform_key_der=platform_key_der,
        signed_bytes=asn1.sequence(
            asn1.tlv(asn1.SEQUENCE, seal_info_value),
            asn1.octet_string(platform_key_der),
            asn1.oid(alg),
        ),
        signature=signature,
        vid=vid,
        extensions=extensions,
        der=der,
    )


def _platform_public_key(
    fingerprint: str, trusted: Iterable[sm2.PublicKey] | None
) -> tuple[sm2.PublicKey | None, bool]:
    """(key, known_locally) for a platform key fingerprint; (None, False) when unknown."""
    for key in trusted or ():
        if key.fingerprint() == fingerprint:
            return key, False
    from tongban.core.crypto import keys  # imports Django models: keep it lazy

    try:
        return keys.public_key_for(fingerprint), True
    except DomainError:
        return None, False


_cert_lock = threading.Lock()
_verified_certs: dict[bytes, SealCertificateInfo] = {}  # DER -> info, platform key known here


def check_seal_certificate(
    der: bytes, *, trusted_platform_keys: Iterable[sm2.PublicKey] | None = None
) -> tuple[Reason | None, SealCertificateInfo | None]:
    """(None, info) when the seal certificate is well-formed and signed by a platform key
    known here (active or retired) or listed in ``trusted_platform_keys``; else
    (reason, info-or-None)."""
    der = bytes(der)
    cached = _verified_certs.get(der)
    if cached is not None:
        return None, cached
    try:
        info = parse_seal_certificate(der)
    except ValueError:
        return Reason.MALFORMED, None
    platform_key, local = _platform_public_key(info.platform_fingerprint, trusted_platform_keys)
    if platform_key is None:
        return Reason.UNKNOWN_PLATFORM_KEY, info
    if not platform_key.verify(info.signed_bytes, info.signature):
        return Reason.BAD_SEAL_CERTIFICATE, info
    if local:  # a retired platform key stays valid for verification, so this never goes stale
        with _cert_lock:
            if len(_verified_certs) > 1024:
                _verified_certs.clear()
            _verified_certs[der] = info
    return None, info


def verify_seal_certificate(
    der: bytes, *, trusted_platform_keys: Iterable[sm2.PublicKey] | None = None
) -> bool:
    """True when the seal certificate's platform signature verifies (see check_seal_certificate)."""
    reason, _info = check_seal_certificate(der, trusted_platform_keys=trusted_platform_keys)
    return reason is None


# --- document signatures ----------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedSignature:
    tbs: bytes  # DER of TBS_Sign exactly as signed
    version: int
    seal_certificate_der: bytes
    signed_at: dt.datetime
    data_hash: bytes
    property_info: str
    extensions: dict
    signer_key_der: bytes  # the ``cert`` field: seal key SubjectPublicKeyInfo
    signature: bytes  # DER SM2 signature (r, s)


@dataclass(frozen=True)
class SignatureCheck:
    ok: bool
    reason: str  # "" when ok, else a Reason code
    signed_at: dt.datetime | None = None
    esid: str = ""
    public_key: sm2.PublicKey | None = None
    seal_name: str = ""
    org_unit_name: str = ""
    property_info: str = ""
    platform_fingerprint: str = ""
    seal_certificate_verified: bool = False  # platform signature on the seal checked and good

    def __bool__(self) -> bool:
        return self.ok


def sign_document(
    data: bytes,
    *,
    key: sm2.PrivateKey,
    seal_certificate_der: bytes,
    property_info: str = "",
    signed_at: dt.datetime | None = None,
    extensions: Iterable[tuple[str, bytes]] = (),
) -> bytes:
    """Sign ``data`` with the seal ``key``; returns ``SES_Signature``-like DER.

    The seal certificate must name ``key``'s public key (``DomainError("seal_key_mismatch")``
    otherwise; ``invalid_seal_certificate`` when it does not parse).
    """
    seal_certificate_der = bytes(seal_certificate_der)
    try:
        info = parse_seal_certificate(seal_certificate_der)
    except ValueError as exc:
        raise DomainError(SigningError.INVALID_SEAL_CERTIFICATE, "印章证书格式错误。") from exc
    if info.public_key != key.public_key:
        raise DomainError(SigningError.SEAL_KEY_MISMATCH, "签名私钥与印章证书中的公钥不一致。")
    moment = signed_at or dt.datetime.now(dt.UTC)
    parts = [
        asn1.integer(VERSION),
        seal_certificate_der,
        _gtime(moment),
        asn1.octet_string(sm3.digest(bytes(data))),
        _text(property_info),
    ]
    extensions = list(extensions)
    if extensions:
        parts.append(asn1.explicit(0, _encode_extensions(extensions)))
    tbs = asn1.sequence(*parts)
    signature = key.sign(tbs)
    return asn1.sequence(
        tbs,
        asn1.octet_string(key.public_key.to_der()),
        asn1.oid(OID_SM2_WITH_SM3),
        asn1.bit_string(signature),
    )


def parse_signature(signature_der: bytes) -> ParsedSignature:
    """Decode an ``SES_Signature``-like DER (no checks); ``ValueError`` when malformed."""
    try:
        return _parse_signature(bytes(signature_der))
    except (IndexError, UnicodeDecodeError) as exc:
        raise ValueError("malformed signature") from exc


def _parse_signature(der: bytes) -> ParsedSignature:
    # Keep the exact TBS bytes: re-read the first TLV of the outer SEQUENCE with its header.
    outer_value = asn1.read_all(der, asn1.SEQUENCE)
    tag, tbs_value, tbs_end = asn1.read_tlv(outer_value, 0)
    if tag != asn1.SEQUENCE:
        raise ValueError("expected TBS_Sign")
    tbs = outer_value[:tbs_end]
    outer = _Reader(outer_value)
    outer.take(asn1.SEQUENCE)
    signer_key_der = outer.take(asn1.OCTET_STRING)
    alg = asn1.decode_oid(outer.take(asn1.OID))
    signature = asn1.decode_bit_string(outer.take(asn1.BIT_STRING))
    outer.done()
    if alg != OID_SM2_WITH_SM3:
        raise ValueError("unsupported signature algorithm")

    # eseal is a whole TLV inside TBS: find its bytes with their header.
    _t, version_value, offset = asn1.read_tlv(tbs_value, 0)
    if _t != asn1.INTEGER:
        raise ValueError("expected version")
    version = asn1.decode_integer(version_value)
    if version != VERSION:
        raise ValueError("unsupported signature version")
    seal_tag, _seal_value, seal_end = asn1.read_tlv(tbs_value, offset)
    if seal_tag != asn1.SEQUENCE:
        raise ValueError("expected eseal")
    seal_der = tbs_value[offset:seal_end]
    rest = _Reader(tbs_value[seal_end:])
    signed_at = _decode_gtime(rest.take(GENERALIZED_TIME))
    data_hash = rest.take(asn1.OCTET_STRING)
    if len(data_hash) != sm3.DIGEST_SIZE:
        raise ValueError("dataHash is not an SM3 digest")
    property_info = rest.take_text()
    extensions = {}
    if rest.peek_tag() == CONTEXT_0:
        extensions = _decode_extensions(asn1.read_all(rest.take(CONTEXT_0), asn1.SEQUENCE))
    rest.done()
    return ParsedSignature(
        tbs=tbs,
        version=version,
        seal_certificate_der=seal_der,
        signed_at=signed_at,
        data_hash=data_hash,
        property_info=property_info,
        extensions=extensions,
        signer_key_der=signer_key_der,
        signature=signature,
    )


def verify_document(
    data: bytes,
    signature_der: bytes,
    *,
    public_key: sm2.PublicKey | None = None,
    trusted_platform_keys: Iterable[sm2.PublicKey] | None = None,
) -> SignatureCheck:
    """Check a document signature; never raises for bad input.

    Order of checks (the first failure is the reason): structure (``malformed``,
    ``unsupported_algorithm``) → ``data_hash_mismatch`` → seal certificate
    (``unknown_platform_key``, ``bad_seal_certificate``) → the signing key is the seal's
    key (``seal_key_mismatch``) → the signing time is within the seal's validity
    (``seal_not_valid_at_signing_time``) → the SM2 signature over TBS_Sign (``bad_signature``).

    Without ``public_key`` the seal key comes from the embedded seal certificate, which must
    be signed by a platform key known here (active or retired) or one of
    ``trusted_platform_keys``. With ``public_key`` (a key the caller already trusts: the
    ``SealKey`` row, a trust-list entry) the seal must name that key; its platform signature is
    still checked when the platform key is known, and an unknown platform key is then accepted
    (``seal_certificate_verified`` False).
    """
    try:
        parsed = parse_signature(signature_der)
    except ValueError as exc:
        reason = Reason.UNSUPPORTED_ALGORITHM if "algorithm" in str(exc) else Reason.MALFORMED
        return SignatureCheck(False, reason)
    if sm3.digest(bytes(data)) != parsed.data_hash:
        return SignatureCheck(False, Reason.DATA_HASH_MISMATCH, parsed.signed_at)

    reason, info = check_seal_certificate(
        parsed.seal_certificate_der, trusted_platform_keys=trusted_platform_keys
    )
    base = {"signed_at": parsed.signed_at, "property_info": parsed.property_info}
    if info is not None:
        base.update(
            esid=info.esid,
            seal_name=info.name,
            org_unit_name=info.org_unit_name,
            platform_fingerprint=info.platform_fingerprint,
        )
    certificate_verified = reason is None
    if reason == Reason.UNKNOWN_PLATFORM_KEY and public_key is not None:
        reason = None  # the caller vouches for the seal key
    if reason is not None:
        return SignatureCheck(False, reason, **base)

    try:
        signer_key = _public_key_from_spki(parsed.signer_key_der)
    except DomainError:
        return SignatureCheck(False, Reason.MALFORMED, **base)
    if signer_key != info.public_key or (public_key is not None and public_key != signer_key):
        return SignatureCheck(False, Reason.SEAL_KEY_MISMATCH, **base)
    if not info.valid_at(parsed.signed_at):
        return SignatureCheck(False, Reason.SEAL_NOT_VALID_AT_SIGNING_TIME, **base)
    if not signer_key.verify(parsed.tbs, parsed.signature):
        return SignatureCheck(False, Reason.BAD_SIGNATURE, **base)
    return SignatureCheck(
        True,
        "",
        public_key=signer_key,
        seal_certificate_verified=certificate_verified,
        **base,
    )
