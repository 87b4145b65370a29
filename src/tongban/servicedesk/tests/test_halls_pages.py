"""Hall floor pages (kiosk, window, display) and the workbench hall pages."""
# ruff: noqa: F811  (fixtures imported from halls_support are used as arguments)

from datetime import time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tongban.servicedesk.models import Hall, Slot, SlotTemplate, Ticket, Window
from tongban.servicedesk.services import booking, queue
from tongban.servicedesk.tests.halls_support import (  # noqa: F401  (fixtures)
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

pytestmark = pytest.mark.django_db


def kiosk_url(hall):
    return reverse("servicedesk_hall:kiosk", args=[hall.kiosk_key])


def window_action(window):
    return reverse("servicedesk_hall:window_action", args=[window.pk])


@pytest.fixture
def today_booking(citizen, hall, market_window, market_item):
    """A booking in a slot running now until the end of the day (the kiosk accepts it)."""
    now = timezone.localtime()
    slot = Slot.objects.create(
        hall=hall, date=now.date(), start_time=time(now.hour, 0), end_time=time(23, 59), capacity=5
    )
    before_start = slot.starts_at - timedelta(minutes=1)  # booked before the slot began
    return booking.book_appointment(
        actor=citizen, slot_id=slot.pk, item=market_item, now=before_start
    )


# --- kiosk ----------------------------------------------------------------------------------
def test_kiosk_checks_in_a_qr_and_shows_the_number(client, hall, today_booking):
    response = client.post(
        kiosk_url(hall), {"action": "check_in", "code": booking.qr_payload(today_booking)}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="ticket-number">B001<' in body and "张*" in body and "张三" not in body
    assert len(events("servicedesk.appointment_checked_in")) == 1


def test_kiosk_refuses_a_forged_qr_and_changes_nothing(client, hall, today_booking):
    before = snapshot()
    forged = booking.qr_payload(today_booking)[:-3] + "abc"
    response = client.post(kiosk_url(hall), {"action": "check_in", "code": forged})
    assert response.status_code == 400
    assert 'data-code="booking_qr_invalid"' in response.content.decode()
    assert "无法识别该二维码" in response.content.decode()
    assert snapshot() == before


def test_kiosk_of_another_hall_refuses_the_booking(client, hall, guangzhou, today_booking):
    other = make_hall(guangzhou, code="other", kiosk_key="other-key")
    before = snapshot()
    response = client.post(kiosk_url(other), {"action": "check_in", "code": today_booking.code})
    assert 'data-code="booking_other_hall"' in response.content.decode()
    assert snapshot() == before


def test_kiosk_walk_in_and_unknown_key(client, hall, market_window):
    page = client.get(kiosk_url(hall)).content.decode()
    assert "市场监督管理局" in page
    response = client.post(
        kiosk_url(hall), {"action": "walk_in", "category": "市场监督管理局"}, HTTP_HX_REQUEST="true"
    )
    assert 'id="ticket-number">A001<' in response.content.decode()
    before = snapshot()
    assert client.get("/hall/kiosk/wrong-key/").status_code == 404
    assert client.post("/hall/kiosk/wrong-key/", {"code": "ABCDEFGH"}).status_code == 404
    assert snapshot() == before


# --- display --------------------------------------------------------------------------------
def test_display_needs_no_login_and_shows_masked_names_only(
    client, hall, market_window, today_booking, clerk
):
    queue.check_in(hall=hall, payload=today_booking.code)
    queue.call_next(market_window, actor=clerk)
    url = reverse("servicedesk_hall:display", args=[hall.code])

    page = client.get(url).content.decode()
    partial = client.get(url, HTTP_HX_REQUEST="true").content.decode()

    for body in (page, partial):
        assert "B001" in body and "01号窗口" in body and "张*" in body
        assert "张三" not in body and today_booking.code not in body
    assert 'hx-trigger="every 3s"' in page and "<html" not in partial


def test_display_of_an_unknown_hall_is_not_found(client):
    assert client.get("/hall/nowhere/display/").status_code == 404


# --- window ---------------------------------------------------------------------------------
def test_window_page_calls_serves_and_shows_errors(client, clerk, hall, market_window, guangzhou):
    walk_in = queue.take_walk_in_ticket(hall=hall, department_name="市场监督管理局")
    client.force_login(clerk)
    page = client.get(reverse("servicedesk_hall:window", args=[market_window.pk]))
    assert page.status_code == 200 and "A001" in page.content.decode()

    client.post(window_action(market_window), {"action": "call_next"})
    walk_in.refresh_from_db()
    assert walk_in.status == Ticket.Status.CALLED

    other = make_hall(guangzhou, code="other", kiosk_key="other-key")
    Window.objects.create(hall=other, number="01", name="他厅窗口", departments=["公安局"])
    foreign = queue.take_walk_in_ticket(hall=other, department_name="公安局")
    before = snapshot()
    response = client.post(window_action(market_window), {"action": "serve", "ticket": foreign.pk})
    assert response.status_code == 400
    assert 'data-code="ticket_other_hall"' in response.content.decode()
    assert snapshot() == before

    client.post(window_action(market_window), {"action": "serve", "ticket": walk_in.pk})
    walk_in.refresh_from_db()
    assert walk_in.status == Ticket.Status.SERVED


def test_window_page_is_refused_to_outsiders_and_other_cities(
    client, citizen, other_city_clerk, hall, market_window
):
    queue.take_walk_in_ticket(hall=hall, department_name="市场监督管理局")
    page = reverse("servicedesk_hall:window", args=[market_window.pk])
    before = snapshot()
    client.force_login(citizen)
    assert client.get(page).status_code == 403
    assert client.post(window_action(market_window), {"action": "call_next"}).status_code == 403
    client.force_login(other_city_clerk)
    assert client.get(page).status_code == 404
    assert client.post(window_action(market_window), {"action": "call_next"}).status_code == 404
    assert snapshot() == before


# --- workbench ------------------------------------------------------------------------------
def test_dept_admin_creates_a_hall_adds_a_window_and_slots(
    client, dept_admin, guangzhou, market_item
):
    client.force_login(dept_admin)
    listing = client.get(reverse("servicedesk_halls_workbench:hall_list"))
    assert listing.status_code == 200 and "新建大厅" in listing.content.decode()

    response = client.post(
        reverse("servicedesk_halls_workbench:hall_list"),
        {"org_unit": guangzhou.pk, "code": "gz-new", "name": "广州新大厅", "address": "天河路1号"},
    )
    hall = Hall.objects.get(code="gz-new")
    assert response.status_code == 302
    client.post(
        reverse("servicedesk_halls_workbench:window_add", args=[hall.code]),
        {"number": "01", "name": "市场监管", "departments": "市场监督管理局、公安局"},
    )
    window = hall.windows.get()
    assert window.departments == ["市场监督管理局", "公安局"]
    client.post(
        reverse("servicedesk_halls_workbench:template_add", args=[hall.code]),
        {
            "weekdays": [0, 1, 2, 3, 4, 5, 6],
            "start_time": "09:00",
            "end_time": "10:00",
            "capacity": 4,
        },
    )
    assert SlotTemplate.objects.filter(hall=hall).count() == 7
    assert Slot.objects.filter(hall=hall).exists()
    detail = client.get(reverse("servicedesk_halls_workbench:hall_detail", args=[hall.code]))
    assert hall.kiosk_key in detail.content.decode()
    for event_type in (
        "servicedesk.hall_created",
        "servicedesk.window_added",
        "servicedesk.slot_templates_added",
    ):
        assert len(events(event_type)) == 1


def test_bad_template_is_refused_on_the_page(client, dept_admin, hall):
    client.force_login(dept_admin)
    before = snapshot()
    templates = SlotTemplate.objects.count()
    response = client.post(
        reverse("servicedesk_halls_workbench:template_add", args=[hall.code]),
        {"weekdays": [0], "start_time": "10:00", "end_time": "09:00", "capacity": 4},
    )
    assert response.status_code == 400
    assert "结束时间须晚于开始时间" in response.content.decode()
    assert SlotTemplate.objects.count() == templates and snapshot() == before


def test_clerk_sees_the_hall_and_stats_but_not_the_kiosk_key(client, clerk, hall, market_window):
    client.force_login(clerk)
    detail = client.get(reverse("servicedesk_halls_workbench:hall_detail", args=[hall.code]))
    body = detail.content.decode()
    assert detail.status_code == 200 and "等候时间统计" in body
    assert hall.kiosk_key not in body
    assert reverse("servicedesk_hall:window", args=[market_window.pk]) in body
    before = snapshot()
    response = client.post(
        reverse("servicedesk_halls_workbench:window_add", args=[hall.code]),
        {"number": "05", "name": "x"},
    )
    assert response.status_code == 403
    assert snapshot() == before and hall.windows.count() == 1


def test_workbench_halls_of_another_city_are_not_found(client, other_city_clerk, citizen, hall):
    client.force_login(other_city_clerk)
    assert (
        client.get(reverse("servicedesk_halls_workbench:hall_detail", args=[hall.code])).status_code
        == 404
    )
    listing = client.get(reverse("servicedesk_halls_workbench:hall_list")).content.decode()
    assert hall.name not in listing
    client.force_login(citizen)
    assert client.get(reverse("servicedesk_halls_workbench:hall_list")).status_code == 403


def test_another_citys_admin_cannot_create_a_hall_in_guangzhou(
    client, guangzhou, shenzhen, sz_market_dept
):
    from tongban.testing.factories import RoleAssignmentFactory, StaffFactory

    admin = StaffFactory(username="sz_admin")
    RoleAssignmentFactory(user=admin, org_unit=sz_market_dept, role="dept_admin")
    client.force_login(admin)
    before = Hall.objects.count()
    response = client.post(
        reverse("servicedesk_halls_workbench:hall_list"),
        {"org_unit": guangzhou.pk, "code": "gz-x", "name": "x", "address": "y"},
    )
    assert response.status_code == 400
    assert Hall.objects.count() == before


def test_hall_page_lists_the_days_slots_without_personal_data(
    client, clerk, citizen, slot, market_item
):
    booking.book_appointment(actor=citizen, slot_id=slot.pk, item=market_item)
    client.force_login(clerk)
    url = reverse("servicedesk_halls_workbench:hall_detail", args=[slot.hall.code])
    body = client.get(url, {"day": slot.date.isoformat()}).content.decode()
    assert 'id="day-slots"' in body and "1/2" in body
    assert "张三" not in body and "张*" not in body


def test_dept_admin_changes_what_a_window_serves(client, dept_admin, clerk, hall, market_window):
    url = reverse("servicedesk_halls_workbench:window_edit", args=[hall.code, market_window.pk])
    client.force_login(clerk)
    before = snapshot()
    assert client.post(url, {"name": "x", "departments": ""}).status_code == 403
    assert snapshot() == before
    client.force_login(dept_admin)
    client.post(url, {"name": "市场与民政窗口", "departments": "市场监督管理局，民政局"})
    market_window.refresh_from_db()
    assert market_window.name == "市场与民政窗口"
    assert market_window.departments == ["市场监督管理局", "民政局"]
    [event] = events("servicedesk.window_updated")
    assert event.data["old"]["departments"] == ["市场监督管理局"]


def test_kiosk_refusal_through_htmx_is_a_swappable_partial(client, hall, market_window):
    before = snapshot()
    response = client.post(
        kiosk_url(hall), {"action": "check_in", "code": "garbage!"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200  # HTMX swaps only 2xx answers
    assert 'data-code="booking_code_invalid"' in body and "<html" not in body
    assert snapshot() == before


def test_admin_edits_the_hall_toggles_a_window_and_removes_a_template(
    client, dept_admin, hall, market_window
):
    template = SlotTemplate.objects.create(
        hall=hall, weekday=0, start_time="09:00", end_time="10:00", capacity=2
    )
    client.force_login(dept_admin)
    client.post(
        reverse("servicedesk_halls_workbench:hall_edit", args=[hall.code]),
        {"name": "新名称", "address": "新地址", "opening_hours": "", "is_active": "on"},
    )
    hall.refresh_from_db()
    assert (hall.name, hall.address, hall.is_active) == ("新名称", "新地址", True)
    bad = client.post(
        reverse("servicedesk_halls_workbench:hall_edit", args=[hall.code]),
        {"name": "", "address": "x"},
    )
    assert bad.status_code == 400
    hall.refresh_from_db()
    assert hall.name == "新名称"

    client.post(
        reverse("servicedesk_halls_workbench:window_toggle", args=[hall.code, market_window.pk])
    )
    market_window.refresh_from_db()
    assert not market_window.is_active
    client.post(
        reverse("servicedesk_halls_workbench:template_remove", args=[hall.code, template.pk])
    )
    template.refresh_from_db()
    assert not template.is_active
    assert [len(events(e)) for e in ("servicedesk.hall_updated", "servicedesk.window_updated")] == [
        1,
        1,
    ]


def test_a_checked_in_booking_shows_its_queue_number(
    client, citizen, hall, market_window, market_item
):
    now = timezone.localtime()
    running = Slot.objects.create(
        hall=hall, date=now.date(), start_time=time(now.hour, 0), end_time=time(23, 59), capacity=2
    )
    appointment = booking.book_appointment(
        actor=citizen,
        slot_id=running.pk,
        item=market_item,
        now=running.starts_at - timedelta(minutes=1),
    )
    queue.check_in(hall=hall, payload=appointment.code)
    client.force_login(citizen)
    url = reverse("servicedesk_appointments:appointment_detail", args=[appointment.code])
    body = client.get(url).content.decode()
    assert "B001" in body and "已签到" in body and "<svg" not in body  # no QR once used
