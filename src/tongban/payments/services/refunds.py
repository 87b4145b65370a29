"""Refunds (退款): requested by finance staff, approved by a second person (four-eyes),
executed through the channel adapter; automatic refund records for late callbacks.

Lifecycle (``Refund.Status``)::

    requested ──approve_refund (a different finance person)──▶ approved
        │                                                        │ submit_refund (worker)
        └──reject_refund──▶ rejected                             ▼
                                                   submitted ──▶ succeeded | failed

Rules:
- Only money received can be refunded — the payment that paid the order (``success``), or a
  payment flagged ``amount_mismatch`` (the channel took another amount, the order stayed
  unpaid) — only by finance staff of the collecting department (``payments.request_refund``
  in the order's org unit), with a reason.
- Never more than paid: requested, approved, submitted and succeeded refunds of a payment
  together stay within its amount. The order row is locked (``select_for_update``) while the
  sum is checked and the refund written, so two concurrent requests cannot both pass.
- Four-eyes: the requester can never approve or reject their own request.
- The channel is called outside any transaction: ``approve_refund`` enqueues
  ``tasks_finance.submit_refund`` on commit; the worker claims ``approved → submitted`` with a
  conditional UPDATE (one worker wins), calls the adapter and records the result.
- Automatic refunds (``record_automatic_refund``): money that arrived for an order that could no
  longer take it (expired, cancelled, already paid) goes back in full. The amount and the
  destination (the payer's own account, by the channel) are fixed, so there is nothing for a
  second person to check: the record starts ``approved`` by the system and is submitted at once.
  ``PAYMENTS_AUTO_REFUND_REQUIRES_APPROVAL=true`` makes it start ``requested`` instead, and any
  one finance officer of the department approves it.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from tongban.core import audit, permissions
from tongban.payments.errors_finance import FinanceError, error
from tongban.payments.models import Refund
from tongban.payments.models.orders import yuan
from tongban.payments.permissions_finance import (
    PAYMENTS_APPROVE_REFUND,
    PAYMENTS_REQUEST_REFUND,
    PAYMENTS_VIEW_FINANCE,
)

logger = logging.getLogger(__name__)

SYSTEM = "system"
REASON_MAX = 200
PAID = "success"  # PaymentOrder / Payment status of money received
AMOUNT_MISMATCH = "amount_mismatch"  # Payment.flag: the channel took another amount


# --- reads -----------------------------------------------------------------------------------
def _order_model():
    from tongban.payments.models import PaymentOrder

    return PaymentOrder


def orders_for(user, permission: str = PAYMENTS_VIEW_FINANCE):
    return permissions.restrict(_order_model().objects.all(), user, permission)


def access_order(user, code: str, permission: str = PAYMENTS_VIEW_FINANCE):
    """The order with payment code ``code`` if ``user`` holds ``permission`` in its
    department, else ``order_not_found`` (404, whether or not it exists)."""
    order = (
        orders_for(user, permission)
        .select_related("org_unit__parent")
        .filter(code=(code or "").strip())
        .first()
    )
    if order is None:
        raise error(FinanceError.ORDER_NOT_FOUND)
    return order


def refunds_for(user, permission: str = PAYMENTS_VIEW_FINANCE):
    return Refund.objects.restrict(user, permission).select_related(
        "order", "payment", "org_unit__parent"
    )


def access_refund(user, refund_no: str, permission: str = PAYMENTS_VIEW_FINANCE) -> Refund:
    refund = refunds_for(user, permission).filter(refund_no=(refund_no or "").strip()).first()
    if refund is None:
        raise error(FinanceError.REFUND_NOT_FOUND)
    return refund


def received_amount(payment) -> int:
    """Fen the channel says it took (``reported_amount`` when the callback differed)."""
    reported = getattr(payment, "reported_amount", None)
    return int(payment.amount if reported is None else reported)


def reserved_amount(payment) -> int:
    """Fen of ``payment`` already requested, approved, submitted or refunded."""
    total = Refund.objects.filter(payment=payment, status__in=Refund.RESERVING).aggregate(
        total=Sum("amount")
    )["total"]
    return int(total or 0)


def refundable_payments(order) -> list:
    """Payments of ``order`` whose money a finance officer may send back: the one that paid
    the order (when it is paid) and payments flagged ``amount_mismatch`` (the channel took
    money that never paid the order). Late payments are refunded automatically."""
    condition = Q(flag=AMOUNT_MISMATCH)
    if order.status == PAID:
        condition |= Q(settles_order=True, status=PAID)
    return list(order.payments.filter(condition).order_by("created_at", "pk"))


def payment_refundable(payment) -> int:
    return max(0, received_amount(payment) - reserved_amount(payment))


def refundable_amount(order) -> int:
    """Fen of ``order`` that may still be refunded (0 when nothing was received)."""
    return sum(payment_refundable(payment) for payment in refundable_payments(order))


def _choose_payment(order, trade_no: str | None):
    candidates = refundable_payments(order)
    if trade_no:
        for payment in candidates:
            if payment.trade_no == trade_no:
                return payment
        raise error(FinanceError.PAYMENT_NOT_REFUNDABLE, field="trade_no")
    settling = [payment for payment in candidates if payment.settles_order]
    if settling:
        return settling[0]
    if len(candidates) == 1:
        return candidates[0]
    raise error(FinanceError.ORDER_NOT_PAID)


# --- helpers ---------------------------------------------------------------------------------
def new_refund_no() -> str:
    """``RF`` + yyyymmdd + 12 random hex digits (upper case)."""
    return f"RF{timezone.localdate():%Y%m%d}{secrets.token_hex(6).upper()}"


def _clean_text(value, *, required_code=None, field: str, max_length: int = REASON_MAX) -> str:
    text = " ".join(str(value or "").split())
    if not text and required_code is not None:
        raise error(required_code, field=field)
    if len(text) > max_length:
        raise error(FinanceError.REASON_TOO_LONG, field=field)
    return text


def _check_amount(amount) -> int:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise error(FinanceError.REFUND_AMOUNT_INVALID, field="amount")
    return amount


def _require(actor, permission: str, org_unit) -> None:
    if not permissions.has_perm_in(actor, permission, org_unit):
        raise error(FinanceError.NOT_FINANCE_OF_UNIT)


def _state(refund: Refund) -> dict:
    return {"status": refund.status, "amount": refund.amount}


def _audit(event: str, refund: Refund, actor, **data) -> None:
    audit.record(
        f"payments.refund_{event}",
        actor=actor,
        target=refund,
        org_unit=refund.org_unit,
        data={
            "refund_no": refund.refund_no,
            "order": refund.order.code,
            "kind": refund.kind,
            "amount": refund.amount,
            **data,
        },
    )


def _enqueue_submit(refund: Refund) -> None:
    def enqueue():
        from tongban.payments import tasks_finance

        tasks_finance.submit_refund.enqueue(refund.pk)

    transaction.on_commit(enqueue)


# --- requesting and deciding -------------------------------------------------------------------
def request_refund(
    order, *, actor, amount: int, reason: str, trade_no: str | None = None
) -> Refund:
    """Ask for a full or partial refund of a paid order (first pair of eyes). ``trade_no``
    picks the payment (default: the one that paid the order, else the only payment flagged
    with a wrong amount)."""
    _require(actor, PAYMENTS_REQUEST_REFUND, order.org_unit)
    amount = _check_amount(amount)
    reason = _clean_text(reason, required_code=FinanceError.REASON_REQUIRED, field="reason")
    with transaction.atomic():
        locked = _order_model().objects.select_for_update().get(pk=order.pk)
        payment = _choose_payment(locked, (trade_no or "").strip() or None)
        available = payment_refundable(payment)
        if amount > available:
            raise error(
                FinanceError.REFUND_EXCEEDS_PAID,
                field="amount",
                message=f"{error.messages[FinanceError.REFUND_EXCEEDS_PAID]}：{yuan(available)} 元",
            )
        refund = Refund.objects.create(
            refund_no=new_refund_no(),
            order=locked,
            payment=payment,
            org_unit=locked.org_unit,
            kind=Refund.Kind.MANUAL,
            status=Refund.Status.REQUESTED,
            amount=amount,
            reason=reason,
            requested_by=actor,
            requested_by_name=str(actor),
            created_at=timezone.now(),
        )
        _audit(
            "requested",
            refund,
            actor,
            reason=reason,
            trade_no=payment.trade_no,
            refundable_before=available,
        )
    return refund


def _lock_pending(refund: Refund) -> Refund:
    locked = Refund.objects.select_for_update().select_related("order").get(pk=refund.pk)
    if locked.status != Refund.Status.REQUESTED:
        raise error(FinanceError.REFUND_NOT_PENDING)
    return locked


def _decide(refund: Refund, *, actor, approve: bool, note: str) -> Refund:
    _require(actor, PAYMENTS_APPROVE_REFUND, refund.org_unit)
    with transaction.atomic():
        locked = _lock_pending(refund)
        if locked.requested_by_id is not None and locked.requested_by_id == getattr(
            actor, "pk", None
        ):
            raise error(FinanceError.SELF_APPROVAL)
        old = _state(locked)
        locked.status = Refund.Status.APPROVED if approve else Refund.Status.REJECTED
        locked.decided_by = actor
        locked.decided_by_name = str(actor)
        locked.decided_at = timezone.now()
        locked.decision_note = note
        locked.save(
            update_fields=[
                "status",
                "decided_by",
                "decided_by_name",
                "decided_at",
                "decision_note",
            ]
        )
        _audit(
            "approved" if approve else "rejected",
            locked,
            actor,
            old=old,
            new=_state(locked),
            note=note,
            requested_by=locked.requested_by_name,
        )
        if approve:
            _enqueue_submit(locked)
    return locked


def approve_refund(refund: Refund, *, actor, note: str = "") -> Refund:
    """Second pair of eyes: approve a request made by someone else; the channel is called
    after commit."""
    note = _clean_text(note, field="note")
    return _decide(refund, actor=actor, approve=True, note=note)


def reject_refund(refund: Refund, *, actor, note: str) -> Refund:
    """Refuse a request made by someone else (the note is required)."""
    note = _clean_text(note, required_code=FinanceError.REASON_REQUIRED, field="note")
    return _decide(refund, actor=actor, approve=False, note=note)


# --- automatic refunds ---------------------------------------------------------------------------
def record_automatic_refund(payment, *, reason: str):
    """Called inside the callback transaction when money arrives for an order that can no
    longer take it (expired, cancelled, already paid): records a refund of the whole payment.
    Returns the Refund (the existing one when called again for the same payment)."""
    existing = Refund.objects.filter(payment=payment, kind=Refund.Kind.AUTOMATIC).first()
    if existing is not None:
        return existing
    reason = " ".join(str(reason or "").split())[:REASON_MAX] or "迟到的支付，自动原路退回"
    needs_approval = getattr(settings, "PAYMENTS_AUTO_REFUND_REQUIRES_APPROVAL", False)
    now = timezone.now()
    order = payment.order
    with transaction.atomic():
        refund = Refund.objects.create(
            refund_no=new_refund_no(),
            order=order,
            payment=payment,
            org_unit=order.org_unit,
            kind=Refund.Kind.AUTOMATIC,
            status=Refund.Status.REQUESTED if needs_approval else Refund.Status.APPROVED,
            amount=received_amount(payment),
            reason=reason,
            requested_by=None,
            requested_by_name=SYSTEM,
            decided_by_name="" if needs_approval else SYSTEM,
            decided_at=None if needs_approval else now,
            created_at=now,
        )
        _audit("requested", refund, None, reason=reason, trade_no=payment.trade_no)
        if not needs_approval:
            _audit("approved", refund, None, note="automatic")
            _enqueue_submit(refund)
    return refund


# --- execution through the channel -------------------------------------------------------------
def submit_refund(refund_id: int, *, actor=SYSTEM) -> Refund | None:
    """Send an approved refund to its channel (worker). Returns None when another worker
    claimed it or it is not approved."""
    with transaction.atomic():
        claimed = Refund.objects.filter(pk=refund_id, status=Refund.Status.APPROVED).update(
            status=Refund.Status.SUBMITTED, submitted_at=timezone.now()
        )
        if claimed != 1:
            return None
        refund = Refund.objects.select_related("order", "payment", "org_unit").get(pk=refund_id)
        _audit("submitted", refund, actor, channel=refund.payment.channel)

    from tongban.payments.channels.base import get_adapter

    try:
        adapter = get_adapter(refund.payment.channel)
        result = adapter.refund(refund.payment, refund_no=refund.refund_no, amount=refund.amount)
        accepted = bool(result.accepted)
        channel_refund_no = str(getattr(result, "channel_refund_no", "") or "")[:64]
        message = str(getattr(result, "message", "") or "")[:200]
    except Exception as exc:  # a channel outage must not leave the refund hanging unseen
        logger.exception("refund %s: channel call failed", refund.refund_no)
        accepted, channel_refund_no, message = False, "", f"渠道调用失败：{type(exc).__name__}"
    return complete_refund(
        refund,
        succeeded=accepted,
        channel_refund_no=channel_refund_no,
        message=message,
        actor=actor,
    )


def complete_refund(
    refund: Refund, *, succeeded: bool, channel_refund_no: str = "", message: str = "", actor
) -> Refund:
    """Record the channel's answer to a submitted refund (also for channels that answer
    later by notification)."""
    with transaction.atomic():
        new_status = Refund.Status.SUCCEEDED if succeeded else Refund.Status.FAILED
        done = Refund.objects.filter(pk=refund.pk, status=Refund.Status.SUBMITTED).update(
            status=new_status,
            channel_refund_no=channel_refund_no,
            failure_message="" if succeeded else (message or "渠道拒绝退款"),
            completed_at=timezone.now(),
        )
        refund = Refund.objects.select_related("order", "payment", "org_unit").get(pk=refund.pk)
        if done == 1:
            _audit(
                "succeeded" if succeeded else "failed",
                refund,
                actor,
                channel_refund_no=channel_refund_no,
                message=message,
            )
    return refund


def submit_approved_refunds(*, older_than_seconds: int = 300) -> int:
    """Sweep: submit approved refunds whose on-commit enqueue was lost (worker restart)."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    pending = Refund.objects.filter(
        status=Refund.Status.APPROVED, decided_at__lt=cutoff
    ).values_list("pk", flat=True)
    count = 0
    for refund_id in list(pending[:200]):
        if submit_refund(refund_id) is not None:
            count += 1
    return count
