"""Exchange jobs (共享交换订阅): subscriptions and their scheduled runs.

A consumer department's admin subscribes one of its grants (a bulk ``filter`` grant on a
resource whose changes the platform can see, ``services.changes``) to scheduled delivery:

* ``file`` — each run writes the changes to a CSV or JSON file in storage; the consumer
  downloads it (workbench page, or ``GET /api/v1/sharing/gateway/exchange/runs/{id}/file``
  with its client-credentials token).
* ``webhook`` — each run POSTs the changes as JSON to the consumer's URL, signed like the
  platform's other webhooks (``tongban.core.webhooks``)::

      Content-Type: application/json; charset=utf-8
      X-Tongban-Event: sharing.changes
      X-Tongban-Delivery: <run id>
      X-Tongban-Timestamp: <unix seconds>
      X-Tongban-Signature: <hex HMAC-SM3(secret, timestamp + "." + body)>

  The URL is checked when saved and again at send time (no private or loopback addresses
  unless ``SHARING_EXCHANGE_WEBHOOK_ALLOW_PRIVATE``); redirects are not followed. A non-2xx
  answer is retried with the platform backoff (30 s, 1 min, 2 min … 1 h) up to
  ``SHARING_EXCHANGE_MAX_ATTEMPTS``; then the run fails and the next run starts again from
  the same cursor (nothing is skipped).

A run collects at most ``SHARING_EXCHANGE_MAX_ROWS_PER_RUN`` changes; when more remain the
next run is due at once. The subscription's cursor advances only when a run is delivered.
Every run that reads data is recorded in the chained access log (purpose = the
subscription's purpose). A grant revoked or expired fails the run and cancels the
subscription. Runs are started by the periodic task ``run_due_exchanges``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from tongban.core import audit, masking
from tongban.core import permissions as core_permissions
from tongban.core import webhooks as core_webhooks
from tongban.core.crypto import envelope
from tongban.core.exceptions import DomainError
from tongban.sharing import permissions
from tongban.sharing.errors import SharingError as E
from tongban.sharing.errors import error as sharing_error
from tongban.sharing.errors_exchange import ExchangeError as X
from tongban.sharing.errors_exchange import error
from tongban.sharing.models import (
    AccessLogEntry,
    ExchangeRun,
    ExchangeSubscription,
    Grant,
    Resource,
)
from tongban.sharing.services import access_log, changes

log = logging.getLogger(__name__)

EVENT = "sharing.changes"
SECRET_AAD = b"tongban.sharing.exchange_secret"
LEASE = timedelta(seconds=120)
STALE_RUN = timedelta(minutes=30)  # a run still collecting after this has died
MAX_INTERVAL_MINUTES = 7 * 24 * 60


def _setting(name, default):
    return getattr(settings, name, default)


def max_rows_per_run() -> int:
    return int(_setting("SHARING_EXCHANGE_MAX_ROWS_PER_RUN", 10_000))


def max_attempts() -> int:
    return int(_setting("SHARING_EXCHANGE_MAX_ATTEMPTS", 6))


def min_interval() -> int:
    return int(_setting("SHARING_EXCHANGE_MIN_INTERVAL_MINUTES", 5))


def _allow_private() -> bool:
    return bool(_setting("SHARING_EXCHANGE_WEBHOOK_ALLOW_PRIVATE", False))


def _validate_url(url: str) -> str:
    url = (url or "").strip()
    problem = core_webhooks.validate_url(
        url,
        require_https=bool(_setting("SHARING_EXCHANGE_WEBHOOK_REQUIRE_HTTPS", True)),
        allow_private=_allow_private(),
    )
    if problem:
        raise error(X.WEBHOOK_URL_INVALID, field="url")
    return url


def _check_grant(grant: Grant) -> None:
    if grant.status != Grant.Status.ACTIVE:
        raise sharing_error(E.GRANT_REVOKED)
    if timezone.localdate() > grant.expires_on:
        raise sharing_error(E.GRANT_EXPIRED)


def _check_source(grant: Grant) -> None:
    """The resource is still published and the consumer system still active."""
    if grant.resource.status != Resource.Status.PUBLISHED:
        raise sharing_error(E.RESOURCE_NOT_PUBLISHED)
    if grant.consumer_system.status != grant.consumer_system.Status.ACTIVE:
        raise sharing_error(E.SYSTEM_SUSPENDED)


def secret_of(subscription: ExchangeSubscription) -> str:
    return envelope.decrypt_text(subscription.secret_encrypted, aad=SECRET_AAD)


# --- subscriptions -----------------------------------------------------------------------------
def create_subscription(
    *,
    actor,
    grant: Grant,
    delivery: str,
    purpose: str,
    file_format: str = ExchangeSubscription.FileFormat.CSV,
    url: str = "",
    interval_minutes: int = 1440,
    start: str = "beginning",
) -> tuple[ExchangeSubscription, str]:
    """Subscribe ``grant`` to scheduled delivery; returns ``(subscription, secret)`` (the
    webhook secret is shown once; "" for file delivery). ``start``: ``beginning`` (the first
    run delivers the whole resource within the grant) or ``now`` (only later changes)."""
    core_permissions.check_perm(actor, permissions.SHARING_REQUEST_SHARE, grant.consumer_unit)
    _check_grant(grant)
    if grant.row_scope != Grant.RowScope.FILTER:
        raise sharing_error(E.BULK_NOT_ALLOWED)
    resource = grant.resource
    _check_source(grant)
    if not changes.supports_changes(resource):
        raise error(X.CHANGES_UNSUPPORTED)
    purpose = (purpose or "").strip()
    if not purpose or len(purpose) > 200:
        raise sharing_error(E.PURPOSE_REQUIRED, field="purpose")
    if delivery not in ExchangeSubscription.Delivery.values:
        raise error(X.DELIVERY_INVALID, field="delivery")
    if file_format not in ExchangeSubscription.FileFormat.values:
        raise error(X.FILE_FORMAT_INVALID, field="file_format")
    try:
        interval_minutes = int(interval_minutes)
    except (TypeError, ValueError):
        raise error(X.INTERVAL_INVALID, field="interval_minutes") from None
    if not min_interval() <= interval_minutes <= MAX_INTERVAL_MINUTES:
        raise error(X.INTERVAL_INVALID, field="interval_minutes")
    if start not in ("beginning", "now"):
        raise error(X.CURSOR_INVALID, field="start")
    secret = ""
    if delivery == ExchangeSubscription.Delivery.WEBHOOK:
        url = _validate_url(url)
        secret = secrets.token_hex(32)
        file_format = ExchangeSubscription.FileFormat.JSON
    else:
        url = ""
    cursor = changes.current_cursor(resource, division=grant.row_division) if start == "now" else ""
    with transaction.atomic():
        if ExchangeSubscription.objects.filter(
            grant=grant, status=ExchangeSubscription.Status.ACTIVE
        ).exists():
            raise error(X.SUBSCRIPTION_EXISTS)
        subscription = ExchangeSubscription.objects.create(
            grant=grant,
            resource=resource,
            consumer_system=grant.consumer_system,
            consumer_unit=grant.consumer_unit,
            purpose=purpose,
            delivery=delivery,
            file_format=file_format,
            url=url,
            secret_encrypted=envelope.encrypt_text(secret, aad=SECRET_AAD) if secret else "",
            interval_minutes=interval_minutes,
            cursor=cursor,
            next_run_at=timezone.now(),
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        audit.record(
            "sharing.exchange_subscribed",
            actor=actor,
            target=subscription,
            org_unit=grant.consumer_unit,
            data={
                "grant": grant.pk,
                "resource": resource.code,
                "delivery": delivery,
                "file_format": file_format,
                "url": url,
                "interval_minutes": interval_minutes,
                "start": start,
            },
        )
    return subscription, secret


def cancel_subscription(*, actor, subscription: ExchangeSubscription, reason: str = ""):
    if actor is not None:
        core_permissions.check_perm(
            actor, permissions.SHARING_REQUEST_SHARE, subscription.consumer_unit
        )
    with transaction.atomic():
        updated = ExchangeSubscription.objects.filter(
            pk=subscription.pk, status=ExchangeSubscription.Status.ACTIVE
        ).update(status=ExchangeSubscription.Status.CANCELLED, cancelled_at=timezone.now())
        if updated != 1:
            raise error(X.SUBSCRIPTION_NOT_ACTIVE)
        audit.record(
            "sharing.exchange_subscription_cancelled",
            actor=actor,
            target=subscription,
            org_unit=subscription.consumer_unit,
            data={"reason": reason[:200]},
        )
    subscription.refresh_from_db()
    return subscription


def run_now(*, actor, subscription: ExchangeSubscription) -> ExchangeSubscription:
    """Make the subscription due at once; its run starts in a task after commit."""
    core_permissions.check_perm(
        actor, permissions.SHARING_REQUEST_SHARE, subscription.consumer_unit
    )
    with transaction.atomic():
        updated = ExchangeSubscription.objects.filter(
            pk=subscription.pk, status=ExchangeSubscription.Status.ACTIVE
        ).update(next_run_at=timezone.now())
        if updated != 1:
            raise error(X.SUBSCRIPTION_NOT_ACTIVE)
        audit.record(
            "sharing.exchange_run_requested",
            actor=actor,
            target=subscription,
            org_unit=subscription.consumer_unit,
            data={"subscription": subscription.pk},
        )
        pk = subscription.pk
        transaction.on_commit(lambda: _enqueue_run(pk))
    subscription.refresh_from_db()
    return subscription


def _enqueue_run(pk: int) -> None:
    from tongban.sharing.tasks_exchange import run_exchange

    try:
        run_exchange.enqueue(pk)
    except Exception:  # noqa: BLE001 - the periodic task starts it within a minute
        log.exception("could not enqueue exchange run of subscription %s", pk)


def subscriptions_for(user):
    return core_permissions.restrict(
        ExchangeSubscription.objects.select_related("resource", "consumer_system", "grant"),
        user,
        permissions.SHARING_REQUEST_SHARE,
    )


def subscriptions_to_provider(user):
    """Subscriptions to the resources of the user's departments (the provider's view)."""
    return core_permissions.restrict(
        ExchangeSubscription.objects.select_related(
            "resource", "consumer_system", "consumer_unit", "consumer_unit__parent"
        ),
        user,
        permissions.SHARING_APPROVE_SHARE,
        field="resource__provider",
    )


def access_subscription(user, pk) -> ExchangeSubscription:
    subscription = subscriptions_for(user).filter(pk=pk).first()
    if subscription is None:
        raise error(X.SUBSCRIPTION_NOT_FOUND)
    return subscription


def runs_for(user):
    return core_permissions.restrict(
        ExchangeRun.objects.select_related("subscription", "subscription__resource"),
        user,
        permissions.SHARING_REQUEST_SHARE,
    )


def access_run(user, pk) -> ExchangeRun:
    run = runs_for(user).filter(pk=pk).first()
    if run is None:
        raise error(X.RUN_NOT_FOUND)
    return run


# --- runs --------------------------------------------------------------------------------------
def _plain(value):
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def render_file(subscription, run, items, shaped: list[dict], cursor_to: str) -> bytes:
    if subscription.file_format == ExchangeSubscription.FileFormat.CSV:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["op", "key", *items])
        for change in shaped:
            record = change["record"] or {}
            writer.writerow(
                [change["op"], change["key"] or "", *[_csv(record.get(k)) for k in items]]
            )
        return ("\ufeff" + out.getvalue()).encode()
    payload = {
        "event": EVENT,
        "delivery_id": str(run.pk),
        "subscription": subscription.pk,
        "resource": subscription.resource.code,
        "items": items,
        "cursor_from": run.cursor_from,
        "cursor_to": cursor_to,
        "changes": shaped,
    }
    return core_webhooks.body_bytes(payload)


def _csv(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    return value


def _fail(run: ExchangeRun, code: str, message: str) -> ExchangeRun:
    with transaction.atomic():
        run.status = ExchangeRun.Status.FAILED
        run.error_code = code[:64]
        run.error_message = str(message)[:300]
        run.finished_at = timezone.now()
        run.next_attempt_at = None
        run.save(
            update_fields=[
                "status",
                "error_code",
                "error_message",
                "finished_at",
                "next_attempt_at",
            ]
        )
        audit.record(
            "sharing.exchange_run_failed",
            actor=None,
            target=run,
            org_unit=run.subscription.consumer_unit,
            data={"subscription": run.subscription_id, "error": code},
        )
    return run


def _deliver(run: ExchangeRun, subscription: ExchangeSubscription, has_more: bool) -> None:
    """Mark ``run`` delivered and advance the subscription's cursor (one transaction)."""
    now = timezone.now()
    with transaction.atomic():
        run.status = ExchangeRun.Status.DELIVERED
        run.finished_at = now
        run.next_attempt_at = None
        run.progress = 100
        run.error_code = run.error_message = ""
        run.save(
            update_fields=[
                "status",
                "finished_at",
                "next_attempt_at",
                "progress",
                "error_code",
                "error_message",
                "last_response_code",
                "attempts",
            ]
        )
        fields = {"cursor": run.cursor_to}
        if has_more:
            fields["next_run_at"] = now
        ExchangeSubscription.objects.filter(pk=subscription.pk).update(**fields)
        audit.record(
            "sharing.exchange_run_delivered",
            actor=None,
            target=run,
            org_unit=subscription.consumer_unit,
            data={
                "subscription": subscription.pk,
                "added": run.rows_added,
                "changed": run.rows_changed,
                "removed": run.rows_removed,
            },
        )


def run_subscription(subscription_id: int, *, now=None) -> ExchangeRun | None:
    """Start one run of a due subscription (claimed atomically; None when not due, not
    active, or a run is still open)."""
    now = now or timezone.now()
    subscription = (
        ExchangeSubscription.objects.select_related("grant", "resource", "consumer_unit")
        .filter(pk=subscription_id, status=ExchangeSubscription.Status.ACTIVE)
        .first()
    )
    if subscription is None or subscription.next_run_at is None or subscription.next_run_at > now:
        return None
    if ExchangeRun.objects.filter(subscription=subscription, status__in=ExchangeRun.OPEN).exists():
        return None
    claimed = ExchangeSubscription.objects.filter(
        pk=subscription.pk,
        status=ExchangeSubscription.Status.ACTIVE,
        next_run_at=subscription.next_run_at,
    ).update(next_run_at=now + timedelta(minutes=subscription.interval_minutes))
    if claimed != 1:
        return None
    run = ExchangeRun.objects.create(subscription=subscription, cursor_from=subscription.cursor)
    grant = subscription.grant
    try:
        _check_grant(grant)
    except DomainError as exc:
        _fail(run, exc.code, exc.message)
        cancel_subscription(actor=None, subscription=subscription, reason=exc.code)
        return run
    resource = subscription.resource
    items = list(grant.items)
    try:
        _check_source(grant)
        batch = changes.changes_since(
            resource, subscription.cursor, division=grant.row_division, limit=max_rows_per_run()
        )
    except DomainError as exc:
        return _fail(run, exc.code, exc.message)
    ExchangeRun.objects.filter(pk=run.pk).update(progress=50)
    shaped = changes.shape_changes(resource, grant, batch.changes, items)
    content = render_file(subscription, run, items, shaped, batch.next_cursor)
    extension = subscription.file_format
    with transaction.atomic():
        entry = access_log.append(
            outcome=AccessLogEntry.Outcome.ALLOWED,
            consumer_system=subscription.consumer_system,
            consumer_unit=subscription.consumer_unit,
            consumer_name=(
                f"{subscription.consumer_unit.full_name} · {subscription.consumer_system.name}"
            ),
            client_id=subscription.consumer_system.client_id,
            resource=resource,
            resource_code=resource.code,
            provider_unit=resource.provider,
            grant=grant,
            purpose=subscription.purpose,
            reference="",
            items=items,
            query=masking.mask_data({"exchange_subscription": subscription.pk}),
            row_count=len(batch.changes),
            subjects=changes.subjects_of(resource, batch.changes, items),
        )
        run.cursor_to = batch.next_cursor
        run.rows_added = batch.counts[changes.ADDED]
        run.rows_changed = batch.counts[changes.CHANGED]
        run.rows_removed = batch.counts[changes.REMOVED]
        run.access_log_seq = entry.seq
        run.progress = 90
        run.file.save(
            f"exchange-{subscription.pk}-{run.pk}.{extension}", ContentFile(content), save=False
        )
        run.save()
    if subscription.delivery == ExchangeSubscription.Delivery.FILE:
        _deliver(run, subscription, batch.has_more)
        return run
    ExchangeRun.objects.filter(pk=run.pk).update(next_attempt_at=now)
    return attempt_webhook(run.pk, now=now, has_more=batch.has_more) or run


def _post(url: str, body: bytes, headers: dict) -> tuple[int | None, str]:
    return core_webhooks.post(
        url,
        body,
        headers,
        timeout=float(_setting("SHARING_EXCHANGE_WEBHOOK_TIMEOUT_SECONDS", 10)),
        allow_private=_allow_private(),
    )


def attempt_webhook(run_id: int, *, now=None, has_more: bool = False) -> ExchangeRun | None:
    """One POST of a webhook run (claimed with a lease so two workers never send the same
    attempt)."""
    now = now or timezone.now()
    claimed = ExchangeRun.objects.filter(
        pk=run_id, status__in=ExchangeRun.OPEN, next_attempt_at__lte=now
    ).update(next_attempt_at=now + LEASE)
    if claimed != 1:
        return None
    run = ExchangeRun.objects.select_related("subscription", "subscription__consumer_unit").get(
        pk=run_id
    )
    subscription = run.subscription
    code, problem = None, ""
    if subscription.status != ExchangeSubscription.Status.ACTIVE:
        return _fail(run, X.SUBSCRIPTION_NOT_ACTIVE, "subscription cancelled")
    try:
        with run.file.open("rb") as handle:
            body = handle.read()
        secret = secret_of(subscription)
    except (OSError, ValueError, DomainError):
        return _fail(run, X.RUN_FILE_MISSING, "file or secret unreadable")
    timestamp = str(int(now.timestamp()))
    headers = core_webhooks.signed_headers(EVENT, str(run.pk), secret, timestamp, body)
    code, problem = _post(subscription.url, body, headers)
    run.attempts += 1
    run.last_response_code = code
    if code is not None and 200 <= code < 300:
        _deliver(run, subscription, has_more)
        return run
    run.error_code = "webhook_failed"
    run.error_message = (problem or f"HTTP {code}")[:300]
    if run.attempts >= max_attempts():
        ExchangeRun.objects.filter(pk=run.pk).update(attempts=run.attempts, last_response_code=code)
        return _fail(run, "webhook_failed", run.error_message)
    run.status = ExchangeRun.Status.RETRYING
    run.next_attempt_at = now + core_webhooks.backoff(run.attempts)
    run.save(
        update_fields=[
            "attempts",
            "last_response_code",
            "error_code",
            "error_message",
            "status",
            "next_attempt_at",
        ]
    )
    return run


def run_due(*, now=None, limit: int = 100) -> dict:
    """Start due subscriptions' runs, send due webhook retries, fail runs that died."""
    now = now or timezone.now()
    counts = {"started": 0, "retried": 0}
    due = ExchangeSubscription.objects.filter(
        status=ExchangeSubscription.Status.ACTIVE, next_run_at__lte=now
    ).order_by("next_run_at", "pk")
    for pk in list(due.values_list("pk", flat=True)[:limit]):
        if run_subscription(pk, now=now) is not None:
            counts["started"] += 1
    # due retries, and webhook attempts whose worker died after claiming them (lease over)
    retries = ExchangeRun.objects.filter(
        status__in=ExchangeRun.OPEN, next_attempt_at__lte=now
    ).order_by("next_attempt_at", "pk")
    for pk in list(retries.values_list("pk", flat=True)[:limit]):
        if attempt_webhook(pk, now=now) is not None:
            counts["retried"] += 1
    # runs whose worker died while collecting the changes: failed, so the next run can start
    stale = ExchangeRun.objects.filter(
        status=ExchangeRun.Status.RUNNING,
        next_attempt_at__isnull=True,
        started_at__lt=now - STALE_RUN,
    ).select_related("subscription__consumer_unit")
    for run in stale[:limit]:
        if ExchangeRun.objects.filter(
            pk=run.pk, status=ExchangeRun.Status.RUNNING, next_attempt_at__isnull=True
        ).exists():
            _fail(run, "interrupted", "run interrupted")
            counts["interrupted"] = counts.get("interrupted", 0) + 1
    return counts


def read_run_file(run: ExchangeRun) -> tuple[bytes, str, str]:
    """``(content, filename, content_type)`` of a run's file."""
    if not run.file:
        raise error(X.RUN_FILE_MISSING)
    try:
        with run.file.open("rb") as handle:
            content = handle.read()
    except OSError:
        raise error(X.RUN_FILE_MISSING) from None
    fmt = run.subscription.file_format
    content_type = "text/csv; charset=utf-8" if fmt == "csv" else "application/json"
    return content, f"exchange-{run.subscription_id}-{run.pk}.{fmt}", content_type


def runs_for_system(system):
    return ExchangeRun.objects.filter(subscription__consumer_system=system).select_related(
        "subscription"
    )
