"""The courier simulator: a stand-in for a real courier's API while ``SIMULATORS_ENABLED``.

Callbacks are JSON bodies signed with HMAC-SM3 over ``"<timestamp>.<body>"`` with the shared
secret ``settings.COURIER_SIMULATOR_SECRET``, sent in the headers ``X-Courier-Timestamp`` and
``X-Courier-Signature`` (hex) — the same shape as the real couriers' push APIs. Timestamps
older than ``COURIER_CALLBACK_MAX_AGE`` seconds are refused (replays).

The simulator page (/courier/sim/) moves a shipment along; each step is delivered
asynchronously by a task, and can be sent twice, late (out of order) or with a forged
signature, so the platform's handling of each can be seen.
"""

from __future__ import annotations

import hmac as _hmac
import json
import secrets
import time
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from tongban.core.crypto import sm3
from tongban.servicedesk.couriers import CallbackRejected, CourierAdapter, CourierEvent

EVENT_STATUSES = ("picked_up", "in_transit", "delivered", "failed")


def _secret() -> bytes:
    return settings.COURIER_SIMULATOR_SECRET.encode()


def sign(timestamp: str, body: bytes, secret: bytes | None = None) -> str:
    return sm3.hmac(secret or _secret(), timestamp.encode() + b"." + body).hex()


def signed_callback(
    waybill_no: str,
    status: str,
    *,
    description: str = "",
    event_id: str | None = None,
    occurred_at: datetime | None = None,
    forge: bool = False,
) -> tuple[bytes, dict]:
    """The body and headers the simulated courier sends for one tracking event."""
    body = json.dumps(
        {
            "event_id": event_id or secrets.token_hex(8),
            "waybill_no": waybill_no,
            "status": status,
            "description": description,
            "occurred_at": (occurred_at or timezone.now()).isoformat(),
        },
        ensure_ascii=False,
    ).encode()
    timestamp = str(int(time.time()))
    secret = secrets.token_bytes(16) if forge else None
    return body, {
        "X-Courier-Timestamp": timestamp,
        "X-Courier-Signature": sign(timestamp, body, secret),
    }


class SimulatorCourier(CourierAdapter):
    key = "sim"
    label = "模拟快递（演示）"
    simulator = True

    def create_shipment(self, order) -> str:
        return f"SIM{secrets.randbelow(10**12):012d}"

    def parse_callback(self, body: bytes, headers) -> CourierEvent:
        timestamp = headers.get("X-Courier-Timestamp", "")
        signature = headers.get("X-Courier-Signature", "")
        if not timestamp.isdigit() or not signature:
            raise CallbackRejected("missing signature headers")
        if abs(time.time() - int(timestamp)) > settings.COURIER_CALLBACK_MAX_AGE:
            raise CallbackRejected("stale timestamp")
        if not _hmac.compare_digest(sign(timestamp, body), signature.lower()):
            raise CallbackRejected("bad signature")
        try:
            data = json.loads(body)
            status = data["status"]
            if status not in EVENT_STATUSES:
                raise ValueError(status)
            return CourierEvent(
                event_id=str(data["event_id"])[:64],
                waybill_no=str(data["waybill_no"])[:40],
                status=status,
                occurred_at=datetime.fromisoformat(data["occurred_at"]),
                description=str(data.get("description", ""))[:200],
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise CallbackRejected(f"malformed body: {exc}") from None
