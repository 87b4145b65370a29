"""The citizen's booking pages (/my/appointments/) and the link on the item guide page."""
# ruff: noqa: F811  (fixtures imported from halls_support are used as arguments)

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tongban.servicedesk.models import Appointment, Slot, SlotTemplate
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

pytestmark = pytest.mark.django_db


def book_url(item):
    return reverse("servicedesk_appointments:appointment_book", args=[item.key])


def test_the_guide_page_links_to_booking_for_items_needing_a_visit(client, market_item):
    page = client.get(reverse("catalog:item_detail", args=[market_item.key]))
    assert book_url(market_item) in page.content.decode()


def test_no_booking_link_for_items_done_fully_online(client):
    from tongban.testing.factories_catalog import make_published_item

    online = make_published_item(version_kwargs={"max_visits": 0, "online": True})
    page = client.get(reverse("catalog:item_detail", args=[online.key]))
    assert "预约到厅办理" not in page.content.decode()


def test_booking_needs_a_login(client, market_item):
    response = client.get(book_url(market_item))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_citizen_books_from_the_page_and_sees_the_qr(client, citizen, slot, market_item):
    client.force_login(citizen)
    page = client.get(book_url(market_item))
    assert page.status_code == 200
    assert f'value="{slot.pk}"' in page.content.decode()

    response = client.post(book_url(market_item), {"hall": slot.hall.code, "slot": slot.pk})

    appointment = Appointment.objects.get(user=citizen)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "servicedesk_appointments:appointment_detail", args=[appointment.code]
    )
    detail = client.get(response["Location"]).content.decode()
    assert appointment.code in detail and "<svg" in detail and "取消预约" in detail
    listing = client.get(reverse("servicedesk_appointments:appointment_list")).content.decode()
    assert appointment.code in listing


def test_booking_a_full_slot_shows_the_error_and_changes_nothing(
    client, citizen, outsider, slot, market_item
):
    Slot.objects.filter(pk=slot.pk).update(capacity=1)
    booking.book_appointment(actor=outsider, slot_id=slot.pk, item=market_item)
    client.force_login(citizen)
    before = snapshot()

    response = client.post(book_url(market_item), {"hall": slot.hall.code, "slot": slot.pk})

    assert response.status_code == 409
    body = response.content.decode()
    assert 'data-code="slot_full"' in body and "该时段已约满" in body
    assert snapshot() == before


def test_booking_a_forged_slot_id_is_refused(client, citizen, slot, market_item):
    client.force_login(citizen)
    before = snapshot()
    for forged in ("999999", "abc", "", "1; DROP TABLE"):
        response = client.post(book_url(market_item), {"slot": forged})
        assert response.status_code == 404, forged
        assert 'data-code="slot_not_found"' in response.content.decode()
    assert snapshot() == before


def test_the_booking_page_generates_slots_from_the_templates(
    client, citizen, hall, market_window, market_item
):
    for weekday in range(7):  # every day, so the horizon has slots whatever the holidays
        SlotTemplate.objects.create(
            hall=hall, weekday=weekday, start_time="09:00", end_time="10:00", capacity=3
        )
    client.force_login(citizen)
    page = client.get(book_url(market_item))
    assert page.status_code == 200
    assert Slot.objects.filter(hall=hall).exists()
    assert 'name="slot"' in page.content.decode()


def test_someone_elses_booking_is_not_found_and_cannot_be_cancelled(
    client, citizen, outsider, slot, market_item
):
    appointment = booking.book_appointment(actor=citizen, slot_id=slot.pk, item=market_item)
    client.force_login(outsider)
    before = snapshot()
    detail = reverse("servicedesk_appointments:appointment_detail", args=[appointment.code])
    cancel = reverse("servicedesk_appointments:appointment_cancel", args=[appointment.code])
    assert client.get(detail).status_code == 404
    assert client.post(cancel).status_code == 404
    assert snapshot() == before


def test_cancel_from_the_page(client, citizen, slot, market_item):
    appointment = booking.book_appointment(actor=citizen, slot_id=slot.pk, item=market_item)
    client.force_login(citizen)
    cancel = reverse("servicedesk_appointments:appointment_cancel", args=[appointment.code])
    response = client.post(cancel, follow=True)
    assert "预约已取消" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED
    assert len(events("servicedesk.appointment_cancelled")) == 1


def test_tomorrows_visit_is_reminded_on_the_list(client, citizen, hall, market_window, market_item):
    tomorrow = make_slot(hall, day=timezone.localdate() + timedelta(days=1))
    appointment = booking.book_appointment(actor=citizen, slot_id=tomorrow.pk, item=market_item)
    client.force_login(citizen)
    page = client.get(reverse("servicedesk_appointments:appointment_list")).content.decode()
    assert f'id="reminder-{appointment.code}"' in page and "提醒" in page


def test_booking_from_the_case_page_links_the_booking_to_the_case(
    client, citizen, outsider, gz_market_dept, slot, market_item
):
    from tongban.testing.factories_cases import submitted_case
    from tongban.testing.factories_catalog import ImplementationFactory

    implementation = ImplementationFactory(item=market_item, org_unit=gz_market_dept)
    case = submitted_case(implementation, citizen)
    client.force_login(citizen)
    case_page = client.get(reverse("my_cases:detail", args=[case.number])).content.decode()
    link = f"{book_url(market_item)}?case={case.number}"
    assert link in case_page

    assert case.number in client.get(link).content.decode()
    client.post(book_url(market_item), {"slot": slot.pk, "case": case.number})
    appointment = Appointment.objects.get(user=citizen)
    assert appointment.case == case

    # someone else's case number is ignored, never linked
    client.force_login(outsider)
    other_slot = make_slot(slot.hall, day=slot.date + timedelta(days=1))
    client.post(book_url(market_item), {"slot": other_slot.pk, "case": case.number})
    assert Appointment.objects.get(user=outsider).case is None


def test_a_blocked_person_is_told_before_choosing_and_refused_when_booking(
    client, citizen, slot, market_item
):
    from tongban.servicedesk.models import BookingBlock

    block = BookingBlock.objects.create(
        user=citizen,
        starts_at=timezone.now(),
        ends_at=timezone.now() + timedelta(days=30),
        no_show_count=3,
    )
    client.force_login(citizen)
    until = timezone.localtime(block.ends_at).strftime("%Y-%m-%d %H:%M")
    assert until in client.get(book_url(market_item)).content.decode()
    before = snapshot()
    response = client.post(book_url(market_item), {"slot": slot.pk})
    assert 'data-code="booking_blocked"' in response.content.decode()
    assert snapshot() == before
    listing = client.get(reverse("servicedesk_appointments:appointment_list")).content.decode()
    assert until in listing and 'data-code="booking_blocked"' in listing
