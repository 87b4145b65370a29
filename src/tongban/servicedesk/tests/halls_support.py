"""Set-up shared by the halls, booking and queue tests: a Guangzhou hall with a market window
and a public-security window, items needing a visit, slots two days ahead."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from tongban.core.models import AuditEvent
from tongban.servicedesk.models import Appointment, Hall, Slot, Ticket, Window
from tongban.testing.factories_catalog import make_published_item

VISIT = {"max_visits": 1}


def make_hall(org_unit, code="gz-hall", **kwargs) -> Hall:
    defaults = {
        "name": "广州市政务服务中心",
        "address": "广州市天河区天府路1号",
        "opening_hours": "周一至周五 9:00-17:00",
        "kiosk_key": f"kiosk-{code}",
    }
    return Hall.objects.create(org_unit=org_unit, code=code, **{**defaults, **kwargs})


def make_slot(hall, *, window=None, day=None, start=time(9, 0), minutes=60, capacity=2) -> Slot:
    day = day or timezone.localdate() + timedelta(days=2)
    end = (datetime.combine(day, start) + timedelta(minutes=minutes)).time()
    return Slot.objects.create(
        hall=hall, window=window, date=day, start_time=start, end_time=end, capacity=capacity
    )


def at(slot, minutes: int = 0) -> datetime:
    """An aware moment ``minutes`` after the slot starts (negative: before)."""
    return slot.starts_at + timedelta(minutes=minutes)


def snapshot() -> dict:
    """Counts that must not change when a request is refused."""
    return {
        "appointments": list(Appointment.objects.values_list("pk", "status").order_by("pk")),
        "slots": list(Slot.objects.values_list("pk", "booked_count").order_by("pk")),
        "tickets": list(Ticket.objects.values_list("pk", "status", "window_id").order_by("pk")),
        "audit": AuditEvent.objects.count(),
    }


def events(event_type: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=event_type).order_by("seq"))


@pytest.fixture
def hall(guangzhou, gz_market_dept):
    return make_hall(guangzhou)


@pytest.fixture
def market_window(hall):
    return Window.objects.create(
        hall=hall, number="01", name="市场监管窗口", departments=["市场监督管理局"]
    )


@pytest.fixture
def police_window(hall):
    return Window.objects.create(hall=hall, number="02", name="公安窗口", departments=["公安局"])


@pytest.fixture
def market_item(db):
    return make_published_item(
        name="个体工商户设立登记", department_name="市场监督管理局", version_kwargs=VISIT
    )


@pytest.fixture
def police_item(db):
    return make_published_item(
        name="居民身份证换领", department_name="公安局", version_kwargs=VISIT
    )


@pytest.fixture
def slot(hall, market_window, police_window):
    """A hall-wide slot two days ahead, two places."""
    return make_slot(hall, capacity=2)
