"""Reads of halls, appointments and the queue.

Reach rule: a hall belongs to a region unit (city or county) and the region's departments
work in it, so a permission held in the hall's unit (or above it, covering children) *or in
one of the unit's departments* reaches the hall. Rows out of reach are "not found".
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from tongban.catalog.models import ServiceItem
from tongban.core.permissions import units_for
from tongban.servicedesk.errors import HallError, error
from tongban.servicedesk.models import Appointment, Hall, Slot, Ticket, Window


# --- staff reach ----------------------------------------------------------------------------
def halls_for(user, permission: str) -> QuerySet[Hall]:
    units = units_for(user, permission)
    return Hall.objects.filter(Q(org_unit__in=units) | Q(org_unit__children__in=units)).distinct()


def access_hall(user, code: str, permission: str) -> Hall:
    hall = halls_for(user, permission).select_related("org_unit").filter(code=code).first()
    if hall is None:
        raise error(HallError.HALL_NOT_FOUND)
    return hall


def access_window(user, window_id, permission: str) -> Window:
    window = (
        Window.objects.filter(pk=window_id, hall__in=halls_for(user, permission))
        .select_related("hall", "hall__org_unit")
        .first()
    )
    if window is None:
        raise error(HallError.WINDOW_NOT_FOUND)
    return window


def may_reach_hall(user, hall: Hall, permission: str) -> bool:
    return halls_for(user, permission).filter(pk=hall.pk).exists()


# --- public reads -----------------------------------------------------------------------------
def active_hall_by_code(code: str) -> Hall:
    hall = Hall.objects.filter(code=code, is_active=True).select_related("org_unit").first()
    if hall is None:
        raise error(HallError.HALL_NOT_FOUND)
    return hall


def hall_by_kiosk_key(key: str) -> Hall:
    hall = Hall.objects.filter(kiosk_key=key, is_active=True).first() if key else None
    if hall is None:
        raise error(HallError.HALL_NOT_FOUND)
    return hall


def bookable_item(key: str) -> ServiceItem:
    item = (
        ServiceItem.objects.filter(key=key, is_withdrawn=False, current_version__isnull=False)
        .select_related("current_version")
        .first()
    )
    if item is None:
        raise error(HallError.ITEM_NOT_FOUND)
    return item


def needs_visit(item: ServiceItem) -> bool:
    version = item.current_version
    return version is not None and (version.max_visits > 0 or not version.online)


def window_serves_q(window: Window) -> Q | None:
    """Tickets (or items) this window serves; None when it serves everything (综合窗口)."""
    departments = list(window.departments or [])
    item_ids = list(window.items.values_list("pk", flat=True))
    if not departments and not item_ids:
        return None
    return Q(department_name__in=departments) | Q(item_id__in=item_ids)


def windows_serving(hall: Hall, item: ServiceItem | None = None, department: str = ""):
    """Active windows of ``hall`` serving ``item`` (or the department category). Uses the
    hall's prefetched windows and items when there are (``with_windows``)."""
    department = item.department_name if item is not None else department
    serving = []
    for window in hall.windows.all():
        if not window.is_active:
            continue
        item_ids = {i.pk for i in window.items.all()}
        if not window.departments and not item_ids:
            serving.append(window)  # 综合窗口
        elif department in (window.departments or []) or (item is not None and item.pk in item_ids):
            serving.append(window)
    return serving


def with_windows(halls: QuerySet[Hall]) -> QuerySet[Hall]:
    return halls.prefetch_related("windows", "windows__items")


def halls_for_item(item: ServiceItem) -> list[Hall]:
    """Active halls with at least one window serving ``item`` (a fixed number of queries)."""
    halls = with_windows(Hall.objects.filter(is_active=True).select_related("org_unit"))
    return [hall for hall in halls if windows_serving(hall, item)]


def hall_categories(hall: Hall) -> list[str]:
    """Department names served by the hall's windows (walk-in categories)."""
    names: list[str] = []
    for window in hall.windows.filter(is_active=True):
        for name in window.departments or []:
            if name not in names:
                names.append(name)
    return names


def open_slots(hall: Hall, item: ServiceItem, *, now: datetime | None = None) -> list[Slot]:
    """Future slots of ``hall`` with places left for ``item`` (hall-wide slots and the
    slots of windows serving it), within the booking horizon."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    last = today + timedelta(days=settings.SERVICEDESK_BOOKING_DAYS_AHEAD)
    window_ids = [w.pk for w in windows_serving(hall, item)]
    if not window_ids:
        return []
    slots = (
        Slot.objects.filter(hall=hall, date__gte=today, date__lte=last)
        .filter(Q(window__isnull=True) | Q(window_id__in=window_ids))
        .select_related("window")
        .order_by("date", "start_time", "window__number")
    )
    return [s for s in slots if s.starts_at > now and s.booked_count < s.capacity]


def slot_serves_item(slot: Slot, item: ServiceItem) -> bool:
    serving = windows_serving(slot.hall, item)
    if slot.window_id is None:
        return bool(serving)
    return any(window.pk == slot.window_id for window in serving)


# --- citizens ---------------------------------------------------------------------------------
def appointments_of(user) -> QuerySet[Appointment]:
    return Appointment.objects.filter(user=user).select_related(
        "hall", "slot", "slot__window", "item"
    )


def own_case_for_item(user, number: str, item: ServiceItem):
    """The user's own numbered case of ``item`` (to link a booking to it), else None."""
    from tongban.cases.selectors import cases_of_applicant

    if not number:
        return None
    return (
        cases_of_applicant(user)
        .filter(number=number, item_version__item=item)
        .exclude(number="")
        .first()
    )


def access_own_appointment(user, code: str) -> Appointment:
    appointment = appointments_of(user).filter(code=code).first() if code else None
    if appointment is None:
        raise error(HallError.APPOINTMENT_NOT_FOUND)
    return appointment


def active_block(user, now: datetime | None = None):
    from tongban.servicedesk.models import BookingBlock

    now = now or timezone.now()
    return (
        BookingBlock.objects.filter(user=user, ends_at__gt=now, lifted_at__isnull=True)
        .order_by("-ends_at")
        .first()
    )


# --- the queue --------------------------------------------------------------------------------
def current_ticket(window: Window) -> Ticket | None:
    return (
        Ticket.objects.filter(window=window, status=Ticket.Status.CALLED)
        .select_related("appointment", "item")
        .order_by("-last_called_at")
        .first()
    )


def waiting_tickets(hall: Hall, day: date) -> QuerySet[Ticket]:
    return Ticket.objects.filter(hall=hall, date=day, status=Ticket.Status.WAITING).order_by(
        "created_at", "id"
    )


def waiting_for_window(window: Window, day: date) -> QuerySet[Ticket]:
    tickets = waiting_tickets(window.hall, day)
    condition = window_serves_q(window)
    return tickets if condition is None else tickets.filter(condition)


def display_board(hall: Hall, *, now: datetime | None = None, recent: int = 8) -> dict:
    """What the calling display shows: the latest calls (number, window, masked name) and
    how many are waiting. No other personal data."""
    from tongban.core.masking import mask_name

    day = timezone.localdate(now or timezone.now())
    called = (
        Ticket.objects.filter(hall=hall, date=day, last_called_at__isnull=False)
        .select_related("window")
        .order_by("-last_called_at", "-id")[:recent]
    )
    rows = [
        {
            "number": ticket.number,
            "window": ticket.window.label if ticket.window else "",
            "window_name": ticket.window.name if ticket.window else "",
            "name": mask_name(ticket.holder_name) if ticket.holder_name else "",
            "status": ticket.status,
            "recalled": ticket.call_count > 1,
        }
        for ticket in called
    ]
    return {
        "current": rows[0] if rows else None,
        "recent": rows[1:],
        "waiting": waiting_tickets(hall, day).count(),
    }


def slots_of_day(hall: Hall, day: date) -> QuerySet[Slot]:
    """The hall's slots of ``day`` with their bookings (no personal data)."""
    return Slot.objects.filter(hall=hall, date=day).select_related("window")


# --- statistics -------------------------------------------------------------------------------
@dataclass
class DayStats:
    day: date
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
    per_window: list[dict]


def hall_day_stats(hall: Hall, day: date) -> DayStats:
    tickets = list(
        Ticket.objects.filter(hall=hall, date=day).values(
            "status", "created_at", "called_at", "window__number", "window__name"
        )
    )
    waits = [
        (row["called_at"] - row["created_at"]).total_seconds() / 60
        for row in tickets
        if row["called_at"] is not None
    ]
    per_window: dict[str, dict] = {}
    for row in tickets:
        if row["window__number"] is None:
            continue
        entry = per_window.setdefault(
            row["window__number"],
            {
                "number": row["window__number"],
                "name": row["window__name"],
                "served": 0,
                "no_show": 0,
            },
        )
        if row["status"] == Ticket.Status.SERVED:
            entry["served"] += 1
        elif row["status"] == Ticket.Status.NO_SHOW:
            entry["no_show"] += 1
    by_status = {row["status"]: 0 for row in tickets}
    for row in tickets:
        by_status[row["status"]] += 1
    bookings = {
        row["status"]: row["n"]
        for row in Appointment.objects.filter(hall=hall, slot__date=day)
        .values("status")
        .annotate(n=Count("id"))
        .order_by()
    }
    Status = Appointment.Status
    return DayStats(
        day=day,
        tickets=len(tickets),
        called=len(waits),
        served=by_status.get(Ticket.Status.SERVED, 0),
        no_show=by_status.get(Ticket.Status.NO_SHOW, 0),
        waiting=by_status.get(Ticket.Status.WAITING, 0),
        average_wait_minutes=round(sum(waits) / len(waits), 1) if waits else None,
        median_wait_minutes=round(statistics.median(waits), 1) if waits else None,
        bookings=sum(n for status, n in bookings.items() if status != Status.CANCELLED),
        bookings_checked_in=sum(bookings.get(s, 0) for s in (Status.CHECKED_IN, Status.SERVED)),
        bookings_missed=bookings.get(Status.NO_SHOW, 0),
        per_window=[per_window[key] for key in sorted(per_window)],
    )


def hall_recent_stats(hall: Hall, *, last: date, days: int = 7) -> list[DayStats]:
    return [hall_day_stats(hall, last - timedelta(days=offset)) for offset in range(days)]
