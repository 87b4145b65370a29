"""The compact signed payload carried by a licence's QR code (offline verification).

Format ``TB1`` — chosen so that any SM2 verifier can check it with a few lines of code::

    payload  = base64url_without_padding( message ‖ signature )
    message  = UTF-8 of "TB1|<identifier>|<type code>|<masked holder>|<valid to>|<issued on>|<key>"
    signature = 64 bytes r‖s (big-endian, 32 bytes each) of an SM2-with-SM3 signature over
                ``message`` with the default signer ID 1234567812345678, made by the seal key
                that signed the licence
    dates    = YYYYMMDD; "-" for a licence without an end of validity
    key      = the first 16 hex characters of the seal key's SM3 fingerprint (SM3 of the DER
               SubjectPublicKeyInfo), to pick the public key from a trust list

The signature is the last 64 bytes; everything before it is the message. The holder is
already masked (``tongban.core.masking``): the QR code carries no personal data in clear.
A typical payload is about 300 characters, so the QR URL stays under ~400 characters.

Decoding never touches the database; resolving the key and checking the licence's current
status is the job of ``tongban.licences.services.verification``.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from tongban.core.crypto import asn1, sm2
from tongban.core.exceptions import DomainError
from tongban.licences.errors_verification import VerificationError

FORMAT = "TB1"
SEPARATOR = "|"
SIGNATURE_SIZE = 64
FINGERPRINT_PREFIX_LENGTH = 16
NO_END = "-"


@dataclass(frozen=True)
class OfflinePayload:
    identifier: str
    type_code: str
    masked_holder: str
    valid_to: dt.date | None
    issued_on: dt.date
    key_prefix: str  # first 16 hex chars of the signing key's SM3 fingerprint
    message: bytes  # the signed bytes
    signature_der: bytes  # DER SEQUENCE{r, s}, as sm2.PublicKey.verify expects

    def verify_with(self, public_key: sm2.PublicKey) -> bool:
        """True when the signature is valid under ``public_key`` (and the key matches the
        fingerprint prefix the payload names)."""
        if not public_key.fingerprint().startswith(self.key_prefix):
            return False
        return public_key.verify(self.message, self.signature_der)


def _date(value: dt.date | None) -> str:
    return value.strftime("%Y%m%d") if value else NO_END


def _clean(text: str) -> str:
    return str(text or "").replace(SEPARATOR, " ").strip()


def build_message(
    *,
    identifier: str,
    type_code: str,
    masked_holder: str,
    valid_to: dt.date | None,
    issued_on: dt.date,
    key_fingerprint: str,
) -> bytes:
    parts = [
        FORMAT,
        _clean(identifier),
        _clean(type_code),
        _clean(masked_holder),
        _date(valid_to),
        _date(issued_on),
        key_fingerprint[:FINGERPRINT_PREFIX_LENGTH].lower(),
    ]
    return SEPARATOR.join(parts).encode("utf-8")


def der_to_raw(signature_der: bytes) -> bytes:
    r_value, s_value = (
        asn1.decode_integer(v) for _tag, v in asn1.children(asn1.read_all(signature_der, 0x30))
    )
    return r_value.to_bytes(32, "big") + s_value.to_bytes(32, "big")


def raw_to_der(raw: bytes) -> bytes:
    r_value = int.from_bytes(raw[:32], "big")
    s_value = int.from_bytes(raw[32:64], "big")
    return asn1.sequence(asn1.integer(r_value), asn1.integer(s_value))


def sign_payload(
    *,
    key: sm2.PrivateKey,
    identifier: str,
    type_code: str,
    masked_holder: str,
    valid_to: dt.date | None,
    issued_on: dt.date,
) -> str:
    """The base64url payload signed by ``key`` (a seal key, or another platform's key)."""
    message = build_message(
        identifier=identifier,
        type_code=type_code,
        masked_holder=masked_holder,
        valid_to=valid_to,
        issued_on=issued_on,
        key_fingerprint=key.public_key.fingerprint(),
    )
    raw = der_to_raw(key.sign(message))
    return base64.urlsafe_b64encode(message + raw).rstrip(b"=").decode("ascii")


def _invalid(message) -> DomainError:
    return DomainError(VerificationError.INVALID_PAYLOAD, message, "payload")


def _parse_date(text: str, *, optional: bool) -> dt.date | None:
    if optional and text == NO_END:
        return None
    try:
        return dt.datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        raise _invalid(_("二维码内容中的日期格式不正确。")) from None


def decode_payload(payload: str) -> OfflinePayload:
    """Parse a payload; ``DomainError("invalid_payload")`` when it is not one of ours."""
    text = "".join(str(payload or "").split())
    if not text or len(text) > 2000:
        raise _invalid(_("二维码内容为空或过长。"))
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise _invalid(_("二维码内容不是有效的电子证照核验码。")) from None
    if len(raw) <= SIGNATURE_SIZE:
        raise _invalid(_("二维码内容不完整。"))
    message, signature = raw[:-SIGNATURE_SIZE], raw[-SIGNATURE_SIZE:]
    try:
        parts = message.decode("utf-8").split(SEPARATOR)
    except UnicodeDecodeError:
        raise _invalid(_("二维码内容不是有效的电子证照核验码。")) from None
    if len(parts) != 7 or parts[0] != FORMAT:
        raise _invalid(_("二维码内容不是有效的电子证照核验码（格式版本不符）。"))
    _fmt, identifier, type_code, holder, valid_to, issued_on, key_prefix = parts
    if len(key_prefix) != FINGERPRINT_PREFIX_LENGTH or not all(
        c in "0123456789abcdef" for c in key_prefix
    ):
        raise _invalid(_("二维码内容中的密钥指纹格式不正确。"))
    try:
        signature_der = raw_to_der(signature)
    except ValueError:
        raise _invalid(_("二维码内容中的签名格式不正确。")) from None
    return OfflinePayload(
        identifier=identifier,
        type_code=type_code,
        masked_holder=holder,
        valid_to=_parse_date(valid_to, optional=True),
        issued_on=_parse_date(issued_on, optional=False),
        key_prefix=key_prefix,
        message=message,
        signature_der=signature_der,
    )
