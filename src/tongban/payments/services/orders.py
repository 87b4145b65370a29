"""Order services: the only writers of a ``PaymentOrder``'s status (see the model's state
machine), plus the reads that check who may see an order.

* ``create_order`` — a case's fee (``source="case"``, from the cases bridge) or a department
  system's fee (``source="api"``); allocates the payment code, audits ``payments.order_created``.
* ``start_payment`` — the payer picks a channel: a new ``Payment`` attempt, the order moves to
  ``started`` and the channel's QR payload/URL is returned.
* ``cancel_order`` — staff (``payments.cancel_order`` in the order's unit), the API client
  that opened it, or a system actor (the cases bridge when a case ends unpaid).
* ``reissue_order`` — the payer of an expired case fee gets a new order (while the case
  still waits for it);
* ``expire_order`` / ``expire_due_orders`` — the periodic task; an expired order takes no money
  (a late callback leads to an automatic refund, see ``services.callbacks``).

Every status change goes through ``change_status`` inside the caller's transaction with the
order row locked: it checks ``ORDER_TRANSITIONS``, saves, writes the audit event and tells the
listeners (``services.events``), in that transaction.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tongban.core import audit, permissions
from tongban.core.codes.validation import validate as validate_code_kind
from tongban.core.masking import mask_id_number
from tongban.payments.channels import get_adapter
from tongban.payments.errors import OrderError, error
from tongban.payments.models import Payment, PaymentOrder
from tongban.payments.models.orders import ORDER_TRANSITIONS
from tongban.payments.permissions import PAYMENTS_CANCEL_ORDER, PAYMENTS_VIEW_ORDER
from tongban.payments.services import codes, events

S = PaymentOrder.Status
MIN_EXPIRY = timedelta(minutes=10)
MAX_EXPIRY = timedelta(days=90)
MAX_ITEMS = 20


def default_expiry() -> timedelta:
    return timedelta(hours=int(getattr(settings, "PAYMENTS_ORDER_TTL_HOURS", 24)))


def default_budget_account() -> str:
    return getattr(settings, "PAYMENTS_DEFAULT_BUDGET_ACCOUNT", "") or "1030499"


# --- validation --------------------------------------------------------------------------------
def _clean_items(items) -> tuple[list[dict], int]:
    if not isinstance(items, list | tuple) or not items or len(items) > MAX_ITEMS:
        raise error(OrderError.ITEMS_INVALID, field="items")
    cleaned, total = [], 0
    for item in items:
        if not isinstance(item, dict):
            raise error(OrderError.ITEMS_INVALID, field="items")
        name = str(item.get("name") or "").strip()
        basis = str(item.get("basis") or "").strip()
        account = str(item.get("budget_account") or default_budget_account()).strip()
        amount = item.get("amount")
        if not name or len(name) > 100 or len(basis) > 200 or len(account) > 32:
            raise error(OrderError.ITEMS_INVALID, field="items")
        if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
            raise error(OrderError.AMOUNT_INVALID, field="items")
        cleaned.append({"name": name, "basis": basis, "amount": amount, "budget_account": account})
        total += amount
    return cleaned, total


def _clean_payer(payer, payer_name: str, payer_id_number: str) -> tuple[str, str]:
    name = (payer_name or getattr(payer, "name", "") or "").strip()
    number = (payer_id_number or getattr(payer, "id_number", "") or "").strip().upper()
    if not name or len(name) > 100:
        raise error(OrderError.PAYER_INVALID, field="payer_name")
    if number:
        kind = "uscc" if len(number) == 18 and not number[:17].isdigit() else "citizen-id"
        result = validate_code_kind(kind, number)
        if not result.valid and kind == "citizen-id":
            result = validate_code_kind("uscc", number)
        if not result.valid:
            raise error(OrderError.PAYER_INVALID, field="payer_id_number")
        number = result.normalized or number
    elif payer is None:
        raise error(OrderError.PAYER_INVALID, field="payer_id_number")
    return name, number


def _actor_label(actor):
    return actor if getattr(actor, "pk", None) else None


# --- status changes ----------------------------------------------------------------------------
def lock(order: PaymentOrder) -> PaymentOrder:
    return (
        PaymentOrder.objects.select_for_update(of=("self",))
        .select_related("org_unit", "org_unit__parent")
        .get(pk=order.pk)
    )


def change_status(order: PaymentOrder, new_status: str, *, actor, event_type: str, data=None):
    """Move a *locked* order to ``new_status``: check, save, audit, tell the listeners."""
    old_status = order.status
    if new_status not in ORDER_TRANSITIONS.get(old_status, ()):
        raise error(OrderError.ILLEGAL_TRANSITION)
    order.status = new_status
    order.save()
    audit.record(
        event_type,
        actor=actor,
        target=order,
        org_unit=order.org_unit,
        data={"old": {"status": old_status}, "new": {"status": new_status}, **(data or {})},
    )
    if old_status != new_status:
        events.order_status_changed(order, old_status, new_status, actor=actor)
    return order


def refuse_unpayable(order: PaymentOrder, *, now=None) -> None:
    """Raise the clear error of an order that cannot take a new payment."""
    now = now or timezone.now()
    if order.status == S.SUCCESS:
        raise error(OrderError.ORDER_ALREADY_PAID)
    if order.status == S.CANCELLED:
        raise error(OrderError.ORDER_CANCELLED)
    if order.status == S.EXPIRED or order.expires_at <= now:
        raise error(OrderError.ORDER_EXPIRED)


def create_order(
    *,
    actor,
    org_unit,
    items,
    source: str,
    payer=None,
    payer_name: str = "",
    payer_id_number: str = "",
    title: str = "",
    reference: str = "",
    client_id: str = "",
    expires_in: timedelta | None = None,
    now=None,
) -> PaymentOrder:
    if source not in PaymentOrder.Source.values:
        raise ValueError(f"unknown order source {source!r}")
    items, total = _clean_items(items)
    name, number = _clean_payer(payer, payer_name, payer_id_number)
    expires_in = default_expiry() if expires_in is None else expires_in
    if not MIN_EXPIRY <= expires_in <= MAX_EXPIRY:
        raise error(OrderError.EXPIRY_INVALID, field="expires_in")
    reference = (reference or "").strip()[:64]
    title = (title or items[0]["name"]).strip()[:200]
    now = now or timezone.now()
    with transaction.atomic():
        if reference and client_id:
            live = PaymentOrder.objects.select_for_update().filter(
                client_id=client_id, reference=reference
            )
            if live.exclude(status__in=[S.CANCELLED, S.EXPIRED]).exists():
                raise error(OrderError.DUPLICATE_REFERENCE, field="reference")
        order = PaymentOrder.objects.create(
            code=codes.next_code(org_unit.division_code, now=now),
            org_unit=org_unit,
            title=title,
            payer=payer,
            payer_name=name,
            payer_id_number=number,
            items=items,
            amount=total,
            reference=reference,
            source=source,
            expires_at=now + expires_in,
            created_by=_actor_label(actor),
            client_id=client_id,
        )
        audit.record(
            "payments.order_created",
            actor=actor,
            target=order,
            org_unit=org_unit,
            data={
                "new": {
                    "code": order.code,
                    "amount": total,
                    "source": source,
                    "reference": reference,
                    "payer_id_number": mask_id_number(number),
                    "expires_at": order.expires_at,
                }
            },
        )
    return order


def new_trade_no(channel: str, now=None) -> str:
    """Our out-trade number: ``T`` + channel initial + local time + 10 random digits (26)."""
    stamp = timezone.localtime(now or timezone.now()).strftime("%Y%m%d%H%M%S")
    return f"T{channel[:1].upper()}{stamp}{secrets.randbelow(10**10):010d}"


def start_payment(order: PaymentOrder, *, channel: str, actor, now=None):
    """The payer chose ``channel``: returns ``(payment, StartResult)``."""
    adapter = get_adapter(channel)
    now = now or timezone.now()
    with transaction.atomic():
        fresh = lock(order)
        require_payer(fresh, actor)
        refuse_unpayable(fresh, now=now)
        payment = Payment.objects.create(
            order=fresh,
            channel=adapter.key,
            trade_no=new_trade_no(adapter.key, now),
            amount=fresh.amount,
        )
        result = adapter.start(fresh, payment)
        payment.qr_payload = result.qr_payload[:500]
        payment.pay_url = result.pay_url[:500]
        payment.save(update_fields=["qr_payload", "pay_url"])
        change_status(
            fresh,
            S.STARTED,
            actor=actor,
            event_type="payments.payment_started",
            data={"channel": adapter.key, "trade_no": payment.trade_no},
        )
    _sync(order, fresh)
    return payment, result


def cancel_order(order: PaymentOrder, *, actor, reason: str, client_id: str = "") -> PaymentOrder:
    """Cancel an unpaid order. Staff need ``payments.cancel_order`` in its unit; an API
    client (``client_id``) may cancel only the orders it opened; a system actor (str) may
    cancel any (the cases bridge)."""
    reason = (reason or "").strip()
    if not reason or len(reason) > 200:
        raise error(OrderError.REASON_REQUIRED, field="reason")
    with transaction.atomic():
        fresh = lock(order)
        if client_id:
            if fresh.client_id != client_id:
                raise error(OrderError.ORDER_NOT_FOUND)
        elif not isinstance(actor, str):
            if not permissions.has_perm_in(actor, PAYMENTS_CANCEL_ORDER, fresh.org_unit):
                raise error(OrderError.PERMISSION_DENIED)
        if fresh.status not in PaymentOrder.PAYABLE:
            refuse_unpayable(fresh)
        fresh.cancel_reason = reason
        change_status(
            fresh,
            S.CANCELLED,
            actor=actor,
            event_type="payments.order_cancelled",
            data={"reason": reason},
        )
    return _sync(order, fresh)


def reissue_order(order: PaymentOrder, *, actor, now=None) -> PaymentOrder:
    """The payer of an expired case fee gets a new order (same items, new code and
    deadline) when no other order for that case is open and the registered checks agree
    (the case still waits for its payment). Orders of department systems are reissued by
    those systems, not by the payer."""
    now = now or timezone.now()
    with transaction.atomic():
        fresh = lock(order)
        require_payer(fresh, actor)
        if fresh.source != PaymentOrder.Source.CASE or fresh.status != S.EXPIRED:
            raise error(OrderError.NOT_REISSUABLE)
        siblings = PaymentOrder.objects.filter(source=fresh.source, reference=fresh.reference)
        if siblings.exclude(status__in=[S.EXPIRED, S.CANCELLED]).exists():
            raise error(OrderError.NOT_REISSUABLE)
        events.check_reissue(fresh)
        new = create_order(
            actor=actor,
            org_unit=fresh.org_unit,
            items=fresh.items,
            source=fresh.source,
            payer=fresh.payer,
            payer_name=fresh.payer_name,
            payer_id_number=fresh.payer_id_number,
            title=fresh.title,
            reference=fresh.reference,
            now=now,
        )
        audit.record(
            "payments.order_reissued",
            actor=actor,
            target=new,
            org_unit=new.org_unit,
            data={"old": {"code": fresh.code}, "new": {"code": new.code}},
        )
    return new


def expire_order(order_id: int, *, now=None) -> bool:
    now = now or timezone.now()
    with transaction.atomic():
        fresh = (
            PaymentOrder.objects.select_for_update(of=("self",))
            .select_related("org_unit", "org_unit__parent")
            .filter(pk=order_id, status__in=PaymentOrder.PAYABLE, expires_at__lte=now)
            .first()
        )
        if fresh is None:
            return False
        change_status(
            fresh,
            S.EXPIRED,
            actor="payments",
            event_type="payments.order_expired",
            data={"expires_at": fresh.expires_at},
        )
    return True


def expire_due_orders(*, now=None, limit: int = 500) -> int:
    now = now or timezone.now()
    ids = list(
        PaymentOrder.objects.filter(status__in=PaymentOrder.PAYABLE, expires_at__lte=now)
        .order_by("expires_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for pk in ids if expire_order(pk, now=now))


def _sync(original, fresh):
    if original is not fresh:
        for field in type(fresh)._meta.concrete_fields:
            setattr(original, field.attname, getattr(fresh, field.attname))
    return original


# --- reads -------------------------------------------------------------------------------------
def is_payer(order: PaymentOrder, user) -> bool:
    """The order's payer account, or — for orders opened without an account (department
    systems) — a real-name user whose ID number is the order's payer ID number."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if order.payer_id is not None:
        return order.payer_id == user.pk
    return _verified_id_number(user) and user.id_number.upper() == order.payer_id_number


def _verified_id_number(user) -> bool:
    """An ID number counts only once verified (real-name L2+): at L1 it is self-declared."""
    return bool(user.id_number) and (user.realname_level or 0) >= 2


def require_payer(order: PaymentOrder, user) -> None:
    if not is_payer(order, user):
        raise error(OrderError.ORDER_NOT_FOUND)


def access_payer_order(user, code) -> PaymentOrder:
    """The order with payment code ``code`` if ``user`` is its payer: a mistyped code gives
    ``invalid_payment_code``/``invalid_checksum``; someone else's order ``order_not_found``."""
    code = codes.validate_code(code)
    order = (
        PaymentOrder.objects.select_related("org_unit", "org_unit__parent")
        .filter(code=code)
        .first()
    )
    if order is None or not is_payer(order, user):
        raise error(OrderError.ORDER_NOT_FOUND)
    return order


def orders_of_payer(user):
    from django.db.models import Q

    if not getattr(user, "is_authenticated", False):
        return PaymentOrder.objects.none()
    condition = Q(payer=user)
    if _verified_id_number(user):
        condition |= Q(payer__isnull=True, payer_id_number=user.id_number.upper())
    return PaymentOrder.objects.filter(condition).select_related("org_unit", "org_unit__parent")


def orders_for_staff(user):
    return permissions.restrict(
        PaymentOrder.objects.select_related("org_unit", "org_unit__parent"),
        user,
        PAYMENTS_VIEW_ORDER,
    )


def access_staff_order(user, code: str) -> PaymentOrder:
    return permissions.access_object(
        PaymentOrder.objects.select_related("org_unit", "org_unit__parent"),
        user,
        PAYMENTS_VIEW_ORDER,
        code=code,
    )


def orders_for_reference(reference: str):
    return PaymentOrder.objects.filter(reference=reference).order_by("-created_at", "-id")
