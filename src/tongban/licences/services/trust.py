"""The trust list (信任列表): other platforms' issuer keys whose licences verify here.

An operator (``licences.manage_trust``) imports another platform's issuer public key (PEM)
with the issuer's USCC and name. A trusted key only vouches for licences whose identifier
names that issuer code — a trusted key of another province cannot sign licences in the name
of a Guangdong department.

``resolve_key(fingerprint_or_prefix)`` is the single place that answers "whose key is this?"
for verification: one of this platform's seal keys (active or retired), an active trusted
issuer, or nobody (``None`` → "unknown_issuer").
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tongban.core import audit, permissions
from tongban.core.codes import validate
from tongban.core.crypto import sm2
from tongban.core.exceptions import DomainError, NotFound, PermissionDenied
from tongban.licences.errors_verification import TrustError
from tongban.licences.models import SealKey, TrustedIssuer
from tongban.licences.permissions import LICENCES_MANAGE_TRUST

SEAL, TRUSTED = "seal", "trusted"


@dataclass(frozen=True)
class KnownKey:
    """A public key this platform knows, and whom it belongs to."""

    public_key: sm2.PublicKey
    source: str  # "seal" (ours) or "trusted" (trust list)
    issuer_code: str  # USCC of the issuer ("" when our org unit has none recorded)
    issuer_name: str
    seal_key: SealKey | None = None
    trusted_issuer: TrustedIssuer | None = None


def _is_cli(actor) -> bool:
    return isinstance(actor, str)


def _check_manage(actor) -> None:
    if _is_cli(actor):  # management command run by an operator on the server
        return
    if not permissions.has_perm(actor, LICENCES_MANAGE_TRUST):
        raise PermissionDenied(TrustError.PERMISSION_DENIED, _("您没有管理信任列表的权限。"))


def import_trusted_issuer(*, pem, name: str, issuer_code: str, actor) -> TrustedIssuer:
    """Add another platform's issuer key to the trust list (audited)."""
    _check_manage(actor)
    name = (name or "").strip()
    if not name:
        raise DomainError(TrustError.NAME_REQUIRED, _("请填写签发机构名称。"), "name")
    code = validate("uscc", issuer_code)
    if not code.valid:
        raise DomainError(
            TrustError.INVALID_ISSUER_CODE,
            _("签发机构代码不是有效的统一社会信用代码：%(reason)s") % {"reason": code.message},
            "issuer_code",
        )
    try:
        public_key = sm2.PublicKey.from_pem(pem)
    except DomainError as exc:
        raise DomainError(
            TrustError.INVALID_PUBLIC_KEY,
            _("公钥无效：%(reason)s") % {"reason": exc.message},
            "public_pem",
        ) from exc
    except (ValueError, TypeError) as exc:
        raise DomainError(
            TrustError.INVALID_PUBLIC_KEY, _("公钥无效：请提供 PEM 格式的 SM2 公钥。"), "public_pem"
        ) from exc
    fingerprint = public_key.fingerprint()
    if SealKey.objects.filter(fingerprint=fingerprint).exists():
        raise DomainError(
            TrustError.OWN_KEY, _("该公钥是本平台的电子印章密钥，无需导入。"), "public_pem"
        )
    if TrustedIssuer.objects.filter(fingerprint=fingerprint).exists():
        raise DomainError(
            TrustError.ALREADY_TRUSTED, _("该公钥已在信任列表中。"), "public_pem", status=409
        )
    try:
        with transaction.atomic():
            issuer = TrustedIssuer.objects.create(
                name=name[:200],
                issuer_code=code.normalized,
                fingerprint=fingerprint,
                public_pem=public_key.to_pem().decode("ascii"),
            )
            audit.record(
                "licences.trusted_issuer_imported",
                actor=actor,
                target=issuer,
                data={
                    "name": issuer.name,
                    "issuer_code": issuer.issuer_code,
                    "fingerprint": fingerprint,
                },
            )
    except IntegrityError:  # imported concurrently
        raise DomainError(
            TrustError.ALREADY_TRUSTED, _("该公钥已在信任列表中。"), "public_pem", status=409
        ) from None
    return issuer


def set_trusted_issuer_active(issuer: TrustedIssuer, *, active: bool, actor) -> TrustedIssuer:
    """Withdraw trust (or restore it); the row stays for the record."""
    _check_manage(actor)
    with transaction.atomic():
        fresh = TrustedIssuer.objects.select_for_update().get(pk=issuer.pk)
        if fresh.is_active != active:
            fresh.is_active = active
            fresh.save(update_fields=["is_active"])
            audit.record(
                "licences.trusted_issuer_activated"
                if active
                else "licences.trusted_issuer_deactivated",
                actor=actor,
                target=fresh,
                data={"fingerprint": fresh.fingerprint, "issuer_code": fresh.issuer_code},
            )
    issuer.is_active = fresh.is_active
    return fresh


def get_trusted_issuer(pk) -> TrustedIssuer:
    issuer = TrustedIssuer.objects.filter(pk=pk).first()
    if issuer is None:
        raise NotFound(TrustError.NOT_FOUND, _("未找到该信任机构。"))
    return issuer


def trusted_issuers():
    return TrustedIssuer.objects.order_by("-is_active", "name", "id")


# --- key resolution ---------------------------------------------------------------------------
def _from_seal_key(seal_key: SealKey) -> KnownKey:
    unit = seal_key.seal.org_unit
    return KnownKey(
        public_key=sm2.PublicKey.from_pem(seal_key.public_pem),
        source=SEAL,
        issuer_code=unit.uscc or "",
        issuer_name=unit.full_name,
        seal_key=seal_key,
    )


def _from_trusted(issuer: TrustedIssuer) -> KnownKey:
    return KnownKey(
        public_key=sm2.PublicKey.from_pem(issuer.public_pem),
        source=TRUSTED,
        issuer_code=issuer.issuer_code,
        issuer_name=issuer.name,
        trusted_issuer=issuer,
    )


def resolve_key(fingerprint: str) -> list[KnownKey]:
    """Known keys whose SM3 fingerprint is (or starts with) ``fingerprint``: our seal keys
    (active or retired — old signatures stay verifiable) and active trusted issuers."""
    prefix = (fingerprint or "").strip().lower()
    if len(prefix) < 8:
        return []
    found = [
        _from_seal_key(key)
        for key in SealKey.objects.select_related("seal__org_unit__parent").filter(
            fingerprint__startswith=prefix
        )[:5]
    ]
    found += [
        _from_trusted(issuer)
        for issuer in TrustedIssuer.objects.filter(fingerprint__startswith=prefix, is_active=True)[
            :5
        ]
    ]
    return found


def external_keys(public_keys, *, issuer_name: str = "") -> list[KnownKey]:
    """Wrap keys given on the command line (``--public-key``) as known keys of any issuer."""
    return [
        KnownKey(public_key=key, source=TRUSTED, issuer_code="", issuer_name=issuer_name)
        for key in public_keys
    ]
