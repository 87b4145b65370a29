"""The finance console in a real browser (Debian chromium) on a phone: a finance officer finds
a paid order and asks for a partial refund; a second officer approves it and the channel pays
it back; the second officer reconciles yesterday's WeChat statement, resolves the amount
mismatch with a note (HTMX), and opens the dashboard. No page scrolls sideways at 390 px."""

import pytest
from playwright.sync_api import expect

from tongban.payments.models import ReconciliationItem, Refund
from tongban.payments.tests.finance_support import at, paid_order, yesterday
from tongban.testing.browser import fits_phone, login_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def logout(page) -> None:
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("link", name="登录").first).to_be_visible()


def test_refund_with_four_eyes_then_reconcile_on_a_phone(
    phone_page, gz_market_dept, finance_officer, finance_reviewer, settings, tmp_path
):
    settings.PAYMENTS_STATEMENT_DIR = tmp_path / "statements"
    settings.PAYMENTS_STATEMENT_DEMO_DISCREPANCIES = ["amount_mismatch"]
    order = paid_order(gz_market_dept, amount=6000, paid_at=at(yesterday(), 10))
    page = phone_page

    # the first officer finds the order and asks for 20 元 back
    login_staff(page, finance_officer.username)
    page.goto("/console/")
    page.get_by_role("link", name="缴费订单").first.click()
    page.get_by_label("缴款码 / 业务编号 / 缴款人").fill(order.code)
    page.get_by_role("button", name="查询").click()
    result = page.locator("#order-list").get_by_role("link", name=order.code)
    expect(result).to_be_visible()
    fits_phone(page)
    result.click()
    expect(page.locator("#refundable")).to_have_text("¥60.00")
    fits_phone(page)
    page.get_by_label("退款金额（元）").fill("20")
    page.get_by_label("退款原因").fill("部分项目免收")
    page.get_by_role("button", name="提交退款申请").click()
    expect(page.locator("#own-request")).to_be_visible()
    expect(page.locator("#decide-form")).to_have_count(0)
    fits_phone(page)
    logout(page)

    # the second officer approves; the simulated channel pays it back
    login_staff(page, finance_reviewer.username)
    page.goto("/console/payments/refunds/")
    refund = Refund.objects.get()
    page.locator(f'[data-refund="{refund.refund_no}"] a').click()
    page.get_by_label("复核意见（驳回时必填）").fill("核实无误")
    page.get_by_role("button", name="复核通过并退款").click()
    expect(page.locator('h2 [data-status="succeeded"]')).to_be_visible()
    fits_phone(page)

    # reconcile yesterday's WeChat statement and resolve the mismatch
    page.goto("/console/payments/reconciliation/")
    page.locator("#run-form").get_by_label("渠道").select_option("wechat")
    page.locator("#run-form").get_by_label("账单日期").fill(yesterday().isoformat())
    page.get_by_role("button", name="获取对账单并对账").click()
    item = ReconciliationItem.objects.get(kind="amount_mismatch")
    row = page.locator(f"#item-{item.pk}")
    expect(row).to_contain_text("61.00")
    fits_phone(page)
    row.get_by_label("处理说明").fill("渠道多扣 1 元，已联系渠道退回")
    row.get_by_role("button", name="标记已处理").click()
    expect(page.locator(f'#item-{item.pk}[data-status="resolved"]')).to_contain_text(
        "已联系渠道退回"
    )
    item.refresh_from_db()
    assert item.status == "resolved" and item.resolved_by == finance_reviewer

    # the dashboard: yesterday's 60 元 collected, the chart drawn inline
    page.goto("/console/payments/")
    expect(page.locator("#total-paid")).to_have_text("¥60.00")
    expect(page.locator("#dashboard-chart svg")).to_be_visible()
    fits_phone(page)
