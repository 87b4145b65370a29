"""Callbacks under concurrency: however many copies arrive at once, exactly one success
effect (SQLite file database with the project's connection options, or PostgreSQL with row
locks when DATABASE_URL says so — run it there too)."""

import secrets

import pytest

from tongban.core.models import AuditEvent
from tongban.payments.channels import simulator
from tongban.payments.models import CallbackRecord, PaymentOrder
from tongban.payments.services import callbacks, codes, orders
from tongban.payments.tests.orders_support import FEE, callback_payload
from tongban.testing.concurrency import thread_database

THREADS = 6


def _setup():
    from tongban.testing.factories import OrgUnitFactory, UserFactory

    city = OrgUnitFactory(code="440100", name="广州市", kind="city", division_code="440100")
    unit = OrgUnitFactory(
        code="440100-公安局", name="公安局", kind="department", division_code="440100", parent=city
    )
    payer = UserFactory(username="p1", id_number="440106199001011235", name="张三")
    order = orders.create_order(
        actor="test", org_unit=unit, items=FEE, source="case", payer=payer, reference="C1"
    )
    return order, payer


def _send(payment, payload):
    body, headers = simulator.sign_callback(payment.channel, payload)
    return callbacks.process_callback(payment.channel, body, headers)


@pytest.mark.django_db(transaction=True)
def test_parallel_copies_of_one_callback_have_one_effect(tmp_path):
    with thread_database(tmp_path) as database:
        order, payer = _setup()
        payment, _r = orders.start_payment(order, channel="wechat", actor=payer)
        payload = callback_payload(payment)
        outcomes = []

        def work(worker: int) -> None:
            outcomes.append(_send(payment, payload).outcome)

        assert database.run(work, threads=THREADS) == []
        assert sorted(outcomes) == ["applied"] + ["duplicate"] * (THREADS - 1)
        order.refresh_from_db()
        assert order.status == "success" and order.paid_amount == 6000
        assert AuditEvent.objects.filter(event_type="payments.order_paid").count() == 1
        assert CallbackRecord.objects.filter(event_id=payload["event_id"]).count() == 1


@pytest.mark.django_db(transaction=True)
def test_parallel_notifications_with_different_ids_have_one_effect(tmp_path):
    with thread_database(tmp_path) as database:
        order, payer = _setup()
        payment, _r = orders.start_payment(order, channel="alipay", actor=payer)
        outcomes = []

        def work(worker: int) -> None:
            payload = callback_payload(payment, event_id=secrets.token_hex(8))
            outcomes.append(_send(payment, payload).outcome)

        assert database.run(work, threads=THREADS) == []
        assert sorted(outcomes) == ["applied"] + ["duplicate"] * (THREADS - 1)
        assert AuditEvent.objects.filter(event_type="payments.order_paid").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_channels_paying_at_once_settle_once_and_refund_the_other(tmp_path):
    with thread_database(tmp_path) as database:
        order, payer = _setup()
        payments = [
            orders.start_payment(order, channel=channel, actor=payer)[0]
            for channel in ("wechat", "alipay", "unionpay")
        ]
        outcomes = []

        def work(worker: int) -> None:
            payment = payments[worker % len(payments)]
            outcomes.append(_send(payment, callback_payload(payment)).outcome)

        assert database.run(work, threads=len(payments)) == []
        assert sorted(outcomes) == ["applied", "late_refunded", "late_refunded"]
        order.refresh_from_db()
        assert order.status == "success" and order.paid_amount == 6000
        assert order.payments.filter(settles_order=True).count() == 1
        assert sum(p.refunds.count() for p in order.payments.all()) == 2
        assert PaymentOrder.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_parallel_orders_get_distinct_consecutive_codes(tmp_path):
    with thread_database(tmp_path) as database:
        order, payer = _setup()
        made = []

        def work(worker: int) -> None:
            for _ in range(3):
                made.append(
                    orders.create_order(
                        actor="test",
                        org_unit=order.org_unit,
                        items=FEE,
                        source="case",
                        payer=payer,
                    ).code
                )

        assert database.run(work, threads=4) == []
        sequences = sorted(int(code[8:19]) for code in made + [order.code])
        assert sequences == list(range(1, 14))
        assert all(codes.validate_code(code) for code in made)


@pytest.mark.django_db(transaction=True)
def test_expiry_racing_a_payment_made_in_time_never_loses_it(tmp_path):
    from datetime import timedelta

    with thread_database(tmp_path) as database:
        order, payer = _setup()
        payment, _r = orders.start_payment(order, channel="wechat", actor=payer)
        deadline = order.expires_at
        paid_at = deadline - timedelta(seconds=1)  # paid in time, notified at the deadline
        outcomes = []

        def work(worker: int) -> None:
            if worker == 0:
                orders.expire_due_orders(now=deadline + timedelta(seconds=1))
            else:
                outcomes.append(_send(payment, callback_payload(payment, paid_at=paid_at)).outcome)

        assert database.run(work, threads=2) == []
        order.refresh_from_db()
        payment.refresh_from_db()
        assert outcomes == ["applied"]
        assert order.status == "success" and payment.settles_order
        assert not payment.refunds.exists()
