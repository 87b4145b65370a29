"""Finance seals (财务专用章): the key that signs a collecting department's receipts.

Each collecting department has one active ``FinanceSeal``: an SM2 key pair and its seal
certificate, built and checked by the same signing core as licence seals
(``tongban.core.signing``; the certificate is signed by the platform key from
``tongban.core.crypto.keys``). The private key is envelope-encrypted at rest (SM4-GCM under
the master key, ``tongban.core.crypto.envelope``) with associated data
``payments.financeseal:<esid>:<fingerprint>``, so a ciphertext copied to another row does not
decrypt; the field is registered, so ``tongban keys rotate-master`` re-wraps it.

``active_finance_seal(org_unit, actor=...)`` returns the department's seal, creating it on
first use (audited ``payments.finance_seal_created``); a seal past its validity is retired
(kept: receipts it signed keep verifying) and a new one created the same way. Key rotation
beyond that is not offered.

Seal code (``esid``, 印章编码): 14 digits like licence seals — the department's 6-digit
division code + 4-digit year + 4-digit sequence — with finance seals numbered from 9001 within
a division and year, so they never take a code the licence seals (numbered from 0001) use.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from tongban.core import audit, signing
from tongban.core.crypto import envelope, keys, seal_keys, sm2
from tongban.core.models import OrgUnit
from tongban.core.signing.seal_image import svg_for
from tongban.payments.errors_receipts import ReceiptError, error
from tongban.payments.models import FinanceSeal

PURPOSE = "财务专用章"
DEFAULT_VALIDITY_YEARS = 5
FIRST_SEQUENCE = 9001
LAST_SEQUENCE = 9999


def private_key_aad(seal: FinanceSeal) -> bytes:
    return f"payments.financeseal:{seal.esid}:{seal.fingerprint}".encode()


envelope.register("payments.FinanceSeal", "private_key_encrypted", aad=private_key_aad)


def today() -> dt.date:
    return timezone.localdate()


def seal_name(org_unit: OrgUnit) -> str:
    return f"{org_unit.full_name}{PURPOSE}"


def seal_image_svg(seal: FinanceSeal) -> str:
    """The seal's round red image (the department's name on the arc, "财务专用章" below)."""
    return svg_for(seal.org_unit.full_name, PURPOSE, title=seal.name)


def _next_esid(org_unit: OrgUnit, year: int) -> str:
    prefix = f"{(org_unit.division_code or '000000')[:6]:0<6}{year:04d}"
    last = (
        FinanceSeal.objects.filter(esid__startswith=prefix)
        .order_by("-esid")
        .values_list("esid", flat=True)
        .first()
    )
    sequence = max(int(last[10:]) + 1, FIRST_SEQUENCE) if last else FIRST_SEQUENCE
    if sequence > LAST_SEQUENCE:
        raise RuntimeError(f"no finance seal codes left under {prefix}")
    return f"{prefix}{sequence:04d}"


def _valid_until(start: dt.date) -> dt.date:
    try:
        return start.replace(year=start.year + DEFAULT_VALIDITY_YEARS) - dt.timedelta(days=1)
    except ValueError:  # 29 February
        return start.replace(month=2, day=28, year=start.year + DEFAULT_VALIDITY_YEARS)


def _create(org_unit: OrgUnit, *, actor, retire: FinanceSeal | None) -> FinanceSeal:
    start = today()
    private = sm2.PrivateKey.generate()
    public = private.public_key
    seal = FinanceSeal(
        org_unit=org_unit,
        esid=_next_esid(org_unit, start.year),
        name=seal_name(org_unit),
        valid_from=start,
        valid_to=_valid_until(start),
        fingerprint=public.fingerprint(),
        public_pem=public.to_pem().decode("ascii"),
        is_active=True,
    )
    seal.certificate_der = signing.build_seal_certificate(
        esid=seal.esid,
        name=seal.name,
        org_unit_name=org_unit.full_name,
        public_key=public,
        valid_from=seal.valid_from,
        valid_to=seal.valid_to,
        picture=seal_image_svg(seal).encode("utf-8"),
        platform_key=keys.platform_signing_key(),
    )
    seal.private_key_encrypted = envelope.encrypt(private.to_der(), aad=private_key_aad(seal))
    with transaction.atomic():
        if retire is not None:
            FinanceSeal.objects.filter(pk=retire.pk, is_active=True).update(
                is_active=False, retired_at=timezone.now()
            )
        seal.save(force_insert=True)
        audit.record(
            "payments.finance_seal_created",
            actor=actor,
            target=seal,
            org_unit=org_unit,
            data={
                "new": {
                    "esid": seal.esid,
                    "name": seal.name,
                    "valid_from": seal.valid_from.isoformat(),
                    "valid_to": seal.valid_to.isoformat(),
                    "key": seal.fingerprint,
                },
                "retired": retire.esid if retire is not None else None,
            },
        )
    seal_keys.remember(private)
    return seal


def active_finance_seal(org_unit: OrgUnit, *, actor) -> FinanceSeal:
    """The department's finance seal valid today, created (or renewed) on first use."""
    for attempt in range(5):
        seal = (
            FinanceSeal.objects.filter(org_unit=org_unit, is_active=True)
            .select_related("org_unit__parent")
            .first()
        )
        if seal is not None and seal.valid_from <= today() <= seal.valid_to:
            return seal
        try:
            return _create(org_unit, actor=actor, retire=seal)
        except IntegrityError:  # another process created it (or took the esid): read again
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


def signing_key(seal: FinanceSeal) -> sm2.PrivateKey:
    """The decrypted private key of ``seal`` (cached per process)."""
    try:
        return seal_keys.private_key(
            seal.fingerprint, seal.private_key_encrypted, aad=private_key_aad(seal)
        )
    except seal_keys.KeyMismatch:
        raise error(ReceiptError.SEAL_KEY_MISMATCH) from None


def public_key(seal: FinanceSeal) -> sm2.PublicKey:
    """The seal's public key (parsed once per process)."""
    return seal_keys.public_key(seal.fingerprint, seal.public_pem)


def sign(seal: FinanceSeal, data: bytes, *, property_info: str) -> bytes:
    """``SES_Signature``-like DER of ``data`` signed with the seal (``core.signing``)."""
    return signing.sign_document(
        data,
        key=signing_key(seal),
        seal_certificate_der=bytes(seal.certificate_der),
        property_info=property_info,
    )
