"""The citizen's hall bookings (mounted at /my/appointments/): my bookings (with the
reminder of tomorrow's visits), booking a slot for an item, the booking with its QR code,
cancelling.

Writes go through ``tongban.servicedesk.services.booking``; a refusal is shown on the page
(``role=alert`` with its code) and changes nothing.
"""

from __future__ import annotations

from datetime import timedelta
from itertools import groupby

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tongban.core.exceptions import DomainError
from tongban.core.qr import qr_svg
from tongban.servicedesk import selectors_halls as selectors
from tongban.servicedesk.models import Appointment
from tongban.servicedesk.services import booking
from tongban.servicedesk.services.halls import ensure_slots


def _can_cancel(appointment: Appointment, now) -> bool:
    cutoff = timedelta(hours=settings.SERVICEDESK_CANCEL_CUTOFF_HOURS)
    return (
        appointment.status == Appointment.Status.BOOKED
        and appointment.slot.starts_at - cutoff >= now
    )


@login_required
def appointment_list(request):
    now = timezone.now()
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    appointments = list(selectors.appointments_of(request.user)[:100])
    upcoming = [
        a
        for a in appointments
        if a.status == Appointment.Status.BOOKED
        and a.slot.date in (timezone.localdate(now), tomorrow)
    ]
    return render(
        request,
        "servicedesk/appointment_list.html",
        {
            "appointments": appointments,
            "upcoming": upcoming,
            "booking_block": selectors.active_block(request.user, now),
        },
    )


def _slot_days(slots):
    return [
        {"date": day, "slots": list(day_slots)}
        for day, day_slots in groupby(slots, key=lambda slot: slot.date)
    ]


@login_required
@require_http_methods(["GET", "POST"])
def appointment_book(request, item_key: str):
    item = selectors.bookable_item(item_key)
    halls = selectors.halls_for_item(item)
    code = request.POST.get("hall") or request.GET.get("hall") or ""
    hall = next((h for h in halls if h.code == code), None)
    if hall is None and len(halls) == 1:
        hall = halls[0]
    case_number = (request.POST.get("case") or request.GET.get("case") or "")[:64]
    case = selectors.own_case_for_item(request.user, case_number, item)
    error = None
    status = 200
    if request.method == "POST":
        try:
            appointment = booking.book_appointment(
                actor=request.user, slot_id=request.POST.get("slot") or 0, item=item, case=case
            )
        except DomainError as exc:
            error, status = exc, exc.status
        else:
            messages.success(request, _("预约成功，请按时到大厅签到取号。"))
            return redirect("servicedesk_appointments:appointment_detail", code=appointment.code)
    slots = []
    if hall is not None:
        ensure_slots(hall)  # idempotent: the templates' slots for the booking horizon
        slots = selectors.open_slots(hall, item)
    context = {
        "item": item,
        "case": case,
        "halls": halls,
        "hall": hall,
        "days": _slot_days(slots),
        "error": error,
        "needs_visit": selectors.needs_visit(item),
        "booking_block": selectors.active_block(request.user),
    }
    return render(request, "servicedesk/appointment_book.html", context, status=status)


@login_required
def appointment_detail(request, code: str):
    appointment = selectors.access_own_appointment(request.user, code)
    now = timezone.now()
    return render(
        request,
        "servicedesk/appointment_detail.html",
        {
            "appointment": appointment,
            "qr": qr_svg(booking.qr_payload(appointment), scale=5)
            if appointment.status == Appointment.Status.BOOKED
            else "",
            "can_cancel": _can_cancel(appointment, now),
            "cutoff_hours": settings.SERVICEDESK_CANCEL_CUTOFF_HOURS,
            "ticket": getattr(appointment, "ticket", None)
            if appointment.status != Appointment.Status.BOOKED
            else None,
        },
    )


@login_required
@require_POST
def appointment_cancel(request, code: str):
    appointment = selectors.access_own_appointment(request.user, code)
    try:
        booking.cancel_appointment(appointment, actor=request.user)
    except DomainError as exc:
        if exc.status == 404:
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, _("预约已取消。"))
    return redirect("servicedesk_appointments:appointment_detail", code=appointment.code)
