"""Kiosk check-in, walk-in numbers and window calls (services)."""
# ruff: noqa: F811  (fixtures imported from halls_support are used as arguments)

from datetime import timedelta

import pytest

from tongban.core.exceptions import DomainError
from tongban.servicedesk.models import Appointment, BookingBlock, Ticket, Window
from tongban.servicedesk.selectors_halls import display_board, hall_day_stats
from tongban.servicedesk.services import booking, queue
from tongban.servicedesk.tests.halls_support import (  # noqa: F401  (fixtures)
    at,
    events,
    hall,
    make_hall,
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


@pytest.fixture
def booked(citizen, slot, market_item):
    return booking.book_appointment(actor=citizen, slot_id=slot.pk, item=market_item)


def test_check_in_by_qr_gives_a_booking_number(hall, booked, slot):
    ticket = queue.check_in(hall=hall, payload=booking.qr_payload(booked), now=at(slot, -10))

    assert ticket.number == "B001"
    assert ticket.holder_name == "张三"
    assert ticket.department_name == "市场监督管理局"
    booked.refresh_from_db()
    assert booked.status == Appointment.Status.CHECKED_IN
    [event] = events("servicedesk.appointment_checked_in")
    assert event.actor_name == "kiosk" and event.data["ticket"] == "B001"


def test_check_in_by_typed_code_accepts_lowercase_and_spaces(hall, booked, slot):
    typed = f" {booked.code[:4].lower()} {booked.code[4:]} "
    assert queue.check_in(hall=hall, payload=typed, now=at(slot)).number == "B001"


def test_kiosk_bad_input_is_refused_and_nothing_changes(hall, booked, slot, guangzhou):
    moment = at(slot, -10)
    refused(
        "booking_qr_invalid", queue.check_in, hall=hall, payload="TBAPPT1.XXXX.forged", now=moment
    )
    forged = booking.qr_payload(booked)[:-2] + "00"
    refused("booking_qr_invalid", queue.check_in, hall=hall, payload=forged, now=moment)
    refused("booking_code_invalid", queue.check_in, hall=hall, payload="not a code!", now=moment)
    refused("booking_code_invalid", queue.check_in, hall=hall, payload="ABCDEFGH", now=moment)
    other = make_hall(guangzhou, code="other-hall", kiosk_key="other")
    error = refused(
        "booking_other_hall", queue.check_in, hall=other, payload=booked.code, now=moment
    )
    assert "本大厅" in error.message
    refused(
        "booking_not_today",
        queue.check_in,
        hall=hall,
        payload=booked.code,
        now=moment - timedelta(days=1),
    )
    refused("checkin_too_early", queue.check_in, hall=hall, payload=booked.code, now=at(slot, -61))
    refused(
        "booking_expired",
        queue.check_in,
        hall=hall,
        payload=booked.code,
        now=slot.ends_at + timedelta(minutes=31),
    )


def test_a_second_check_in_names_the_number_already_given(hall, booked, slot):
    queue.check_in(hall=hall, payload=booked.code, now=at(slot))
    error = refused(
        "already_checked_in", queue.check_in, hall=hall, payload=booked.code, now=at(slot, 1)
    )
    assert "B001" in error.message


def test_walk_in_numbers_count_per_hall_and_day(hall, market_window, police_window, police_item):
    first = queue.take_walk_in_ticket(hall=hall, department_name="市场监督管理局")
    second = queue.take_walk_in_ticket(hall=hall, item=police_item)
    assert (first.number, second.number) == ("A001", "A002")
    assert second.department_name == "公安局"
    assert len(events("servicedesk.ticket_taken")) == 2
    refused("category_not_served", queue.take_walk_in_ticket, hall=hall, department_name="民政局")


def test_a_general_window_serves_every_category(hall):
    Window.objects.create(hall=hall, number="09", name="综合窗口")
    assert queue.take_walk_in_ticket(hall=hall, department_name="民政局").number == "A001"


def test_bookings_in_their_slot_are_called_before_earlier_walk_ins(
    hall, market_window, booked, slot, clerk
):
    walk_in = queue.take_walk_in_ticket(
        hall=hall, department_name="市场监督管理局", now=at(slot, -30)
    )
    booking_ticket = queue.check_in(hall=hall, payload=booked.code, now=at(slot, -5))

    first = queue.call_next(market_window, actor=clerk, now=at(slot, 1))
    assert first.pk == booking_ticket.pk and first.status == Ticket.Status.CALLED
    assert first.window_id == market_window.pk
    refused("window_busy", queue.call_next, market_window, actor=clerk, now=at(slot, 2))

    queue.finish(market_window, first.pk, actor=clerk, served=True, now=at(slot, 10))
    assert Appointment.objects.get(pk=booked.pk).status == Appointment.Status.SERVED
    second = queue.call_next(market_window, actor=clerk, now=at(slot, 11))
    assert second.pk == walk_in.pk
    assert [e.data["number"] for e in events("servicedesk.ticket_called")] == ["B001", "A001"]
    assert len(events("servicedesk.ticket_served")) == 1


def test_a_window_calls_only_the_categories_it_serves(hall, market_window, police_window, clerk):
    queue.take_walk_in_ticket(hall=hall, department_name="公安局")
    refused("no_waiting_ticket", queue.call_next, market_window, actor=clerk)


def test_recall_puts_the_number_on_top_of_the_display(hall, market_window, clerk, slot):
    a = queue.take_walk_in_ticket(hall=hall, department_name="市场监督管理局", now=at(slot))
    queue.call_next(market_window, actor=clerk, now=at(slot, 1))
    queue.recall(market_window, a.pk, actor=clerk, now=at(slot, 3))
    a.refresh_from_db()
    assert a.call_count == 2 and a.last_called_at == at(slot, 3)
    board = display_board(hall, now=at(slot, 3))
    assert board["current"]["number"] == "A001" and board["current"]["recalled"]


def test_another_halls_ticket_is_refused_at_a_window(hall, market_window, clerk, guangzhou):
    other = make_hall(guangzhou, code="other-hall", kiosk_key="other")
    Window.objects.create(
        hall=other, number="01", name="其他大厅窗口", departments=["市场监督管理局"]
    )
    foreign = queue.take_walk_in_ticket(hall=other, department_name="市场监督管理局")

    error = refused("ticket_other_hall", queue.call_ticket, market_window, foreign.pk, actor=clerk)
    assert "不是本大厅" in error.message
    refused("ticket_other_hall", queue.finish, market_window, foreign.pk, actor=clerk, served=True)
    refused("ticket_other_hall", queue.recall, market_window, foreign.pk, actor=clerk)
    refused("ticket_not_found", queue.finish, market_window, "abc", actor=clerk, served=True)


def test_finishing_a_ticket_not_called_here_is_refused(hall, market_window, police_window, clerk):
    waiting = queue.take_walk_in_ticket(hall=hall, department_name="市场监督管理局")
    refused("ticket_not_called", queue.finish, market_window, waiting.pk, actor=clerk, served=True)
    refused("ticket_not_for_window", queue.call_ticket, police_window, waiting.pk, actor=clerk)


def test_a_clerk_of_another_city_cannot_work_at_the_window(hall, market_window, other_city_clerk):
    queue.take_walk_in_ticket(hall=hall, department_name="市场监督管理局")
    error = refused("window_not_found", queue.call_next, market_window, actor=other_city_clerk)
    assert error.status == 404


def test_a_no_show_at_the_window_counts_towards_the_block(hall, market_window, clerk, settings):
    settings.SERVICEDESK_NO_SHOW_LIMIT = 1
    person = UserFactory(realname_level=2, name="钱七")
    item_slot = make_slot(hall)
    from tongban.testing.factories_catalog import make_published_item

    item = make_published_item(department_name="市场监督管理局")
    appointment = booking.book_appointment(actor=person, slot_id=item_slot.pk, item=item)
    queue.check_in(hall=hall, payload=appointment.code, now=at(item_slot))
    ticket = queue.call_next(market_window, actor=clerk, now=at(item_slot, 1))
    queue.finish(market_window, ticket.pk, actor=clerk, served=False, now=at(item_slot, 5))

    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.NO_SHOW
    assert BookingBlock.objects.filter(user=person).exists()
    assert len(events("servicedesk.ticket_no_show")) == 1


def test_display_shows_masked_names_only_and_stats_count_waits(
    hall, market_window, booked, slot, clerk
):
    queue.check_in(hall=hall, payload=booked.code, now=at(slot, -20))
    queue.take_walk_in_ticket(hall=hall, department_name="市场监督管理局", now=at(slot, -10))
    first = queue.call_next(market_window, actor=clerk, now=at(slot))  # waited 20 min
    queue.finish(market_window, first.pk, actor=clerk, served=True, now=at(slot, 5))
    queue.call_next(market_window, actor=clerk, now=at(slot, 20))  # waited 30 min

    board = display_board(hall, now=at(slot, 20))
    assert board["current"]["number"] == "A001"
    assert [row["name"] for row in board["recent"]] == ["张*"]
    assert board["waiting"] == 0

    stats = hall_day_stats(hall, slot.date)
    assert stats.tickets == 2 and stats.called == 2 and stats.served == 1
    assert stats.average_wait_minutes == 25.0 and stats.median_wait_minutes == 25.0
    assert stats.per_window == [{"number": "01", "name": "市场监管窗口", "served": 1, "no_show": 0}]
    assert stats.bookings == 1 and stats.bookings_checked_in == 1
