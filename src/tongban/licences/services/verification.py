"""Verifying licences (核验): by identifier, by record, and by the offline QR payload.

``verify_licence(licence)`` answers "is this licence genuine and in force right now?":

1. the SES_Signature over ``signed_data`` is checked with the public key of the seal key
   that signed it (``core.signing.verify_document``) — tampered data or signature →
   status ``invalid`` with the reason;
2. the signed data must describe this record (identifier, holder code, validity) —
   a record edited behind the signature's back → ``invalid`` / ``data_mismatch``;
3. the seal: a seal **revoked** (注销, e.g. its key was compromised) voids every licence it
   signed, whenever they were signed → ``invalid`` / ``seal_revoked``. A **suspended** seal
   or a seal past its end date does not: what matters is that the seal was valid on the day
   it signed (``seal_not_valid_at_signing`` otherwise); rotated (retired) keys stay valid;
4. the licence's own status: ``valid`` / ``expired`` (also when ``valid_to`` has passed
   before the daily task ran) / ``revoked`` / ``suspended`` / ``superseded`` (with the newer
   identifier).

Results carry only masked holder data (``tongban.core.masking``): they are shown to anyone
who scans a QR code.

Offline payloads (``tongban.licences.offline``) are verified against the keys this platform
knows (our seal keys and the trust list, ``services.trust``) or keys given explicitly; with
``lookup_status`` the current status is then looked up here (the public QR page), without it
nothing but the payload is used (the ``tongban licence verify-qr`` command).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.core import masking
from tongban.core.codes import validate
from tongban.core.crypto import sm2
from tongban.core.exceptions import DomainError, NotFound
from tongban.licences import offline
from tongban.licences.errors_verification import VerificationError as E
from tongban.licences.models import HolderType, Licence, LicenceUsage, Seal
from tongban.licences.services import trust

# Result statuses: the licence statuses plus two verdicts about the signature itself.
VALID = Licence.Status.VALID.value
EXPIRED = Licence.Status.EXPIRED.value
REVOKED = Licence.Status.REVOKED.value
SUSPENDED = Licence.Status.SUSPENDED.value
SUPERSEDED = Licence.Status.SUPERSEDED.value
INVALID = "invalid"  # signature/data check failed
UNKNOWN_ISSUER = "unknown_issuer"  # signed by a key nobody vouches for

STATUS_LABELS = {
    VALID: _("有效"),
    EXPIRED: _("已过期"),
    REVOKED: _("已撤销"),
    SUSPENDED: _("已暂停"),
    SUPERSEDED: _("已被新版本替代"),
    INVALID: _("无效"),
    UNKNOWN_ISSUER: _("签发机构不可信"),
}

PUBLIC_VERIFIER = "公众核验"


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


@dataclass
class VerificationResult:
    status: str
    valid: bool
    reason: str  # "" when valid; an error code of errors_verification otherwise
    issuer_name: str
    type_name: str
    masked_holder: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    signature_ok: bool
    message: str = ""  # one sentence in Chinese explaining the verdict
    detail: str = ""  # precise signature check failure (core.signing.Reason)
    identifier: str = ""
    type_code: str = ""
    issuer_code: str = ""
    issued_on: dt.date | None = None
    superseded_by: str = ""  # the newer version's identifier
    status_reason: str = ""  # reason given for revocation/suspension
    signed_at: dt.datetime | None = None
    seal_name: str = ""
    online: bool = True  # False: offline verification, current status not looked up
    licence: Licence | None = field(default=None, repr=False, compare=False)

    @property
    def status_label(self) -> str:
        return status_label(self.status)

    def as_dict(self) -> dict:
        return {
            "identifier": self.identifier,
            "status": self.status,
            "status_label": self.status_label,
            "valid": self.valid,
            "reason": self.reason,
            "message": self.message,
            "detail": self.detail,
            "signature_ok": self.signature_ok,
            "issuer_name": self.issuer_name,
            "issuer_code": self.issuer_code,
            "type_name": self.type_name,
            "type_code": self.type_code,
            "masked_holder": self.masked_holder,
            "issued_on": self.issued_on.isoformat() if self.issued_on else None,
            "valid_from": self.valid_from.isoformat() if self.valid_from else None,
            "valid_to": self.valid_to.isoformat() if self.valid_to else None,
            "superseded_by": self.superseded_by,
            "status_reason": self.status_reason,
            "signed_at": self.signed_at.isoformat() if self.signed_at else None,
            "seal_name": self.seal_name,
            "online": self.online,
        }


# --- masking ------------------------------------------------------------------------------
def _mask_org_name(name: str) -> str:
    """Organisation names keep their first 3 and last 2 characters (``广州市****公司``):
    enough to recognise a company, while the name of a sole trader (个体工商户), which often
    contains a person's name, is not shown in full."""
    name = (name or "").strip()
    if len(name) <= 5:
        return masking.mask_name(name)
    return name[:3] + "*" * (len(name) - 5) + name[-2:]


def masked_holder_name(licence) -> str:
    if licence.holder_type == HolderType.NATURAL:
        return masking.mask_name(licence.holder_name)
    return _mask_org_name(licence.holder_name)


def masked_holder(licence) -> str:
    """``张*（440***********1235）`` — the only holder data verification ever shows."""
    name = masked_holder_name(licence)
    code = masking.mask_id_number(licence.holder_code)
    return f"{name}（{code}）" if code else name


# --- signed data --------------------------------------------------------------------------
def _signed_document(data: bytes) -> dict:
    try:
        doc = json.loads(bytes(data).decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return {}
    return doc if isinstance(doc, dict) else {}


_ALIASES = {
    "identifier": ("identifier", "证照标识"),
    "holder_name": ("holder_name", "持证主体"),
    "holder_code": ("holder_code", "持证主体代码"),
    "valid_to": ("valid_to", "有效期截止"),
    "valid_from": ("valid_from", "有效期起始"),
    "type_name": ("type_name", "证照类型名称"),
}
NO_EXPIRY_TEXTS = ("", "长期")


def _lookup(doc: dict, name: str):
    """Find a metadata value in the signed document, at the top level or under a
    ``metadata``/``meta`` object; ``(found, value)``."""
    scopes = [doc] + [doc[k] for k in ("metadata", "meta") if isinstance(doc.get(k), dict)]
    for scope in scopes:
        for alias in _ALIASES[name]:
            if alias in scope:
                return True, scope[alias]
    return False, None


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _data_matches(licence) -> bool:
    """The signed bytes describe this record: identifier, holder, validity and the fields
    shown to users are those that were signed."""
    doc = _signed_document(licence.signed_data)
    if not doc:
        return False
    found, identifier = _lookup(doc, "identifier")
    if not found or identifier != licence.identifier:
        return False
    for name in ("holder_name", "holder_code", "valid_from", "valid_to"):
        found, value = _lookup(doc, name)
        if not found:
            continue
        signed, stored = _text(value), _text(getattr(licence, name))
        if name == "valid_to" and signed in NO_EXPIRY_TEXTS and stored == "":
            continue
        if signed != stored:
            return False
    if isinstance(doc.get("fields"), dict) and doc["fields"] != (licence.fields or {}):
        return False
    return True


def _signing():
    from tongban.core import signing

    return signing


def check_signature(licence):
    """``(ok, reason, signed_at, detail)`` for the licence's signature under its seal key;
    ``detail`` is the precise ``core.signing.Reason`` of a failed signature check."""
    seal_key = licence.seal_key
    public_key = sm2.PublicKey.from_pem(seal_key.public_pem)
    check = _signing().verify_document(
        bytes(licence.signed_data), bytes(licence.signature_der), public_key=public_key
    )
    if not check.ok:
        if check.reason == "seal_not_valid_at_signing_time":
            return False, E.SEAL_NOT_VALID_AT_SIGNING, check.signed_at, str(check.reason)
        return False, E.SIGNATURE_INVALID, check.signed_at, str(check.reason)
    if not _data_matches(licence):
        return False, E.DATA_MISMATCH, check.signed_at, ""
    return True, "", check.signed_at, ""


def _seal_problem(seal: Seal, signed_at) -> str:
    if seal.status == Seal.Status.REVOKED:
        return E.SEAL_REVOKED
    if signed_at is not None:
        day = timezone.localdate(signed_at) if timezone.is_aware(signed_at) else signed_at.date()
        if not seal.valid_from <= day <= seal.valid_to:
            return E.SEAL_NOT_VALID_AT_SIGNING
    return ""


REASON_MESSAGES = {
    E.SIGNATURE_INVALID: _("签名验证失败：证照数据或签名已被篡改。"),
    E.DATA_MISMATCH: _("签名数据与证照记录不一致：证照记录已被篡改。"),
    E.SEAL_REVOKED: _("签发该证照的电子印章已注销，证照不再有效。"),
    E.SEAL_NOT_VALID_AT_SIGNING: _("签章时电子印章不在有效期内。"),
    E.UNKNOWN_ISSUER: _("签发机构的公钥不在本平台的信任列表中，无法确认证照真伪。"),
    E.ISSUER_MISMATCH: _("签名密钥不属于证照标识中的签发机构。"),
    E.LICENCE_NOT_FOUND: _("未找到该证照。"),
}

STATUS_MESSAGES = {
    VALID: _("证照真实有效。"),
    EXPIRED: _("证照真实，但已超过有效期。"),
    REVOKED: _("证照已被签发机构撤销。"),
    SUSPENDED: _("证照已被签发机构暂停使用。"),
    SUPERSEDED: _("证照已被新版本替代，请核验新版本。"),
}


def effective_status(licence, today: dt.date | None = None) -> str:
    today = today or timezone.localdate()
    if licence.status == VALID and licence.valid_to and licence.valid_to < today:
        return EXPIRED
    return licence.status


def _newer_identifier(licence) -> str:
    newer = Licence.objects.filter(supersedes_id=licence.pk).values_list("identifier", flat=True)
    return newer.first() or ""


def verify_licence(licence, *, today: dt.date | None = None) -> VerificationResult:
    """Verify a licence record (signature, signed data, seal, status). Reads only."""
    seal = licence.seal_key.seal
    signature_ok, reason, signed_at, detail = check_signature(licence)
    if signature_ok:
        reason = _seal_problem(seal, signed_at)
    if reason:
        status = INVALID
        message = str(REASON_MESSAGES[reason])
    else:
        status = effective_status(licence, today)
        message = str(STATUS_MESSAGES[status])
    result = VerificationResult(
        status=status,
        valid=status == VALID,
        reason=reason,
        issuer_name=licence.issuer.full_name,
        type_name=licence.licence_type.name,
        masked_holder=masked_holder(licence),
        valid_from=licence.valid_from,
        valid_to=licence.valid_to,
        signature_ok=signature_ok,
        message=message,
        detail=detail,
        identifier=licence.identifier,
        type_code=licence.licence_type.code,
        issuer_code=licence.issuer.uscc or "",
        issued_on=licence.issued_on,
        status_reason=licence.status_reason if status in (REVOKED, SUSPENDED) else "",
        signed_at=signed_at,
        seal_name=seal.name,
        licence=licence,
    )
    if status == SUPERSEDED:
        result.superseded_by = _newer_identifier(licence)
    return result


class InvalidIdentifier(DomainError):
    """``invalid_identifier``; ``detail`` is the precise code of ``tongban.core.codes``
    (``invalid_checksum``, ``invalid_prefix``…)."""

    def __init__(self, detail: str, message: str):
        super().__init__(E.INVALID_IDENTIFIER, message, "identifier")
        self.detail = detail

    def as_dict(self) -> dict:
        return {**super().as_dict(), "detail": self.detail}


def clean_identifier(identifier) -> str:
    """The normalised identifier, or ``InvalidIdentifier`` naming the precise problem."""
    result = validate("licence-id", identifier)
    if not result.valid:
        raise InvalidIdentifier(result.code, result.message)
    return result.normalized


def _licences():
    return Licence.objects.select_related(
        "licence_type", "issuer__parent", "seal_key__seal__org_unit__parent"
    )


def find_licence(identifier) -> Licence:
    identifier = clean_identifier(identifier)
    licence = _licences().filter(identifier=identifier).first()
    if licence is None:
        raise NotFound(E.LICENCE_NOT_FOUND, _("未找到该证照"), "identifier")
    return licence


def verify_identifier(identifier) -> VerificationResult:
    """Verify by identifier: ``invalid_identifier`` (400, with ``detail``) for a mis-typed
    identifier, ``licence_not_found`` (404) for an unknown one."""
    return verify_licence(find_licence(identifier))


def record_verification(licence, *, used_by: str = PUBLIC_VERIFIER, purpose: str = "") -> None:
    """Log a verification in the holder-readable usage log (one insert; no rate limit)."""
    LicenceUsage.objects.create(
        licence=licence,
        kind=LicenceUsage.Kind.VERIFICATION,
        used_by=used_by[:200],
        purpose=purpose[:200],
    )


def export_files(licence) -> dict[str, bytes]:
    """The OpenSSL bundle of a licence (``core.signing.openssl_bundle``): data.json,
    tbs.der, signature.der, seal-public.pem and README.txt."""
    public_key = sm2.PublicKey.from_pem(licence.seal_key.public_pem)
    return _signing().openssl_bundle(
        bytes(licence.signed_data), bytes(licence.signature_der), public_key
    )


def record_export(licence, *, user) -> None:
    LicenceUsage.objects.create(
        licence=licence,
        kind=LicenceUsage.Kind.DOWNLOAD,
        used_by=(getattr(user, "name", "") or str(user))[:200],
        purpose="导出核验包",
    )


# --- offline payload ------------------------------------------------------------------------
def offline_payload(licence) -> str:
    """The compact payload signed by the licence's seal key (see ``licences.offline``)."""
    from tongban.licences.services.seals import signing_key

    return offline.sign_payload(
        key=signing_key(licence.seal_key),
        identifier=licence.identifier,
        type_code=licence.licence_type.code,
        masked_holder=masked_holder_name(licence),
        valid_to=licence.valid_to,
        issued_on=licence.issued_on,
    )


def qr_url(licence) -> str:
    """``SITE_URL/verify/q/<payload>/`` — what the licence's QR code carries."""
    path = reverse("verify:verify_qr", kwargs={"payload": offline_payload(licence)})
    return settings.SITE_URL.rstrip("/") + path


def _payload_result(decoded: offline.OfflinePayload, **values) -> VerificationResult:
    base = {
        "status": INVALID,
        "valid": False,
        "reason": "",
        "issuer_name": "",
        "type_name": "",
        "masked_holder": decoded.masked_holder,
        "valid_from": None,
        "valid_to": decoded.valid_to,
        "signature_ok": False,
        "identifier": decoded.identifier,
        "type_code": decoded.type_code,
        "issued_on": decoded.issued_on,
        "online": False,
    }
    base.update(values)
    if base["reason"] and not base.get("message"):
        base["message"] = str(REASON_MESSAGES.get(base["reason"], ""))
    return VerificationResult(**base)


def _refused(decoded, reason: str, **values) -> VerificationResult:
    return _payload_result(
        decoded,
        reason=reason,
        status=UNKNOWN_ISSUER if reason == E.UNKNOWN_ISSUER else INVALID,
        message=str(REASON_MESSAGES[reason]),
        **values,
    )


def verify_offline_payload(
    payload: str,
    *,
    trusted_keys=None,
    lookup_status: bool = True,
    today: dt.date | None = None,
) -> VerificationResult:
    """Verify a QR payload.

    ``trusted_keys``: public keys (``sm2.PublicKey``) to use instead of the platform's seal
    keys and trust list. ``lookup_status``: also look up the licence here and report its
    current status (the public page); without it the result rests on the payload alone.
    Malformed payloads raise ``DomainError("invalid_payload")``.
    """
    today = today or timezone.localdate()
    decoded = offline.decode_payload(payload)
    parsed = validate("licence-id", decoded.identifier)
    if not parsed.valid or parsed.parsed["type_code"] != decoded.type_code:
        return _refused(decoded, E.DATA_MISMATCH)
    issuer_code = parsed.parsed["issuer_code"]

    if trusted_keys is not None:
        candidates = trust.external_keys(
            [k for k in trusted_keys if k.fingerprint().startswith(decoded.key_prefix)]
        )
    else:
        candidates = trust.resolve_key(decoded.key_prefix)
    signer = next((k for k in candidates if decoded.verify_with(k.public_key)), None)
    if signer is None:
        if candidates:
            return _refused(decoded, E.SIGNATURE_INVALID)
        return _refused(decoded, E.UNKNOWN_ISSUER)
    if signer.issuer_code and signer.issuer_code != issuer_code:
        return _refused(decoded, E.ISSUER_MISMATCH, signature_ok=True)
    if signer.seal_key is not None:
        problem = _seal_problem(signer.seal_key.seal, None)
        if problem:
            return _refused(decoded, problem, signature_ok=True, issuer_name=signer.issuer_name)

    if lookup_status:
        licence = _licences().filter(identifier=decoded.identifier).first()
        if licence is not None:
            result = verify_licence(licence, today=today)
            if result.signature_ok and (
                licence.seal_key.fingerprint[: len(decoded.key_prefix)] != decoded.key_prefix
                or licence.valid_to != decoded.valid_to
            ):
                # A genuine payload of another record (should never happen) — refuse.
                return _refused(decoded, E.DATA_MISMATCH, signature_ok=True)
            return result
        if signer.source == trust.SEAL:
            return _refused(
                decoded, E.LICENCE_NOT_FOUND, signature_ok=True, issuer_name=signer.issuer_name
            )

    status = EXPIRED if decoded.valid_to and decoded.valid_to < today else VALID
    if status == VALID:
        message = _("签名有效，证照在有效期内。")
        if not lookup_status:
            message = _("签名有效（离线核验：未查询撤销状态）。")
        elif signer.source == trust.TRUSTED:
            message = _("签名有效（外省或外部平台签发：当前状态请向签发机构查询）。")
    else:
        message = _("签名有效，但证照已超过有效期。")
    return _payload_result(
        decoded,
        status=status,
        valid=status == VALID,
        signature_ok=True,
        issuer_name=signer.issuer_name,
        issuer_code=issuer_code,
        message=str(message),
        seal_name=signer.seal_key.seal.name if signer.seal_key else "",
    )


# --- documents presented from elsewhere -------------------------------------------------------
def verify_signed_document(data: bytes, signature_der: bytes) -> VerificationResult:
    """Verify signed licence data presented by someone (e.g. a licence of another province's
    platform): the signing key must be one of our seal keys or on the trust list and belong to
    the issuer named in the identifier; otherwise ``unknown_issuer`` / ``issuer_mismatch``."""
    signing = _signing()
    doc = _signed_document(data)
    found, identifier = _lookup(doc, "identifier") if doc else (False, "")
    identifier = str(identifier or "")
    parsed = validate("licence-id", identifier)
    empty = {
        "issuer_name": "",
        "type_name": "",
        "masked_holder": "",
        "valid_from": None,
        "valid_to": None,
        "identifier": identifier,
        "online": False,
    }
    if not parsed.valid:
        return VerificationResult(
            status=INVALID,
            valid=False,
            reason=E.DATA_MISMATCH,
            signature_ok=False,
            message=str(REASON_MESSAGES[E.DATA_MISMATCH]),
            **empty,
        )
    try:
        signer_der = signing.parse_signature(bytes(signature_der)).signer_key_der
        fingerprint = sm2.PublicKey.from_der(signer_der).fingerprint()
    except (ValueError, DomainError):
        return VerificationResult(
            status=INVALID,
            valid=False,
            reason=E.SIGNATURE_INVALID,
            signature_ok=False,
            message=str(REASON_MESSAGES[E.SIGNATURE_INVALID]),
            detail="malformed",
            **empty,
        )
    known = next(iter(trust.resolve_key(fingerprint)), None)
    if known is None:
        return VerificationResult(
            status=UNKNOWN_ISSUER,
            valid=False,
            reason=E.UNKNOWN_ISSUER,
            signature_ok=False,
            message=str(REASON_MESSAGES[E.UNKNOWN_ISSUER]),
            **empty,
        )
    check = signing.verify_document(bytes(data), bytes(signature_der), public_key=known.public_key)
    reason = ""
    if not check.ok:
        reason = E.SIGNATURE_INVALID
    elif known.issuer_code and known.issuer_code != parsed.parsed["issuer_code"]:
        reason = E.ISSUER_MISMATCH
    elif known.seal_key is not None:
        reason = _seal_problem(known.seal_key.seal, None)
    _found, valid_to = _lookup(doc, "valid_to")
    _found, valid_from = _lookup(doc, "valid_from")

    def _date(value):
        try:
            return dt.date.fromisoformat(str(value)) if value else None
        except ValueError:
            return None

    status = INVALID if reason else VALID
    if not reason and _date(valid_to) and _date(valid_to) < timezone.localdate():
        status = EXPIRED
    return VerificationResult(
        status=status,
        valid=status == VALID,
        reason=reason,
        issuer_name=known.issuer_name,
        type_name=str(doc.get("type_name") or doc.get("证照类型名称") or ""),
        masked_holder="",
        valid_from=_date(valid_from),
        valid_to=_date(valid_to),
        signature_ok=check.ok,
        message=str(REASON_MESSAGES.get(reason) or STATUS_MESSAGES[status]),
        detail=str(check.reason or ""),
        identifier=identifier,
        issuer_code=parsed.parsed["issuer_code"],
        type_code=parsed.parsed["type_code"],
        signed_at=check.signed_at,
        online=False,
    )


# The lifecycle services live in ``services.revocation``; importable from here too.
from tongban.licences.services.revocation import (  # noqa: E402
    expire_due_licences,
    reinstate_licence,
    revoke_licence,
    suspend_licence,
)

__all__ = [
    "VerificationResult",
    "expire_due_licences",
    "qr_url",
    "reinstate_licence",
    "revoke_licence",
    "suspend_licence",
    "verify_identifier",
    "verify_licence",
    "verify_offline_payload",
    "verify_signed_document",
]
