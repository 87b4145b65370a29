"""The orders API for department systems (client credentials), callbacks and webhooks."""

import base64
import json

import pytest

from tongban.core.models import AuditEvent
from tongban.core.webhooks import verify_signature
from tongban.payments.errors import ALL_ORDER_CODES
from tongban.payments.models import PaymentOrder, PaymentWebhookDelivery
from tongban.payments.services import webhooks
from tongban.payments.tests.orders_fixtures import *  # noqa: F403
from tongban.payments.tests.orders_support import callback_payload, post_callback

BODY = {
    "payer_name": "张三",
    "payer_id_number": "440106199001011235",
    "items": [{"name": "户籍证明工本费", "basis": "粤价", "amount": 1000}],
    "reference": "HJ-2026-0001",
}


def _client(operator, org_unit, scopes=("payments:orders",)):
    from tongban.identity.oidc import services

    return services.register_client(
        actor=operator, name="公安业务系统", kind="machine", scopes=list(scopes), org_unit=org_unit
    )


def _token(client, app, secret):
    basic = base64.b64encode(f"{app.client_id}:{secret}".encode()).decode()
    response = client.post(
        "/o/token/", {"grant_type": "client_credentials"}, HTTP_AUTHORIZATION=f"Basic {basic}"
    )
    assert response.status_code == 200, response.content
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.fixture
def system(client, operator, psb):
    app, secret = _client(operator, psb)
    return app, _token(client, app, secret)


def _create(client, headers, body=None):
    return client.post(
        "/api/v1/payments/orders",
        data=json.dumps(body or BODY),
        content_type="application/json",
        headers=headers,
    )


def test_create_and_get_an_order(client, system, psb):
    app, headers = system
    response = _create(client, headers)
    assert response.status_code == 201, response.content
    data = response.json()
    assert (
        data["status"] == "created" and data["amount"] == 1000 and data["org_unit"] == psb.full_name
    )
    assert len(data["code"]) == 20 and data["pay_url"].endswith(f"/my/payments/{data['code']}/")
    order = PaymentOrder.objects.get(code=data["code"])
    assert order.client_id == app.client_id and order.source == "api" and order.payer is None
    event = AuditEvent.objects.get(event_type="payments.order_created")
    assert event.actor_name == f"client:{app.client_id}"
    got = client.get(f"/api/v1/payments/orders/{data['code']}", headers=headers)
    assert got.status_code == 200 and got.json()["code"] == data["code"]
    listed = client.get("/api/v1/payments/orders?reference=HJ-2026-0001", headers=headers)
    assert [row["code"] for row in listed.json()["items"]] == [data["code"]]


def test_duplicate_reference_and_bad_input_change_nothing(client, system):
    _app, headers = system
    assert _create(client, headers).status_code == 201
    again = _create(client, headers)
    assert again.status_code == 409 and again.json()["code"] == "duplicate_reference"
    bad = {**BODY, "reference": "X2", "payer_id_number": "440106199001011234"}
    response = _create(client, headers, bad)
    assert response.status_code == 400 and response.json()["code"] == "payer_invalid"
    zero = {**BODY, "reference": "X3", "items": [{"name": "费", "amount": 0}]}
    assert _create(client, headers, zero).status_code in (400, 422)
    assert PaymentOrder.objects.count() == 1


def test_tokens_without_the_scope_or_without_a_unit_are_refused(client, operator, psb):
    app, secret = _client(operator, psb, scopes=("codes:validate",))
    response = _create(client, _token(client, app, secret))
    assert response.status_code == 403 and response.json()["code"] == "insufficient_scope"
    app, secret = _client(operator, None)
    response = _create(client, _token(client, app, secret))
    assert response.status_code == 403 and response.json()["code"] == "client_without_org_unit"
    assert (
        client.post(
            "/api/v1/payments/orders", data="{}", content_type="application/json"
        ).status_code
        == 401
    )
    assert not PaymentOrder.objects.exists()


def test_other_systems_orders_are_not_found(client, system, operator, psb):
    _app, headers = system
    code = _create(client, headers).json()["code"]
    other, secret = _client(operator, psb)
    other_headers = _token(client, other, secret)
    assert client.get(f"/api/v1/payments/orders/{code}", headers=other_headers).status_code == 404
    response = client.post(
        f"/api/v1/payments/orders/{code}/cancel",
        data=json.dumps({"reason": "x"}),
        content_type="application/json",
        headers=other_headers,
    )
    assert response.status_code == 404
    assert PaymentOrder.objects.get(code=code).status == "created"
    typo = code[:-1] + str((int(code[-1]) + 1) % 10)
    response = client.get(f"/api/v1/payments/orders/{typo}", headers=headers)
    assert response.status_code == 400 and response.json()["code"] == "invalid_checksum"


def test_cancel_by_the_system(client, system):
    _app, headers = system
    code = _create(client, headers).json()["code"]
    response = client.post(
        f"/api/v1/payments/orders/{code}/cancel",
        data=json.dumps({"reason": "业务已撤销"}),
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 200 and response.json()["status"] == "cancelled"


def test_webhook_on_status_change_is_signed(
    client, system, monkeypatch, citizen, django_capture_on_commit_callbacks
):
    _app, headers = system
    response = client.put(
        "/api/v1/payments/webhook-endpoint",
        data=json.dumps({"url": "http://127.0.0.1:9/hook"}),
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 200
    secret = response.json()["secret"]
    assert secret and len(secret) == 64
    again = client.put(
        "/api/v1/payments/webhook-endpoint",
        data=json.dumps({"url": "http://127.0.0.1:9/hook2"}),
        content_type="application/json",
        headers=headers,
    )
    assert again.json()["secret"] is None  # shown once
    sent = []

    def fake_post(url, body, hdrs):
        sent.append((url, body, hdrs))
        return 204, ""

    monkeypatch.setattr(webhooks, "_post", fake_post)
    code = _create(client, headers).json()["code"]
    order = PaymentOrder.objects.get(code=code)
    from tongban.payments.services import orders

    with django_capture_on_commit_callbacks(execute=True):
        payment, _r = orders.start_payment(order, channel="wechat", actor=citizen)
    with django_capture_on_commit_callbacks(execute=True):
        post_callback(client, payment, callback_payload(payment))
    assert [json.loads(body)["order"]["status"] for _u, body, _h in sent] == ["started", "success"]
    url, body, hdrs = sent[-1]
    assert url.endswith("/hook2")
    assert verify_signature(secret, hdrs["X-Tongban-Timestamp"], body, hdrs["X-Tongban-Signature"])
    assert "440106" not in body.decode()  # no personal data
    assert set(PaymentWebhookDelivery.objects.values_list("status", flat=True)) == {"delivered"}


def test_webhook_failures_are_retried_then_given_up(client, system, monkeypatch, settings, citizen):
    from datetime import timedelta

    from django.utils import timezone

    settings.PAYMENTS_WEBHOOK_MAX_ATTEMPTS = 2
    _app, headers = system
    client.put(
        "/api/v1/payments/webhook-endpoint",
        data=json.dumps({"url": "http://127.0.0.1:9/hook"}),
        content_type="application/json",
        headers=headers,
    )
    monkeypatch.setattr(webhooks, "_post", lambda url, body, hdrs: (500, "HTTP 500"))
    code = _create(client, headers).json()["code"]
    from tongban.payments.services import orders

    orders.start_payment(PaymentOrder.objects.get(code=code), channel="wechat", actor=citizen)
    delivery = PaymentWebhookDelivery.objects.get()
    first = webhooks.attempt_delivery(delivery.pk)
    assert first.status == "pending" and first.attempts == 1
    assert webhooks.attempt_delivery(delivery.pk) is None  # not due yet
    later = timezone.now() + timedelta(minutes=5)
    assert webhooks.retry_due_deliveries(now=later) == {"delivered": 0, "pending": 0, "failed": 1}


def test_webhook_url_must_be_valid(client, system, settings):
    settings.PAYMENTS_WEBHOOK_REQUIRE_HTTPS = True
    _app, headers = system
    response = client.put(
        "/api/v1/payments/webhook-endpoint",
        data=json.dumps({"url": "http://example.org/hook"}),
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 400 and response.json()["code"] == "webhook_url_invalid"


def test_my_orders_api_for_the_payer(client, system, citizen, outsider):
    _app, headers = system
    _create(client, headers)
    client.force_login(citizen)
    assert len(client.get("/api/v1/payments/my/orders").json()["items"]) == 1
    client.force_login(outsider)
    assert client.get("/api/v1/payments/my/orders").json()["items"] == []


def test_openapi_documents_operations_and_error_codes(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation_ids = {op["operationId"] for path in schema["paths"].values() for op in path.values()}
    assert {
        "payments_create_order",
        "payments_get_order",
        "payments_list_orders",
        "payments_cancel_order",
        "payments_set_webhook_endpoint",
        "payments_receive_callback",
        "payments_list_my_orders",
        "payments_list_unit_orders",
        "payments_get_unit_order",
    } <= operation_ids
    assert "invalid_checksum" in ALL_ORDER_CODES and "order_not_found" in ALL_ORDER_CODES


def test_list_query_count_does_not_grow_with_orders(client, system, django_assert_max_num_queries):
    _app, headers = system
    _create(client, headers)
    with django_assert_max_num_queries(20) as few:
        client.get("/api/v1/payments/orders", headers=headers)
        baseline = len(few)
    for n in range(4):
        _create(client, headers, {**BODY, "reference": f"R{n}"})
    with django_assert_max_num_queries(baseline):
        response = client.get("/api/v1/payments/orders", headers=headers)
    assert response.json()["count"] == 5


def test_staff_see_their_units_orders_only(client, psb, citizen, other_city_clerk):
    from tongban.payments.tests.orders_support import make_order
    from tongban.testing.factories import RoleAssignmentFactory, StaffFactory

    order = make_order(psb, citizen, reference="4401002611230000001X")
    clerk = StaffFactory(username="psb_clerk2", name="公安窗口")
    RoleAssignmentFactory(user=clerk, org_unit=psb, role="window_clerk")
    client.force_login(clerk)
    listed = client.get("/api/v1/payments/unit-orders", {"reference": order.reference})
    assert listed.status_code == 200 and [r["code"] for r in listed.json()["items"]] == [order.code]
    assert client.get(f"/api/v1/payments/unit-orders/{order.code}").json()["amount"] == 6000
    client.force_login(other_city_clerk)
    assert client.get("/api/v1/payments/unit-orders").json()["items"] == []
    response = client.get(f"/api/v1/payments/unit-orders/{order.code}")
    assert response.status_code == 404
    client.force_login(citizen)
    assert client.get("/api/v1/payments/unit-orders").status_code == 403
    client.logout()
    assert client.get("/api/v1/payments/unit-orders").status_code == 401
