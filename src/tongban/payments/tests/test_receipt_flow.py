"""The contract with orders and callbacks: paying an order through a channel callback issues
its receipt after the commit, once, even when the channel repeats the callback."""

import secrets

import pytest
from django.utils import timezone

from tongban.core.models import AuditEvent
from tongban.payments.models import Receipt

pytestmark = pytest.mark.django_db


def _callback(payment, event_id):
    from tongban.payments.channels import CallbackData

    return CallbackData(
        event_id=event_id,
        trade_no=payment.trade_no,
        channel_trade_no=f"4200{secrets.randbelow(10**12):012d}",
        amount=payment.amount,
        status="success",
        paid_at=timezone.now(),
    )


def test_a_paid_order_gets_its_receipt_after_commit(
    gz_market_dept, citizen, settings, django_capture_on_commit_callbacks
):
    from tongban.payments.models import PaymentOrder
    from tongban.payments.services import callbacks, orders

    settings.SIMULATORS_ENABLED = True
    order = orders.create_order(
        actor=citizen,
        org_unit=gz_market_dept,
        items=[{"name": "往来港澳通行证", "basis": "粤发改价格", "amount": 6000}],
        source=PaymentOrder.Source.API,
        payer=citizen,
    )
    payment, _start = orders.start_payment(order, channel="wechat", actor=citizen)
    data = _callback(payment, "evt-1")
    with django_capture_on_commit_callbacks(execute=True):
        callbacks.apply_callback("wechat", data)
    receipt = Receipt.objects.get(order=order)
    assert receipt.payer == citizen and receipt.amount == 6000
    assert receipt.items[0]["name"] == "往来港澳通行证"
    with django_capture_on_commit_callbacks(execute=True):
        callbacks.apply_callback("wechat", data)  # the channel repeats the callback
    assert Receipt.objects.count() == 1
    assert AuditEvent.objects.filter(event_type="payments.receipt_issued").count() == 1
