"""Webhooks to department systems on order status changes (signed, retried).

A department system (an OAuth client with the ``payments:orders`` scope) registers one
endpoint URL with ``PUT /api/v1/payments/webhook-endpoint``; the platform generates its
secret (shown once, stored encrypted with ``core.crypto.envelope``). Every status change of an
order the client opened queues one ``PaymentWebhookDelivery`` (a listener registered with
``services.events``), sent after commit by ``tasks.deliver_order_webhook``::

    POST <url>
    Content-Type: application/json; charset=utf-8
    X-Tongban-Event: payment_order.status_changed
    X-Tongban-Delivery: <delivery id>
    X-Tongban-Timestamp: <unix seconds>
    X-Tongban-Signature: <hex HMAC-SM3(secret, timestamp + "." + body)>

Same scheme as the case webhooks (``tongban.core.webhooks``). A 2xx answer marks it
delivered; otherwise it is retried with exponential backoff (30 s … 1 h) up to
``PAYMENTS_WEBHOOK_MAX_ATTEMPTS`` (default 6) attempts; ``tasks.retry_order_webhooks`` sends
the due retries. Receivers refuse timestamps older than 5 minutes and remember delivery ids
(at-least-once delivery).
"""

from __future__ import annotations

import logging
import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tongban.core import audit
from tongban.core import webhooks as core_webhooks
from tongban.core.crypto import envelope
from tongban.core.exceptions import DomainError
from tongban.payments.errors import OrderError, error
from tongban.payments.models import PaymentWebhookDelivery, PaymentWebhookEndpoint

logger = logging.getLogger(__name__)
EVENT = "payment_order.status_changed"
SECRET_AAD = b"tongban.payments.webhook_secret"
LEASE = timedelta(seconds=120)

envelope.register(
    "payments.PaymentWebhookEndpoint", "secret_encrypted", aad=lambda _obj: SECRET_AAD
)


def _allow_private() -> bool:
    return bool(getattr(settings, "PAYMENTS_WEBHOOK_ALLOW_PRIVATE", False))


def max_attempts() -> int:
    return int(getattr(settings, "PAYMENTS_WEBHOOK_MAX_ATTEMPTS", 6))


def secret_of(endpoint: PaymentWebhookEndpoint) -> str:
    return envelope.decrypt_text(endpoint.secret_encrypted, aad=SECRET_AAD)


def set_endpoint(*, client_id: str, org_unit, url: str, actor, rotate: bool = False):
    """Create or change a client's endpoint; returns ``(endpoint, secret or None)`` — the
    secret only when it is new (first registration or ``rotate``)."""
    url = (url or "").strip()
    problem = core_webhooks.validate_url(
        url,
        require_https=bool(getattr(settings, "PAYMENTS_WEBHOOK_REQUIRE_HTTPS", False)),
        allow_private=_allow_private(),
    )
    if problem:
        raise error(OrderError.WEBHOOK_URL_INVALID, field="url")
    with transaction.atomic():
        endpoint = (
            PaymentWebhookEndpoint.objects.select_for_update().filter(client_id=client_id).first()
        )
        secret = None
        if endpoint is None or rotate:
            secret = secrets.token_hex(32)
        old_url = endpoint.url if endpoint else None
        if endpoint is None:
            endpoint = PaymentWebhookEndpoint(client_id=client_id, org_unit=org_unit)
        endpoint.url = url
        endpoint.is_active = True
        if secret:
            endpoint.secret_encrypted = envelope.encrypt_text(secret, aad=SECRET_AAD)
        endpoint.save()
        audit.record(
            "payments.webhook_endpoint_set",
            actor=actor,
            target_type="payments.paymentwebhookendpoint",
            target_id=str(endpoint.pk),
            target_label=client_id,
            org_unit=org_unit,
            data={"old": {"url": old_url}, "new": {"url": url}, "secret_rotated": bool(secret)},
        )
    return endpoint, secret


def payload_for(order, old_status: str, new_status: str, event_id: str, at) -> dict:
    """No personal data: the system looks the order up with its own token."""
    return {
        "event": EVENT,
        "delivery_id": event_id,
        "occurred_at": at.isoformat(),
        "order": {
            "code": order.code,
            "reference": order.reference,
            "status": new_status,
            "old_status": old_status,
            "amount": order.amount,
            "paid_amount": order.paid_amount,
            "paid_at": order.paid_at.isoformat() if order.paid_at else None,
        },
    }


def queue_order_change(order, old_status: str, new_status: str, *, actor) -> None:
    """Order listener: one delivery to the endpoint of the client that opened the order."""
    if not order.client_id:
        return
    endpoint = PaymentWebhookEndpoint.objects.filter(
        client_id=order.client_id, is_active=True
    ).first()
    if endpoint is None:
        return
    now = timezone.now()
    event_id = uuid.uuid4().hex
    delivery = PaymentWebhookDelivery.objects.create(
        endpoint=endpoint,
        order=order,
        event_id=event_id,
        payload=payload_for(order, old_status, new_status, event_id, now),
        next_attempt_at=now,
    )
    pk = delivery.pk
    transaction.on_commit(lambda: _enqueue(pk))


def _enqueue(pk: int) -> None:
    from tongban.payments.tasks import deliver_order_webhook

    try:
        deliver_order_webhook.enqueue(pk)
    except Exception:  # noqa: BLE001 - the periodic retry picks it up
        logger.exception("could not enqueue payment webhook delivery %s", pk)


def _post(url: str, body: bytes, headers: dict) -> tuple[int | None, str]:
    return core_webhooks.post(
        url,
        body,
        headers,
        timeout=float(getattr(settings, "PAYMENTS_WEBHOOK_TIMEOUT", 5)),
        allow_private=_allow_private(),
    )


def attempt_delivery(delivery_id: int, *, now=None) -> PaymentWebhookDelivery | None:
    now = now or timezone.now()
    claimed = PaymentWebhookDelivery.objects.filter(
        pk=delivery_id,
        status=PaymentWebhookDelivery.Status.PENDING,
        next_attempt_at__lte=now,
    ).update(next_attempt_at=now + LEASE)
    if claimed != 1:
        return None
    delivery = PaymentWebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    endpoint = delivery.endpoint
    body = core_webhooks.body_bytes(delivery.payload)
    timestamp = str(int(now.timestamp()))
    code, problem = None, ""
    if not endpoint.is_active:
        problem = "endpoint inactive"
    else:
        try:
            secret = secret_of(endpoint)
        except DomainError:
            problem = "secret unreadable"
        else:
            headers = core_webhooks.signed_headers(
                EVENT, delivery.event_id, secret, timestamp, body
            )
            code, problem = _post(endpoint.url, body, headers)
    core_webhooks.record_attempt(delivery, code, problem, now=now, max_attempts=max_attempts())
    return delivery


def retry_due_deliveries(*, now=None, limit: int = 100) -> dict:
    now = now or timezone.now()
    counts = {"delivered": 0, "pending": 0, "failed": 0}
    ids = list(
        PaymentWebhookDelivery.objects.filter(
            status=PaymentWebhookDelivery.Status.PENDING, next_attempt_at__lte=now
        )
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in ids:
        delivery = attempt_delivery(pk, now=now)
        if delivery is not None:
            counts[delivery.status] += 1
    return counts
