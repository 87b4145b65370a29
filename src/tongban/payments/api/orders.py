"""Payments API: orders for department systems, channel callbacks, the payer's orders.

Department systems (client-credentials token with the ``payments:orders`` scope; the
client's registered org unit is the collecting unit):

* ``POST /orders`` — open an order (缴款单) for a payer; returns its payment code.
* ``GET  /orders`` — the client's orders (paginated; ``status``, ``reference`` filters).
* ``GET  /orders/{code}`` — status of one of the client's orders.
* ``POST /orders/{code}/cancel`` — cancel an unpaid order with a reason.
* ``PUT  /webhook-endpoint`` — where status changes are pushed (signed, retried); the secret is
  returned once (and again with ``rotate_secret``).

Channels: ``POST /callbacks/{channel}`` — payment result notifications (signature checked by
the channel's adapter; no session, no token).

Payers (session): ``GET /my/orders`` — my orders.

Staff (session, ``payments.view_order`` in the collecting unit): ``GET /unit-orders`` (filters
``reference`` — e.g. a case number — and ``status``) and ``GET /unit-orders/{code}``.

Error codes: ``tongban.payments.errors.OrderError`` (stable).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import PageNumberPagination, paginate
from ninja.responses import Status
from ninja.security import django_auth

from tongban.core.permissions import require_perm
from tongban.core.schemas import ErrorOut
from tongban.identity.oidc.auth import ClientCredentialsBearer
from tongban.payments.errors import OrderError, error
from tongban.payments.models import PaymentOrder
from tongban.payments.permissions import PAYMENTS_SCOPE, PAYMENTS_VIEW_ORDER
from tongban.payments.services import callbacks, codes, orders, webhooks

router = Router()
client_auth = ClientCredentialsBearer(scopes=[PAYMENTS_SCOPE])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class ItemIn(Schema):
    name: str = Field(..., max_length=100, description="收费项目名称")
    basis: str = Field("", max_length=200, description="收费依据")
    amount: int = Field(..., gt=0, description="金额（分）")
    budget_account: str = Field("", max_length=32, description="预算科目（空：默认科目）")


class OrderIn(Schema):
    payer_name: str = Field(..., max_length=100)
    payer_id_number: str = Field(..., max_length=32, description="公民身份号码或统一社会信用代码")
    items: list[ItemIn]
    title: str = Field("", max_length=200)
    reference: str = Field("", max_length=64, description="业务编号（同一系统内未结束的唯一）")
    expires_in_minutes: int | None = Field(None, description="缴费期限（分钟，默认 24 小时）")


class ItemOut(Schema):
    name: str
    basis: str
    amount: int
    budget_account: str


class OrderOut(Schema):
    code: str
    status: str
    status_label: str
    title: str
    amount: int = Field(..., description="应缴金额（分）")
    paid_amount: int
    items: list[ItemOut]
    reference: str
    source: str
    org_unit: str
    payer_name: str
    expires_at: datetime
    paid_at: datetime | None
    created_at: datetime
    pay_url: str


class CancelIn(Schema):
    reason: str = Field(..., max_length=200)


class WebhookEndpointIn(Schema):
    url: str = Field(..., max_length=200)
    rotate_secret: bool = False


class WebhookEndpointOut(Schema):
    url: str
    secret: str | None = Field(None, description="签名密钥，只在首次登记或轮换时返回一次")


class CallbackOut(Schema):
    code: str = "SUCCESS"
    outcome: str


def _order_out(request, order: PaymentOrder) -> dict:
    from django.urls import reverse

    return {
        "code": order.code,
        "status": order.status,
        "status_label": str(order.get_status_display()),
        "title": order.title,
        "amount": order.amount,
        "paid_amount": order.paid_amount,
        "items": order.items,
        "reference": order.reference,
        "source": order.source,
        "org_unit": order.org_unit.full_name,
        "payer_name": order.payer_name,
        "expires_at": order.expires_at,
        "paid_at": order.paid_at,
        "created_at": order.created_at,
        "pay_url": request.build_absolute_uri(reverse("payments_payer:pay", args=[order.code])),
    }


def _client_unit(application):
    policy = getattr(application, "policy", None)
    unit = getattr(policy, "org_unit", None)
    if unit is None:
        raise error(OrderError.CLIENT_WITHOUT_UNIT)
    return unit


def _client_order(application, code: str) -> PaymentOrder:
    code = codes.validate_code(code)
    order = (
        PaymentOrder.objects.select_related("org_unit", "org_unit__parent")
        .filter(code=code, client_id=application.client_id)
        .first()
    )
    if order is None:
        raise error(OrderError.ORDER_NOT_FOUND)
    return order


def _client_actor(application) -> str:
    return f"client:{application.client_id}"[:100]


# --- department systems ----------------------------------------------------------------------
@router.post(
    "/orders",
    auth=client_auth,
    response={201: OrderOut, **ERRORS},
    operation_id="payments_create_order",
    summary="开具缴款单（部门系统）",
)
def create_order(request: HttpRequest, payload: OrderIn):
    application = request.auth
    expires_in = (
        timedelta(minutes=payload.expires_in_minutes)
        if payload.expires_in_minutes is not None
        else None
    )
    order = orders.create_order(
        actor=_client_actor(application),
        org_unit=_client_unit(application),
        items=[item.dict() for item in payload.items],
        source=PaymentOrder.Source.API,
        payer_name=payload.payer_name,
        payer_id_number=payload.payer_id_number,
        title=payload.title,
        reference=payload.reference,
        client_id=application.client_id,
        expires_in=expires_in,
    )
    return Status(201, _order_out(request, order))


@router.get(
    "/orders",
    auth=client_auth,
    response=list[OrderOut],
    operation_id="payments_list_orders",
    summary="本系统开具的缴款单",
)
@paginate(PageNumberPagination, page_size=50)
def list_orders(request, status: str = "", reference: str = ""):
    rows = PaymentOrder.objects.filter(client_id=request.auth.client_id).select_related(
        "org_unit", "org_unit__parent"
    )
    if status:
        rows = rows.filter(status=status)
    if reference:
        rows = rows.filter(reference=reference)
    return [_order_out(request, order) for order in rows[:1000]]


@router.get(
    "/orders/{code}",
    auth=client_auth,
    response={200: OrderOut, **ERRORS},
    operation_id="payments_get_order",
    summary="查询缴款单状态",
)
def get_order(request, code: str):
    return _order_out(request, _client_order(request.auth, code))


@router.post(
    "/orders/{code}/cancel",
    auth=client_auth,
    response={200: OrderOut, **ERRORS},
    operation_id="payments_cancel_order",
    summary="取消未缴费的缴款单",
)
def cancel_order(request, code: str, payload: CancelIn):
    order = _client_order(request.auth, code)
    orders.cancel_order(
        order,
        actor=_client_actor(request.auth),
        reason=payload.reason,
        client_id=request.auth.client_id,
    )
    return _order_out(request, order)


@router.put(
    "/webhook-endpoint",
    auth=client_auth,
    response={200: WebhookEndpointOut, **ERRORS},
    operation_id="payments_set_webhook_endpoint",
    summary="登记缴款单状态推送地址（签名密钥只返回一次）",
)
def set_webhook_endpoint(request, payload: WebhookEndpointIn):
    application = request.auth
    endpoint, secret = webhooks.set_endpoint(
        client_id=application.client_id,
        org_unit=_client_unit(application),
        url=payload.url,
        actor=_client_actor(application),
        rotate=payload.rotate_secret,
    )
    return {"url": endpoint.url, "secret": secret}


# --- channels --------------------------------------------------------------------------------
@router.post(
    "/callbacks/{channel}",
    auth=None,
    response={200: CallbackOut, **ERRORS},
    operation_id="payments_receive_callback",
    summary="支付渠道结果通知（渠道签名校验）",
)
def receive_callback(request, channel: str):
    record = callbacks.process_callback(channel, request.body, request.headers)
    callbacks.refuse_unknown(record)
    return {"code": "SUCCESS", "outcome": record.outcome}


# --- payers ----------------------------------------------------------------------------------
@router.get(
    "/my/orders",
    auth=django_auth,
    response=list[OrderOut],
    operation_id="payments_list_my_orders",
    summary="我的缴费",
)
@paginate(PageNumberPagination, page_size=50)
def list_my_orders(request):
    return [_order_out(request, order) for order in orders.orders_of_payer(request.user)[:1000]]


# --- staff -----------------------------------------------------------------------------------
@router.get(
    "/unit-orders",
    auth=django_auth,
    response={200: list[OrderOut], **ERRORS},
    operation_id="payments_list_unit_orders",
    summary="本单位的缴款单（工作人员）",
)
@require_perm(PAYMENTS_VIEW_ORDER)
@paginate(PageNumberPagination, page_size=50)
def list_unit_orders(request, reference: str = "", status: str = ""):
    rows = orders.orders_for_staff(request.user)
    if reference:
        rows = rows.filter(reference=reference)
    if status:
        rows = rows.filter(status=status)
    return [_order_out(request, order) for order in rows[:1000]]


@router.get(
    "/unit-orders/{code}",
    auth=django_auth,
    response={200: OrderOut, **ERRORS},
    operation_id="payments_get_unit_order",
    summary="查看本单位的缴款单（工作人员）",
)
@require_perm(PAYMENTS_VIEW_ORDER)
def get_unit_order(request, code: str):
    return _order_out(request, orders.access_staff_order(request.user, codes.validate_code(code)))
