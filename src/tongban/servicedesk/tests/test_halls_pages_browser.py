"""The hall pages on a phone (390 px): no sideways scrolling, Chinese headings; the kiosk
answers a bad QR with the error and a walk-in with a number, through HTMX."""
# ruff: noqa: F811  (fixtures imported from halls_support are used as arguments)

import pytest
from playwright.sync_api import expect

from tongban.servicedesk.services import queue
from tongban.servicedesk.tests.halls_support import (  # noqa: F401  (fixtures)
    hall,
    market_item,
    market_window,
    police_window,
    slot,
)
from tongban.testing.browser import fits_phone, login_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Tongban#2026"


def test_hall_pages_fit_a_phone(
    phone_page, dept_admin, clerk, hall, market_window, police_window, slot
):
    page = phone_page
    queue.take_walk_in_ticket(hall=hall, department_name="市场监督管理局")

    # The kiosk: a forged QR is refused in place; a walk-in gets a number.
    page.goto(f"/hall/kiosk/{hall.kiosk_key}/")
    fits_phone(page)
    page.get_by_label("扫描预约二维码或输入预约码").fill("TBAPPT1.ABCDEFGH.forged")
    page.get_by_role("button", name="签到取号").click()
    expect(page.locator("#kiosk-result [role=alert]")).to_contain_text("无法识别该二维码")
    page.get_by_role("button", name="公安局").click()
    expect(page.locator("#ticket-number")).to_have_text("A002")
    fits_phone(page)

    page.goto(f"/hall/{hall.code}/display/")
    expect(page.locator("#current-call")).to_contain_text("暂无叫号")
    fits_phone(page)

    login_staff(page, clerk.username)
    page.goto(f"/hall/windows/{market_window.pk}/")
    page.get_by_role("button", name="叫下一个号").click()
    expect(page.locator("#current-number")).to_have_text("A001")
    fits_phone(page)

    page.get_by_role("button", name="退出").click()
    login_staff(page, dept_admin.username)
    page.goto(f"/workbench/halls/{hall.code}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(hall.name)
    expect(page.get_by_role("heading", name="添加预约时段")).to_be_visible()
    fits_phone(page)
    page.goto("/workbench/halls/")
    fits_phone(page)
    page.goto("about:blank")  # the window page polls: leave it before the database goes
