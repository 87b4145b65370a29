"""Helpers of the order, callback and simulator tests: orders, started payments and signed
callbacks as a channel sends them (fixtures: ``orders_fixtures``)."""

from __future__ import annotations

import itertools
import secrets

from django.utils import timezone

from tongban.payments.channels import simulator
from tongban.payments.models import PaymentOrder
from tongban.payments.services import orders

_seq = itertools.count(1)
FEE = [
    {"name": "往来港澳通行证证件费", "basis": "粤发改价格", "amount": 6000, "budget_account": ""}
]


def make_order(unit, payer, **kwargs) -> PaymentOrder:
    defaults = {
        "actor": "test",
        "org_unit": unit,
        "items": FEE,
        "source": PaymentOrder.Source.CASE,
        "payer": payer,
        "title": "往来港澳通行证签发",
        "reference": f"REF{next(_seq):06d}",
    }
    return orders.create_order(**{**defaults, **kwargs})


def started(order, payer, channel="wechat"):
    payment, _result = orders.start_payment(order, channel=channel, actor=payer)
    order.refresh_from_db()
    return payment


def callback_payload(payment, status="success", *, amount=None, event_id=None, paid_at=None):
    return {
        "event_id": event_id or secrets.token_hex(8),
        "out_trade_no": payment.trade_no,
        "transaction_id": "4200000001",
        "amount": payment.amount if amount is None else amount,
        "status": status,
        "paid_at": (paid_at or timezone.now()).isoformat() if status == "success" else None,
    }


def post_callback(client, payment, payload, *, channel=None, headers=None):
    channel = channel or payment.channel
    body, signed = simulator.sign_callback(channel, payload)
    extra = {**signed, **(headers or {})}
    return client.post(
        f"/api/v1/payments/callbacks/{channel}",
        data=body,
        content_type="application/json",
        headers={k: v for k, v in extra.items() if k != "Content-Type"},
    )
