"""Webhooks: a delivery row per status change in the same transaction, a signed POST
(HMAC-SM3) to a real local HTTP server, retries with backoff, giving up; console pages and
API for subscriptions with outsider tests."""

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse
from django.utils import timezone

from tongban.cases.errors import CaseError
from tongban.cases.models import Case, WebhookDelivery, WebhookSubscription
from tongban.cases.services import lifecycle, webhooks
from tongban.cases.tasks import deliver_webhook, retry_webhook_deliveries
from tongban.core.exceptions import DomainError
from tongban.core.models import AuditEvent
from tongban.testing.factories_cases import CaseFactory, make_implementation, submitted_case


class Receiver:
    """A department system on 127.0.0.1 answering ``status`` and recording requests."""

    def __init__(self, status=200):
        self.status = status
        self.requests = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server API
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                receiver.requests.append((dict(self.headers), body))
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/cases"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def implementation(gz_market_dept):
    return make_implementation(gz_market_dept)


def _subscribe(dept_admin, unit, url, events=None):
    return webhooks.create_subscription(actor=dept_admin, org_unit=unit, url=url, events=events)


def test_status_change_is_delivered_signed(
    implementation, gz_market_dept, dept_admin, citizen, clerk, django_capture_on_commit_callbacks
):
    with Receiver() as receiver:
        subscription, secret = _subscribe(dept_admin, gz_market_dept, receiver.url)
        case = submitted_case(implementation, citizen)
        with django_capture_on_commit_callbacks(execute=True):
            case = lifecycle.accept_case(case, actor=clerk)
    delivery = WebhookDelivery.objects.get(payload__case__status="in_review")
    assert delivery.status == WebhookDelivery.Status.DELIVERED
    assert delivery.attempts == 1 and delivery.last_response_code == 200
    assert len(receiver.requests) == 1
    headers, body = receiver.requests[0]
    assert headers["X-Tongban-Event"] == "case.status_changed"
    assert headers["X-Tongban-Delivery"] == delivery.event_id
    assert webhooks.verify_signature(
        secret, headers["X-Tongban-Timestamp"], body, headers["X-Tongban-Signature"]
    )
    # a tampered body or another secret fails the check
    assert not webhooks.verify_signature(
        secret, headers["X-Tongban-Timestamp"], body + b" ", headers["X-Tongban-Signature"]
    )
    assert not webhooks.verify_signature(
        "0" * 64, headers["X-Tongban-Timestamp"], body, headers["X-Tongban-Signature"]
    )
    payload = json.loads(body)
    assert payload["case"]["number"] == case.number
    assert payload["case"]["old_status"] == "submitted"
    assert payload["delivery_id"] == delivery.event_id
    assert citizen.id_number not in body.decode() and "张三" not in body.decode()


def test_signature_with_sm3_by_hand():
    from tongban.core.crypto import sm3

    body = b'{"a":1}'
    expected = sm3.hmac(b"k", b"1700000000." + body).hex()
    assert webhooks.sign("k", "1700000000", body) == expected
    assert webhooks.verify_signature("k", "1700000000", body, expected, now=1700000100)
    # replay protection: an old timestamp is refused by the receiver-side check
    assert not webhooks.verify_signature("k", "1700000000", body, expected, now=1700001000)


def test_delivery_rows_are_created_in_the_transaction(
    implementation, gz_market_dept, sz_market_dept, dept_admin, operator, citizen, clerk
):
    _subscribe(dept_admin, gz_market_dept, "https://gz.example.invalid/hook")
    _subscribe(dept_admin, gz_market_dept, "https://gz.example.invalid/only", ["concluded"])
    _subscribe(operator, sz_market_dept, "https://sz.example.invalid/hook")
    case = submitted_case(implementation, citizen)
    assert WebhookDelivery.objects.count() == 1  # draft → submitted, all-events subscription
    before = WebhookDelivery.objects.count()
    with pytest.raises(DomainError):
        lifecycle.conclude_case(case, actor=clerk)  # refused: nothing queued
    assert WebhookDelivery.objects.count() == before
    assert not WebhookDelivery.objects.filter(subscription__org_unit=sz_market_dept).exists()


def test_failing_receiver_is_retried_then_given_up(
    settings, implementation, gz_market_dept, dept_admin, citizen
):
    settings.CASES_WEBHOOK_MAX_ATTEMPTS = 3
    with Receiver(status=500) as receiver:
        _subscribe(dept_admin, gz_market_dept, receiver.url)
        submitted_case(implementation, citizen)
        delivery = WebhookDelivery.objects.get()
        start = timezone.now()
        first = webhooks.attempt_delivery(delivery.pk, now=start)
        assert first.status == "pending" and first.attempts == 1
        assert first.last_response_code == 500
        assert first.next_attempt_at == start + timedelta(seconds=30)
        # not due yet: nothing is sent
        assert webhooks.attempt_delivery(delivery.pk, now=start + timedelta(seconds=10)) is None
        second = webhooks.attempt_delivery(delivery.pk, now=start + timedelta(seconds=31))
        assert second.attempts == 2
        assert second.next_attempt_at == start + timedelta(seconds=31 + 60)
        counts = webhooks.retry_due_deliveries(now=start + timedelta(seconds=200))
        assert counts == {"delivered": 0, "pending": 0, "failed": 1}
        assert len(receiver.requests) == 3
        # the event id stays the same across retries (receivers de-duplicate on it)
        assert {h["X-Tongban-Delivery"] for h, _b in receiver.requests} == {delivery.event_id}
    failed = WebhookDelivery.objects.get()
    assert failed.status == "failed" and failed.next_attempt_at is None
    assert webhooks.attempt_delivery(failed.pk, now=start + timedelta(days=1)) is None


def test_retry_succeeds_when_the_receiver_recovers(
    implementation, gz_market_dept, dept_admin, citizen
):
    with Receiver(status=503) as receiver:
        _subscribe(dept_admin, gz_market_dept, receiver.url)
        submitted_case(implementation, citizen)
        delivery = WebhookDelivery.objects.get()
        deliver_webhook.enqueue(delivery.pk)  # immediate backend in tests
        assert WebhookDelivery.objects.get().attempts == 1
        receiver.status = 204
        WebhookDelivery.objects.update(next_attempt_at=timezone.now())
        retry_webhook_deliveries.enqueue()
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and delivery.attempts == 2
    assert delivery.last_response_code == 204


def test_unreachable_receiver_counts_an_attempt(
    implementation, gz_market_dept, dept_admin, citizen
):
    with Receiver() as receiver:
        url = receiver.url
    _subscribe(dept_admin, gz_market_dept, url)  # server is gone now
    submitted_case(implementation, citizen)
    delivery = webhooks.attempt_delivery(WebhookDelivery.objects.get().pk)
    assert delivery.status == "pending" and delivery.attempts == 1
    assert delivery.last_response_code is None and delivery.last_error


def test_secret_is_stored_encrypted(gz_market_dept, dept_admin):
    subscription, secret = _subscribe(dept_admin, gz_market_dept, "https://x.example.invalid/h")
    assert secret not in subscription.secret_encrypted
    assert webhooks.secret_of(WebhookSubscription.objects.get()) == secret
    new_secret = webhooks.rotate_secret(subscription, actor=dept_admin)
    assert new_secret != secret and webhooks.secret_of(subscription) == new_secret


@pytest.mark.parametrize(
    ("url", "events", "code"),
    [
        ("ftp://x.example/h", None, CaseError.WEBHOOK_URL_INVALID),
        ("not a url", None, CaseError.WEBHOOK_URL_INVALID),
        ("https://user:pw@x.example/h", None, CaseError.WEBHOOK_URL_INVALID),
        ("https://x.example/h", ["bogus"], CaseError.WEBHOOK_EVENTS_INVALID),
    ],
)
def test_bad_subscriptions(gz_market_dept, dept_admin, url, events, code):
    with pytest.raises(DomainError) as exc:
        _subscribe(dept_admin, gz_market_dept, url, events)
    assert exc.value.code == code
    assert not WebhookSubscription.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:5432/",
        "http://localhost/h",
        "https://10.0.0.5/h",
        "http://169.254.169.254/latest/meta-data/",
        "https://[::1]/h",
        "https://unresolvable.invalid/h",
    ],
)
def test_internal_targets_refused_outside_development(gz_market_dept, dept_admin, settings, url):
    settings.CASES_WEBHOOK_ALLOW_PRIVATE = False
    with pytest.raises(DomainError) as exc:
        _subscribe(dept_admin, gz_market_dept, url)
    assert exc.value.code == CaseError.WEBHOOK_URL_INVALID and exc.value.field == "url"
    assert not WebhookSubscription.objects.exists()


def test_public_address_accepted_and_private_refused_again_at_send_time(settings):
    settings.CASES_WEBHOOK_ALLOW_PRIVATE = False
    assert webhooks._public_host("93.184.216.34")
    # a subscription saved while allowed (or DNS changed since): nothing is sent
    assert webhooks._post("http://127.0.0.1:9/h", b"{}", {}) == (
        None,
        "refused: non-public address",
    )


@pytest.mark.parametrize("who", ["clerk", "approver", "other_city_clerk", "outsider"])
def test_only_admins_subscribe(request, gz_market_dept, who):
    with pytest.raises(DomainError) as exc:
        _subscribe(request.getfixturevalue(who), gz_market_dept, "https://x.example/h")
    assert exc.value.status in (401, 403)
    assert not WebhookSubscription.objects.exists()


# --- console pages ---------------------------------------------------------------------------
def test_console_create_shows_secret_once(client, dept_admin, gz_market_dept):
    client.force_login(dept_admin)
    url = reverse("webhooks:subscription_list")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "org_unit_code": gz_market_dept.code,
            "url": "https://gz.example/h",
            "events": ["concluded"],
        },
    )
    assert response.status_code == 200
    subscription = WebhookSubscription.objects.get()
    secret = webhooks.secret_of(subscription)
    assert secret in response.content.decode()
    detail = client.get(reverse("webhooks:subscription_detail", args=[subscription.pk]))
    assert detail.status_code == 200 and secret not in detail.content.decode()
    assert AuditEvent.objects.filter(event_type="cases.webhook_subscribed").count() == 1


def test_console_refuses_units_out_of_reach(client, dept_admin, sz_market_dept):
    client.force_login(dept_admin)
    response = client.post(
        reverse("webhooks:subscription_list"),
        {"org_unit_code": sz_market_dept.code, "url": "https://sz.example/h"},
    )
    assert response.status_code == 200
    assert "无权管理" in response.content.decode()
    assert not WebhookSubscription.objects.exists()


def test_console_outsiders(
    client, other_city_clerk, outsider, operator, sz_market_dept, gz_market_dept, dept_admin
):
    subscription, _secret = _subscribe(dept_admin, gz_market_dept, "https://gz.example/h")
    for user in (other_city_clerk, outsider):
        client.force_login(user)
        assert client.get(reverse("webhooks:subscription_list")).status_code == 403
        response = client.post(reverse("webhooks:subscription_toggle", args=[subscription.pk]))
        assert response.status_code == 403
    # a dept admin of another city: 404 for this subscription
    sz_admin = _admin_of(sz_market_dept)
    client.force_login(sz_admin)
    assert (
        client.get(reverse("webhooks:subscription_detail", args=[subscription.pk])).status_code
        == 404
    )
    assert (
        client.post(reverse("webhooks:subscription_rotate", args=[subscription.pk])).status_code
        == 404
    )
    subscription.refresh_from_db()
    assert subscription.is_active
    assert webhooks.secret_of(subscription) == _secret
    client.logout()
    assert client.get(reverse("webhooks:subscription_list")).status_code == 302


def _admin_of(unit):
    from tongban.testing.factories import RoleAssignmentFactory, StaffFactory

    user = StaffFactory(username=f"admin-{unit.pk}")
    RoleAssignmentFactory(user=user, org_unit=unit, role="dept_admin", covers_children=True)
    return user


def test_console_toggle(client, dept_admin, gz_market_dept):
    subscription, _secret = _subscribe(dept_admin, gz_market_dept, "https://gz.example/h")
    client.force_login(dept_admin)
    response = client.post(reverse("webhooks:subscription_toggle", args=[subscription.pk]))
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert not subscription.is_active
    assert AuditEvent.objects.filter(event_type="cases.webhook_deactivated").count() == 1


# --- API -------------------------------------------------------------------------------------
def test_api_create_and_list(client, dept_admin, gz_market_dept):
    client.force_login(dept_admin)
    response = client.post(
        "/api/v1/cases/webhooks/subscriptions",
        {"org_unit_code": gz_market_dept.code, "url": "https://gz.example/h", "events": []},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert len(body["secret"]) == 64
    listed = client.get("/api/v1/cases/webhooks/subscriptions").json()
    assert [s["id"] for s in listed["items"]] == [body["id"]]
    assert "secret" not in listed["items"][0]
    bad = client.post(
        "/api/v1/cases/webhooks/subscriptions",
        {"org_unit_code": gz_market_dept.code, "url": "ftp://x"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["code"] == CaseError.WEBHOOK_URL_INVALID
    assert WebhookSubscription.objects.count() == 1


def test_api_outsiders(client, other_city_clerk, dept_admin, gz_market_dept, sz_market_dept):
    subscription, _secret = _subscribe(dept_admin, gz_market_dept, "https://gz.example/h")
    assert client.get("/api/v1/cases/webhooks/subscriptions").status_code == 401
    client.force_login(other_city_clerk)
    assert client.get("/api/v1/cases/webhooks/subscriptions").json()["items"] == []
    response = client.post(
        "/api/v1/cases/webhooks/subscriptions",
        {"org_unit_code": gz_market_dept.code, "url": "https://evil.example/h"},
        content_type="application/json",
    )
    assert response.status_code == 404
    response = client.post(f"/api/v1/cases/webhooks/subscriptions/{subscription.pk}/deactivate")
    assert response.status_code == 404
    assert (
        client.get(f"/api/v1/cases/webhooks/subscriptions/{subscription.pk}/deliveries").status_code
        == 404
    )
    assert WebhookSubscription.objects.count() == 1
    assert WebhookSubscription.objects.get().is_active


def test_api_deliveries(client, dept_admin, gz_market_dept, implementation, citizen):
    subscription, _secret = _subscribe(dept_admin, gz_market_dept, "https://gz.example/h")
    lifecycle.submit_case(
        CaseFactory(implementation=implementation, applicant=citizen), actor=citizen
    )
    client.force_login(dept_admin)
    body = client.get(f"/api/v1/cases/webhooks/subscriptions/{subscription.pk}/deliveries").json()
    assert body["count"] == 1 and body["items"][0]["status"] == "pending"
    assert Case.objects.get().status == "submitted"
