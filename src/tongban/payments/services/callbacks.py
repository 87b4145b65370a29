"""Channel callbacks (支付结果通知): verified, idempotent, safe under concurrency.

``process_callback(channel, body, headers)`` is what ``POST /api/v1/payments/callbacks/
<channel>`` runs:

1. The adapter verifies the signature and reads the notification. A forged or unreadable
   callback is refused (``invalid_signature`` 401 / ``callback_malformed`` 400), kept as a
   ``CallbackRecord`` (outcome ``forged``) and — forged ones — audited as the security event
   ``payments.callback_forged``. Nothing else changes.
2. One ``CallbackRecord`` per (channel, event id): inserting it is the idempotency key, so a
   duplicate (even arriving in parallel: the unique index makes the second insert wait and
   fail) is answered ``duplicate`` with no effect.
3. The order row, then the payment row, are locked (``SELECT … FOR UPDATE``) and the effect
   decided:

   * ``success`` with the right amount on an order that can take money → the payment settles
     the order (``settles_order``, unique per order), the order becomes ``success``
     (``payments.order_paid``; listeners resume the case; the receipt is issued after commit);
   * ``success`` with another amount → the payment is flagged ``amount_mismatch`` for finance
     (``payments.amount_mismatch_flagged``); the order is **not** marked paid;
   * ``success`` for an order already paid by another attempt, cancelled, or paid after its
     deadline → the money is recorded and an automatic refund is recorded in the same
     transaction (``refunds.record_automatic_refund``; ``payments.late_payment_refunded``).
     A payment made *before* the deadline whose notice arrives after the order was marked
     expired is taken (``expired → success``) unless a reissued order for the same purpose
     was paid meanwhile;
   * ``submitted`` / ``failed`` move the attempt (and the order, when it is the latest live
     attempt) forward; a notification older than what we already know (``failed`` after
     ``success``, ``submitted`` after a result) is ``stale`` and ignored.

Outcomes are stored on the record; the endpoint answers 200 for every verified callback so the
channel stops re-sending, except ``unknown_trade`` (404).
"""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.core import audit
from tongban.core.crypto import sm3
from tongban.core.exceptions import DomainError
from tongban.payments.channels import CallbackData, get_adapter
from tongban.payments.errors import OrderError, error
from tongban.payments.models import CallbackRecord, Payment, PaymentOrder
from tongban.payments.services import orders

logger = logging.getLogger(__name__)
O = CallbackRecord.Outcome  # noqa: E741
PS = Payment.Status
S = PaymentOrder.Status
ACTOR = "payments"
_RANK = {PS.STARTED: 0, PS.SUBMITTED: 1, PS.SUCCESS: 2, PS.FAILED: 2}
MAX_BODY = 64 * 1024


def _body_text(body: bytes) -> str:
    return body[:MAX_BODY].decode("utf-8", errors="replace")


def _record_unverified(channel: str, body: bytes, exc: DomainError) -> None:
    """Keep the refused callback as evidence; a forged one is a security audit event."""
    forged = exc.code == OrderError.INVALID_SIGNATURE
    event_id = "unverified-" + sm3.hexdigest(body)[:40]
    with transaction.atomic():
        record, created = CallbackRecord.objects.get_or_create(
            channel=channel[:16],
            event_id=event_id,
            defaults={
                "body": _body_text(body),
                "signature_ok": not forged,
                "outcome": O.FORGED if forged else O.MALFORMED,
            },
        )
        if forged:
            audit.record(
                "payments.callback_forged",
                actor=ACTOR,
                target_type="payments.callbackrecord",
                target_id=str(record.pk),
                target_label=channel[:16],
                data={"channel": channel[:16], "code": exc.code, "repeat": not created},
            )


def process_callback(channel: str, body: bytes, headers) -> CallbackRecord:
    adapter = get_adapter(channel)
    try:
        data = adapter.parse_callback(body, headers)
    except DomainError as exc:
        _record_unverified(channel, body, exc)
        raise
    return apply_callback(adapter.key, data, body)


def apply_callback(channel: str, data: CallbackData, body: bytes = b"") -> CallbackRecord:
    """Apply a verified notification (see the module docstring)."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = CallbackRecord.objects.create(
                    channel=channel,
                    event_id=data.event_id,
                    trade_no=data.trade_no,
                    body=_body_text(body),
                    signature_ok=True,
                )
        except IntegrityError:
            record = CallbackRecord(
                channel=channel, event_id=data.event_id, trade_no=data.trade_no, outcome=O.DUPLICATE
            )
            return record
        payment = Payment.objects.filter(trade_no=data.trade_no, channel=channel).first()
        if payment is None:
            record.outcome = O.UNKNOWN_TRADE
            record.save(update_fields=["outcome"])
            return record
        order = orders.lock(payment.order)
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        record.payment = payment
        record.outcome = _decide(order, payment, data)
        record.save(update_fields=["payment", "outcome"])
    return record


def _decide(order: PaymentOrder, payment: Payment, data: CallbackData) -> str:
    if data.status == "success":
        return _success(order, payment, data)
    if _RANK[payment.status] >= _RANK[data.status]:
        return O.STALE
    if data.status == "submitted":
        payment.status = PS.SUBMITTED
        payment.channel_trade_no = data.channel_trade_no or payment.channel_trade_no
        payment.save(update_fields=["status", "channel_trade_no", "updated_at"])
        if order.status == S.STARTED and _is_latest(order, payment):
            orders.change_status(
                order,
                S.SUBMITTED,
                actor=ACTOR,
                event_type="payments.payment_submitted",
                data={"trade_no": payment.trade_no},
            )
        return O.SUBMITTED
    payment.status = PS.FAILED
    payment.save(update_fields=["status", "updated_at"])
    if order.status in (S.STARTED, S.SUBMITTED) and _is_latest(order, payment):
        orders.change_status(
            order,
            S.FAILED,
            actor=ACTOR,
            event_type="payments.payment_failed",
            data={"trade_no": payment.trade_no},
        )
    else:
        audit.record(
            "payments.payment_failed",
            actor=ACTOR,
            target=order,
            org_unit=order.org_unit,
            data={"trade_no": payment.trade_no, "order_status": order.status},
        )
    return O.FAILED


def _is_latest(order: PaymentOrder, payment: Payment) -> bool:
    latest = order.payments.order_by("-created_at", "-id").values_list("pk", flat=True).first()
    return latest == payment.pk


def _success(order: PaymentOrder, payment: Payment, data: CallbackData) -> str:
    if payment.status == PS.SUCCESS:
        return O.DUPLICATE  # another notification of a payment we already booked
    paid_at = data.paid_at or timezone.now()
    payment.channel_trade_no = data.channel_trade_no or payment.channel_trade_no
    payment.reported_amount = data.amount
    if data.amount != payment.amount:
        payment.flag = Payment.Flag.AMOUNT_MISMATCH
        payment.save(update_fields=["channel_trade_no", "reported_amount", "flag", "updated_at"])
        audit.record(
            "payments.amount_mismatch_flagged",
            actor=ACTOR,
            target=order,
            org_unit=order.org_unit,
            data={
                "trade_no": payment.trade_no,
                "expected": payment.amount,
                "reported": data.amount,
                "order_status": order.status,
            },
        )
        return O.AMOUNT_MISMATCH
    payment.status = PS.SUCCESS
    payment.paid_at = paid_at
    late_reason = _late_reason(order, paid_at)
    if late_reason:
        payment.flag = Payment.Flag.LATE
        payment.save(
            update_fields=[
                "status",
                "paid_at",
                "channel_trade_no",
                "reported_amount",
                "flag",
                "updated_at",
            ]
        )
        if order.status in PaymentOrder.PAYABLE:  # paid after its deadline: it is expired now
            orders.change_status(
                order,
                S.EXPIRED,
                actor=ACTOR,
                event_type="payments.order_expired",
                data={"expires_at": order.expires_at},
            )
        _refund_late(order, payment, late_reason)
        return O.LATE_REFUNDED
    payment.settles_order = True
    payment.save(
        update_fields=[
            "status",
            "paid_at",
            "channel_trade_no",
            "reported_amount",
            "settles_order",
            "updated_at",
        ]
    )
    order.paid_at = paid_at
    order.paid_amount = data.amount
    orders.change_status(
        order,
        S.SUCCESS,
        actor=ACTOR,
        event_type="payments.order_paid",
        data={"trade_no": payment.trade_no, "channel": payment.channel, "amount": data.amount},
    )
    order_id = order.pk
    transaction.on_commit(lambda: issue_receipt_safely(order_id))
    return O.APPLIED


def _late_reason(order: PaymentOrder, paid_at) -> str:
    """Why money for ``order`` cannot be taken ("" when it can). A payment made before the
    deadline is taken even when its notice arrives after the expiry task marked the order
    expired — unless another order for the same purpose (a reissued one) was paid meanwhile."""
    if order.status == S.SUCCESS:
        return "already_paid"
    if order.status == S.CANCELLED:
        return "cancelled"
    if paid_at > order.expires_at:
        return "expired"
    if order.status == S.EXPIRED and order.reference:
        paid_sibling = (
            PaymentOrder.objects.filter(
                source=order.source,
                client_id=order.client_id,
                reference=order.reference,
                status=S.SUCCESS,
            )
            .exclude(pk=order.pk)
            .exists()
        )
        if paid_sibling:
            return "already_paid"
    return ""


def _refund_late(order: PaymentOrder, payment: Payment, reason: str) -> None:
    from tongban.payments.services import refunds

    texts = {
        "already_paid": _("订单已由另一笔支付缴清，重复支付自动退款"),
        "cancelled": _("订单已取消后到账，自动退款"),
        "expired": _("订单已过缴费期限后到账，自动退款"),
    }
    audit.record(
        "payments.late_payment_refunded",
        actor=ACTOR,
        target=order,
        org_unit=order.org_unit,
        data={"trade_no": payment.trade_no, "amount": payment.amount, "reason": reason},
    )
    refunds.record_automatic_refund(payment, reason=str(texts[reason]))


def issue_receipt_safely(order_id: int) -> None:
    """After commit: issue the e-receipt; a failure is logged, never undoes the payment (the
    finance console lists paid orders without a receipt)."""
    from tongban.payments.services import receipts

    try:
        order = PaymentOrder.objects.select_related("org_unit").get(pk=order_id)
        receipts.issue_receipt(order, actor=None)
    except Exception:  # noqa: BLE001 - logged; the payment stands
        logger.exception("receipt not issued for paid order %s", order_id)


def refuse_unknown(record: CallbackRecord) -> None:
    if record.outcome == O.UNKNOWN_TRADE:
        raise error(OrderError.UNKNOWN_TRADE)
