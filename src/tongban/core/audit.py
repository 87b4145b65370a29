"""Audit events: append-only, SM3 hash chain.

Call ``record(...)`` inside the service's ``transaction.atomic`` block::

    with transaction.atomic():
        case.status = ...
        case.save()
        audit.record("cases.case_accepted", actor=actor, target=case, org_unit=case.org_unit,
                     data={"old": "submitted", "new": "accepted"})
"""

import hashlib
import json

from django.db import transaction
from django.utils import timezone

from tongban.core.middleware import current_client_ip, current_request_id
from tongban.core.models import AuditEvent

GENESIS_HASH = "0" * 64


def _sm3_hex(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


def event_digest(event: AuditEvent) -> str:
    body = {
        "seq": event.seq,
        "created_at": event.created_at.isoformat(),
        "event_type": event.event_type,
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "org_unit_id": event.org_unit_id,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "target_label": event.target_label,
        "request_id": event.request_id,
        "ip": event.ip,
        "data": event.data,
        "prev_hash": event.prev_hash,
    }
    canonical = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return _sm3_hex(canonical.encode())


def record(event_type, *, actor, target=None, org_unit=None, data=None, target_type="",
           target_id="", target_label="") -> AuditEvent:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must be called inside the service's transaction")
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
        target_label = target_label or str(target)[:200]
    last = AuditEvent.objects.select_for_update().order_by("-seq").only("seq", "hash").first()
    event = AuditEvent(
        seq=(last.seq + 1) if last else 1,
        created_at=timezone.now(),
        event_type=event_type,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=str(actor)[:100] if actor is not None else "system",
        org_unit=org_unit,
        target_type=target_type,
        target_id=str(target_id),
        target_label=target_label,
        request_id=current_request_id(),
        ip=current_client_ip() or None,
        data=data or {},
        prev_hash=last.hash if last else GENESIS_HASH,
    )
    event.hash = event_digest(event)
    event.save(force_insert=True)
    return event
