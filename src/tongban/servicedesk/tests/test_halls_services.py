"""Hall configuration services: halls, windows, slot templates and generated slots."""
# ruff: noqa: F811  (fixtures imported from halls_support are used as arguments)

from datetime import date, time, timedelta

import pytest
from django.utils import timezone

from tongban.core.exceptions import DomainError
from tongban.servicedesk.models import Hall, Slot, SlotTemplate
from tongban.servicedesk.services import booking
from tongban.servicedesk.services import halls as services
from tongban.servicedesk.tests.halls_support import (  # noqa: F401  (fixtures)
    events,
    hall,
    market_item,
    market_window,
    snapshot,
)

pytestmark = pytest.mark.django_db


def refused(expected, call, /, *args, **kwargs):
    before = (snapshot(), Hall.objects.count(), SlotTemplate.objects.count())
    with pytest.raises(DomainError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == expected, caught.value.message
    assert (snapshot(), Hall.objects.count(), SlotTemplate.objects.count()) == before
    return caught.value


def test_slots_follow_the_calendar_around_national_day(dept_admin, hall):
    services.add_slot_templates(
        hall,
        actor=dept_admin,
        weekdays=range(5),
        start_time=time(9),
        end_time=time(10),
        capacity=3,
    )
    Slot.objects.all().delete()  # keep only the ones generated below

    created = services.ensure_slots(hall, start=date(2026, 9, 28), days=14)

    days = sorted(set(Slot.objects.values_list("date", flat=True)))
    assert days == [
        date(2026, 9, 28),
        date(2026, 9, 29),
        date(2026, 9, 30),  # 10-01…10-07 国庆节: closed
        date(2026, 10, 8),
        date(2026, 10, 9),
        date(2026, 10, 10),  # Saturday 调休上班: Monday's slots
    ]
    assert created == 6
    assert services.ensure_slots(hall, start=date(2026, 9, 28), days=14) == 0  # idempotent


def test_weekend_service_opens_ordinary_saturdays_only(dept_admin, hall):
    services.add_slot_templates(
        hall, actor=dept_admin, weekdays=[5], start_time=time(9), end_time=time(12), capacity=2
    )
    Slot.objects.all().delete()
    services.ensure_slots(hall, start=date(2026, 9, 26), days=15)
    saturdays = sorted(set(Slot.objects.values_list("date", flat=True)))
    # 09-26 is 中秋节 and 10-03 国庆节 (holidays); 10-10 is an adjusted working Saturday
    assert saturdays == [date(2026, 10, 10)]


def test_template_and_hall_errors_change_nothing(dept_admin, hall, market_window, guangzhou):
    refused(
        "slot_template_invalid",
        services.add_slot_templates,
        hall,
        actor=dept_admin,
        weekdays=[0],
        start_time=time(10),
        end_time=time(9),
        capacity=3,
    )
    refused(
        "slot_template_invalid",
        services.add_slot_templates,
        hall,
        actor=dept_admin,
        weekdays=[7],
        start_time=time(9),
        end_time=time(10),
        capacity=3,
    )
    refused(
        "slot_template_invalid",
        services.add_slot_templates,
        hall,
        actor=dept_admin,
        weekdays=[0],
        start_time=time(9),
        end_time=time(10),
        capacity=0,
    )
    refused(
        "window_number_taken",
        services.add_window,
        hall,
        actor=dept_admin,
        number="01",
        name="重复",
    )
    refused(
        "hall_code_taken",
        services.create_hall,
        actor=dept_admin,
        org_unit=guangzhou,
        code=hall.code,
        name="x",
        address="y",
    )
    refused(
        "field_required",
        services.create_hall,
        actor=dept_admin,
        org_unit=guangzhou,
        code="new-hall",
        name=" ",
        address="y",
    )


def test_others_cannot_configure_the_hall(clerk, other_city_clerk, operator, hall, shenzhen):
    refused(
        "hall_not_found",
        services.update_hall,
        hall,
        actor=clerk,
        name="改名",
        address="x",
        opening_hours="",
        is_active=True,
    )
    refused(
        "hall_unit_invalid",
        services.create_hall,
        actor=clerk,
        org_unit=hall.org_unit,
        code="clerk-hall",
        name="x",
        address="y",
    )
    # an operator covers the whole province, so may create a hall in 深圳
    created = services.create_hall(
        actor=operator, org_unit=shenzhen, code="sz-hall", name="深圳大厅", address="深南大道"
    )
    assert created.kiosk_key and len(created.kiosk_key) >= 24


def test_update_hall_records_old_and_new(dept_admin, hall):
    services.update_hall(
        hall,
        actor=dept_admin,
        name="广州市政务服务中心（新馆）",
        address=hall.address,
        opening_hours="周一至周六",
        is_active=True,
    )
    [event] = events("servicedesk.hall_updated")
    assert event.data["old"]["name"] == "广州市政务服务中心"
    assert event.data["new"]["name"] == "广州市政务服务中心（新馆）"


def test_removing_a_template_keeps_booked_slots(
    dept_admin, citizen, hall, market_window, market_item
):
    [template] = services.add_slot_templates(
        hall,
        actor=dept_admin,
        weekdays=[(timezone.localdate() + timedelta(days=3)).weekday()],
        start_time=time(9),
        end_time=time(10),
        capacity=3,
    )
    slots = list(Slot.objects.filter(template=template).order_by("date"))
    assert slots
    booking.book_appointment(actor=citizen, slot_id=slots[0].pk, item=market_item)

    services.remove_slot_template(template, actor=dept_admin)

    assert list(Slot.objects.filter(template=template)) == [slots[0]]
    template.refresh_from_db()
    assert not template.is_active
    assert events("servicedesk.slot_template_removed")[0].data["slots_removed"] == len(slots) - 1
