"""Electronic seals (电子印章): lifecycle, keys and every use.

A department (org unit of kind ``department``) has one or more ``Seal`` rows. Each seal has
SM2 key pairs (``SealKey``); exactly one is active. A key's private half is envelope-encrypted
at rest (SM4-GCM under the master key, ``tongban.core.crypto.envelope``) with associated data
``licences.sealkey:<seal id>:<key fingerprint>`` so a ciphertext copied to another row does not
decrypt; the field is registered so ``tongban keys rotate-master`` re-wraps it. Each key carries
its seal certificate (``SESeal``-like DER, ``tongban.core.signing``) signed by the platform
root key.

Lifecycle (``Seal.Status``)::

    active ⇄ suspended      (suspend_seal / reactivate_seal, reason required to suspend)
    active | suspended → revoked   (revoke_seal, reason required; terminal)

``rotate_seal_key`` adds a new active key and retires the old one (kept: signatures made with
it keep verifying); ``renew_seal`` changes the validity end the same way (new certificate). Only active seals within their validity sign, through ``sign_with_seal``,
which audits every use (``licences.seal_used``).

Seal code (``esid``, 印章编码): 14 digits = the department's 6-digit division code + 4-digit
year of creation + 4-digit sequence within that division and year (``44010020260001``), the
length of the national 印章编码.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.core import audit, permissions, signing
from tongban.core.crypto import envelope, keys, seal_keys, sm2, sm3
from tongban.core.exceptions import DomainError, PermissionDenied
from tongban.core.models import OrgUnit
from tongban.licences.errors import SealError
from tongban.licences.models import Seal, SealKey
from tongban.licences.permissions import LICENCES_MANAGE_SEAL
from tongban.licences.seal_image import seal_svg

DEFAULT_VALIDITY_YEARS = 5
MAX_REASON_LENGTH = 200
DEFAULT_PURPOSE = "电子证照专用章"


def private_key_aad(seal_key: SealKey) -> bytes:
    return f"licences.sealkey:{seal_key.seal_id}:{seal_key.fingerprint}".encode()


envelope.register("licences.SealKey", "private_key_encrypted", aad=private_key_aad)


# --- helpers ---------------------------------------------------------------------------------


def today() -> dt.date:
    return timezone.localdate()


def _require_manage(actor, org_unit: OrgUnit) -> None:
    """Users need ``licences.manage_seal`` in the seal's department; system/CLI actors
    (``None`` or a string) are trusted callers."""
    if actor is None or isinstance(actor, str):
        return
    if not permissions.has_perm_in(actor, LICENCES_MANAGE_SEAL, org_unit):
        raise PermissionDenied(SealError.PERMISSION_DENIED, _("您没有管理该部门电子印章的权限。"))


def _clean_reason(reason: str | None, *, required: bool) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise DomainError(SealError.REASON_REQUIRED, _("请填写原因。"), field="reason")
    if len(reason) > MAX_REASON_LENGTH:
        raise DomainError(SealError.REASON_TOO_LONG, _("原因不能超过 200 个字。"), field="reason")
    return reason


def default_seal_name(org_unit: OrgUnit) -> str:
    return f"{org_unit.full_name}{DEFAULT_PURPOSE}"


def _next_esid(org_unit: OrgUnit, year: int) -> str:
    prefix = f"{(org_unit.division_code or '000000')[:6]:0<6}{year:04d}"
    last = (
        Seal.objects.filter(esid__startswith=prefix, esid__regex=r"^\d{14}$")
        .order_by("-esid")
        .values_list("esid", flat=True)
        .first()
    )
    sequence = int(last[10:]) + 1 if last else 1
    return f"{prefix}{sequence:04d}"


def _lock_seal(seal: Seal) -> Seal:
    return (
        Seal.objects.select_for_update(of=("self",))
        .select_related("org_unit__parent")
        .get(pk=seal.pk)
    )


def _new_key(seal: Seal) -> SealKey:
    """Generate a key pair, its seal certificate, and store it (private key encrypted)."""
    private = sm2.PrivateKey.generate()
    public = private.public_key
    certificate = signing.build_seal_certificate(
        esid=seal.esid,
        name=seal.name,
        org_unit_name=seal.org_unit.full_name,
        public_key=public,
        valid_from=seal.valid_from,
        valid_to=seal.valid_to,
        picture=seal_svg(seal).encode("utf-8"),
        platform_key=keys.platform_signing_key(),
    )
    key = SealKey(
        seal=seal,
        fingerprint=public.fingerprint(),
        public_pem=public.to_pem().decode("ascii"),
        certificate_der=certificate,
        is_active=True,
    )
    key.private_key_encrypted = envelope.encrypt(private.to_der(), aad=private_key_aad(key))
    key.save(force_insert=True)
    seal_keys.remember(private)
    return key


# --- lifecycle -------------------------------------------------------------------------------


def create_seal(
    org_unit: OrgUnit,
    *,
    actor,
    name: str | None = None,
    valid_to: dt.date | None = None,
    valid_from: dt.date | None = None,
) -> Seal:
    """A new active seal for a department, with its first key and seal certificate."""
    _require_manage(actor, org_unit)
    if org_unit.kind != OrgUnit.Kind.DEPARTMENT:
        raise DomainError(SealError.NOT_A_DEPARTMENT, _("电子印章只能为部门制发。"))
    name = (name or "").strip() or default_seal_name(org_unit)
    if len(name) > 100:
        raise DomainError(SealError.INVALID_NAME, _("印章名称不能超过 100 个字。"), field="name")
    start = valid_from or today()
    end = valid_to or start.replace(year=start.year + DEFAULT_VALIDITY_YEARS) - dt.timedelta(days=1)
    if end < start or end < today():
        raise DomainError(
            SealError.INVALID_VALIDITY,
            _("有效期截止日期不能早于起始日期或今天。"),
            field="valid_to",
        )
    for attempt in range(5):
        try:
            with transaction.atomic():
                seal = Seal(
                    org_unit=org_unit,
                    name=name,
                    esid=_next_esid(org_unit, start.year),
                    status=Seal.Status.ACTIVE,
                    valid_from=start,
                    valid_to=end,
                )
                seal.save(force_insert=True)
                key = _new_key(seal)
                audit.record(
                    "licences.seal_created",
                    actor=actor,
                    target=seal,
                    org_unit=org_unit,
                    data={
                        "new": {
                            "esid": seal.esid,
                            "name": seal.name,
                            "valid_from": start.isoformat(),
                            "valid_to": end.isoformat(),
                            "key": key.fingerprint,
                        }
                    },
                )
                return seal
        except IntegrityError:  # another process took the same esid: allocate again
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


def _transition(seal, *, actor, allowed_from, to, event, reason, reason_required) -> Seal:
    _require_manage(actor, seal.org_unit)
    reason = _clean_reason(reason, required=reason_required)
    with transaction.atomic():
        locked = _lock_seal(seal)
        if locked.status == Seal.Status.REVOKED:
            raise DomainError(SealError.SEAL_REVOKED, _("该印章已注销，不能再变更。"))
        if locked.status not in allowed_from:
            raise DomainError(
                SealError.ILLEGAL_TRANSITION,
                _("印章当前状态为“%(status)s”，不能执行此操作。")
                % {"status": locked.get_status_display()},
            )
        old = locked.status
        locked.status = to
        locked.status_reason = reason
        locked.save(update_fields=["status", "status_reason"])
        audit.record(
            event,
            actor=actor,
            target=locked,
            org_unit=locked.org_unit,
            data={"old": {"status": old}, "new": {"status": to}, "reason": reason},
        )
    seal.status, seal.status_reason = locked.status, locked.status_reason
    return seal


def suspend_seal(seal: Seal, *, actor, reason: str) -> Seal:
    return _transition(
        seal,
        actor=actor,
        allowed_from={Seal.Status.ACTIVE},
        to=Seal.Status.SUSPENDED,
        event="licences.seal_suspended",
        reason=reason,
        reason_required=True,
    )


def reactivate_seal(seal: Seal, *, actor, reason: str = "") -> Seal:
    return _transition(
        seal,
        actor=actor,
        allowed_from={Seal.Status.SUSPENDED},
        to=Seal.Status.ACTIVE,
        event="licences.seal_reactivated",
        reason=reason,
        reason_required=False,
    )


def revoke_seal(seal: Seal, *, actor, reason: str) -> Seal:
    """Terminal. Keys stay so signatures made before keep verifying."""
    return _transition(
        seal,
        actor=actor,
        allowed_from={Seal.Status.ACTIVE, Seal.Status.SUSPENDED},
        to=Seal.Status.REVOKED,
        event="licences.seal_revoked",
        reason=reason,
        reason_required=True,
    )


def rotate_seal_key(seal: Seal, *, actor) -> SealKey:
    """A new active key (and seal certificate); the old key is retired but kept."""
    _require_manage(actor, seal.org_unit)
    with transaction.atomic():
        locked = _lock_seal(seal)
        if locked.status == Seal.Status.REVOKED:
            raise DomainError(SealError.SEAL_REVOKED, _("该印章已注销，不能再变更。"))
        if locked.valid_to < today():
            raise DomainError(SealError.SEAL_EXPIRED, _("印章已超过有效期，请制发新印章。"))
        old = SealKey.objects.select_for_update().filter(seal=locked, is_active=True).first()
        if old is not None:
            old.is_active = False
            old.retired_at = timezone.now()
            old.save(update_fields=["is_active", "retired_at"])
        new = _new_key(locked)
        audit.record(
            "licences.seal_key_rotated",
            actor=actor,
            target=locked,
            org_unit=locked.org_unit,
            data={
                "old": {"key": old.fingerprint if old else None},
                "new": {"key": new.fingerprint},
            },
        )
    return new


def renew_seal(seal: Seal, *, actor, valid_to: dt.date) -> SealKey:
    """Change the seal's validity end: the seal certificate carries the validity, so this
    issues a new key and certificate (like ``rotate_seal_key``); old keys stay for
    verification."""
    _require_manage(actor, seal.org_unit)
    with transaction.atomic():
        locked = _lock_seal(seal)
        if locked.status == Seal.Status.REVOKED:
            raise DomainError(SealError.SEAL_REVOKED, _("该印章已注销，不能再变更。"))
        if valid_to is None or valid_to < max(locked.valid_from, today()):
            raise DomainError(
                SealError.INVALID_VALIDITY,
                _("有效期截止日期不能早于起始日期或今天。"),
                field="valid_to",
            )
        old_valid_to = locked.valid_to
        locked.valid_to = valid_to
        locked.save(update_fields=["valid_to"])
        old = SealKey.objects.select_for_update().filter(seal=locked, is_active=True).first()
        if old is not None:
            old.is_active = False
            old.retired_at = timezone.now()
            old.save(update_fields=["is_active", "retired_at"])
        new = _new_key(locked)
        audit.record(
            "licences.seal_renewed",
            actor=actor,
            target=locked,
            org_unit=locked.org_unit,
            data={
                "old": {
                    "valid_to": old_valid_to.isoformat(),
                    "key": old.fingerprint if old else None,
                },
                "new": {"valid_to": valid_to.isoformat(), "key": new.fingerprint},
            },
        )
    seal.valid_to = valid_to
    return new


# --- keys and use ----------------------------------------------------------------------------


def signing_key(seal_key: SealKey) -> sm2.PrivateKey:
    """The decrypted private key of ``seal_key`` (cached per process). Checks no status: use
    ``sign_with_seal`` to sign, which refuses inactive seals and audits the use."""
    try:
        return seal_keys.private_key(
            seal_key.fingerprint,
            seal_key.private_key_encrypted,
            aad=private_key_aad(seal_key),
        )
    except seal_keys.KeyMismatch:
        raise DomainError(SealError.KEY_MISMATCH, _("印章私钥与登记的公钥指纹不一致。")) from None


def public_key(seal_key: SealKey) -> sm2.PublicKey:
    """The seal key's public key (parsed once per process)."""
    return seal_keys.public_key(seal_key.fingerprint, seal_key.public_pem)


def _check_usable(seal: Seal, on: dt.date) -> None:
    if seal.status != Seal.Status.ACTIVE:
        raise DomainError(
            SealError.SEAL_NOT_ACTIVE,
            _("电子印章“%(name)s”当前为“%(status)s”状态，不能用于签章。")
            % {"name": seal.name, "status": seal.get_status_display()},
        )
    if not seal.valid_from <= on <= seal.valid_to:
        raise DomainError(
            SealError.SEAL_EXPIRED,
            _("电子印章“%(name)s”不在有效期内（%(start)s 至 %(end)s）。")
            % {"name": seal.name, "start": seal.valid_from, "end": seal.valid_to},
        )


def active_seal_key(org_unit: OrgUnit) -> SealKey:
    """The active key of the department's seal that signs now: the newest active seal within
    its validity. ``no_active_seal`` when the department has no seal at all,
    ``seal_not_active`` when its seals are all suspended or revoked, ``seal_expired`` when its
    active seals are all outside their validity."""
    on = today()
    seals = list(
        Seal.objects.filter(org_unit=org_unit, status=Seal.Status.ACTIVE)
        .select_related("org_unit__parent")
        .order_by("-created_at", "-pk")
    )
    if not seals:
        inactive = Seal.objects.filter(org_unit=org_unit).exclude(status=Seal.Status.ACTIVE).first()
        if inactive is not None:
            _check_usable(inactive, on)  # raises seal_not_active
        raise DomainError(
            SealError.NO_ACTIVE_SEAL,
            _("%(unit)s 没有可用的电子印章，请部门管理员先制发印章。")
            % {"unit": org_unit.full_name},
        )
    for seal in seals:
        if seal.valid_from <= on <= seal.valid_to:
            key = SealKey.objects.filter(seal=seal, is_active=True).select_related("seal").first()
            if key is not None:
                key.seal = seal
                return key
    _check_usable(seals[0], on)  # raises seal_expired
    raise DomainError(SealError.NO_ACTIVE_SEAL, _("电子印章没有可用的密钥。"))


def _sign_and_record(
    seal: Seal, seal_key: SealKey, data: bytes, *, actor, reference: str, property_info
) -> bytes:
    """Sign ``data`` with ``seal_key`` and audit ``licences.seal_used`` (caller's transaction)."""
    signature = signing.sign_document(
        data,
        key=signing_key(seal_key),
        seal_certificate_der=bytes(seal_key.certificate_der),
        property_info=reference if property_info is None else property_info,
    )
    audit.record(
        "licences.seal_used",
        actor=actor,
        target=seal,
        org_unit=seal.org_unit,
        data={"reference": reference, "key": seal_key.fingerprint, "data_sm3": sm3.hexdigest(data)},
    )
    return signature


def sign_with_seal(
    org_unit: OrgUnit, data: bytes, *, actor, reference: str, property_info: str | None = None
) -> tuple[bytes, SealKey]:
    """Sign ``data`` with the department's active seal; audited as ``licences.seal_used``.

    Returns (``SES_Signature``-like DER, the ``SealKey`` used). ``reference`` names the signed
    document (e.g. the licence identifier) and goes into the audit event and, unless
    ``property_info`` is given, into the signature's ``propertyInfo``. Refuses with
    ``no_active_seal``, ``seal_not_active`` or ``seal_expired``; nothing is written then.
    """
    with transaction.atomic():
        seal_key = active_seal_key(org_unit)
        seal = seal_key.seal
        _check_usable(seal, today())
        signature = _sign_and_record(
            seal, seal_key, data, actor=actor, reference=reference, property_info=property_info
        )
    return signature, seal_key


def sign_with_seal_key(
    seal_key: SealKey, data: bytes, *, actor, reference: str, property_info: str | None = None
) -> bytes:
    """Like ``sign_with_seal`` with a chosen key (must be its seal's active key)."""
    with transaction.atomic():
        seal = Seal.objects.select_related("org_unit__parent").get(pk=seal_key.seal_id)
        _check_usable(seal, today())
        if not SealKey.objects.filter(pk=seal_key.pk, is_active=True).exists():
            raise DomainError(SealError.SEAL_NOT_ACTIVE, _("该印章密钥已停用。"))
        signature = _sign_and_record(
            seal, seal_key, data, actor=actor, reference=reference, property_info=property_info
        )
    return signature
