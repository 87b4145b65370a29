"""Key management: the platform SM2 signing key and master-key rotation.

- ``platform_signing_key()`` returns the active platform SM2 key (signs the audit chain head
  daily, later receipts and licences). It is created on first use and stored in
  ``ManagedKey`` with the private key envelope-encrypted under the master key. The decrypted
  key is cached per process by kid; each call costs one small query, so a rotation made by
  another process is picked up at once.
- ``public_key_for(fingerprint)`` finds an active or retired public key, to verify old
  signatures after rotation.
- ``rotate_platform_key(actor=...)`` and ``rotate_master(actor=...)`` are the services behind
  ``tongban keys rotate-platform-key`` and ``tongban keys rotate-master``.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.core import audit
from tongban.core.crypto import envelope, sm2
from tongban.core.crypto.errors import CryptoError
from tongban.core.exceptions import DomainError, NotFound

# Actors for audit events written without a user: ``audit.record`` stores no user FK for a
# string actor and snapshots it as the actor name (``None`` is recorded as "system").
CLI_ACTOR = "cli"
SYSTEM_ACTOR = None

_lock = threading.Lock()
_private_cache: dict[str, sm2.PrivateKey] = {}  # kid -> decrypted key
_public_cache: dict[str, sm2.PublicKey] = {}  # fingerprint -> key


def clear_cache() -> None:
    with _lock:
        _private_cache.clear()
        _public_cache.clear()


def _managed_key_model():
    from tongban.core.models import ManagedKey

    return ManagedKey


# --- Platform signing key -----------------------------------------------------------------


def _new_row(purpose: str, private_key: sm2.PrivateKey):
    ManagedKey = _managed_key_model()
    fingerprint = private_key.public_key.fingerprint()
    row = ManagedKey(
        purpose=purpose,
        algorithm=ManagedKey.Algorithm.SM2,
        kid=f"sm2-{fingerprint[:16]}",
        fingerprint=fingerprint,
        public_pem=private_key.public_key.to_pem().decode("ascii"),
        created_at=timezone.now(),
        is_active=True,
    )
    row.private_key_encrypted = envelope.encrypt(private_key.to_der(), aad=row.private_key_aad())
    row.save(force_insert=True)
    return row


def _load_private(row) -> sm2.PrivateKey:
    cached = _private_cache.get(row.kid)
    if cached is not None:
        return cached
    key = sm2.PrivateKey.from_der(
        envelope.decrypt(row.private_key_encrypted, aad=row.private_key_aad())
    )
    if key.public_key.fingerprint() != row.fingerprint:
        raise DomainError(CryptoError.INVALID_KEY, _("托管私钥与登记的公钥指纹不一致。"))
    with _lock:
        _private_cache[row.kid] = key
    return key


def _create_platform_key(*, actor):
    """Create the first platform key; if another process won the race, use its key."""
    ManagedKey = _managed_key_model()
    purpose = ManagedKey.Purpose.PLATFORM_SIGNING
    try:
        with transaction.atomic():
            row = _new_row(purpose, sm2.PrivateKey.generate())
            audit.record(
                "core.platform_key_created",
                actor=actor,
                target=row,
                data={"kid": row.kid, "fingerprint": row.fingerprint},
            )
            return row
    except IntegrityError:
        row = ManagedKey.objects.filter(purpose=purpose, is_active=True).first()
        if row is None:
            raise
        return row


def platform_signing_key() -> sm2.PrivateKey:
    """The active platform SM2 key, created on first use."""
    ManagedKey = _managed_key_model()
    row = (
        ManagedKey.objects.filter(purpose=ManagedKey.Purpose.PLATFORM_SIGNING, is_active=True)
        .only("kid", "purpose", "fingerprint", "private_key_encrypted")
        .first()
    )
    if row is None:
        row = _create_platform_key(actor=SYSTEM_ACTOR)
    return _load_private(row)


def active_platform_key_row():
    """The active platform ``ManagedKey`` row, or None (does not create one)."""
    ManagedKey = _managed_key_model()
    return ManagedKey.objects.filter(
        purpose=ManagedKey.Purpose.PLATFORM_SIGNING, is_active=True
    ).first()


def public_key_for(fingerprint: str) -> sm2.PublicKey:
    """The public key (active or retired) with this SM3 fingerprint."""
    fingerprint = (fingerprint or "").strip().lower()
    cached = _public_cache.get(fingerprint)
    if cached is not None:
        return cached
    row = _managed_key_model().objects.filter(fingerprint=fingerprint).only("public_pem").first()
    if row is None:
        raise NotFound(CryptoError.KEY_NOT_FOUND, _("未找到该指纹对应的密钥。"))
    key = sm2.PublicKey.from_pem(row.public_pem)
    with _lock:
        _public_cache[fingerprint] = key
    return key


def rotate_platform_key(*, actor):
    """Retire the active platform key (kept for verification) and activate a new one."""
    ManagedKey = _managed_key_model()
    purpose = ManagedKey.Purpose.PLATFORM_SIGNING
    with transaction.atomic():
        old = ManagedKey.objects.select_for_update().filter(purpose=purpose, is_active=True).first()
        if old is not None:
            old.is_active = False
            old.retired_at = timezone.now()
            old.save(update_fields=["is_active", "retired_at"])
        new = _new_row(purpose, sm2.PrivateKey.generate())
        audit.record(
            "core.platform_key_rotated",
            actor=actor,
            target=new,
            data={
                "old": {"kid": old.kid, "fingerprint": old.fingerprint} if old else None,
                "new": {"kid": new.kid, "fingerprint": new.fingerprint},
            },
        )
    return new


# --- Master key rotation ------------------------------------------------------------------


@dataclass
class RewrapReport:
    active_kid: str
    rewrapped: Counter = field(default_factory=Counter)  # field label -> rows re-wrapped
    failures: list[tuple[str, str, str]] = field(default_factory=list)  # (label, pk, code)

    @property
    def total(self) -> int:
        return sum(self.rewrapped.values())


def _pending(entry: envelope.EncryptedField, active_kid: str):
    model = entry.get_model()
    name = entry.field
    return (
        model._default_manager.exclude(**{f"{name}__isnull": True})
        .exclude(**{name: ""})
        .exclude(**{f"{name}__startswith": f"{envelope.VERSION}:{active_kid}:"})
        .order_by("pk")
    )


def rotate_master(*, actor, batch_size: int = 500) -> RewrapReport:
    """Re-wrap every registered envelope-encrypted value under the active master key.

    Works in batches, each in its own transaction with an audit event, so a long run can be
    interrupted and simply started again (values already under the active key are skipped).
    Values that cannot be decrypted are left untouched and reported.
    """
    active_kid = envelope.keyring().active_kid
    report = RewrapReport(active_kid)
    for entry in envelope.registered_fields():
        model = entry.get_model()
        label = entry.label
        last_pk = None
        while True:
            with transaction.atomic():
                batch = _pending(entry, active_kid).select_for_update()
                if last_pk is not None:
                    batch = batch.filter(pk__gt=last_pk)
                rows = list(batch[:batch_size])
                if not rows:
                    break
                from_kids: Counter = Counter()
                for row in rows:
                    token = getattr(row, entry.field)
                    try:
                        from_kid = envelope.token_kid(token)
                        new_token = envelope.rewrap(token, aad=entry.aad_for(row))
                    except DomainError as exc:
                        report.failures.append((label, str(row.pk), exc.code))
                        continue
                    model._default_manager.filter(pk=row.pk).update(**{entry.field: new_token})
                    from_kids[from_kid] += 1
                last_pk = rows[-1].pk
                count = sum(from_kids.values())
                if count:
                    report.rewrapped[label] += count
                    audit.record(
                        "core.secrets_rewrapped",
                        actor=actor,
                        target_type=model._meta.label_lower,
                        target_label=label,
                        data={
                            "field": label,
                            "count": count,
                            "from_kids": dict(from_kids),
                            "to_kid": active_kid,
                        },
                    )
    return report


def secrets_by_kid() -> dict[str, Counter]:
    """For each registered field: number of tokens under each master kid (``?`` = other)."""
    ring = envelope.keyring()
    result: dict[str, Counter] = {}
    for entry in envelope.registered_fields():
        model = entry.get_model()
        name = entry.field
        base = model._default_manager.exclude(**{f"{name}__isnull": True}).exclude(**{name: ""})
        counts: Counter = Counter()
        total = base.count()
        for kid in ring.keys:
            counts[kid] = base.filter(
                **{f"{name}__startswith": f"{envelope.VERSION}:{kid}:"}
            ).count()
        other = total - sum(counts.values())
        if other:
            counts["?"] = other
        result[entry.label] = counts
    return result
