"""Exchange API (共享交换订阅与变更事件).

Consumer systems, with a client-credentials token holding ``sharing:gateway``:

- ``GET /gateway/resources/{code}/changes?since=<cursor>&purpose=…`` — the resource's changes
  after ``since`` (empty: from the beginning) under the system's grant (a bulk ``filter``
  grant; items, rows and masking enforced), with ``next_cursor`` for the next pull. Every
  pull, served or refused, is recorded in the access log like a gateway call.
- ``GET /gateway/exchange/runs`` — the system's recent exchange runs;
  ``GET /gateway/exchange/runs/{id}/file`` — a run's file (CSV or JSON).

Consumer department staff (session, ``sharing.request_share``):

- ``GET/POST /exchange/subscriptions``, ``POST /exchange/subscriptions/{id}/cancel``,
  ``GET /exchange/subscriptions/{id}/runs``.

Error codes: 401 ``token_missing`` / ``token_invalid``; 403 ``not_a_consumer_system``,
``no_grant``, ``grant_expired``, ``grant_revoked``, ``bulk_not_allowed``,
``system_suspended``, ``permission_denied``; 400 ``purpose_required``,
``reference_required``, ``cursor_invalid``, ``delivery_invalid``, ``file_format_invalid``,
``webhook_url_invalid``, ``interval_invalid``; 404 ``resource_not_found``,
``grant_not_found``, ``subscription_not_found``, ``run_not_found``, ``run_file_missing``;
409 ``changes_unsupported``, ``subscription_exists``, ``subscription_not_active``; 429
``rate_limited``.
"""

import datetime
from typing import Any

from django.http import HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.security import django_auth

from tongban.core.schemas import ErrorOut
from tongban.identity.oidc.auth import ClientCredentialsBearer
from tongban.sharing import selectors
from tongban.sharing.errors import SharingError as E
from tongban.sharing.errors import error as sharing_error
from tongban.sharing.errors_exchange import ExchangeError as X
from tongban.sharing.errors_exchange import error
from tongban.sharing.models import ExchangeRun, ExchangeSubscription
from tongban.sharing.services import changes, exchange
from tongban.sharing.services.consumers import GATEWAY_SCOPE, system_for_application

gateway_router = Router(
    tags=["sharing: exchange"], auth=ClientCredentialsBearer(scopes=[GATEWAY_SCOPE])
)
staff_router = Router(tags=["sharing: exchange"], auth=django_auth)
router = Router()
router.add_router("", gateway_router)
router.add_router("", staff_router)

ERRORS = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    429: ErrorOut,
    503: ErrorOut,
}


class ChangesIn(Schema):
    since: str = Field("", max_length=200, description="上次返回的 next_cursor；为空则从头开始")
    purpose: str = Field(..., max_length=200)
    reference: str = Field("", max_length=64)
    limit: int = Field(100, ge=1, le=changes.MAX_PULL_LIMIT)


class ChangeOut(Schema):
    op: str = Field(..., description="added | changed | removed")
    key: str | None = Field(None, description="记录关键字（按授权脱敏；未授权该信息项时为空）")
    record: dict[str, Any] | None = Field(None, description="变更后的记录（removed 时为空）")


class ChangesOut(Schema):
    resource: str
    items: list[str]
    changes: list[ChangeOut]
    next_cursor: str
    has_more: bool
    log_seq: int


class RunOut(Schema):
    id: int
    subscription: int
    resource: str
    status: str
    rows_added: int
    rows_changed: int
    rows_removed: int
    progress: int
    attempts: int
    error_code: str
    error_message: str
    has_file: bool
    started_at: datetime.datetime
    finished_at: datetime.datetime | None


class SubscriptionIn(Schema):
    grant_id: int
    purpose: str = Field(..., max_length=200)
    delivery: str = Field(..., description="file | webhook")
    file_format: str = Field("csv", description="csv | json（webhook 始终为 JSON）")
    url: str = Field("", max_length=200, description="webhook 接收地址")
    interval_minutes: int = 1440
    start: str = Field("beginning", description="beginning：首次交付全部数据；now：仅此后的变更")


class SubscriptionOut(Schema):
    id: int
    grant: int
    resource: str
    consumer_system: str
    purpose: str
    delivery: str
    file_format: str
    url: str
    interval_minutes: int
    status: str
    next_run_at: datetime.datetime | None
    created_at: datetime.datetime


class SubscriptionCreatedOut(SubscriptionOut):
    secret: str = Field("", description="webhook 签名密钥，仅显示一次")


def run_out(run: ExchangeRun) -> dict:
    return {
        "id": run.pk,
        "subscription": run.subscription_id,
        "resource": run.subscription.resource.code,
        "status": run.status,
        "rows_added": run.rows_added,
        "rows_changed": run.rows_changed,
        "rows_removed": run.rows_removed,
        "progress": run.progress,
        "attempts": run.attempts,
        "error_code": run.error_code,
        "error_message": run.error_message,
        "has_file": bool(run.file),
        "started_at": run.started_at,
        "finished_at": run.finished_at,
    }


def subscription_out(subscription: ExchangeSubscription) -> dict:
    return {
        "id": subscription.pk,
        "grant": subscription.grant_id,
        "resource": subscription.resource.code,
        "consumer_system": subscription.consumer_system.name,
        "purpose": subscription.purpose,
        "delivery": subscription.delivery,
        "file_format": subscription.file_format,
        "url": subscription.url,
        "interval_minutes": subscription.interval_minutes,
        "status": subscription.status,
        "next_run_at": subscription.next_run_at,
        "created_at": subscription.created_at,
    }


# --- consumer systems ------------------------------------------------------------------------
@gateway_router.get(
    "/gateway/resources/{code}/changes",
    response={200: ChangesOut, **ERRORS},
    operation_id="sharing_pull_changes",
    summary="拉取资源的变更事件",
)
def pull_changes(request, code: str, params: Query[ChangesIn]):
    result = changes.pull(
        application=request.auth,
        resource_code=code,
        since=params.since,
        purpose=params.purpose,
        reference=params.reference,
        limit=params.limit,
    )
    return {
        "resource": result.resource.code,
        "items": result.items,
        "changes": result.changes,
        "next_cursor": result.next_cursor,
        "has_more": result.has_more,
        "log_seq": result.entry.seq,
    }


@gateway_router.get(
    "/gateway/exchange/runs",
    response={200: list[RunOut], **ERRORS},
    operation_id="sharing_list_exchange_runs",
    summary="本系统最近的交换记录",
)
def list_system_runs(request):
    system = system_for_application(request.auth)
    runs = exchange.runs_for_system(system).select_related("subscription__resource")[:50]
    return [run_out(run) for run in runs]


@gateway_router.get(
    "/gateway/exchange/runs/{run_id}/file",
    response={200: None, **ERRORS},
    operation_id="sharing_download_exchange_file",
    summary="下载一次交换的文件",
)
def download_system_run(request, run_id: int):
    system = system_for_application(request.auth)
    run = exchange.runs_for_system(system).filter(pk=run_id).first()
    if run is None:
        raise error(X.RUN_NOT_FOUND)
    content, name, content_type = exchange.read_run_file(run)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- staff -----------------------------------------------------------------------------------
@staff_router.get(
    "/exchange/subscriptions",
    response={200: list[SubscriptionOut], **ERRORS},
    operation_id="sharing_list_subscriptions",
    summary="本部门的共享交换订阅",
)
def list_subscriptions(request):
    return [subscription_out(s) for s in exchange.subscriptions_for(request.user)[:200]]


@staff_router.post(
    "/exchange/subscriptions",
    response={201: SubscriptionCreatedOut, **ERRORS},
    operation_id="sharing_create_subscription",
    summary="订阅授权资源的变更（定时交付）",
)
def create_subscription(request, payload: SubscriptionIn):
    grant = selectors.grants_as_consumer(request.user).filter(pk=payload.grant_id).first()
    if grant is None:
        raise sharing_error(E.GRANT_NOT_FOUND, field="grant_id")
    subscription, secret = exchange.create_subscription(
        actor=request.user,
        grant=grant,
        delivery=payload.delivery,
        purpose=payload.purpose,
        file_format=payload.file_format,
        url=payload.url,
        interval_minutes=payload.interval_minutes,
        start=payload.start,
    )
    return Status(201, {**subscription_out(subscription), "secret": secret})


@staff_router.post(
    "/exchange/subscriptions/{subscription_id}/cancel",
    response={200: SubscriptionOut, **ERRORS},
    operation_id="sharing_cancel_subscription",
    summary="取消订阅",
)
def cancel_subscription(request, subscription_id: int):
    subscription = exchange.access_subscription(request.user, subscription_id)
    return subscription_out(
        exchange.cancel_subscription(actor=request.user, subscription=subscription)
    )


@staff_router.get(
    "/exchange/subscriptions/{subscription_id}/runs",
    response={200: list[RunOut], **ERRORS},
    operation_id="sharing_list_subscription_runs",
    summary="订阅的交换记录",
)
def list_subscription_runs(request, subscription_id: int):
    subscription = exchange.access_subscription(request.user, subscription_id)
    return [run_out(r) for r in subscription.runs.select_related("subscription__resource")[:100]]
