"""Reversal receipts (红字票据, 冲红) for refunds.

When a refund of the payment a receipt covers succeeds, a reversal receipt is issued for the
refunded amount: its own 票据代码 + 票据号码 (from the same sequence as normal receipts) and 校验码,
the original receipt's payer and collecting department, one line "冲红：<original items>" with
the refund's reason as 执收依据, the amount signed as a **negative** figure (``"amount": -1000``,
``"amount_in_words": "负壹拾元整"``) and ``"original": {"receipt_code", "receipt_number"}`` in
the signed data, signed by the department's finance seal like any receipt. One reversal per
refund (a unique column), so several partial refunds give several reversal receipts and their
sum never exceeds the original (refunds never exceed what was paid).

Refunds of a late second payment (money that arrived after the order was paid or closed, sent
back automatically) are not covered by any receipt and get no reversal.

``reverse_receipt_for_refund(refund, actor=...)`` is idempotent; the ``issue_missing_receipts``
task (every 10 minutes) also issues the reversals of succeeded refunds that have none, so the
refund services need no hook. Audited as ``payments.receipt_reversed``.
"""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from tongban.core.exceptions import DomainError
from tongban.payments.errors_receipts import ReceiptError, error
from tongban.payments.models import Receipt, Refund
from tongban.payments.services import finance_seals
from tongban.payments.services.receipt_numbers import claim_receipt_number, receipt_code
from tongban.payments.services.receipts import sign_and_save

logger = logging.getLogger(__name__)
REVERSAL_PREFIX = "冲红："


def _reversal_item(original: Receipt, refund: Refund) -> dict:
    names = "、".join(dict.fromkeys(item["name"] for item in original.items))
    account = next((i["budget_account"] for i in original.items if i["budget_account"]), "")
    return {
        "name": f"{REVERSAL_PREFIX}{names}"[:200],
        "basis": (refund.reason or "").strip()[:200],
        "budget_account": account,
        "amount": -int(refund.amount),
    }


def reverse_receipt_for_refund(refund: Refund, *, actor) -> Receipt:
    """The reversal receipt of a succeeded refund (issued now unless it exists).

    ``receipt_refund_not_reversible`` (409) for a refund that has not succeeded or that refunds
    a payment no receipt covers; ``receipt_not_found`` when the order has no receipt yet."""
    existing = Receipt.objects.filter(refund_id=refund.pk).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            fresh = Refund.objects.select_related("payment").get(pk=refund.pk)
            if fresh.status != Refund.Status.SUCCEEDED or not fresh.payment.settles_order:
                raise error(ReceiptError.REFUND_NOT_REVERSIBLE)
            original = (
                Receipt.objects.select_for_update(of=("self",))
                .select_related("org_unit__parent", "order")
                .filter(order_id=fresh.order_id, kind=Receipt.Kind.NORMAL)
                .first()
            )
            if original is None:
                raise error(ReceiptError.RECEIPT_NOT_FOUND)
            existing = Receipt.objects.filter(refund_id=fresh.pk).first()
            if existing is not None:
                return existing
            return _issue_reversal(original, fresh, actor=actor)
    except IntegrityError:  # the unique refund column: another process issued it first
        existing = Receipt.objects.filter(refund_id=refund.pk).first()
        if existing is None:
            raise
        return existing


def _issue_reversal(original: Receipt, refund: Refund, *, actor) -> Receipt:
    unit = original.org_unit
    issued_at = timezone.now().replace(microsecond=0)
    code = receipt_code(unit.division_code, issued_at)
    reversal = Receipt(
        kind=Receipt.Kind.REVERSAL,
        order=original.order,
        original=original,
        refund=refund,
        org_unit=unit,
        code=code,
        number=claim_receipt_number(code),
        payment_code=original.payment_code,
        payer=original.payer,
        payer_name=original.payer_name,
        payer_id_number=original.payer_id_number,
        payee_name=unit.full_name,
        items=[_reversal_item(original, refund)],
        amount=int(refund.amount),
        issued_at=issued_at,
        finance_seal=finance_seals.active_finance_seal(unit, actor=actor),
    )
    sign_and_save(
        reversal,
        actor=actor,
        event="payments.receipt_reversed",
        extra={
            "original": f"{original.code} {original.number}",
            "refund_no": refund.refund_no,
        },
    )
    return reversal


def issue_missing_reversals(*, actor=None, limit: int = 500) -> int:
    """Reversal receipts of succeeded refunds of receipted payments that have none."""
    refunds = (
        Refund.objects.filter(
            status=Refund.Status.SUCCEEDED,
            payment__settles_order=True,
            reversal_receipt__isnull=True,
            order__receipts__kind=Receipt.Kind.NORMAL,
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    issued = 0
    for pk in list(refunds):
        try:
            reverse_receipt_for_refund(Refund(pk=pk), actor=actor)
        except DomainError as exc:
            logger.warning("reversal for refund %s not issued: %s (%s)", pk, exc.code, exc.message)
            continue
        issued += 1
    return issued
