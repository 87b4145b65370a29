"""The channel simulators: the cashier page, asynchronous signed callbacks delivered by a
task to the callback endpoint, and the demo behaviours."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tongban.core.exceptions import DomainError
from tongban.payments.channels import adapters, get_adapter, simulator
from tongban.payments.errors import OrderError
from tongban.payments.models import CallbackRecord, PaymentOrder, SimulatedCallback
from tongban.payments.tests.orders_fixtures import *  # noqa: F403
from tongban.payments.tests.orders_support import started

S = PaymentOrder.Status


def _outcomes(answers):
    return [body.get("outcome", body.get("code")) for _status, body in answers]


def test_three_simulated_channels_when_simulators_are_on(settings):
    assert [a.key for a in adapters()] == ["wechat", "alipay", "unionpay"]
    assert all(a.is_simulator for a in adapters())
    settings.SIMULATORS_ENABLED = False
    assert adapters() == []


def test_cashier_page_shows_amount_and_merchant(client, order, citizen):
    payment = started(order, citizen)
    response = client.get(f"/pay/sim/{payment.trade_no}/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "¥60.00" in text and "广州市公安局" in text and "模拟" in text


def test_cashier_is_gone_without_simulators(client, settings, order, citizen):
    payment = started(order, citizen)
    settings.SIMULATORS_ENABLED = False
    assert client.get(f"/pay/sim/{payment.trade_no}/").status_code == 404
    assert client.post(f"/pay/sim/{payment.trade_no}/", {"behaviour": "normal"}).status_code == 404
    assert not SimulatedCallback.objects.exists()
    assert client.get("/pay/sim/TW123/").status_code == 404


def test_confirm_sends_signed_callbacks_to_the_endpoint(
    client, client_transport, order, citizen, django_capture_on_commit_callbacks
):
    payment = started(order, citizen)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/pay/sim/{payment.trade_no}/", {"behaviour": "normal"})
    assert response.status_code == 200 and "已提交支付" in response.content.decode()
    assert _outcomes(client_transport) == ["submitted", "applied"]
    order.refresh_from_db()
    assert order.status == S.SUCCESS
    assert set(SimulatedCallback.objects.values_list("state", flat=True)) == {"sent"}
    assert CallbackRecord.objects.filter(signature_ok=True).count() == 2
    again = client.post(f"/pay/sim/{payment.trade_no}/", {"behaviour": "normal"})
    assert again.status_code == 409  # a finished payment cannot be confirmed twice


def test_duplicate_behaviour(client_transport, order, citizen, django_capture_on_commit_callbacks):
    payment = started(order, citizen)
    with django_capture_on_commit_callbacks(execute=True):
        simulator.confirm(payment.trade_no, simulator.DUPLICATE)
    assert _outcomes(client_transport) == ["submitted", "applied", "duplicate", "duplicate"]
    order.refresh_from_db()
    assert order.status == S.SUCCESS and order.paid_amount == 6000


def test_reorder_behaviour(client_transport, order, citizen, django_capture_on_commit_callbacks):
    payment = started(order, citizen)
    with django_capture_on_commit_callbacks(execute=True):
        simulator.confirm(payment.trade_no, simulator.REORDER)
    assert _outcomes(client_transport) == ["applied", "stale"]
    order.refresh_from_db()
    assert order.status == S.SUCCESS


def test_fail_behaviour(client_transport, order, citizen, django_capture_on_commit_callbacks):
    payment = started(order, citizen)
    with django_capture_on_commit_callbacks(execute=True):
        simulator.confirm(payment.trade_no, simulator.FAIL)
    assert _outcomes(client_transport) == ["submitted", "failed"]
    order.refresh_from_db()
    assert order.status == S.FAILED


def test_wrong_amount_behaviour(
    client_transport, order, citizen, django_capture_on_commit_callbacks
):
    payment = started(order, citizen)
    with django_capture_on_commit_callbacks(execute=True):
        simulator.confirm(payment.trade_no, simulator.WRONG_AMOUNT)
    assert _outcomes(client_transport) == ["submitted", "amount_mismatch"]
    order.refresh_from_db()
    assert order.status == S.SUBMITTED and order.paid_amount == 0


def test_delay_behaviour_waits_for_the_periodic_task(
    client_transport, order, citizen, django_capture_on_commit_callbacks
):
    payment = started(order, citizen)
    with django_capture_on_commit_callbacks(execute=True):
        simulator.confirm(payment.trade_no, simulator.DELAY, delay_seconds=30)
    assert _outcomes(client_transport) == ["submitted"]
    assert simulator.deliver_due() == 0  # not yet due
    assert simulator.deliver_due(now=timezone.now() + timedelta(seconds=31)) == 1
    assert _outcomes(client_transport) == ["submitted", "applied"]
    order.refresh_from_db()
    assert order.status == S.SUCCESS


def test_unreachable_platform_is_retried_with_backoff(
    monkeypatch, order, citizen, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(simulator, "transport", lambda url, body, headers: (None, "URLError"))
    payment = started(order, citizen)
    with django_capture_on_commit_callbacks(execute=True):
        simulator.confirm(payment.trade_no)
    row = SimulatedCallback.objects.order_by("id").first()
    assert row.state == "pending" and row.attempts == 1 and row.due_at > timezone.now()


def test_confirm_refuses_unknown_and_disabled(settings, order, citizen):
    with pytest.raises(DomainError) as excinfo:
        simulator.confirm("TW-nope")
    assert excinfo.value.code == OrderError.PAYMENT_NOT_FOUND
    settings.SIMULATORS_ENABLED = False
    payment = order.payments.first()
    with pytest.raises(DomainError) as excinfo:
        simulator.confirm(payment.trade_no if payment else "x")
    assert excinfo.value.code == OrderError.SIMULATORS_DISABLED


def test_simulator_refund_is_accepted_within_the_amount(order, citizen):
    payment = started(order, citizen)
    adapter = get_adapter("wechat")
    result = adapter.refund(payment, refund_no="R1", amount=6000)
    assert result.accepted and result.channel_refund_no
    assert not adapter.refund(payment, refund_no="R2", amount=6001).accepted
