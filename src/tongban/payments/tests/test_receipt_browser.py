"""Receipts in a phone-sized browser: the payer finds the receipt in "我的票据", opens it and
downloads the PDF; a stranger verifies it on the public page by code, number and check code
(and a wrong check code is refused). No page scrolls sideways at 390 px."""

import pytest

from tongban.payments.tests.factories_receipts import PaidOrderFactory, issue
from tongban.testing.browser import fits_phone, sign_in

pytestmark = pytest.mark.browser


def test_payer_finds_downloads_and_a_stranger_verifies(
    phone_page, live_server, citizen, gz_market_dept, browser
):
    from playwright.sync_api import expect

    receipt = issue(
        PaidOrderFactory(org_unit=gz_market_dept, payer=citizen, payer_name=citizen.name)
    )
    page = phone_page
    sign_in(page, live_server, citizen)
    page.goto("/my/receipts/")
    entry = page.locator(f'[data-receipt="{receipt.code}{receipt.number}"]')
    expect(entry).to_contain_text("¥60.00")
    fits_phone(page)
    entry.get_by_role("link").click()
    expect(page.get_by_role("heading", name="财政电子票据")).to_be_visible()
    expect(page.locator(".verdict-label")).to_have_text("真实有效")
    expect(page.locator('[data-field="check_code"]')).to_have_text(receipt.check_code)
    fits_phone(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="下载票据（PDF）").click()
    assert download.value.suggested_filename.endswith(f"{receipt.number}.pdf")

    stranger = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, locale="zh-CN"
    ).new_page()
    try:
        stranger.goto(f"{live_server.url}/receipts/verify/")
        stranger.get_by_label("票据代码").fill(receipt.code)
        stranger.get_by_label("票据号码").fill(receipt.number)
        wrong = "000000" if receipt.check_code != "000000" else "111111"
        stranger.get_by_label("校验码").fill(wrong)
        stranger.get_by_role("button", name="核验").click()
        expect(stranger.get_by_role("alert")).to_contain_text("未找到与票据代码")
        fits_phone(stranger)
        stranger.get_by_label("校验码").fill(receipt.check_code.upper())
        stranger.get_by_role("button", name="核验").click()
        expect(stranger.locator(".verdict-label")).to_have_text("真实有效")
        expect(stranger.locator('[data-field="payer"]')).to_have_text("张*")
        expect(stranger.locator('[data-field="amount-in-words"]')).to_contain_text("陆拾元整")
        fits_phone(stranger)
    finally:
        stranger.context.close()
