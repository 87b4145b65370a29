"""Exchange subscriptions and their runs: file delivery (CSV/JSON, downloadable by the
consumer), signed webhooks with retries and backoff, the cursor advancing only on delivery,
runs in the access log, grants revoked mid-way, and bad input / outsiders changing nothing."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from tongban.core import webhooks as core_webhooks
from tongban.core.exceptions import DomainError
from tongban.core.models import AuditEvent
from tongban.sharing.models import AccessLogEntry, ExchangeRun, ExchangeSubscription, Grant
from tongban.sharing.services import exchange
from tongban.sharing.services import requests as share_requests
from tongban.sharing.tests.exchange_support import *  # noqa: F403  (fixtures)
from tongban.sharing.tests.exchange_support import PUBLIC_HOOK, PURPOSE, reimport
from tongban.sharing.tests.opendata_support import _media_in_tmp, pharmacy_rows  # noqa: F401
from tongban.sharing.tests.sharing_support import *  # noqa: F403  (fixtures)
from tongban.sharing.tests.sharing_support import WANG_ID, ZHAO_ID, token_for

pytestmark = pytest.mark.django_db


def subscribe(actor, grant, **kwargs):
    values = {"delivery": "file", "purpose": PURPOSE}
    values.update(kwargs)
    return exchange.create_subscription(actor=actor, grant=grant, **values)


def due(subscription):
    ExchangeSubscription.objects.filter(pk=subscription.pk).update(
        next_run_at=timezone.now() - timedelta(seconds=1)
    )


def read(run) -> bytes:
    with run.file.open("rb") as handle:
        return handle.read()


def test_file_run_delivers_changes_and_advances_the_cursor(bulk_grant, mca_admin):
    subscription, secret = subscribe(mca_admin, bulk_grant, file_format="csv")
    assert secret == ""
    assert AuditEvent.objects.filter(event_type="sharing.exchange_subscribed").count() == 1
    counts = exchange.run_due()
    assert counts["started"] == 1
    run = ExchangeRun.objects.get(subscription=subscription)
    assert run.status == "delivered" and run.rows_added == 2 and run.progress == 100
    rows = list(csv.reader(io.StringIO(read(run).decode("utf-8-sig"))))
    assert rows[0] == ["op", "key", "id_number", "name", "division_code"]
    assert {r[1] for r in rows[1:]} == {WANG_ID, ZHAO_ID}
    assert all(r[3].endswith("*") for r in rows[1:])  # names masked per the grant
    entry = AccessLogEntry.objects.get(seq=run.access_log_seq)
    assert entry.outcome == "allowed" and entry.row_count == 2 and entry.purpose == PURPOSE
    subscription.refresh_from_db()
    assert subscription.cursor == run.cursor_to and subscription.next_run_at > timezone.now()
    # not due yet: nothing happens; once due, an empty run
    assert exchange.run_due()["started"] == 0
    due(subscription)
    exchange.run_due()
    latest = subscription.runs.order_by("-pk").first()
    assert latest.status == "delivered" and latest.rows == 0


def test_json_file_and_download_by_token_and_page(
    client, pharmacy_grant, mca_admin, mca_system, market_admin, pharmacies
):
    subscription, _ = subscribe(mca_admin, pharmacy_grant, file_format="json", start="now")
    exchange.run_due()
    run = subscription.runs.get()
    assert run.rows == 0  # "now": only later changes
    rows = pharmacy_rows(6)
    reimport(pharmacies, market_admin, rows)  # one more pharmacy
    due(subscription)
    exchange.run_due()
    run = subscription.runs.order_by("-pk").first()
    body = json.loads(read(run))
    assert body["event"] == "sharing.changes" and [c["op"] for c in body["changes"]] == ["added"]
    assert body["changes"][0]["key"] == rows[5][1]
    token = token_for(client, mca_system)
    response = client.get(
        f"/api/v1/sharing/gateway/exchange/runs/{run.pk}/file",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200 and json.loads(response.content) == body
    listing = client.get(
        "/api/v1/sharing/gateway/exchange/runs", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert [r["id"] for r in listing.json()][0] == run.pk
    client.force_login(mca_admin)
    page = client.get(f"/workbench/sharing/exchange/runs/{run.pk}/file/")
    assert page.status_code == 200 and json.loads(page.content) == body


def test_other_system_cannot_download(client, pharmacy_grant, mca_admin, sz_system):
    subscription, _ = subscribe(mca_admin, pharmacy_grant)
    exchange.run_due()
    run = subscription.runs.get()
    token = token_for(client, sz_system)
    response = client.get(
        f"/api/v1/sharing/gateway/exchange/runs/{run.pk}/file",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 404 and response.json()["code"] == "run_not_found"


def test_webhook_is_signed_retried_with_backoff_then_delivered(bulk_grant, mca_admin, monkeypatch):
    sent = []
    answers = [(500, "HTTP 500"), (None, "TimeoutError"), (204, "")]

    def fake_post(url, body, headers):
        sent.append((url, body, headers))
        return answers[len(sent) - 1]

    monkeypatch.setattr(exchange, "_post", fake_post)
    subscription, secret = subscribe(mca_admin, bulk_grant, delivery="webhook", url=PUBLIC_HOOK)
    assert len(secret) == 64 and subscription.file_format == "json"
    now = timezone.now()
    exchange.run_due(now=now)
    run = subscription.runs.get()
    assert run.status == "retrying" and run.attempts == 1
    assert run.next_attempt_at == now + core_webhooks.backoff(1)
    url, body, headers = sent[0]
    assert url == PUBLIC_HOOK and headers["X-Tongban-Event"] == "sharing.changes"
    assert core_webhooks.verify_signature(
        secret,
        headers["X-Tongban-Timestamp"],
        body,
        headers["X-Tongban-Signature"],
        now=int(headers["X-Tongban-Timestamp"]),
    )
    subscription.refresh_from_db()
    assert subscription.cursor == ""  # not delivered: the cursor stays
    exchange.run_due(now=now + timedelta(seconds=31))
    run.refresh_from_db()
    assert run.status == "retrying" and run.attempts == 2
    exchange.run_due(now=now + timedelta(minutes=5))
    run.refresh_from_db()
    assert run.status == "delivered" and run.attempts == 3
    subscription.refresh_from_db()
    assert subscription.cursor == run.cursor_to
    assert sent[0][1] == sent[2][1]  # the same body on every attempt


def test_webhook_fails_after_max_attempts_and_next_run_restarts(
    bulk_grant, mca_admin, monkeypatch, settings
):
    settings.SHARING_EXCHANGE_MAX_ATTEMPTS = 2
    monkeypatch.setattr(exchange, "_post", lambda url, body, headers: (503, "HTTP 503"))
    subscription, _ = subscribe(mca_admin, bulk_grant, delivery="webhook", url=PUBLIC_HOOK)
    now = timezone.now()
    exchange.run_due(now=now)
    exchange.run_due(now=now + timedelta(minutes=1))
    run = subscription.runs.get()
    assert run.status == "failed" and run.attempts == 2 and run.error_code == "webhook_failed"
    assert AuditEvent.objects.filter(event_type="sharing.exchange_run_failed").count() == 1
    subscription.refresh_from_db()
    assert subscription.cursor == ""
    monkeypatch.setattr(exchange, "_post", lambda url, body, headers: (200, ""))
    due(subscription)
    exchange.run_due()
    latest = subscription.runs.order_by("-pk").first()
    assert latest.status == "delivered" and latest.rows_added == 2  # nothing skipped


def test_real_post_refuses_private_address_at_send_time(bulk_grant, mca_admin, settings):
    settings.SHARING_EXCHANGE_WEBHOOK_ALLOW_PRIVATE = True
    subscription, _ = subscribe(
        mca_admin, bulk_grant, delivery="webhook", url="https://127.0.0.1:1/hook"
    )
    settings.SHARING_EXCHANGE_WEBHOOK_ALLOW_PRIVATE = False
    exchange.run_due()
    run = subscription.runs.get()
    assert run.status == "retrying" and "non-public" in run.error_message


def test_revoked_grant_fails_the_run_and_cancels(bulk_grant, mca_admin, psb_admin):
    subscription, _ = subscribe(mca_admin, bulk_grant)
    share_requests.revoke_grant(actor=psb_admin, grant=bulk_grant, reason="职能调整")
    exchange.run_due()
    run = subscription.runs.get()
    assert run.status == "failed" and run.error_code == "grant_revoked" and not run.file
    subscription.refresh_from_db()
    assert subscription.status == "cancelled"
    assert not AccessLogEntry.objects.filter(outcome="allowed").exists()


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"delivery": "fax"}, "delivery_invalid"),
        ({"file_format": "xml"}, "file_format_invalid"),
        ({"delivery": "webhook", "url": "ftp://example.org/x"}, "webhook_url_invalid"),
        ({"delivery": "webhook", "url": "http://93.184.216.34/x"}, "webhook_url_invalid"),
        ({"delivery": "webhook", "url": "https://127.0.0.1/x"}, "webhook_url_invalid"),
        ({"delivery": "webhook", "url": "https://10.0.0.8/x"}, "webhook_url_invalid"),
        ({"interval_minutes": 1}, "interval_invalid"),
        ({"purpose": " "}, "purpose_required"),
    ],
)
def test_bad_subscriptions_change_nothing(bulk_grant, mca_admin, kwargs, code):
    with pytest.raises(DomainError) as excinfo:
        subscribe(mca_admin, bulk_grant, **kwargs)
    assert excinfo.value.code == code
    assert not ExchangeSubscription.objects.exists()
    assert not AuditEvent.objects.filter(event_type="sharing.exchange_subscribed").exists()


def test_lookup_grant_revoked_expired_and_duplicate(granted, bulk_grant, mca_admin, psb_admin):
    _request, lookup_grant = granted
    with pytest.raises(DomainError) as excinfo:
        subscribe(mca_admin, lookup_grant)
    assert excinfo.value.code == "bulk_not_allowed"
    subscribe(mca_admin, bulk_grant)
    with pytest.raises(DomainError) as excinfo:
        subscribe(mca_admin, bulk_grant)
    assert excinfo.value.code == "subscription_exists"
    Grant.objects.filter(pk=bulk_grant.pk).update(
        expires_on=timezone.localdate() - timedelta(days=1)
    )
    bulk_grant.refresh_from_db()
    ExchangeSubscription.objects.update(status="cancelled")
    with pytest.raises(DomainError) as excinfo:
        subscribe(mca_admin, bulk_grant)
    assert excinfo.value.code == "grant_expired"
    assert ExchangeSubscription.objects.count() == 1


def test_outsiders_cannot_subscribe_or_cancel(
    client, bulk_grant, mca_admin, sz_mca_admin, psb_admin, outsider
):
    for actor in (sz_mca_admin, psb_admin):
        with pytest.raises(DomainError) as excinfo:
            subscribe(actor, bulk_grant)
        assert excinfo.value.status in (403, 404)
    assert not ExchangeSubscription.objects.exists()
    subscription, _ = subscribe(mca_admin, bulk_grant)
    client.force_login(sz_mca_admin)
    response = client.post(f"/api/v1/sharing/exchange/subscriptions/{subscription.pk}/cancel")
    assert response.status_code == 404 and response.json()["code"] == "subscription_not_found"
    response = client.post(
        "/api/v1/sharing/exchange/subscriptions",
        {"grant_id": bulk_grant.pk, "purpose": PURPOSE, "delivery": "file"},
        content_type="application/json",
    )
    assert response.status_code == 404 and response.json()["code"] == "grant_not_found"
    client.force_login(outsider)
    response = client.get("/api/v1/sharing/exchange/subscriptions")
    assert response.status_code == 200 and response.json() == []
    subscription.refresh_from_db()
    assert subscription.status == "active" and ExchangeSubscription.objects.count() == 1


def test_api_create_list_cancel(client, bulk_grant, mca_admin):
    client.force_login(mca_admin)
    response = client.post(
        "/api/v1/sharing/exchange/subscriptions",
        {
            "grant_id": bulk_grant.pk,
            "purpose": PURPOSE,
            "delivery": "webhook",
            "url": PUBLIC_HOOK,
            "interval_minutes": 60,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert len(created["secret"]) == 64 and created["delivery"] == "webhook"
    listing = client.get("/api/v1/sharing/exchange/subscriptions").json()
    assert [s["id"] for s in listing] == [created["id"]] and "secret" not in listing[0]
    response = client.post(f"/api/v1/sharing/exchange/subscriptions/{created['id']}/cancel")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    again = client.post(f"/api/v1/sharing/exchange/subscriptions/{created['id']}/cancel")
    assert again.status_code == 409 and again.json()["code"] == "subscription_not_active"
    assert (
        AuditEvent.objects.filter(event_type="sharing.exchange_subscription_cancelled").count() == 1
    )


def test_pages_subscribe_follow_and_cancel(client, bulk_grant, mca_admin, sz_mca_admin, outsider):
    client.force_login(mca_admin)
    page = client.get("/workbench/sharing/exchange/")
    assert page.status_code == 200 and "人口" in page.content.decode()
    response = client.post(
        "/workbench/sharing/exchange/",
        {
            "grant": bulk_grant.pk,
            "purpose": PURPOSE,
            "delivery": "webhook",
            "file_format": "json",
            "url": "https://127.0.0.1/x",
            "interval_minutes": 60,
            "start": "beginning",
        },
    )
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert not ExchangeSubscription.objects.exists()
    response = client.post(
        "/workbench/sharing/exchange/",
        {
            "grant": bulk_grant.pk,
            "purpose": PURPOSE,
            "delivery": "file",
            "file_format": "csv",
            "url": "",
            "interval_minutes": 60,
            "start": "beginning",
        },
    )
    assert response.status_code == 302
    subscription = ExchangeSubscription.objects.get()
    exchange.run_due()
    run = subscription.runs.get()
    page = client.get("/workbench/sharing/exchange/")
    assert f"/workbench/sharing/exchange/runs/{run.pk}/file/" in page.content.decode()
    client.force_login(sz_mca_admin)
    assert client.get(f"/workbench/sharing/exchange/runs/{run.pk}/file/").status_code == 404
    assert client.post(f"/workbench/sharing/exchange/{subscription.pk}/cancel/").status_code == 404
    client.force_login(outsider)
    assert client.get("/workbench/sharing/exchange/").status_code in (302, 403)
    subscription.refresh_from_db()
    assert subscription.status == "active"
    client.force_login(mca_admin)
    client.post(f"/workbench/sharing/exchange/{subscription.pk}/cancel/")
    subscription.refresh_from_db()
    assert subscription.status == "cancelled"


def test_openapi_documents_the_exchange_and_quality_operations(client):
    schema = client.get("/api/v1/openapi.json").json()
    operations = {
        op["operationId"]
        for path in schema["paths"].values()
        for op in path.values()
        if isinstance(op, dict) and "operationId" in op
    }
    for name in (
        "sharing_pull_changes",
        "sharing_list_exchange_runs",
        "sharing_download_exchange_file",
        "sharing_create_subscription",
        "sharing_cancel_subscription",
        "sharing_get_quality",
        "sharing_report_correction",
        "sharing_confirm_correction",
    ):
        assert name in operations
    changes_op = schema["paths"]["/api/v1/sharing/gateway/resources/{code}/changes"]["get"]
    assert {"400", "403", "404", "409", "429"} <= set(changes_op["responses"])


def test_subscribing_a_revoked_grant_and_pull_rate_limit(
    client, bulk_grant, mca_admin, psb_admin, mca_system
):
    Grant.objects.filter(pk=bulk_grant.pk).update(rate_limit_per_minute=1)
    token = token_for(client, mca_system)
    url = "/api/v1/sharing/gateway/resources/440100-GA-RK-0001/changes"
    first = client.get(url, {"purpose": PURPOSE}, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert first.status_code == 200
    second = client.get(url, {"purpose": PURPOSE}, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert second.status_code == 429 and second.json()["code"] == "rate_limited"
    assert AccessLogEntry.objects.order_by("-seq").first().refusal_code == "rate_limited"
    share_requests.revoke_grant(actor=psb_admin, grant=bulk_grant, reason="职能调整")
    bulk_grant.refresh_from_db()
    with pytest.raises(DomainError) as excinfo:
        subscribe(mca_admin, bulk_grant)
    assert excinfo.value.code == "grant_revoked"
    assert not ExchangeSubscription.objects.exists()


def test_retired_resource_or_suspended_system(bulk_grant, mca_admin, population):
    subscription, _ = subscribe(mca_admin, bulk_grant)
    population.status = "retired"
    population.save()
    exchange.run_due()
    run = subscription.runs.get()
    assert run.status == "failed" and run.error_code == "resource_not_published"
    assert not AccessLogEntry.objects.filter(outcome="allowed").exists()
    subscription.refresh_from_db()
    assert subscription.cursor == ""
    population.status = "published"
    population.save()
    ExchangeSubscription.objects.update(status="cancelled")
    system = bulk_grant.consumer_system
    system.status = "suspended"
    system.save()
    bulk_grant.refresh_from_db()
    with pytest.raises(DomainError) as excinfo:
        subscribe(mca_admin, bulk_grant)
    assert excinfo.value.code == "system_suspended"
    assert ExchangeSubscription.objects.filter(status="active").count() == 0


def test_a_run_that_died_is_failed_and_the_next_one_starts(bulk_grant, mca_admin):
    subscription, _ = subscribe(mca_admin, bulk_grant)
    # a worker died while collecting: the run stays "running" without a webhook attempt
    dead = ExchangeRun.objects.create(subscription=subscription)
    ExchangeRun.objects.filter(pk=dead.pk).update(started_at=timezone.now() - timedelta(hours=1))
    counts = exchange.run_due()
    assert counts["started"] == 0 and counts["interrupted"] == 1  # blocked, then failed
    dead.refresh_from_db()
    assert dead.status == "failed" and dead.error_code == "interrupted"
    assert exchange.run_due()["started"] == 1
    latest = subscription.runs.order_by("-pk").first()
    assert latest.status == "delivered" and latest.rows_added == 2


def test_run_now_and_the_runs_partial(
    client, bulk_grant, mca_admin, sz_mca_admin, django_capture_on_commit_callbacks
):
    subscription, _ = subscribe(mca_admin, bulk_grant, start="now")
    exchange.run_due()  # the first (empty) run; the next is due in a day
    client.force_login(mca_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/workbench/sharing/exchange/{subscription.pk}/run/")
    assert response.status_code == 302
    assert subscription.runs.count() == 2  # the task ran at once
    assert AuditEvent.objects.filter(event_type="sharing.exchange_run_requested").count() == 1
    partial = client.get(f"/workbench/sharing/exchange/{subscription.pk}/runs/")
    assert partial.status_code == 200 and "hx-get" not in partial.content.decode()
    ExchangeRun.objects.filter(pk=subscription.runs.order_by("-pk").first().pk).update(
        status="retrying"
    )
    partial = client.get(f"/workbench/sharing/exchange/{subscription.pk}/runs/")
    assert 'hx-trigger="every 3s"' in partial.content.decode()
    client.force_login(sz_mca_admin)
    assert client.post(f"/workbench/sharing/exchange/{subscription.pk}/run/").status_code == 404
    assert client.get(f"/workbench/sharing/exchange/{subscription.pk}/runs/").status_code == 404
    assert AuditEvent.objects.filter(event_type="sharing.exchange_run_requested").count() == 1


def test_provider_sees_who_subscribes(client, bulk_grant, mca_admin, psb_admin, sz_mca_admin):
    subscribe(mca_admin, bulk_grant)
    client.force_login(psb_admin)
    page = client.get("/workbench/sharing/exchange/").content.decode()
    assert "订阅本部门数据的使用部门" in page and "低保核对系统" in page
    client.force_login(sz_mca_admin)
    assert "低保核对系统" not in client.get("/workbench/sharing/exchange/").content.decode()
