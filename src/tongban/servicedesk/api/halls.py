"""Halls, appointments and the queue — /api/v1/servicedesk/.

The same services as the pages (``tongban.servicedesk.services.booking`` / ``queue``).
Public reads (halls, open slots, the calling display) need no login; bookings use the
citizen's session (``django_auth``, CSRF enforced); windows and statistics need the staff
session and ``servicedesk.call_ticket`` / ``servicedesk.view_hall_stats`` within the hall's
region. Kiosk devices post to ``/kiosks/{kiosk_key}/…`` (the key is the hall's secret).
Error codes: ``tongban.servicedesk.errors.HallError``.
"""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate
from ninja.security import django_auth

from tongban.core.schemas import ErrorOut
from tongban.servicedesk import selectors_halls as selectors
from tongban.servicedesk.models import Appointment, Hall, Slot, Ticket
from tongban.servicedesk.permissions import (
    SERVICEDESK_CALL_TICKET,
    SERVICEDESK_VIEW_HALL_STATS,
)
from tongban.servicedesk.services import booking, queue

router = Router(tags=["servicedesk: halls and appointments"])

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class HallOut(Schema):
    code: str
    name: str
    address: str
    opening_hours: str
    region: str


class SlotOut(Schema):
    id: int
    date: datetime.date
    start_time: datetime.time
    end_time: datetime.time
    window: str | None
    places_left: int


class AppointmentIn(Schema):
    slot_id: int = Field(..., description="an open slot (GET /halls/{code}/slots)")
    item: str = Field(..., description="the catalogue item's key, e.g. id-card-renewal")


class AppointmentOut(Schema):
    code: str = Field(..., description="booking code, typed or scanned (QR) at the kiosk")
    status: str
    item: str
    item_name: str
    hall: str
    hall_name: str
    date: datetime.date
    start_time: datetime.time
    end_time: datetime.time
    qr_payload: str = Field(..., description="what the booking QR holds")
    created_at: datetime.datetime


class CheckInIn(Schema):
    code: str = Field(..., max_length=200, description="booking code or scanned QR payload")


class WalkInIn(Schema):
    category: str = Field("", max_length=64, description="department name served by a window")
    item: str = Field("", max_length=80, description="or a catalogue item key")


class TicketOut(Schema):
    id: int
    number: str
    status: str
    category: str
    booking: bool
    window: str | None
    created_at: datetime.datetime
    called_at: datetime.datetime | None


class BoardRowOut(Schema):
    number: str
    window: str
    window_name: str
    name: str = Field(..., description="masked (张*), empty for walk-ins")
    status: str
    recalled: bool


class DisplayOut(Schema):
    current: BoardRowOut | None
    recent: list[BoardRowOut]
    waiting: int


class WindowStatsOut(Schema):
    number: str
    name: str
    served: int
    no_show: int


class DayStatsOut(Schema):
    day: datetime.date
    tickets: int
    called: int
    served: int
    no_show: int
    waiting: int
    average_wait_minutes: float | None
    median_wait_minutes: float | None
    bookings: int
    bookings_checked_in: int
    bookings_missed: int
    per_window: list[WindowStatsOut]


def _hall_out(hall: Hall) -> HallOut:
    return HallOut(
        code=hall.code,
        name=hall.name,
        address=hall.address,
        opening_hours=hall.opening_hours,
        region=hall.org_unit.name,
    )


def _slot_out(slot: Slot) -> SlotOut:
    return SlotOut(
        id=slot.pk,
        date=slot.date,
        start_time=slot.start_time,
        end_time=slot.end_time,
        window=slot.window.label if slot.window_id else None,
        places_left=slot.places_left,
    )


def _appointment_out(appointment: Appointment) -> AppointmentOut:
    slot = appointment.slot
    return AppointmentOut(
        code=appointment.code,
        status=appointment.status,
        item=appointment.item.key,
        item_name=appointment.item.name,
        hall=appointment.hall.code,
        hall_name=appointment.hall.name,
        date=slot.date,
        start_time=slot.start_time,
        end_time=slot.end_time,
        qr_payload=booking.qr_payload(appointment),
        created_at=appointment.created_at,
    )


def _ticket_out(ticket: Ticket) -> TicketOut:
    return TicketOut(
        id=ticket.pk,
        number=ticket.number,
        status=ticket.status,
        category=ticket.department_name,
        booking=ticket.is_booking,
        window=ticket.window.label if ticket.window_id else None,
        created_at=ticket.created_at,
        called_at=ticket.called_at,
    )


# --- public -----------------------------------------------------------------------------------
@router.get(
    "/halls",
    response=list[HallOut],
    auth=None,
    operation_id="servicedesk_list_halls",
    summary="政务服务大厅（可按事项筛选能预约的大厅）",
)
@paginate(PageNumberPagination, page_size=50)
def list_halls(request, item: str = ""):
    if item:
        halls = selectors.halls_for_item(selectors.bookable_item(item))
    else:
        halls = Hall.objects.filter(is_active=True).select_related("org_unit")
    return [_hall_out(hall) for hall in halls]


@router.get(
    "/halls/{code}/slots",
    response={200: list[SlotOut], **ERRORS},
    auth=None,
    operation_id="servicedesk_list_slots",
    summary="大厅可预约的时段（某事项）",
)
def list_slots(request, code: str, item: str):
    hall = selectors.active_hall_by_code(code)
    return [_slot_out(slot) for slot in selectors.open_slots(hall, selectors.bookable_item(item))]


@router.get(
    "/halls/{code}/display",
    response={200: DisplayOut, **ERRORS},
    auth=None,
    operation_id="servicedesk_get_display",
    summary="叫号屏数据（仅号码、窗口与脱敏姓名）",
)
def get_display(request, code: str):
    return selectors.display_board(selectors.active_hall_by_code(code))


# --- citizens -----------------------------------------------------------------------------------
@router.post(
    "/appointments",
    response={201: AppointmentOut, **ERRORS},
    auth=django_auth,
    operation_id="servicedesk_create_appointment",
    summary="预约到厅办理",
)
def create_appointment(request: HttpRequest, payload: AppointmentIn):
    item = selectors.bookable_item(payload.item)
    appointment = booking.book_appointment(actor=request.user, slot_id=payload.slot_id, item=item)
    return Status(201, _appointment_out(appointment))


@router.get(
    "/appointments",
    response=list[AppointmentOut],
    auth=django_auth,
    operation_id="servicedesk_list_appointments",
    summary="我的预约",
)
@paginate(PageNumberPagination, page_size=50)
def list_appointments(request):
    return [_appointment_out(a) for a in selectors.appointments_of(request.user)[:500]]


@router.get(
    "/appointments/{code}",
    response={200: AppointmentOut, **ERRORS},
    auth=django_auth,
    operation_id="servicedesk_get_appointment",
    summary="查看我的预约",
)
def get_appointment(request, code: str):
    return _appointment_out(selectors.access_own_appointment(request.user, code))


@router.post(
    "/appointments/{code}/cancel",
    response={200: AppointmentOut, **ERRORS},
    auth=django_auth,
    operation_id="servicedesk_cancel_appointment",
    summary="取消预约（截止时间前）",
)
def cancel_appointment(request, code: str):
    appointment = selectors.access_own_appointment(request.user, code)
    return _appointment_out(booking.cancel_appointment(appointment, actor=request.user))


# --- kiosk devices --------------------------------------------------------------------------------
@router.post(
    "/kiosks/{kiosk_key}/check-ins",
    response={201: TicketOut, **ERRORS},
    auth=None,
    operation_id="servicedesk_create_check_in",
    summary="自助机签到（预约码或预约二维码）→ 排队号",
)
def create_check_in(request, kiosk_key: str, payload: CheckInIn):
    hall = selectors.hall_by_kiosk_key(kiosk_key)
    return Status(201, _ticket_out(queue.check_in(hall=hall, payload=payload.code)))


@router.post(
    "/kiosks/{kiosk_key}/tickets",
    response={201: TicketOut, **ERRORS},
    auth=None,
    operation_id="servicedesk_create_walk_in_ticket",
    summary="现场取号（按业务类别或事项）",
)
def create_walk_in_ticket(request, kiosk_key: str, payload: WalkInIn):
    hall = selectors.hall_by_kiosk_key(kiosk_key)
    item = selectors.bookable_item(payload.item) if payload.item else None
    ticket = queue.take_walk_in_ticket(hall=hall, department_name=payload.category, item=item)
    return Status(201, _ticket_out(ticket))


# --- windows (staff) ----------------------------------------------------------------------------
@router.post(
    "/windows/{window_id}/call-next",
    response={200: TicketOut, **ERRORS},
    auth=django_auth,
    operation_id="servicedesk_call_next_ticket",
    summary="叫下一个号（预约在时段内的优先）",
)
def call_next_ticket(request, window_id: int):
    window = selectors.access_window(request.user, window_id, SERVICEDESK_CALL_TICKET)
    return _ticket_out(queue.call_next(window, actor=request.user))


@router.post(
    "/windows/{window_id}/tickets/{ticket_id}/recall",
    response={200: TicketOut, **ERRORS},
    auth=django_auth,
    operation_id="servicedesk_recall_ticket",
    summary="重呼",
)
def recall_ticket(request, window_id: int, ticket_id: int):
    window = selectors.access_window(request.user, window_id, SERVICEDESK_CALL_TICKET)
    return _ticket_out(queue.recall(window, ticket_id, actor=request.user))


@router.post(
    "/windows/{window_id}/tickets/{ticket_id}/serve",
    response={200: TicketOut, **ERRORS},
    auth=django_auth,
    operation_id="servicedesk_serve_ticket",
    summary="办结",
)
def serve_ticket(request, window_id: int, ticket_id: int):
    window = selectors.access_window(request.user, window_id, SERVICEDESK_CALL_TICKET)
    return _ticket_out(queue.finish(window, ticket_id, actor=request.user, served=True))


@router.post(
    "/windows/{window_id}/tickets/{ticket_id}/no-show",
    response={200: TicketOut, **ERRORS},
    auth=django_auth,
    operation_id="servicedesk_skip_ticket",
    summary="过号（未到）",
)
def skip_ticket(request, window_id: int, ticket_id: int):
    window = selectors.access_window(request.user, window_id, SERVICEDESK_CALL_TICKET)
    return _ticket_out(queue.finish(window, ticket_id, actor=request.user, served=False))


class StatsQuery(Schema):
    day: datetime.date | None = Field(None, description="default: today")


@router.get(
    "/halls/{code}/stats",
    response={200: DayStatsOut, **ERRORS},
    auth=django_auth,
    operation_id="servicedesk_get_hall_stats",
    summary="大厅等候时间统计（平均/中位等候、各窗口办结量）",
)
def get_hall_stats(request, code: str, query: Query[StatsQuery]):
    hall = selectors.access_hall(request.user, code, SERVICEDESK_VIEW_HALL_STATS)
    return selectors.hall_day_stats(hall, query.day or timezone.localdate())
