"""Booking, cancelling, reminders, missed bookings and the booking block (services)."""
# ruff: noqa: F811  (fixtures imported from halls_support are used as arguments)

from datetime import timedelta

import pytest
from django.utils import timezone

from tongban.core.exceptions import DomainError
from tongban.identity.models import SmsMessage
from tongban.servicedesk.models import Appointment, BookingBlock, Slot
from tongban.servicedesk.services import booking
from tongban.servicedesk.tests.halls_support import (  # noqa: F401  (fixtures)
    at,
    events,
    hall,
    make_slot,
    market_item,
    market_window,
    police_item,
    police_window,
    slot,
    snapshot,
)
from tongban.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


def refused(code, call, *args, **kwargs):
    before = snapshot()
    with pytest.raises(DomainError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code, caught.value.message
    assert snapshot() == before
    return caught.value


def test_booking_takes_a_place_records_audit_and_sends_sms(citizen, slot, market_item):
    appointment = booking.book_appointment(actor=citizen, slot_id=slot.pk, item=market_item)

    slot.refresh_from_db()
    assert slot.booked_count == 1
    assert appointment.status == Appointment.Status.BOOKED
    assert booking.looks_like_code(appointment.code)
    [event] = events("servicedesk.appointment_booked")
    assert event.target_id == str(appointment.pk)
    assert event.data["item"] == market_item.key
    assert event.org_unit_id == slot.hall.org_unit_id
    sms = SmsMessage.objects.get(mobile=citizen.mobile)
    assert appointment.code in sms.text and "张*" in sms.text and "张三" not in sms.text


def test_full_slot_is_refused_and_nothing_changes(citizen, outsider, slot, market_item):
    Slot.objects.filter(pk=slot.pk).update(capacity=1)
    booking.book_appointment(actor=outsider, slot_id=slot.pk, item=market_item)

    error = refused(
        "slot_full", booking.book_appointment, actor=citizen, slot_id=slot.pk, item=market_item
    )
    assert "约满" in error.message
    assert error.status == 409


def test_past_slot_is_refused(citizen, hall, market_window, market_item):
    past = make_slot(hall, day=timezone.localdate() - timedelta(days=1))
    refused("slot_past", booking.book_appointment, actor=citizen, slot_id=past.pk, item=market_item)


def test_slot_beyond_the_horizon_is_refused(citizen, hall, market_window, market_item, settings):
    settings.SERVICEDESK_BOOKING_DAYS_AHEAD = 1
    far = make_slot(hall, day=timezone.localdate() + timedelta(days=3))
    refused(
        "slot_too_far", booking.book_appointment, actor=citizen, slot_id=far.pk, item=market_item
    )


def test_double_booking_of_the_same_item_is_refused(citizen, hall, slot, market_item):
    other = make_slot(hall, day=slot.date + timedelta(days=1))
    booking.book_appointment(actor=citizen, slot_id=slot.pk, item=market_item)
    error = refused(
        "double_booking",
        booking.book_appointment,
        actor=citizen,
        slot_id=other.pk,
        item=market_item,
    )
    assert "重复" in error.message


def test_double_booking_of_the_same_slot_for_another_item_is_refused(
    citizen, slot, market_item, police_item
):
    booking.book_appointment(actor=citizen, slot_id=slot.pk, item=market_item)
    refused(
        "double_booking", booking.book_appointment, actor=citizen, slot_id=slot.pk, item=police_item
    )


def test_slot_of_a_window_not_serving_the_item_is_refused(
    citizen, hall, police_window, market_window, market_item
):
    police_slot = make_slot(hall, window=police_window)
    refused(
        "slot_not_for_item",
        booking.book_appointment,
        actor=citizen,
        slot_id=police_slot.pk,
        item=market_item,
    )


def test_unknown_slot_is_not_found(citizen, slot, market_item):
    error = refused(
        "slot_not_found", booking.book_appointment, actor=citizen, slot_id=999999, item=market_item
    )
    assert error.status == 404


def test_staff_and_unverified_people_cannot_book(clerk, slot, market_item):
    refused(
        "natural_person_required",
        booking.book_appointment,
        actor=clerk,
        slot_id=slot.pk,
        item=market_item,
    )
    newcomer = UserFactory(realname_level=1)
    refused(
        "realname_required",
        booking.book_appointment,
        actor=newcomer,
        slot_id=slot.pk,
        item=market_item,
    )


def test_open_booking_limit(citizen, hall, market_window, police_window, settings):
    settings.SERVICEDESK_MAX_ACTIVE_BOOKINGS = 1
    from tongban.testing.factories_catalog import make_published_item

    first = make_published_item(department_name="市场监督管理局")
    second = make_published_item(department_name="市场监督管理局")
    slot_a, slot_b = make_slot(hall), make_slot(hall, day=timezone.localdate() + timedelta(days=3))
    booking.book_appointment(actor=citizen, slot_id=slot_a.pk, item=first)
    refused(
        "active_booking_limit",
        booking.book_appointment,
        actor=citizen,
        slot_id=slot_b.pk,
        item=second,
    )


def test_daily_limit_counts_cancelled_bookings_too(
    citizen, hall, market_window, market_item, settings
):
    settings.SERVICEDESK_MAX_BOOKINGS_PER_DAY = 1
    first_slot, second_slot = (
        make_slot(hall),
        make_slot(hall, day=timezone.localdate() + timedelta(days=3)),
    )
    appointment = booking.book_appointment(actor=citizen, slot_id=first_slot.pk, item=market_item)
    booking.cancel_appointment(appointment, actor=citizen)
    refused(
        "daily_booking_limit",
        booking.book_appointment,
        actor=citizen,
        slot_id=second_slot.pk,
        item=market_item,
    )


def test_cancel_frees_the_place_until_the_cut_off(citizen, slot, market_item, settings):
    settings.SERVICEDESK_CANCEL_CUTOFF_HOURS = 2
    appointment = booking.book_appointment(actor=citizen, slot_id=slot.pk, item=market_item)

    error = refused(
        "cancel_too_late",
        booking.cancel_appointment,
        appointment,
        actor=citizen,
        now=at(slot, -119),
    )
    assert "2 小时" in error.message

    booking.cancel_appointment(appointment, actor=citizen, now=at(slot, -121))
    slot.refresh_from_db()
    appointment.refresh_from_db()
    assert slot.booked_count == 0
    assert appointment.status == Appointment.Status.CANCELLED
    assert len(events("servicedesk.appointment_cancelled")) == 1
    refused("illegal_transition", booking.cancel_appointment, appointment, actor=citizen)


def test_someone_else_cannot_cancel(citizen, outsider, slot, market_item):
    appointment = booking.book_appointment(actor=citizen, slot_id=slot.pk, item=market_item)
    refused("appointment_not_found", booking.cancel_appointment, appointment, actor=outsider)


def test_reminder_is_sent_once_the_day_before(citizen, hall, market_window, market_item):
    tomorrow = make_slot(hall, day=timezone.localdate() + timedelta(days=1))
    later = make_slot(hall, day=timezone.localdate() + timedelta(days=2))
    reminded = booking.book_appointment(actor=citizen, slot_id=tomorrow.pk, item=market_item)
    other_item_person = UserFactory(realname_level=2, mobile="13600136000", name="赵六")
    booking.book_appointment(actor=other_item_person, slot_id=later.pk, item=market_item)
    SmsMessage.objects.all().delete()

    assert booking.send_reminders() == 1
    assert booking.send_reminders() == 0  # claimed once

    [sms] = SmsMessage.objects.all()
    assert sms.mobile == citizen.mobile and "明天" in sms.text and reminded.code in sms.text
    reminded.refresh_from_db()
    assert reminded.reminded_at is not None
    assert len(events("servicedesk.appointment_reminded")) == 1


def test_three_missed_bookings_in_30_days_block_booking(citizen, hall, market_window, settings):
    settings.SERVICEDESK_NO_SHOW_LIMIT = 3
    settings.SERVICEDESK_NO_SHOW_BLOCK_DAYS = 30
    settings.SERVICEDESK_MAX_ACTIVE_BOOKINGS = 10
    from tongban.testing.factories_catalog import make_published_item

    slots = [make_slot(hall, day=timezone.localdate() + timedelta(days=2 + n)) for n in range(4)]
    for slot_ in slots[:3]:
        item = make_published_item(department_name="市场监督管理局")
        booking.book_appointment(actor=citizen, slot_id=slot_.pk, item=item)
    # each slot is over (plus grace) when the task runs after the last of them
    after_last = slots[2].ends_at + timedelta(minutes=31)
    assert booking.mark_missed(now=after_last) == 3

    assert Appointment.objects.filter(status=Appointment.Status.NO_SHOW).count() == 3
    block = BookingBlock.objects.get(user=citizen)
    assert block.ends_at == after_last + timedelta(days=30)
    assert len(events("servicedesk.booking_blocked")) == 1
    assert len(events("servicedesk.appointment_missed")) == 3

    fresh_item = make_published_item(department_name="市场监督管理局")
    error = refused(
        "booking_blocked",
        booking.book_appointment,
        actor=citizen,
        slot_id=slots[3].pk,
        item=fresh_item,
        now=after_last + timedelta(hours=1),
    )
    assert (
        block.ends_at.astimezone(timezone.get_current_timezone()).strftime("%Y-%m-%d")
        in error.message
    )


def test_two_missed_bookings_do_not_block(citizen, hall, market_window, settings):
    settings.SERVICEDESK_NO_SHOW_LIMIT = 3
    from tongban.testing.factories_catalog import make_published_item

    slots = [make_slot(hall, day=timezone.localdate() + timedelta(days=2 + n)) for n in range(2)]
    for slot_ in slots:
        booking.book_appointment(
            actor=citizen,
            slot_id=slot_.pk,
            item=make_published_item(department_name="市场监督管理局"),
        )
    assert booking.mark_missed(now=slots[1].ends_at + timedelta(minutes=31)) == 2
    assert not BookingBlock.objects.exists()


def test_a_booking_within_its_grace_period_is_not_missed(citizen, slot, market_item):
    booking.book_appointment(actor=citizen, slot_id=slot.pk, item=market_item)
    assert booking.mark_missed(now=slot.ends_at + timedelta(minutes=29)) == 0
    assert Appointment.objects.get().status == Appointment.Status.BOOKED


def test_qr_payload_round_trip_and_forgery():
    appointment = Appointment(code="ABCDEFGH")
    payload = booking.qr_payload(appointment)
    assert booking.code_from_qr(payload) == "ABCDEFGH"
    forged = payload.replace("ABCDEFGH", "ABCDEFGJ")
    assert booking.code_from_qr(forged) is None
    assert booking.code_from_qr("TBAPPT1.ABCDEFGH") is None
    assert booking.code_from_qr("") is None


def test_periodic_tasks_are_registered_and_run(settings, citizen, slot, market_item):
    from django.utils.module_loading import import_string

    names = [
        name for name in settings.PERIODIC_TASKS if name.startswith("tongban.servicedesk.tasks.")
    ]
    assert {name.rsplit(".", 1)[1] for name in names} >= {
        "send_appointment_reminders",
        "mark_missed_appointments",
        "generate_hall_slots",
    }
    for name in names:
        if name.rsplit(".", 1)[1] in {
            "send_appointment_reminders",
            "mark_missed_appointments",
            "generate_hall_slots",
        }:
            result = import_string(name).enqueue().return_value
            assert isinstance(result, dict) and all(isinstance(v, int) for v in result.values())
