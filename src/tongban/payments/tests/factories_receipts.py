"""Factories of the receipt tests: paid orders built directly (the order and callback services
are tested in their own files) and their receipts issued through the real service."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from tongban.payments.models import PaymentOrder


class PaidOrderFactory(factory.django.DjangoModelFactory):
    """An order of 60 元 (one item) that has succeeded."""

    class Meta:
        model = PaymentOrder

    code = factory.Sequence(lambda n: f"44010026{n:011d}0")
    title = "往来港澳通行证签发"
    payer = None
    payer_name = "张三"
    payer_id_number = "440106199001011235"
    items = factory.LazyAttribute(
        lambda order: [
            {
                "name": "往来港澳通行证",
                "basis": "粤发改价格〔2019〕号",
                "amount": order.amount,
                "budget_account": "1030403",
            }
        ]
    )
    amount = 6000
    status = PaymentOrder.Status.SUCCESS
    source = PaymentOrder.Source.API
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(hours=24))
    paid_at = factory.LazyFunction(timezone.now)
    paid_amount = factory.LazyAttribute(lambda order: order.amount)


def issue(order, *, actor=None):
    from tongban.payments.services.receipts import issue_receipt

    return issue_receipt(order, actor=actor)


_refund_numbers = iter(range(1, 10**9))


def refund_of(receipt, amount, *, status="succeeded", settles=True, reason="重复缴费"):
    """A refund of the receipted order's payment (or, with ``settles=False``, of a late second
    payment), built directly (the refund services are tested in their own files)."""
    from tongban.payments.models import Payment, Refund

    n = next(_refund_numbers)
    payment = Payment.objects.filter(order=receipt.order, settles_order=settles).first()
    if payment is None:
        payment = Payment.objects.create(
            order=receipt.order,
            channel="wechat",
            trade_no=f"R{n:015d}",
            amount=receipt.amount,
            status="success",
            settles_order=settles,
            paid_at=timezone.now(),
        )
    return Refund.objects.create(
        refund_no=f"RF{n:012d}",
        order=receipt.order,
        payment=payment,
        org_unit=receipt.org_unit,
        amount=amount,
        reason=reason,
        status=status,
        created_at=timezone.now(),
    )
