"""我的缴费 and the pay page: lookups by code, channel choice, QR, HTMX status, outsiders."""

import pytest

from tongban.core.models import AuditEvent
from tongban.payments.models import Payment, PaymentOrder
from tongban.payments.tests.orders_fixtures import *  # noqa: F403
from tongban.payments.tests.orders_support import callback_payload, post_callback, started

S = PaymentOrder.Status


def test_my_payments_needs_login(client, order):
    response = client.get("/my/payments/")
    assert response.status_code == 302 and "/login" in response["Location"]
    assert client.get(f"/my/payments/{order.code}/").status_code == 302


def test_my_payments_lists_my_orders_only(client, order, citizen, outsider):
    client.force_login(citizen)
    response = client.get("/my/payments/")
    assert response.status_code == 200
    text = response.content.decode()
    assert order.code in text and "¥60.00" in text and "待缴费" in text
    client.force_login(outsider)
    assert order.code not in client.get("/my/payments/").content.decode()


def test_code_lookup_goes_to_the_pay_page(client, order, citizen):
    client.force_login(citizen)
    spaced = f"{order.code[:6]} {order.code[6:]}"
    response = client.get("/my/payments/", {"code": spaced})
    assert response.status_code == 302 and response["Location"] == f"/my/payments/{order.code}/"


def test_mistyped_code_gets_a_clear_error(client, order, citizen):
    client.force_login(citizen)
    typo = order.code[:-1] + str((int(order.code[-1]) + 1) % 10)
    response = client.get("/my/payments/", {"code": typo})
    assert response.status_code == 400
    assert 'data-code="invalid_checksum"' in response.content.decode()
    response = client.get("/my/payments/", {"code": "123"})
    assert 'data-code="invalid_payment_code"' in response.content.decode()
    assert client.get(f"/my/payments/{typo}/").status_code == 400


def test_pay_page_shows_items_and_channels(client, order, citizen):
    client.force_login(citizen)
    response = client.get(f"/my/payments/{order.code}/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "往来港澳通行证证件费" in text and "¥60.00" in text and "广州市公安局" in text
    assert 'value="wechat"' in text and 'value="alipay"' in text and 'value="unionpay"' in text


def test_choosing_a_channel_shows_the_qr_code(client, order, citizen):
    client.force_login(citizen)
    response = client.post(f"/my/payments/{order.code}/", {"channel": "alipay"})
    assert response.status_code == 302
    payment = Payment.objects.get()
    assert response["Location"] == f"/my/payments/{order.code}/?trade={payment.trade_no}"
    page = client.get(response["Location"]).content.decode()
    assert "<svg" in page and f"/pay/sim/{payment.trade_no}/" in page
    assert 'hx-trigger="every 3s"' in page
    order.refresh_from_db()
    assert order.status == S.STARTED


def test_htmx_status_partial_follows_the_callback(client, order, citizen):
    client.force_login(citizen)
    payment = started(order, citizen)
    url = f"/my/payments/{order.code}/?trade={payment.trade_no}"
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith('<section class="card" id="pay-status"')
    assert "<h1>" not in partial
    post_callback(client, payment, callback_payload(payment))
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'data-status="success"' in partial and "hx-trigger" not in partial
    assert "我的票据" in partial


def test_outsider_cannot_see_or_pay_someone_elses_order(client, order, outsider):
    client.force_login(outsider)
    assert client.get(f"/my/payments/{order.code}/").status_code == 404
    response = client.post(f"/my/payments/{order.code}/", {"channel": "wechat"})
    assert response.status_code == 404
    response = client.get("/my/payments/", {"code": order.code})
    assert (
        response.status_code == 404 and 'data-code="order_not_found"' in response.content.decode()
    )
    order.refresh_from_db()
    assert order.status == S.CREATED and not order.payments.exists()
    assert not AuditEvent.objects.filter(event_type="payments.payment_started").exists()


@pytest.mark.parametrize("final", ["expired", "cancelled"])
def test_closed_orders_offer_no_channel_and_refuse_a_start(client, order, citizen, final):
    from tongban.payments.services import orders

    if final == "cancelled":
        orders.cancel_order(order, actor="test", reason="重复开具")
    else:
        orders.expire_due_orders(now=order.expires_at)
    client.force_login(citizen)
    page = client.get(f"/my/payments/{order.code}/").content.decode()
    assert 'name="channel"' not in page
    response = client.post(f"/my/payments/{order.code}/", {"channel": "wechat"})
    assert response.status_code == 409
    assert not order.payments.exists()


def test_paid_order_refuses_a_second_start(client, order, citizen):
    payment = started(order, citizen)
    post_callback(client, payment, callback_payload(payment))
    client.force_login(citizen)
    response = client.post(f"/my/payments/{order.code}/", {"channel": "wechat"})
    assert response.status_code == 409 and "已缴费成功" in response.content.decode()
    assert order.payments.count() == 1


def test_unknown_channel_is_an_error_message(client, order, citizen):
    client.force_login(citizen)
    response = client.post(f"/my/payments/{order.code}/", {"channel": "cash"})
    assert response.status_code == 400 and "不支持该支付渠道" in response.content.decode()
    assert not order.payments.exists()


def test_order_past_its_deadline_offers_no_channel_before_the_task_runs(client, order, citizen):
    from datetime import timedelta

    PaymentOrder.objects.filter(pk=order.pk).update(
        expires_at=order.created_at - timedelta(minutes=1)
    )
    client.force_login(citizen)
    page = client.get(f"/my/payments/{order.code}/").content.decode()
    assert 'name="channel"' not in page and 'id="order-expired"' in page
    order.refresh_from_db()
    assert order.status == S.CREATED


def test_my_payments_query_count_does_not_grow_with_orders(
    client, psb, citizen, django_assert_max_num_queries
):
    from tongban.payments.tests.orders_support import make_order

    make_order(psb, citizen)
    client.force_login(citizen)
    with django_assert_max_num_queries(12) as few:
        client.get("/my/payments/")
        baseline = len(few)
    for _ in range(5):
        make_order(psb, citizen)
    with django_assert_max_num_queries(baseline):
        response = client.get("/my/payments/")
    assert response.content.decode().count("data-code=") >= 6


def test_no_online_channel_is_explained(client, settings, order, citizen):
    settings.SIMULATORS_ENABLED = False
    client.force_login(citizen)
    page = client.get(f"/my/payments/{order.code}/").content.decode()
    assert 'id="no-channel"' in page and 'name="channel"' not in page
