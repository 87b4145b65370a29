"""12345 in a real browser (Debian chromium), everyone on a phone: a citizen files a
complaint on the web, the 12345 operator dispatches it to the suggested department, the
department answers, the operator concludes and calls the citizen back (回访), and the
citizen rates the answer.

Only the data is set up directly (org units, accounts; sign-in by session cookie); every
step of the loop goes through the pages.
"""

import re

import pytest
from playwright.sync_api import expect

from tongban.core.audit import verify_chain
from tongban.core.models import AuditEvent
from tongban.servicedesk.models import WorkOrder
from tongban.servicedesk.tests import _workorder_setup as setup
from tongban.testing.browser import fits_phone, sign_in

env_clerk = setup.env_clerk  # shared fixture
gz_env_dept = setup.gz_env_dept  # shared fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_complaint_filed_dispatched_answered_called_back_and_rated(
    phone_page, live_server, citizen, hotline_operator, gz_env_dept, env_clerk
):
    page = phone_page

    # 1. the citizen files a complaint on the web
    sign_in(page, live_server, citizen)
    page.goto("/my/workorders/")
    page.get_by_role("link", name="我要咨询、投诉、建议、求助").click()
    expect(page.get_by_role("heading", name="提交诉求（12345）")).to_be_visible()
    fits_phone(page)
    page.get_by_label("诉求类型").select_option(label="投诉")
    page.get_by_label("标题").fill("饭店油烟噪音扰民")
    page.get_by_label("诉求内容").fill("楼下饭店每天晚上油烟和噪音扰民，严重影响休息。")
    page.get_by_label("所在市、区县").select_option("440106")
    page.get_by_label("详细地点（选填）").fill("体育西路 1 号")
    page.get_by_role("button", name="提交", exact=True).click()
    expect(page.locator("#workorder-status")).to_have_text("已受理")
    number = page.locator("dd[data-number]").inner_text().strip()
    assert re.fullmatch(r"\d{15}", number)
    fits_phone(page)

    # 2. the 12345 operator dispatches it to the suggested department
    sign_in(page, live_server, hotline_operator)
    page.goto("/workbench/workorders/")
    row = page.locator(f'#workorder-results li[data-number="{number}"]')
    expect(row).to_be_visible()
    fits_phone(page)
    row.get_by_role("link").click()
    expect(page.locator("#dispatch-suggestions")).to_contain_text("广州市生态环境局")
    expect(page.get_by_label("承办部门")).to_have_value(str(gz_env_dept.pk))
    page.get_by_role("button", name="派单", exact=True).click()
    expect(page.locator("#workorder-status")).to_have_text("办理中")
    fits_phone(page)

    # 3. the department answers
    sign_in(page, live_server, env_clerk)
    page.goto("/workbench/workorders/department/")
    order_row = page.locator(f'#department-orders li[data-number="{number}"]')
    expect(order_row).to_be_visible()
    order_row.get_by_role("link").click()
    page.get_by_label("答复内容").fill(
        "已现场检查，责令饭店 7 日内加装油烟净化设备并调整营业时间。"
    )
    page.get_by_role("button", name="提交答复").click()
    expect(page.locator("#workorder-status")).to_have_text("已回复")
    fits_phone(page)

    # 4. the operator reviews the answer, concludes, and calls the citizen back
    sign_in(page, live_server, hotline_operator)
    page.goto(f"/workbench/workorders/{number}/")
    expect(page.locator("#workorder-reply")).to_contain_text("油烟净化设备")
    page.get_by_role("button", name="审核通过并办结").click()
    expect(page.locator("#workorder-status")).to_have_text("已办结")
    page.get_by_label("回访记录").fill("电话回访：市民确认已知悉答复。")
    page.get_by_role("button", name="保存回访记录").click()
    expect(page.locator("#workorder-status")).to_have_text("已回访")
    fits_phone(page)

    # 5. the citizen reads the answer and rates it
    sign_in(page, live_server, citizen)
    page.goto("/my/workorders/")
    page.locator(f'#workorder-list li[data-number="{number}"]').get_by_role("link").click()
    expect(page.locator("#workorder-reply")).to_contain_text("油烟净化设备")
    page.locator('input[name="level"][value="4"]').check()
    page.get_by_label("评价意见（选填）").fill("处理及时")
    page.get_by_role("button", name="提交评价").click()
    expect(page.locator("#my-rating")).to_contain_text("满意")
    expect(page.locator("#workorder-status")).to_have_text("已评价")
    fits_phone(page)

    order = WorkOrder.objects.get(number=number)
    assert order.status == WorkOrder.Status.RATED and order.rating == 4
    assert order.org_unit == gz_env_dept and order.called_back_at is not None
    events = list(
        AuditEvent.objects.filter(target_id=str(order.pk), event_type__startswith="servicedesk.")
        .order_by("seq")
        .values_list("event_type", flat=True)
    )
    assert events == [
        "servicedesk.work_order_created",
        "servicedesk.work_order_dispatched",
        "servicedesk.work_order_replied",
        "servicedesk.work_order_concluded",
        "servicedesk.work_order_called_back",
        "servicedesk.work_order_rated",
    ]
    assert verify_chain()
