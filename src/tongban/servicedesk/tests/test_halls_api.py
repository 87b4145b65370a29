"""/api/v1/servicedesk/ — halls, slots, bookings, kiosk devices, windows, statistics."""
# ruff: noqa: F811  (fixtures imported from halls_support are used as arguments)

from datetime import time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tongban.servicedesk.models import Appointment, Slot, Ticket, Window
from tongban.servicedesk.services import booking, queue
from tongban.servicedesk.tests.halls_support import (  # noqa: F401  (fixtures)
    events,
    hall,
    make_hall,
    market_item,
    market_window,
    police_item,
    police_window,
    slot,
    snapshot,
)
from tongban.testing.factories_catalog import make_published_item

pytestmark = pytest.mark.django_db

API = "/api/v1/servicedesk"


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def test_public_halls_slots_and_openapi(client, slot, market_item):
    halls = client.get(f"{API}/halls", {"item": market_item.key}).json()
    assert [h["code"] for h in halls["items"]] == [slot.hall.code]
    slots = client.get(f"{API}/halls/{slot.hall.code}/slots", {"item": market_item.key}).json()
    assert [s["id"] for s in slots] == [slot.pk] and slots[0]["places_left"] == 2
    schema = client.get("/api/v1/openapi.json").json()
    operation_ids = {
        operation["operationId"]
        for path in schema["paths"].values()
        for operation in path.values()
        if isinstance(operation, dict) and "operationId" in operation
    }
    assert {
        "servicedesk_create_appointment",
        "servicedesk_call_next_ticket",
        "servicedesk_get_display",
    } <= operation_ids


def test_book_list_and_cancel(client, citizen, slot, market_item):
    client.force_login(citizen)
    response = post(client, f"{API}/appointments", {"slot_id": slot.pk, "item": market_item.key})
    assert response.status_code == 201, response.content
    code = response.json()["code"]
    assert booking.code_from_qr(response.json()["qr_payload"]) == code
    assert [a["code"] for a in client.get(f"{API}/appointments").json()["items"]] == [code]
    cancelled = post(client, f"{API}/appointments/{code}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"


def test_booking_errors_are_json_and_change_nothing(client, citizen, outsider, slot, market_item):
    Slot.objects.filter(pk=slot.pk).update(capacity=1)
    booking.book_appointment(actor=outsider, slot_id=slot.pk, item=market_item)
    client.force_login(citizen)
    before = snapshot()
    full = post(client, f"{API}/appointments", {"slot_id": slot.pk, "item": market_item.key})
    assert full.status_code == 409
    assert full.json()["code"] == "slot_full" and full.json()["field"] == "slot"
    assert "约满" in full.json()["message"]
    unknown = post(client, f"{API}/appointments", {"slot_id": slot.pk, "item": "no-such-item"})
    assert unknown.status_code == 404 and unknown.json()["code"] == "item_not_found"
    assert snapshot() == before


def test_anonymous_and_other_people_cannot_book_or_see_bookings(
    client, citizen, outsider, slot, market_item
):
    appointment = booking.book_appointment(actor=citizen, slot_id=slot.pk, item=market_item)
    before = snapshot()
    anonymous = post(client, f"{API}/appointments", {"slot_id": slot.pk, "item": market_item.key})
    assert anonymous.status_code == 401
    client.force_login(outsider)
    assert client.get(f"{API}/appointments/{appointment.code}").status_code == 404
    assert post(client, f"{API}/appointments/{appointment.code}/cancel").status_code == 404
    assert client.get(f"{API}/appointments").json()["items"] == []
    assert snapshot() == before


def test_kiosk_device_checks_in_and_refuses_bad_input(
    client, citizen, hall, market_window, market_item
):
    now = timezone.localtime()
    running = Slot.objects.create(
        hall=hall, date=now.date(), start_time=time(now.hour, 0), end_time=time(23, 59), capacity=3
    )
    appointment = booking.book_appointment(
        actor=citizen,
        slot_id=running.pk,
        item=market_item,
        now=running.starts_at - timedelta(minutes=1),
    )
    url = f"{API}/kiosks/{hall.kiosk_key}/check-ins"
    before = snapshot()
    bad = post(client, url, {"code": "TBAPPT1.ABCDEFGH.0000"})
    assert bad.status_code == 400 and bad.json()["code"] == "booking_qr_invalid"
    wrong_key = post(client, f"{API}/kiosks/nope/check-ins", {"code": appointment.code})
    assert wrong_key.status_code == 404
    assert snapshot() == before

    ticket = post(client, url, {"code": booking.qr_payload(appointment)})
    assert ticket.status_code == 201 and ticket.json()["number"] == "B001"
    walk_in = post(client, f"{API}/kiosks/{hall.kiosk_key}/tickets", {"category": "市场监督管理局"})
    assert walk_in.json()["number"] == "A001"


def test_window_api_calls_and_refuses_another_halls_ticket(
    client, clerk, hall, market_window, guangzhou
):
    mine = queue.take_walk_in_ticket(hall=hall, department_name="市场监督管理局")
    other = make_hall(guangzhou, code="other", kiosk_key="other-key")
    Window.objects.create(hall=other, number="01", name="他厅", departments=["市场监督管理局"])
    foreign = queue.take_walk_in_ticket(hall=other, department_name="市场监督管理局")
    client.force_login(clerk)

    called = post(client, f"{API}/windows/{market_window.pk}/call-next")
    assert called.status_code == 200 and called.json()["id"] == mine.pk
    before = snapshot()
    refused = post(client, f"{API}/windows/{market_window.pk}/tickets/{foreign.pk}/serve")
    assert refused.status_code == 400 and refused.json()["code"] == "ticket_other_hall"
    assert snapshot() == before
    served = post(client, f"{API}/windows/{market_window.pk}/tickets/{mine.pk}/serve")
    assert served.json()["status"] == "served"
    stats = client.get(f"{API}/halls/{hall.code}/stats").json()
    assert stats["served"] == 1 and stats["per_window"][0]["number"] == "01"
    assert len(events("servicedesk.ticket_served")) == 1


def test_window_api_is_refused_to_outsiders(client, citizen, other_city_clerk, hall, market_window):
    queue.take_walk_in_ticket(hall=hall, department_name="市场监督管理局")
    before = snapshot()
    assert post(client, f"{API}/windows/{market_window.pk}/call-next").status_code == 401
    for person in (citizen, other_city_clerk):
        client.force_login(person)
        response = post(client, f"{API}/windows/{market_window.pk}/call-next")
        assert response.status_code == 404 and response.json()["code"] == "window_not_found"
        assert client.get(f"{API}/halls/{hall.code}/stats").status_code == 404
    assert snapshot() == before
    assert not Ticket.objects.filter(status="called").exists()


def test_display_api_shows_masked_names_only(
    client, citizen, hall, market_window, market_item, clerk
):
    now = timezone.localtime()
    running = Slot.objects.create(
        hall=hall, date=now.date(), start_time=time(now.hour, 0), end_time=time(23, 59), capacity=3
    )
    appointment = booking.book_appointment(
        actor=citizen,
        slot_id=running.pk,
        item=market_item,
        now=running.starts_at - timedelta(minutes=1),
    )
    queue.check_in(hall=hall, payload=appointment.code)
    queue.call_next(market_window, actor=clerk)
    board = client.get(f"{API}/halls/{hall.code}/display").json()
    assert board["current"]["number"] == "B001" and board["current"]["name"] == "张*"
    assert "张三" not in str(board) and appointment.code not in str(board)
    assert Appointment.objects.get().status == Appointment.Status.CHECKED_IN


def test_list_endpoints_use_a_fixed_number_of_queries(
    client, citizen, guangzhou, hall, market_window, market_item
):
    def add_hall_and_booking(n):
        other = make_hall(guangzhou, code=f"extra-{n}", kiosk_key=f"extra-{n}")
        Window.objects.create(hall=other, number="01", name="市场", departments=["市场监督管理局"])
        extra_slot = Slot.objects.create(
            hall=other,
            date=timezone.localdate() + timedelta(days=2 + n),
            start_time=time(9),
            end_time=time(10),
            capacity=2,
        )
        item = make_published_item(department_name="市场监督管理局")
        booking.book_appointment(actor=citizen, slot_id=extra_slot.pk, item=item)

    client.force_login(citizen)
    counts = []
    for n in range(3):
        add_hall_and_booking(n)
        with CaptureQueriesContext(connection) as halls_queries:
            assert client.get(f"{API}/halls", {"item": market_item.key}).status_code == 200
        with CaptureQueriesContext(connection) as bookings_queries:
            listed = client.get(f"{API}/appointments").json()
        assert listed["count"] == n + 1
        counts.append((len(halls_queries), len(bookings_queries)))
    assert counts[0] == counts[1] == counts[2], counts
