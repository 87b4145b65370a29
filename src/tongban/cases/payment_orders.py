"""Fees of charging items (收费事项): a case waits for its payment (先缴费后审查).

Decision: the order appears **automatically when the case is accepted** — a clerk accepting
a case of an item whose version ``charges`` (fee ``fee_amount`` 元, basis ``fee_basis``)
expects the citizen to be asked to pay at once, without a second action to forget. So
``on_case_status`` (a ``cases.services.hooks`` status listener) reacts to
``submitted → in_review`` inside the accepting transaction:

1. it opens a ``PaymentOrder`` (``source="case"``, ``reference`` = the case number, collecting
   unit = the case's implementing department, payer = the applicant, one item from the
   catalogue with the default budget account);
2. it moves the case to ``awaiting_payment`` (``lifecycle.enter_awaiting_payment``; the clock
   pauses) with the accepting clerk as actor.

If either refuses, the acceptance is refused too (nothing changes). When the order is paid,
``on_order_status`` (a ``payments.services.events`` order listener, inside the callback
transaction) resumes the case with ``lifecycle.payment_received`` (actor "payments"). A
resume that is refused (the case moved on meanwhile) never undoes the payment: it is logged.
When a case ends without payment (withdrawn, not accepted, denied) its open orders are
cancelled. An order that expires leaves the case waiting; its payer can get a new one on the pay
page (``orders.reissue_order``), which ``check_reissue`` allows only while the case still waits
for its payment.

The cases app plugs payments in (payments never imports cases).
"""

from __future__ import annotations

import logging
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from tongban.cases.models import Case
from tongban.core.exceptions import DomainError

logger = logging.getLogger(__name__)
S = Case.Status
ENDED_UNPAID = {S.WITHDRAWN, S.NOT_ACCEPTED, S.DENIED}


def fee_in_fen(amount) -> int:
    return int((Decimal(amount or 0) * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def charges(case: Case) -> bool:
    version = case.item_version
    return bool(version.charges) and fee_in_fen(version.fee_amount) > 0


def orders_for_case(case: Case):
    from tongban.payments.models import PaymentOrder

    if not case.number:
        return PaymentOrder.objects.none()
    return PaymentOrder.objects.filter(
        source=PaymentOrder.Source.CASE, reference=case.number
    ).order_by("-created_at", "-id")


def _payer_number(case: Case) -> str:
    """The case's applicant code (ID number or USCC) when it is a valid one, else the
    applicant's own ID number, else none (the order still names its payer account)."""
    from tongban.core.codes.validation import validate

    for number in (case.applicant_code, case.applicant.id_number):
        number = (number or "").strip().upper()
        if number and any(validate(kind, number).valid for kind in ("citizen-id", "uscc")):
            return number
    return ""


def open_case_order(case: Case, *, actor):
    """The case's fee order, from the catalogue (inside the caller's transaction)."""
    from tongban.payments.models import PaymentOrder
    from tongban.payments.services.orders import create_order

    version = case.item_version
    item = version.item
    return create_order(
        actor=actor,
        org_unit=case.org_unit,
        items=[
            {
                "name": item.name,
                "basis": version.fee_basis or "",
                "amount": fee_in_fen(version.fee_amount),
                "budget_account": "",
            }
        ],
        source=PaymentOrder.Source.CASE,
        payer=case.applicant,
        payer_name=case.applicant_name or case.applicant.name,
        payer_id_number=_payer_number(case),
        title=item.name,
        reference=case.number,
    )


def on_case_status(case: Case, old_status: str, new_status: str, *, actor) -> None:
    from tongban.cases.services import lifecycle

    if old_status == S.SUBMITTED and new_status == S.IN_REVIEW and charges(case):
        live = orders_for_case(case).exclude(status__in=["cancelled", "expired"])
        if not live.exists():
            open_case_order(case, actor=actor)
        lifecycle.enter_awaiting_payment(case, actor=actor, reason=_("待缴费"))
    elif new_status in ENDED_UNPAID:
        from tongban.payments.models import PaymentOrder
        from tongban.payments.services.orders import cancel_order

        for order in orders_for_case(case).filter(status__in=PaymentOrder.PAYABLE):
            reason = _("办件已结束（%(status)s）") % {"status": case.get_status_display()}
            cancel_order(order, actor="cases", reason=reason)


def on_order_status(order, old_status: str, new_status: str, *, actor) -> None:
    if order.source != "case" or new_status != "success" or not order.reference:
        return
    from tongban.cases.services import lifecycle

    case = Case.objects.filter(number=order.reference).first()
    if case is None or case.status != S.AWAITING_PAYMENT:
        logger.warning(
            "paid order %s: case %s is not awaiting payment", order.code, order.reference
        )
        return
    try:
        lifecycle.payment_received(case, actor="payments")
    except DomainError:
        logger.exception("paid order %s could not resume case %s", order.code, order.reference)
    _cancel_open_siblings(order, case)


def _cancel_open_siblings(order, case: Case) -> None:
    """A late notice paid an expired order after a new one was issued: the new one goes."""
    from tongban.payments.models import PaymentOrder
    from tongban.payments.services.orders import cancel_order

    siblings = orders_for_case(case).filter(status__in=PaymentOrder.PAYABLE).exclude(pk=order.pk)
    for sibling in siblings:
        cancel_order(
            sibling, actor="cases", reason=_("已由缴款单 %(code)s 缴清") % {"code": order.code}
        )


def check_reissue(order) -> None:
    """A new order for an expired case fee only while the case still waits for it."""
    if order.source != "case":
        return
    case = Case.objects.filter(number=order.reference).only("status").first()
    if case is None or case.status != S.AWAITING_PAYMENT:
        from tongban.payments.errors import OrderError, error

        raise error(OrderError.NOT_REISSUABLE)


def register() -> None:
    from tongban.cases.services.hooks import register_status_listener
    from tongban.payments.services.events import register_order_listener, register_reissue_check

    register_status_listener(on_case_status)
    register_order_listener(on_order_status)
    register_reissue_check(check_reissue)
