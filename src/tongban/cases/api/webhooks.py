"""Webhook subscriptions of department systems — /api/v1/cases/webhooks/.

For department admins and operators (``cases.manage_webhook`` in the subscription's org
unit); session authentication (``django_auth``, CSRF enforced). The same services as the
console pages (``tongban.cases.services.webhooks``). Error codes: ``tongban.cases.errors``.
The secret is returned once, on creation and on rotation.
"""

from __future__ import annotations

import datetime

from ninja import Field, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate
from ninja.security import django_auth

from tongban.cases.errors import CaseError
from tongban.cases.services import webhooks
from tongban.core import permissions
from tongban.core.exceptions import NotFound
from tongban.core.models import OrgUnit
from tongban.core.schemas import ErrorOut

router = Router(tags=["cases: webhooks"], auth=django_auth)
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


class SubscriptionIn(Schema):
    org_unit_code: str = Field(..., description="组织机构编码 (OrgUnit.code) of the department")
    url: str = Field(..., description="接收地址 (http/https)")
    events: list[str] = Field(
        default_factory=list, description="Case status values to deliver; empty = all"
    )


class SubscriptionOut(Schema):
    id: int
    org_unit_code: str
    url: str
    events: list[str]
    is_active: bool
    created_at: datetime.datetime

    @staticmethod
    def resolve_org_unit_code(obj) -> str:
        return obj.org_unit.code


class SubscriptionSecretOut(SubscriptionOut):
    secret: str = Field(..., description="HMAC-SM3 key, shown only once")


class DeliveryOut(Schema):
    event_id: str
    event_type: str
    status: str
    attempts: int
    last_response_code: int | None
    next_attempt_at: datetime.datetime | None
    created_at: datetime.datetime
    delivered_at: datetime.datetime | None


def _unit(user, code: str) -> OrgUnit:
    unit = (
        permissions.units_for(user, webhooks.CASES_MANAGE_WEBHOOK)
        .filter(code=(code or "").strip())
        .first()
    )
    if unit is None:
        raise NotFound(CaseError.NOT_FOUND, "未找到该组织机构，或您无权管理。")
    return unit


def _with_secret(subscription, secret: str):
    subscription.secret = secret  # transient: returned once, never stored in clear
    return subscription


@router.get(
    "/subscriptions",
    response=list[SubscriptionOut],
    operation_id="cases_list_webhook_subscriptions",
    summary="列出可管理的 Webhook 订阅",
)
@paginate(PageNumberPagination, page_size=50)
def list_subscriptions(request):
    return webhooks.subscriptions_for(request.user)


@router.post(
    "/subscriptions",
    response={201: SubscriptionSecretOut, **ERRORS},
    operation_id="cases_create_webhook_subscription",
    summary="新建 Webhook 订阅（密钥只返回一次）",
)
def create_subscription(request, payload: SubscriptionIn):
    unit = _unit(request.user, payload.org_unit_code)
    subscription, secret = webhooks.create_subscription(
        actor=request.user, org_unit=unit, url=payload.url, events=payload.events
    )
    return Status(201, _with_secret(subscription, secret))


@router.post(
    "/subscriptions/{subscription_id}/rotate-secret",
    response={200: SubscriptionSecretOut, **ERRORS},
    operation_id="cases_rotate_webhook_secret",
    summary="更换订阅密钥（新密钥只返回一次）",
)
def rotate_secret(request, subscription_id: int):
    subscription = webhooks.access_subscription(request.user, subscription_id)
    secret = webhooks.rotate_secret(subscription, actor=request.user)
    return _with_secret(subscription, secret)


@router.post(
    "/subscriptions/{subscription_id}/deactivate",
    response={200: SubscriptionOut, **ERRORS},
    operation_id="cases_deactivate_webhook_subscription",
    summary="停用订阅",
)
def deactivate(request, subscription_id: int):
    subscription = webhooks.access_subscription(request.user, subscription_id)
    return webhooks.set_active(subscription, False, actor=request.user)


@router.get(
    "/subscriptions/{subscription_id}/deliveries",
    response=list[DeliveryOut],
    operation_id="cases_list_webhook_deliveries",
    summary="订阅的推送记录",
)
@paginate(PageNumberPagination, page_size=50)
def deliveries(request, subscription_id: int):
    subscription = webhooks.access_subscription(request.user, subscription_id)
    return subscription.deliveries.all()
