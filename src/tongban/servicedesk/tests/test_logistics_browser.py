"""Logistics on a phone: the citizen saves an address and orders the result by post from the
case page; the window hands the result to the courier; the courier simulator reports the
pickup; the citizen tracks the parcel. No page scrolls sideways at 390 px."""

import pytest
from playwright.sync_api import expect

from tongban.cases.models import Case
from tongban.servicedesk.models import DeliveryOrder
from tongban.servicedesk.tests.test_logistics import make_case
from tongban.testing.browser import fits_phone, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_result_ordered_by_post_dispatched_and_tracked(
    phone_page, live_server, browser, citizen, clerk, gz_market_dept
):
    case = make_case(citizen, gz_market_dept, status=Case.Status.APPROVED)
    page = phone_page
    sign_in(page, live_server, citizen)

    # 1. From the case page: no address yet, so the address book comes first.
    page.goto(f"/my/cases/{case.number}/")
    page.get_by_role("link", name="邮寄送达 / 上门取件").click()
    expect(page.get_by_role("heading", name="地址簿")).to_be_visible()
    fits_phone(page)
    page.get_by_label("收件人").fill("张三")
    page.get_by_label("手机号码").fill("123")
    page.get_by_label("所在区县").select_option("440106")
    page.get_by_label("详细地址").fill("体育东路1号")
    page.get_by_role("button", name="保存地址").click()
    expect(page.locator("body")).to_contain_text("请填写正确的 11 位手机号码")
    page.get_by_label("手机号码").fill("13800138000")
    page.get_by_role("button", name="保存地址").click()

    # 2. Back on the order form, the fee is shown before ordering.
    expect(page.get_by_role("heading", name="邮寄送达 / 上门取件")).to_be_visible()
    expect(page.locator("#delivery-order")).to_contain_text("运费 ¥10.00")
    fits_phone(page)
    page.get_by_label("结果邮寄送达").check()
    page.get_by_role("button", name="提交订单").click()
    expect(page.locator("#delivery")).to_have_attribute("data-status", "awaiting_dispatch")
    order = DeliveryOrder.objects.get()

    # 3. The window hands the result to the courier.
    staff = browser.new_context(base_url=live_server.url, locale="zh-CN").new_page()
    sign_in(staff, live_server, clerk)
    staff.goto(f"/workbench/cases/{case.number}/")
    staff.locator("#case-deliveries").click()
    staff.get_by_role("link", name=order.number).click()
    staff.get_by_role("button", name="结果已交寄").click()
    expect(staff.locator("#delivery")).to_have_attribute("data-status", "created")

    # 4. The courier (simulator) reports the pickup; the citizen sees it in the tracking.
    staff.goto("/courier/sim/")
    parcel = staff.locator(f'[data-waybill="{DeliveryOrder.objects.get().waybill_no}"]')
    parcel.get_by_label("推送状态").select_option("picked_up")
    parcel.get_by_role("button", name="发送回调").click()
    expect(staff.locator("body")).to_contain_text("回调已排队")
    page.goto(f"/my/deliveries/{order.number}/")
    expect(page.locator("#delivery")).to_have_attribute("data-status", "picked_up")
    expect(page.locator("#tracking")).to_contain_text("已揽收")
    fits_phone(page)
