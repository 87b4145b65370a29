"""Booking a hall visit end to end in a real browser (Debian chromium), the citizen on a phone.

The citizen asks the assistant "身份证过期了怎么办", follows its link to the guide of
居民身份证换领, books today's slot at 天河区政务服务中心 and
gets the booking QR; at the hall the kiosk reads the QR (a scanner types its payload) and
gives a queue number; the window clerk of 天河区公安局 calls the next number; the calling
display (no login, refreshing itself) shows the number, the window and the masked name; the
clerk marks it served and the citizen's booking shows 已办理.

Only the data is set up directly (org units, the catalogue, the hall and today's slot,
accounts); every step of the journey goes through the pages.
"""

import re
import time as sleeper
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tongban.catalog.importer import import_catalog
from tongban.core.audit import verify_chain
from tongban.core.orgunits import department_unit, region_unit, seed_org_units
from tongban.identity.models import User
from tongban.registries.services import ensure_demo_people
from tongban.servicedesk.models import Appointment, Hall, Slot, Ticket, Window
from tongban.servicedesk.services.booking import qr_payload
from tongban.testing.browser import fits_phone, login_citizen, login_staff
from tongban.testing.factories import RoleAssignmentFactory, StaffFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Tongban#2026"
CITIZEN_ID, CITIZEN_NAME, CITIZEN_MOBILE = "440106199001011235", "张三", "13800138000"
ITEM_KEY, ITEM_NAME = "id-card-renewal", "居民身份证换领"
DIVISION = "440106"  # 天河区


def staff_member(role, unit, username, name, covers_children=False):
    user = StaffFactory(username=username, name=name)
    RoleAssignmentFactory(user=user, org_unit=unit, role=role, covers_children=covers_children)
    return user


def slot_starting_soon(hall) -> Slot:
    """Today's slot starting in two minutes (bookable now, and the kiosk takes check-ins
    from an hour before the start). In the last minutes of a day no slot can start later
    the same day: wait (at most four minutes) for the new day first."""
    now = timezone.localtime()
    if now.hour == 23 and now.minute >= 56:
        tomorrow = datetime.combine(now.date() + timedelta(days=1), time(0, 0, 5))
        sleeper.sleep((timezone.make_aware(tomorrow) - now).total_seconds())
        now = timezone.localtime()
    start = (now + timedelta(minutes=2)).replace(second=0, microsecond=0)
    end = min(start + timedelta(minutes=60), start.replace(hour=23, minute=59))
    return Slot.objects.create(
        hall=hall, date=start.date(), start_time=start.time(), end_time=end.time(), capacity=4
    )


@pytest.fixture
def hall_world(db):
    """The demo province (org units, catalogue, registry people), 天河区政务服务中心 with a
    公安 window and today's slot, the citizen, the window clerk and an operator (SMS outbox)."""
    seed_org_units()
    import_catalog()
    ensure_demo_people()
    staff_member("operator", region_unit("440000"), "operator", "周运营", covers_children=True)
    clerk = staff_member(
        "window_clerk", department_unit(DIVISION, "公安局"), "th_psb_clerk", "马窗口"
    )
    citizen = UserFactory(
        username=CITIZEN_ID,
        id_number=CITIZEN_ID,
        name=CITIZEN_NAME,
        mobile=CITIZEN_MOBILE,
        realname_level=User.Level.L2,
    )
    hall = Hall.objects.create(
        org_unit=region_unit(DIVISION),
        code="th-center",
        name="天河区政务服务中心",
        address="广州市天河区天府路 1 号",
        opening_hours="周一至周五 9:00-17:00",
        kiosk_key="journey-kiosk-key",
    )
    window = Window.objects.create(
        hall=hall, number="01", name="公安综合窗口", departments=["公安局"]
    )
    slot = slot_starting_soon(hall)
    return citizen, clerk, hall, window, slot


def test_citizen_books_checks_in_at_the_kiosk_and_is_called_on_the_display(
    browser, live_server, phone_page, hall_world
):
    citizen, clerk, hall, window, slot = hall_world
    page = phone_page
    contexts = [browser.new_context(base_url=live_server.url, locale="zh-CN") for _ in range(4)]
    outbox, kiosk, display, staff = (context.new_page() for context in contexts)
    for other in (outbox, kiosk, display, staff):
        other.set_default_timeout(15_000)
    login_staff(outbox, "operator")

    # 1. The citizen, signed in, asks the assistant in everyday words and follows its link
    #    to the guide of 居民身份证换领; there, books a hall visit.
    login_citizen(page, outbox, CITIZEN_MOBILE)
    page.goto("/help/")
    page.get_by_label("您的问题").fill("身份证过期了怎么办")
    page.get_by_role("button", name="提问").click()
    answer_link = page.locator("#qa-log").get_by_role("link", name=ITEM_NAME).first
    # The assistant has answered (the first question loads the word segmenter and builds the
    # index: allow it time on a busy machine).
    expect(answer_link).to_be_visible(timeout=60_000)
    fits_phone(page)
    answer_link.click()
    expect(page).to_have_url(re.compile(rf"/services/{ITEM_KEY}/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(ITEM_NAME)
    page.get_by_role("link", name="预约到厅办理").click()
    expect(page.get_by_role("heading", name="天河区政务服务中心")).to_be_visible()
    fits_phone(page)
    page.get_by_role("radio", name=re.compile(slot.start_time.strftime("%H:%M"))).check()
    page.get_by_role("button", name="确认预约").click()

    # 2. The booking with its code and QR.
    expect(page.locator("#appointment-status")).to_have_text("已预约")
    expect(page.get_by_role("img", name="预约签到二维码")).to_be_visible()
    fits_phone(page)
    appointment = Appointment.objects.get(user=citizen)
    expect(page.locator("#booking-code")).to_have_text(appointment.code)

    # 3. The calling display of the hall: no login, nothing called yet.
    display.goto(f"/hall/{hall.code}/display/")
    expect(display.locator("#current-call")).to_contain_text("暂无叫号")

    # 4. At the hall the kiosk reads the QR (the scanner types its payload): number B001.
    kiosk.goto(f"/hall/kiosk/{hall.kiosk_key}/")
    kiosk.get_by_label("扫描预约二维码或输入预约码").fill(qr_payload(appointment))
    kiosk.get_by_role("button", name="签到取号").click()
    expect(kiosk.locator("#ticket-number")).to_have_text("B001")
    expect(kiosk.locator("#kiosk-ticket")).to_contain_text("张*")

    # 5. The window clerk calls the next number.
    login_staff(staff, "th_psb_clerk")
    staff.goto("/workbench/halls/")
    staff.get_by_role("link", name="天河区政务服务中心").click()
    staff.get_by_role("link", name=re.compile("01号窗口")).click()
    expect(staff.get_by_role("heading", name=re.compile("等候中"))).to_contain_text("1")
    staff.get_by_role("button", name="叫下一个号").click()
    expect(staff.locator("#current-number")).to_have_text("B001")

    # 6. The display refreshes itself and shows the call, the window and the masked name.
    current = display.locator("#current-call")
    expect(current).to_contain_text("B001")
    expect(current).to_contain_text("01号窗口")
    expect(current).to_contain_text("张*")
    expect(display.locator("body")).not_to_contain_text("张三")

    # 7. Served; the citizen's booking says so.
    staff.get_by_role("button", name="办结").click()
    expect(staff.locator("body")).to_contain_text("B001 已办结")
    page.reload()
    expect(page.locator("#appointment-status")).to_have_text("已办理")
    fits_phone(page)

    ticket = Ticket.objects.get(appointment=appointment)
    assert ticket.status == Ticket.Status.SERVED and ticket.called_by_id == clerk.pk
    assert verify_chain().ok
    for polling in (display, staff):  # stop the pages' polling before the database goes
        polling.goto("about:blank")
    for context in contexts:
        context.close()
