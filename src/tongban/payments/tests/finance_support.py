"""Test helpers of the finance tests: paid orders and payments built directly (the order and
callback services are tested in their own files), and the other city's finance officer."""

import itertools
from datetime import datetime, time, timedelta

from django.utils import timezone

from tongban.payments.models import Payment, PaymentOrder

_seq = itertools.count(1)


def paid_order(
    org_unit,
    *,
    amount=6000,
    channel="wechat",
    paid_at=None,
    status="success",
    payer=None,
    code=None,
    reported_amount=None,
):
    """An order of ``org_unit`` paid in full by one payment (``status`` other than success
    gives an unpaid order with a started payment)."""
    n = next(_seq)
    now = timezone.now()
    paid_at = paid_at or now
    order = PaymentOrder.objects.create(
        code=code or f"{org_unit.division_code[:6]}26{n:011d}0",
        org_unit=org_unit,
        title="往来港澳通行证签发",
        payer=payer,
        payer_name="张三",
        payer_id_number="440106199001011235",
        items=[{"name": "证件费", "basis": "粤价", "amount": amount, "budget_account": "103"}],
        amount=amount,
        status=status,
        source="api",
        expires_at=now + timedelta(hours=24),
        paid_at=paid_at if status == "success" else None,
        paid_amount=amount if status == "success" else 0,
    )
    Payment.objects.create(
        order=order,
        channel=channel,
        trade_no=f"T{n:015d}",
        channel_trade_no=f"42000{n:010d}",
        amount=amount,
        status="success" if status == "success" else "started",
        settles_order=status == "success",
        reported_amount=reported_amount,
        paid_at=paid_at if status == "success" else None,
    )
    return order


def late_payment(order, *, amount=None, channel="wechat", paid_at=None):
    """A second successful payment for an order that can no longer take it."""
    n = next(_seq)
    return Payment.objects.create(
        order=order,
        channel=channel,
        trade_no=f"L{n:015d}",
        channel_trade_no=f"43000{n:010d}",
        amount=amount or order.amount,
        status="success",
        settles_order=False,
        paid_at=paid_at or timezone.now(),
    )


def at(day, hour=10, minute=0):
    """An aware datetime on ``day`` (Beijing time)."""
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def yesterday():
    return timezone.localdate() - timedelta(days=1)


def make_sz_finance(sz_market_dept):
    """The finance officer of the Shenzhen market department (another city)."""
    from tongban.testing.factories import RoleAssignmentFactory, StaffFactory

    user = StaffFactory(username="sz_finance", name="何财务")
    RoleAssignmentFactory(user=user, org_unit=sz_market_dept, role="finance", covers_children=True)
    return user


def audit_types(**filters):
    from tongban.core.models import AuditEvent

    return list(AuditEvent.objects.filter(**filters).values_list("event_type", flat=True))


def flagged_payment(order, *, reported_amount, channel="wechat", when=None):
    """A payment whose callback reported another amount: flagged, not booked (as the callback
    service leaves it), the money at the channel."""
    n = next(_seq)
    payment = Payment.objects.create(
        order=order,
        channel=channel,
        trade_no=f"M{n:015d}",
        channel_trade_no=f"44000{n:010d}",
        amount=order.amount,
        status="submitted",
        settles_order=False,
        reported_amount=reported_amount,
        flag="amount_mismatch",
    )
    if when is not None:
        Payment.objects.filter(pk=payment.pk).update(updated_at=when)
        payment.refresh_from_db()
    return payment
