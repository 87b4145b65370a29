"""12345 work-order API (mounted at /api/v1/servicedesk/), session authentication.

Citizens:
* ``POST /work-orders`` file an order (web), ``GET /work-orders`` their orders,
  ``GET /work-orders/{number}`` one with its timeline, ``POST /work-orders/{number}/rating``.

12345 centre (``servicedesk.dispatch_work_order``):
* ``GET/POST /hotline/work-orders`` (list; register a caller's order),
  ``GET /hotline/work-orders/{number}`` (with department suggestions),
  ``POST …/{number}/dispatch | supervise | conclude | callback``.

Departments (``servicedesk.handle_work_order``):
* ``GET /department/work-orders``, ``GET …/{number}``, ``POST …/{number}/reply | return``.

The same service functions as the pages; error codes:
``tongban.servicedesk.errors_workorders.WorkOrderError``. Standard clients use Open311
GeoReport v2 at ``/open311/v2/`` instead.
"""

import datetime

from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate
from ninja.security import django_auth

from tongban.core.middleware import client_ip
from tongban.core.models import OrgUnit
from tongban.core.permissions import SERVICEDESK_HANDLE_WORK_ORDER, require_perm
from tongban.core.schemas import ErrorOut
from tongban.servicedesk import selectors_workorders as selectors
from tongban.servicedesk.errors_workorders import WorkOrderError, error
from tongban.servicedesk.models import WorkOrder
from tongban.servicedesk.permissions_workorders import SERVICEDESK_DISPATCH_WORK_ORDER
from tongban.servicedesk.services import workorders as services
from tongban.servicedesk.services.dispatch import suggest_departments

router = Router(tags=["servicedesk: work orders"], auth=django_auth)

# Timeline notes a citizen sees; the others (return reasons, supervision, callback records)
# are the staff's working notes.
CITIZEN_NOTES = ("linked", "rated")
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class WorkOrderIn(Schema):
    kind: str = Field(..., description="consultation | complaint | suggestion | help")
    title: str = Field(..., max_length=200, description="at most 100 characters")
    content: str = Field(..., max_length=4000, description="at most 2000 characters")
    division_code: str = Field("", description="GB/T 2260 city or county code in Guangdong")
    location: str = ""
    contact_mobile: str = ""
    is_urgent: bool = False


class CallerOrderIn(WorkOrderIn):
    contact_name: str = ""
    contact_mobile: str = Field(..., description="the caller's mobile")


class EventOut(Schema):
    action: str
    from_status: str
    to_status: str
    actor_name: str
    org_unit: str
    note: str
    created_at: datetime.datetime


class WorkOrderOut(Schema):
    number: str
    kind: str
    channel: str
    status: str
    status_label: str
    is_urgent: bool
    title: str
    content: str
    division_code: str
    location: str
    accepted_at: datetime.datetime
    deadline: datetime.date
    overdue: bool
    is_supervised: bool
    department: str = Field("", description="the department handling it")
    master_number: str = Field("", description="the order this duplicate is linked to")
    reply: str
    replied_at: datetime.datetime | None
    concluded_at: datetime.datetime | None
    rating: int | None
    rating_channel: str = Field("", description="online | hotline (rated on the callback)")
    rated_at: datetime.datetime | None


class WorkOrderDetailOut(WorkOrderOut):
    timeline: list[EventOut]


class SuggestionOut(Schema):
    code: str
    name: str
    score: float
    reasons: list[str]


class StaffWorkOrderOut(WorkOrderDetailOut):
    contact_name: str
    contact_mobile: str
    return_count: int
    last_return_reason: str
    callback_note: str
    linked_numbers: list[str]
    suggestions: list[SuggestionOut] = []


class RatingIn(Schema):
    level: int = Field(..., description="5 非常满意 … 1 非常不满意")
    comment: str = ""


class DispatchIn(Schema):
    department_code: str = Field(..., description="OrgUnit code, e.g. 440100-生态环境局")


class NoteIn(Schema):
    note: str


class CallbackIn(Schema):
    note: str
    level: int | None = Field(None, description="the caller's rating on the phone (5 … 1)")


class ReplyIn(Schema):
    reply: str


class ReasonIn(Schema):
    reason: str


class HotlineFilter(Schema):
    status: str = Field(
        "all", description="todo | in_progress | replied | callback | supervised | linked | all"
    )
    q: str = ""


def _out(order: WorkOrder, *, detail=False, staff=False, suggestions=False):
    data = {
        "number": order.number,
        "kind": order.kind,
        "channel": order.channel,
        "status": order.status,
        "status_label": str(order.get_status_display()),
        "is_urgent": order.is_urgent,
        "title": order.title,
        "content": order.content,
        "division_code": order.division_code,
        "location": order.location,
        "accepted_at": order.accepted_at,
        "deadline": order.deadline,
        "overdue": order.is_overdue(),
        "is_supervised": order.is_supervised,
        "department": order.org_unit.full_name if order.org_unit_id else "",
        "master_number": order.master.number if order.master_id else "",
        "reply": order.reply,
        "replied_at": order.replied_at,
        "concluded_at": order.concluded_at,
        "rating": order.rating,
        "rating_channel": order.rating_channel,
        "rated_at": order.rated_at,
    }
    if detail or staff:
        data["timeline"] = [
            {
                "action": e.action,
                "from_status": e.from_status,
                "to_status": e.to_status,
                "actor_name": e.actor_name if staff else "",
                "org_unit": e.org_unit.full_name if e.org_unit_id else "",
                "note": e.note if staff or e.action in CITIZEN_NOTES else "",
                "created_at": e.created_at,
            }
            for e in order.events.select_related("org_unit")
        ]
    if staff:
        data.update(
            contact_name=order.contact_name,
            contact_mobile=order.contact_mobile,
            return_count=order.return_count,
            last_return_reason=order.last_return_reason,
            callback_note=order.callback_note,
            linked_numbers=[d.number for d in selectors.linked_orders(order)],
        )
        if suggestions:
            data["suggestions"] = [
                {
                    "code": s.unit.code,
                    "name": s.unit.full_name,
                    "score": s.score,
                    "reasons": list(s.reasons),
                }
                for s in suggest_departments(f"{order.title} {order.content}", order.division_code)
            ]
        return StaffWorkOrderOut(**data)
    return WorkOrderDetailOut(**data) if detail else WorkOrderOut(**data)


# --- citizens --------------------------------------------------------------------------------
@router.post(
    "/work-orders",
    response={201: WorkOrderDetailOut, **ERRORS, 429: ErrorOut},
    operation_id="servicedesk_create_work_order",
    summary="提交 12345 工单（咨询、投诉、建议、求助）",
)
def create_work_order(request, payload: WorkOrderIn):
    order = services.create_work_order(
        actor=request.user,
        kind=payload.kind,
        channel=WorkOrder.Channel.WEB,
        title=payload.title,
        content=payload.content,
        division_code=payload.division_code,
        location=payload.location,
        contact_mobile=payload.contact_mobile,
        is_urgent=payload.is_urgent,
        ip=client_ip(request),
    )
    return Status(201, _out(order, detail=True))


@router.get(
    "/work-orders",
    response={200: list[WorkOrderOut], 401: ErrorOut},
    operation_id="servicedesk_list_work_orders",
    summary="我的工单",
)
@paginate(PageNumberPagination, page_size=20)
def list_work_orders(request):
    return [_out(order) for order in selectors.citizen_orders(request.user)]


@router.get(
    "/work-orders/{number}",
    response={200: WorkOrderDetailOut, 401: ErrorOut, 404: ErrorOut},
    operation_id="servicedesk_get_work_order",
    summary="我的工单详情与办理进度",
)
def get_work_order(request, number: str):
    return _out(selectors.citizen_order(request.user, number), detail=True)


@router.post(
    "/work-orders/{number}/rating",
    response={200: WorkOrderDetailOut, **ERRORS},
    operation_id="servicedesk_rate_work_order",
    summary="评价已办结的工单（一次）",
)
def rate_work_order(request, number: str, payload: RatingIn):
    order = selectors.citizen_order(request.user, number)
    order = services.rate_work_order(
        order, actor=request.user, level=payload.level, comment=payload.comment
    )
    return _out(selectors.citizen_order(request.user, number), detail=True)


# --- the 12345 centre ----------------------------------------------------------------------------
@router.get(
    "/hotline/work-orders",
    response={200: list[WorkOrderOut], 401: ErrorOut, 403: ErrorOut},
    operation_id="servicedesk_list_hotline_work_orders",
    summary="热线中心工单列表",
)
@require_perm(SERVICEDESK_DISPATCH_WORK_ORDER)
@paginate(PageNumberPagination, page_size=50)
def list_hotline_work_orders(request, filters: Query[HotlineFilter]):
    return [_out(o) for o in selectors.hotline_orders(request.user, filters.status, filters.q)]


@router.post(
    "/hotline/work-orders",
    response={201: StaffWorkOrderOut, **ERRORS, 429: ErrorOut},
    operation_id="servicedesk_create_caller_work_order",
    summary="来电登记工单",
)
@require_perm(SERVICEDESK_DISPATCH_WORK_ORDER)
def create_caller_work_order(request, payload: CallerOrderIn):
    order = services.create_work_order(
        actor=request.user,
        kind=payload.kind,
        channel=WorkOrder.Channel.HOTLINE,
        title=payload.title,
        content=payload.content,
        division_code=payload.division_code,
        location=payload.location,
        contact_name=payload.contact_name,
        contact_mobile=payload.contact_mobile,
        is_urgent=payload.is_urgent,
    )
    return Status(201, _out(order, staff=True, suggestions=True))


@router.get(
    "/hotline/work-orders/{number}",
    response={200: StaffWorkOrderOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    operation_id="servicedesk_get_hotline_work_order",
    summary="热线中心工单详情（含派单建议）",
)
@require_perm(SERVICEDESK_DISPATCH_WORK_ORDER)
def get_hotline_work_order(request, number: str):
    return _out(selectors.hotline_order(request.user, number), staff=True, suggestions=True)


def _department(code: str) -> OrgUnit:
    unit = OrgUnit.objects.filter(code=code).first()
    if unit is None:
        raise error(WorkOrderError.NOT_A_DEPARTMENT, field="department_code")
    return unit


def _hotline_action(request, number, action) -> StaffWorkOrderOut:
    order = selectors.hotline_order(request.user, number)
    action(order)
    return _out(selectors.hotline_order(request.user, number), staff=True)


@router.post(
    "/hotline/work-orders/{number}/dispatch",
    response={200: StaffWorkOrderOut, **ERRORS},
    operation_id="servicedesk_dispatch_work_order",
    summary="派单",
)
@require_perm(SERVICEDESK_DISPATCH_WORK_ORDER)
def dispatch_work_order(request, number: str, payload: DispatchIn):
    department = _department(payload.department_code)
    return _hotline_action(
        request,
        number,
        lambda o: services.dispatch_work_order(o, actor=request.user, department=department),
    )


@router.post(
    "/hotline/work-orders/{number}/supervise",
    response={200: StaffWorkOrderOut, **ERRORS},
    operation_id="servicedesk_supervise_work_order",
    summary="督办（催办或退回答复重办）",
)
@require_perm(SERVICEDESK_DISPATCH_WORK_ORDER)
def supervise_work_order(request, number: str, payload: NoteIn):
    return _hotline_action(
        request,
        number,
        lambda o: services.supervise_work_order(o, actor=request.user, note=payload.note),
    )


@router.post(
    "/hotline/work-orders/{number}/conclude",
    response={200: StaffWorkOrderOut, **ERRORS},
    operation_id="servicedesk_conclude_work_order",
    summary="审核答复并办结（并案工单一并办结）",
)
@require_perm(SERVICEDESK_DISPATCH_WORK_ORDER)
def conclude_work_order(request, number: str):
    return _hotline_action(
        request, number, lambda o: services.conclude_work_order(o, actor=request.user)
    )


@router.post(
    "/hotline/work-orders/{number}/callback",
    response={200: StaffWorkOrderOut, **ERRORS},
    operation_id="servicedesk_call_back_work_order",
    summary="回访",
)
@require_perm(SERVICEDESK_DISPATCH_WORK_ORDER)
def call_back_work_order(request, number: str, payload: CallbackIn):
    return _hotline_action(
        request,
        number,
        lambda o: services.call_back_work_order(
            o, actor=request.user, note=payload.note, level=payload.level
        ),
    )


# --- departments --------------------------------------------------------------------------------
@router.get(
    "/department/work-orders",
    response={200: list[WorkOrderOut], 401: ErrorOut, 403: ErrorOut},
    operation_id="servicedesk_list_department_work_orders",
    summary="派给本部门的工单",
)
@require_perm(SERVICEDESK_HANDLE_WORK_ORDER)
@paginate(PageNumberPagination, page_size=50)
def list_department_work_orders(request, open_only: bool = False):
    return [_out(o) for o in selectors.department_orders(request.user, open_only=open_only)]


@router.get(
    "/department/work-orders/{number}",
    response={200: StaffWorkOrderOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    operation_id="servicedesk_get_department_work_order",
    summary="部门工单详情",
)
@require_perm(SERVICEDESK_HANDLE_WORK_ORDER)
def get_department_work_order(request, number: str):
    return _out(selectors.department_order(request.user, number), staff=True)


def _department_action(request, number, action):
    order = selectors.department_order(request.user, number)
    order = action(order)
    order.refresh_from_db()
    return _out(order, staff=True)


@router.post(
    "/department/work-orders/{number}/reply",
    response={200: StaffWorkOrderOut, **ERRORS},
    operation_id="servicedesk_reply_work_order",
    summary="答复工单",
)
@require_perm(SERVICEDESK_HANDLE_WORK_ORDER)
def reply_work_order(request, number: str, payload: ReplyIn):
    return _department_action(
        request,
        number,
        lambda o: services.reply_work_order(o, actor=request.user, reply=payload.reply),
    )


@router.post(
    "/department/work-orders/{number}/return",
    response={200: StaffWorkOrderOut, **ERRORS},
    operation_id="servicedesk_return_work_order",
    summary="退回派错的工单（附理由）",
)
@require_perm(SERVICEDESK_HANDLE_WORK_ORDER)
def return_work_order(request, number: str, payload: ReasonIn):
    return _department_action(
        request,
        number,
        lambda o: services.return_work_order(o, actor=request.user, reason=payload.reason),
    )
