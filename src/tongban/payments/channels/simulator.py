"""Built-in channel simulators (WeChat Pay, Alipay, UnionPay) for development and demos.

They behave like the real channels from the platform's point of view:

1. ``start`` returns the URL of the simulator's cashier page (``/pay/sim/<trade_no>/``); the
   pay page shows it as a QR code generated locally.
2. The payer opens it (scans the QR, or taps on a phone) and confirms; the simulator then
   queues **asynchronous signed callbacks** (``SimulatedCallback`` rows) that a task POSTs
   to the same endpoint a real channel uses: ``POST /api/v1/payments/callbacks/<channel>``.
3. Callbacks are signed with **HMAC-SM3** (GB/T 32905 SM3 in HMAC, RFC 2104)::

       X-Sim-Timestamp: <unix seconds>
       X-Sim-Signature: hex(HMAC-SM3(channel secret, timestamp + "." + body))

   The body is canonical JSON ``{"event_id", "out_trade_no", "transaction_id", "amount",
   "status", "paid_at"}`` (amount in fen; status ``submitted`` | ``success`` | ``failed``).
   Timestamps older than 5 minutes are refused (replays). The channel secret is
   ``PAYMENTS_SIMULATOR_SECRET`` or, when empty, derived from ``SECRET_KEY`` per channel.

In demos the payer can make the simulator misbehave (``BEHAVIOURS``): delay the callback,
send it twice, send the final result before the "paying" notice, fail, or report a wrong
amount. Simulators exist only when ``SIMULATORS_ENABLED`` (production refuses them).
"""

from __future__ import annotations

import json
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from tongban.core import webhooks as core_webhooks
from tongban.core.crypto import sm3
from tongban.payments.channels.base import CallbackData, ChannelAdapter, RefundResult, StartResult
from tongban.payments.errors import OrderError, error
from tongban.payments.models import Payment, SimulatedCallback

LABELS = {"wechat": _("微信支付"), "alipay": _("支付宝"), "unionpay": _("银联/银行柜台")}
PREFIXES = {"wechat": "42", "alipay": "20", "unionpay": "61"}
TIMESTAMP_HEADER = "X-Sim-Timestamp"
SIGNATURE_HEADER = "X-Sim-Signature"
MAX_AGE_SECONDS = 300
MAX_ATTEMPTS = 5
CALLBACK_PATH = "/api/v1/payments/callbacks/{channel}"

NORMAL = "normal"
DELAY = "delay"
DUPLICATE = "duplicate"
REORDER = "reorder"
FAIL = "fail"
WRONG_AMOUNT = "wrong_amount"
BEHAVIOURS = {
    NORMAL: _("正常支付"),
    DELAY: _("延迟通知"),
    DUPLICATE: _("重复通知"),
    REORDER: _("乱序通知（结果先于“支付中”到达）"),
    FAIL: _("支付失败"),
    WRONG_AMOUNT: _("通知金额错误（少 1 分）"),
}


def channel_secret(key: str) -> str:
    configured = getattr(settings, "PAYMENTS_SIMULATOR_SECRET", "")
    if configured:
        return configured
    return sm3.hmac(settings.SECRET_KEY.encode(), f"payments.simulator.{key}".encode()).hex()


def sign_callback(key: str, payload: dict, *, timestamp: str | None = None) -> tuple[bytes, dict]:
    body = core_webhooks.body_bytes(payload)
    timestamp = timestamp or str(int(timezone.now().timestamp()))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: core_webhooks.sign(channel_secret(key), timestamp, body),
    }
    return body, headers


def callback_url(key: str) -> str:
    base = getattr(settings, "PAYMENTS_CALLBACK_BASE_URL", "") or settings.SITE_URL
    return base.rstrip("/") + CALLBACK_PATH.format(channel=key)


class SimulatorChannel(ChannelAdapter):
    is_simulator = True

    def __init__(self, key: str):
        self.key = key
        self.label = LABELS.get(key, key)

    def start(self, order, payment) -> StartResult:
        path = reverse("payments_simulator:cashier", args=[payment.trade_no])
        return StartResult(qr_payload=path, pay_url=path)

    def parse_callback(self, body: bytes, headers) -> CallbackData:
        timestamp = headers.get(TIMESTAMP_HEADER, "")
        signature = headers.get(SIGNATURE_HEADER, "")
        if not core_webhooks.verify_signature(
            channel_secret(self.key), timestamp, body, signature, max_age=MAX_AGE_SECONDS
        ):
            raise error(OrderError.INVALID_SIGNATURE)
        try:
            data = json.loads(body.decode())
            amount = data["amount"]
            status = data["status"]
            if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
                raise ValueError("amount")
            if status not in ("submitted", "success", "failed"):
                raise ValueError("status")
            paid_at = parse_datetime(data["paid_at"]) if data.get("paid_at") else None
            return CallbackData(
                event_id=str(data["event_id"])[:64],
                trade_no=str(data["out_trade_no"])[:32],
                channel_trade_no=str(data.get("transaction_id") or "")[:64],
                amount=amount,
                status=status,
                paid_at=paid_at,
            )
        except (ValueError, KeyError, TypeError, UnicodeDecodeError, AttributeError):
            raise error(OrderError.CALLBACK_MALFORMED) from None

    def refund(self, payment, *, refund_no: str, amount: int) -> RefundResult:
        if amount <= 0 or amount > payment.amount:
            return RefundResult(False, "", str(_("退款金额超过原交易金额。")))
        return RefundResult(True, f"SR{PREFIXES.get(self.key, '99')}{refund_no}"[:64], "OK")


# --- the channel side: confirmation and callback delivery ---------------------------------------
def _event(payment, status: str, amount: int, channel_trade_no: str, due_at, event_id=None):
    return SimulatedCallback(
        payment=payment,
        event_id=event_id or secrets.token_hex(16),
        reported_status=status,
        amount=amount,
        channel_trade_no=channel_trade_no,
        due_at=due_at,
    )


def confirm(trade_no: str, behaviour: str = NORMAL, *, delay_seconds: int = 30, now=None):
    """The payer confirmed on the simulator's cashier page: queue the callbacks."""
    from tongban.payments.channels.base import get_adapter

    if not getattr(settings, "SIMULATORS_ENABLED", False):
        raise error(OrderError.SIMULATORS_DISABLED)
    if behaviour not in BEHAVIOURS:
        behaviour = NORMAL
    now = now or timezone.now()
    with transaction.atomic():
        payment = Payment.objects.select_for_update().filter(trade_no=trade_no).first()
        if payment is None or not get_adapter(payment.channel).is_simulator:
            raise error(OrderError.PAYMENT_NOT_FOUND)
        if payment.status not in (Payment.Status.STARTED, Payment.Status.SUBMITTED):
            raise error(OrderError.PAYMENT_CLOSED)
        if SimulatedCallback.objects.filter(payment=payment).exists():
            raise error(OrderError.PAYMENT_CLOSED)
        txn = (
            PREFIXES.get(payment.channel, "99")
            + now.strftime("%Y%m%d%H%M%S")
            + (f"{secrets.randbelow(10**10):010d}")
        )
        amount = payment.amount
        paying = _event(payment, "submitted", amount, txn, now)
        if behaviour == FAIL:
            rows = [paying, _event(payment, "failed", amount, txn, now)]
        elif behaviour == WRONG_AMOUNT:
            rows = [paying, _event(payment, "success", max(amount - 1, 0), txn, now)]
        elif behaviour == DELAY:
            later = now + timedelta(seconds=max(0, int(delay_seconds)))
            rows = [paying, _event(payment, "success", amount, txn, later)]
        elif behaviour == DUPLICATE:
            success = _event(payment, "success", amount, txn, now)
            again = _event(payment, "success", amount, txn, now, event_id=success.event_id)
            rows = [paying, success, again, _event(payment, "success", amount, txn, now)]
        elif behaviour == REORDER:
            rows = [_event(payment, "success", amount, txn, now), paying]
        else:
            rows = [paying, _event(payment, "success", amount, txn, now)]
        created = [SimulatedCallback.objects.create(**_fields(row)) for row in rows]
        due = [row.pk for row in created if row.due_at <= now]
        transaction.on_commit(lambda: _enqueue(due))
    return payment, created


def _fields(row: SimulatedCallback) -> dict:
    return {
        field.name: getattr(row, field.name)
        for field in SimulatedCallback._meta.concrete_fields
        if field.name != "id"
    }


def _enqueue(ids: list[int]) -> None:
    from tongban.payments.tasks import deliver_simulated_callback

    for pk in ids:
        try:
            deliver_simulated_callback.enqueue(pk)
        except Exception:  # noqa: BLE001 - the periodic task sends it later
            import logging

            logging.getLogger(__name__).exception("could not enqueue simulated callback %s", pk)


def payload_of(row: SimulatedCallback) -> dict:
    return {
        "event_id": row.event_id,
        "out_trade_no": row.payment.trade_no,
        "transaction_id": row.channel_trade_no,
        "amount": row.amount,
        "status": row.reported_status,
        "paid_at": row.due_at.isoformat() if row.reported_status == "success" else None,
    }


def transport(url: str, body: bytes, headers: dict) -> tuple[int | None, str]:
    """POST to the platform's callback endpoint (replaced in tests by the test client)."""
    return core_webhooks.post(url, body, headers, timeout=10, allow_private=True)


def deliver(callback_id: int, *, now=None) -> SimulatedCallback | None:
    """Send one due simulated callback (claimed with a conditional UPDATE)."""
    now = now or timezone.now()
    claimed = SimulatedCallback.objects.filter(
        pk=callback_id, state=SimulatedCallback.State.PENDING, due_at__lte=now
    ).update(due_at=now + timedelta(seconds=60))
    if claimed != 1:
        return None
    row = SimulatedCallback.objects.select_related("payment").get(pk=callback_id)
    body, headers = sign_callback(row.payment.channel, payload_of(row))
    code, _error = transport(callback_url(row.payment.channel), body, headers)
    row.attempts += 1
    row.response_code = code
    if code is not None and 200 <= code < 300:
        row.state = SimulatedCallback.State.SENT
        row.sent_at = timezone.now()
    elif row.attempts >= MAX_ATTEMPTS or (code is not None and 400 <= code < 500):
        row.state = SimulatedCallback.State.FAILED  # the platform refused it: no retry
    else:
        row.due_at = now + core_webhooks.backoff(row.attempts)
    row.save(update_fields=["attempts", "response_code", "state", "sent_at", "due_at"])
    return row


def deliver_due(*, now=None, limit: int = 100) -> int:
    now = now or timezone.now()
    ids = list(
        SimulatedCallback.objects.filter(state=SimulatedCallback.State.PENDING, due_at__lte=now)
        .order_by("due_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for pk in ids if deliver(pk, now=now) is not None)
