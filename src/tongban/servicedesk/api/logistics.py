"""Logistics API (mounted at /api/v1/servicedesk/).

Citizen (session): ``GET/POST /addresses``, ``DELETE /addresses/{id}``,
``GET /deliveries/quote``, ``GET/POST /deliveries``, ``GET /deliveries/{number}``,
``POST /deliveries/{number}/cancel``. Window staff (session): ``POST
/deliveries/{number}/dispatch`` ("结果已交寄"). Couriers: ``POST
/logistics/callbacks/{courier}`` — no session; the adapter verifies the signature
(the simulator: HMAC-SM3, headers ``X-Courier-Timestamp`` / ``X-Courier-Signature``).
Error codes: ``tongban.servicedesk.errors_logistics.LogisticsError``.
"""

import datetime

from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate
from ninja.security import django_auth

from tongban.core.schemas import ErrorOut
from tongban.servicedesk.models import Address, DeliveryEvent, DeliveryOrder
from tongban.servicedesk.services import logistics

router = Router(tags=["servicedesk: logistics"])


class AddressIn(Schema):
    name: str = Field(..., description="收件人", examples=["王芳"])
    mobile: str = Field(..., examples=["13700137000"])
    division_code: str = Field(
        ..., description="current county-level GB/T 2260 code", examples=["440106"]
    )
    detail: str = Field(..., description="详细地址", examples=["体育东路 1 号 2 栋 301"])
    is_default: bool = False


class AddressOut(Schema):
    id: int
    name: str
    mobile: str
    division_code: str
    detail: str
    is_default: bool


class QuoteOut(Schema):
    case_number: str
    division_code: str
    fee: int = Field(..., description="fen (分)")


class DeliveryIn(Schema):
    case_number: str
    kind: str = Field(..., description="pickup (上门取件) | delivery (结果邮寄送达)")
    address_id: int


class EventOut(Schema):
    status: str
    description: str
    occurred_at: datetime.datetime
    applied: bool = Field(..., description="false for a step that arrived after a later one")


class DeliveryOut(Schema):
    number: str
    kind: str
    status: str = Field(
        ...,
        description="awaiting_dispatch | created | picked_up | in_transit | delivered | failed "
        "| cancelled",
    )
    case_number: str
    contact_name: str
    contact_mobile: str
    address: str
    fee: int = Field(..., description="fen (分)")
    courier: str
    waybill_no: str
    created_at: datetime.datetime
    events: list[EventOut] = []


class CallbackOut(Schema):
    status: str = Field(..., description="applied | duplicate | out_of_order")


def _address_out(address: Address) -> AddressOut:
    return AddressOut(
        id=address.pk,
        name=address.name,
        mobile=address.mobile,
        division_code=address.division_code,
        detail=address.detail,
        is_default=address.is_default,
    )


def _event_out(event: DeliveryEvent) -> EventOut:
    return EventOut(
        status=event.status,
        description=event.description,
        occurred_at=event.occurred_at,
        applied=event.applied,
    )


def _delivery_out(order: DeliveryOrder, *, events: bool = True) -> DeliveryOut:
    return DeliveryOut(
        number=order.number,
        kind=order.kind,
        status=order.status,
        case_number=order.case.number,
        contact_name=order.contact_name,
        contact_mobile=order.contact_mobile,
        address=order.address,
        fee=order.fee,
        courier=order.courier,
        waybill_no=order.waybill_no,
        created_at=order.created_at,
        events=[_event_out(e) for e in order.events.all()] if events else [],
    )


@router.get(
    "/addresses",
    response={200: list[AddressOut], 401: ErrorOut},
    auth=django_auth,
    operation_id="servicedesk_list_addresses",
    summary="我的地址簿",
)
def list_addresses(request):
    return [_address_out(a) for a in logistics.addresses_of(request.user)]


@router.post(
    "/addresses",
    response={201: AddressOut, 400: ErrorOut, 401: ErrorOut},
    auth=django_auth,
    operation_id="servicedesk_create_address",
    summary="新增地址",
)
def create_address(request, payload: AddressIn):
    address = logistics.save_address(actor=request.user, **payload.dict())
    return Status(201, _address_out(address))


@router.delete(
    "/addresses/{address_id}",
    response={204: None, 401: ErrorOut, 404: ErrorOut},
    auth=django_auth,
    operation_id="servicedesk_delete_address",
    summary="删除地址",
)
def delete_address(request, address_id: int):
    logistics.delete_address(actor=request.user, address_id=address_id)
    return Status(204, None)


@router.get(
    "/deliveries/quote",
    response={200: QuoteOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut},
    auth=django_auth,
    operation_id="servicedesk_quote_delivery",
    summary="运费试算",
)
def quote_delivery(request, case_number: str, division_code: str):
    case = logistics.applicant_case(request.user, case_number)
    division_code = logistics.county_code(division_code)
    return QuoteOut(
        case_number=case.number,
        division_code=division_code,
        fee=logistics.quote_fee(case, division_code),
    )


class DeliveryFilter(Schema):
    case_number: str = ""


@router.get(
    "/deliveries",
    response={200: list[DeliveryOut], 401: ErrorOut},
    auth=django_auth,
    operation_id="servicedesk_list_deliveries",
    summary="我的物流订单",
)
@paginate(PageNumberPagination, page_size=20)
def list_deliveries(request, filters: Query[DeliveryFilter]):
    orders = logistics.deliveries_of(request.user)
    if filters.case_number:
        orders = orders.filter(case__number=filters.case_number)
    return [_delivery_out(o, events=False) for o in orders]


@router.post(
    "/deliveries",
    response={201: DeliveryOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 503: ErrorOut},
    auth=django_auth,
    operation_id="servicedesk_create_delivery",
    summary="下单：上门取件或结果邮寄",
)
def create_delivery(request, payload: DeliveryIn):
    order = logistics.order_delivery(
        actor=request.user,
        case_number=payload.case_number,
        kind=payload.kind,
        address_id=payload.address_id,
    )
    return Status(201, _delivery_out(order))


@router.get(
    "/deliveries/{number}",
    response={200: DeliveryOut, 401: ErrorOut, 404: ErrorOut},
    auth=django_auth,
    operation_id="servicedesk_get_delivery",
    summary="物流跟踪",
)
def get_delivery(request, number: str):
    return _delivery_out(logistics.access_delivery(request.user, number))


@router.post(
    "/deliveries/{number}/cancel",
    response={200: DeliveryOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut},
    auth=django_auth,
    operation_id="servicedesk_cancel_delivery",
    summary="取消物流订单（揽收前）",
)
def cancel_delivery(request, number: str):
    return _delivery_out(logistics.cancel_delivery(actor=request.user, number=number))


@router.post(
    "/deliveries/{number}/dispatch",
    response={200: DeliveryOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=django_auth,
    operation_id="servicedesk_dispatch_delivery",
    summary="窗口：办件结果已交寄",
)
def dispatch_delivery(request, number: str):
    return _delivery_out(logistics.dispatch_results(actor=request.user, number=number))


@router.post(
    "/logistics/callbacks/{courier}",
    response={200: CallbackOut, 401: ErrorOut, 404: ErrorOut},
    auth=None,
    operation_id="servicedesk_courier_callback",
    summary="快递公司物流轨迹回调（签名）",
)
def courier_callback(request, courier: str):
    event = logistics.process_callback(courier, request.body, request.headers)
    status = "duplicate" if event.duplicate else "applied" if event.applied else "out_of_order"
    return CallbackOut(status=status)
