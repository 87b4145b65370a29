"""The assistant in a real browser (Debian chromium), a citizen on a phone: asks
"身份证过期了怎么办" on /help/, sees 居民身份证换领 as the first answer and follows it to the
item's guide page; the portal's chat widget answers too. No sideways scrolling at 390 px."""

import re

import pytest
from playwright.sync_api import expect

from tongban.testing.browser import fits_phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def catalogue(gz_market_dept):
    from tongban.catalog.importer import import_catalog
    from tongban.servicedesk.qa import index

    import_catalog()
    index.invalidate()
    index.get_index()  # load jieba and build the index once, as a running server has
    from django.test import Client

    assert Client().get("/help/").status_code == 200  # import the views, compile templates


def test_citizen_asks_and_follows_the_first_answer(phone_page, catalogue):
    page = phone_page
    page.goto("/help/")
    fits_phone(page)
    page.get_by_label("您的问题").fill("身份证过期了怎么办")
    page.get_by_role("button", name="提问").click()
    first = page.locator("#qa-log .qa-answer .qa-item").first
    expect(first).to_have_text("居民身份证换领", timeout=15_000)
    fits_phone(page)
    expect(page.get_by_label("您的问题")).to_have_value("")  # ready for the next question
    first.click()
    expect(page).to_have_url(re.compile(r"/services/id-card-renewal/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("居民身份证换领")


def test_feedback_and_hand_off_from_the_help_page(phone_page, catalogue, guangzhou):
    page = phone_page
    page.goto("/help/?q=明天会下雨吗")
    expect(page.locator(".qa-answer")).to_contain_text("暂时没有找到")
    page.get_by_role("link", name="转人工客服").click()
    page.get_by_label("联系人").fill("王芳")
    page.get_by_label("手机号码").fill("13700137000")
    page.get_by_role("button", name="提交给人工客服").click()
    expect(page.get_by_role("status")).to_contain_text("已转人工客服")
    fits_phone(page)


def test_portal_widget_answers(phone_page, catalogue):
    page = phone_page
    page.goto("/")
    fits_phone(page)
    page.get_by_text("智能客服", exact=True).click()
    page.get_by_label("您想办什么事？").fill("开个小饭馆要办什么证")
    page.get_by_role("button", name="问", exact=True).click()
    answer = page.locator("#qa-widget-log .qa-answer").first
    expect(answer.locator(".qa-item").first).to_be_visible(timeout=15_000)
    expect(answer).to_contain_text("个体工商户设立登记")
    expect(answer).to_contain_text("食品经营许可证核发")
    fits_phone(page)
    answer.get_by_role("button", name="有帮助").click()
    expect(answer.get_by_role("status")).to_have_text("谢谢您的评价！")
