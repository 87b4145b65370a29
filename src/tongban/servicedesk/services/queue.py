"""At the hall: kiosk check-in and walk-in numbers (取号), window calls (叫号).

Numbers are ``B001…`` for checked-in bookings and ``A001…`` for walk-ins, per hall and day,
from a counter row taken under a row lock. A window calls the next waiting ticket it serves:
bookings whose slot is now (from the early check-in margin to the end of the grace period)
first, by slot start; then everyone else by the time they took their number. Each call is a
conditional UPDATE (``status = waiting``), so two windows never call the same ticket.

The kiosk is a hall device without a login: its page address holds the hall's secret
``kiosk_key``, and it checks in only bookings of its own hall for today.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tongban.catalog.models import ServiceItem
from tongban.core import audit
from tongban.servicedesk.errors import MESSAGES, HallError, error
from tongban.servicedesk.models import Appointment, Hall, QueueCounter, Ticket, Window
from tongban.servicedesk.permissions import SERVICEDESK_CALL_TICKET
from tongban.servicedesk.selectors_halls import (
    may_reach_hall,
    waiting_for_window,
    windows_serving,
)
from tongban.servicedesk.services.booking import (
    block_if_too_many_missed,
    code_from_qr,
    looks_like_code,
    normalise_code,
)

KIOSK_ACTOR = "kiosk"
TStatus = Ticket.Status
AStatus = Appointment.Status


def _message(code: HallError, **values) -> str:
    return str(MESSAGES[code]).format(**values)


def _next_number(hall: Hall, day, prefix: str) -> tuple[str, int]:
    counter, _created = QueueCounter.objects.get_or_create(hall=hall, date=day, prefix=prefix)
    QueueCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    last = QueueCounter.objects.values_list("last", flat=True).get(pk=counter.pk)
    return f"{prefix}{last:03d}", last


def _issue_ticket(hall: Hall, *, prefix: str, now: datetime, **fields) -> Ticket:
    day = timezone.localdate(now)
    number, _sequence = _next_number(hall, day, prefix)
    return Ticket.objects.create(hall=hall, date=day, number=number, created_at=now, **fields)


# --- kiosk ----------------------------------------------------------------------------------
def find_booking(payload: str) -> Appointment:
    """The booking a kiosk input names: a scanned QR payload (signature checked) or a typed
    booking code. Garbled or forged input: ``booking_qr_invalid`` / ``booking_code_invalid``."""
    text = (payload or "").strip()
    if text.upper().startswith("TBAPPT"):
        code = code_from_qr(text)
        if code is None:
            raise error(HallError.QR_INVALID, field="code")
    else:
        code = normalise_code(text)
        if not looks_like_code(code):
            raise error(HallError.CODE_INVALID, field="code")
    appointment = (
        Appointment.objects.filter(code=code).select_related("slot", "hall", "item", "user").first()
    )
    if appointment is None:
        raise error(HallError.CODE_INVALID, field="code")
    return appointment


def check_in(*, hall: Hall, payload: str, now: datetime | None = None) -> Ticket:
    """Check a booking in at ``hall``'s kiosk and give it a ``B`` number."""
    now = now or timezone.now()
    appointment = find_booking(payload)
    if appointment.hall_id != hall.pk:
        raise error(HallError.BOOKING_OTHER_HALL, field="code")
    if appointment.status == AStatus.CHECKED_IN:
        number = Ticket.objects.filter(appointment=appointment).values_list("number", flat=True)
        raise error(
            HallError.ALREADY_CHECKED_IN,
            field="code",
            message=_message(HallError.ALREADY_CHECKED_IN, number=number.first() or "-"),
        )
    if not appointment.can_become(AStatus.CHECKED_IN):
        raise error(HallError.ILLEGAL_TRANSITION, field="code")
    slot = appointment.slot
    if slot.date != timezone.localdate(now):
        raise error(HallError.BOOKING_NOT_TODAY, field="code")
    early = settings.SERVICEDESK_CHECKIN_EARLY_MINUTES
    if now < slot.starts_at - timedelta(minutes=early):
        raise error(
            HallError.CHECKIN_TOO_EARLY,
            field="code",
            message=_message(HallError.CHECKIN_TOO_EARLY, minutes=early),
        )
    if now > slot.ends_at + timedelta(minutes=settings.SERVICEDESK_CHECKIN_GRACE_MINUTES):
        raise error(HallError.BOOKING_EXPIRED, field="code")
    with transaction.atomic():
        claimed = Appointment.objects.filter(pk=appointment.pk, status=AStatus.BOOKED).update(
            status=AStatus.CHECKED_IN, checked_in_at=now
        )
        if claimed != 1:
            raise error(HallError.ILLEGAL_TRANSITION, field="code")
        ticket = _issue_ticket(
            hall,
            prefix=Ticket.BOOKING_PREFIX,
            now=now,
            appointment=appointment,
            item=appointment.item,
            department_name=appointment.item.department_name,
            holder_name=appointment.user.name or "",
        )
        audit.record(
            "servicedesk.appointment_checked_in",
            actor=KIOSK_ACTOR,
            target=appointment,
            org_unit=hall.org_unit,
            data={"old": AStatus.BOOKED, "new": AStatus.CHECKED_IN, "ticket": ticket.number},
        )
    return ticket


def take_walk_in_ticket(
    *,
    hall: Hall,
    department_name: str = "",
    item: ServiceItem | None = None,
    now: datetime | None = None,
) -> Ticket:
    """A walk-in number for an item or a category (department) the hall serves."""
    now = now or timezone.now()
    department_name = item.department_name if item is not None else (department_name or "")
    if not hall.is_active:
        raise error(HallError.HALL_INACTIVE)
    if not department_name or not windows_serving(hall, item, department_name):
        raise error(HallError.CATEGORY_NOT_SERVED, field="category")
    with transaction.atomic():
        ticket = _issue_ticket(
            hall,
            prefix=Ticket.WALK_IN_PREFIX,
            now=now,
            item=item,
            department_name=department_name,
        )
        audit.record(
            "servicedesk.ticket_taken",
            actor=KIOSK_ACTOR,
            target=ticket,
            org_unit=hall.org_unit,
            data={"number": ticket.number, "category": department_name},
        )
    return ticket


# --- windows --------------------------------------------------------------------------------
def _check_clerk(actor, window: Window) -> None:
    if not may_reach_hall(actor, window.hall, SERVICEDESK_CALL_TICKET):
        raise error(HallError.WINDOW_NOT_FOUND)
    if not window.is_active or not window.hall.is_active:
        raise error(HallError.WINDOW_INACTIVE)


def _in_slot_now(ticket: Ticket, now: datetime) -> bool:
    if ticket.appointment_id is None:
        return False
    slot = ticket.appointment.slot
    early = timedelta(minutes=settings.SERVICEDESK_CHECKIN_EARLY_MINUTES)
    grace = timedelta(minutes=settings.SERVICEDESK_CHECKIN_GRACE_MINUTES)
    return slot.starts_at - early <= now <= slot.ends_at + grace


def call_order(tickets, now: datetime) -> list[Ticket]:
    """Bookings within their slot first (by slot start, then check-in), then the rest by
    the time they took their number."""
    in_slot = sorted(
        (t for t in tickets if _in_slot_now(t, now)),
        key=lambda t: (t.appointment.slot.starts_at, t.created_at, t.pk),
    )
    chosen = {t.pk for t in in_slot}
    rest = sorted((t for t in tickets if t.pk not in chosen), key=lambda t: (t.created_at, t.pk))
    return in_slot + rest


def _record(event: str, ticket: Ticket, window: Window, actor, **data) -> None:
    audit.record(
        f"servicedesk.{event}",
        actor=actor,
        target=ticket,
        org_unit=window.hall.org_unit,
        data={"number": ticket.number, "window": window.number, **data},
    )


def call_next(window: Window, *, actor, now: datetime | None = None) -> Ticket:
    """Call the next ticket this window serves (it must have finished the current one)."""
    _check_clerk(actor, window)
    now = now or timezone.now()
    if Ticket.objects.filter(window=window, status=TStatus.CALLED).exists():
        raise error(HallError.WINDOW_BUSY)
    candidates = list(
        waiting_for_window(window, timezone.localdate(now)).select_related("appointment__slot")[
            :500
        ]
    )
    for ticket in call_order(candidates, now):
        with transaction.atomic():
            claimed = Ticket.objects.filter(pk=ticket.pk, status=TStatus.WAITING).update(
                status=TStatus.CALLED,
                window=window,
                called_by=actor,
                called_at=now,
                last_called_at=now,
                call_count=1,
            )
            if claimed != 1:
                continue  # another window called it first
            ticket.refresh_from_db()
            _record("ticket_called", ticket, window, actor, booking=ticket.is_booking)
        return ticket
    raise error(HallError.NO_WAITING_TICKET)


def _ticket_at_window(window: Window, ticket_id) -> Ticket:
    ticket = (
        Ticket.objects.filter(pk=ticket_id).select_related("appointment", "hall").first()
        if str(ticket_id).isdigit()
        else None
    )
    if ticket is None:
        raise error(HallError.TICKET_NOT_FOUND, field="ticket")
    if ticket.hall_id != window.hall_id:
        raise error(HallError.TICKET_OTHER_HALL, field="ticket")
    return ticket


def call_ticket(window: Window, ticket_id, *, actor, now: datetime | None = None) -> Ticket:
    """Call one chosen waiting ticket of this hall (e.g. someone who stepped out)."""
    _check_clerk(actor, window)
    now = now or timezone.now()
    ticket = _ticket_at_window(window, ticket_id)
    if not ticket.can_become(TStatus.CALLED):
        raise error(HallError.TICKET_NOT_WAITING, field="ticket")
    if not waiting_for_window(window, ticket.date).filter(pk=ticket.pk).exists():
        raise error(HallError.TICKET_NOT_FOR_WINDOW, field="ticket")
    if Ticket.objects.filter(window=window, status=TStatus.CALLED).exists():
        raise error(HallError.WINDOW_BUSY)
    with transaction.atomic():
        claimed = Ticket.objects.filter(pk=ticket.pk, status=TStatus.WAITING).update(
            status=TStatus.CALLED,
            window=window,
            called_by=actor,
            called_at=now,
            last_called_at=now,
            call_count=1,
        )
        if claimed != 1:
            raise error(HallError.TICKET_NOT_WAITING, field="ticket")
        ticket.refresh_from_db()
        _record("ticket_called", ticket, window, actor, booking=ticket.is_booking, chosen=True)
    return ticket


def _called_here(window: Window, ticket_id) -> Ticket:
    ticket = _ticket_at_window(window, ticket_id)
    if not ticket.can_become(TStatus.SERVED) or ticket.window_id != window.pk:
        raise error(HallError.TICKET_NOT_CALLED, field="ticket")
    return ticket


def recall(window: Window, ticket_id, *, actor, now: datetime | None = None) -> Ticket:
    """Call the current ticket again (it shows on top of the display again)."""
    _check_clerk(actor, window)
    now = now or timezone.now()
    ticket = _called_here(window, ticket_id)
    with transaction.atomic():
        claimed = Ticket.objects.filter(pk=ticket.pk, status=TStatus.CALLED, window=window).update(
            last_called_at=now, call_count=F("call_count") + 1
        )
        if claimed != 1:
            raise error(HallError.TICKET_NOT_CALLED, field="ticket")
        ticket.refresh_from_db()
        _record("ticket_recalled", ticket, window, actor, calls=ticket.call_count)
    return ticket


def finish(
    window: Window, ticket_id, *, actor, served: bool, now: datetime | None = None
) -> Ticket:
    """Mark the current ticket served, or 过号 (no-show). A booking's ticket settles the
    booking too; a missed booking counts towards the booking block."""
    _check_clerk(actor, window)
    now = now or timezone.now()
    ticket = _called_here(window, ticket_id)
    new = TStatus.SERVED if served else TStatus.NO_SHOW
    with transaction.atomic():
        claimed = Ticket.objects.filter(pk=ticket.pk, status=TStatus.CALLED, window=window).update(
            status=new, finished_at=now
        )
        if claimed != 1:
            raise error(HallError.TICKET_NOT_CALLED, field="ticket")
        if ticket.appointment_id:
            appointment_status = AStatus.SERVED if served else AStatus.NO_SHOW
            Appointment.objects.filter(pk=ticket.appointment_id, status=AStatus.CHECKED_IN).update(
                status=appointment_status, finished_at=now
            )
            if not served:
                block_if_too_many_missed(ticket.appointment.user, now=now)
        ticket.refresh_from_db()
        _record(
            "ticket_served" if served else "ticket_no_show",
            ticket,
            window,
            actor,
            old=TStatus.CALLED,
            new=new,
        )
    return ticket
