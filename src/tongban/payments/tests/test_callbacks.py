"""Channel callbacks through the HTTP endpoint: signature, idempotency, order of arrival,
amounts, late money, receipts."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tongban.core.models import AuditEvent
from tongban.payments.models import CallbackRecord, Payment, PaymentOrder
from tongban.payments.services import callbacks, orders
from tongban.payments.tests.orders_fixtures import *  # noqa: F403
from tongban.payments.tests.orders_support import (
    callback_payload,
    post_callback,
    started,
)

S = PaymentOrder.Status


@pytest.fixture
def receipts_issued(monkeypatch):
    """Record the receipt requests made after commit (the receipt itself is P3's)."""
    from tongban.payments.services import receipts

    issued = []
    monkeypatch.setattr(receipts, "issue_receipt", lambda o, *, actor: issued.append(o.code))
    return issued


def _snapshot(order):
    order.refresh_from_db()
    payments = list(order.payments.values_list("trade_no", "status", "settles_order", "flag"))
    return order.status, order.paid_amount, payments


def test_success_pays_the_order_once_and_asks_for_the_receipt(
    client, order, citizen, receipts_issued, django_capture_on_commit_callbacks
):
    payment = started(order, citizen)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_callback(client, payment, callback_payload(payment))
    assert response.status_code == 200
    assert response.json() == {"code": "SUCCESS", "outcome": "applied"}
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == S.SUCCESS and order.paid_amount == 6000 and order.paid_at
    assert payment.status == Payment.Status.SUCCESS and payment.settles_order
    assert payment.channel_trade_no == "4200000001"
    assert receipts_issued == [order.code]
    event = AuditEvent.objects.get(event_type="payments.order_paid")
    assert event.org_unit_id == order.org_unit_id and event.data["new"]["status"] == "success"


def test_receipt_failure_never_undoes_the_payment(
    client, order, citizen, django_capture_on_commit_callbacks
):
    payment = started(order, citizen)  # the contract stub may still raise NotImplementedError
    from tongban.payments.services import receipts

    original = receipts.issue_receipt

    def broken(o, *, actor):
        raise RuntimeError("seal unavailable")

    receipts.issue_receipt = broken
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = post_callback(client, payment, callback_payload(payment))
    finally:
        receipts.issue_receipt = original
    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == S.SUCCESS


def test_forged_callback_is_refused_audited_and_changes_nothing(client, order, citizen):
    payment = started(order, citizen)
    before = _snapshot(order)
    response = post_callback(
        client, payment, callback_payload(payment), headers={"X-Sim-Signature": "00" * 32}
    )
    assert response.status_code == 401 and response.json()["code"] == "invalid_signature"
    assert _snapshot(order) == before
    record = CallbackRecord.objects.get()
    assert record.signature_ok is False and record.outcome == "forged" and record.payment is None
    assert AuditEvent.objects.filter(event_type="payments.callback_forged").count() == 1


def test_callback_signed_with_another_channels_key_is_forged(client, order, citizen):
    payment = started(order, citizen, channel="wechat")
    from tongban.payments.channels import simulator

    body, headers = simulator.sign_callback("alipay", callback_payload(payment))
    response = client.post(
        "/api/v1/payments/callbacks/wechat",
        data=body,
        content_type="application/json",
        headers={k: v for k, v in headers.items() if k != "Content-Type"},
    )
    assert response.status_code == 401
    order.refresh_from_db()
    assert order.status == S.STARTED


def test_replayed_old_callback_is_refused(client, order, citizen):
    payment = started(order, citizen)
    from tongban.payments.channels import simulator

    old = str(int((timezone.now() - timedelta(minutes=10)).timestamp()))
    body, headers = simulator.sign_callback("wechat", callback_payload(payment), timestamp=old)
    response = client.post(
        "/api/v1/payments/callbacks/wechat",
        data=body,
        content_type="application/json",
        headers={k: v for k, v in headers.items() if k != "Content-Type"},
    )
    assert response.status_code == 401
    order.refresh_from_db()
    assert order.status == S.STARTED


def test_malformed_and_unknown(client, order, citizen):
    payment = started(order, citizen)
    bad = callback_payload(payment)
    bad["amount"] = "60.00"
    response = post_callback(client, payment, bad)
    assert response.status_code == 400 and response.json()["code"] == "callback_malformed"
    assert CallbackRecord.objects.get().outcome == "malformed"
    unknown = callback_payload(payment)
    unknown["out_trade_no"] = "TW0000"
    response = post_callback(client, payment, unknown)
    assert response.status_code == 404 and response.json()["code"] == "unknown_trade"
    response = client.post(
        "/api/v1/payments/callbacks/paypal", data=b"{}", content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["code"] == "channel_unknown"
    order.refresh_from_db()
    assert order.status == S.STARTED
    assert not AuditEvent.objects.filter(event_type="payments.callback_forged").exists()


def test_duplicate_event_has_no_second_effect(client, order, citizen):
    payment = started(order, citizen)
    payload = callback_payload(payment)
    assert post_callback(client, payment, payload).json()["outcome"] == "applied"
    after_first = _snapshot(order)
    events = AuditEvent.objects.count()
    again = post_callback(client, payment, payload)
    assert again.status_code == 200 and again.json()["outcome"] == "duplicate"
    other_id = post_callback(client, payment, callback_payload(payment))
    assert other_id.json()["outcome"] == "duplicate"  # same trade, new event id
    assert _snapshot(order) == after_first
    assert AuditEvent.objects.count() == events
    assert CallbackRecord.objects.filter(event_id=payload["event_id"]).count() == 1


def test_submitted_then_success_and_stale_notices_are_ignored(client, order, citizen):
    payment = started(order, citizen)
    assert (
        post_callback(client, payment, callback_payload(payment, "submitted")).json()["outcome"]
        == "submitted"
    )
    order.refresh_from_db()
    assert order.status == S.SUBMITTED
    assert post_callback(client, payment, callback_payload(payment)).json()["outcome"] == "applied"
    after = _snapshot(order)
    # out of order: a "paying" notice and a failure arriving after the success
    assert (
        post_callback(client, payment, callback_payload(payment, "submitted")).json()["outcome"]
        == "stale"
    )
    assert (
        post_callback(client, payment, callback_payload(payment, "failed")).json()["outcome"]
        == "stale"
    )
    assert _snapshot(order) == after


def test_failure_marks_the_order_failed_and_a_new_attempt_can_pay(client, order, citizen):
    payment = started(order, citizen)
    assert (
        post_callback(client, payment, callback_payload(payment, "failed")).json()["outcome"]
        == "failed"
    )
    order.refresh_from_db()
    assert order.status == S.FAILED
    retry = started(order, citizen, channel="unionpay")
    assert order.status == S.STARTED
    assert post_callback(client, retry, callback_payload(retry)).json()["outcome"] == "applied"
    order.refresh_from_db()
    assert order.status == S.SUCCESS


def test_wrong_amount_is_flagged_for_finance_and_the_order_is_not_paid(client, order, citizen):
    payment = started(order, citizen)
    response = post_callback(client, payment, callback_payload(payment, amount=5999))
    assert response.status_code == 200 and response.json()["outcome"] == "amount_mismatch"
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == S.STARTED and order.paid_amount == 0
    assert payment.flag == "amount_mismatch" and payment.reported_amount == 5999
    assert not payment.settles_order and payment.status != Payment.Status.SUCCESS
    event = AuditEvent.objects.get(event_type="payments.amount_mismatch_flagged")
    assert event.data["expected"] == 6000 and event.data["reported"] == 5999
    assert event.org_unit_id == order.org_unit_id


def test_second_payment_of_a_paid_order_is_refunded_automatically(client, order, citizen):
    first = started(order, citizen)
    second = started(order, citizen, channel="alipay")
    assert post_callback(client, first, callback_payload(first)).json()["outcome"] == "applied"
    response = post_callback(client, second, callback_payload(second))
    assert response.json()["outcome"] == "late_refunded"
    order.refresh_from_db()
    second.refresh_from_db()
    assert order.paid_amount == 6000 and order.status == S.SUCCESS
    assert second.status == Payment.Status.SUCCESS and not second.settles_order
    assert second.flag == "late"
    assert order.payments.filter(settles_order=True).count() == 1
    refund = second.refunds.get()
    assert refund.amount == 6000 and refund.kind == "automatic"
    assert AuditEvent.objects.filter(event_type="payments.late_payment_refunded").count() == 1


def test_money_paid_after_the_deadline_of_an_expired_order_is_refunded(client, order, citizen):
    payment = started(order, citizen)
    orders.expire_due_orders(now=order.expires_at + timedelta(seconds=1))
    order.refresh_from_db()
    assert order.status == S.EXPIRED
    late = order.expires_at + timedelta(minutes=5)
    response = post_callback(client, payment, callback_payload(payment, paid_at=late))
    assert response.json()["outcome"] == "late_refunded"
    order.refresh_from_db()
    assert order.status == S.EXPIRED and order.paid_amount == 0
    assert payment.refunds.count() == 1


def test_payment_in_time_whose_notice_comes_after_expiry_is_taken(client, order, citizen):
    payment = started(order, citizen)
    orders.expire_due_orders(now=order.expires_at + timedelta(seconds=1))
    in_time = order.expires_at - timedelta(minutes=1)
    response = post_callback(client, payment, callback_payload(payment, paid_at=in_time))
    assert response.json()["outcome"] == "applied"
    order.refresh_from_db()
    assert order.status == S.SUCCESS and order.paid_amount == 6000
    assert not payment.refunds.exists()
    event = AuditEvent.objects.get(event_type="payments.order_paid")
    assert event.data["old"]["status"] == "expired"


def test_money_after_cancellation_is_refunded(client, order, citizen):
    payment = started(order, citizen)
    orders.cancel_order(order, actor="test", reason="撤回办件")
    response = post_callback(client, payment, callback_payload(payment))
    assert response.json()["outcome"] == "late_refunded"
    order.refresh_from_db()
    assert order.status == S.CANCELLED and payment.refunds.count() == 1


def test_payment_made_after_the_deadline_expires_the_order_and_is_refunded(client, order, citizen):
    payment = started(order, citizen)
    late = order.expires_at + timedelta(minutes=1)
    response = post_callback(client, payment, callback_payload(payment, paid_at=late))
    assert response.json()["outcome"] == "late_refunded"
    order.refresh_from_db()
    assert order.status == S.EXPIRED and payment.refunds.count() == 1


def test_apply_callback_records_outcome(order, citizen):
    payment = started(order, citizen)
    from tongban.payments.channels import CallbackData

    data = CallbackData("e1", payment.trade_no, "x", 6000, "success", timezone.now())
    record = callbacks.apply_callback("wechat", data)
    assert record.outcome == "applied" and record.payment == payment
