"""The gateway's access log as an SM3 hash chain (the audit log's chaining, reused).

``append(...)`` must run inside the caller's ``transaction.atomic``: it takes the chain's own
lock (``core.audit._lock_chain`` with this log's table and key), reads the head and stores
``hash = SM3(canonical JSON of the entry incl. seq and prev_hash)`` with the audit log's
canonical form (``core.audit.canonical_bytes`` / ``normalise_data``). ``verify_chain()``
recomputes every hash, follows the links and reports the first problem (modified, deleted).

Subjects: the ID numbers of persons whose data was returned are stored only as keyed SM3
digests (``subject_digest``; HMAC-SM3 under ``settings.SHARING_SUBJECT_KEY``), covered by the
chain and indexed in ``AccessSubject`` for the citizen's "我的数据使用记录".
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tongban.core import audit
from tongban.core.crypto import sm3
from tongban.core.masking import mask_id_number
from tongban.core.middleware import current_client_ip, current_request_id
from tongban.sharing.models import AccessLogEntry, AccessSubject

# pg_advisory_xact_lock key of this chain ("TBSHARE"), distinct from the audit log's.
CHAIN_LOCK_KEY = 0x544253484152
CANONICAL_VERSION = 1


def _subject_key() -> bytes:
    configured = getattr(settings, "SHARING_SUBJECT_KEY", "")
    if configured:
        return configured.encode()
    return sm3.digest(b"tongban.sharing.subject-key\n" + settings.SECRET_KEY.encode())


def subject_digest(id_number: str) -> str:
    """Keyed SM3 digest of an ID number (the same person always gives the same digest)."""
    normalised = "".join(str(id_number or "").split()).upper()
    return sm3.hmac(_subject_key(), normalised.encode()).hex()


def _body(entry: AccessLogEntry) -> dict:
    return {
        "v": CANONICAL_VERSION,
        "seq": int(entry.seq),
        "created_at": audit._timestamp(entry.created_at),
        "outcome": entry.outcome or "",
        "refusal_code": entry.refusal_code or "",
        "consumer_system_id": entry.consumer_system_id,
        "consumer_unit_id": entry.consumer_unit_id,
        "consumer_name": entry.consumer_name or "",
        "client_id": entry.client_id or "",
        "resource_id": entry.resource_id,
        "resource_code": entry.resource_code or "",
        "provider_unit_id": entry.provider_unit_id,
        "grant_id": entry.grant_id,
        "purpose": entry.purpose or "",
        "reference": entry.reference or "",
        "items": audit.normalise_data(entry.items or []),
        "query": audit.normalise_data(entry.query or {}),
        "row_count": int(entry.row_count or 0),
        "subject_digests": audit.normalise_data(entry.subject_digests or []),
        "request_id": entry.request_id or "",
        "ip": audit._ip(entry.ip),
        "prev_hash": entry.prev_hash or "",
    }


def entry_digest(entry: AccessLogEntry) -> str:
    return sm3.hexdigest(audit.canonical_bytes(_body(entry)))


def append(
    *,
    outcome: str,
    refusal_code: str = "",
    consumer_system=None,
    consumer_unit=None,
    consumer_name: str = "",
    client_id: str = "",
    resource=None,
    resource_code: str = "",
    provider_unit=None,
    grant=None,
    purpose: str = "",
    reference: str = "",
    items=(),
    query=None,
    row_count: int = 0,
    subjects=(),
) -> AccessLogEntry:
    """Append one entry (inside the caller's transaction); ``subjects``: ID numbers."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("access_log.append must be called inside a transaction")
    subjects = sorted({"".join(str(s).split()).upper() for s in subjects if s})
    digests = [subject_digest(s) for s in subjects]
    audit._lock_chain(AccessLogEntry, CHAIN_LOCK_KEY)
    head = audit._chain_head(AccessLogEntry)
    entry = AccessLogEntry(
        seq=(head[0] + 1) if head else 1,
        created_at=timezone.now(),
        outcome=outcome,
        refusal_code=str(refusal_code or "")[:64],
        consumer_system=consumer_system,
        consumer_unit=consumer_unit,
        consumer_name=str(consumer_name or "")[:200],
        client_id=str(client_id or "")[:100],
        resource=resource,
        resource_code=str(resource_code or getattr(resource, "code", ""))[:64],
        provider_unit=provider_unit
        if provider_unit is not None
        else getattr(resource, "provider", None),
        grant=grant,
        purpose=str(purpose or "")[:200],
        reference=str(reference or "")[:64],
        items=audit.normalise_data(list(items)),
        query=audit.normalise_data(query or {}),
        row_count=row_count,
        subject_digests=digests,
        request_id=str(current_request_id() or "")[:64],
        ip=audit._ip(current_client_ip()) or None,
        prev_hash=head[1] if head else audit.GENESIS_HASH,
    )
    entry.hash = entry_digest(entry)
    entry.save()
    if subjects:
        AccessSubject.objects.bulk_create(
            AccessSubject(entry=entry, subject_digest=digest, subject_masked=mask_id_number(s))
            for s, digest in zip(subjects, digests, strict=True)
        )
    return entry


@dataclass(frozen=True)
class LogVerification:
    ok: bool
    count: int
    head_seq: int
    problem_seq: int | None = None
    problem: str = ""  # modified | deleted
    message: str = ""

    def __bool__(self) -> bool:
        return self.ok

    @property
    def summary(self) -> str:
        if self.ok:
            return f"OK: {self.count} entries"
        return f"FAIL: {self.message}"


def verify_chain(*, chunk_size: int = 2000) -> LogVerification:
    """Recompute every entry's hash in seq order and follow the links; first problem wins."""
    expected, prev_hash, count = 1, audit.GENESIS_HASH, 0
    for entry in AccessLogEntry.objects.order_by("seq").iterator(chunk_size=chunk_size):
        if entry.seq != expected:
            return LogVerification(
                False,
                count,
                expected - 1,
                expected,
                "deleted",
                f"第 {expected} 号调用记录缺失（已被删除） / entry #{expected} is missing",
            )
        if entry_digest(entry) != entry.hash:
            return LogVerification(
                False,
                count,
                expected - 1,
                entry.seq,
                "modified",
                f"第 {entry.seq} 号调用记录被修改（哈希不符） / entry #{entry.seq} was modified",
            )
        if entry.prev_hash != prev_hash:
            rewritten = max(entry.seq - 1, 1)
            return LogVerification(
                False,
                count,
                expected - 1,
                rewritten,
                "modified",
                f"第 {rewritten} 号调用记录被改写（链接不符） / entry #{rewritten} was rewritten",
            )
        prev_hash = entry.hash
        count += 1
        expected += 1
    return LogVerification(True, count, expected - 1)
