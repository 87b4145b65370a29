"""Audit events: append-only, an SM3 hash chain, signed checkpoints.

Call ``record(...)`` inside the service's ``transaction.atomic`` block::

    with transaction.atomic():
        case.status = ...
        case.save()
        audit.record("cases.case_accepted", actor=actor, target=case, org_unit=case.org_unit,
                     data={"old": "submitted", "new": "accepted"})

Each event stores ``hash = SM3(canonical JSON of its fields incl. seq and prev_hash)`` and
``prev_hash`` = the previous event's hash (``GENESIS_HASH`` for seq 1). Appends are serialised
(PostgreSQL: a transaction-level advisory lock; SQLite: the settings open every transaction
with ``BEGIN IMMEDIATE``), so ``seq`` stays gapless and the chain never forks.

``sign_chain_head()`` signs (seq, hash) of the head with the platform SM2 key once a day
(``AuditCheckpoint``); ``verify_chain()`` recomputes every hash, follows the links and checks
the checkpoints, and reports the first problem found.
"""

from __future__ import annotations

import ipaddress
import json
import math
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from tongban.core.middleware import current_client_ip, current_request_id
from tongban.core.models import AuditCheckpoint, AuditEvent, OrgUnit

try:  # the platform crypto module; hashlib's OpenSSL SM3 gives identical digests
    from tongban.core.crypto.sm3 import hexdigest as _sm3_hexdigest
except ImportError:  # pragma: no cover - only while the crypto package is incomplete
    import hashlib

    def _sm3_hexdigest(data: bytes) -> str:
        return hashlib.new("sm3", data).hexdigest()


GENESIS_HASH = "0" * 64
# Version of the canonical form below; part of every digest so it can evolve.
CANONICAL_VERSION = 1
# pg_advisory_xact_lock key serialising appends and checkpoint signing ("TBAUDIT").
CHAIN_LOCK_KEY = 0x54424155444954
EVENT_TYPE_RE = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
SYSTEM_ACTOR = "system"


# --- canonical form --------------------------------------------------------------------------
def normalise_data(value):
    """Return ``value`` as plain JSON that reads back identically from SQLite and PostgreSQL.

    dicts get string keys, tuples/sets become lists, dates/Decimals/UUIDs become strings
    (DjangoJSONEncoder), floats become their ``repr`` string (jsonb may rewrite ``1e100`` or
    ``1.50``), NUL characters (refused by PostgreSQL) become U+FFFD. ``record()`` stores
    the normalised form, so what is hashed is exactly what is stored.
    """
    if value is None or isinstance(value, bool | int | str):
        return value.replace("\x00", "\ufffd") if isinstance(value, str) else value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("audit data cannot hold NaN or infinity")
        return repr(value)
    if isinstance(value, dict):
        return {_key(k): normalise_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [normalise_data(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted((normalise_data(v) for v in value), key=lambda v: json.dumps(v))
    if isinstance(value, Model):
        return str(value.pk)
    return normalise_data(DjangoJSONEncoder().default(value))


def _key(key) -> str:
    return str(key).replace("\x00", "\ufffd")


def _clean(text, max_length: int) -> str:
    return ("" if text is None else str(text)).replace("\x00", "\ufffd")[:max_length]


def _timestamp(value: datetime) -> str:
    if timezone.is_aware(value):
        value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _ip(value) -> str:
    if not value:
        return ""
    try:
        return str(ipaddress.ip_address(str(value).strip()))
    except ValueError:
        return ""


def canonical_bytes(body: dict) -> bytes:
    return json.dumps(
        body, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
    ).encode("utf-8")


def _event_body(event: AuditEvent, seq: int | None = None) -> dict:
    return {
        "v": CANONICAL_VERSION,
        "seq": int(event.seq if seq is None else seq),
        "created_at": _timestamp(event.created_at),
        "event_type": event.event_type or "",
        "actor_id": event.actor_id,
        "actor_name": event.actor_name or "",
        "org_unit_id": event.org_unit_id,
        "target_type": event.target_type or "",
        "target_id": event.target_id or "",
        "target_label": event.target_label or "",
        "request_id": event.request_id or "",
        "ip": _ip(event.ip),
        "data": normalise_data(event.data if event.data is not None else {}),
        "prev_hash": event.prev_hash or "",
    }


def event_digest(event: AuditEvent, *, seq: int | None = None) -> str:
    """SM3 of the event's canonical JSON (``seq`` overrides the stored one, for diagnosis)."""
    return _sm3_hexdigest(canonical_bytes(_event_body(event, seq)))


def checkpoint_message(seq: int, head_hash: str, signed_at: datetime) -> bytes:
    """The bytes the platform key signs for a checkpoint."""
    return f"tongban.audit.checkpoint.v1\n{int(seq)}\n{head_hash}\n{_timestamp(signed_at)}".encode()


# --- appending -------------------------------------------------------------------------------
def _lock_chain(model=AuditEvent, lock_key: int = CHAIN_LOCK_KEY) -> None:
    """Serialise appends within the current transaction.

    ``model``/``lock_key``: another append-only chain with ``seq``/``hash`` columns (the
    sharing access log) locks its own chain with its own key."""
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_key])
    elif connection.vendor != "sqlite":
        # Other databases: lock the current head row. (SQLite needs nothing: the settings
        # start every transaction with BEGIN IMMEDIATE, which already serialises writers.)
        list(model.objects.select_for_update().order_by("-seq").values_list("pk")[:1])


def _chain_head(model=AuditEvent) -> tuple[int, str] | None:
    """(seq, hash) of the last row of the chain (plain SQL: this runs on every append)."""
    connection = transaction.get_connection()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote('seq')}, {quote('hash')} FROM {quote(model._meta.db_table)} "  # noqa: S608 - identifiers only
            f"ORDER BY {quote('seq')} DESC LIMIT 1"
        )
        row = cursor.fetchone()
    return (int(row[0]), row[1]) if row else None


def record(
    event_type,
    *,
    actor,
    target=None,
    org_unit=None,
    data=None,
    target_type="",
    target_id="",
    target_label="",
) -> AuditEvent:
    """Append one event to the chain; must run inside the caller's ``transaction.atomic``.

    ``actor``: a user, ``None`` (system) or a string naming a system actor ("worker").
    ``target``: a model instance (type, id and label are taken from it) or give
    ``target_type``/``target_id``/``target_label`` directly. ``data``: JSON-able dict, by
    convention ``{"old": ..., "new": ...}`` for changes.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must be called inside the service's transaction")
    if not EVENT_TYPE_RE.match(event_type or ""):
        raise ValueError(f"event_type must look like '<app>.<thing>_<past_verb>': {event_type!r}")
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
        target_label = target_label or str(target)
        if org_unit is None and isinstance(getattr(target, "org_unit", None), OrgUnit):
            org_unit = target.org_unit
    if isinstance(actor, str):
        actor_obj, actor_name = None, actor
    elif actor is None:
        actor_obj, actor_name = None, SYSTEM_ACTOR
    else:
        actor_obj = actor if getattr(actor, "pk", None) else None
        actor_name = str(actor)

    _lock_chain()
    last = _chain_head()
    event = AuditEvent(
        seq=(last[0] + 1) if last else 1,
        created_at=timezone.now(),
        event_type=event_type,
        actor=actor_obj,
        actor_name=_clean(actor_name, 100),
        org_unit=org_unit,
        target_type=_clean(target_type, 100),
        target_id=_clean(target_id, 64),
        target_label=_clean(target_label, 200),
        request_id=_clean(current_request_id(), 64),
        ip=_ip(current_client_ip()) or None,
        data=normalise_data(data or {}),
        prev_hash=last[1] if last else GENESIS_HASH,
    )
    event.hash = event_digest(event)
    event.save()
    return event


# --- signing the head ------------------------------------------------------------------------
def _signing_key():
    from tongban.core.crypto import keys

    return keys.platform_signing_key()


def _public_key_for(fingerprint: str):
    from tongban.core.crypto import keys

    return keys.public_key_for(fingerprint)


def sign_chain_head(*, actor=None, now: datetime | None = None) -> AuditCheckpoint | None:
    """Sign the current head with the platform SM2 key; at most one checkpoint per day.

    Returns the day's checkpoint (the existing one if already signed today) or ``None`` when
    the chain is empty. Records ``core.audit_head_signed`` after the checkpoint, so deleting
    a checkpoint row later leaves a trace in the chain.
    """
    now = now or timezone.now()
    day = timezone.localdate(now)
    with transaction.atomic():
        _lock_chain()
        existing = AuditCheckpoint.objects.filter(signed_on=day).first()
        if existing is not None:
            return existing
        if not AuditEvent.objects.exists():
            return None
        # Load (or create) the key first: creating it appends an event of its own.
        key = _signing_key()
        seq, head_hash = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
        checkpoint = AuditCheckpoint(
            seq=seq,
            hash=head_hash,
            signed_at=now,
            signed_on=day,
            key_fingerprint=key.public_key.fingerprint(),
            signature=bytes(key.sign(checkpoint_message(seq, head_hash, now))),
        )
        checkpoint.save()
        record(
            "core.audit_head_signed",
            actor=actor if actor is not None else SYSTEM_ACTOR,
            target_type="core.auditcheckpoint",
            target_id=str(checkpoint.pk),
            target_label=f"#{seq}",
            data={
                "seq": seq,
                "hash": head_hash,
                "key_fingerprint": checkpoint.key_fingerprint,
                "signed_on": day.isoformat(),
            },
        )
        return checkpoint


# --- verification ----------------------------------------------------------------------------
class Problem:
    MODIFIED = "modified"
    DELETED = "deleted"
    REORDERED = "reordered"
    TRUNCATED = "truncated"
    CHECKPOINT_MISMATCH = "checkpoint_mismatch"
    CHECKPOINT_INVALID = "checkpoint_invalid_signature"
    CHECKPOINT_UNKNOWN_KEY = "checkpoint_unknown_key"


@dataclass(frozen=True)
class ChainProblem:
    kind: str
    seq: int
    message_zh: str
    message_en: str
    detail: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.message_zh} / {self.message_en}"


@dataclass(frozen=True)
class ChainVerification:
    ok: bool
    count: int
    head_seq: int
    head_hash: str
    checkpoints: int
    problem: ChainProblem | None = None

    def __bool__(self) -> bool:
        return self.ok

    @property
    def summary(self) -> str:
        if self.ok:
            return f"OK: {self.count} events, head {self.head_hash or GENESIS_HASH}"
        return f"FAIL: {self.problem}"


def _original_seq(event: AuditEvent, depth: int = 0) -> int | None:
    """The seq an intact event was written with, found by following its prev_hash."""
    if event_digest(event) == event.hash:
        return event.seq
    if depth > 64:
        return None
    if event.prev_hash == GENESIS_HASH:
        candidate = 1
    else:
        previous = AuditEvent.objects.filter(hash=event.prev_hash).order_by("seq").first()
        previous_seq = _original_seq(previous, depth + 1) if previous is not None else None
        if previous_seq is None:
            return None
        candidate = previous_seq + 1
    return candidate if event_digest(event, seq=candidate) == event.hash else None


def _problem(kind: str, seq: int, zh: str, en: str, **detail) -> ChainProblem:
    return ChainProblem(kind=kind, seq=seq, message_zh=zh, message_en=en, detail=detail)


def _check_signatures(checkpoints) -> ChainProblem | None:
    for cp in checkpoints:
        label = f"{cp.signed_on.isoformat()} (#{cp.seq})"
        try:
            public_key = _public_key_for(cp.key_fingerprint)
        except Exception:  # noqa: BLE001 - an unknown key is reported, whatever the lookup raised
            public_key = None
        if public_key is None:
            return _problem(
                Problem.CHECKPOINT_UNKNOWN_KEY,
                cp.seq,
                f"签名检查点 {label} 的签名密钥 {cp.key_fingerprint} 未知",
                f"checkpoint {label} was signed with an unknown key {cp.key_fingerprint}",
                checkpoint_id=cp.pk,
            )
        message = checkpoint_message(cp.seq, cp.hash, cp.signed_at)
        try:
            valid = bool(public_key.verify(message, bytes(cp.signature)))
        except Exception:  # noqa: BLE001 - a malformed signature is an invalid signature
            valid = False
        if not valid:
            return _problem(
                Problem.CHECKPOINT_INVALID,
                cp.seq,
                f"签名检查点 {label} 的签名无效",
                f"checkpoint {label} has an invalid signature",
                checkpoint_id=cp.pk,
            )
    return None


def verify_chain(*, chunk_size: int = 2000) -> ChainVerification:
    """Recompute the chain and check the signed checkpoints; report the first problem.

    Order of checks: checkpoint signatures; then each event in seq order (a missing seq →
    deleted; a hash that does not match its content → modified, or reordered when the
    content matches another position; a broken link to the previous event → that previous
    event was rewritten; a hash that differs from a checkpoint's → chain rewritten); finally
    a head below the latest checkpoint → truncated.
    """
    checkpoints = list(AuditCheckpoint.objects.order_by("seq", "signed_at"))
    by_seq: dict[int, list[AuditCheckpoint]] = {}
    for cp in checkpoints:
        by_seq.setdefault(cp.seq, []).append(cp)

    def fail(problem, count=0, head_seq=0, head_hash=""):
        return ChainVerification(False, count, head_seq, head_hash, len(checkpoints), problem)

    problem = _check_signatures(checkpoints)
    if problem:
        return fail(problem)

    expected = 1
    prev_hash = GENESIS_HASH
    count = 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=chunk_size):
        if event.seq != expected:
            if event.seq > expected:
                last = event.seq - 1
                span = f"第 {expected} 号" if last == expected else f"第 {expected}–{last} 号"
                span_en = f"#{expected}" if last == expected else f"#{expected}–#{last}"
                return fail(
                    _problem(
                        Problem.DELETED,
                        expected,
                        f"{span}事件缺失（已被删除）",
                        f"event {span_en} is missing (deleted)",
                        first_missing=expected,
                        last_missing=last,
                    ),
                    count,
                    expected - 1,
                    prev_hash,
                )
            return fail(
                _problem(  # seq below expected cannot happen with a unique seq
                    Problem.MODIFIED,
                    event.seq,
                    f"第 {event.seq} 号事件序号异常",
                    f"event #{event.seq} has an unexpected sequence number",
                ),
                count,
                expected - 1,
                prev_hash,
            )
        if event_digest(event) != event.hash:
            original = _original_seq(event)
            if original is not None and original != event.seq:
                return fail(
                    _problem(
                        Problem.REORDERED,
                        event.seq,
                        f"第 {event.seq} 号位置上的事件原为第 {original} 号（顺序被调换）",
                        f"the event at #{event.seq} was written as #{original} (reordered)",
                        original_seq=original,
                    ),
                    count,
                    expected - 1,
                    prev_hash,
                )
            return fail(
                _problem(
                    Problem.MODIFIED,
                    event.seq,
                    f"第 {event.seq} 号事件内容被修改（哈希不符）",
                    f"event #{event.seq} was modified (hash mismatch)",
                ),
                count,
                expected - 1,
                prev_hash,
            )
        if event.prev_hash != prev_hash:
            rewritten = max(event.seq - 1, 1)
            return fail(
                _problem(
                    Problem.MODIFIED,
                    rewritten,
                    f"第 {rewritten} 号事件被改写（与后一事件的链接不符）",
                    f"event #{rewritten} was rewritten (the link from event #{event.seq} does not match)",
                ),
                count,
                expected - 1,
                prev_hash,
            )
        for cp in by_seq.get(event.seq, ()):
            if cp.hash != event.hash:
                return fail(
                    _problem(
                        Problem.CHECKPOINT_MISMATCH,
                        event.seq,
                        f"第 {event.seq} 号事件与 {cp.signed_on.isoformat()} 的签名检查点不符（链被改写）",
                        f"event #{event.seq} does not match the checkpoint signed on "
                        f"{cp.signed_on.isoformat()} (chain rewritten)",
                        checkpoint_id=cp.pk,
                    ),
                    count,
                    expected - 1,
                    prev_hash,
                )
        count += 1
        prev_hash = event.hash
        expected += 1

    head_seq = expected - 1
    head_hash = prev_hash if count else ""
    if checkpoints:
        latest = max(checkpoints, key=lambda cp: cp.seq)
        if latest.seq > head_seq:
            return fail(
                _problem(
                    Problem.TRUNCATED,
                    head_seq + 1,
                    f"审计链被截断：{latest.signed_on.isoformat()} 的签名检查点覆盖到第 {latest.seq} 号事件，"
                    f"当前只到第 {head_seq} 号",
                    f"chain truncated: the checkpoint signed on {latest.signed_on.isoformat()} covers "
                    f"event #{latest.seq} but the chain ends at #{head_seq}",
                    checkpoint_id=latest.pk,
                    checkpoint_seq=latest.seq,
                ),
                count,
                head_seq,
                head_hash,
            )
    return ChainVerification(True, count, head_seq, head_hash, len(checkpoints))


# --- reads for the console -------------------------------------------------------------------
def filter_events(
    *,
    event_type: str = "",
    actor: str = "",
    target: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    org_unit: OrgUnit | None = None,
):
    """Events newest first, filtered as in the console (all filters optional).

    ``event_type``: exact type, or a prefix ending in "." (``cases.``); ``actor``: part of
    the actor's name; ``target``: exact target id or part of the target label; dates are
    local calendar days, inclusive; ``org_unit``: that unit and the units below it.
    """
    from django.db.models import Q

    qs = AuditEvent.objects.all()
    if event_type:
        qs = (
            qs.filter(event_type__startswith=event_type)
            if event_type.endswith(".")
            else qs.filter(event_type=event_type)
        )
    if actor:
        qs = qs.filter(actor_name__icontains=actor)
    if target:
        qs = qs.filter(Q(target_id=target) | Q(target_label__icontains=target))
    tz = timezone.get_current_timezone()
    if date_from:
        qs = qs.filter(created_at__gte=datetime.combine(date_from, datetime.min.time(), tz))
    if date_to:
        qs = qs.filter(
            created_at__lt=datetime.combine(date_to, datetime.min.time(), tz) + timedelta(days=1)
        )
    if org_unit is not None:
        units = (
            OrgUnit.objects.filter(path__startswith=org_unit.path)
            if org_unit.path
            else OrgUnit.objects.filter(pk=org_unit.pk)
        )
        qs = qs.filter(org_unit_id__in=units.values("pk"))
    return qs.order_by("-seq")
