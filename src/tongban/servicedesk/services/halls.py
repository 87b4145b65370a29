"""Hall configuration: halls, windows (and what they serve), slot templates, and the dated
slots generated from the templates on the days the hall opens.

Slots are generated for working days (``tongban.core.calendar``): statutory holidays have
none; an ordinary weekend day has slots only when the hall has templates for that weekday
(weekend service); an adjusted working weekend (调休上班) uses its own weekday's templates,
else Monday's. Generation is idempotent (unique per hall/window/date/start).
"""

from __future__ import annotations

import secrets
from datetime import date, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from tongban.catalog.models import ServiceItem
from tongban.core import audit
from tongban.core.calendar import entries_for_year, is_working_day
from tongban.core.models import CalendarDay, OrgUnit
from tongban.core.permissions import has_perm_in
from tongban.servicedesk.errors import HallError, error
from tongban.servicedesk.models import Hall, Slot, SlotTemplate, Window
from tongban.servicedesk.permissions import SERVICEDESK_MANAGE_HALL
from tongban.servicedesk.selectors_halls import may_reach_hall

MAX_TEMPLATE_CAPACITY = 200
REGION_KINDS = (OrgUnit.Kind.PROVINCE, OrgUnit.Kind.CITY, OrgUnit.Kind.COUNTY)


def _text(value, field: str, max_length: int, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise error(HallError.FIELD_REQUIRED, field=field)
    if len(value) > max_length:
        raise error(HallError.FIELD_TOO_LONG, field=field)
    return value


def _check_hall_admin(actor, hall: Hall) -> None:
    if not may_reach_hall(actor, hall, SERVICEDESK_MANAGE_HALL):
        raise error(HallError.HALL_NOT_FOUND)


def _may_manage_unit(actor, unit: OrgUnit) -> bool:
    if has_perm_in(actor, SERVICEDESK_MANAGE_HALL, unit):
        return True
    return any(
        has_perm_in(actor, SERVICEDESK_MANAGE_HALL, department)
        for department in unit.children.filter(kind=OrgUnit.Kind.DEPARTMENT)
    )


# --- halls ----------------------------------------------------------------------------------
def create_hall(
    *,
    actor,
    org_unit: OrgUnit,
    code: str,
    name: str,
    address: str,
    opening_hours: str = "",
) -> Hall:
    if org_unit.kind not in REGION_KINDS or not _may_manage_unit(actor, org_unit):
        raise error(HallError.HALL_UNIT_INVALID, field="org_unit")
    code = _text(code, "code", 40).lower()
    hall = Hall(
        org_unit=org_unit,
        code=code,
        name=_text(name, "name", 100),
        address=_text(address, "address", 200),
        opening_hours=_text(opening_hours, "opening_hours", 200, required=False),
        kiosk_key=secrets.token_urlsafe(24),
    )
    try:
        with transaction.atomic():
            hall.save()
            audit.record(
                "servicedesk.hall_created",
                actor=actor,
                target=hall,
                org_unit=org_unit,
                data={"code": hall.code, "name": hall.name},
            )
    except IntegrityError:
        raise error(HallError.HALL_CODE_TAKEN, field="code") from None
    return hall


def update_hall(
    hall: Hall, *, actor, name: str, address: str, opening_hours: str, is_active: bool
) -> Hall:
    _check_hall_admin(actor, hall)
    new = {
        "name": _text(name, "name", 100),
        "address": _text(address, "address", 200),
        "opening_hours": _text(opening_hours, "opening_hours", 200, required=False),
        "is_active": bool(is_active),
    }
    with transaction.atomic():
        hall = Hall.objects.select_for_update().get(pk=hall.pk)
        old = {field: getattr(hall, field) for field in new}
        for field, value in new.items():
            setattr(hall, field, value)
        hall.save(update_fields=list(new))
        audit.record(
            "servicedesk.hall_updated",
            actor=actor,
            target=hall,
            org_unit=hall.org_unit,
            data={"old": old, "new": new},
        )
    return hall


# --- windows --------------------------------------------------------------------------------
def _clean_departments(departments) -> list[str]:
    names: list[str] = []
    for name in departments or []:
        name = _text(name, "departments", 64, required=False)
        if name and name not in names:
            names.append(name)
    return names


def add_window(
    hall: Hall,
    *,
    actor,
    number: str,
    name: str,
    departments=(),
    items: list[ServiceItem] | None = None,
) -> Window:
    _check_hall_admin(actor, hall)
    window = Window(
        hall=hall,
        number=_text(number, "number", 8),
        name=_text(name, "name", 60),
        departments=_clean_departments(departments),
    )
    try:
        with transaction.atomic():
            window.save()
            if items:
                window.items.set(items)
            audit.record(
                "servicedesk.window_added",
                actor=actor,
                target=window,
                org_unit=hall.org_unit,
                data={
                    "hall": hall.code,
                    "number": window.number,
                    "departments": window.departments,
                    "items": [item.key for item in items or []],
                },
            )
    except IntegrityError:
        raise error(HallError.WINDOW_NUMBER_TAKEN, field="number") from None
    return window


def update_window(
    window: Window,
    *,
    actor,
    name: str,
    departments=(),
    items: list[ServiceItem] | None = None,
    is_active: bool = True,
) -> Window:
    _check_hall_admin(actor, window.hall)
    new = {
        "name": _text(name, "name", 60),
        "departments": _clean_departments(departments),
        "is_active": bool(is_active),
    }
    with transaction.atomic():
        window = Window.objects.select_for_update().select_related("hall").get(pk=window.pk)
        old = {field: getattr(window, field) for field in new}
        for field, value in new.items():
            setattr(window, field, value)
        window.save(update_fields=list(new))
        if items is not None:
            window.items.set(items)
        audit.record(
            "servicedesk.window_updated",
            actor=actor,
            target=window,
            org_unit=window.hall.org_unit,
            data={"old": old, "new": {**new, "items": [i.key for i in items or []]}},
        )
    return window


# --- slot templates and slots ------------------------------------------------------------------
def add_slot_templates(
    hall: Hall,
    *,
    actor,
    weekdays,
    start_time: time,
    end_time: time,
    capacity: int,
    window: Window | None = None,
) -> list[SlotTemplate]:
    """One template per weekday in ``weekdays`` (0 = Monday); then slots are generated."""
    _check_hall_admin(actor, hall)
    weekdays = sorted({int(day) for day in weekdays or []})
    if (
        not weekdays
        or any(day < 0 or day > 6 for day in weekdays)
        or start_time is None
        or end_time is None
        or end_time <= start_time
        or not 1 <= int(capacity or 0) <= MAX_TEMPLATE_CAPACITY
        or (window is not None and window.hall_id != hall.pk)
    ):
        raise error(HallError.TEMPLATE_INVALID)
    with transaction.atomic():
        templates = [
            SlotTemplate.objects.create(
                hall=hall,
                window=window,
                weekday=day,
                start_time=start_time,
                end_time=end_time,
                capacity=int(capacity),
            )
            for day in weekdays
        ]
        audit.record(
            "servicedesk.slot_templates_added",
            actor=actor,
            target=hall,
            org_unit=hall.org_unit,
            data={
                "window": window.number if window else None,
                "weekdays": weekdays,
                "start": start_time.strftime("%H:%M"),
                "end": end_time.strftime("%H:%M"),
                "capacity": int(capacity),
            },
        )
        ensure_slots(hall)
    return templates


def remove_slot_template(template: SlotTemplate, *, actor) -> None:
    """Stop generating slots from ``template``; future slots without bookings go too (booked
    ones stay: their bookings are kept)."""
    hall = template.hall
    _check_hall_admin(actor, hall)
    with transaction.atomic():
        updated = SlotTemplate.objects.filter(pk=template.pk, is_active=True).update(
            is_active=False
        )
        if not updated:
            return
        removed, _detail = Slot.objects.filter(
            template=template, date__gte=timezone.localdate(), booked_count=0
        ).delete()
        audit.record(
            "servicedesk.slot_template_removed",
            actor=actor,
            target=hall,
            org_unit=hall.org_unit,
            data={"template": template.pk, "slots_removed": removed},
        )


def _holidays(years) -> set[date]:
    days: set[date] = set()
    for year in years:
        days.update(
            entry.date for entry in entries_for_year(year) if entry.kind == CalendarDay.Kind.HOLIDAY
        )
    return days


def _templates_for(day: date, by_weekday: dict[int, list], holidays: set[date]) -> list:
    if day in holidays:
        return []
    weekday = day.weekday()
    if weekday < 5:
        return by_weekday.get(weekday, []) if is_working_day(day) else []
    if is_working_day(day):  # 调休上班
        return by_weekday.get(weekday) or by_weekday.get(0, [])
    return by_weekday.get(weekday, [])  # weekend service, if the hall has it


def ensure_slots(hall: Hall, *, start: date | None = None, days: int | None = None) -> int:
    """Create the missing slots of ``hall`` from ``start`` (today) for ``days`` days (the
    booking horizon); returns how many were new. Idempotent."""
    start = start or timezone.localdate()
    days = days if days is not None else settings.SERVICEDESK_BOOKING_DAYS_AHEAD + 1
    templates = list(hall.slot_templates.filter(is_active=True).exclude(window__is_active=False))
    if not templates or not hall.is_active:
        return 0
    by_weekday: dict[int, list] = {}
    for template in templates:
        by_weekday.setdefault(template.weekday, []).append(template)
    dates = [start + timedelta(days=offset) for offset in range(days)]
    holidays = _holidays({day.year for day in dates})
    rows = [
        Slot(
            hall=hall,
            window=template.window,
            template=template,
            date=day,
            start_time=template.start_time,
            end_time=template.end_time,
            capacity=template.capacity,
        )
        for day in dates
        for template in _templates_for(day, by_weekday, holidays)
    ]
    before = Slot.objects.filter(hall=hall, date__gte=start).count()
    Slot.objects.bulk_create(rows, ignore_conflicts=True)
    return Slot.objects.filter(hall=hall, date__gte=start).count() - before


def ensure_all_slots() -> int:
    return sum(ensure_slots(hall) for hall in Hall.objects.filter(is_active=True))
